"""Large neighbourhood search on one part: free a few dozen units around what costs more than
it must, let CP-SAT re-place them exactly with everyone else held, keep the result when it is
cheaper.

What the annealing of :mod:`.search` cannot mend takes several units moving at once: a union
of four asking to be side by side whose members sit apart, with other exhibitors on the booths
between them. A neighbourhood starts from a unit that costs more than it must: a unit of a
request group above its least cost frees its group and the units of a block (booths linked by
neighbours, such as a double row) where the group's cheapest requests can be laid out; any such
unit frees its block and random others, about ``SIZE`` units. The freed units may take their
booths and every free booth of the part. The draws are seeded and the sub-solves limited in
deterministic time, so the search depends on the input and the seed (and on the wall clock only
when it is the limit that stops it).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Mapping

from ortools.sat.python import cp_model

from .bound import Group, components
from .check import penalties
from .model import PartModel
from .problem import Part, Problem, connected
from .search import LocalSearch

SIZE = 45  # units freed by a neighbourhood of blocks
SUB_LIMIT = 0.5  # CP-SAT deterministic seconds per neighbourhood
TRIES = 3  # neighbourhoods drawn around one unit (other blocks each time) before giving up


class Lns:
    def __init__(
        self,
        pb: Problem,
        part: Part,
        solution: Mapping[int, int],
        seed: int,
        moves_allowed: int | None = None,
    ) -> None:
        self.pb, self.part, self.seed = pb, part, seed
        self.rng = random.Random(seed)
        self.solution = dict(solution)
        self.moves_allowed = moves_allowed
        self.size = SIZE
        # Blocks: the part's booths in connected groups of neighbours (a double row).
        self.blocks = connected(part.booths, dict(enumerate(pb.adjacent)))
        self.block = {b: k for k, booths in enumerate(self.blocks) for b in booths}
        self.cost = self._cost(self.solution)
        self.groups = [(units, Group(pb, units)) for units in components(pb, sorted(self.solution))]
        self.group_of = {u: group for units, group in self.groups for u in units}
        self.unmet: set[int] = set()  # units of groups that cost more than their least
        self.target = 0
        self.det_used = 0.0  # deterministic seconds of the sub-solves

    def _cost(self, solution: Mapping[int, int]) -> int:
        return penalties(self.pb, solution).cost(self.pb.options.weights)

    def run(
        self,
        target: int,
        rounds: int,
        deadline: float,
        det: float | None = None,
        stall: int | None = None,
    ) -> dict[int, int]:
        """Up to ``rounds`` neighbourhoods, stopping at ``target`` (a lower bound), after
        ``stall`` neighbourhoods in a row without improvement, when the sub-solves have used
        ``det`` deterministic seconds, at the wall-clock ``deadline`` (a safety cap: the
        other limits are reproducible), or when every unit that costs more than it must has
        been tried ``TRIES`` times since the last improvement; returns the best solution."""
        self.target = target
        tried: Counter[tuple[int, str]] = Counter()
        idle = 0
        for _ in range(rounds):
            if self.cost <= target or time.monotonic() >= deadline:
                break
            if (det is not None and self.det_used >= det) or (stall is not None and idle >= stall):
                break
            idle += 1
            region = self._neighbourhood(tried)
            if region is None:
                break
            found = self._solve(*region, deadline)
            if found is not None:
                value = self._cost(found)
                if value < self.cost:
                    self.solution, self.cost = found, value
                    tried.clear()
                    idle = 0
        return self.solution

    def _troubles(self) -> list[int]:
        """Units that cost more than they must, in a stable order: those in a request group
        that costs more than its least, next to a unit of their family they did not ask for,
        near their last booth, or in a province or kind off its fair share."""
        pb, solution = self.pb, self.solution
        unit_at = {b: u for u, b in solution.items()}
        out: set[int] = set()
        self.unmet = set()
        for units, group in self.groups:
            if self._group_cost(group) > group.least:
                self.unmet.update(units)
        out.update(self.unmet)
        for u, b in solution.items():
            families = pb.units[u].families
            for c in pb.adjacent[b]:
                v = unit_at.get(c)
                if (
                    v is not None
                    and families & pb.units[v].families
                    and (min(u, v), max(u, v)) not in pb.requests
                ):
                    out.add(u)
            if pb.near[u].get(b, 0):
                out.add(u)
        state = LocalSearch(pb, self.part, solution, self.seed)
        off = {g for g, (lo, hi) in state.range.items() if not lo <= state.count[g] <= hi}
        out.update(u for u in solution if off.intersection(pb.groups(pb.units[u])))
        return [u for u in sorted(out) if self._movable(u)]

    def _group_cost(self, group: Group) -> int:
        adjacent, solution = self.pb.adjacent, self.solution
        return sum(
            group.kept[r] if solution[r[1]] in adjacent[solution[r[0]]] else group.missed[r]
            for r in group.requests
        )

    def _neighbourhood(self, tried: Counter[tuple[int, str]]) -> tuple[list[int], set[int]] | None:
        """The units to free and the booths they may take (theirs and the part's free
        booths), around a unit that costs more than it must, drawn at random among those not
        tried since the last improvement. A unit of a request group that costs more than its
        least is tried twice: its group with the units of a block where the group's cheapest
        requests can be laid out; then, like any other, the units of its block and of random
        other blocks, about ``size`` in all."""
        troubles = self._troubles()
        options = [(u, kind) for u in troubles for kind in ("group", "blocks")]
        options = [
            (u, kind)
            for u, kind in options
            if tried[(u, kind)] < TRIES and (kind == "blocks" or u in self.unmet)
        ]
        if not options:
            return None
        u, kind = options[self.rng.randrange(len(options))]
        tried[(u, kind)] += 1
        chosen = [self.block[self.solution[u]]]
        free = []
        if kind == "group":
            free = list(self.group_of[u].units)
            chosen = self._meeting_blocks(self.group_of[u])
        others = [k for k in range(len(self.blocks)) if k not in chosen]
        self.rng.shuffle(others)
        for k in [*chosen, *others]:
            free.extend(v for v in self.units_in(k) if v not in free and self._movable(v))
            if len(free) >= self.size:
                break
        occupied = set(self.solution.values())
        empty = {b for b in self.part.booths if b not in occupied}
        return free, {self.solution[v] for v in free} | empty

    def _meeting_blocks(self, group: Group) -> list[int]:
        """For each piece of the group's cheapest set of requests, a block where it can be
        laid out whole (drawn at random among those)."""
        out: list[int] = []
        for piece in group.pieces:
            fitting = [
                k for k, booths in enumerate(self.blocks) if group.possible(piece, within=booths)
            ]
            if fitting:
                out.append(fitting[self.rng.randrange(len(fitting))])
        return out

    def units_in(self, k: int) -> list[int]:
        unit_at = {b: u for u, b in self.solution.items()}
        return [unit_at[b] for b in self.blocks[k] if b in unit_at]

    def _movable(self, u: int) -> bool:
        return self.pb.units[u].fixed is None

    def _solve(self, free: list[int], room: set[int], deadline: float) -> dict[int, int] | None:
        if not free:
            return None
        m = PartModel(self.pb, self.part, self.solution, free=free, room=room)
        if self.moves_allowed is not None and m.moves is not None:
            held_moves = sum(
                1
                for u, b in m.held.items()
                if (kept := self.pb.units[u].kept) is not None and self.pb.booth_pos.get(kept) != b
            )
            m.model.add(m.moves <= self.moves_allowed - held_moves)
        # No solution of the part is below the target: neither is the neighbourhood's.
        m.model.add(m.cost >= self.target - m.held_cost())
        m.hint(self.solution)
        m.model.minimize(m.cost)
        solver = cp_model.CpSolver()
        params = solver.parameters
        params.num_workers = 1
        params.random_seed = self.seed
        params.max_deterministic_time = SUB_LIMIT
        # Small models from a complete hint: presolving them costs more than it saves.
        params.cp_model_presolve = False
        params.max_time_in_seconds = max(0.01, deadline - time.monotonic())
        code = solver.solve(m.model)
        self.det_used += solver.deterministic_time
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        found = dict(self.solution)
        found.update(m.read(solver))
        return found
