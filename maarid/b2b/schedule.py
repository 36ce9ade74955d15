"""The B2B meeting scheduler: which meeting happens in which slot at which table (no Django here).

Plain dataclasses in (:class:`Participant`, :class:`Slot`, :class:`Table`, :class:`Meeting`,
:class:`Options`), a plain :class:`Schedule` out, OR-Tools CP-SAT inside, so the optimiser can be
tested and benchmarked on plain data; ``services.py`` turns the edition's rows into these.

Hard rules: nobody is in two meetings at once; nobody meets in a slot they are unavailable; at
most one meeting per table per slot, and a meeting gets a table seating all its participants;
pinned (and kept) meetings stay where they are; a meeting asked for the morning or the afternoon
happens then; a meeting listed in another's ``after`` comes strictly earlier when both happen.

Objective, lexicographic, as successive solves (each phase's value is fixed as a constraint and
its solution is the next phase's hint — no big-M weighted sum that could overflow or blur):

1. **scheduled** — maximise the priority weight of the meetings that happen (skipped with
   ``require_all``: then every meeting must happen, or the schedule is infeasible). A greedy
   runs first; when it places every meeting that can happen at all (within the fairness cap),
   that is optimal by definition and no search is needed — the usual case at a real fair.
   Otherwise it is CP-SAT's starting hint.
2. **breaks** — minimise the total number of breaks. A break is a maximal run of free slots
   between two meetings of the same person *within a day*: free time before the first or after
   the last meeting of a day is no break, and the night between two days is none either.
   ``fairness`` caps each person's breaks (or, with ``fairness_spread``, the published
   benchmark's max - min spread). Solved as a race (see :class:`_BreaksPhase`): a *prover*
   decides "breaks <= k" for k = 0, 1, ... (each refusal raises the bound, the first success is
   optimal), an *improver* lowers the best schedule found: simulated annealing with Kempe-chain
   moves, compiled with numba (:mod:`.anneal`, millions of moves a second), from phase 1's
   schedule (in benchmark mode from the greedy's, or CP-SAT's on the hard rules alone when the
   greedy leaves meetings out), then a large neighbourhood search that re-solves regions of it
   with small CP-SAT models (see :class:`_Lns`), then CP-SAT on the whole model. The annealing
   does the heavy lifting on large fairs (0 breaks on 1,000 people and 3,000 meetings in
   bench/b2b.py), the prover on the tight published instances.
3. **table changes** — how often a person walks to another table between two meetings of a day.
   Tables are assigned *after* the slots (see "Tables" below), per slot in time order, by a
   min-cost matching that keeps as many people as possible at the table of their previous
   meeting: optimal slot by slot, not globally (a global model needs a variable per meeting,
   slot and table: 750,000 of them at 3,000 meetings x 16 slots x 250 tables, much too slow).

Breaks (why this encoding): per person ``p`` and slot ``t`` a literal ``busy[p,t]`` (the sum of
the meetings of ``p`` that may use ``t``, at most one); ``start[p,t] = busy[p,t] and not
busy[p,t-1]`` marks where a block of consecutive meetings begins (channelled both ways, so it is
exact and propagates both ways). A person's breaks on a day are ``blocks - 1`` when they meet that
day: ``sum(start) == present + e1 + e2 + ...`` with ``present`` the "meets that day" literal (a
constant 1 when a meeting of ``p`` is forced onto that day) and ordered "extra block" literals
``e1 >= e2 >= ...`` (as many as the fairness cap allows). The objective is the plain sum of the
``e`` literals: linear, no "busy later" chains, no big-M, and ``e1`` reads "p has a break that
day". Redundant constraints make it tight: a person with ``k`` forced meetings needs at least
as many blocks as ``k`` meetings need in their free runs; and once every meeting is forced
(benchmark mode, or phase 1 placed them all) on a one-day programme, a window formulation: a
literal per possible "one block" window of each person, exactly one of them or ``e1`` true, so
"nobody has a break" propagates like a timetable (see :meth:`_Model._windows`), and the windows
of the people without a break, as intervals needing a seat each, share the tables' seats in a
cumulative constraint (its energetic reasoning proves "too few breaks" on tight tables). The LP
relaxation is useless here (fractional meetings spread over every slot have no breaks), so
phase 2 runs CP-SAT with ``linearization_level=0``: that alone turned several published
instances from "unknown after 20 s" into seconds.

Tables (why the count constraints are enough): a meeting of ``k`` people needs a table of
capacity ``>= k``. Per slot, for every size ``k`` in use, "meetings of size >= k" <= "tables of
capacity >= k". The sets of tables a meeting can use are nested (every table that seats ``k``
also seats fewer), so Hall's condition reduces to exactly these counts, and a matching of the
slot's meetings to tables always exists; it is found afterwards by min-cost flow. Tables pinned
to a meeting are taken out of the pool first (at most one pinned meeting per table and slot).
When all tables are equal and meetings bilateral this is one count per slot — far faster than
per-table variables.

Re-scheduling (``Options.keep``): every kept meeting that still can stay (its people are still
available, its slot and table still exist) is pinned to its previous slot and table; only new or
changed meetings move. Kept meetings that cannot stay are freed and listed in
``Schedule.released``.

Pins: a pinned (or kept) meeting must happen at its slot. Pins that clash with each other, with
an absence, a session or a too-small pinned table are found before solving (the later one in
input order is reported ``pinned_conflict``); a pin that only clashes through the other rules
(e.g. an order between two pinned meetings) makes the schedule infeasible.

Determinism: the input order is kept (slots sorted by index); with ``workers=1`` and a
deterministic limit (``Options.deterministic_limit``, CP-SAT's ``max_deterministic_time``) the
prover and the improver take turns on fixed shares of it, the annealing makes a fixed number of
seeded moves, and the same input gives the same schedule. ``time_limit`` is a wall-clock safety
cap only: if it cuts a phase short (or the annealing), results may differ between runs
(``Schedule.phases`` then says "feasible"). With ``workers >= 2`` the prover and the improver
race in two threads and the result depends on timing.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

# A literal of the model, and what a linear expression of them may also be: a plain constant.
Lit: TypeAlias = cp_model.BoolVarT
Expr: TypeAlias = cp_model.LinearExpr | int
# A CP-SAT assignment of the placement literals: (meeting position, slot position) -> chosen.
Solution: TypeAlias = dict[tuple[int, int], bool]
# A schedule by positions: meeting position -> slot position.
Slots: TypeAlias = dict[int, int]

AM, PM = "am", "pm"
OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN = "optimal", "feasible", "infeasible", "unknown"
# Reason codes for an unscheduled meeting (``Reason.code``); the Django side translates them.
PARTICIPANT_UNAVAILABLE = "participant_unavailable"  # no slot where all are free
SESSION_UNAVAILABLE = "session_unavailable"  # common free slots, none in the asked session
NO_TABLE_BIG_ENOUGH = "no_table_big_enough"
PINNED_CONFLICT = "pinned_conflict"  # its pin clashes with another pin or an absence
OVER_SUBSCRIBED = "over_subscribed"  # possible alone, lost to higher-priority meetings
NOT_SCHEDULED = "not_scheduled"  # require_all and infeasible together / solver ran out of time


@dataclass(frozen=True)
class Participant:
    """A person (or organisation) who meets; ``unavailable``: slot indices they cannot meet in."""

    id: Hashable
    unavailable: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Slot:
    """A time slot. ``index`` orders the slots (and is what pins, absences and the result use);
    ``day`` groups them (breaks are counted within a day); ``session`` is ``"am"`` or ``"pm"``."""

    index: int
    day: Hashable = 0
    session: str = AM


@dataclass(frozen=True)
class Table:
    id: Hashable
    capacity: int = 2


@dataclass(frozen=True)
class Meeting:
    """A meeting to place. ``participants``: 2 for a bilateral meeting, more for a group meeting
    (one buyer, several sellers). ``weight``: priority, a positive integer. ``pinned_slot`` /
    ``pinned_table``: the organiser's pins. ``session``: ``"am"``/``"pm"`` or None. ``after``:
    ids of meetings that must happen strictly before this one (when both happen)."""

    id: Hashable
    participants: tuple[Hashable, ...]
    weight: int = 1
    pinned_slot: int | None = None
    pinned_table: Hashable | None = None
    session: str | None = None
    after: tuple[Hashable, ...] = ()


@dataclass(frozen=True)
class Placement:
    slot: int
    table: Hashable | None = None


@dataclass(frozen=True)
class Options:
    """How to solve.

    ``fairness``: at most that many breaks per person (None: no cap). ``fairness_spread``: read
    ``fairness`` as the benchmark's bound on max - min breaks over all participants instead.
    ``time_limit``: wall-clock safety cap in seconds for the whole solve. ``deterministic_limit``:
    CP-SAT deterministic seconds for the whole solve (the reproducible limit). ``seed`` and
    ``workers``: CP-SAT's ``random_seed`` and ``num_workers`` (1 = reproducible). ``keep``:
    the previous schedule (meeting id -> :class:`Placement`) to keep in place. ``progress``:
    called as ``progress(fraction, message)`` as solutions improve. ``require_all``: every
    meeting must happen (benchmark mode). ``assign_tables``: False leaves ``Placement.table``
    None (benchmark mode: only "at most as many meetings as tables per slot")."""

    fairness: int | None = None
    fairness_spread: bool = False
    time_limit: float = 60.0
    deterministic_limit: float | None = None
    seed: int = 0
    workers: int = 1
    keep: Mapping[Hashable, Placement] | None = None
    progress: Callable[[float, str], None] | None = None
    require_all: bool = False
    assign_tables: bool = True


@dataclass(frozen=True)
class Reason:
    """Why a meeting is not scheduled: a short ``code`` (see the module constants) and ``params``
    (participant ids, slot indices, sizes) for the message."""

    code: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Phase:
    """One lexicographic phase: its objective ``value``, the solver's ``bound`` on it, status."""

    name: str
    value: int | None
    bound: int | None
    status: str
    seconds: float


@dataclass
class Schedule:
    """The result. ``status``: optimal (every phase proven), feasible, infeasible or unknown (no
    schedule found in time). ``bound``: the proven lower bound on the breaks (None when unknown).
    ``breaks_by_participant`` only lists people with at least one break."""

    status: str
    placements: dict[Hashable, Placement] = field(default_factory=dict)
    unscheduled: dict[Hashable, Reason] = field(default_factory=dict)
    scheduled_weight: int = 0
    breaks: int | None = None
    bound: int | None = None
    table_changes: int | None = None
    breaks_by_participant: dict[Hashable, int] = field(default_factory=dict)
    phases: list[Phase] = field(default_factory=list)
    released: list[Hashable] = field(default_factory=list)
    seconds: float = 0.0


def solve(
    participants: Sequence[Participant],
    slots: Sequence[Slot],
    tables: Sequence[Table],
    meetings: Sequence[Meeting],
    options: Options | None = None,
) -> Schedule:
    """Schedule ``meetings``; see the module docstring for the rules and the objective."""
    options = options or Options()
    started = time.monotonic()
    problem = _Problem(participants, slots, tables, meetings, options)
    result = _Solver(problem, options, started).run()
    result.seconds = time.monotonic() - started
    return result


def count_breaks(slot_indices: Iterable[int], slots: Sequence[Slot]) -> int:
    """Breaks of one person who meets in ``slot_indices``: runs of free slots between two of
    their meetings on the same day. Public so the Django side and tests can recount."""
    order = sorted(slots, key=lambda s: s.index)
    busy = set(slot_indices)
    breaks = 0
    for day in dict.fromkeys(s.day for s in order):
        line = [s.index in busy for s in order if s.day == day]
        runs = sum(1 for i, b in enumerate(line) if b and (i == 0 or not line[i - 1]))
        breaks += max(0, runs - 1)
    return breaks


# --- Preparation: canonical order, domains, reasons -------------------------------------------


class _Problem:
    """The input in canonical order with integer indices, each meeting's possible slots, and the
    reasons of the meetings that cannot happen at all."""

    def __init__(
        self,
        participants: Sequence[Participant],
        slots: Sequence[Slot],
        tables: Sequence[Table],
        meetings: Sequence[Meeting],
        options: Options,
    ) -> None:
        self.slots = sorted(slots, key=lambda s: s.index)
        self.slot_pos = {s.index: i for i, s in enumerate(self.slots)}
        if len(self.slot_pos) != len(self.slots):
            raise ValueError("slot indices must be unique")
        self.people = list(participants)
        self.person_pos = {p.id: i for i, p in enumerate(self.people)}
        if len(self.person_pos) != len(self.people):
            raise ValueError("participant ids must be unique")
        self.tables = list(tables)
        self.table_pos = {t.id: i for i, t in enumerate(self.tables)}
        self.meetings = list(meetings)
        self.meeting_pos = {m.id: i for i, m in enumerate(self.meetings)}
        if len(self.meeting_pos) != len(self.meetings):
            raise ValueError("meeting ids must be unique")
        self.members = [self._members(m) for m in self.meetings]
        self.days = self._days()
        self.max_capacity = max((t.capacity for t in self.tables), default=0)
        self.reasons: dict[int, Reason] = {}
        self.pin_slot: dict[int, int] = {}
        self.pin_table: dict[int, int] = {}
        self.released: list[Hashable] = []
        self._pins(options.keep or {})
        # Table size classes: a meeting needing k seats (its people, or the seats of its pinned
        # table) counts in every class <= k, and class k has the tables seating k or more.
        self.sizes = sorted({len(members) for members in self.members})
        self.room = {k: sum(1 for t in self.tables if t.capacity >= k) for k in self.sizes}
        self.needs = [
            len(members) if i not in self.pin_table else self.tables[self.pin_table[i]].capacity
            for i, members in enumerate(self.members)
        ]
        self.domains = [self._domain(i) for i in range(len(self.meetings))]
        self.before = self._precedences()

    def _members(self, meeting: Meeting) -> tuple[int, ...]:
        people = tuple(dict.fromkeys(meeting.participants))
        if len(people) < 2:
            raise ValueError(f"meeting {meeting.id!r} needs at least two participants")
        for p in people:
            if p not in self.person_pos:
                raise ValueError(f"meeting {meeting.id!r}: unknown participant {p!r}")
        return tuple(self.person_pos[p] for p in people)

    def _days(self) -> list[list[int]]:
        """Slot positions grouped by day, each list in time order."""
        days: defaultdict[Hashable, list[int]] = defaultdict(list)
        for i, s in enumerate(self.slots):
            days[s.day].append(i)
        return list(days.values())

    def _free(self, i: int) -> set[int]:
        """Slot positions where all of meeting ``i``'s people are available."""
        out = set(range(len(self.slots)))
        for p in self.members[i]:
            for index in self.people[p].unavailable:
                out.discard(self.slot_pos.get(index, -1))
        return out

    def _pins(self, keep: Mapping[Hashable, Placement]) -> None:
        """Pins from the organiser, then kept placements: a kept placement that still fits is a
        pin; two pins that clash (same person or table in the same slot) keep the first."""
        taken_people: dict[tuple[int, int], Hashable] = {}
        taken_tables: dict[tuple[Hashable, int], Hashable] = {}
        for i, meeting in enumerate(self.meetings):
            slot, table = meeting.pinned_slot, meeting.pinned_table
            kept = keep.get(meeting.id)
            if kept is not None and slot is None:
                if self._keepable(i, kept):
                    slot = kept.slot
                    table = kept.table if table is None else table
                else:
                    self.released.append(meeting.id)
            if table is not None and table not in self.table_pos:
                raise ValueError(f"meeting {meeting.id!r}: unknown table {table!r}")
            if slot is not None and slot not in self.slot_pos:
                raise ValueError(f"meeting {meeting.id!r}: unknown slot {slot!r}")
            if slot is None:
                if table is not None:
                    self.pin_table[i] = self.table_pos[table]
                continue
            t = self.slot_pos[slot]
            clash = self._clash(i, t, table, taken_people, taken_tables)
            if clash is not None:
                self.reasons[i] = clash
                continue
            self.pin_slot[i] = t
            for p in self.members[i]:
                taken_people[p, t] = meeting.id
            if table is not None:
                self.pin_table[i] = self.table_pos[table]
                taken_tables[table, t] = meeting.id

    def _keepable(self, i: int, kept: Placement) -> bool:
        t = self.slot_pos.get(kept.slot)
        if t is None or t not in self._free(i) or not self._session_ok(i, t):
            return False
        if kept.table is None:
            return True
        table = self.table_pos.get(kept.table)
        return table is not None and self.tables[table].capacity >= len(self.members[i])

    def _clash(
        self,
        i: int,
        t: int,
        table: Hashable | None,
        taken_people: Mapping[tuple[int, int], Hashable],
        taken_tables: Mapping[tuple[Hashable, int], Hashable],
    ) -> Reason | None:
        slot = self.slots[t].index
        if t not in self._free(i):
            absent = [
                self.people[q].id for q in self.members[i] if slot in self.people[q].unavailable
            ]
            return Reason(PINNED_CONFLICT, {"slot": slot, "unavailable": absent})
        if not self._session_ok(i, t):
            return Reason(PINNED_CONFLICT, {"slot": slot, "session": self.meetings[i].session})
        for p in self.members[i]:
            if (p, t) in taken_people:
                return Reason(PINNED_CONFLICT, {"slot": slot, "with": taken_people[p, t]})
        if table is not None:
            if self.tables[self.table_pos[table]].capacity < len(self.members[i]):
                return Reason(NO_TABLE_BIG_ENOUGH, {"table": table, "size": len(self.members[i])})
            if (table, t) in taken_tables:
                return Reason(PINNED_CONFLICT, {"slot": slot, "with": taken_tables[table, t]})
        return None

    def _session_ok(self, i: int, t: int) -> bool:
        session = self.meetings[i].session
        return session is None or self.slots[t].session == session

    def _domain(self, i: int) -> list[int]:
        """The slot positions meeting ``i`` may take; sets ``reasons[i]`` when there are none."""
        if i in self.reasons:
            return []
        size = len(self.members[i])
        fit = (
            self.max_capacity
            if i not in self.pin_table
            else self.tables[self.pin_table[i]].capacity
        )
        if size > fit:
            self.reasons[i] = Reason(NO_TABLE_BIG_ENOUGH, {"size": size, "capacity": fit})
            return []
        if i in self.pin_slot:
            return [self.pin_slot[i]]
        free = self._free(i)
        domain = sorted(t for t in free if self._session_ok(i, t))
        if not domain:
            people = [self.people[p].id for p in self.members[i]]
            if free:
                session = self.meetings[i].session
                self.reasons[i] = Reason(
                    SESSION_UNAVAILABLE, {"session": session, "participants": people}
                )
            else:
                self.reasons[i] = Reason(PARTICIPANT_UNAVAILABLE, {"participants": people})
        return domain

    def _precedences(self) -> list[tuple[int, int]]:
        """Pairs (earlier, later) of meeting positions; unknown ids are an input error."""
        pairs = []
        for j, meeting in enumerate(self.meetings):
            for before in meeting.after:
                if before not in self.meeting_pos:
                    raise ValueError(f"meeting {meeting.id!r}: unknown meeting {before!r} in after")
                pairs.append((self.meeting_pos[before], j))
        return pairs


# --- The CP-SAT model ------------------------------------------------------------------------


class _Model:
    """Variables and constraints shared by every phase."""

    def __init__(self, problem: _Problem, options: Options, force_all: bool = False) -> None:
        self.pb = problem
        self.options = options
        self.force_all = force_all or options.require_all
        self.model = cp_model.CpModel()
        self.forced = self._forced()
        self.x = self._placements()
        self.scheduled = self._scheduled()
        self.busy = self._busy()
        self.max_breaks = 0
        self.cap: int | None = None
        self.first_break: dict[tuple[int, int], cp_model.IntVar] = {}
        self.windows: dict[int, tuple[int, dict[int, cp_model.IntVar], cp_model.IntVar]] = {}
        self._tables()
        self._precedences()
        self.person_breaks = self._breaks()
        self.total_breaks = sum(self.person_breaks.values())
        self._fairness()
        if self.force_all:
            self._windows()

    def _forced(self) -> set[int]:
        """Meetings that must happen: all (that can) with ``require_all`` or once phase 1 has
        placed them all, else the pinned ones."""
        pb = self.pb
        if self.options.require_all:
            return set(range(len(pb.meetings)))
        if self.force_all:
            return {i for i, domain in enumerate(pb.domains) if domain}
        return {i for i in pb.pin_slot if pb.domains[i]}

    def _placements(self) -> list[dict[int, cp_model.IntVar]]:
        """``x[i][t]``: meeting ``i`` happens in slot position ``t`` (only for its domain)."""
        model = self.model
        return [
            {t: model.new_bool_var(f"x{i}_{t}") for t in dom}
            for i, dom in enumerate(self.pb.domains)
        ]

    def _scheduled(self) -> list[cp_model.IntVar | int]:
        """Per meeting, a literal (or constant) "it happens"."""
        model = self.model
        out: list[cp_model.IntVar | int] = []
        for i, row in enumerate(self.x):
            lits = list(row.values())
            if not lits:
                out.append(0)
                if i in self.forced:
                    model.add_bool_or([])  # a forced meeting that cannot happen: infeasible
                continue
            if len(lits) == 1 and i in self.forced:
                model.add(lits[0] == 1)
                out.append(1)
                continue
            if i in self.forced:
                model.add_exactly_one(lits)
                out.append(1)
                continue
            s = model.new_bool_var(f"s{i}")
            model.add(sum(lits) == s)
            out.append(s)
        return out

    def _busy(self) -> list[list[cp_model.IntVar | None]]:
        """``busy[p][t]``: a literal, or None when ``p`` cannot meet in ``t``."""
        pb, model = self.pb, self.model
        by_person_slot: defaultdict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        for i, row in enumerate(self.x):
            for t, lit in row.items():
                for p in pb.members[i]:
                    by_person_slot[p, t].append(lit)
        busy: list[list[cp_model.IntVar | None]] = [[None] * len(pb.slots) for _ in pb.people]
        for (p, t), lits in by_person_slot.items():
            if len(lits) == 1:
                busy[p][t] = lits[0]
            else:
                b = model.new_bool_var(f"b{p}_{t}")
                model.add(sum(lits) == b)
                busy[p][t] = b
        return busy

    def _tables(self) -> None:
        """Per slot and size class: meetings needing >= k seats <= tables seating >= k; pinned
        tables leave the pool first. See the module docstring for why this is exact."""
        pb, model = self.pb, self.model
        by_table_slot: defaultdict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        for i, table in pb.pin_table.items():
            for t, lit in self.x[i].items():
                by_table_slot[table, t].append(lit)
        for lits in by_table_slot.values():
            if len(lits) > 1:
                model.add_at_most_one(lits)
        for k in pb.sizes:
            for t in range(len(pb.slots)):
                lits = [row[t] for i, row in enumerate(self.x) if t in row and pb.needs[i] >= k]
                if len(lits) > pb.room[k]:
                    model.add(sum(lits) <= pb.room[k])

    def _precedences(self) -> None:
        """``a`` before ``b`` when both happen: ``b`` in slot ``t`` rules out ``a`` in ``>= t``."""
        model = self.model
        for a, b in self.pb.before:
            xa, xb = self.x[a], self.x[b]
            for t, lit in xb.items():
                late = [xa[u] for u in xa if u >= t]
                for other in late:
                    model.add_bool_or([lit.Not(), other.Not()])

    def _breaks(self) -> dict[int, Expr]:
        """Per person: the sum over days of ``blocks - meets that day``, as ordered "extra block"
        literals ``e1 >= e2 >= ...`` (``sum(start) == present + sum(e)``): the objective is then a
        plain sum of literals, which core-based search (the MaxSAT way) handles best, and ``e1``
        is "has a break that day". See the module docstring."""
        pb = self.pb
        forced_days = self._forced_days()
        lines: dict[tuple[int, int], list[Lit]] = {}
        for p in range(len(pb.people)):
            for d, positions in enumerate(pb.days):
                starts: list[Lit] = []
                prev: cp_model.IntVar | None = None
                for t in positions:
                    b = self.busy[p][t]
                    if b is not None:
                        starts.append(b if prev is None else self._start(b, prev))
                    prev = b
                if len(starts) >= 2:
                    lines[p, d] = starts
        cap = self.cap = self._cap(lines)
        out: defaultdict[int, Expr] = defaultdict(int)
        for (p, d), starts in lines.items():
            extra = self._extra_blocks(p, d, starts, forced_days, cap)
            if extra:
                self.first_break[p, d] = extra[0]
                out[p] += sum(extra)
        return dict(out)

    def _cap(self, lines: Mapping[tuple[int, int], object]) -> int | None:
        """Breaks per person and day can be capped up front by the fairness bound, unless the
        benchmark's spread is asked and everybody could have breaks (then min may be > 0)."""
        d = self.options.fairness
        if d is None:
            return None
        everyone = {p for p, _ in lines} == set(range(len(self.pb.people)))
        return None if self.options.fairness_spread and everyone else d

    def _extra_blocks(
        self,
        p: int,
        d: int,
        starts: list[Lit],
        forced_days: set[tuple[int, int]],
        cap: int | None,
    ) -> list[cp_model.IntVar]:
        model = self.model
        present: cp_model.IntVar | int
        if (p, d) in forced_days:
            present = 1
            least = self._min_blocks(p, self.pb.days[d]) - 1
        else:
            present = model.new_bool_var(f"any{p}_{d}")
            model.add_bool_or([present.Not(), *starts])
            for s in starts:
                model.add_implication(s, present)
            least = 0
        n = len(starts) - 1 if cap is None else min(cap, len(starts) - 1)
        if least > n:
            model.add_bool_or([])  # more breaks needed than the cap allows: infeasible
            return []
        extra = [model.new_bool_var(f"e{p}_{d}_{j}") for j in range(n)]
        self.max_breaks += n
        for j, e in enumerate(extra):
            if j < least:
                model.add(e == 1)
            if j:
                model.add_implication(e, extra[j - 1])
        model.add(sum(starts) == present + sum(extra))
        return extra

    def _start(self, b: Lit, prev: Lit) -> cp_model.IntVar:
        s = self.model.new_bool_var("")
        self.model.add_implication(s, b)
        self.model.add_implication(s, prev.Not())
        self.model.add_bool_or([s, b.Not(), prev])
        return s

    def _forced_days(self) -> set[tuple[int, int]]:
        """(person, day) pairs where a forced meeting of that person can only be on that day."""
        day_of = {t: d for d, positions in enumerate(self.pb.days) for t in positions}
        out: set[tuple[int, int]] = set()
        for i in self.forced:
            days = {day_of[t] for t in self.x[i]}
            if len(days) == 1:
                day = days.pop()
                out.update((p, day) for p in self.pb.members[i])
        return out

    def _min_blocks(self, p: int, positions: list[int]) -> int:
        """Blocks needed at least for ``p``'s forced meetings of the day in its free runs."""
        forced = [
            i for i in self.forced if p in self.pb.members[i] and set(self.x[i]) <= set(positions)
        ]
        need = len(forced)
        runs, run = [], 0
        for t in positions:
            if self.busy[p][t] is not None:
                run += 1
            else:
                runs.append(run)
                run = 0
        runs.append(run)
        blocks = 0
        for length in sorted(runs, reverse=True):
            if need <= 0:
                break
            need -= length
            blocks += 1
        return max(1, blocks)

    def _fairness(self) -> None:
        d = self.options.fairness
        if d is None:
            return
        model = self.model
        if not self.options.fairness_spread or self._someone_without_breaks():
            for expr in self.person_breaks.values():
                model.add(expr <= d)
            return
        low = model.new_int_var(0, len(self.pb.slots), "fewest_breaks")
        for expr in self.person_breaks.values():
            model.add(expr >= low)
            model.add(expr <= low + d)

    def _someone_without_breaks(self) -> bool:
        return len(self.person_breaks) < len(self.pb.people)

    def _windows(self) -> None:
        """Benchmark mode (one day, every meeting forced): ``w[p,a]`` = "p meets in exactly the
        slots a..a+k-1" (k = p's meetings); exactly one window literal or ``e1[p]`` ("p has a
        break") is true. Redundant, but "p has no break" then propagates like a timetable:
        outside its window p is idle, inside busy. Windows that miss the possible slots of one
        of p's meetings (session, fixed slot, absences) are not created, and two people who meet
        need overlapping windows (a clause per window), so the search reasons on windows."""
        pb, model = self.pb, self.model
        if len(pb.days) != 1:
            return
        for p in range(len(pb.people)):
            gap = self.first_break.get((p, 0))
            if gap is None:
                continue  # p cannot have a break anyway
            mine = [i for i in self.forced if p in pb.members[i]]
            k = len(mine)
            windows = {}
            for a in range(len(pb.slots) - k + 1):
                span = range(a, a + k)
                if all(self.busy[p][t] is not None for t in span) and all(
                    any(t in self.x[i] for t in span) for i in mine
                ):
                    windows[a] = model.new_bool_var(f"w{p}_{a}")
            self.windows[p] = (k, windows, gap)
            model.add_exactly_one([gap, *windows.values()])
            for t in range(len(pb.slots)):
                b = self.busy[p][t]
                if b is None:
                    continue
                covering = [w for a, w in windows.items() if a <= t < a + k]
                for w in covering:
                    model.add_implication(w, b)
                model.add_bool_or([b.Not(), gap, *covering])
        self._window_pairs()
        self._seats()

    def _seats(self) -> None:
        """Redundant: in every slot the people meeting need a seat each, so the windows of the
        people without a break, as intervals of demand 1, never need more seats than the tables
        have (CP-SAT's cumulative reasoning on them proves "too few breaks" far sooner)."""
        pb, model = self.pb, self.model
        intervals = []
        for p, (k, windows, gap) in self.windows.items():
            if not windows:
                continue
            start = model.new_int_var_from_domain(
                cp_model.Domain.from_values(sorted(windows)), f"ws{p}"
            )
            for a, lit in windows.items():
                model.add(start == a).only_enforce_if(lit)
            intervals.append(
                model.new_optional_fixed_size_interval_var(start, k, gap.Not(), f"wi{p}")
            )
        seats = sum(table.capacity for table in pb.tables)
        if intervals:
            model.add_cumulative(intervals, [1] * len(intervals), seats)

    def _window_pairs(self) -> None:
        """For each meeting of p and q: p's window needs a window of q (or a break of q) that
        overlaps it on a slot the meeting can take."""
        for i in self.forced:
            members = [p for p in self.pb.members[i] if p in self.windows]
            for p in members:
                kp, wp, _ = self.windows[p]
                for q in members:
                    if q == p:
                        continue
                    kq, wq, gq = self.windows[q]
                    for a, lit in wp.items():
                        common = {t for t in self.x[i] if a <= t < a + kp}
                        fits = [w for b, w in wq.items() if any(b <= t < b + kq for t in common)]
                        self.model.add_bool_or([lit.Not(), gq, *fits])


class _Rules(_Model):
    """The hard rules alone with every meeting forced (no breaks, no objective)."""

    def __init__(self, problem: _Problem, options: Options) -> None:
        self.pb, self.options, self.force_all = problem, options, True
        self.model = cp_model.CpModel()
        self.forced = self._forced()
        self.x = self._placements()
        self.scheduled = self._scheduled()
        self.busy = self._busy()
        self._tables()
        self._precedences()


# --- Solving in phases -----------------------------------------------------------------------


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(
        self, report: Callable[[float, str], None], phase: int, phases: int, sign: int
    ) -> None:
        super().__init__()
        self.report, self.phase, self.phases, self.sign = report, phase, phases, sign

    def on_solution_callback(self) -> None:
        value = self.objective_value
        bound = self.best_objective_bound
        gap = 0.0 if value == bound else min(1.0, abs(value - bound) / max(1.0, abs(value)))
        fraction = (self.phase + 1.0 - gap) / self.phases
        self.report(min(fraction, 1.0), f"{self.phase + 1}/{self.phases}: {self.sign * value:g}")


class _Solver:
    def __init__(self, problem: _Problem, options: Options, started: float) -> None:
        self.pb, self.options, self.started = problem, options, started
        self.det_used = 0.0

    def run(self) -> Schedule:
        m = _Model(self.pb, self.options)
        phases: list[Phase] = []
        n_phases = 1 if self.options.require_all else 2
        solution: Solution | None = None
        if not self.options.require_all:
            weights = [(s, self.pb.meetings[i].weight) for i, s in enumerate(m.scheduled)]
            total = sum(w for s, w in weights if not isinstance(s, int) or s)  # 0: cannot happen
            objective = sum(w * s for s, w in weights)
            m.model.maximize(objective)
            begun = time.monotonic()
            greedy = _Greedy(self.pb).run()
            if not self._all_placed_fairly(greedy, total):
                greedy = self._mended(greedy, total)
            if self._all_placed_fairly(greedy, total):
                # Nothing can beat "everything placed": phase 1 is proven without a search.
                phase = Phase("scheduled", total, total, OPTIMAL, time.monotonic() - begun)
                solution = _as_solution(m, greedy)
            else:
                self._hint(m, _as_solution(m, greedy))
                phase, solution = self._phase(m, "scheduled", -1, 0, n_phases, share=0.4)
            phases.append(phase)
            if solution is None or phase.value is None:
                return self._failed(phase, phases)
            if phase.value >= total:
                # Everything placeable is placed: the stronger all-forced model (min blocks,
                # windows) is exact from here on.
                m = _Model(self.pb, self.options, force_all=True)
            else:
                m.model.add(objective >= phase.value)
            self._hint(m, solution)
        m.model.minimize(m.total_breaks)
        start: Slots | None
        if solution is not None:
            start = {i: t for (i, t), on in solution.items() if on}
        else:
            # Benchmark mode: the greedy's schedule, when it places every meeting, is where the
            # local search starts (it may break the fairness bound; the search mends that).
            start = self._first_placement()
        phase, solution2 = _BreaksPhase(self, m, n_phases - 1, n_phases, start).run()
        phases.append(phase)
        if solution2 is not None:
            solution = solution2
        elif solution is None:
            return self._failed(phase, phases)
        else:  # out of time before improving: keep the first phase's schedule
            value = self._breaks_of(m, solution)
            phases[-1] = Phase("breaks", value, phase.bound or 0, FEASIBLE, phase.seconds)
        return self._result(m, solution, phases)

    def _mended(self, greedy: Slots, total: int) -> Slots:
        """When the greedy placed every meeting that can happen but broke the cap on breaks,
        the local search under the cap mends it, and phase 1 needs no search either (CP-SAT,
        asked to place everything under the cap from scratch, found nothing in 15 s on the demo
        fair). Otherwise, or if that fails, the greedy's schedule as it was."""
        cap = self.options.fairness
        placed = sum(self.pb.meetings[i].weight for i in greedy)
        if cap is None or self.options.fairness_spread or placed < total:
            return greedy
        wall, _det = self._limits(0.3)
        search = _LocalSearch(self.pb, greedy, cap, self.options.seed, time.monotonic() + wall)
        return search.run(lambda best: best is not None) or greedy

    def _first_placement(self) -> Slots | None:
        """Benchmark mode: a schedule placing every meeting (breaks and fairness aside) for the
        local search to start from: the greedy's, else CP-SAT's on the hard rules alone, hinted
        with the greedy (tight tables leave the greedy a few meetings short). None if not found
        in a tenth of the time."""
        greedy = _Greedy(self.pb).run()
        if len(greedy) == len(self.pb.meetings):
            return greedy
        m = _Rules(self.pb, self.options)
        for i, t in greedy.items():
            m.model.add_hint(m.x[i][t], 1)
        solver = cp_model.CpSolver()
        wall, det = self._limits(0.1)
        self._params(solver, wall, det)
        code = solver.solve(m.model)
        self.det_used += solver.deterministic_time
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        return {i: t for i, row in enumerate(m.x) for t, lit in row.items() if solver.value(lit)}

    def _limits(self, share: float) -> tuple[float, float | None]:
        elapsed = time.monotonic() - self.started
        wall = max(0.05, (self.options.time_limit - elapsed) * share)
        det = None
        if self.options.deterministic_limit is not None:
            det = max(0.01, (self.options.deterministic_limit - self.det_used) * share)
        return wall, det

    def _phase(
        self, m: _Model, name: str, sign: int, index: int, n_phases: int, share: float
    ) -> tuple[Phase, Solution | None]:
        solver = cp_model.CpSolver()
        params = solver.parameters
        wall, det = self._limits(share)
        params.max_time_in_seconds = wall
        if det is not None:
            params.max_deterministic_time = det
        params.random_seed = self.options.seed
        params.num_workers = max(1, self.options.workers)
        params.symmetry_level = 2
        callback = None
        if self.options.progress is not None:
            callback = _Progress(self.options.progress, index, n_phases, -sign)
        begun = time.monotonic()
        code = solver.solve(m.model, callback)
        self.det_used += solver.deterministic_time
        seconds = time.monotonic() - begun
        status = {
            cp_model.OPTIMAL: OPTIMAL,
            cp_model.FEASIBLE: FEASIBLE,
            cp_model.INFEASIBLE: INFEASIBLE,
        }.get(code, UNKNOWN)
        if status in (INFEASIBLE, UNKNOWN):
            return Phase(name, None, None, status, seconds), None
        value = round(solver.objective_value)
        bound = round(solver.best_objective_bound)
        if sign > 0:
            bound = math.ceil(solver.best_objective_bound - 1e-6)
        else:
            bound = math.floor(solver.best_objective_bound + 1e-6)
        solution = {
            (i, t): solver.boolean_value(lit) for i, row in enumerate(m.x) for t, lit in row.items()
        }
        return Phase(name, value, bound, status, seconds), solution

    def _params(
        self,
        solver: cp_model.CpSolver,
        wall: float,
        det: float | None,
        seed_offset: int = 0,
        workers: int | None = None,
    ) -> None:
        params = solver.parameters
        params.max_time_in_seconds = max(0.01, wall)
        if det is not None:
            params.max_deterministic_time = max(0.001, det)
        params.random_seed = self.options.seed + seed_offset
        params.num_workers = workers or max(1, self.options.workers)

    def _all_placed_fairly(self, greedy: Slots, total: int) -> bool:
        """The greedy placed every placeable meeting, within the fairness cap if one is set."""
        if sum(self.pb.meetings[i].weight for i in greedy) < total:
            return False
        cap = self.options.fairness
        if cap is None:
            return True
        by_person = self._slots_by_person(dict.fromkeys(greedy.items(), True))
        counts = [
            count_breaks([self.pb.slots[t].index for t in ts], self.pb.slots)
            for ts in by_person.values()
        ]
        if self.options.fairness_spread:
            return (
                max(counts, default=0)
                - min([*counts, 0] if len(counts) < len(self.pb.people) else counts)
                <= cap
            )
        return max(counts, default=0) <= cap

    def _hint(self, m: _Model, solution: Solution) -> None:
        m.model.clear_hints()
        for (i, t), value in solution.items():
            m.model.add_hint(m.x[i][t], value)

    def _breaks_of(self, m: _Model, solution: Solution) -> int:
        slots = self._slots_by_person(solution)
        return sum(
            count_breaks([self.pb.slots[t].index for t in ts], self.pb.slots)
            for ts in slots.values()
        )

    def _slots_by_person(self, solution: Solution) -> defaultdict[int, list[int]]:
        out: defaultdict[int, list[int]] = defaultdict(list)
        for (i, t), on in solution.items():
            if on:
                for p in self.pb.members[i]:
                    out[p].append(t)
        return out

    def _failed(self, phase: Phase, phases: list[Phase]) -> Schedule:
        status = INFEASIBLE if phase.status == INFEASIBLE else UNKNOWN
        unscheduled: dict[Hashable, Reason] = {}
        for i, meeting in enumerate(self.pb.meetings):
            unscheduled[meeting.id] = self.pb.reasons.get(
                i, Reason(NOT_SCHEDULED, {"status": status})
            )
        return Schedule(
            status=status, unscheduled=unscheduled, phases=phases, released=self.pb.released
        )

    def _result(self, m: _Model, solution: Solution, phases: list[Phase]) -> Schedule:
        pb = self.pb
        slot_of = {i: t for (i, t), on in solution.items() if on}
        tables = _assign_tables(pb, slot_of) if self.options.assign_tables else {}
        placements: dict[Hashable, Placement] = {}
        for i, t in sorted(slot_of.items()):
            table = tables.get(i)
            placements[pb.meetings[i].id] = Placement(
                pb.slots[t].index, None if table is None else pb.tables[table].id
            )
        unscheduled: dict[Hashable, Reason] = {}
        for i, meeting in enumerate(pb.meetings):
            if i not in slot_of:
                unscheduled[meeting.id] = pb.reasons.get(i) or _why_not(pb, i, slot_of)
        by_person = self._slots_by_person(solution)
        breaks_by: dict[Hashable, int] = {}
        for p, ts in by_person.items():
            n = count_breaks([pb.slots[t].index for t in ts], pb.slots)
            if n:
                breaks_by[pb.people[p].id] = n
        status = OPTIMAL if all(ph.status == OPTIMAL for ph in phases) else FEASIBLE
        breaks_phase = phases[-1]
        result = Schedule(
            status=status,
            placements=placements,
            unscheduled=unscheduled,
            scheduled_weight=sum(pb.meetings[i].weight for i in slot_of),
            breaks=sum(breaks_by.values()),
            bound=breaks_phase.bound,
            breaks_by_participant=breaks_by,
            phases=phases,
            released=pb.released,
        )
        if self.options.assign_tables:
            result.table_changes = _table_changes(pb, slot_of, tables)
            result.phases.append(Phase("table_changes", result.table_changes, None, FEASIBLE, 0.0))
        if self.options.progress is not None:
            self.options.progress(1.0, "done")
        return result


class _BreaksPhase:
    """Phase 2 as a race between a *prover* and an *improver* (both CP-SAT without the LP,
    which only slowed the search down on these models; the window literals carry the bound).

    The prover solves "total breaks <= k" as a satisfaction problem for k = 0, 1, ...: each
    "infeasible" raises the proven bound, and the first feasible k is the optimum. Those proofs
    are quick where the window reasoning bites (e.g. "nobody has a break" fails in 0.1 s on
    the benchmark's forum-13crafc), where an optimisation run keeps its bound at 0. The
    improver minimises from the previous phase's hint and stops as soon as it meets the bound.

    With ``workers >= 2`` they run at once in two threads (CP-SAT releases the GIL), the
    improver with ``workers - 1`` workers; the first to close the gap stops the other. With one
    worker they take turns on shares of the deterministic budget, so the result is reproducible.
    """

    def __init__(
        self, solver: _Solver, m: _Model, index: int, n_phases: int, start: Slots | None = None
    ) -> None:
        self.s, self.m, self.index, self.n_phases = solver, m, index, n_phases
        self.start = start  # phase 1's schedule: {meeting position: slot position}
        self.prover_until: float | None = None  # wall-clock end of the prover's turn (one worker)
        self.lock = threading.Lock()
        self.best: tuple[int, Solution] | None = None  # (value, solution)
        self.lb = 0
        self.infeasible = False
        self.running: list[cp_model.CpSolver] = []
        self.stopped = False
        self.det_used = 0.0

    def run(self) -> tuple[Phase, Solution | None]:
        begun = time.monotonic()
        if self.s.options.workers >= 2:
            prover = threading.Thread(target=self._prove, args=(None,))
            prover.start()
            self._improve(None, workers=self.s.options.workers - 1)
            prover.join()
        else:
            _wall, det = self.s._limits(1.0)
            # Reproducible turns: 30% of the budget to the prover, the rest to the improver.
            wall, _det = self.s._limits(0.3)
            self.prover_until = time.monotonic() + wall
            self._prove(None if det is None else det * 0.3)
            if not self._closed():
                self._improve(None)
        self.s.det_used += self.det_used
        seconds = time.monotonic() - begun
        if self.infeasible and self.best is None:
            return Phase("breaks", None, None, INFEASIBLE, seconds), None
        if self.best is None:
            return Phase("breaks", None, self.lb, UNKNOWN, seconds), None
        value, solution = self.best
        status = OPTIMAL if value <= self.lb else FEASIBLE
        return Phase("breaks", value, min(self.lb, value), status, seconds), solution

    def _closed(self) -> bool:
        return self.infeasible or (self.best is not None and self.best[0] <= self.lb)

    def _stop_all(self) -> None:
        with self.lock:
            self.stopped = True
            for solver in self.running:
                solver.stop_search()

    def _record(self, value: int, solution: Solution) -> None:
        with self.lock:
            if self.best is None or value < self.best[0]:
                self.best = (value, solution)
        report = self.s.options.progress
        if report is not None:
            gap = 0.0 if value <= self.lb else min(1.0, (value - self.lb) / max(1, value))
            report((self.index + 1.0 - gap) / self.n_phases, f"breaks: {value} (bound {self.lb})")
        if self._closed():
            self._stop_all()

    def _anneal(self, start: Slots) -> None:
        """Local search from ``start`` (phase 1's schedule, or the greedy's in benchmark mode),
        then the large neighbourhood search; the result is recorded and hinted."""
        s, m = self.s, self.m
        # A spread bound (max - min <= d) where everybody could have breaks is no per-person
        # cap, but "at most d each" implies it: the search keeps to that (slightly stronger) cap.
        cap = s.options.fairness
        wall, _det = s._limits(0.85)
        search = _LocalSearch(s.pb, start, cap, s.options.seed, time.monotonic() + wall)
        placed = search.run(
            lambda breaks: (
                self.stopped or self._closed() or (breaks is not None and breaks <= self.lb)
            )
        )
        if placed is None:
            return
        solution = _as_solution(m, placed)
        value = s._breaks_of(m, solution)
        self._record(value, solution)
        s._hint(m, solution)
        if value <= self.lb:
            return
        wall, det = s._limits(0.75)
        lns = _Lns(s.pb, placed, s.options, s.options.seed)

        def report(total: int, slots: Slots) -> None:
            self._record(total, _as_solution(m, slots))

        lns.run(
            time.monotonic() + wall,
            None if det is None else det * 0.5,
            lambda: self.stopped or self._closed(),
            report,
        )
        s._hint(m, _as_solution(m, lns.slot))

    def _solver(
        self, det_cap: float | None, wall_until: float | None = None
    ) -> tuple[cp_model.CpSolver, float, float | None]:
        solver = cp_model.CpSolver()
        wall, det = self.s._limits(1.0)
        if wall_until is not None:
            wall = min(wall, wall_until - time.monotonic())
        if det_cap is not None:
            det = det_cap if det is None else min(det, det_cap)
        return solver, wall, det

    def _run(
        self,
        solver: cp_model.CpSolver,
        model: cp_model.CpModel,
        callback: cp_model.CpSolverSolutionCallback | None = None,
    ) -> cp_model.CpSolverStatus | None:
        with self.lock:
            if self.stopped:
                return None
            self.running.append(solver)
        code = solver.solve(model, callback)
        with self.lock:
            self.running.remove(solver)
            self.det_used += solver.deterministic_time
        return code

    def _prove(self, det_budget: float | None) -> None:
        """Raise the bound one "infeasible" at a time; the first feasible k is optimal."""
        spent = 0.0
        k = 0
        while not self._closed() and not self.stopped:
            if k > self.m.max_breaks:
                self.infeasible = True  # not even the most breaks: the rules cannot all hold
                self._stop_all()
                return
            model = self.m.model.clone()
            model.clear_objective()
            model.clear_hints()
            model.add(self.m.total_breaks <= k)
            cap = None if det_budget is None else det_budget - spent
            if cap is not None and cap <= 0:
                return
            solver, wall, det = self._solver(cap, self.prover_until)
            self.s._params(solver, wall, det, seed_offset=1, workers=1)
            solver.parameters.linearization_level = 0
            code = self._run(solver, model)
            spent += solver.deterministic_time
            if code == cp_model.INFEASIBLE:
                with self.lock:
                    self.lb = max(self.lb, k + 1)
                if self._closed():
                    self._stop_all()
                k += 1
            elif code in (cp_model.FEASIBLE, cp_model.OPTIMAL):
                self._record(round(solver.value(self.m.total_breaks)), _values(solver, self.m))
                with self.lock:
                    assert self.best is not None  # just recorded
                    self.lb = max(self.lb, min(k, self.best[0]))
                self._stop_all()
                return
            else:
                return

    def _improve(self, det_cap: float | None, workers: int = 1) -> None:
        if self.start:
            self._anneal(self.start)
        model = self.m.model.clone()
        model.add(self.m.total_breaks >= self.lb)
        solver, wall, det = self._solver(det_cap)
        self.s._params(solver, wall, det, workers=workers)
        solver.parameters.linearization_level = 0
        callback = _Improvements(self)
        code = self._run(solver, model, callback)
        if code == cp_model.INFEASIBLE and self.best is None:
            self.infeasible = True
            self._stop_all()
        elif code in (cp_model.FEASIBLE, cp_model.OPTIMAL):
            self._record(round(solver.objective_value), _values(solver, self.m))
            if code == cp_model.OPTIMAL:
                with self.lock:
                    self.lb = max(self.lb, round(solver.objective_value))
                self._stop_all()


class _Improvements(cp_model.CpSolverSolutionCallback):
    def __init__(self, phase: _BreaksPhase) -> None:
        super().__init__()
        self.phase = phase

    def on_solution_callback(self) -> None:
        m = self.phase.m
        solution = {
            (i, t): self.boolean_value(lit) for i, row in enumerate(m.x) for t, lit in row.items()
        }
        self.phase._record(round(self.objective_value), solution)


def _as_solution(m: _Model, placed: Slots) -> Solution:
    return {(i, t): placed.get(i) == t for i, row in enumerate(m.x) for t in row}


class _Greedy:
    """A quick first schedule, to prove phase 1 outright when it places everything and as the
    search's starting point otherwise: the most constrained meetings first (fewest possible
    slots, then highest weight), each in the legal slot next to most of its people's other
    meetings (so blocks grow and breaks stay few), else the earliest."""

    def __init__(self, pb: _Problem) -> None:
        self.pb = pb
        self.count: defaultdict[tuple[int, int], int] = defaultdict(int)  # (k, t) -> meetings
        self.busy: defaultdict[int, set[int]] = defaultdict(set)  # person -> slot positions
        self.table_busy: set[tuple[int, int]] = set()  # (pinned table, t)
        self.placed: Slots = {}
        self.after, self.before = _neighbours(pb.before)

    def run(self) -> Slots:
        pb = self.pb
        order = sorted(
            (i for i, d in enumerate(pb.domains) if d),
            key=lambda i: (i not in pb.pin_slot, len(pb.domains[i]), -pb.meetings[i].weight, i),
        )
        for i in order:
            best: tuple[int, int] | None = None
            for t in pb.domains[i]:
                if not self._fits(i, t):
                    continue
                near = sum((t - 1 in self.busy[p]) + (t + 1 in self.busy[p]) for p in pb.members[i])
                key = (-near, t)
                best = key if best is None or key < best else best
            if best is not None:
                self._place(i, best[1])
        return self.placed

    def _fits(self, i: int, t: int) -> bool:
        pb = self.pb
        if any(t in self.busy[p] for p in pb.members[i]):
            return False
        needs = pb.needs[i]
        if any(self.count[k, t] >= pb.room[k] for k in pb.sizes if k <= needs):
            return False
        table = pb.pin_table.get(i)
        if table is not None and (table, t) in self.table_busy:
            return False
        if any(self.placed.get(a, -1) >= t for a in self.before[i] if a in self.placed):
            return False
        return all(self.placed[b] > t for b in self.after[i] if b in self.placed)

    def _place(self, i: int, t: int) -> None:
        self.placed[i] = t
        for p in self.pb.members[i]:
            self.busy[p].add(t)
        for k in self.pb.sizes:
            if k <= self.pb.needs[i]:
                self.count[k, t] += 1
        table = self.pb.pin_table.get(i)
        if table is not None:
            self.table_busy.add((table, t))


# The annealing's energy weighs a break as two idle slots; it cools from 5 to 0.05 over
# ANNEAL_MOVES moves per movable meeting (measured on bench/b2b.py: these reach 0 breaks on all
# three sizes, where a heavier break weight and hotter start stalled at 10 on 1,000 people).
ANNEAL = (2, 5.0, 0.05)
ANNEAL_MOVES = 20_000
ANNEAL_RUNS = 8


class _LocalSearch:
    """Simulated annealing on the slots of the placed meetings (compiled, see :mod:`.anneal`),
    to cut breaks fast before CP-SAT polishes: on thousands of meetings CP-SAT's own
    neighbourhoods improve a greedy start only slowly. Keeps every hard rule and the fairness
    cap; deterministic unless the wall-clock ``deadline`` cuts it."""

    def __init__(
        self, pb: _Problem, placed: Slots, cap: int | None, seed: int, deadline: float
    ) -> None:
        # Imported here: numba (and LLVM) load in a second and much memory, which every web
        # and task process importing the B2B app would otherwise pay without ever scheduling.
        from .anneal import Annealer

        self.placed, self.deadline, self.seed = placed, deadline, seed
        n = len(pb.meetings)
        self.movable = [
            i in placed and i not in pb.pin_slot and len(pb.domains[i]) > 1 for i in range(n)
        ]
        weight, hot, cold = ANNEAL
        self.annealer = Annealer(
            people=len(pb.people),
            n_slots=len(pb.slots),
            members=pb.members,
            slot=[placed.get(i, -1) for i in range(n)],
            movable=self.movable,
            domain=pb.domains,
            days=pb.days,
            level=[sum(1 for k in pb.sizes if k <= pb.needs[i]) for i in range(n)],
            room=[pb.room[k] for k in pb.sizes],
            table=[pb.pin_table.get(i, -1) for i in range(n)],
            n_tables=len(pb.tables),
            before=pb.before,
            cap=cap,
            weight=weight,
            hot=hot,
            cold=cold,
            seed=seed,
        )

    def run(self, stop: Callable[[int | None], bool] | None = None) -> Slots | None:
        """The best schedule found, or None when the start breaks the cap and stays broken.
        Reheats from the best schedule (a new seed each time) up to ANNEAL_RUNS times while the
        clock allows and ``stop(best breaks)`` (e.g. "the proven bound is reached"; None while
        the start is over the cap) is false."""
        annealer, best = self.annealer, None
        for run in range(ANNEAL_RUNS):
            annealer.rng_seed = self.seed + run
            found = annealer.run(ANNEAL_MOVES * sum(self.movable), self.deadline, stop)
            if found is None:
                break
            best = found
            breaks = annealer.breaks()
            if breaks == 0 or time.monotonic() >= self.deadline or (stop and stop(breaks)):
                break
        if best is None:
            return None
        return {i: int(best[i]) for i in self.placed}


class _Lns:
    """Large neighbourhood search on the slots of the placed meetings, after the annealing:
    free every meeting of a few people who have breaks and of people they meet (a connected
    region of the meeting graph), keep everything else where it is, and let a small CP-SAT model
    re-place the freed meetings with the fewest breaks for the people they touch (hinted with
    the current slots, so it never gets worse). The region grows while the sub-solves finish
    and shrinks when they time out. Every hard rule holds in the sub-model (the fixed meetings'
    people, tables, pinned tables and precedences are constants there), and so does the
    fairness cap (or spread). Deterministic with a deterministic limit: seeded choices and
    CP-SAT's deterministic time per sub-solve."""

    def __init__(self, pb: _Problem, placed: Slots, options: Options, seed: int) -> None:
        self.pb, self.options = pb, options
        self.rng = random.Random(seed)
        self.slot = dict(placed)
        self.day_of = {t: d for d, positions in enumerate(pb.days) for t in positions}
        self.day_masks = [sum(1 << t for t in positions) for positions in pb.days]
        self.of: defaultdict[int, list[int]] = defaultdict(list)  # person -> meetings
        for i in sorted(placed):
            for p in pb.members[i]:
                self.of[p].append(i)
        self.after, self.before = _neighbours(pb.before)
        self.person_breaks = {p: self._breaks(p) for p in self.of}
        self.total = sum(self.person_breaks.values())
        self.size = 40

    def _breaks(self, p: int) -> int:
        mask = 0
        for i in self.of[p]:
            mask |= 1 << self.slot[i]
        total = 0
        for day in self.day_masks:
            x = mask & day
            if x:
                total += (x & ~(x << 1)).bit_count() - 1
        return total

    def run(
        self,
        until: float,
        det_budget: float | None,
        stop: Callable[[], bool],
        report: Callable[[int, Slots], None],
    ) -> None:
        """Sub-solves until the wall clock, the deterministic budget or ``stop()`` says so, or
        nobody has a break left; ``report(total, slots)`` on every improvement."""
        spent = 0.0
        movable = [p for p in sorted(self.of) if any(self._free(i) for i in self.of[p])]
        while self.total > 0 and not stop():
            left = until - time.monotonic()
            if left <= 0.05 or (det_budget is not None and spent >= det_budget):
                return
            with_breaks = [p for p in movable if self.person_breaks[p]]
            if not with_breaks:
                return
            seed = with_breaks[self.rng.randrange(len(with_breaks))]
            region = self._region(seed)
            det = 0.1 + 0.02 * self.size
            if det_budget is not None:
                det = min(det, det_budget - spent)
            used, finished, better = self._resolve(region, min(left, 4 * det), det)
            spent += used
            if finished:
                self.size = min(400, self.size + 4)
            else:
                self.size = max(12, int(self.size * 0.8))
            if better:
                report(self.total, dict(self.slot))

    def _free(self, i: int) -> bool:
        return i not in self.pb.pin_slot and len(self.pb.domains[i]) > 1

    def _region(self, seed: int) -> list[int]:
        """Meetings of ``seed`` and of people reached from it through meetings (a random
        frontier), until the region holds about ``size`` meetings."""
        chosen: list[int] = []
        seen: set[int] = set()
        reached, frontier = {seed}, [seed]
        while frontier and len(chosen) < self.size:
            p = frontier.pop(self.rng.randrange(len(frontier)))
            for i in self.of[p]:
                if i in seen or not self._free(i):
                    continue
                seen.add(i)
                chosen.append(i)
                for q in self.pb.members[i]:
                    if q not in reached:
                        reached.add(q)
                        frontier.append(q)
        return chosen

    def _resolve(self, region: list[int], wall: float, det: float) -> tuple[float, bool, bool]:
        """Re-place the meetings of ``region``; returns (deterministic time, proven, improved)."""
        pb = self.pb
        free = set(region)
        touched = sorted({p for i in region for p in pb.members[i]})
        fixed_busy = {p: {self.slot[i] for i in self.of[p] if i not in free} for p in touched}
        count: defaultdict[tuple[int, int], int] = defaultdict(int)
        table_busy: set[tuple[int, int]] = set()
        for i, t in self.slot.items():
            if i in free:
                continue
            for k in self.pb.sizes:
                if k <= self.pb.needs[i]:
                    count[k, t] += 1
            if i in pb.pin_table:
                table_busy.add((pb.pin_table[i], t))
        model = cp_model.CpModel()
        x: dict[int, dict[int, cp_model.IntVar]] = {}
        for i in region:
            lo, hi = -1, len(pb.slots)
            for a in self.before[i]:
                if a in self.slot and a not in free:
                    lo = max(lo, self.slot[a])
            for b in self.after[i]:
                if b in self.slot and b not in free:
                    hi = min(hi, self.slot[b])
            table = pb.pin_table.get(i)
            row: dict[int, cp_model.IntVar] = {}
            for t in pb.domains[i]:
                if not lo < t < hi or any(t in fixed_busy[p] for p in pb.members[i]):
                    continue
                if table is not None and (table, t) in table_busy:
                    continue
                row[t] = model.new_bool_var("")
            x[i] = row
            model.add_exactly_one(row.values())
            model.add_hint(row[self.slot[i]], 1)
        for k in self.pb.sizes:
            by_slot: defaultdict[int, list[cp_model.IntVar]] = defaultdict(list)
            for i in region:
                if self.pb.needs[i] >= k:
                    for t, lit in x[i].items():
                        by_slot[t].append(lit)
            for t, lits in by_slot.items():
                room = self.pb.room[k] - count[k, t]
                if len(lits) > room:
                    model.add(sum(lits) <= room)
        by_table: defaultdict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        for i in region:
            if i in pb.pin_table:
                for t, lit in x[i].items():
                    by_table[pb.pin_table[i], t].append(lit)
        for lits in by_table.values():
            if len(lits) > 1:
                model.add_at_most_one(lits)
        for i in region:
            for b in self.after[i]:
                if b in free:
                    for t, lit in x[b].items():
                        for u, other in x[i].items():
                            if u >= t:
                                model.add_bool_or([lit.Not(), other.Not()])
        breaks = {p: self._person_model(model, p, fixed_busy[p], x, free) for p in touched}
        if len(pb.days) == 1:
            for p in touched:
                self._window(model, p, fixed_busy[p], x, free, breaks[p])
        self._fairness(model, breaks)
        model.minimize(sum(breaks.values()))
        before = sum(self.person_breaks[p] for p in touched)
        solver = cp_model.CpSolver()
        params = solver.parameters
        params.max_time_in_seconds = max(0.01, wall)
        params.max_deterministic_time = max(0.001, det)
        params.num_workers = 1
        params.random_seed = self.rng.randrange(1 << 20)
        params.linearization_level = 0
        code = solver.solve(model)
        used = solver.deterministic_time
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return used, False, False
        value = round(solver.objective_value)
        if value > before:
            return used, code == cp_model.OPTIMAL, False
        for i in region:
            self.slot[i] = next(t for t, lit in x[i].items() if solver.boolean_value(lit))
        for p in touched:
            self.person_breaks[p] = self._breaks(p)
        self.total += value - before
        return used, code == cp_model.OPTIMAL, value < before

    def _person_model(
        self,
        model: cp_model.CpModel,
        p: int,
        fixed: set[int],
        x: Mapping[int, Mapping[int, cp_model.IntVar]],
        free: set[int],
    ) -> Expr:
        """The breaks of ``p`` as an expression: per day, blocks minus "meets that day"."""
        lits: defaultdict[int, list[cp_model.IntVar]] = defaultdict(list)
        for i in self.of[p]:
            if i in free:
                for t, lit in x[i].items():
                    lits[t].append(lit)
        total: Expr = 0
        for positions in self.pb.days:
            starts: list[Lit | int] = []
            prev: Lit | int = 0
            present: cp_model.IntVar | int = 0
            for t in positions:
                b: Lit | int
                if t in fixed:
                    b = 1
                    present = 1
                elif lits[t]:
                    b = lits[t][0] if len(lits[t]) == 1 else model.new_bool_var("")
                    if len(lits[t]) > 1:
                        model.add(sum(lits[t]) == b)
                else:
                    b = 0
                starts.append(_start_of(model, b, prev))
                prev = b
            variable = [s for s in starts if not isinstance(s, int)]
            if not variable and not any(starts):
                continue
            if present == 0:
                present = model.new_bool_var("")
                for s in variable:
                    model.add_implication(s, present)
                model.add_bool_or([present.Not(), *variable])
            total += sum(starts) - present
        return total

    def _window(
        self,
        model: cp_model.CpModel,
        p: int,
        fixed: set[int],
        x: Mapping[int, Mapping[int, cp_model.IntVar]],
        free: set[int],
        breaks: Expr,
    ) -> None:
        """One-day programmes: ``p`` either has a break or meets in one window of ``k``
        consecutive slots (``k``: its meetings), as in :meth:`_Model._windows`."""
        if isinstance(breaks, int):
            return
        busy: defaultdict[int, list[cp_model.IntVar]] = defaultdict(list)
        for i in self.of[p]:
            if i in free:
                for t, lit in x[i].items():
                    busy[t].append(lit)
        k, n = len(self.of[p]), len(self.pb.slots)
        windows = {}
        for a in range(n - k + 1):
            span = range(a, a + k)
            if all(t in fixed or busy[t] for t in span) and all(a <= t < a + k for t in fixed):
                windows[a] = model.new_bool_var("")
        gap = model.new_bool_var("")
        model.add_exactly_one([gap, *windows.values()])
        model.add(breaks >= 1).only_enforce_if(gap)
        model.add(breaks == 0).only_enforce_if(gap.Not())
        for t in range(n):
            covering = [w for a, w in windows.items() if a <= t < a + k]
            if t in fixed:
                if covering:
                    model.add_bool_or([gap, *covering])
                continue
            for lit in busy[t]:
                model.add_bool_or([lit.Not(), gap, *covering])
            if len(busy[t]) == 1:
                for w in covering:
                    model.add_implication(w, busy[t][0])
            elif busy[t]:
                for w in covering:
                    model.add_bool_or([w.Not(), *busy[t]])

    def _fairness(self, model: cp_model.CpModel, breaks: Mapping[int, Expr]) -> None:
        d = self.options.fairness
        if d is None:
            return
        if not self.options.fairness_spread:
            for expr in breaks.values():
                model.add(expr <= d)
            return
        others = [
            self.person_breaks.get(p, 0) for p in range(len(self.pb.people)) if p not in breaks
        ]
        low = model.new_int_var(0, len(self.pb.slots), "")
        if others:
            model.add(low <= min(others))
            model.add(low >= max(others) - d)
        for expr in breaks.values():
            model.add(expr >= low)
            model.add(expr <= low + d)


def _start_of(model: cp_model.CpModel, b: Lit | int, prev: Lit | int) -> Lit | int:
    """ "A block starts here": ``b and not prev``, with 0/1 constants folded."""
    if isinstance(b, int):
        if b == 0 or (isinstance(prev, int) and prev == 1):
            return 0
        return 1 if isinstance(prev, int) else prev.Not()
    if isinstance(prev, int):
        return 0 if prev == 1 else b
    s = model.new_bool_var("")
    model.add_implication(s, b)
    model.add_implication(s, prev.Not())
    model.add_bool_or([s, b.Not(), prev])
    return s


def _values(solver: cp_model.CpSolver, m: _Model) -> Solution:
    return {
        (i, t): solver.boolean_value(lit) for i, row in enumerate(m.x) for t, lit in row.items()
    }


def _why_not(pb: _Problem, i: int, slot_of: Slots) -> Reason:
    """An unscheduled meeting that could happen alone: who (or which full slots) blocked it."""
    busy: defaultdict[int, set[int]] = defaultdict(set)
    per_slot: defaultdict[int, int] = defaultdict(int)
    for j, t in slot_of.items():
        per_slot[t] += 1
        for p in pb.members[j]:
            busy[p].add(t)
    blockers: set[Hashable] = set()
    full: list[int] = []
    for t in pb.domains[i]:
        here = [pb.people[p].id for p in pb.members[i] if t in busy[p]]
        blockers.update(here)
        if not here and per_slot[t] >= len(pb.tables):
            full.append(pb.slots[t].index)
    params: dict[str, object] = {"participants": sorted(blockers, key=str)}
    if full:
        params["full_slots"] = full
    return Reason(OVER_SUBSCRIBED, params)


# --- Tables ----------------------------------------------------------------------------------


def _assign_tables(pb: _Problem, slot_of: Slots) -> dict[int, int]:
    """Meeting position -> table position, slot by slot in time order: a min-cost matching that
    seats each meeting at a table big enough and rewards every person who stays at the table of
    their previous meeting that day. Pinned tables are fixed first. The count constraints of
    the model guarantee that a full matching exists (nested capacities: Hall's condition)."""
    at_slot: defaultdict[int, list[int]] = defaultdict(list)
    for i, t in slot_of.items():
        at_slot[t].append(i)
    day_of = {t: d for d, positions in enumerate(pb.days) for t in positions}
    last_table: dict[tuple[int, int], int] = {}  # (person, day) -> table position
    out: dict[int, int] = {}
    for t in sorted(at_slot):
        meetings = sorted(at_slot[t])
        pinned = {i: pb.pin_table[i] for i in meetings if i in pb.pin_table}
        free_tables = [k for k in range(len(pb.tables)) if k not in set(pinned.values())]
        loose = [i for i in meetings if i not in pinned]
        chosen = dict(pinned)
        chosen.update(_match(pb, loose, free_tables, last_table, day_of[t]))
        for i, k in chosen.items():
            for p in pb.members[i]:
                last_table[p, day_of[t]] = k
        out.update(chosen)
    return out


def _match(
    pb: _Problem,
    meetings: list[int],
    tables: list[int],
    last_table: Mapping[tuple[int, int], int],
    day: int,
) -> dict[int, int]:
    if not meetings:
        return {}
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    m_node = {i: 2 + n for n, i in enumerate(meetings)}
    t_node = {k: 2 + len(meetings) + n for n, k in enumerate(tables)}
    for i in meetings:
        flow.add_arc_with_capacity_and_unit_cost(source, m_node[i], 1, 0)
        size = len(pb.members[i])
        stay: defaultdict[int, int] = defaultdict(int)
        for p in pb.members[i]:
            if (p, day) in last_table:
                stay[last_table[p, day]] += 1
        for k in tables:
            if pb.tables[k].capacity >= size:
                # Prefer staying; then the smallest table that fits (keeps big ones free).
                cost = -1000 * stay.get(k, 0) + pb.tables[k].capacity
                flow.add_arc_with_capacity_and_unit_cost(m_node[i], t_node[k], 1, cost)
    for k in tables:
        flow.add_arc_with_capacity_and_unit_cost(t_node[k], sink, 1, 0)
    flow.set_node_supply(source, len(meetings))
    flow.set_node_supply(sink, -len(meetings))
    if flow.solve() != flow.OPTIMAL:
        raise RuntimeError("no table matching: the table count constraints are wrong")
    out: dict[int, int] = {}
    node_meeting = {n: i for i, n in m_node.items()}
    node_table = {n: k for k, n in t_node.items()}
    for arc in range(flow.num_arcs()):
        if flow.flow(arc) and flow.tail(arc) in node_meeting and flow.head(arc) in node_table:
            out[node_meeting[flow.tail(arc)]] = node_table[flow.head(arc)]
    return out


def _table_changes(pb: _Problem, slot_of: Slots, tables: Mapping[int, int]) -> int:
    """How many times someone changes table between two consecutive meetings of a day."""
    day_of = {t: d for d, positions in enumerate(pb.days) for t in positions}
    seq: defaultdict[tuple[int, int], list[int]] = defaultdict(list)
    for i, t in sorted(slot_of.items(), key=lambda item: item[1]):
        for p in pb.members[i]:
            seq[p, day_of[t]].append(tables[i])
    return sum(sum(1 for a, b in zip(s, s[1:], strict=False) if a != b) for s in seq.values())


def _neighbours(
    pairs: Iterable[tuple[int, int]],
) -> tuple[defaultdict[int, list[int]], defaultdict[int, list[int]]]:
    """From (earlier, later) pairs: the meetings after each meeting, and those before it."""
    after: defaultdict[int, list[int]] = defaultdict(list)
    before: defaultdict[int, list[int]] = defaultdict(list)
    for a, b in pairs:
        after[a].append(b)
        before[b].append(a)
    return after, before
