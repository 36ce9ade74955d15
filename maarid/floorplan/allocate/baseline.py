"""First fit: how a booth plan is drawn by hand, the baseline the optimiser is measured against.

Fixed booths first; then each exhibitor (or sharing group) in application order takes the first
free booth that fits it, zone by zone in the order the venue lists them and booth by booth in
the venue's order. It keeps every hard rule but looks at no soft goal, and may leave out an
exhibitor who would have fitted had an earlier one taken another booth.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence

from .problem import Booth, Exhibitor, Options, Problem


def first_fit(
    booths: Sequence[Booth],
    exhibitors: Sequence[Exhibitor],
    zones_of: Mapping[str, Collection[str]],
    options: Options | None = None,
) -> dict[Hashable, Hashable]:
    """exhibitor id -> booth id for those it places."""
    pb = Problem(booths, exhibitors, zones_of, options or Options())
    return {
        pb.exhibitors[i].id: pb.booths[b].id
        for u, b in unit_first_fit(pb).items()
        for i in pb.units[u].members
    }


def unit_first_fit(pb: Problem) -> dict[int, int]:
    """unit -> booth, by positions."""
    rank = {zone: k for k, zone in enumerate(pb.zone_order)}
    taken: set[int] = set()
    booth_of: dict[int, int] = {}
    order = sorted(range(len(pb.units)), key=lambda u: pb.units[u].fixed is None)
    for u in order:
        free = [b for b in pb.domains[u] if b not in taken]
        if free:
            b = min(free, key=lambda b: (rank[pb.booths[b].zone], b))
            taken.add(b)
            booth_of[u] = b
    return booth_of
