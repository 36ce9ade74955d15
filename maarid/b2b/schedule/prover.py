"""Phase 2, the breaks: a race between a prover that raises the lower bound and an improver
that lowers the best schedule found (the local search, then CP-SAT on the whole model).

See :class:`BreaksPhase` and ``docs/b2b-scheduler.md``.
"""

from __future__ import annotations

import threading
import time

from ortools.sat.python import cp_model

from .budget import Budget
from .maxsat import Message, ProverProcess, descend, encoding_size, prove
from .model import Model, Solution, slots_of
from .problem import FEASIBLE, INFEASIBLE, OPTIMAL, UNKNOWN, Options, Phase, Problem, Slots
from .search import Lns, LocalSearch

# The MaxSAT prover's deterministic budget in SAT conflicts per CP-SAT deterministic second
# (one worker): about what glucose makes in a wall-clock second on the benchmark's models.
CONFLICTS_PER_SECOND = 5_000
# The MaxSAT prover runs when its clauses are about this many at most (maxsat.encoding_size):
# the published benchmark's largest, forum-14, about 250,000, built in about 2 s; the fairs of
# 300 and 1,000 participants of bench/b2b.py, with 75 and 250 tables, would need millions for
# the tables' counts alone (the CP-SAT prover and the annealing do those).
MAXSAT_SIZE = 600_000


class BreaksPhase:
    """Phase 2 as a race between a *prover* and an *improver* (both CP-SAT without the LP,
    which only slowed the search down on these models; the window literals carry the bound).

    The prover solves "total breaks <= k" as a satisfaction problem for k = 0, 1, ...: each
    "infeasible" raises the proven bound, and the first feasible k is the optimum. Those proofs
    are quick where the window reasoning bites (e.g. "nobody has a break" fails in 0.1 s on
    the benchmark's forum-13crafc), where an optimisation run keeps its bound at 0. The
    improver runs the local search from ``start`` (:mod:`.search`), then minimises with CP-SAT
    hinted with the best schedule, and stops as soon as it meets the bound.

    With ``workers >= 2`` they run at once in two threads (CP-SAT releases the GIL), the
    improver with ``workers - 1`` workers; the first to close the gap stops the other. With one
    worker they take turns on shares of the deterministic budget, so the result is reproducible.
    """

    def __init__(
        self,
        problem: Problem,
        options: Options,
        budget: Budget,
        m: Model,
        index: int,
        n_phases: int,
        start: Slots | None = None,
    ) -> None:
        self.pb, self.options, self.budget = problem, options, budget
        self.m, self.index, self.n_phases = m, index, n_phases
        self.start = start  # phase 1's schedule: {meeting position: slot position}
        self.prover_until: float | None = None  # wall-clock end of the prover's turn (one worker)
        self.lock = threading.Lock()
        self.best: tuple[int, Solution] | None = None  # (value, solution)
        self.lb = 0
        self.infeasible = False
        self.running: list[cp_model.CpSolver] = []
        self.stopped = False
        self.det_used = 0.0
        self.reason = ""  # why the rules cannot all hold, when proven infeasible
        # The SAT descent after the annealing needs what the MaxSAT prover needs (every
        # meeting forced, a clause encoding small enough) and two workers (wall-clock only).
        self.maxsat_fits = m.force_all and options.maxsat and encoding_size(problem) <= MAXSAT_SIZE
        self.sat_descent = self.maxsat_fits and options.workers >= 2

    def run(self) -> tuple[Phase, Solution | None]:
        begun = time.monotonic()
        # The MaxSAT prover needs every meeting forced (the all-forced model of phase 2), and a
        # clause encoding small enough to be built in a few seconds.
        maxsat = self.maxsat_fits
        if self.options.workers >= 2:
            # Both provers at once: CP-SAT's is quick where the windows and the seats'
            # cumulative bite (often "nobody has a break" fails at once), the MaxSAT one where
            # cores add up; each starts from the other's bound.
            targets = [self._prove, *([self._prove_maxsat] if maxsat else [])]
            provers = [threading.Thread(target=t, args=(None,)) for t in targets]
            for prover in provers:
                prover.start()
            self._improve(None, workers=self.options.workers - 1)
            self._stop_all()
            for prover in provers:
                prover.join()
        else:
            _wall, det = self.budget.limits(1.0)
            # Reproducible turns: 30% of the budget to the provers (half each when the MaxSAT
            # one runs), the rest to the improver.
            share = 0.15 if maxsat else 0.3
            wall, _det = self.budget.limits(share)
            self.prover_until = time.monotonic() + wall
            self._prove(None if det is None else det * share)
            if maxsat and not self._closed():
                wall, _det = self.budget.limits(share / (1 - share))
                self.prover_until = time.monotonic() + wall
                self._prove_maxsat(None if det is None else det * share)
            if not self._closed():
                self._improve(None)
        self.budget.det_used += self.det_used
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
            better = self.best is None or value < self.best[0]
            if better:
                self.best = (value, solution)
        report = self.options.progress
        if report is not None and better:
            gap = 0.0 if value <= self.lb else min(1.0, (value - self.lb) / max(1, value))
            report((self.index + 1.0 - gap) / self.n_phases, f"breaks: {value} (bound {self.lb})")
        if self._closed():
            self._stop_all()

    def _anneal(self, start: Slots) -> None:
        """Local search from ``start`` (phase 1's schedule, or the greedy's in benchmark mode),
        then the large neighbourhood search; the result is recorded and hinted."""
        m = self.m
        # A spread bound (max - min <= d) where everybody could have breaks is no per-person
        # cap, but "at most d each" implies it: the search keeps to that (slightly stronger) cap.
        cap = self.options.fairness
        # With the SAT descent to follow, the annealing gets half the time: it stalls a few
        # breaks above the optimum on the published forum and ticf instances, where the
        # descent goes on lowering and proves (see maxsat.descend; at a fifth, forum-13crafc
        # was left open once, in a run under heavy load).
        wall, _det = self.budget.limits(0.5 if self.sat_descent else 0.85)
        search = LocalSearch(self.pb, start, cap, self.options.seed, time.monotonic() + wall)
        placed = search.run(
            lambda breaks: (
                self.stopped or self._closed() or (breaks is not None and breaks <= self.lb)
            )
        )
        if placed is None:
            return
        solution = m.as_solution(placed)
        value = sum(self.pb.breaks(slots_of(solution)).values())
        self._record(value, solution)
        m.hint(solution)
        if value <= self.lb:
            return
        if self.sat_descent:
            placed = self._descend(placed)
            if self._closed() or self.stopped:
                return
        wall, det = self.budget.limits(0.75)
        lns = Lns(self.pb, placed, self.options, self.options.seed)

        def report(total: int, slots: Slots) -> None:
            self._record(total, m.as_solution(slots))

        lns.run(
            time.monotonic() + wall,
            None if det is None else det * 0.5,
            lambda: self.stopped or self._closed(),
            report,
        )
        m.hint(m.as_solution(lns.slot))

    def _descend(self, placed: Slots) -> Slots:
        """The solution-guided SAT descent (:func:`.maxsat.descend`) from the annealing's
        schedule, for most of the time left; returns the best schedule it found."""
        best = [placed]
        wall, _det = self.budget.limits(0.8)

        def found(value: int, slots: Slots) -> None:
            best[0] = slots
            self._record(value, self.m.as_solution(slots))

        def proven(bound: int) -> None:
            with self.lock:
                self.lb = max(self.lb, bound)
            if self._closed():
                self._stop_all()

        descend(
            self.pb,
            self.options,
            placed,
            found,
            proven,
            time.monotonic() + wall,
            lambda: self.stopped or self._closed(),
        )
        self.m.hint(self.m.as_solution(best[0]))
        return best[0]

    def _solver(
        self, det_cap: float | None, wall_until: float | None = None
    ) -> tuple[cp_model.CpSolver, float, float | None]:
        solver = cp_model.CpSolver()
        wall, det = self.budget.limits(1.0)
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
            k = max(k, self.lb)  # the MaxSAT prover may have raised it meanwhile
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
            self.budget.params(solver, wall, det, seed_offset=1, workers=1)
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
                self._record(round(solver.value(self.m.total_breaks)), self.m.read(solver))
                with self.lock:
                    assert self.best is not None  # just recorded
                    self.lb = max(self.lb, min(k, self.best[0]))
                self._stop_all()
                return
            else:
                return

    def _prove_maxsat(self, det_budget: float | None) -> None:
        """The core-guided MaxSAT prover (:mod:`.maxsat`): every core raises the bound, its
        first model is optimal, "unsatisfiable" proves the rules cannot all hold. With two
        workers it runs in its own process until the bounds meet (``_stop_all``); with one, in
        turn, on a conflict budget (deterministic) taken from the deterministic time."""
        if self.options.workers >= 2:
            wall, _det = self.budget.limits(1.0)
            process = ProverProcess(self.pb, self.options, wall)
            try:
                while not self.stopped and not self._closed():
                    messages = process.poll(wait=0.2)
                    for message in messages:
                        self._take(message)
                    if not messages and not process.alive():
                        break
            finally:
                process.stop()
            return
        conflicts = None if det_budget is None else int(det_budget * CONFLICTS_PER_SECOND)
        until = self.prover_until
        message = prove(self.pb, self.options, self._take, deadline=until, conflicts=conflicts)
        self._take(message)

    def _take(self, message: Message) -> None:
        """A message of the MaxSAT prover: a bound, the optimum, or "infeasible"."""
        if message.kind == "bound":
            with self.lock:
                self.lb = max(self.lb, message.value)
            if self._closed():
                self._stop_all()
        elif message.kind == "optimal":
            self._record(message.value, self.m.as_solution(message.slots))
            with self.lock:
                self.lb = max(self.lb, message.value)
            self._stop_all()
        elif message.kind == "infeasible":
            self.infeasible = True
            self.reason = message.reason
            self._stop_all()

    def _improve(self, det_cap: float | None, workers: int = 1) -> None:
        if self.start:
            self._anneal(self.start)
        model = self.m.model.clone()
        model.add(self.m.total_breaks >= self.lb)
        solver, wall, det = self._solver(det_cap)
        self.budget.params(solver, wall, det, workers=workers)
        solver.parameters.linearization_level = 0
        callback = _Improvements(self)
        code = self._run(solver, model, callback)
        if code == cp_model.INFEASIBLE and self.best is None:
            self.infeasible = True
            self._stop_all()
        elif code in (cp_model.FEASIBLE, cp_model.OPTIMAL):
            self._record(round(solver.objective_value), self.m.read(solver))
            if code == cp_model.OPTIMAL:
                with self.lock:
                    self.lb = max(self.lb, round(solver.objective_value))
                self._stop_all()


class _Improvements(cp_model.CpSolverSolutionCallback):
    def __init__(self, phase: BreaksPhase) -> None:
        super().__init__()
        self.phase = phase

    def on_solution_callback(self) -> None:
        self.phase._record(round(self.objective_value), self.phase.m.read(self))
