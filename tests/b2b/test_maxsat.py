"""The breaks as weighted MaxSAT (``schedule.maxsat``): on small instances its optimum is the
brute-force optimum and the CP-SAT one, every bound it reports on the way is a true lower bound,
and an instance whose rules cannot all hold is reported infeasible with the reason."""

import itertools
import time
from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pysat.solvers import Solver

from maarid.b2b.schedule import Meeting, Options, Participant, Slot, Table, solve
from maarid.b2b.schedule.instances import benchmark_problem, read_dzn
from maarid.b2b.schedule.maxsat import SAT_SOLVER, Encoding, ProverProcess, descend, prove
from maarid.b2b.schedule.problem import Problem

from .test_instances import INSTANCES, SMALL, needs_benchmark
from .test_schedule import breaks_of


@st.composite
def forced(draw):
    """A small one- or two-day programme where every meeting must happen (benchmark mode)."""
    n_slots = draw(st.integers(3, 6))
    two_days = draw(st.booleans()) and n_slots >= 4
    slots = [
        Slot(index=t + 1, day=int(two_days and t >= n_slots // 2), session="am" if t < 2 else "pm")
        for t in range(n_slots)
    ]
    indices = [s.index for s in slots]
    people = [
        Participant(p, frozenset(draw(st.sets(st.sampled_from(indices), max_size=1))))
        for p in range(draw(st.integers(2, 5)))
    ]
    meetings = []
    for n in range(draw(st.integers(1, 6))):
        pair = draw(st.permutations(range(len(people))))[:2]
        meetings.append(
            Meeting(
                n,
                tuple(pair),
                pinned_slot=draw(st.sampled_from([None] * 6 + indices)),
                session=draw(st.sampled_from([None, None, None, "am", "pm"])),
                after=(draw(st.integers(0, n - 1)),) if n and draw(st.booleans()) else (),
            )
        )
    tables = [Table(k) for k in range(draw(st.integers(1, 2)))]
    fairness = draw(st.sampled_from([None, 0, 1, 2]))
    return people, slots, tables, meetings, fairness


def brute_force(people, slots, tables, meetings, fairness):
    """The fewest breaks over every placement of all the meetings (None: none is legal)."""
    away = {p.id: p.unavailable for p in people}
    choices = [
        [
            s.index
            for s in slots
            if not any(s.index in away[p] for p in m.participants)
            and (m.session is None or s.session == m.session)
            and (m.pinned_slot is None or s.index == m.pinned_slot)
        ]
        for m in meetings
    ]
    best = None
    for choice in itertools.product(*choices):
        taken, count, busy = set(), defaultdict(int), defaultdict(list)
        fine = True
        for m, slot in zip(meetings, choice, strict=True):
            count[slot] += 1
            for p in m.participants:
                fine &= (p, slot) not in taken
                taken.add((p, slot))
                busy[p].append(slot)
            fine &= all(choice[b] < slot for b in m.after)
        if not fine or any(n > len(tables) for n in count.values()):
            continue
        breaks = [breaks_of(s, slots) for s in busy.values()]
        if fairness is not None and max(breaks, default=0) > fairness:
            continue
        best = sum(breaks) if best is None else min(best, sum(breaks))
    return best


def options(fairness, **more):
    return Options(fairness=fairness, require_all=True, assign_tables=False, workers=1, **more)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(forced())
def test_the_maxsat_optimum_is_the_brute_force_one_and_every_bound_below_it(instance):
    people, slots, tables, meetings, fairness = instance
    pb = Problem(people, slots, tables, meetings, options(fairness))
    bounds = []
    message = prove(pb, options(fairness), lambda m: bounds.append(m.value))
    best = brute_force(people, slots, tables, meetings, fairness)
    if best is None:
        assert message.kind == "infeasible" and message.reason
        return
    assert message.kind == "optimal" and message.value == best
    assert bounds == sorted(bounds) and all(b <= best for b in bounds)
    assert sum(pb.breaks(message.slots).values()) == best
    assert len(message.slots) == len(meetings)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(forced())
def test_the_sat_descent_from_any_schedule_reaches_the_brute_force_optimum_and_proves_it(instance):
    people, slots, tables, meetings, fairness = instance
    best = brute_force(people, slots, tables, meetings, fairness)
    if best is None:
        return
    pb = Problem(people, slots, tables, meetings, options(fairness))
    enc = Encoding(pb, options(fairness))
    with Solver(name=SAT_SOLVER, bootstrap_with=enc.wcnf.hard) as oracle:
        assert oracle.solve()
        start = enc.slots(oracle.get_model())  # any legal schedule
    found, proven = [sum(pb.breaks(start).values())], []

    def on_found(value, slots):
        assert len(slots) == len(meetings) and sum(pb.breaks(slots).values()) == value
        found.append(value)

    descend(pb, options(fairness), start, on_found, proven.append, time.monotonic() + 30, bool)
    assert found == sorted(found, reverse=True) and found[-1] == best
    assert proven == ([best] if best else [])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(forced())
def test_the_solve_with_the_maxsat_prover_agrees_with_cp_sat_alone(instance):
    people, slots, tables, meetings, fairness = instance
    fast = {"time_limit": 10.0, "deterministic_limit": 3.0}
    both = solve(people, slots, tables, meetings, options(fairness, **fast))
    cp_sat = solve(people, slots, tables, meetings, options(fairness, maxsat=False, **fast))
    assert both.status == cp_sat.status
    assert both.breaks == cp_sat.breaks
    if both.status == "infeasible":
        assert both.reason


def test_a_tight_programme_is_infeasible_and_the_reason_says_why():
    people = [Participant(p) for p in "ABC"]
    # A meets B and C, but there is a single slot.
    meetings = [Meeting(1, ("A", "B")), Meeting(2, ("A", "C"))]
    pb = Problem(people, [Slot(1)], [Table(1), Table(2)], meetings, options(None))
    message = prove(pb, options(None), lambda m: None)
    assert message.kind == "infeasible"
    assert "cannot all be placed" in message.reason
    result = solve(people, [Slot(1)], [Table(1), Table(2)], meetings, options(None))
    assert result.status == "infeasible" and "cannot all be placed" in result.reason


def test_the_fairness_cap_alone_can_make_it_infeasible():
    people = [Participant("A"), Participant("B", frozenset({2})), Participant("C")]
    # A meets B (only in 1 or 3) and C; with C in 2, A has a break either way... unless C
    # takes 1 or 3 too: then A meets in 1 and 3, a break. With no break allowed: infeasible.
    slots = [Slot(1), Slot(2), Slot(3)]
    meetings = [Meeting(1, ("A", "B")), Meeting(2, ("A", "C"), pinned_slot=2)]
    pb = Problem(people, slots, [Table(1)], meetings, options(0))
    message = prove(pb, options(0), lambda m: None)
    assert message.kind == "optimal" and message.value == 0  # 1-2 or 2-3: no break
    meetings[1] = Meeting(2, ("A", "C"), pinned_slot=3)
    people[1] = Participant("B", frozenset({2, 3}))
    pb = Problem(people, slots, [Table(1)], meetings, options(0))
    message = prove(pb, options(0), lambda m: None)
    assert message.kind == "infeasible"
    assert message.reason == "nobody can be kept within 0 breaks"


def test_the_encoding_is_exact_when_someone_cannot_have_a_break():
    bench = benchmark_problem(read_dzn(SMALL), 2)
    pb = Problem(bench.participants, bench.slots, bench.tables, bench.meetings, bench.options())
    assert Encoding(pb, bench.options()).exact


def test_the_prover_runs_in_its_own_process_and_hands_back_the_optimum():
    bench = benchmark_problem(read_dzn(SMALL), 2)
    pb = Problem(bench.participants, bench.slots, bench.tables, bench.meetings, bench.options())
    process = ProverProcess(pb, bench.options(), seconds=30)
    try:
        messages = []
        while process.alive() and not any(m.kind != "bound" for m in messages):
            messages += process.poll(wait=0.5)
    finally:
        process.stop()
    final = messages[-1]
    assert final.kind == "optimal" and final.value == 0 and len(final.slots) == 2


@needs_benchmark
@pytest.mark.parametrize(
    "case, outcome",
    [("tic-12.original.dzn", "optimal"), ("forum-13crafb.prec15.dzn", "infeasible")],
)
def test_published_cases_are_proven(case, outcome):
    bench = benchmark_problem(read_dzn(INSTANCES / case), 2)
    pb = Problem(bench.participants, bench.slots, bench.tables, bench.meetings, bench.options())
    message = prove(pb, bench.options(), lambda m: None)
    assert message.kind == outcome
    if outcome == "optimal":
        assert message.value == 0
