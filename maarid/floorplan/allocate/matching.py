"""Who gets a booth at all: the first phase, exact without a solver.

Every unit's possible booths are known, so "as many units placed as possible, earlier ones
first" is a question on the bipartite graph of units and booths. The units that can be placed
together form a transversal matroid, on which the greedy is exact: take the units one by one in
priority order (fixed ones, then announced ones, then the others in application order) and keep
a unit when an augmenting path finds it a booth, moving earlier units to other booths they fit.
No later unit can then be placed without dropping an earlier one, and a unit that is left out
is explained by the search that failed: every booth it fits is held, and the booths reached
(those it fits, and those the holders could move to) are all held by units that come first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ortools.graph.python import min_cost_flow

from .problem import BOOTHS_TAKEN, Problem, Reason


def placement(pb: Problem) -> tuple[dict[int, int], dict[int, Reason]]:
    """A booth for as many units as possible, earlier first (unit -> booth), and the reason of
    each unit left out for want of a free booth."""
    holder: dict[int, int] = {}
    booth_of: dict[int, int] = {}
    reasons: dict[int, Reason] = {}
    ranked = _ranked(pb)
    fixed = [u for u, unit in enumerate(pb.units) if unit.fixed is not None]
    kept = [u for u, unit in enumerate(pb.units) if unit.fixed is None and unit.kept is not None]
    rest = [u for u, unit in enumerate(pb.units) if unit.fixed is None and unit.kept is None]
    for u in fixed + kept + rest:
        if not pb.domains[u]:
            continue
        kept_booth = pb.booth_pos.get(pb.units[u].kept)
        if kept_booth is not None and kept_booth in pb.domains[u] and kept_booth not in holder:
            holder[kept_booth], booth_of[u] = u, kept_booth
            continue
        reached = _augment(u, ranked, holder, booth_of)
        if reached is not None:
            reasons[u] = _taken(pb, u, reached, holder)
    return booth_of, reasons


def _ranked(pb: Problem) -> list[list[int]]:
    """Each unit's booths, the tightest first: a unit takes the smallest, least equipped booth
    it fits, so larger and better equipped booths stay free for those who need them."""
    return [
        sorted(d, key=lambda b: (pb.booths[b].area, len(pb.booths[b].amenities), b))
        for d in pb.domains
    ]


class Completion:
    """Whether ``units`` can all have a booth when some of them are pinned to given booths."""

    def __init__(self, pb: Problem, units: Sequence[int]) -> None:
        self.ranked = _ranked(pb)
        # Fixed units first: they can go nowhere else.
        self.units = sorted(units, key=lambda u: len(pb.domains[u]))

    def fits(self, pinned: Mapping[int, int]) -> bool:
        ranked = list(self.ranked)
        for u, b in pinned.items():
            ranked[u] = [b]
        holder = {b: u for u, b in pinned.items()}
        booth_of = dict(pinned)
        return all(u in pinned or _augment(u, ranked, holder, booth_of) is None for u in self.units)


def _augment(
    start: int, ranked: list[list[int]], holder: dict[int, int], booth_of: dict[int, int]
) -> set[int] | None:
    """Find ``start`` a booth, moving others along an augmenting path; None when done, else
    the booths reached (all held)."""
    free = next((b for b in ranked[start] if b not in holder), None)
    if free is not None:
        holder[free], booth_of[start] = start, free
        return None
    visited: set[int] = set()
    # Depth-first, iteratively: (unit, next index into its ranked booths), and the booth
    # each unit on the stack is trying to take.
    stack: list[tuple[int, int]] = [(start, 0)]
    via: list[int] = []
    while stack:
        unit, index = stack[-1]
        options = ranked[unit]
        while index < len(options) and options[index] in visited:
            index += 1
        if index == len(options):
            stack.pop()
            if via:
                via.pop()
            continue
        stack[-1] = (unit, index + 1)
        b = options[index]
        visited.add(b)
        if b not in holder:
            # Shift along the path: each unit on the stack takes the booth it reached.
            path = [*via, b]
            for (u, _), booth in zip(stack, path, strict=True):
                holder[booth], booth_of[u] = u, booth
            return None
        via.append(b)
        stack.append((holder[b], 0))
    return visited


def _taken(pb: Problem, u: int, reached: set[int], holder: dict[int, int]) -> Reason:
    unit = pb.units[u]
    zones = sorted({pb.booths[b].zone for b in pb.domains[u]})
    return Reason(
        BOOTHS_TAKEN,
        {
            "zones": zones,
            "area": unit.area,
            "amenities": sorted(unit.amenities),
            "booths": len(pb.domains[u]),
            "holders": sum(len(pb.units[holder[b]].members) for b in reached),
        },
    )


def fewest_moves(
    pb: Problem, units: Sequence[int], start: Mapping[int, int]
) -> tuple[dict[int, int], int]:
    """Re-run mode: a booth for each of ``units`` moving the fewest announced units away from
    their announced booth (a min-cost matching: 1 per announced unit elsewhere), and how many
    move. ``start`` (a booth for each) is returned as it is when none is announced."""
    kept = {u: pb.booth_pos.get(pb.units[u].kept) for u in units if pb.units[u].kept is not None}
    if not kept:
        return dict(start), 0
    booths = sorted({b for u in units for b in pb.domains[u]})
    node = {b: len(units) + 1 + k for k, b in enumerate(booths)}
    sink = len(units) + len(booths) + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs: list[tuple[int, int, int]] = []  # arc, unit, booth
    for k, u in enumerate(units):
        flow.add_arc_with_capacity_and_unit_cost(0, k + 1, 1, 0)
        for b in pb.domains[u]:
            cost = 1 if u in kept and kept[u] != b else 0
            arcs.append((flow.add_arc_with_capacity_and_unit_cost(k + 1, node[b], 1, cost), u, b))
    for b in booths:
        flow.add_arc_with_capacity_and_unit_cost(node[b], sink, 1, 0)
    flow.set_node_supply(0, len(units))
    flow.set_node_supply(sink, -len(units))
    if flow.solve() != flow.OPTIMAL:
        raise RuntimeError("the placed units no longer fit")  # placement() found them booths
    solution = {u: b for arc, u, b in arcs if flow.flow(arc)}
    return solution, flow.optimal_cost()
