"""The meeting scheduler as a specification: hard rules, objective order, reasons, re-scheduling.

``check`` below is an independent checker: it recomputes every rule and the breaks from the
returned placements and shares no code with the solver.
"""

import itertools
import time
from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maarid.b2b.schedule import (
    NO_TABLE_BIG_ENOUGH,
    OVER_SUBSCRIBED,
    PARTICIPANT_UNAVAILABLE,
    PINNED_CONFLICT,
    SESSION_UNAVAILABLE,
    Meeting,
    Options,
    Participant,
    Placement,
    Slot,
    Table,
    solve,
)
from maarid.b2b.schedule.greedy import Greedy
from maarid.b2b.schedule.problem import Problem
from maarid.b2b.schedule.search import Lns, LocalSearch
from maarid.b2b.schedule.solver import Solver

FAST = {"time_limit": 10.0, "deterministic_limit": 3.0, "workers": 1}


def breaks_of(slot_indices, slots):
    """Breaks of one person: between two consecutive meetings of the same day, any slot of that
    day in between (the gap in the day's slot ranks) makes one break."""
    rank, day = {}, {}
    for d in {s.day for s in slots}:
        for r, s in enumerate(sorted((s for s in slots if s.day == d), key=lambda s: s.index)):
            rank[s.index], day[s.index] = r, d
    total = 0
    by_day = defaultdict(list)
    for index in slot_indices:
        by_day[day[index]].append(rank[index])
    for ranks in by_day.values():
        ranks.sort()
        total += sum(1 for a, b in itertools.pairwise(ranks) if b - a > 1)
    return total


def check(participants, slots, tables, meetings, result, *, assign_tables=True, fairness=None):
    """Every hard rule, recomputed from the placements; returns the recounted breaks."""
    slot_of = {s.index: s for s in slots}
    table_of = {t.id: t for t in tables}
    person = {p.id: p for p in participants}
    by_id = {m.id: m for m in meetings}
    assert set(result.placements) | set(result.unscheduled) == set(by_id)
    assert not set(result.placements) & set(result.unscheduled)
    seen_person, seen_table, per_slot = set(), set(), defaultdict(int)
    for mid, placement in result.placements.items():
        meeting = by_id[mid]
        assert placement.slot in slot_of
        per_slot[placement.slot] += 1
        for p in meeting.participants:
            assert (p, placement.slot) not in seen_person, f"{p} twice in slot {placement.slot}"
            seen_person.add((p, placement.slot))
            assert placement.slot not in person[p].unavailable
        if meeting.session:
            assert slot_of[placement.slot].session == meeting.session
        if meeting.pinned_slot is not None:
            assert placement.slot == meeting.pinned_slot
        if assign_tables:
            assert placement.table in table_of
            assert table_of[placement.table].capacity >= len(set(meeting.participants))
            assert (placement.table, placement.slot) not in seen_table
            seen_table.add((placement.table, placement.slot))
            if meeting.pinned_table is not None:
                assert placement.table == meeting.pinned_table
        for before in meeting.after:
            if before in result.placements:
                assert result.placements[before].slot < placement.slot
    assert all(n <= len(tables) for n in per_slot.values())
    busy = defaultdict(list)
    for mid, placement in result.placements.items():
        for p in by_id[mid].participants:
            busy[p].append(placement.slot)
    counted = {p: breaks_of(s, slots) for p, s in busy.items()}
    assert sum(counted.values()) == result.breaks
    if fairness is not None:
        assert max(counted.values(), default=0) <= fairness
    return counted


# --- Random small instances -----------------------------------------------------------------


@st.composite
def instances(draw, group=True, pins=True):
    n_slots = draw(st.integers(2, 6))
    two_days = draw(st.booleans()) and n_slots >= 4
    slots = [
        Slot(
            index=10 + t,
            day=int(two_days and t >= n_slots // 2),
            session="am" if t % (n_slots // 2 if two_days else n_slots) < 2 else "pm",
        )
        for t in range(n_slots)
    ]
    indices = [s.index for s in slots]
    n_people = draw(st.integers(2, 6))
    participants = [
        Participant(
            id=f"p{p}", unavailable=frozenset(draw(st.sets(st.sampled_from(indices), max_size=2)))
        )
        for p in range(n_people)
    ]
    capacities = draw(st.lists(st.integers(2, 4), min_size=1, max_size=3)) if group else None
    tables = [Table(id=f"T{k}", capacity=c) for k, c in enumerate(capacities or [2, 2])]
    meetings = []
    for n in range(draw(st.integers(1, 8))):
        size = draw(st.sampled_from([2, 2, 2, 3])) if group else 2
        size = min(size, n_people)
        people = draw(st.permutations([p.id for p in participants]))[:size]
        pin = draw(st.sampled_from([None] * 5 + indices)) if pins else None
        meetings.append(
            Meeting(
                id=n,
                participants=tuple(people),
                weight=draw(st.integers(1, 3)),
                pinned_slot=pin,
                pinned_table=draw(st.sampled_from([None] * 6 + [t.id for t in tables]))
                if pins
                else None,
                session=draw(st.sampled_from([None, None, None, "am", "pm"])),
                after=(draw(st.integers(0, n - 1)),) if n and draw(st.booleans()) else (),
            )
        )
    fairness = draw(st.sampled_from([None, None, 0, 1, 2]))
    return participants, slots, tables, meetings, fairness


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_hard_rules_always_hold(instance):
    participants, slots, tables, meetings, fairness = instance
    result = solve(participants, slots, tables, meetings, Options(fairness=fairness, **FAST))
    if result.status in ("optimal", "feasible"):
        check(participants, slots, tables, meetings, result, fairness=fairness)
        assert result.bound is None or result.bound <= result.breaks


def _brute_force(participants, slots, tables, meetings):
    """Best (weight, -breaks) over every assignment of a slot (or none) to each meeting."""
    unavailable = {p.id: p.unavailable for p in participants}
    options = []
    for m in meetings:
        ok = [
            s.index
            for s in slots
            if not any(s.index in unavailable[p] for p in m.participants)
            and (m.session is None or s.session == m.session)
        ]
        options.append([None, *ok])
    best = None
    for choice in itertools.product(*options):
        used, count, fine = set(), defaultdict(int), True
        for m, slot in zip(meetings, choice, strict=True):
            if slot is None:
                continue
            count[slot] += 1
            for p in m.participants:
                fine &= (p, slot) not in used
                used.add((p, slot))
        if not fine or any(n > len(tables) for n in count.values()):
            continue
        if any(
            choice[b] is not None and slot is not None and choice[b] >= slot
            for m, slot in zip(meetings, choice, strict=True)
            for b in m.after
        ):
            continue
        busy = defaultdict(list)
        for m, slot in zip(meetings, choice, strict=True):
            if slot is not None:
                for p in m.participants:
                    busy[p].append(slot)
        weight = sum(m.weight for m, slot in zip(meetings, choice, strict=True) if slot)
        key = (weight, -sum(breaks_of(s, slots) for s in busy.values()))
        best = key if best is None or key > best else best
    return best


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(group=False, pins=False))
def test_lexicographic_optimum_matches_brute_force(instance):
    participants, slots, tables, meetings, _ = instance
    meetings = meetings[:5]
    meetings = [
        Meeting(m.id, m.participants, m.weight, session=m.session, after=m.after)
        for m in meetings
        if all(b < len(meetings) for b in m.after)
    ]
    result = solve(participants, slots, tables, meetings, Options(**FAST))
    assert result.status == "optimal"
    check(participants, slots, tables, meetings, result)
    assert (result.scheduled_weight, -result.breaks) == _brute_force(
        participants, slots, tables, meetings
    )


# --- Breaks ---------------------------------------------------------------------------------


def _people(*ids, unavailable=None):
    unavailable = unavailable or {}
    return [Participant(p, frozenset(unavailable.get(p, ()))) for p in ids]


def test_breaks_are_counted_within_a_day_only():
    slots = [Slot(1, day=1), Slot(2, day=1), Slot(3, day=2), Slot(4, day=2)]
    assert breaks_of([2, 3], slots) == 0  # last of day 1, first of day 2: no break
    assert breaks_of([1, 4], slots) == 0
    one_day = [Slot(t) for t in range(1, 6)]
    assert breaks_of([1, 3], one_day) == 1
    assert breaks_of([1, 3, 5], one_day) == 2
    assert breaks_of([1, 4, 5], one_day) == 1  # a run of two free slots is one break


def test_meetings_come_in_one_block():
    """Seller S meets three buyers; all are free all day: no break for anyone."""
    people = _people("S", "A", "B", "C", "D")
    slots = [Slot(t) for t in range(1, 7)]
    meetings = [Meeting(n, ("S", b)) for n, b in enumerate("ABC")] + [Meeting(9, ("D", "A"))]
    result = solve(people, slots, [Table(1), Table(2)], meetings, Options(**FAST))
    assert result.status == "optimal"
    assert result.breaks == 0
    check(people, slots, [Table(1), Table(2)], meetings, result)


def test_an_absence_in_the_middle_forces_a_break_and_the_bound_says_so():
    people = _people("S", "A", "B", unavailable={"S": {2}, "A": {3}, "B": {1}})
    slots = [Slot(t) for t in range(1, 4)]
    meetings = [Meeting(1, ("S", "A")), Meeting(2, ("S", "B"))]
    result = solve(people, slots, [Table(1)], meetings, Options(**FAST))
    assert result.placements[1].slot == 1 and result.placements[2].slot == 3
    assert result.breaks == 1 and result.bound == 1 and result.status == "optimal"
    assert result.breaks_by_participant == {"S": 1}


def test_fairness_caps_breaks_per_person():
    """With d=0, S cannot meet both A and B (a break is forced), so one meeting is dropped."""
    people = _people("S", "A", "B", unavailable={"S": {2}, "A": {3}, "B": {1}})
    slots = [Slot(t) for t in range(1, 4)]
    meetings = [Meeting(1, ("S", "A"), weight=2), Meeting(2, ("S", "B"))]
    result = solve(people, slots, [Table(1)], meetings, Options(fairness=0, **FAST))
    assert list(result.placements) == [1]
    assert result.unscheduled[2].code == OVER_SUBSCRIBED
    check(people, slots, [Table(1)], meetings, result, fairness=0)


# --- Reasons --------------------------------------------------------------------------------


def test_reasons_for_meetings_that_cannot_happen():
    slots = [Slot(1), Slot(2), Slot(3, session="pm")]
    meetings = [
        Meeting("never", ("A", "B")),  # A only free in 3, B never in 3
        Meeting("session", ("C", "D"), session="pm", pinned_slot=None),
        Meeting("group", ("A", "C", "D")),  # tables seat 2
        Meeting("pin1", ("C", "D"), pinned_slot=1),
        Meeting("pin2", ("C", "B"), pinned_slot=1),  # C is pinned elsewhere in slot 1
    ]
    people_absent = _people("A", "B", "C", "D", unavailable={"A": {1, 2}, "B": {3}, "D": {3}})
    result = solve(people_absent, slots, [Table(1), Table(2)], meetings, Options(**FAST))
    assert result.unscheduled["never"].code == PARTICIPANT_UNAVAILABLE
    assert result.unscheduled["never"].params == {"participants": ["A", "B"]}
    assert result.unscheduled["session"].code == SESSION_UNAVAILABLE
    assert result.unscheduled["group"].code == NO_TABLE_BIG_ENOUGH
    assert result.unscheduled["pin2"].code == PINNED_CONFLICT
    assert result.unscheduled["pin2"].params["with"] == "pin1"
    assert result.placements["pin1"].slot == 1
    check(people_absent, slots, [Table(1), Table(2)], meetings, result)


def test_over_subscribed_meeting_loses_to_higher_priority():
    people = _people("A", "B", "C")
    slots = [Slot(1), Slot(2)]
    meetings = [Meeting("low", ("A", "B"), 1), Meeting("high", ("A", "C"), 3)]
    # One slot left for A (absent in 2 via a pinned meeting of A in slot 2).
    meetings.append(Meeting("pinned", ("A", "C"), 1, pinned_slot=2))
    result = solve(people, slots, [Table(1)], meetings, Options(**FAST))
    assert set(result.placements) == {"high", "pinned"}
    reason = result.unscheduled["low"]
    assert reason.code == OVER_SUBSCRIBED and reason.params["participants"] == ["A"]


def test_full_slots_are_named_when_tables_run_out():
    people = _people("A", "B", "C", "D")
    meetings = [Meeting(1, ("A", "B"), 2), Meeting(2, ("C", "D"), 1)]
    result = solve(people, [Slot(1)], [Table(1)], meetings, Options(**FAST))
    assert list(result.placements) == [1]
    assert result.unscheduled[2].code == OVER_SUBSCRIBED
    assert result.unscheduled[2].params == {"participants": [], "full_slots": [1]}


def test_require_all_reports_infeasible():
    people = _people("A", "B", "C")
    meetings = [Meeting(1, ("A", "B")), Meeting(2, ("A", "C"))]
    result = solve(
        people,
        [Slot(1)],
        [Table(1), Table(2)],
        meetings,
        Options(require_all=True, assign_tables=False, **FAST),
    )
    assert result.status == "infeasible"
    assert result.placements == {}
    assert set(result.unscheduled) == {1, 2}


# --- Tables, groups, precedence ----------------------------------------------------------------


def test_group_meeting_gets_the_big_table_and_people_keep_their_table():
    people = _people("Buyer", "S1", "S2", "S3", "X")
    slots = [Slot(1), Slot(2), Slot(3)]
    tables = [Table("small", 2), Table("big", 4)]
    meetings = [
        Meeting("group", ("Buyer", "S1", "S2", "S3")),
        Meeting("b1", ("Buyer", "X")),
        Meeting("b2", ("S1", "X")),
    ]
    result = solve(people, slots, tables, meetings, Options(**FAST))
    check(people, slots, tables, meetings, result)
    assert result.placements["group"].table == "big"
    # Three meetings that pairwise share someone, in three slots: the two outer ones share a
    # person, who waits one slot. One break is the optimum.
    assert len(result.placements) == 3 and result.breaks == 1 and result.status == "optimal"


def test_precedence_and_session_are_kept():
    people = _people("A", "B", "C")
    slots = [Slot(1), Slot(2), Slot(3, session="pm"), Slot(4, session="pm")]
    meetings = [
        Meeting("second", ("A", "C"), after=("first",)),
        Meeting("first", ("A", "B"), session="pm"),
    ]
    result = solve(people, slots, [Table(1)], meetings, Options(**FAST))
    assert result.placements["first"].slot == 3 and result.placements["second"].slot == 4


# --- Re-scheduling, determinism, progress --------------------------------------------------


def _fair(n_people=12, n_slots=6, seed=1):
    import random

    rng = random.Random(seed)
    people = [Participant(p) for p in range(n_people)]
    slots = [Slot(t, day=t // 4, session="am" if t % 4 < 2 else "pm") for t in range(n_slots)]
    pairs = rng.sample(list(itertools.combinations(range(n_people), 2)), 3 * n_people)
    meetings = [Meeting(n, pair, weight=rng.randint(1, 3)) for n, pair in enumerate(pairs)]
    tables = [Table(k) for k in range(4)]
    return people, slots, tables, meetings


def test_reschedule_keeps_announced_meetings_in_place():
    people, slots, tables, meetings = _fair()
    first = solve(people, slots, tables, meetings, Options(**FAST))
    check(people, slots, tables, meetings, first)
    # Late changes: a new meeting, and person 0 cannot come to slot of one of its meetings.
    moved = next(m for m in meetings if 0 in m.participants and m.id in first.placements)
    absent = first.placements[moved.id].slot
    people2 = [Participant(0, frozenset({absent})), *people[1:]]
    meetings2 = [*meetings, Meeting("late", (1, 2), weight=3)]
    second = solve(people2, slots, tables, meetings2, Options(keep=first.placements, **FAST))
    check(people2, slots, tables, meetings2, second)
    assert second.released == [moved.id]
    for mid, placement in first.placements.items():
        if mid != moved.id:
            assert second.placements[mid] == placement


def test_a_kept_placement_is_a_pin_even_if_it_is_not_the_best():
    people = _people("A", "B", "C")
    slots = [Slot(1), Slot(2), Slot(3)]
    meetings = [Meeting(1, ("A", "B")), Meeting(2, ("A", "C"))]
    keep = {1: Placement(1, "T"), 2: Placement(3, "T")}
    result = solve(people, slots, [Table("T")], meetings, Options(keep=keep, **FAST))
    assert result.placements == keep and result.breaks == 1


def test_same_input_same_schedule():
    people, slots, tables, meetings = _fair(n_people=16, n_slots=8, seed=7)
    options = Options(seed=3, workers=1, deterministic_limit=2.0, time_limit=30.0)
    first = solve(people, slots, tables, meetings, options)
    second = solve(people, slots, tables, meetings, options)
    assert first.placements == second.placements
    assert first.phases[0].value == second.phases[0].value


def test_progress_is_reported():
    people, slots, tables, meetings = _fair()
    calls = []
    solve(
        people,
        slots,
        tables,
        meetings,
        Options(progress=lambda f, msg: calls.append((f, msg)), **FAST),
    )
    assert calls and all(0 <= f <= 1 for f, _ in calls)
    assert calls[-1][0] == 1.0


def test_large_neighbourhood_search_keeps_the_rules_and_never_gets_worse():
    """The LNS re-places regions of the schedule with CP-SAT: every hard rule, the fairness cap
    and its own break count stay right, and the breaks never go up (two days, sessions)."""
    people, slots, tables, meetings = _fair(n_people=16, n_slots=8, seed=5)
    options = Options(fairness=2, **FAST)
    pb = Problem(people, slots, tables, meetings, options)
    start = Greedy(pb).run()
    lns = Lns(pb, start, options, seed=1)
    before = lns.total
    seen = []
    lns.run(time.monotonic() + 10, 2.0, lambda: False, lambda total, s: seen.append(total))
    assert lns.total <= before
    assert seen == sorted(seen, reverse=True)
    assert set(lns.slot) == set(start)
    per_slot, busy = defaultdict(int), defaultdict(list)
    for i, t in lns.slot.items():
        assert t in pb.domains[i]
        per_slot[t] += 1
        for p in pb.members[i]:
            assert t not in busy[p]
            busy[p].append(t)
    assert max(per_slot.values()) <= len(tables)
    counted = [breaks_of([slots[t].index for t in ts], slots) for ts in busy.values()]
    assert sum(counted) == lns.total
    assert max(counted) <= 2


def _recount(pb, slot_of):
    """Every hard rule of the placed meetings, recomputed; returns breaks per person position."""
    per_class, tables_used, busy = defaultdict(int), set(), defaultdict(list)
    for i, t in slot_of.items():
        assert t in pb.domains[i]
        if i in pb.pin_slot:
            assert t == pb.pin_slot[i]
        table = pb.pin_table.get(i)
        needs = len(pb.members[i]) if table is None else pb.tables[table].capacity
        for k in {len(m) for m in pb.members}:
            if k <= needs:
                per_class[k, t] += 1
        if table is not None:
            assert (table, t) not in tables_used
            tables_used.add((table, t))
        for p in pb.members[i]:
            assert t not in busy[p], "somebody twice in a slot"
            busy[p].append(t)
    for (k, _t), n in per_class.items():
        assert n <= sum(1 for table in pb.tables if table.capacity >= k)
    for a, b in pb.before:
        if a in slot_of and b in slot_of:
            assert slot_of[a] < slot_of[b]
    return {p: breaks_of([pb.slots[t].index for t in ts], pb.slots) for p, ts in busy.items()}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_annealing_keeps_every_rule_and_never_gets_worse(instance):
    """The compiled local search moves meetings, swaps them and flips Kempe chains: pins,
    absences, sessions, table classes, pinned tables, precedences and the cap always hold, and
    it returns nothing worse than its start."""
    participants, slots, tables, meetings, fairness = instance
    pb = Problem(participants, slots, tables, meetings, Options())
    start = Greedy(pb).run()
    before = _recount(pb, start)
    search = LocalSearch(pb, start, fairness, seed=4, deadline=time.monotonic() + 10)
    found = search.run()
    if fairness is not None and max(before.values(), default=0) > fairness and found is None:
        return  # the start broke the cap and the search could not mend it: nothing claimed
    assert found is not None and set(found) == set(start)
    after = _recount(pb, found)
    if fairness is None or max(before.values(), default=0) <= fairness:
        assert sum(after.values()) <= sum(before.values())
    if fairness is not None:
        assert max(after.values(), default=0) <= fairness


def test_annealing_mends_a_start_over_the_fairness_cap():
    """Benchmark mode starts from the greedy, which ignores the cap: here A meets in slots 0
    and 2 (one break, cap 0) and the search moves a meeting so that nobody has a break."""
    people = _people("A", "B", "C")
    slots = [Slot(t) for t in range(4)]
    meetings = [Meeting(1, ("A", "B")), Meeting(2, ("A", "C"))]
    pb = Problem(people, slots, [Table("T")], meetings, Options())
    search = LocalSearch(pb, {0: 0, 1: 2}, 0, seed=1, deadline=time.monotonic() + 10)
    found = search.run()
    assert found is not None and abs(found[0] - found[1]) == 1


def test_benchmark_mode_reaches_zero_breaks_on_a_laid_out_fair():
    """A fair laid out without breaks (as bench/b2b.py builds them, 60 people): the solver finds
    a schedule without breaks, so it is proven optimal."""
    import random

    rng = random.Random(11)
    people = [Participant(p) for p in range(60)]
    slots = [Slot(t) for t in range(10)]
    runs = {}
    for p in range(60):
        k = rng.randint(2, 6)
        a = rng.randint(0, 10 - k)
        runs[p] = (a, a + k)
    meetings, met = [], set()
    for t in range(10):
        active = [p for p, (a, b) in runs.items() if a <= t < b]
        rng.shuffle(active)
        for p, q in zip(active[::2], active[1::2], strict=False):
            if (p, q) not in met:
                met.add((p, q))
                meetings.append(Meeting(len(meetings), (p, q)))
    result = solve(people, slots, [Table(k) for k in range(40)], meetings, Options(**FAST))
    check(people, slots, [Table(k) for k in range(40)], meetings, result)
    assert len(result.placements) == len(meetings)
    assert result.breaks == 0 and result.status == "optimal"


def test_benchmark_mode_starts_from_a_complete_schedule_when_the_greedy_falls_short():
    """Six meetings of five people in three slots at two tables: the greedy leaves one meeting
    out, so benchmark mode asks CP-SAT for a schedule placing all six (the rules alone) and
    the local search starts from it."""
    people = [Participant(p) for p in range(5)]
    slots = [Slot(t) for t in range(3)]
    tables = [Table(0), Table(1)]
    pairs = [(1, 2), (2, 4), (1, 3), (0, 2), (0, 4), (0, 1)]
    meetings = [Meeting(i, pair) for i, pair in enumerate(pairs)]
    options = Options(require_all=True, **FAST)
    pb = Problem(people, slots, tables, meetings, options)
    assert len(Greedy(pb).run()) == 5
    start = Solver(pb, options, time.monotonic())._first_placement()
    assert start is not None and len(start) == 6
    _recount(pb, start)
    result = solve(people, slots, tables, meetings, options)
    check(people, slots, tables, meetings, result)
    assert result.status == "optimal" and len(result.placements) == 6


def test_phase_one_mends_a_greedy_over_the_cap_instead_of_searching():
    """The greedy placed everything but gave A a break (cap 0): the local search under the cap
    mends it, so "everything placed" is proven without a CP-SAT search."""
    people = _people("A", "B", "C")
    slots = [Slot(t) for t in range(4)]
    meetings = [Meeting(1, ("A", "B")), Meeting(2, ("A", "C"))]
    options = Options(fairness=0, **FAST)
    pb = Problem(people, slots, [Table("T")], meetings, options)
    mended = Solver(pb, options, time.monotonic())._mended({0: 0, 1: 2}, total=2)
    assert abs(mended[0] - mended[1]) == 1
