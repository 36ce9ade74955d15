"""The local search on the slots of the placed meetings: simulated annealing (compiled, in
:mod:`.anneal`), then a large neighbourhood search with small CP-SAT models.

Both keep every hard rule and the fairness cap; they lower the breaks of a complete schedule
fast where CP-SAT on the whole model improves only slowly. See ``docs/b2b-scheduler.md``.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable, Mapping

from ortools.sat.python import cp_model

from .model import Expr, Lit, start_literal
from .problem import Options, Problem, Slots, neighbours

# The annealing's energy weighs a break as two idle slots; it cools from 5 to 0.05 over
# ANNEAL_MOVES moves per movable meeting (measured on bench/b2b.py: these reach 0 breaks on all
# three sizes, where a heavier break weight and hotter start stalled at 10 on 1,000 people).
ANNEAL = (2, 5.0, 0.05)
ANNEAL_MOVES = 20_000
ANNEAL_RUNS = 8


class LocalSearch:
    """Simulated annealing on the slots of the placed meetings (compiled, see :mod:`.anneal`),
    to cut breaks fast before CP-SAT polishes: on thousands of meetings CP-SAT's own
    neighbourhoods improve a greedy start only slowly. Keeps every hard rule and the fairness
    cap; deterministic unless the wall-clock ``deadline`` cuts it."""

    def __init__(
        self, pb: Problem, placed: Slots, cap: int | None, seed: int, deadline: float
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


class Lns:
    """Large neighbourhood search on the slots of the placed meetings, after the annealing:
    free every meeting of a few people who have breaks and of people they meet (a connected
    region of the meeting graph), keep everything else where it is, and let a small CP-SAT model
    re-place the freed meetings with the fewest breaks for the people they touch (hinted with
    the current slots, so it never gets worse). The region grows while the sub-solves finish
    and shrinks when they time out. Every hard rule holds in the sub-model (the fixed meetings'
    people, tables, pinned tables and precedences are constants there), and so does the
    fairness cap (or spread). Deterministic with a deterministic limit: seeded choices and
    CP-SAT's deterministic time per sub-solve."""

    def __init__(self, pb: Problem, placed: Slots, options: Options, seed: int) -> None:
        self.pb, self.options = pb, options
        self.rng = random.Random(seed)
        self.slot = dict(placed)
        self.day_masks = [sum(1 << t for t in positions) for positions in pb.days]
        self.of: defaultdict[int, list[int]] = defaultdict(list)  # person -> meetings
        for i in sorted(placed):
            for p in pb.members[i]:
                self.of[p].append(i)
        self.after, self.before = neighbours(pb.before)
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
                starts.append(start_literal(model, b, prev))
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
        consecutive slots (``k``: its meetings), as in :meth:`.Model._windows`."""
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
