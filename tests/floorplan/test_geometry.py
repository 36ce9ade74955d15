"""The rules every saved plan keeps, and the layout generator, on plain data (no database)."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maarid.floorplan import geometry
from maarid.floorplan.geometry import (
    BoothPlan,
    Part,
    Plan,
    Problem,
    RowsSpec,
    ShapeError,
    StructurePlan,
    problems,
    read_polygon,
    rectangle,
    rows_of_booths,
)
from tests.floorplan.conftest import small_plan, square

BOWTIE = [[[8.0, 8.0], [11.0, 11.0], [11.0, 8.0], [8.0, 11.0], [8.0, 8.0]]]


def test_a_plan_that_keeps_the_rules_has_no_problem():
    assert problems(small_plan()) == []


def test_booths_side_by_side_touch_without_overlapping():
    plan = small_plan()
    assert geometry.polygon(plan.booths[0].outline).touches(
        geometry.polygon(plan.booths[1].outline)
    )
    assert problems(plan) == []


def test_a_self_intersecting_booth_is_named():
    plan = small_plan()
    plan.booths[0].outline = BOWTIE
    assert Problem("invalid", Part("booth", "A1")) in problems(plan)


def test_overlapping_booths_are_named_both():
    plan = small_plan()
    plan.booths[1].outline = square(9.5, 8)
    assert problems(plan) == [Problem("overlap", Part("booth", "A1"), Part("booth", "A2"))]


def test_a_booth_outside_its_tent_is_named_with_the_tent():
    plan = small_plan()
    plan.booths[2].outline = square(33, 8)  # across the tent's eastern wall
    assert problems(plan) == [Problem("outside", Part("booth", "A3"), Part("tent", "A"))]


def test_a_booth_in_the_open_must_not_stand_in_a_tent():
    plan = small_plan()
    plan.booths[2].structure = None
    assert problems(plan) == [Problem("overlap", Part("booth", "A3"), Part("tent", "A"))]
    plan.booths[2].outline = square(45, 30)  # outside, on the square
    assert problems(plan) == []


def test_everything_lies_inside_the_site():
    plan = small_plan()
    plan.structures[0].outline = rectangle(40, 30, 30, 20)
    plan.booths = []
    found = problems(plan)
    assert Problem("outside", Part("tent", "A"), Part("site")) in found


def test_tents_do_not_overlap():
    plan = small_plan()
    plan.booths = []
    plan.structures.append(StructurePlan("B", "hall", rectangle(30, 5, 10, 10)))
    assert problems(plan) == [Problem("overlap", Part("tent", "A"), Part("hall", "B"))]


def test_numbers_and_names_are_unique_and_tents_exist():
    plan = small_plan()
    plan.booths[1].number = "A1"
    plan.booths[2].structure = "Z"
    found = problems(plan)
    assert Problem("duplicate", Part("booth", "A1")) in found
    assert Problem("unknown", Part("booth", "A3"), Part("structure", "Z")) in found


def test_a_plan_in_degrees_is_recognised():
    plan = small_plan()
    assert not geometry.looks_like_degrees(o for _p, o in plan.outlines())
    # The same site drawn in longitude and latitude around Tétouan's Place de la Wilaya.
    in_degrees = [
        [[[-5.3684 + x * 1e-5, 35.5785 + y * 1e-5] for x, y in ring] for ring in outline]
        for _p, outline in plan.outlines()
    ]
    assert geometry.looks_like_degrees(in_degrees)


@pytest.mark.parametrize(
    "coordinates",
    [
        None,
        "0,0 1,1",
        [],
        [[[0, 0], [1, 0], [1, 1]]],  # three positions
        [[[0, 0], [1, 0], [1, 1], [0, 1]]],  # not closed
        [[[0, 0], [1, 0], [1, "1"], [0, 0]]],
        [[[0, 0], [1, 0], [1, True], [0, 0]]],
        [[[0, 0], [1, 0], [1, math.nan], [0, 0]]],
        [[[0, 0], [1, 0], [1, math.inf], [0, 0]]],
        [[[0, 0, 0, 0], [1, 0], [1, 1], [0, 0]]],
        [[0, 0, 1, 0, 1, 1, 0, 0]],
    ],
)
def test_coordinates_that_are_no_polygon_are_refused(coordinates):
    with pytest.raises(ShapeError) as refused:
        read_polygon(coordinates)
    assert refused.value.code == "shape"


def test_coordinates_far_from_the_origin_are_refused():
    with pytest.raises(ShapeError) as refused:
        read_polygon(rectangle(500_000, 0, 3, 3))
    assert refused.value.code == "far"


def test_positions_are_read_as_floats_and_altitudes_dropped():
    assert read_polygon([[[0, 0, 12], [3, 0], [3, 3], [0, 0]]]) == [
        [[0.0, 0.0], [3.0, 0.0], [3.0, 3.0], [0.0, 0.0]]
    ]


def test_a_tent_is_filled_with_rows_along_the_walls_and_back_to_back():
    booths = rows_of_booths(RowsSpec(0, 0, 30, 20, 3, 3, 3))
    # 24 m between the end aisles: 8 booths a row; rows at 0 (wall), 6 and 9 (back to back),
    # 15 (wall), with an aisle in front of each.
    assert len(booths) == 32
    assert sorted({geometry.bounds(b.outline)[1] for b in booths}) == [0, 6, 9, 15]
    assert [b.end for b in booths[:8]] == [True] + [False] * 6 + [True]
    assert geometry.bounds(booths[0].outline) == (3, 0, 6, 3)


def test_a_tent_too_small_for_a_row_gets_no_booth():
    assert rows_of_booths(RowsSpec(0, 0, 8, 20, 3, 3, 3)) == []
    assert rows_of_booths(RowsSpec(0, 0, 30, 2, 3, 3, 3)) == []


@settings(max_examples=80, deadline=None)
@given(
    width=st.floats(4, 80),
    depth=st.floats(3, 50),
    booth_width=st.floats(2, 6),
    booth_depth=st.floats(2, 6),
    aisle=st.floats(0, 6),
    x=st.floats(-500, 500),
    y=st.floats(-500, 500),
)
def test_generated_booths_lie_in_their_tent_and_never_overlap(
    width, depth, booth_width, booth_depth, aisle, x, y
):
    spec = RowsSpec(x, y, width, depth, booth_width, booth_depth, aisle)
    generated = rows_of_booths(spec)
    plan = Plan(
        structures=[StructurePlan("A", "tent", rectangle(x, y, width, depth))],
        booths=[BoothPlan(f"A{n}", b.outline, structure="A") for n, b in enumerate(generated, 1)],
    )
    assert problems(plan) == []
    for booth in generated:
        # Corners are rounded to the millimetre.
        rounding = 0.001 * (booth_width + booth_depth + 0.001)
        assert geometry.area(booth.outline) == pytest.approx(
            booth_width * booth_depth, abs=rounding
        )
