"""A lower bound on a part's cost from its groups of units linked by neighbour requests.

Take the units linked by requests (cooperatives of one union, who mostly make the same product)
as groups. A request costs its weight when missed; honoured between two units of one product
family it costs a family pair (their two booths). These costs fall on requests and booth pairs
that no other group touches, and placing the other units can only add to them, so the sum over
the groups of what each costs at the least on its own is a lower bound on the part's cost.

A group's least cost: the cheapest set of its requests that can all be honoured at once. The
sets are tried cheapest first; a set is possible when each connected piece of it can be laid on
neighbouring booths each unit fits, leaving every other unit of the part a booth (a small
backtracking search, then a matching; the pieces checked apart, and past ``MAX_LAYOUTS``
layouts that leave someone out the piece is taken as possible: relaxations, so the bound stays
a bound). The linear relaxation of the main model sees the cost
of a same-family request but not a set of requests that cannot all be honoured, and CP-SAT's
presolve weakens it further; on the benchmark fairs this bound is most of the optimum, and
proves it where the local search reaches it. Each unit's rotation adds its least over the
booths it fits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from itertools import combinations

from .matching import Completion
from .problem import Problem, connected

MAX_REQUESTS = 12  # per group; larger groups fall back to each request's own least cost
MAX_LAYOUTS = 50  # layouts of a set of requests checked for leaving every other unit a booth

Pair = tuple[int, int]


def components(pb: Problem, units: Sequence[int]) -> list[list[int]]:
    """The groups of two or more ``units`` linked by requests, in a stable order."""
    links: dict[int, list[int]] = defaultdict(list)
    for a, c in pb.requests:
        links[a].append(c)
        links[c].append(a)
    return [group for group in connected(units, links) if len(group) > 1]


def part_bound(pb: Problem, units: Sequence[int]) -> int:
    """The sum of the groups' least costs and of each unit's least rotation."""
    w = pb.options.weights
    rotation = sum(
        w.rotation * min(pb.near[u].get(b, 0) for b in pb.domains[u]) for u in units if pb.near[u]
    )
    completion = Completion(pb, units)
    return rotation + sum(Group(pb, group, completion).least for group in components(pb, units))


class Group:
    """The units of one group, the requests among them, and the cheapest set of them that can
    be honoured at once (``least``, with its ``pieces``: the connected parts of that set)."""

    def __init__(self, pb: Problem, units: list[int], completion: Completion | None = None) -> None:
        self.pb, self.units, self.completion = pb, units, completion
        inside = set(units)
        w = pb.options.weights
        self.requests = [pair for pair in pb.requests if set(pair) <= inside]
        # What each request costs missed, and honoured (a family pair per common family).
        self.missed = {r: w.request * pb.requests[r] for r in self.requests}
        self.kept = {
            (a, c): w.family * len(pb.units[a].families & pb.units[c].families)
            for a, c in self.requests
        }
        self.domain = {u: frozenset(pb.domains[u]) for u in units}
        self.known: dict[frozenset[Pair], bool] = {}
        self.pieces: list[frozenset[Pair]] = []
        self.least = self._least()

    def _least(self) -> int:
        everything_missed = sum(self.missed.values())
        if len(self.requests) > MAX_REQUESTS:
            honoured = [
                r for r in self.requests if self.kept[r] < self.missed[r] and self.possible({r})
            ]
            self.pieces = [frozenset([r]) for r in honoured]
            return everything_missed - sum(self.missed[r] - self.kept[r] for r in honoured)
        # Only requests that are cheaper honoured are worth honouring.
        worth = [r for r in self.requests if self.kept[r] < self.missed[r]]
        options: list[tuple[int, tuple[Pair, ...]]] = []
        for k in range(1, len(worth) + 1):
            for chosen in combinations(worth, k):
                saving = sum(self.missed[r] - self.kept[r] for r in chosen)
                options.append((everything_missed - saving, chosen))
        for cost, chosen in sorted(options):
            pieces = _pieces(chosen)
            if all(self.possible(piece) for piece in pieces):
                self.pieces = pieces
                return cost
        return everything_missed

    def possible(self, piece: Collection[Pair], within: Collection[int] | None = None) -> bool:
        """Can the units of a connected set of requests all be on booths they fit (among
        ``within``), each pair of the set on neighbouring booths, no two on one booth?"""
        if within is not None:
            return self._embed(piece, set(within))
        key = frozenset(piece)
        if key not in self.known:
            self.known[key] = self._embed(key, None)
        return self.known[key]

    def _embed(self, piece: Collection[Pair], within: set[int] | None) -> bool:
        adjacent = self.pb.adjacent
        links: dict[int, list[int]] = defaultdict(list)
        for a, c in piece:
            links[a].append(c)
            links[c].append(a)
        domain = {u: self.domain[u] if within is None else self.domain[u] & within for u in links}
        first = min(links, key=lambda u: (len(domain[u]), u))
        order = [first]
        for u in order:  # breadth first: each next unit has a placed neighbour
            order.extend(v for v in sorted(links[u]) if v not in order)
        placed: dict[int, int] = {}
        tries = [0]

        def place(i: int) -> bool:
            if i == len(order):
                if self.completion is None or within is not None:
                    return True
                # The other units must still all have a booth; past a few layouts that leave
                # them none, assume one does (the bound stays a bound).
                tries[0] += 1
                return tries[0] > MAX_LAYOUTS or self.completion.fits(placed)
            u = order[i]
            candidates = set(domain[u])
            for v in links[u]:
                if v in placed:
                    candidates &= adjacent[placed[v]]
            candidates -= set(placed.values())
            for b in sorted(candidates):
                placed[u] = b
                if place(i + 1):
                    return True
                del placed[u]
            return False

        return place(0)


def _pieces(chosen: Sequence[Pair]) -> list[frozenset[Pair]]:
    """The connected pieces of a set of requests."""
    pieces: list[set[Pair]] = []
    for pair in chosen:
        touching = [p for p in pieces if any(set(pair) & set(q) for q in p)]
        merged = {pair}.union(*touching)
        pieces = [p for p in pieces if p not in touching] + [merged]
    return [frozenset(p) for p in pieces]
