"""The CP-SAT model of the scheduling rules and the breaks, shared by every phase of the solve.

:class:`Model` holds a literal per meeting and possible slot, the "busy" literals per person
and slot, the table counts per size class, the precedences, the breaks as ordered "extra block"
literals and the fairness cap; when every meeting is forced on a one-day programme, the
redundant windows and the seats' cumulative that let CP-SAT prove bounds on the breaks.
:class:`Rules` is the hard rules alone. See ``docs/b2b-scheduler.md`` for why this encoding.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import TypeAlias, overload

from ortools.sat.python import cp_model

from .problem import Options, Problem, Slots

# A literal of the model, and what a linear expression of them may also be: a plain constant.
Lit: TypeAlias = cp_model.BoolVarT
Expr: TypeAlias = cp_model.LinearExpr | int
# A CP-SAT assignment of the placement literals: (meeting position, slot position) -> chosen.
Solution: TypeAlias = dict[tuple[int, int], bool]


class Model:
    """Variables and constraints shared by every phase."""

    def __init__(self, problem: Problem, options: Options, force_all: bool = False) -> None:
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

    def as_solution(self, placed: Mapping[int, int]) -> Solution:
        """The placement literals' values for a schedule by positions."""
        return {(i, t): placed.get(i) == t for i, row in enumerate(self.x) for t in row}

    def read(self, source: cp_model.CpSolver | cp_model.CpSolverSolutionCallback) -> Solution:
        """The placement literals' values in a solver's (or a callback's) current solution."""
        return {
            (i, t): source.boolean_value(lit)
            for i, row in enumerate(self.x)
            for t, lit in row.items()
        }

    def hint(self, solution: Solution) -> None:
        """Start the next search from ``solution`` (the previous hints are dropped)."""
        self.model.clear_hints()
        for (i, t), value in solution.items():
            self.model.add_hint(self.x[i][t], value)

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
        tables leave the pool first. Exact: see ``docs/b2b-scheduler.md``."""
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
        is "has a break that day"."""
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
                        starts.append(b if prev is None else start_literal(self.model, b, prev))
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

    def _forced_days(self) -> set[tuple[int, int]]:
        """(person, day) pairs where a forced meeting of that person can only be on that day."""
        out: set[tuple[int, int]] = set()
        for i in self.forced:
            days = {self.pb.day_of[t] for t in self.x[i]}
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


class Rules(Model):
    """The hard rules alone with every meeting forced (no breaks, no objective)."""

    def __init__(self, problem: Problem, options: Options) -> None:
        self.pb, self.options, self.force_all = problem, options, True
        self.model = cp_model.CpModel()
        self.forced = self._forced()
        self.x = self._placements()
        self.scheduled = self._scheduled()
        self.busy = self._busy()
        self._tables()
        self._precedences()


def slots_of(solution: Solution) -> Slots:
    """The schedule by positions that ``solution`` describes."""
    return {i: t for (i, t), on in solution.items() if on}


@overload
def start_literal(model: cp_model.CpModel, b: Lit, prev: Lit) -> Lit: ...
@overload
def start_literal(model: cp_model.CpModel, b: Lit | int, prev: Lit | int) -> Lit | int: ...
def start_literal(model: cp_model.CpModel, b: Lit | int, prev: Lit | int) -> Lit | int:
    """ "A block of meetings starts here": ``b and not prev`` (busy now, free the slot before),
    channelled both ways so that it propagates both ways; 0/1 constants are folded."""
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
