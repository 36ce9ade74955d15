"""Large neighbourhood search on one part: free a few dozen units around what costs something,
let CP-SAT re-place them exactly with everyone else held, keep the result when it is cheaper.

What the annealing of :mod:`.search` cannot mend takes several units moving at once: a union
of three asking to be side by side whose members sit apart, with other exhibitors on the booths
between them. A neighbourhood starts from a unit that costs something and its request partners,
takes every unit within two booths of them and of their partners, and may use those units'
booths and every free booth of the part. The order of the neighbourhoods and the sub-solves'
limits are fixed (deterministic time), so the search depends on the input and the seed only.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping

from ortools.sat.python import cp_model

from .bound import Group, components
from .check import penalties
from .model import PartModel
from .problem import Part, Problem
from .search import LocalSearch

SIZE = 30  # units freed: the nearest to the seeds, breadth first over neighbouring booths
SUB_LIMIT = 0.5  # CP-SAT deterministic seconds per neighbourhood


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
        self.blocks = _blocks(pb, part)
        self.block = {b: k for k, booths in enumerate(self.blocks) for b in booths}
        self.cost = self._cost(self.solution)
        self.groups = [(units, Group(pb, units)) for units in components(pb, sorted(self.solution))]
        self.group_of = {u: group for units, group in self.groups for u in units}

    def _cost(self, solution: Mapping[int, int]) -> int:
        return penalties(self.pb, solution).cost(self.pb.options.weights)

    def run(self, target: int, rounds: int, deadline: float) -> dict[int, int]:
        """Up to ``rounds`` neighbourhoods, stopping at ``target`` (a lower bound) or at the
        wall-clock ``deadline``; returns the best solution."""
        tried: set[tuple[int, ...]] = set()
        for _ in range(rounds):
            if self.cost <= target or time.monotonic() >= deadline:
                break
            seeds = self._seeds(tried)
            if seeds is None:
                break
            found = self._solve(seeds, deadline)
            if found is not None:
                value = self._cost(found)
                if value < self.cost:
                    self.solution, self.cost = found, value
                    tried.clear()
        return self.solution

    def _troubles(self) -> list[int]:
        """Units that cost more than they must, in a stable order: those in a request group
        that costs more than its least, next to a unit of their family they did not ask for,
        near their last booth, or in a province or kind off its fair share."""
        pb, solution = self.pb, self.solution
        unit_at = {b: u for u, b in solution.items()}
        out: set[int] = set()
        for units, group in self.groups:
            if self._group_cost(group) > group.least:
                out.update(units)
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

    def _seeds(self, tried: set[tuple[int, ...]]) -> list[int] | None:
        """A unit that costs something, not tried since the last improvement, and the rest
        of its request group."""
        troubles = [u for u in self._troubles() if (u,) not in tried]
        if not troubles:
            return None
        u = troubles[self.rng.randrange(len(troubles))]
        tried.add((u,))
        group = self.group_of.get(u)
        return [u] if group is None else [u, *(v for v in group.units if v != u)]

    def _meeting_blocks(self, u: int) -> list[int]:
        """For each piece of the cheapest set of requests of ``u``'s group, a block where it
        can be laid out whole (drawn at random among those)."""
        group = self.group_of.get(u)
        if group is None:
            return []
        out: list[int] = []
        for piece in group.pieces:
            fitting = [
                k for k, booths in enumerate(self.blocks) if group.possible(piece, within=booths)
            ]
            if fitting:
                out.append(fitting[self.rng.randrange(len(fitting))])
        return out

    def _region(self, seeds: list[int]) -> tuple[list[int], set[int]]:
        """The units of the seeds' blocks (booths linked by neighbours: a double row), then of
        other blocks drawn at random until about ``size`` units; and the booths they may take:
        theirs and the part's free booths."""
        chosen = list(dict.fromkeys(self.block[self.solution[u]] for u in seeds))
        chosen += [k for k in self._meeting_blocks(seeds[0]) if k not in chosen]
        others = [k for k in range(len(self.blocks)) if k not in chosen]
        self.rng.shuffle(others)
        free: list[int] = []
        for k in chosen + others:
            if len(free) >= self.size and k not in chosen:
                break
            free.extend(u for u in self.units_in(k) if self._movable(u))
        occupied = set(self.solution.values())
        empty = {b for b in self.part.booths if b not in occupied}
        return free, {self.solution[u] for u in free} | empty

    def units_in(self, k: int) -> list[int]:
        unit_at = {b: u for u, b in self.solution.items()}
        return [unit_at[b] for b in self.blocks[k] if b in unit_at]

    def _movable(self, u: int) -> bool:
        return self.pb.units[u].fixed is None

    def _solve(self, seeds: list[int], deadline: float) -> dict[int, int] | None:
        free, room = self._region(seeds)
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
        m.hint(self.solution)
        m.model.minimize(m.cost)
        solver = cp_model.CpSolver()
        params = solver.parameters
        params.num_workers = 1
        params.random_seed = self.seed
        params.max_deterministic_time = SUB_LIMIT
        params.max_time_in_seconds = max(0.01, deadline - time.monotonic())
        code = solver.solve(m.model)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        found = dict(self.solution)
        found.update(m.read(solver))
        return found


def _blocks(pb: Problem, part: Part) -> list[list[int]]:
    """The part's booths in connected groups of neighbours, in booth order."""
    inside = set(part.booths)
    seen: set[int] = set()
    blocks: list[list[int]] = []
    for b in part.booths:
        if b in seen:
            continue
        block, stack = [], [b]
        seen.add(b)
        while stack:
            c = stack.pop()
            block.append(c)
            for n in pb.adjacent[c]:
                if n in inside and n not in seen:
                    seen.add(n)
                    stack.append(n)
        blocks.append(sorted(block))
    return blocks
