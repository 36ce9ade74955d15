"""The time of one solve, shared out between its phases and searches.

Two clocks: the wall clock, from the start of the solve up to ``Options.time_limit`` (a safety
cap), and CP-SAT's deterministic time, counted against ``Options.deterministic_limit`` (the
reproducible limit). Each search asks for a share of what is left of both.
"""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from .problem import Options


class Budget:
    def __init__(self, options: Options, started: float) -> None:
        self.options, self.started = options, started
        self.det_used = 0.0  # CP-SAT deterministic seconds spent so far

    def limits(self, share: float) -> tuple[float, float | None]:
        """(wall-clock seconds, deterministic seconds or None) for a search given ``share`` of
        what is left."""
        elapsed = time.monotonic() - self.started
        wall = max(0.05, (self.options.time_limit - elapsed) * share)
        det = None
        if self.options.deterministic_limit is not None:
            det = max(0.01, (self.options.deterministic_limit - self.det_used) * share)
        return wall, det

    def params(
        self,
        solver: cp_model.CpSolver,
        wall: float,
        det: float | None,
        seed_offset: int = 0,
        workers: int | None = None,
    ) -> None:
        """Set ``solver``'s limits, seed and workers."""
        params = solver.parameters
        params.max_time_in_seconds = max(0.01, wall)
        if det is not None:
            params.max_deterministic_time = max(0.001, det)
        params.random_seed = self.options.seed + seed_offset
        params.num_workers = workers or max(1, self.options.workers)
