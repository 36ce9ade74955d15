"""Any assignment measured against the rules: what it costs (the soft goals it breaks) and
which hard rules it breaks. The solver's result, the first-fit baseline and an organiser's
manual move are all judged here, by the same counts the model optimises."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Mapping, Sequence

from .problem import (
    EPSILON_M2,
    Booth,
    Exhibitor,
    Options,
    Penalties,
    Problem,
    Reason,
    distance,
)

# Hard rules a given assignment breaks (``violations``), per exhibitor.
UNKNOWN_BOOTH = "unknown_booth"  # {"booth"}
WRONG_ZONE = "wrong_zone"  # {"booth", "zone"}: the zone does not take its sector
TOO_SMALL = "too_small"  # {"booth", "area", "needed"}
MISSING_AMENITIES = "missing_amenities"  # {"booth", "amenities"}
BOOTH_SHARED = "booth_shared"  # {"booth", "with"}: others who do not share with it are there
GROUP_SPLIT = "group_split"  # {"booth", "others"}: its sharing group is in other booths
NOT_FIXED_BOOTH = "not_fixed_booth"  # {"booth", "fixed"}: away from the booth fixed for it


def unit_booths(pb: Problem, assignment: Mapping[Hashable, Hashable]) -> dict[int, int]:
    """An assignment by ids (exhibitor -> booth) as positions (unit -> booth): a unit is where
    its first assigned member is."""
    out: dict[int, int] = {}
    for e, booth in assignment.items():
        i, b = pb.exhibitor_pos.get(e), pb.booth_pos.get(booth)
        if i is not None and b is not None:
            out.setdefault(pb.unit_of[i], b)
    return out


def penalties(pb: Problem, booth_of: Mapping[int, int]) -> Penalties:
    """The soft goals broken by ``booth_of`` (unit -> booth), counted as the model counts them."""
    unit_at = {b: u for u, b in booth_of.items()}
    family = 0
    for b, others in enumerate(pb.adjacent):
        if b not in unit_at:
            continue
        for c in others:
            if c > b and c in unit_at:
                family += len(pb.units[unit_at[b]].families & pb.units[unit_at[c]].families)
    request = 0
    for (a, c), count in pb.requests.items():
        if a in booth_of and c in booth_of and booth_of[c] not in pb.adjacent[booth_of[a]]:
            request += count
    rotation = 0
    radius = pb.options.rotation_distance
    for u, b in booth_of.items():
        for i in pb.units[u].members:
            last = pb.exhibitors[i].last_position
            if last is not None and distance(pb.booths[b], last) < radius:
                rotation += 1
    return Penalties(family, request, rotation, _unfairness(pb, booth_of))


def _unfairness(pb: Problem, booth_of: Mapping[int, int]) -> int:
    part_of = {b: k for k, part in enumerate(pb.parts) for b in part.booths}
    total = 0
    for k, part in enumerate(pb.parts):
        units = [u for u, b in booth_of.items() if part_of.get(b) == k]
        size: dict[tuple[str, str], int] = defaultdict(int)
        prime: dict[tuple[str, str], int] = defaultdict(int)
        for u in units:
            for group in pb.groups(pb.units[u]):
                size[group] += 1
                prime[group] += booth_of[u] in part.prime
        for group, n in size.items():
            lo, hi = pb.fair_range(n, len(part.prime), len(units))
            total += max(0, prime[group] - hi, lo - prime[group])
    return total


def evaluate(
    booths: Sequence[Booth],
    exhibitors: Sequence[Exhibitor],
    zones_of: Mapping[str, Collection[str]],
    assignment: Mapping[Hashable, Hashable],
    options: Options | None = None,
) -> Penalties:
    """The soft goals an assignment (exhibitor id -> booth id) breaks; its objective is
    ``evaluate(...).cost(options.weights)``."""
    pb = Problem(booths, exhibitors, zones_of, options or Options())
    return penalties(pb, unit_booths(pb, assignment))


def violations(
    booths: Sequence[Booth],
    exhibitors: Sequence[Exhibitor],
    zones_of: Mapping[str, Collection[str]],
    assignment: Mapping[Hashable, Hashable],
) -> dict[Hashable, list[Reason]]:
    """The hard rules an assignment (exhibitor id -> booth id) breaks, per exhibitor id (only
    those that break one): what a manual move would break before it is saved."""
    booth_by_id = {b.id: b for b in booths}
    out: dict[Hashable, list[Reason]] = defaultdict(list)
    at: dict[Hashable, list[Exhibitor]] = defaultdict(list)
    group_booths: dict[Hashable, set[Hashable]] = defaultdict(set)
    for e in exhibitors:
        if e.id not in assignment:
            continue
        booth_id = assignment[e.id]
        booth = booth_by_id.get(booth_id)
        if booth is None:
            out[e.id].append(Reason(UNKNOWN_BOOTH, {"booth": booth_id}))
            continue
        at[booth_id].append(e)
        if e.shared is not None:
            group_booths[e.shared].add(booth_id)
        if booth.zone not in zones_of.get(e.sector, ()):
            out[e.id].append(Reason(WRONG_ZONE, {"booth": booth_id, "zone": booth.zone}))
        if booth.area + EPSILON_M2 < e.area:
            out[e.id].append(
                Reason(TOO_SMALL, {"booth": booth_id, "area": booth.area, "needed": e.area})
            )
        if not e.amenities <= booth.amenities:
            missing = sorted(e.amenities - booth.amenities)
            out[e.id].append(Reason(MISSING_AMENITIES, {"booth": booth_id, "amenities": missing}))
        if e.fixed is not None and e.fixed != booth_id:
            out[e.id].append(Reason(NOT_FIXED_BOOTH, {"booth": booth_id, "fixed": e.fixed}))
    for booth_id, here in at.items():
        for e in here:
            strangers = [
                o.id for o in here if o is not e and (e.shared is None or o.shared != e.shared)
            ]
            if strangers:
                out[e.id].append(Reason(BOOTH_SHARED, {"booth": booth_id, "with": strangers}))
            if e.shared is not None and len(group_booths[e.shared]) > 1:
                others = [b.id for b in booths if b.id in group_booths[e.shared] - {booth_id}]
                out[e.id].append(Reason(GROUP_SPLIT, {"booth": booth_id, "others": others}))
    return dict(out)
