"""Instance files: the MiniZinc data reader (and its refusals, with line numbers), the JSON
format, and a real published instance solved to its published optimum."""

import itertools
import os
from collections import defaultdict
from pathlib import Path

import pytest

from maarid.b2b.schedule import Meeting, Participant, Slot, Table, solve
from maarid.b2b.schedule.instances import (
    InstanceError,
    Problem,
    benchmark_problem,
    parse_dzn,
    read_dzn,
    read_instance,
    read_json,
    write_json,
)

# The published benchmark lives beside the repository (../shared), which a clone elsewhere
# finds through MAARID_B2B_BENCHMARK or the workplace's own copy.
BENCHMARK = next(
    (
        path
        for path in (
            Path(os.environ.get("MAARID_B2B_BENCHMARK", "/nonexistent")),
            Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "b2b",
            Path("/work/shared/benchmarks/b2b"),
        )
        if (path / "instances").is_dir()
    ),
    Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "b2b",
)
INSTANCES = BENCHMARK / "instances"
needs_benchmark = pytest.mark.skipif(
    not INSTANCES.is_dir(), reason=f"the published B2B benchmark is not at {INSTANCES}"
)

SMALL = """\
% three people, two meetings
nBusiness = 3;
nMeetings = 2;
nTables = 1;
nTotalSlots = 4;
nMorningSlots = 2;
requested = [| 1, 2, 3,
             | 2, 3, 2, |];
meetingsxBusiness = [{1,2},{1,2,3},{1,3}];  /* redundant */
forbidden = [{0}, {0, 4}, {0}];
fixed = [0, 0];
precedences = [{}, {1}];
"""


def check_benchmark(instance, slots, fairness=None):
    """The published rules, recomputed from a list of 1-based slots per meeting; returns the
    total breaks (a break: a run of idle slots between two meetings of a person)."""
    assert len(slots) == len(instance.requested)
    used, per_slot, busy = set(), defaultdict(int), defaultdict(list)
    for m, ((a, b, session), t) in enumerate(zip(instance.requested, slots, strict=True)):
        assert 1 <= t <= instance.n_slots
        per_slot[t] += 1
        for p in (a, b):
            assert (p, t) not in used
            used.add((p, t))
            assert t not in instance.forbidden[p - 1]
            busy[p].append(t)
        if session == 1:
            assert t <= instance.n_morning
        if session == 2:
            assert t > instance.n_morning
        if instance.fixed[m]:
            assert t == instance.fixed[m]
        for before in instance.precedences[m]:
            assert slots[before - 1] < t
    assert max(per_slot.values()) <= instance.n_tables
    breaks = [0] * instance.n_participants
    for p, ts in busy.items():
        ts.sort()
        breaks[p - 1] = sum(1 for x, y in itertools.pairwise(ts) if y - x > 1)
    if fairness is not None:
        assert max(breaks) - min(breaks) <= fairness
    return sum(breaks)


# --- The parser ------------------------------------------------------------------------------


def test_parses_every_value_form():
    values = parse_dzn(
        "a = 3; b = {1, 2}; c = 1..3; d = [1, 2, 3]; e = [| 1, 2 | 3, 4 |];\n"
        "f = array2d(1..2, 1..2, [5, 6, 7, 8]); g = array1d(1..2, [{}, {0}]); h = -4;\n"
        "i = [];  % a comment\n/* block\ncomment */ j = [|  |];"
    )
    plain = {name: value for name, (value, _line) in values.items()}
    assert plain == {
        "a": 3,
        "b": {1, 2},
        "c": {1, 2, 3},
        "d": [1, 2, 3],
        "e": [[1, 2], [3, 4]],
        "f": [[5, 6], [7, 8]],
        "g": [set(), {0}],
        "h": -4,
        "i": [],
        "j": [],
    }
    assert values["j"][1] == 5


def test_reads_the_b2b_parameters():
    instance = read_dzn(SMALL)
    assert instance.requested == [(1, 2, 3), (2, 3, 2)]
    assert instance.forbidden == [set(), {4}, set()]
    assert instance.precedences == [set(), {1}]
    problem = benchmark_problem(instance, fairness=1)
    assert problem.require_all and not problem.assign_tables
    assert [s.session for s in problem.slots] == ["am", "am", "pm", "pm"]
    assert problem.meetings[1].session == "pm" and problem.meetings[1].after == (1,)
    assert problem.participants[1].unavailable == {4}


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("nBusiness = 3\nnMeetings = 2;", 2, "expected ';'"),
        ("nBusiness = 3;\n\nx = [1, 2;\n", 3, "expected ']'"),
        ("a = 1;\nb = {1, 2\n", 3, "expected '}'"),
        ("a = 1;\nb = [| 1, 2 | 3 |];", 2, "rows of a 2-D array"),
        ("a = 1;\nb = 2 $;", 2, "unexpected character '$'"),
        ("a = 1;\n/* open\ncomment", 2, "unterminated comment"),
        ("a = 1;\na = 2;", 2, "assigned twice"),
        ("a = ;", 1, "expected a value"),
        ("a = array2d(1..2, 1..2, [1, 2, 3]);", 1, "array2d size"),
    ],
)
def test_refuses_malformed_syntax_with_the_line(text, line, words):
    with pytest.raises(InstanceError) as error:
        parse_dzn(text)
    assert error.value.line == line
    assert words in str(error.value)
    assert str(error.value).startswith(f"line {line}:")


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        (("| 2, 3, 2, |]", "| 2, 4, 2, |]"), 8, "bad participants"),
        (("| 1, 2, 3,", "| 1, 2, 5,"), 7, "session must be"),
        (("forbidden = [{0}, {0, 4}, {0}]", "forbidden = [{0}, {0, 9}, {0}]"), 10, "forbidden[2]"),
        (("fixed = [0, 0]", "fixed = [0]"), 11, "fixed must be an array of 2"),
        (("precedences = [{}, {1}]", "precedences = [{}, {3}]"), 12, "precedences[2]"),
        (("nTables = 1;\n", ""), 11, "missing parameter nTables"),
        (("nMorningSlots = 2", "nMorningSlots = 7"), 6, "exceeds nTotalSlots"),
    ],
)
def test_refuses_wrong_b2b_data_with_the_line(change, line, words):
    text = SMALL.replace(*change)
    assert text != SMALL
    with pytest.raises(InstanceError) as error:
        read_dzn(text)
    assert words in str(error.value)
    assert error.value.line == line


# --- JSON ------------------------------------------------------------------------------------


def _problem():
    return Problem(
        participants=[Participant("a", frozenset({2})), Participant("b"), Participant(3)],
        slots=[Slot(1, "2024-06-08", "am"), Slot(2, "2024-06-08", "pm"), Slot(3, "2024-06-09")],
        tables=[Table("T1", 2), Table("T2", 4)],
        meetings=[
            Meeting(1, ("a", "b"), 2, pinned_slot=1, pinned_table="T1"),
            Meeting("g", ("b", "a", 3), session="pm", after=(1,)),  # a is away in slot 2
        ],
        fairness=1,
    )


def test_json_round_trip():
    problem = _problem()
    again = read_json(write_json(problem))
    assert again.participants == problem.participants
    assert again.slots == problem.slots
    assert again.tables == problem.tables
    assert again.meetings == problem.meetings
    assert again.fairness == 1


def test_json_errors_carry_the_line():
    text = write_json(_problem())
    with pytest.raises(InstanceError) as error:
        read_json(text.replace('"weight": 2', '"weight": 2,,'))
    assert "invalid JSON" in str(error.value)
    bad_line = text.splitlines().index(next(x for x in text.splitlines() if '"weight": 2' in x))
    assert error.value.line == bad_line + 1
    with pytest.raises(InstanceError) as error:
        read_json(
            text.replace('"participants": [\n    "b",\n    "a",', '"participants": ["b", "zz",')
        )
    assert "unknown participant" in str(error.value)
    with pytest.raises(InstanceError) as error:
        read_json(text.replace('"capacity": 4', '"capacity": "big"'))
    assert "'capacity' must be a positive integer" in str(error.value)
    lines = text.splitlines()
    assert '"id": "T2"' in lines[error.value.line] or '"id": "T2"' in lines[error.value.line - 1]


def test_read_instance_tells_the_formats_apart(tmp_path):
    (tmp_path / "fair.json").write_text(write_json(_problem()))
    (tmp_path / "fair.dzn").write_text(SMALL)
    assert read_instance(tmp_path / "fair.json").assign_tables
    assert read_instance(tmp_path / "fair.dzn").require_all


# --- The published benchmark -----------------------------------------------------------------


@needs_benchmark
def test_reads_a_published_instance():
    instance = read_dzn(INSTANCES / "forum-13.original.dzn")
    assert instance.n_participants == 70 and len(instance.requested) == 154
    assert (instance.n_slots, instance.n_morning, instance.n_tables) == (21, 13, 14)
    assert sum(len(f) for f in instance.forbidden) == 22  # the README's "forb" column
    assert read_dzn(INSTANCES / "forum-13.prec15.dzn").precedences[3] == {9}
    assert read_dzn(INSTANCES / "forum-13.fixed020-Forb.dzn").fixed[8] == 1


@needs_benchmark
@pytest.mark.parametrize("name", ["tic-12.original.dzn", "forumt-14crafd.original.dzn"])
def test_solves_published_instances_to_the_published_optimum(name):
    optimum = {"tic-12.original.dzn": 0, "forumt-14crafd.original.dzn": 4}[name]
    instance = read_dzn(INSTANCES / name)
    problem = benchmark_problem(instance, fairness=2)
    result = solve(
        problem.participants,
        problem.slots,
        problem.tables,
        problem.meetings,
        problem.options(time_limit=20, workers=1),
    )
    assert result.status == "optimal"
    slots = [result.placements[m].slot for m in range(1, len(instance.requested) + 1)]
    assert check_benchmark(instance, slots, fairness=2) == optimum == result.breaks
    assert result.bound == optimum
