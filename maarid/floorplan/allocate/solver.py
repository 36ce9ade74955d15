"""The allocation, phase by phase, and the result.

1. Who is placed: :mod:`.matching` (exact, no solver), with the reason of each unit left out.
2. Per independent part of the venue: in re-run mode, the fewest announced units moved (a
   min-cost matching), kept as a limit by what follows; the lower bound of :mod:`.bound`;
   then the cost, by the annealing of :mod:`.search`, the neighbourhoods of :mod:`.lns` and
   CP-SAT on the whole part in turn, each from the previous one's solution, until the cost
   meets the bound or the time is up.

The parts are independent: with ``workers`` above 1 they are solved in that many processes at
once, the largest first, each with a single-threaded CP-SAT; else one after the other, the
smallest first (the time they leave goes to the larger ones). See
``docs/floorplan-allocation.md``.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import multiprocessing
import time
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

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
    PartResult,
    Problem,
    Reason,
)
from .search import LocalSearch

log = logging.getLogger(__name__)

SEARCH_MOVES = 300  # annealing moves per unit
LNS_ROUNDS = 400  # neighbourhoods at most per part
# Units in a part: up to SMALL_PART, CP-SAT on the whole part after the annealing, no
# neighbourhoods; over LARGE_PART, no CP-SAT on the whole part (its presolve alone takes
# longer than the neighbourhoods need).
SMALL_PART = 30
LARGE_PART = 200
STALL = 10  # neighbourhoods without improvement before CP-SAT takes a part of LARGE_PART or less
FIRST_TRY = 0.25  # of a part's time, CP-SAT's first try on a part of LARGE_PART units or less
# With a deterministic limit, the share of a part's that the neighbourhoods may use at most
# (CP-SAT on the whole part has the rest).
LNS_SHARE = 0.7

# Placed units from which the parts are solved in several processes (starting one costs
# about a second: more than a small fair takes in all).
PARALLEL_FROM = 300

Solution = dict[int, int]
Results = dict[int, tuple[PartResult, Solution]]  # part index -> its result and solution
Report = Callable[[float, str], None]


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
    progress = options.progress
    # The problem travels to other processes: without the callback, which stays here.
    pb = Problem(booths, exhibitors, zones_of, dataclasses.replace(options, progress=None))
    booth_of, taken = placement(pb)
    reasons = {**pb.reasons, **taken}
    sizes = {k: sum(1 for u in part.units if u in booth_of) for k, part in enumerate(pb.parts)}
    jobs = [k for k in sorted(sizes, key=lambda k: sizes[k]) if sizes[k]]
    deadline = started + options.time_limit
    results = None
    if options.workers > 1 and len(jobs) > 1 and sum(sizes.values()) >= PARALLEL_FROM:
        try:
            results = _in_parallel(pb, jobs[::-1], sizes, booth_of, deadline, progress)
        except (BrokenProcessPool, OSError) as error:
            # No processes here (a main module without its ``__main__`` guard, no /dev/shm):
            # the same work in turn.
            log.warning("allocation: parts solved in turn, no process pool (%s)", error)
    if results is None:
        results = _in_turn(pb, jobs, sizes, booth_of, deadline, progress)
    for _result_of_part, solution in results.values():
        booth_of.update(solution)
    allocation = _result(pb, booth_of, reasons, [results[k][0] for k in jobs])
    allocation.seconds = time.monotonic() - started
    if progress is not None:
        progress(1.0, "done")
    return allocation


def _in_turn(
    pb: Problem,
    jobs: list[int],
    sizes: Mapping[int, int],
    booth_of: Mapping[int, int],
    deadline: float,
    progress: Report | None,
) -> Results:
    total, done = sum(sizes[k] for k in jobs), 0
    results: Results = {}
    for k in jobs:
        n = sizes[k]
        now = time.monotonic()
        until = now + max(0.01, (deadline - now) * n / (total - done))
        report = _Report(progress, done / total, n / total, pb.parts[k].zones)
        det = _det_share(pb, n, total)
        results[k] = solve_part(pb, k, booth_of, (until, deadline), det, report)
        done += n
    return results


def _in_parallel(
    pb: Problem,
    jobs: list[int],
    sizes: Mapping[int, int],
    booth_of: Mapping[int, int],
    deadline: float,
    progress: Report | None,
) -> Results:
    """The parts in ``pb.options.workers`` processes (spawned: no state of the caller's, such
    as a database connection, is shared), the largest first. A part starts when a process is
    free, with its share of the time left: its units over those of the parts not done yet,
    times the number of processes (monotonic clock readings are the same in every process of
    a machine)."""
    workers = pb.options.workers
    total = sum(sizes[k] for k in jobs)
    left = total  # units of the parts not done yet
    pending = list(jobs)
    running: dict[Future[tuple[PartResult, Solution]], int] = {}
    results: Results = {}
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        while pending or running:
            while pending and len(running) < workers:
                k = pending.pop(0)
                now = time.monotonic()
                until = min(deadline, now + (deadline - now) * sizes[k] * workers / left)
                start = {u: booth_of[u] for u in pb.parts[k].units if u in booth_of}
                det = _det_share(pb, sizes[k], total)
                limits = (until, deadline)
                running[pool.submit(solve_part, pb, k, start, limits, det, None)] = k
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                k = running.pop(future)
                results[k] = future.result()
                left -= sizes[k]
                if progress is not None:
                    progress(1 - left / total, "+".join(pb.parts[k].zones))
    return results


def _det_share(pb: Problem, n: int, total: int) -> float | None:
    limit = pb.options.deterministic_limit
    return None if limit is None else limit * n / total


def solve_part(
    pb: Problem,
    k: int,
    booth_of: Mapping[int, int],
    deadlines: tuple[float, float],
    det: float | None,
    report: Report | None,
) -> tuple[PartResult, Solution]:
    """Part ``k`` of ``pb`` from the placement ``booth_of``: its result and solution.
    ``deadlines`` (``time.monotonic()`` readings): the part's share of the time, and the
    allocation's. Public and at module level so that another process can run it."""
    return _PartSolver(pb, k, booth_of, deadlines, det, report, single=report is not None).run()


class _Report:
    """Progress of one part, as a fraction of the whole allocation."""

    def __init__(
        self, progress: Report | None, start: float, span: float, zones: tuple[str, ...]
    ) -> None:
        self.progress, self.start, self.span = progress, start, span
        self.name = "+".join(zones)

    def __call__(self, fraction: float, message: str) -> None:
        if self.progress is not None:
            self.progress(min(1.0, self.start + self.span * fraction), f"{self.name}: {message}")


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report

    def on_solution_callback(self) -> None:
        value, bound = self.objective_value, self.best_objective_bound
        closed = 1.0 if value <= bound else max(0.0, bound) / value
        self.report(0.6 + 0.4 * closed, f"cp-sat {value:g} (bound {bound:g})")


class _PartSolver:
    """One part: the fewest moves (re-run mode), then the cost, by the local search, the large
    neighbourhood search and CP-SAT in turn, each starting from the previous one's solution,
    until the cost meets the bound or the part's time is up. ``single``: parts are solved one
    at a time, CP-SAT may use every worker."""

    def __init__(
        self,
        pb: Problem,
        k: int,
        booth_of: Mapping[int, int],
        deadlines: tuple[float, float],
        det: float | None,
        report: Report | None,
        single: bool,
    ) -> None:
        self.pb, self.part, self.single = pb, pb.parts[k], single
        self.report: Report = report or (lambda fraction, message: None)
        self.begun = time.monotonic()
        # The neighbourhoods stop by themselves (at the bound, or when nothing is left to
        # try) and may run past the part's share, up to twice it; CP-SAT on the whole part
        # would use all the time it is given, so it has only what is left of the share.
        share, last = deadlines
        self.deadline = share
        self.lns_deadline = min(last, share + (share - self.begun))
        self.det = det
        if det is not None:
            # Reproducible: the deterministic limits share the work out; the clock is only
            # the allocation's safety cap.
            self.deadline = self.lns_deadline = last
        self.units = [u for u in self.part.units if u in booth_of]
        self.start = {u: booth_of[u] for u in self.units}

    def run(self) -> tuple[PartResult, Solution]:
        pb, seed = self.pb, self.pb.options.seed
        solution, moved = fewest_moves(pb, self.units, self.start)
        allowed = moved if any(pb.units[u].kept is not None for u in self.units) else None
        bound = part_bound(pb, self.units)
        value = self._cost(solution)
        status = FEASIBLE
        whole = len(self.units) <= LARGE_PART  # CP-SAT can take the whole part
        if value > bound:
            search = LocalSearch(pb, self.part, solution, seed)
            solution = search.run(SEARCH_MOVES * len(self.units))
            value = self._cost(solution)
            self.report(0.3, f"search {value} (bound {bound})")
        if value > bound and whole:
            # A part too small for neighbourhoods has all its time; others a first, short try
            # (enough for most).
            share = 1.0 if len(self.units) <= SMALL_PART else FIRST_TRY
            status, value, bound, solution = self._cp_sat(solution, value, bound, allowed, share)
        if value > bound and status != OPTIMAL and len(self.units) > SMALL_PART:
            lns = Lns(pb, self.part, solution, seed, allowed)
            det = None if self.det is None else LNS_SHARE * self.det
            # CP-SAT takes a part it can take whole again once the neighbourhoods stall.
            stall = STALL if whole else None
            solution = lns.run(bound, LNS_ROUNDS, self.lns_deadline, det, stall)
            value = lns.cost
            if self.det is not None:
                self.det = max(0.0, self.det - lns.det_used)
            self.report(0.6, f"neighbourhoods {value} (bound {bound})")
            if value > bound and whole:
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
        self, solution: Solution, value: int, bound: int, allowed: int | None, share: float = 1.0
    ) -> tuple[str, int, int, Solution]:
        """The whole part's model from ``solution``, for ``share`` of the rest of the part's
        time: a better solution, or a better bound, or the proof."""
        m = PartModel(self.pb, self.part, solution)
        if allowed is not None and m.moves is not None:
            m.model.add(m.moves <= allowed)
        m.model.add(m.cost >= bound)
        m.hint(solution)
        m.model.minimize(m.cost)
        solver = cp_model.CpSolver()
        params = solver.parameters
        options = self.pb.options
        params.max_time_in_seconds = max(0.01, share * (self.deadline - time.monotonic()))
        if self.det is not None:
            params.max_deterministic_time = share * self.det
        params.random_seed = options.seed
        # Several threads only for a part alone and no deterministic limit: CP-SAT on several
        # threads is not reproducible.
        several = self.single and options.deterministic_limit is None
        params.num_workers = max(1, options.workers) if several else 1
        params.relative_gap_limit = options.relative_gap
        # Probing in presolve took most of the time of proving the benchmark's optimum.
        params.cp_model_probing_level = 0
        code = solver.solve(m.model, _Progress(self.report))
        if self.det is not None:
            self.det = max(0.0, self.det - solver.deterministic_time)
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
