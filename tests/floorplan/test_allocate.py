"""The booth allocation as a specification: hard rules, reasons, determinism, re-runs.

``broken_rules`` and ``soft_counts`` below are an independent checker: they recompute every
hard rule and the soft goals' counts from the returned booths, sharing no code with the
optimiser.
"""

import itertools
import math
from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maarid.floorplan.allocate import (
    BOOTH_SHARED,
    BOOTHS_TAKEN,
    FIXED_BOOTH_TAKEN,
    FIXED_BOOTH_UNKNOWN,
    FIXED_BOOTH_UNSUITABLE,
    FIXED_BOOTHS_DIFFER,
    MISSING_AMENITIES,
    NO_BOOTH_BIG_ENOUGH,
    NO_BOOTH_IN_ZONE,
    NO_BOOTH_WITH_AMENITIES,
    NO_ZONE_FOR_SECTOR,
    NOT_FIXED_BOOTH,
    TOO_SMALL,
    WRONG_ZONE,
    Booth,
    Exhibitor,
    Options,
    Weights,
    allocate,
    evaluate,
    first_fit,
    violations,
)

FAST = {"time_limit": 20.0, "deterministic_limit": 2.0, "workers": 1}
CODES = {
    BOOTHS_TAKEN,
    FIXED_BOOTH_TAKEN,
    FIXED_BOOTH_UNKNOWN,
    FIXED_BOOTH_UNSUITABLE,
    FIXED_BOOTHS_DIFFER,
    NO_BOOTH_BIG_ENOUGH,
    NO_BOOTH_IN_ZONE,
    NO_BOOTH_WITH_AMENITIES,
    NO_ZONE_FOR_SECTOR,
}


def fits(exhibitor, booth, zones_of):
    return (
        booth.zone in zones_of.get(exhibitor.sector, ())
        and booth.area >= exhibitor.area
        and exhibitor.amenities <= booth.amenities
    )


def broken_rules(booths, exhibitors, zones_of, result):
    """Every hard rule, recomputed from ``result.booths``; returns the list of what is broken."""
    by_id = {b.id: b for b in booths}
    broken = []
    placed, unplaced = set(result.booths), set(result.unplaced)
    if placed & unplaced or placed | unplaced != {e.id for e in exhibitors}:
        broken.append("every exhibitor is either placed or explained")
    at = defaultdict(list)
    for e in exhibitors:
        if e.id not in result.booths:
            continue
        booth = by_id.get(result.booths[e.id])
        if booth is None:
            broken.append(f"{e.id}: unknown booth")
            continue
        at[booth.id].append(e)
        if not fits(e, booth, zones_of):
            broken.append(f"{e.id}: booth {booth.id} does not fit")
        if e.fixed is not None and booth.id != e.fixed:
            broken.append(f"{e.id}: not on its fixed booth")
    for booth_id, here in at.items():
        keys = {e.shared if e.shared is not None else ("alone", e.id) for e in here}
        if len(keys) > 1:
            broken.append(f"booth {booth_id} holds exhibitors who do not share")
    groups = defaultdict(set)
    for e in exhibitors:
        if e.shared is not None and e.id in result.booths:
            groups[e.shared].add(result.booths[e.id])
    broken += [f"group {g} split" for g, where in groups.items() if len(where) > 1]
    return broken


def soft_counts(booths, exhibitors, booth_of, rotation_distance=6.0):
    """Family pairs, missed requests (both placed) and returning exhibitors not rotated."""
    by_id = {b.id: b for b in booths}
    neighbours = defaultdict(set)
    for b in booths:
        for n in b.neighbours:
            neighbours[b.id].add(n)
            neighbours[n].add(b.id)
    holder = defaultdict(list)
    for e in exhibitors:
        if e.id in booth_of:
            holder[booth_of[e.id]].append(e)
    family = 0
    for a, c in itertools.combinations(sorted(holder, key=str), 2):
        if c in neighbours[a]:
            fa = {e.family for e in holder[a] if e.family}
            fc = {e.family for e in holder[c] if e.family}
            family += len(fa & fc)
    ids = {e.id for e in exhibitors}
    pairs = {
        frozenset((e.id, o)) for e in exhibitors for o in e.neighbours if o in ids and o != e.id
    }
    request = 0
    for pair in pairs:
        a, c = sorted(pair, key=str)
        if a in booth_of and c in booth_of:
            ba, bc = booth_of[a], booth_of[c]
            if ba != bc and bc not in neighbours[ba]:
                request += 1
    rotation = 0
    for e in exhibitors:
        if e.last_position is not None and e.id in booth_of:
            b = by_id[booth_of[e.id]]
            rotation += math.dist((b.x, b.y), e.last_position) < rotation_distance
    return family, request, rotation


# --- Random small fairs -----------------------------------------------------------------------

AMENITIES = ["electricity", "water", "refrigeration"]


@st.composite
def fairs(draw, fixed=True, shared=True):
    zones = ["food", "crafts", "institutions"][: draw(st.integers(1, 3))]
    booths = []
    for z, zone in enumerate(zones):
        n = draw(st.integers(0, 7))
        for k in range(n):
            bid = f"{zone[0]}{k}"
            booths.append(
                Booth(
                    id=bid,
                    zone=zone,
                    area=float(draw(st.sampled_from([9, 12, 18]))),
                    x=3.0 * k,
                    y=20.0 * z,
                    amenities=frozenset(draw(st.sets(st.sampled_from(AMENITIES)))),
                    quality=draw(st.integers(0, 5)),
                    neighbours=(f"{zone[0]}{k - 1}",) if k else (),
                )
            )
    sectors = ["terroir", "handicrafts", "public", "tourism"]
    zones_of = {s: tuple(draw(st.sets(st.sampled_from(zones), max_size=2))) for s in sectors[:3]}
    booth_ids = [b.id for b in booths]
    exhibitors = []
    n = draw(st.integers(1, 9))
    for i in range(n):
        exhibitors.append(
            Exhibitor(
                id=100 + i,
                sector=draw(st.sampled_from(sectors)),
                area=float(draw(st.sampled_from([9, 9, 12, 18]))),
                amenities=frozenset(draw(st.sets(st.sampled_from(AMENITIES), max_size=2))),
                family=draw(st.sampled_from([None, "oil", "oil", "honey"])),
                province=draw(st.sampled_from(["tetouan", "larache", None])),
                kind=draw(st.sampled_from(["cooperative", "artisan"])),
                neighbours=tuple(draw(st.sets(st.integers(100, 100 + n - 1), max_size=2))),
                last_position=draw(st.sampled_from([None, (0.0, 0.0), (9.0, 20.0)])),
                fixed=draw(st.sampled_from([None] * 8 + booth_ids + ["nowhere"]))
                if fixed
                else None,
                shared=draw(st.sampled_from([None, None, None, "pair"])) if shared else None,
            )
        )
    return booths, exhibitors, zones_of


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fairs())
def test_the_hard_rules_are_never_broken(fair):
    booths, exhibitors, zones_of = fair
    result = allocate(booths, exhibitors, zones_of, Options(**FAST))
    assert broken_rules(booths, exhibitors, zones_of, result) == []
    assert {reason.code for reason in result.unplaced.values()} <= CODES
    assert result.bound <= result.objective
    assert not result.optimal or result.bound == result.objective
    family, request, rotation = soft_counts(booths, exhibitors, result.booths)
    assert (result.penalties.family, result.penalties.request) == (family, request)
    assert result.penalties.rotation == rotation
    # The same hard rules, as violations() sees them: none.
    assert violations(booths, exhibitors, zones_of, result.booths) == {}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fairs(fixed=False, shared=False))
def test_as_many_are_placed_as_can_be(fair):
    """The placed count is a maximum matching's (checked by brute force), and an exhibitor
    left out for want of a booth finds every booth it fits taken."""
    booths, exhibitors, zones_of = fair
    result = allocate(booths, exhibitors, zones_of, Options(**FAST))
    options = [[b.id for b in booths if fits(e, b, zones_of)] for e in exhibitors]
    most = 0
    for k in range(len(exhibitors), 0, -1):
        if any(
            _matchable([options[i] for i in chosen])
            for chosen in itertools.combinations(range(len(exhibitors)), k)
        ):
            most = k
            break
    assert len(result.booths) == most
    taken = set(result.booths.values())
    for e, fitting in zip(exhibitors, options, strict=True):
        if e.id in result.unplaced and result.unplaced[e.id].code == BOOTHS_TAKEN:
            assert fitting and set(fitting) <= taken


def _matchable(options):
    """Can each list get a different element of itself? (Hall's condition, by brute force.)"""
    for k in range(1, len(options) + 1):
        for subset in itertools.combinations(options, k):
            if len(set().union(*subset)) < k:
                return False
    return True


# --- The optimum on tiny fairs, against brute force --------------------------------------------


def row(n, zone="food", area=9.0, amenities=frozenset(), **extra):
    """n booths side by side, 3 m apart, in one zone."""
    return [
        Booth(
            id=f"{zone}{k}",
            zone=zone,
            area=area,
            x=3.0 * k,
            amenities=amenities,
            neighbours=(f"{zone}{k - 1}",) if k else (),
            **extra,
        )
        for k in range(n)
    ]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(["oil", "honey", None]), min_size=2, max_size=5),
    st.integers(0, 2),
    st.data(),
)
def test_the_optimum_matches_brute_force(families, spare, data):
    booths = row(len(families) + spare)
    n = len(families)
    exhibitors = [
        Exhibitor(
            id=i,
            sector="terroir",
            family=f,
            neighbours=tuple(data.draw(st.sets(st.integers(0, n - 1), max_size=1))),
            last_position=data.draw(st.sampled_from([None, (0.0, 0.0)])),
        )
        for i, f in enumerate(families)
    ]
    zones_of = {"terroir": ["food"]}
    weights = Weights(family=3, request=4, rotation=2, fairness=0)
    result = allocate(booths, exhibitors, zones_of, Options(weights=weights, **FAST))
    best = None
    for chosen in itertools.permutations([b.id for b in booths], n):
        booth_of = dict(zip(range(n), chosen, strict=True))
        family, request, rotation = soft_counts(booths, exhibitors, booth_of)
        cost = 3 * family + 4 * request + 2 * rotation
        best = cost if best is None else min(best, cost)
    assert result.objective == best
    assert result.optimal and result.bound == best


def test_one_product_family_is_spread_out():
    booths = row(5)
    exhibitors = [
        Exhibitor(id=i, sector="terroir", family=f) for i, f in enumerate(["oil", "oil", "oil"])
    ]
    result = allocate(booths, exhibitors, {"terroir": ["food"]}, Options(**FAST))
    assert sorted(result.booths.values()) == ["food0", "food2", "food4"]
    assert result.objective == 0 and result.optimal


def test_a_neighbour_request_is_honoured():
    booths = row(6)
    exhibitors = [
        Exhibitor(id="a", sector="terroir", family="oil", neighbours=("b",)),
        Exhibitor(id="b", sector="terroir", family="honey"),
        Exhibitor(id="c", sector="terroir", family="dates"),
    ]
    result = allocate(booths, exhibitors, {"terroir": ["food"]}, Options(**FAST))
    a, b = (int(result.booths[x][-1]) for x in "ab")
    assert abs(a - b) == 1 and result.penalties.request == 0


def test_a_returning_exhibitor_is_moved_away_from_its_last_booth():
    booths = row(4)
    exhibitors = [Exhibitor(id="a", sector="terroir", last_position=(0.0, 0.0))]
    result = allocate(booths, exhibitors, {"terroir": ["food"]}, Options(**FAST))
    assert result.booths["a"] in {"food2", "food3"}  # at least 6 m from (0, 0)


def test_the_best_places_are_shared_between_provinces():
    """Two good booths at the entrance, four provinces' exhibitors two by two: each
    province gets one good booth, not one province both."""
    booths = [
        Booth(id=k, zone="food", area=9.0, x=10.0 * k, quality=10 if k < 2 else 0) for k in range(4)
    ]
    exhibitors = [Exhibitor(id=i, sector="terroir", province=p) for i, p in enumerate("ttll")]
    result = allocate(booths, exhibitors, {"terroir": ["food"]}, Options(**FAST))
    good = [e.province for e in exhibitors if result.booths[e.id] in (0, 1)]
    assert sorted(good) == ["l", "t"]
    assert result.penalties.fairness == 0


# --- Reasons ------------------------------------------------------------------------------------


def test_each_exhibitor_that_cannot_be_placed_is_explained():
    booths = [
        *row(2, zone="food", amenities=frozenset({"water"})),
        *row(2, zone="crafts", area=12.0),
    ]
    zones_of = {"terroir": ["food"], "handicrafts": ["crafts"], "public": ["pavilions"]}
    exhibitors = [
        Exhibitor(id="no-zone", sector="fisheries"),
        Exhibitor(id="no-booth", sector="public"),
        Exhibitor(id="too-big", sector="handicrafts", area=18.0),
        Exhibitor(id="no-fridge", sector="terroir", amenities=frozenset({"refrigeration"})),
        Exhibitor(id="w1", sector="terroir", amenities=frozenset({"water"})),
        Exhibitor(id="w2", sector="terroir", amenities=frozenset({"water"})),
        Exhibitor(id="w3", sector="terroir", amenities=frozenset({"water"})),
    ]
    result = allocate(booths, exhibitors, zones_of, Options(**FAST))
    reasons = {e: (r.code, r.params) for e, r in result.unplaced.items()}
    assert reasons["no-zone"] == (NO_ZONE_FOR_SECTOR, {"sectors": ["fisheries"]})
    assert reasons["no-booth"] == (NO_BOOTH_IN_ZONE, {"zones": ["pavilions"]})
    assert reasons["too-big"] == (
        NO_BOOTH_BIG_ENOUGH,
        {"zones": ["crafts"], "area": 18.0, "largest": 12.0},
    )
    assert reasons["no-fridge"] == (
        NO_BOOTH_WITH_AMENITIES,
        {"zones": ["food"], "area": 9.0, "amenities": ["refrigeration"]},
    )
    # No booth with water left in the food zone: the first two in application order have them.
    assert set(result.booths) == {"w1", "w2"}
    code, params = reasons["w3"]
    assert code == BOOTHS_TAKEN
    assert params["zones"] == ["food"] and params["amenities"] == ["water"]
    assert params["booths"] == 2


def test_an_earlier_exhibitor_moves_over_for_one_who_needs_the_water():
    booths = [Booth(id="wet", zone="food", area=9.0, amenities=frozenset({"water"}))]
    booths.append(Booth(id="dry", zone="food", area=9.0, x=20.0))
    exhibitors = [
        Exhibitor(id="first", sector="terroir"),
        Exhibitor(id="second", sector="terroir", amenities=frozenset({"water"})),
    ]
    result = allocate(booths, exhibitors, {"terroir": ["food"]}, Options(**FAST))
    assert result.booths == {"first": "dry", "second": "wet"}


def test_fixed_booths_stay_and_bad_ones_are_explained():
    booths = row(4, amenities=frozenset({"electricity"}))
    zones_of = {"terroir": ["food"], "handicrafts": ["crafts"]}
    exhibitors = [
        Exhibitor(id="fixed", sector="terroir", family="oil", fixed="food3"),
        Exhibitor(id="same", sector="terroir", fixed="food3"),
        Exhibitor(id="ghost", sector="terroir", fixed="food9"),
        Exhibitor(id="wet", sector="terroir", amenities=frozenset({"water"}), fixed="food1"),
        Exhibitor(id="wrong", sector="handicrafts", fixed="food0"),
        Exhibitor(id="free", sector="terroir", family="oil"),
        Exhibitor(id="left", sector="terroir", fixed="food0", shared="pair"),
        Exhibitor(id="right", sector="terroir", fixed="food2", shared="pair"),
    ]
    result = allocate(booths, exhibitors, zones_of, Options(**FAST))
    assert result.booths["fixed"] == "food3"
    assert result.booths["free"] in {"food0", "food1"}  # not next to the other oil
    reasons = {e: (r.code, r.params) for e, r in result.unplaced.items()}
    assert reasons["same"] == (FIXED_BOOTH_TAKEN, {"booth": "food3", "by": "fixed"})
    assert reasons["ghost"] == (FIXED_BOOTH_UNKNOWN, {"booth": "food9"})
    assert reasons["wet"] == (FIXED_BOOTH_UNSUITABLE, {"booth": "food1", "amenities": ["water"]})
    assert reasons["wrong"] == (FIXED_BOOTH_UNSUITABLE, {"booth": "food0", "zone": "food"})
    # A group that shares a booth, its members fixed to two: it cannot be placed.
    assert (
        reasons["left"]
        == reasons["right"]
        == (
            FIXED_BOOTHS_DIFFER,
            {"booths": ["food0", "food2"]},
        )
    )


def test_a_group_shares_one_booth_meeting_all_its_needs():
    booths = [
        Booth(id="small", zone="food", area=9.0, amenities=frozenset({"water"})),
        Booth(id="big", zone="food", area=18.0, x=10.0, amenities=frozenset({"electricity"})),
        Booth(
            id="both", zone="food", area=18.0, x=20.0, amenities=frozenset({"water", "electricity"})
        ),
    ]
    exhibitors = [
        Exhibitor(
            id="a",
            sector="terroir",
            area=18.0,
            amenities=frozenset({"electricity"}),
            shared="union",
        ),
        Exhibitor(id="b", sector="terroir", amenities=frozenset({"water"}), shared="union"),
    ]
    result = allocate(booths, exhibitors, {"terroir": ["food"]}, Options(**FAST))
    assert result.booths == {"a": "both", "b": "both"}


# --- Re-runs, determinism, progress --------------------------------------------------------------


def test_a_rerun_keeps_what_was_announced():
    booths = row(8)
    zones_of = {"terroir": ["food"]}
    exhibitors = [
        Exhibitor(id=i, sector="terroir", family="oil" if i % 2 else "honey") for i in range(6)
    ]
    first = allocate(booths, exhibitors, zones_of, Options(**FAST))
    # Late changes: one withdraws, two newcomers; the announced plan is kept.
    later = [e for e in exhibitors if e.id != 2] + [
        Exhibitor(id=10, sector="terroir", family="oil"),
        Exhibitor(id=11, sector="terroir", family="oil"),
    ]
    keep = {e: b for e, b in first.booths.items() if e != 2}
    second = allocate(booths, later, zones_of, Options(keep=keep, **FAST))
    assert second.moved == []
    assert all(second.booths[e] == b for e, b in keep.items())
    assert set(second.booths) == {e.id for e in later}
    assert broken_rules(booths, later, zones_of, second) == []


def test_a_rerun_moves_only_who_must_move():
    """The only water booth went to an exhibitor who does not need it; a newcomer needs it:
    that exhibitor moves, and nobody else."""
    booths = [
        *row(4),
        Booth(id="wet", zone="food", area=9.0, x=30.0, amenities=frozenset({"water"})),
    ]
    zones_of = {"terroir": ["food"]}
    exhibitors = [Exhibitor(id=i, sector="terroir") for i in range(4)]
    keep = {0: "wet", 1: "food0", 2: "food1", 3: "food3"}
    later = [*exhibitors, Exhibitor(id=9, sector="terroir", amenities=frozenset({"water"}))]
    result = allocate(booths, later, zones_of, Options(keep=keep, **FAST))
    assert result.moved == [0]
    assert result.booths[9] == "wet" and result.booths[0] == "food2"
    assert all(result.booths[e] == keep[e] for e in (1, 2, 3))


def test_a_rerun_frees_a_booth_that_no_longer_fits():
    booths = row(3)
    keep = {"a": "food0"}
    exhibitors = [Exhibitor(id="a", sector="terroir", area=12.0)]  # it asked for more room
    booths = [*booths, Booth(id="big", zone="food", area=12.0, x=30.0)]
    result = allocate(booths, exhibitors, {"terroir": ["food"]}, Options(keep=keep, **FAST))
    assert result.booths == {"a": "big"} and result.moved == ["a"]


def test_the_same_input_gives_the_same_allocation(bench_fair):
    booths, exhibitors, zones_of = bench_fair
    options = Options(time_limit=120.0, deterministic_limit=3.0, workers=1, seed=7)
    first = allocate(booths, exhibitors, zones_of, options)
    second = allocate(booths, exhibitors, zones_of, options)
    assert first.booths == second.booths
    assert (first.objective, first.bound) == (second.objective, second.bound)
    assert broken_rules(booths, exhibitors, zones_of, first) == []


def test_parts_solved_in_parallel_give_the_same_allocation(bench_fair, monkeypatch):
    from maarid.floorplan.allocate import solver

    monkeypatch.setattr(solver, "PARALLEL_FROM", 0)
    booths, exhibitors, zones_of = bench_fair
    options = Options(time_limit=120.0, deterministic_limit=3.0, workers=2)
    first = allocate(booths, exhibitors, zones_of, options)
    second = allocate(booths, exhibitors, zones_of, options)
    assert first.booths == second.booths
    assert broken_rules(booths, exhibitors, zones_of, first) == []


def test_progress_is_reported_up_to_done(bench_fair):
    booths, exhibitors, zones_of = bench_fair
    seen = []
    options = Options(progress=lambda f, m: seen.append((f, m)), **FAST)
    allocate(booths, exhibitors, zones_of, options)
    fractions = [f for f, _ in seen]
    assert all(0.0 <= f <= 1.0 for f in fractions)
    assert seen[-1] == (1.0, "done")


@pytest.fixture(scope="module")
def bench_fair():
    """The benchmark's generated fair of 165 exhibitors."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "bench" / "allocate.py"
    spec = importlib.util.spec_from_file_location("bench_allocate", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.fair(165)


def test_the_optimiser_beats_first_fit_on_a_generated_fair(bench_fair):
    booths, exhibitors, zones_of = bench_fair
    result = allocate(booths, exhibitors, zones_of, Options(**FAST))
    baseline = first_fit(booths, exhibitors, zones_of)
    assert broken_rules(booths, exhibitors, zones_of, _Result(baseline, exhibitors)) == []
    assert len(result.booths) >= len(baseline)
    assert result.objective < evaluate(booths, exhibitors, zones_of, baseline).cost(Weights())


class _Result:
    def __init__(self, booths, exhibitors):
        self.booths = booths
        self.unplaced = {e.id: None for e in exhibitors if e.id not in booths}


def test_first_fit_goes_zone_by_zone_in_application_order():
    booths = [*row(2, zone="crafts"), *row(2, zone="food")]
    zones_of = {"terroir": ["food", "crafts"]}
    exhibitors = [Exhibitor(id=i, sector="terroir") for i in range(3)]
    assert first_fit(booths, exhibitors, zones_of) == {0: "crafts0", 1: "crafts1", 2: "food0"}


def test_violations_name_what_a_manual_move_breaks():
    booths = [
        Booth(id="A", zone="food", area=9.0),
        Booth(id="B", zone="crafts", area=9.0),
    ]
    zones_of = {"terroir": ["food"]}
    exhibitors = [
        Exhibitor(id=1, sector="terroir", area=12.0, amenities=frozenset({"water"})),
        Exhibitor(id=2, sector="terroir", fixed="A"),
        Exhibitor(id=3, sector="terroir"),
    ]
    found = violations(booths, exhibitors, zones_of, {1: "A", 2: "A", 3: "B"})
    codes = {e: sorted(r.code for r in reasons) for e, reasons in found.items()}
    assert codes == {
        1: sorted([TOO_SMALL, MISSING_AMENITIES, BOOTH_SHARED]),
        2: [BOOTH_SHARED],
        3: [WRONG_ZONE],
    }
    assert violations(booths, exhibitors, zones_of, {2: "B"})[2][-1].code == NOT_FIXED_BOOTH
