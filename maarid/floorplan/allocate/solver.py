"""The allocation, phase by phase, and the result.

1. Who is placed: :mod:`.matching` (exact, no solver), with the reason of each unit left out.
2. Per independent part of the venue, when some of its units were announced: the fewest
   announced units moved, fixed as a constraint of the next phase.
3. Per part: the soft goals' weighted cost, minimised by CP-SAT from the previous solution.

See ``docs/floorplan-allocation.md``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence

from ortools.sat.python import cp_model

from .bound import part_bound
from .check import penalties
from .lns import Lns
from .matching import fewest_moves, placement
from .model import PartModel
from .problem import (
    FEASIBLE,
    OPTIMAL,
    Allocation,
    Booth,
    Exhibitor,
    Options,
    Part,
    PartResult,
    Problem,
    Reason,
)
from .search import LocalSearch

SEARCH_MOVES = 100  # annealing moves per unit
LNS_ROUNDS = 400  # neighbourhoods at most per part
SMALL_PART = 60  # units: CP-SAT on the whole part at once, no neighbourhoods
LNS_SHARE = 0.7  # of a part's time, at most, for the neighbourhoods; CP-SAT has the rest


def allocate(
    booths: Sequence[Booth],
    exhibitors: Sequence[Exhibitor],
    zones_of: Mapping[str, Collection[str]],
    options: Options | None = None,
) -> Allocation:
    """Place ``exhibitors`` (in application order) in ``booths``; ``zones_of`` maps a sector to
    the zones that take it. See ``docs/floorplan-allocation.md``."""
    options = options or Options()
    started = time.monotonic()
    pb = Problem(booths, exhibitors, zones_of, options)
    booth_of, taken = placement(pb)
    reasons = {**pb.reasons, **taken}
    parts = [(part, sum(1 for u in part.units if u in booth_of)) for part in pb.parts]
    parts = [(part, n) for part, n in parts if n]
    total = sum(n for _, n in parts)
    deadline = started + options.time_limit
    results: list[PartResult] = []
    done = 0
    for part, n in parts:
        wall = max(0.01, (deadline - time.monotonic()) * n / (total - done))
        det = None
        if options.deterministic_limit is not None:
            det = options.deterministic_limit * n / total
        report = _Report(options.progress, done / total, n / total, part)
        result, solution = _PartSolver(pb, part, booth_of, wall, det, report).run()
        booth_of.update(solution)
        results.append(result)
        done += n
    allocation = _result(pb, booth_of, reasons, results)
    allocation.seconds = time.monotonic() - started
    if options.progress is not None:
        options.progress(1.0, "done")
    return allocation


class _Report:
    """Progress of one part, as a fraction of the whole allocation."""

    def __init__(
        self, progress: Callable[[float, str], None] | None, start: float, span: float, part: Part
    ) -> None:
        self.progress, self.start, self.span = progress, start, span
        self.name = "+".join(part.zones)

    def __call__(self, fraction: float, message: str) -> None:
        if self.progress is not None:
            self.progress(min(1.0, self.start + self.span * fraction), f"{self.name}: {message}")


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, report: _Report) -> None:
        super().__init__()
        self.report = report

    def on_solution_callback(self) -> None:
        value, bound = self.objective_value, self.best_objective_bound
        closed = 1.0 if value <= bound else max(0.0, bound) / value
        self.report(0.6 + 0.4 * closed, f"cp-sat {value:g} (bound {bound:g})")


class _PartSolver:
    """One part: the fewest moves (re-run mode), then the cost, by the local search, the large
    neighbourhood search and CP-SAT in turn, each starting from the previous one's solution,
    until the cost meets the bound or the part's time is up."""

    def __init__(
        self,
        pb: Problem,
        part: Part,
        booth_of: Mapping[int, int],
        wall: float,
        det: float | None,
        report: _Report,
    ) -> None:
        self.pb, self.part, self.report = pb, part, report
        self.begun = time.monotonic()
        self.deadline, self.det = self.begun + wall, det
        self.units = [u for u in part.units if u in booth_of]
        self.start = {u: booth_of[u] for u in self.units}

    def run(self) -> tuple[PartResult, dict[int, int]]:
        pb, seed = self.pb, self.pb.options.seed
        solution, moved = fewest_moves(pb, self.units, self.start)
        allowed = moved if any(pb.units[u].kept is not None for u in self.units) else None
        bound = part_bound(pb, self.units)
        value = self._cost(solution)
        if value > bound:
            search = LocalSearch(pb, self.part, solution, seed)
            solution = search.run(SEARCH_MOVES * len(self.units))
            value = self._cost(solution)
            self.report(0.3, f"search {value} (bound {bound})")
        if value > bound and len(self.units) > SMALL_PART:
            lns = Lns(pb, self.part, solution, seed, allowed)
            lns_deadline = self.begun + LNS_SHARE * (self.deadline - self.begun)
            solution = lns.run(bound, LNS_ROUNDS, lns_deadline)
            value = lns.cost
            self.report(0.6, f"neighbourhoods {value} (bound {bound})")
        status = OPTIMAL
        if value > bound:
            status, value, bound, solution = self._cp_sat(solution, value, bound, allowed)
        result = PartResult(
            zones=self.part.zones,
            units=len(self.units),
            objective=value,
            bound=min(bound, value),
            status=OPTIMAL if value <= bound else status,
            moved=moved,
            seconds=time.monotonic() - self.begun,
        )
        return result, solution

    def _cp_sat(
        self, solution: dict[int, int], value: int, bound: int, allowed: int | None
    ) -> tuple[str, int, int, dict[int, int]]:
        """The whole part's model from ``solution``, for the rest of the part's time: a better
        solution, or a better bound, or the proof."""
        m = PartModel(self.pb, self.part, solution)
        if allowed is not None and m.moves is not None:
            m.model.add(m.moves <= allowed)
        m.model.add(m.cost >= bound)
        m.hint(solution)
        m.model.minimize(m.cost)
        solver = cp_model.CpSolver()
        params = solver.parameters
        options = self.pb.options
        params.max_time_in_seconds = max(0.01, self.deadline - time.monotonic())
        if self.det is not None:
            params.max_deterministic_time = self.det
        params.random_seed = options.seed
        params.num_workers = max(1, options.workers)
        params.relative_gap_limit = options.relative_gap
        callback = _Progress(self.report) if options.progress is not None else None
        code = solver.solve(m.model, callback)
        found_bound = max(bound, math.ceil(solver.best_objective_bound - 1e-6))
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return FEASIBLE, value, found_bound, solution
        found = m.read(solver)
        found_value = self._cost(found)
        if found_value < value:
            solution, value = found, found_value
        status = OPTIMAL if code == cp_model.OPTIMAL and value <= found_value else FEASIBLE
        return status, value, found_bound, solution

    def _cost(self, solution: Mapping[int, int]) -> int:
        return penalties(self.pb, solution).cost(self.pb.options.weights)


def _result(
    pb: Problem,
    booth_of: Mapping[int, int],
    reasons: Mapping[int, Reason],
    parts: list[PartResult],
) -> Allocation:
    booths: dict[Hashable, Hashable] = {}
    unplaced: dict[Hashable, Reason] = {}
    for u, unit in enumerate(pb.units):
        for i in unit.members:
            eid = pb.exhibitors[i].id
            if u in booth_of:
                booths[eid] = pb.booths[booth_of[u]].id
            else:
                unplaced[eid] = reasons[u]
    keep = pb.options.keep or {}
    moved = [e.id for e in pb.exhibitors if e.id in keep and booths.get(e.id) != keep[e.id]]
    broken = penalties(pb, booth_of)
    return Allocation(
        status=OPTIMAL if all(p.status == OPTIMAL for p in parts) else FEASIBLE,
        booths=booths,
        unplaced=unplaced,
        objective=broken.cost(pb.options.weights),
        bound=sum(p.bound for p in parts),
        penalties=broken,
        moved=moved,
        parts=parts,
    )
