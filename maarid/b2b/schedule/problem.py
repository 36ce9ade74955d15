"""The scheduler's input and output as plain dataclasses, and the input prepared for solving.

:class:`Problem` puts the input in canonical order with integer positions (slots by index,
people, tables and meetings in input order), works out the slots each meeting may take, applies
the pins and kept placements, and says why a meeting cannot happen when it cannot happen at all.
The rest of the package works on these positions; only this module and the result speak in
ids. See ``docs/b2b-scheduler.md``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

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
    None (benchmark mode: only "at most as many meetings as tables per slot"). ``maxsat``: the
    breaks' prover is the core-guided MaxSAT one (:mod:`.maxsat`) when every meeting is forced;
    False keeps the CP-SAT prover alone."""

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
    maxsat: bool = True


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
    ``breaks_by_participant`` only lists people with at least one break. ``reason``: when
    infeasible, why (in English, for logs and the benchmark), where it can be said."""

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
    reason: str = ""


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


class Problem:
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
        self.day_of = {t: d for d, positions in enumerate(self.days) for t in positions}
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

    def breaks(self, slot_of: Mapping[int, int]) -> dict[int, int]:
        """Breaks of every person who meets in ``slot_of``, by person position."""
        busy: defaultdict[int, list[int]] = defaultdict(list)
        for i, t in slot_of.items():
            for p in self.members[i]:
                busy[p].append(self.slots[t].index)
        return {p: count_breaks(indices, self.slots) for p, indices in busy.items()}

    def why_not(self, i: int, slot_of: Mapping[int, int]) -> Reason:
        """Meeting ``i``, which could happen alone, is not in ``slot_of``: who (or which full
        slots) blocked it."""
        busy: defaultdict[int, set[int]] = defaultdict(set)
        per_slot: defaultdict[int, int] = defaultdict(int)
        for j, t in slot_of.items():
            per_slot[t] += 1
            for p in self.members[j]:
                busy[p].add(t)
        blockers: set[Hashable] = set()
        full: list[int] = []
        for t in self.domains[i]:
            here = [self.people[p].id for p in self.members[i] if t in busy[p]]
            blockers.update(here)
            if not here and per_slot[t] >= len(self.tables):
                full.append(self.slots[t].index)
        params: dict[str, object] = {"participants": sorted(blockers, key=str)}
        if full:
            params["full_slots"] = full
        return Reason(OVER_SUBSCRIBED, params)


def neighbours(
    pairs: Iterable[tuple[int, int]],
) -> tuple[defaultdict[int, list[int]], defaultdict[int, list[int]]]:
    """From (earlier, later) pairs: the meetings after each meeting, and those before it."""
    after: defaultdict[int, list[int]] = defaultdict(list)
    before: defaultdict[int, list[int]] = defaultdict(list)
    for a, b in pairs:
        after[a].append(b)
        before[b].append(a)
    return after, before
