"""The allocation's input and output as plain dataclasses, and the input prepared for solving.

:class:`Problem` puts the input in canonical order (booths and exhibitors in input order: the
exhibitors' order is the application order), makes *units* of the exhibitors (one per exhibitor,
one per group that shares a booth on purpose), works out the booths each unit may take, says
why a unit can have none, and splits the venue into independent *parts*. The rest of the package
works on these positions; only this module and the result speak in ids. See
``docs/floorplan-allocation.md``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field

OPTIMAL, FEASIBLE = "optimal", "feasible"

# Reason codes for an exhibitor that is not placed (``Reason.code``); the Django side
# translates them with their ``params``.
NO_ZONE_FOR_SECTOR = "no_zone_for_sector"  # {"sectors"}: no zone takes its sector(s)
NO_BOOTH_IN_ZONE = "no_booth_in_zone"  # {"zones"}: its zones have no booth
NO_BOOTH_BIG_ENOUGH = "no_booth_big_enough"  # {"zones", "area", "largest"}
NO_BOOTH_WITH_AMENITIES = "no_booth_with_amenities"  # {"zones", "area", "amenities"}
# Every booth it fits ("booths" of them, in "zones") is taken by earlier exhibitors ("holders":
# how many hold the booths the search could shift them between).
BOOTHS_TAKEN = "booths_taken"  # {"zones", "area", "amenities", "booths", "holders"}
FIXED_BOOTH_UNKNOWN = "fixed_booth_unknown"  # {"booth"}
FIXED_BOOTH_UNSUITABLE = "fixed_booth_unsuitable"  # {"booth", "zone", "area", "amenities"}
FIXED_BOOTH_TAKEN = "fixed_booth_taken"  # {"booth", "by"}
FIXED_BOOTHS_DIFFER = "fixed_booths_differ"  # {"booths"}: a sharing group fixed to several

EPSILON_M2 = 1e-6  # areas are compared with this tolerance (floats from geometry)


@dataclass(frozen=True)
class Booth:
    """A booth of the venue. ``area`` in m²; ``x``/``y``: its centre in metres on the venue's
    plane; ``quality``: how good the place is, higher is better (near the entrances and the
    stage; the caller computes it); ``neighbours``: ids of the booths next to it (the relation
    is made symmetric). ``type`` is carried for the caller, the rules do not read it."""

    id: Hashable
    zone: str
    area: float
    x: float = 0.0
    y: float = 0.0
    amenities: frozenset[str] = frozenset()
    quality: int = 0
    neighbours: tuple[Hashable, ...] = ()
    type: str = "standard"


@dataclass(frozen=True)
class Exhibitor:
    """An accepted exhibitor, in application order. ``area``: the booth area it needs (m²);
    ``amenities``: what its booth must have; ``family``: its product family (two of one family
    are kept apart); ``province`` and ``kind``: the groups the best places are shared between;
    ``neighbours``: ids of exhibitors it asks to be next to; ``last_position``: the centre of
    its booth at the last edition (returning exhibitors are moved away from it); ``fixed``: the
    booth the organiser fixed; ``shared``: a key; exhibitors with the same key share one booth
    (they need a booth meeting all their needs: the largest area, every amenity)."""

    id: Hashable
    sector: str
    area: float = 9.0
    amenities: frozenset[str] = frozenset()
    family: str | None = None
    province: str | None = None
    kind: str | None = None
    neighbours: tuple[Hashable, ...] = ()
    last_position: tuple[float, float] | None = None
    fixed: Hashable | None = None
    shared: Hashable | None = None


@dataclass(frozen=True)
class Weights:
    """What each broken soft goal costs (non-negative integers). ``family``: per pair of
    neighbouring booths held by the same product family; ``request``: per neighbour request
    not honoured; ``rotation``: per returning exhibitor placed less than ``rotation_distance``
    from its last booth; ``fairness``: per best place over or under a province's or a kind's
    fair share."""

    family: int = 3
    request: int = 4
    rotation: int = 2
    fairness: int = 1


@dataclass(frozen=True)
class Options:
    """How to allocate.

    ``rotation_distance``: metres from its last booth under which a returning exhibitor counts
    as not rotated. ``prime_share``: the share of each part's booths, the best by quality, that
    are its best places. ``time_limit``: wall-clock seconds for the whole solve.
    ``deterministic_limit``: CP-SAT deterministic seconds for the whole solve; with it the
    result depends only on the input, the seed and this limit (``time_limit`` is then a
    safety cap only), without it on the time each step gets. ``seed``: the random seed of the
    searches. ``workers``: processes the parts of a large fair are solved in at once, or
    CP-SAT's threads when they are solved in turn (one with a deterministic limit). ``keep``:
    the announced assignment (exhibitor id -> booth id) to keep: only what must move moves.
    ``progress``: called as ``progress(fraction, message)``. ``relative_gap``: stop CP-SAT on
    a part once its objective is within this fraction of its bound (0: prove optimality)."""

    weights: Weights = field(default_factory=Weights)
    rotation_distance: float = 6.0
    prime_share: float = 0.25
    time_limit: float = 60.0
    deterministic_limit: float | None = None
    seed: int = 0
    workers: int = 1
    keep: Mapping[Hashable, Hashable] | None = None
    progress: Callable[[float, str], None] | None = None
    relative_gap: float = 0.0


@dataclass(frozen=True)
class Reason:
    """Why an exhibitor is not placed: a ``code`` (see the module constants) and ``params``."""

    code: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Penalties:
    """The soft goals an assignment breaks, counted: pairs of neighbouring booths of one
    product family, neighbour requests not honoured, returning exhibitors not rotated, best
    places over or under the fair shares (provinces and kinds together)."""

    family: int = 0
    request: int = 0
    rotation: int = 0
    fairness: int = 0

    def cost(self, weights: Weights) -> int:
        return (
            weights.family * self.family
            + weights.request * self.request
            + weights.rotation * self.rotation
            + weights.fairness * self.fairness
        )


@dataclass(frozen=True)
class PartResult:
    """One independent part of the venue: its zones, units, objective, bound and status."""

    zones: tuple[str, ...]
    units: int
    objective: int
    bound: int
    status: str
    moved: int
    seconds: float


@dataclass
class Allocation:
    """The result. ``booths``: exhibitor id -> booth id for the placed; ``unplaced``: why the
    others are not; ``objective``: the weighted cost of ``penalties`` (lower is better);
    ``bound``: the solver's proven lower bound on it; ``status``: optimal when every part is
    proven; ``moved``: announced exhibitors (``Options.keep``) not in their announced booth."""

    status: str
    booths: dict[Hashable, Hashable] = field(default_factory=dict)
    unplaced: dict[Hashable, Reason] = field(default_factory=dict)
    objective: int = 0
    bound: int = 0
    penalties: Penalties = field(default_factory=Penalties)
    moved: list[Hashable] = field(default_factory=list)
    parts: list[PartResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def optimal(self) -> bool:
        return self.status == OPTIMAL

    @property
    def gap(self) -> float | None:
        """(objective - bound) / bound; 0 when they are equal, None for a bound of 0 below a
        positive objective."""
        if self.objective == self.bound:
            return 0.0
        if self.bound <= 0:
            return None
        return (self.objective - self.bound) / self.bound


@dataclass
class Unit:
    """What is placed in one booth: one exhibitor, or a group that shares a booth. ``members``:
    exhibitor positions in application order; the group's province and kind are its first
    member's."""

    members: tuple[int, ...]
    zones: frozenset[str]
    area: float
    amenities: frozenset[str]
    families: frozenset[str]
    province: str | None
    kind: str | None
    fixed: Hashable | None
    kept: Hashable | None


@dataclass
class Part:
    """Zones whose allocations do not interact (no unit may use booths of two parts, no
    request and no product family crosses): each is solved on its own, and its best places and
    fair shares are its own."""

    zones: tuple[str, ...]
    booths: list[int]
    units: list[int]
    prime: frozenset[int]


def connected(nodes: Sequence[int], links: Mapping[int, Collection[int]]) -> list[list[int]]:
    """The connected groups of ``nodes`` by ``links`` (only links between nodes count), each
    sorted, in the order of their first node."""
    inside = set(nodes)
    seen: set[int] = set()
    groups: list[list[int]] = []
    for node in nodes:
        if node in seen:
            continue
        group, stack = [], [node]
        seen.add(node)
        while stack:
            here = stack.pop()
            group.append(here)
            for there in links.get(here, ()):
                if there in inside and there not in seen:
                    seen.add(there)
                    stack.append(there)
        groups.append(sorted(group))
    return groups


def distance(booth: Booth, position: tuple[float, float]) -> float:
    return math.hypot(booth.x - position[0], booth.y - position[1])


class Problem:
    """The input in canonical order with integer positions: units, their possible booths
    (``domains``), the reasons of units that can have no booth, requests between units,
    booths too near a member's last booth, and the parts."""

    def __init__(
        self,
        booths: Sequence[Booth],
        exhibitors: Sequence[Exhibitor],
        zones_of: Mapping[str, Collection[str]],
        options: Options,
    ) -> None:
        self.options = options
        self.booths = list(booths)
        self.booth_pos = {b.id: i for i, b in enumerate(self.booths)}
        if len(self.booth_pos) != len(self.booths):
            raise ValueError("booth ids must be unique")
        self.exhibitors = list(exhibitors)
        self.exhibitor_pos = {e.id: i for i, e in enumerate(self.exhibitors)}
        if len(self.exhibitor_pos) != len(self.exhibitors):
            raise ValueError("exhibitor ids must be unique")
        self.zones_of = {sector: frozenset(zones) for sector, zones in zones_of.items()}
        self.zone_order = list(dict.fromkeys(b.zone for b in self.booths))
        self.adjacent = self._adjacency()
        self.units, self.unit_of = self._units(options.keep or {})
        self.reasons: dict[int, Reason] = {}
        self.domains = [self._domain(u) for u in range(len(self.units))]
        self._fixed_conflicts()
        self.requests = self._requests()
        self.near = [self._near(u) for u in range(len(self.units))]
        self.parts = self._parts()

    # --- preparation ---------------------------------------------------------------------

    def _adjacency(self) -> list[frozenset[int]]:
        adjacent: list[set[int]] = [set() for _ in self.booths]
        for i, booth in enumerate(self.booths):
            for other in booth.neighbours:
                j = self.booth_pos.get(other)
                if j is None:
                    raise ValueError(f"booth {booth.id!r}: unknown neighbour {other!r}")
                if j != i:
                    adjacent[i].add(j)
                    adjacent[j].add(i)
        return [frozenset(a) for a in adjacent]

    def _units(self, keep: Mapping[Hashable, Hashable]) -> tuple[list[Unit], list[int]]:
        groups: dict[Hashable, list[int]] = {}
        order: list[list[int]] = []
        for i, e in enumerate(self.exhibitors):
            if e.shared is None:
                order.append([i])
            elif e.shared in groups:
                groups[e.shared].append(i)
            else:
                groups[e.shared] = [i]
                order.append(groups[e.shared])
        units: list[Unit] = []
        unit_of = [0] * len(self.exhibitors)
        for members in order:
            people = [self.exhibitors[i] for i in members]
            zones = frozenset.intersection(
                *(self.zones_of.get(e.sector, frozenset()) for e in people)
            )
            for i in members:
                unit_of[i] = len(units)
            units.append(
                Unit(
                    members=tuple(members),
                    zones=zones,
                    area=max(e.area for e in people),
                    amenities=frozenset().union(*(e.amenities for e in people)),
                    families=frozenset(e.family for e in people if e.family is not None),
                    province=people[0].province,
                    kind=people[0].kind,
                    fixed=next((e.fixed for e in people if e.fixed is not None), None),
                    kept=next((keep[e.id] for e in people if e.id in keep), None),
                )
            )
        return units, unit_of

    def fits(self, u: int, b: int) -> bool:
        """The hard rules of one unit in one booth: zone, area, amenities."""
        unit, booth = self.units[u], self.booths[b]
        return (
            booth.zone in unit.zones
            and booth.area + EPSILON_M2 >= unit.area
            and unit.amenities <= booth.amenities
        )

    def _domain(self, u: int) -> list[int]:
        unit = self.units[u]
        fixed = list(dict.fromkeys(f for i in unit.members if (f := self.exhibitors[i].fixed)))
        if len(fixed) > 1:
            self.reasons[u] = Reason(FIXED_BOOTHS_DIFFER, {"booths": fixed})
            return []
        if unit.fixed is not None:
            b = self.booth_pos.get(unit.fixed)
            if b is None:
                self.reasons[u] = Reason(FIXED_BOOTH_UNKNOWN, {"booth": unit.fixed})
                return []
            if not self.fits(u, b):
                self.reasons[u] = self._unsuitable(u, b)
                return []
            return [b]
        domain = [b for b in range(len(self.booths)) if self.fits(u, b)]
        if not domain:
            self.reasons[u] = self._why_none(u)
        return domain

    def _unsuitable(self, u: int, b: int) -> Reason:
        unit, booth = self.units[u], self.booths[b]
        params: dict[str, object] = {"booth": booth.id}
        if booth.zone not in unit.zones:
            params["zone"] = booth.zone
        if booth.area + EPSILON_M2 < unit.area:
            params["area"] = unit.area
        if not unit.amenities <= booth.amenities:
            params["amenities"] = sorted(unit.amenities - booth.amenities)
        return Reason(FIXED_BOOTH_UNSUITABLE, params)

    def _why_none(self, u: int) -> Reason:
        unit = self.units[u]
        if not unit.zones:
            sectors = sorted({self.exhibitors[i].sector for i in unit.members})
            return Reason(NO_ZONE_FOR_SECTOR, {"sectors": sectors})
        zones = sorted(unit.zones)
        in_zones = [b for b in self.booths if b.zone in unit.zones]
        if not in_zones:
            return Reason(NO_BOOTH_IN_ZONE, {"zones": zones})
        big = [b for b in in_zones if b.area + EPSILON_M2 >= unit.area]
        if not big:
            largest = max(b.area for b in in_zones)
            return Reason(
                NO_BOOTH_BIG_ENOUGH, {"zones": zones, "area": unit.area, "largest": largest}
            )
        return Reason(
            NO_BOOTH_WITH_AMENITIES,
            {"zones": zones, "area": unit.area, "amenities": sorted(unit.amenities)},
        )

    def _fixed_conflicts(self) -> None:
        """Two units fixed to one booth: the first in application order keeps it."""
        holder: dict[int, int] = {}
        for u, unit in enumerate(self.units):
            if unit.fixed is None or not self.domains[u]:
                continue
            b = self.domains[u][0]
            if b in holder:
                first = self.exhibitors[self.units[holder[b]].members[0]].id
                self.reasons[u] = Reason(FIXED_BOOTH_TAKEN, {"booth": unit.fixed, "by": first})
                self.domains[u] = []
            else:
                holder[b] = u

    def _requests(self) -> dict[tuple[int, int], int]:
        """Neighbour requests between units (lower position first) -> how many exhibitor pairs
        asked; requests naming an unknown exhibitor, or within one shared booth, drop out."""
        pairs: set[tuple[int, int]] = set()
        for i, e in enumerate(self.exhibitors):
            for other in e.neighbours:
                j = self.exhibitor_pos.get(other)
                if j is not None and j != i:
                    pairs.add((min(i, j), max(i, j)))
        requests: dict[tuple[int, int], int] = defaultdict(int)
        for i, j in pairs:
            a, b = self.unit_of[i], self.unit_of[j]
            if a != b:
                requests[(min(a, b), max(a, b))] += 1
        return dict(sorted(requests.items()))

    def _near(self, u: int) -> dict[int, int]:
        """Booths of the unit's domain too near its members' last booths -> how many members
        would not be rotated there."""
        positions = [
            p for i in self.units[u].members if (p := self.exhibitors[i].last_position) is not None
        ]
        near: dict[int, int] = {}
        if not positions:
            return near
        radius = self.options.rotation_distance
        for b in self.domains[u]:
            count = sum(1 for p in positions if distance(self.booths[b], p) < radius)
            if count:
                near[b] = count
        return near

    def families_at(self) -> list[set[str]]:
        """Per booth, the product families that may end up there."""
        at: list[set[str]] = [set() for _ in self.booths]
        for u, unit in enumerate(self.units):
            for b in self.domains[u]:
                at[b] |= unit.families
        return at

    def _parts(self) -> list[Part]:
        """Zones joined when a unit may use booths in both, a request links units of both, or
        one product family may hold neighbouring booths across them."""
        parent = {z: z for z in self.zone_order}

        def find(z: str) -> str:
            while parent[z] != z:
                parent[z] = parent[parent[z]]
                z = parent[z]
            return z

        def union(a: str, b: str) -> None:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb, key=self.zone_order.index)] = min(
                    ra, rb, key=self.zone_order.index
                )

        zone = [b.zone for b in self.booths]
        for domain in self.domains:
            for b in domain[1:]:
                union(zone[domain[0]], zone[b])
        for a, c in self.requests:
            if self.domains[a] and self.domains[c]:
                union(zone[self.domains[a][0]], zone[self.domains[c][0]])
        at = self.families_at()
        for b, others in enumerate(self.adjacent):
            for c in others:
                if zone[b] != zone[c] and at[b] & at[c]:
                    union(zone[b], zone[c])
        roots = list(dict.fromkeys(find(z) for z in self.zone_order))
        parts: list[Part] = []
        for root in roots:
            zones = tuple(z for z in self.zone_order if find(z) == root)
            booths = [b for b in range(len(self.booths)) if find(zone[b]) == root]
            units = [u for u, d in enumerate(self.domains) if d and find(zone[d[0]]) == root]
            parts.append(Part(zones, booths, units, self._prime(booths)))
        return parts

    def _prime(self, booths: list[int]) -> frozenset[int]:
        """The best ``prime_share`` of the booths by quality (ties at the threshold included);
        none when every booth is as good as the others."""
        if not booths:
            return frozenset()
        qualities = sorted((self.booths[b].quality for b in booths), reverse=True)
        count = max(1, math.ceil(self.options.prime_share * len(booths)))
        threshold = qualities[min(count, len(qualities)) - 1]
        if threshold <= qualities[-1]:
            threshold = qualities[-1] + 1  # the worst are no best place
        return frozenset(b for b in booths if self.booths[b].quality >= threshold)

    # --- reading -------------------------------------------------------------------------

    def groups(self, unit: Unit) -> list[tuple[str, str]]:
        """The fairness groups a unit counts in: its province and its kind."""
        out: list[tuple[str, str]] = []
        if unit.province is not None:
            out.append(("province", unit.province))
        if unit.kind is not None:
            out.append(("kind", unit.kind))
        return out

    def fair_range(self, n_group: int, n_prime: int, n_units: int) -> tuple[int, int]:
        """A group with ``n_group`` of the part's ``n_units`` placed units should hold its
        proportional share of the best places in use, rounded either way."""
        places = min(n_prime, n_units)
        if n_units == 0:
            return 0, 0
        return (n_group * places) // n_units, -(-(n_group * places) // n_units)
