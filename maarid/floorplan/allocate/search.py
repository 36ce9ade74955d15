"""A quick local search on one part: the first step on the cost, whose solution the
neighbourhoods and CP-SAT start from.

Simulated annealing: a unit goes to another booth it fits (a random one, or, for a share of the
moves, one beside a partner it asked for); the unit on that booth, if any, takes the first
unit's booth when it fits it, else a free booth it fits. The cost is the model's, recomputed for
what a move touches (the family pairs around the booths, the requests and last booths of the
two units, the fair shares of their groups). Fixed units never move, nor announced units on
their announced booth (re-run mode: moving them is the previous phase's decision). The number
of moves is fixed and the random generator seeded, so the result depends on the input and the
seed only.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Mapping

from .problem import Part, Problem

Group = tuple[str, str]
REQUEST_MOVES = 0.2  # the share of moves that bring a unit next to a partner it asked for
HOT, COLD = 2.0, 0.05  # the temperatures the annealing starts and ends at


class LocalSearch:
    def __init__(self, pb: Problem, part: Part, start: Mapping[int, int], seed: int) -> None:
        self.pb, self.part = pb, part
        self.rng = random.Random(seed)
        self.booth_of = dict(start)
        self.unit_at = {b: u for u, b in self.booth_of.items()}
        self.units = sorted(self.booth_of)
        self.movable = [u for u in self.units if self._movable(u)]
        self.movable_set = frozenset(self.movable)
        self.domain = {u: pb.domains[u] for u in self.units}
        self.domain_set = {u: frozenset(pb.domains[u]) for u in self.units}
        self.partners: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for (a, c), count in pb.requests.items():
            if a in self.booth_of and c in self.booth_of:
                self.partners[a].append((c, count))
                self.partners[c].append((a, count))
        self.groups = {u: pb.groups(pb.units[u]) for u in self.units}
        size: dict[Group, int] = defaultdict(int)
        self.count: dict[Group, int] = defaultdict(int)
        for u in self.units:
            for g in self.groups[u]:
                size[g] += 1
                self.count[g] += self.booth_of[u] in part.prime
        n_prime = len(part.prime)
        self.range = {g: pb.fair_range(n, n_prime, len(self.units)) for g, n in size.items()}
        w = pb.options.weights
        self.w_family, self.w_request = w.family, w.request
        self.w_rotation, self.w_fairness = w.rotation, w.fairness
        self.cost = self._cost(self.units)

    def _movable(self, u: int) -> bool:
        unit = self.pb.units[u]
        if unit.fixed is not None:
            return False
        kept = self.pb.booth_pos.get(unit.kept) if unit.kept is not None else None
        return kept is None or self.booth_of[u] != kept

    def _cost(self, units: list[int]) -> int:
        """What the model counts for ``units``: family pairs and requests they are in (each
        once), their rotation, and the deviations of their groups."""
        pb = self.pb
        touched = set(units)
        total = 0
        groups: set[Group] = set()
        for u in units:
            b = self.booth_of[u]
            families = pb.units[u].families
            if families:
                for c in pb.adjacent[b]:
                    v = self.unit_at.get(c)
                    if v is not None and not (v in touched and v < u):
                        total += self.w_family * len(families & pb.units[v].families)
            for v, count in self.partners.get(u, ()):
                if not (v in touched and v < u) and self.booth_of[v] not in pb.adjacent[b]:
                    total += self.w_request * count
            total += self.w_rotation * pb.near[u].get(b, 0)
            groups.update(self.groups[u])
        for g in groups:
            lo, hi = self.range[g]
            total += self.w_fairness * max(0, self.count[g] - hi, lo - self.count[g])
        return total

    def _place(self, u: int, b: int) -> None:
        old = self.booth_of[u]
        if self.unit_at.get(old) == u:
            del self.unit_at[old]
        was, now = old in self.part.prime, b in self.part.prime
        if was != now:
            for g in self.groups[u]:
                self.count[g] += 1 if now else -1
        self.booth_of[u] = b
        self.unit_at[b] = u

    def run(self, moves: int) -> dict[int, int]:
        """Anneal for ``moves`` moves; returns the best solution seen (unit -> booth)."""
        best, best_cost = dict(self.booth_of), self.cost
        if not self.movable or moves <= 0:
            return best
        rng = self.rng
        requests = [
            (u, v)
            for a, c in self.pb.requests
            if a in self.booth_of and c in self.booth_of
            for u, v in ((a, c), (c, a))
            if u in self.movable_set
        ]
        adjacent = self.pb.adjacent
        for step in range(moves):
            temperature = HOT * (COLD / HOT) ** (step / moves)
            if requests and rng.random() < REQUEST_MOVES:
                u, partner = requests[rng.randrange(len(requests))]
                near = [c for c in adjacent[self.booth_of[partner]] if c in self.domain_set[u]]
                if not near:
                    continue
                b = near[rng.randrange(len(near))]
            else:
                u = self.movable[rng.randrange(len(self.movable))]
                b = self.domain[u][rng.randrange(len(self.domain[u]))]
            a = self.booth_of[u]
            if b == a:
                continue
            v = self.unit_at.get(b)
            to = a
            if v is not None:
                if v not in self.movable_set:
                    continue
                if a not in self.domain_set[v]:
                    to = self.domain[v][rng.randrange(len(self.domain[v]))]
                    if to in self.unit_at:
                        continue
            touched = [u] if v is None else [u, v]
            before = self._cost(touched)
            self._place(u, b)
            if v is not None:
                self._place(v, to)
            delta = self._cost(touched) - before
            if delta <= 0 or rng.random() < math.exp(-delta / temperature):
                self.cost += delta
                if self.cost < best_cost:
                    best, best_cost = dict(self.booth_of), self.cost
            else:
                if v is not None:
                    self._place(v, b)
                self._place(u, a)
        return best
