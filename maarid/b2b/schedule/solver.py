"""The solve: the lexicographic phases, one after the other, and the result.

Phase 1 places the most priority weight (proven at once when the greedy, mended by the local
search if it broke the cap, places every meeting that can happen; else CP-SAT from the greedy's
hint), phase 2 minimises the breaks (:mod:`.prover`), then the tables are assigned
(:mod:`.tables`). Each phase's value is fixed as a constraint of the next and its solution is
the next one's hint. See ``docs/b2b-scheduler.md``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Hashable, Sequence

from ortools.sat.python import cp_model

from .budget import Budget
from .greedy import Greedy
from .maxsat import infeasible_reason
from .model import Model, Rules, Solution, slots_of
from .problem import (
    FEASIBLE,
    INFEASIBLE,
    NOT_SCHEDULED,
    OPTIMAL,
    UNKNOWN,
    Meeting,
    Options,
    Participant,
    Phase,
    Placement,
    Problem,
    Reason,
    Schedule,
    Slot,
    Slots,
    Table,
)
from .prover import BreaksPhase
from .search import LocalSearch
from .tables import assign_tables, table_changes


def solve(
    participants: Sequence[Participant],
    slots: Sequence[Slot],
    tables: Sequence[Table],
    meetings: Sequence[Meeting],
    options: Options | None = None,
) -> Schedule:
    """Schedule ``meetings``; see ``docs/b2b-scheduler.md`` for the rules and the objective."""
    options = options or Options()
    started = time.monotonic()
    problem = Problem(participants, slots, tables, meetings, options)
    result = Solver(problem, options, started).run()
    result.seconds = time.monotonic() - started
    return result


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


class Solver:
    def __init__(self, problem: Problem, options: Options, started: float) -> None:
        self.pb, self.options = problem, options
        self.budget = Budget(options, started)

    def run(self) -> Schedule:
        m = Model(self.pb, self.options)
        phases: list[Phase] = []
        n_phases = 1 if self.options.require_all else 2
        solution: Solution | None = None
        if not self.options.require_all:
            weights = [(s, self.pb.meetings[i].weight) for i, s in enumerate(m.scheduled)]
            total = sum(w for s, w in weights if not isinstance(s, int) or s)  # 0: cannot happen
            objective = sum(w * s for s, w in weights)
            m.model.maximize(objective)
            begun = time.monotonic()
            greedy = Greedy(self.pb).run()
            if not self._all_placed_fairly(greedy, total):
                greedy = self._mended(greedy, total)
            if self._all_placed_fairly(greedy, total):
                # Nothing can beat "everything placed": phase 1 is proven without a search.
                phase = Phase("scheduled", total, total, OPTIMAL, time.monotonic() - begun)
                solution = m.as_solution(greedy)
            else:
                m.hint(m.as_solution(greedy))
                phase, solution = self._phase(m, "scheduled", -1, 0, n_phases, share=0.4)
            phases.append(phase)
            if solution is None or phase.value is None:
                return self._failed(phase, phases)
            if phase.value >= total:
                # Everything placeable is placed: the stronger all-forced model (min blocks,
                # windows) is exact from here on.
                m = Model(self.pb, self.options, force_all=True)
            else:
                m.model.add(objective >= phase.value)
            m.hint(solution)
        m.model.minimize(m.total_breaks)
        # The local search starts from phase 1's schedule; in benchmark mode from the greedy's
        # when it places every meeting (it may break the fairness bound: the search mends that).
        start = slots_of(solution) if solution is not None else self._first_placement()
        race = BreaksPhase(self.pb, self.options, self.budget, m, n_phases - 1, n_phases, start)
        phase, solution2 = race.run()
        phases.append(phase)
        if solution2 is not None:
            solution = solution2
        elif solution is None or phase.status == INFEASIBLE:
            return self._failed(phase, phases, race.reason)
        else:  # out of time before improving: keep the first phase's schedule
            value = sum(self.pb.breaks(slots_of(solution)).values())
            phases[-1] = Phase("breaks", value, phase.bound or 0, FEASIBLE, phase.seconds)
        return self._result(solution, phases)

    def _mended(self, greedy: Slots, total: int) -> Slots:
        """When the greedy placed every meeting that can happen but broke the cap on breaks,
        the local search under the cap mends it, and phase 1 needs no search either (CP-SAT,
        asked to place everything under the cap from scratch, found nothing in 15 s on the demo
        fair). Otherwise, or if that fails, the greedy's schedule as it was."""
        cap = self.options.fairness
        placed = sum(self.pb.meetings[i].weight for i in greedy)
        if cap is None or self.options.fairness_spread or placed < total:
            return greedy
        wall, _det = self.budget.limits(0.3)
        search = LocalSearch(self.pb, greedy, cap, self.options.seed, time.monotonic() + wall)
        return search.run(lambda best: best is not None) or greedy

    def _first_placement(self) -> Slots | None:
        """Benchmark mode: a schedule placing every meeting (breaks and fairness aside) for the
        local search to start from: the greedy's, else CP-SAT's on the hard rules alone, hinted
        with the greedy (tight tables leave the greedy a few meetings short). None if not found
        in a tenth of the time."""
        greedy = Greedy(self.pb).run()
        if len(greedy) == len(self.pb.meetings):
            return greedy
        m = Rules(self.pb, self.options)
        for i, t in greedy.items():
            m.model.add_hint(m.x[i][t], 1)
        solver = cp_model.CpSolver()
        wall, det = self.budget.limits(0.1)
        self.budget.params(solver, wall, det)
        code = solver.solve(m.model)
        self.budget.det_used += solver.deterministic_time
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        return slots_of(m.read(solver))

    def _phase(
        self, m: Model, name: str, sign: int, index: int, n_phases: int, share: float
    ) -> tuple[Phase, Solution | None]:
        solver = cp_model.CpSolver()
        params = solver.parameters
        wall, det = self.budget.limits(share)
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
        self.budget.det_used += solver.deterministic_time
        seconds = time.monotonic() - begun
        status = {
            cp_model.OPTIMAL: OPTIMAL,
            cp_model.FEASIBLE: FEASIBLE,
            cp_model.INFEASIBLE: INFEASIBLE,
        }.get(code, UNKNOWN)
        if status in (INFEASIBLE, UNKNOWN):
            return Phase(name, None, None, status, seconds), None
        value = round(solver.objective_value)
        if sign > 0:
            bound = math.ceil(solver.best_objective_bound - 1e-6)
        else:
            bound = math.floor(solver.best_objective_bound + 1e-6)
        return Phase(name, value, bound, status, seconds), m.read(solver)

    def _all_placed_fairly(self, greedy: Slots, total: int) -> bool:
        """The greedy placed every placeable meeting, within the fairness cap if one is set."""
        if sum(self.pb.meetings[i].weight for i in greedy) < total:
            return False
        cap = self.options.fairness
        if cap is None:
            return True
        counts = list(self.pb.breaks(greedy).values())
        if self.options.fairness_spread:
            return (
                max(counts, default=0)
                - min([*counts, 0] if len(counts) < len(self.pb.people) else counts)
                <= cap
            )
        return max(counts, default=0) <= cap

    def _failed(self, phase: Phase, phases: list[Phase], reason: str = "") -> Schedule:
        status = INFEASIBLE if phase.status == INFEASIBLE else UNKNOWN
        unscheduled: dict[Hashable, Reason] = {}
        for i, meeting in enumerate(self.pb.meetings):
            unscheduled[meeting.id] = self.pb.reasons.get(
                i, Reason(NOT_SCHEDULED, {"status": status})
            )
        if status == INFEASIBLE and not reason and self.options.require_all:
            reason = infeasible_reason(self.pb, self.options)
        return Schedule(
            status=status,
            unscheduled=unscheduled,
            phases=phases,
            released=self.pb.released,
            reason=reason if status == INFEASIBLE else "",
        )

    def _result(self, solution: Solution, phases: list[Phase]) -> Schedule:
        pb = self.pb
        slot_of = slots_of(solution)
        tables = assign_tables(pb, slot_of) if self.options.assign_tables else {}
        placements: dict[Hashable, Placement] = {}
        for i, t in sorted(slot_of.items()):
            table = tables.get(i)
            placements[pb.meetings[i].id] = Placement(
                pb.slots[t].index, None if table is None else pb.tables[table].id
            )
        unscheduled: dict[Hashable, Reason] = {}
        for i, meeting in enumerate(pb.meetings):
            if i not in slot_of:
                unscheduled[meeting.id] = pb.reasons.get(i) or pb.why_not(i, slot_of)
        breaks_by = {pb.people[p].id: n for p, n in pb.breaks(slot_of).items() if n}
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
            result.table_changes = table_changes(pb, slot_of, tables)
            result.phases.append(Phase("table_changes", result.table_changes, None, FEASIBLE, 0.0))
        if self.options.progress is not None:
            self.options.progress(1.0, "done")
        return result
