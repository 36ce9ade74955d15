"""Reads of the floor plan: an edition's venue as rows and as a plain ``Plan``, its booths, who
stands where (as the user may see it), the figures of the dashboard and the drawing of the
organisers' page. The public sees a plan once it is published; before that it is a 404."""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypedDict
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from maarid.core import access, hooks
from maarid.core.hooks import BoothRef, StandKey
from maarid.core.text import normalise, words_filter
from maarid.exhibitors.models import Exhibitor
from maarid.exhibitors.selectors import active_exhibitors
from maarid.fairs.models import Edition
from maarid.registry.models import Organisation

from . import allocate, geojson, geometry
from .geometry import BoothPlan, Plan, StructurePlan, ZonePlan
from .models import Assignment, Booth, NeighbourRequest, Structure, Venue, Zone

_PARTS = re.compile(r"\d+|\D+")


def venue_of(edition: Edition) -> Venue | None:
    """The edition's venue, if one was made."""
    venue = Venue.objects.filter(edition=edition).first()
    if venue is not None:
        venue.edition = edition  # looked up (and checked) by the caller already
    return venue


def visible_venue(edition: Edition, user: Any) -> Venue:
    """The edition's venue as this user may read it: a plan not published is a 404 but for
    the organisers."""
    venue = venue_of(edition)
    if venue is None:
        raise Http404
    access.require_view(user, venue)
    return venue


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def plan_of(venue: Venue) -> Plan:
    """The venue as plain data, in a stable order (tents by name, booths by number, zones as
    drawn): what is exported, checked and copied."""
    structures = list(venue.structures.order_by("name"))
    names = {s.pk: s.name for s in structures}
    booths = venue.booths.select_related("fixed_exhibitor__organisation").order_by("number")
    return Plan(
        outline=venue.outline,
        latitude=_float(venue.latitude),
        longitude=_float(venue.longitude),
        structures=[StructurePlan(s.name, s.kind, s.outline) for s in structures],
        booths=[
            BoothPlan(
                number=b.number,
                outline=b.outline,
                kind=b.kind,
                structure=names.get(b.structure_id) if b.structure_id else None,
                electricity=b.electricity,
                water=b.water,
                refrigeration=b.refrigeration,
                fixed=b.fixed_exhibitor.organisation.slug if b.fixed_exhibitor else None,
            )
            for b in booths
        ],
        zones=[ZonePlan(z.kind, z.outline, z.name) for z in venue.zones.order_by("pk")],
    )


def geojson_of(venue: Venue | None) -> dict[str, object]:
    """The venue as a GeoJSON FeatureCollection (empty while there is none)."""
    return geojson.write(plan_of(venue) if venue is not None else Plan())


def structures_of(venue: Venue | None) -> QuerySet[Structure]:
    if venue is None:
        return Structure.objects.none()
    return venue.structures.order_by("name")


def booths_of(venue: Venue) -> QuerySet[Booth]:
    """The booths, with their tent, the exhibitor fixed there and who was placed there."""
    placed = Assignment.objects.select_related("exhibitor__organisation")
    return venue.booths.select_related(
        "structure", "fixed_exhibitor__organisation"
    ).prefetch_related(Prefetch("assignments", queryset=placed))


def _natural(number: str) -> list[tuple[int, int | str]]:
    """A2 before A10: the digits of a booth number compared as numbers."""
    return [(0, int(part)) if part.isdigit() else (1, part) for part in _PARTS.findall(number)]


def booth_list(venue: Venue | None) -> list[Booth]:
    """The booths in the order people count them (A1, A2 … A10)."""
    if venue is None:
        return []
    return sorted(booths_of(venue), key=lambda b: _natural(b.number))


def booth_of(venue: Venue | None, pk: int) -> Booth:
    if venue is None:
        raise Http404
    return get_object_or_404(booths_of(venue), pk=pk)


def booth_by_number(venue: Venue | None, number: str) -> Booth:
    if venue is None:
        raise Http404
    return get_object_or_404(booths_of(venue), number=number)


def zones_of(venue: Venue) -> QuerySet[Zone]:
    return venue.zones.order_by("pk")


def assignments_for(venue: Venue, user: Any) -> QuerySet[Assignment]:
    """Who stands where: everything for the organisers; what was announced for anyone else."""
    assignments = Assignment.objects.filter(booth__venue=venue).select_related(
        "booth", "exhibitor__organisation"
    )
    if not access.is_organiser(user, venue.edition.series_id):
        assignments = assignments.filter(announced=True)
    return assignments.order_by("booth__number", "exhibitor__organisation__name_fr")


def exhibitors_of(edition: Edition) -> QuerySet[Exhibitor]:
    """The edition's exhibitors, those a booth may be fixed for."""
    return (
        active_exhibitors(edition).select_related("organisation").order_by("organisation__name_fr")
    )


def exhibitors_by_slug(edition: Edition, slugs: Iterable[str]) -> dict[str, Exhibitor]:
    """The edition's exhibitors among the organisations ``slugs`` names, by slug."""
    found = exhibitors_of(edition).filter(organisation__slug__in=set(slugs))
    return {e.organisation.slug: e for e in found}


def previous_venue(edition: Edition) -> Venue | None:
    """The venue of the series' latest earlier edition that has booths: what is copied."""
    return (
        Venue.objects.filter(
            edition__series_id=edition.series_id, edition__number__lt=edition.number
        )
        .annotate(booth_count=Count("booths"))
        .filter(booth_count__gt=0)
        .select_related("edition__series")
        .order_by("-edition__number")
        .first()
    )


def has_assignments(venue: Venue) -> bool:
    return Assignment.objects.filter(booth__venue=venue).exists()


def announced_in(venue: Venue, numbers: Iterable[str]) -> list[Assignment]:
    """The announced assignments of the booths ``numbers`` names."""
    return list(
        Assignment.objects.filter(
            booth__venue=venue, booth__number__in=list(numbers), announced=True
        )
        .select_related("booth", "exhibitor__organisation")
        .order_by("booth__number")
    )


def map_of(venue: Venue, user: Any) -> dict[str, object]:
    """What a map draws (the API's ``FloorplanMapOut``): the site, tents, booths with who
    stands there as far as ``user`` may know, and zones."""
    placed: dict[int, list[dict[str, str]]] = {}
    for a in assignments_for(venue, user):
        organisation = a.exhibitor.organisation
        placed.setdefault(a.booth_id, []).append(
            {"name": str(organisation), "organisation": organisation.slug}
        )
    return {
        "outline": venue.outline,
        "latitude": _float(venue.latitude),
        "longitude": _float(venue.longitude),
        "structures": list(structures_of(venue)),
        "booths": [
            {
                "number": b.number,
                "type": b.kind,
                "structure": b.structure.name if b.structure else None,
                "area_m2": float(b.area_m2),
                "electricity": b.electricity,
                "water": b.water,
                "refrigeration": b.refrigeration,
                "exhibitors": placed.get(b.pk, []),
                "outline": b.outline,
            }
            for b in booth_list(venue)
        ],
        "zones": list(zones_of(venue)),
    }


class Figures(TypedDict):
    booths: int
    structures: int
    area: Decimal
    placed: int


def figures(venue: Venue | None) -> Figures:
    if venue is None:
        return {"booths": 0, "structures": 0, "area": Decimal(0), "placed": 0}
    booths = venue.booths.aggregate(count=Count("pk"), area=Sum("area_m2"))
    return {
        "booths": booths["count"],
        "structures": venue.structures.count(),
        "area": booths["area"] or Decimal(0),
        "placed": Assignment.objects.filter(booth__venue=venue).count(),
    }


# --- The drawing --------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """One outline of the drawing: an SVG path, CSS classes, and its label (with a title for
    a pointer's hover and a screen reader)."""

    path: str
    css: str
    label: str = ""
    title: str = ""
    x: float = 0.0
    y: float = 0.0
    size: float = 1.0


@dataclass(frozen=True)
class Drawing:
    view_box: str
    shapes: list[Shape] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.shapes


def _shape(outline: geometry.Coordinates, css: str, label: str = "", title: str = "") -> Shape:
    x, y, size = geometry.label_point(outline)
    return Shape(geometry.svg_path(outline), css, label, title or label, x, y, size)


def drawing(venue: Venue | None, user: Any) -> Drawing:
    """The plan as the SVG of the organisers' page draws it, from the site down to the
    booths (which say who stands there, as far as the user may know)."""
    if venue is None:
        return Drawing(view_box="0 0 10 10")
    booths = list(booths_of(venue).order_by("number"))
    visible = {a.booth_id: a for a in assignments_for(venue, user)}
    shapes = []
    outlines = []
    if venue.outline:
        shapes.append(_shape(venue.outline, "fp-site"))
        outlines.append(venue.outline)
    for zone in zones_of(venue):
        shapes.append(_shape(zone.outline, f"fp-zone fp-zone-{zone.kind}", str(zone)))
        outlines.append(zone.outline)
    for structure in structures_of(venue):
        shapes.append(_shape(structure.outline, "fp-structure", title=str(structure)))
        outlines.append(structure.outline)
    for booth in booths:
        placed = visible.get(booth.pk)
        css = f"fp-booth fp-booth-{booth.kind}" + (" fp-placed" if placed else "")
        title = f"{booth.number} · {placed.exhibitor.organisation}" if placed else booth.number
        shapes.append(_shape(booth.outline, css, booth.number, title))
        outlines.append(booth.outline)
    box = geometry.view_box(outlines)
    return Drawing(view_box=" ".join(geometry.fmt(v) for v in box), shapes=shapes)


# --- The allocation's input (fpops) -------------------------------------------------------

# Which zones take which sectors. Booths outside every zone are in the open ("open"): they
# take any sector, as do the booths of a venue that draws no zone. The zones of the stage, the
# B2B tables, the workshops, the entrances, first aid and the prayer room take no exhibitor.
SECTOR_ZONES: dict[str, tuple[str, ...]] = {
    "terroir": ("terroir",),
    "agriculture": ("terroir",),
    "fisheries": ("terroir",),
    "cosmetics": ("terroir",),  # argan oil, rose water: terroir products
    "handicrafts": ("handicrafts",),
    "textiles": ("handicrafts",),
    "recycling": ("handicrafts",),
    "tourism": ("institutions",),
    "services": ("institutions",),
    "distribution": ("institutions",),
    "public": ("institutions",),
}
OPEN = "open"
# The best places are near an entrance or the stage: quality 100 there, half at 15 m.
BEST_NEAR = ("entrance", "stage")
QUALITY_HALF_AT_M = 15.0
AMENITIES = ("electricity", "water", "refrigeration")


@dataclass(frozen=True)
class AllocationInput:
    """An edition's venue and accepted exhibitors as the optimiser takes them, with the names
    its result is shown with: ``booth_numbers`` (booth pk -> number), ``zone_names`` (zone id ->
    name), ``names`` (exhibitor pk -> organisation), ``announced`` (exhibitor pk -> booth pk of
    an announced assignment, kept by a re-run), ``current`` (every assignment)."""

    booths: list[allocate.Booth]
    exhibitors: list[allocate.Exhibitor]
    zones_of: dict[str, tuple[str, ...]]
    booth_numbers: dict[int, str]
    zone_names: dict[str, str]
    names: dict[int, str]
    announced: dict[int, int]
    current: dict[int, int]


def _centre(outline: geometry.Coordinates) -> tuple[float, float]:
    point = geometry.polygon(outline).centroid
    return (float(point.x), float(point.y))


def _zone_of(centre: tuple[float, float], zones: list[tuple[str, Any]]) -> str:
    from shapely.geometry import Point

    point = Point(centre)
    for zone_id, shape in zones:
        if shape.covers(point):
            return zone_id
    return OPEN


def _touching(shapes: dict[int, Any]) -> dict[int, list[int]]:
    """Booths that touch (a side or a corner within 10 cm): the optimiser's neighbours."""
    from shapely import STRtree

    pks = list(shapes)
    tree = STRtree([shapes[pk] for pk in pks])
    out: dict[int, list[int]] = {pk: [] for pk in pks}
    for pk in pks:
        for j in tree.query(shapes[pk].buffer(0.1), predicate="intersects"):
            other = pks[int(j)]
            if other != pk:
                out[pk].append(other)
    return out


def _families(edition: Edition) -> dict[int, str]:
    """Each exhibitor's product family: the catalogue category most of its products are in.
    Read through the ORM relation the catalogue declares on organisations (the floor plan does
    not import the catalogue: they stand side by side in the layers)."""
    counts: dict[int, Counter[str]] = {}
    rows = active_exhibitors(edition).values_list("pk", "organisation__products__category__slug")
    for pk, slug in rows:
        if slug:
            counts.setdefault(pk, Counter())[slug] += 1
    return {pk: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for pk, c in counts.items()}


def _last_positions(edition: Edition) -> dict[int, tuple[float, float]]:
    """Organisation pk -> centre of its booth at the series' previous edition with a plan."""
    previous = previous_venue(edition)
    if previous is None:
        return {}
    rows = Assignment.objects.filter(booth__venue=previous).values_list(
        "exhibitor__organisation_id", "booth__outline"
    )
    return {org: _centre(outline) for org, outline in rows}


def allocation_input(edition: Edition) -> AllocationInput:
    """The optimiser's input for ``edition``: its booths (zone from where each stands, quality
    from the distance to the nearest entrance or stage, neighbours that touch, amenities) and
    its accepted exhibitors in application order (booth size and amenities from the
    application, sector, product family, province and kind, neighbour requests, last
    edition's booth centre, a fixed booth)."""
    venue = venue_of(edition)
    if venue is None:
        return AllocationInput([], [], {}, {}, {}, {}, {}, {})
    zones = list(zones_of(venue))
    zone_shapes = [(f"z{z.pk}", geometry.polygon(z.outline)) for z in zones]
    zone_names = {f"z{z.pk}": str(z) for z in zones}
    zone_names[OPEN] = ""
    best = [geometry.polygon(z.outline) for z in zones if z.kind in BEST_NEAR]
    booth_rows = list(venue.booths.order_by("number"))
    shapes = {b.pk: geometry.polygon(b.outline) for b in booth_rows}
    touching = _touching(shapes)
    booths = []
    for b in booth_rows:
        centre = _centre(b.outline)
        distance = min((shapes[b.pk].distance(s) for s in best), default=None)
        quality = 0 if distance is None else round(100 * QUALITY_HALF_AT_M / (15 + distance))
        booths.append(
            allocate.Booth(
                id=b.pk,
                zone=_zone_of(centre, zone_shapes),
                area=float(b.area_m2),
                x=centre[0],
                y=centre[1],
                amenities=frozenset(a for a in AMENITIES if getattr(b, a)),
                quality=quality,
                neighbours=tuple(touching[b.pk]),
                type=b.kind,
            )
        )
    kinds = {z.kind for z in zones}
    zone_ids_of_kind: dict[str, list[str]] = {}
    for z in zones:
        zone_ids_of_kind.setdefault(z.kind, []).append(f"z{z.pk}")
    # The open area takes every sector, when booths stand there.
    open_area = [OPEN] if any(b.zone == OPEN for b in booths) else []
    zones_of_sector = {
        sector: tuple(
            [zid for kind in wanted if kind in kinds for zid in zone_ids_of_kind[kind]] + open_area
        )
        for sector, wanted in SECTOR_ZONES.items()
    }
    fixed = {b.fixed_exhibitor_id: b.pk for b in booth_rows if b.fixed_exhibitor_id}
    families = _families(edition)
    last = _last_positions(edition)
    requests: dict[int, list[int]] = {}
    for a, n in NeighbourRequest.objects.filter(exhibitor__edition=edition).values_list(
        "exhibitor_id", "neighbour_id"
    ):
        requests.setdefault(a, []).append(n)
    rows = (
        active_exhibitors(edition)
        .select_related("organisation")
        .order_by(F("application__submitted_at").asc(nulls_last=True), "created_at", "pk")
    )
    exhibitors = []
    names = {}
    for e in rows:
        organisation = e.organisation
        names[e.pk] = str(organisation)
        exhibitors.append(
            allocate.Exhibitor(
                id=e.pk,
                sector=organisation.sector,
                area=float(e.booth_size),
                amenities=frozenset(a for a in AMENITIES if getattr(e, a)),
                family=families.get(e.pk),
                province=organisation.province_id,
                kind=organisation.kind,
                neighbours=tuple(requests.get(e.pk, ())),
                last_position=last.get(organisation.pk),
                fixed=fixed.get(e.pk),
            )
        )
    placed = Assignment.objects.filter(booth__venue=venue).values_list(
        "exhibitor_id", "booth_id", "announced"
    )
    current = {e: b for e, b, _announced in placed}
    announced = {e: b for e, b, was in placed if was}
    return AllocationInput(
        booths=booths,
        exhibitors=exhibitors,
        zones_of=zones_of_sector,
        booth_numbers={b.pk: b.number for b in booth_rows},
        zone_names=zone_names,
        names=names,
        announced=announced,
        current=current,
    )


def allocation_names(edition: Edition, pks: Iterable[int]) -> list[str]:
    """The names of the edition's exhibitors ``pks`` names, in alphabetical order."""
    rows = Exhibitor.objects.filter(edition=edition, pk__in=list(pks)).select_related(
        "organisation"
    )
    return sorted(str(e.organisation) for e in rows)


# --- The map: find a stand, the booth on an exhibitor's page, the organisers' map (fpmap) ---

# A search on the map lights this many stands at most (a word like "miel" may match dozens).
MAP_FOUND_MAX = 30
# Around what the map opens on (lit booths, "you are here"): at least this many metres shown.
MAP_FOCUS_MIN_M = 30.0


@dataclass(frozen=True)
class MapBooth:
    """A booth of the map: its outline, label, who stands there as far as the user may know
    (names, organisation slugs), and whether a search lit it."""

    pk: int
    number: str
    css: str
    path: str
    x: float
    y: float
    size: float
    names: tuple[str, ...] = ()
    slugs: tuple[str, ...] = ()
    lit: bool = False
    fixed: bool = False

    @property
    def title(self) -> str:
        return " · ".join((self.number, *self.names))


@dataclass(frozen=True)
class Found:
    """A stand a map search found: its booth and exhibitor, and the products that matched."""

    booth: str
    booth_pk: int
    name: str
    slug: str
    products: tuple[str, ...] = ()


@dataclass(frozen=True)
class Map:
    """What a map page draws: the whole plan's view box, the part it opens on (``focus``),
    the background (site, zones, tents), the booths, and the "you are here" marker."""

    view_box: str
    focus: str
    shapes: list[Shape]
    booths: list[MapBooth]
    here: Shape | None = None

    @property
    def empty(self) -> bool:
        return not self.booths


def _box_around(
    boxes: list[tuple[float, float, float, float]], minimum: float
) -> tuple[float, float, float, float]:
    """The view box (SVG frame: y down) around the bounds (x0, y0, x1, y1 in metres, north
    up), at least ``minimum`` metres each way, centred on them."""
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[2] for b in boxes)
    y1 = max(b[3] for b in boxes)
    width = max(x1 - x0 + 8, minimum)
    height = max(y1 - y0 + 8, minimum)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return (cx - width / 2, -cy - height / 2, width, height)


def _fmt_box(box: tuple[float, ...]) -> str:
    return " ".join(geometry.fmt(v) for v in box)


def entrances_of(venue: Venue) -> list[Zone]:
    """The venue's entrances, where a QR code opens the map at "you are here"."""
    return list(venue.zones.filter(kind=Zone.Kind.ENTRANCE).order_by("pk"))


def entrance_of(venue: Venue, pk: int | None) -> Zone | None:
    """The entrance a map's address names (``?here=``), None if it names none of them."""
    if pk is None:
        return None
    return venue.zones.filter(kind=Zone.Kind.ENTRANCE, pk=pk).first()


def entrance_or_404(venue: Venue, pk: int) -> Zone:
    zone = entrance_of(venue, pk)
    if zone is None:
        raise Http404
    return zone


def the_map(
    venue: Venue,
    user: Any,
    *,
    lit: Iterable[int] = (),
    here: Zone | None = None,
    minimum: float = MAP_FOCUS_MIN_M,
) -> Map:
    """The plan for a map page, booths ``lit`` (pks) by a search: it opens on them (and on
    ``here``, an entrance), or on the whole plan when there are none. Who stands where is
    what ``user`` may know (the public: what was announced). Three queries, whatever the
    size of the plan."""
    lit = set(lit)
    placed: dict[int, list[Organisation]] = {}
    for a in assignments_for(venue, user):
        placed.setdefault(a.booth_id, []).append(a.exhibitor.organisation)
    shapes: list[Shape] = []
    outlines: list[geometry.Coordinates] = []
    if venue.outline:
        shapes.append(_shape(venue.outline, "fp-site"))
        outlines.append(venue.outline)
    zones = list(zones_of(venue))
    for zone in zones:
        shapes.append(_shape(zone.outline, f"fp-zone fp-zone-{zone.kind}", str(zone)))
        outlines.append(zone.outline)
    for structure in structures_of(venue):
        shapes.append(_shape(structure.outline, "fp-structure", title=str(structure)))
        outlines.append(structure.outline)
    booths: list[MapBooth] = []
    focus: list[tuple[float, float, float, float]] = []
    rows = venue.booths.only(
        "pk", "number", "kind", "outline", "fixed_exhibitor_id", "venue_id"
    ).order_by("number")
    for b in rows:
        x, y, size = geometry.label_point(b.outline)
        here_now = placed.get(b.pk, [])
        css = f"fp-booth fp-booth-{b.kind}" + (" fp-placed" if here_now else "")
        if b.pk in lit:
            css += " fp-lit"
            focus.append(geometry.bounds(b.outline))
        booths.append(
            MapBooth(
                pk=b.pk,
                number=b.number,
                css=css,
                path=geometry.svg_path(b.outline),
                x=x,
                y=y,
                size=size,
                names=tuple(str(o) for o in here_now),
                slugs=tuple(o.slug for o in here_now),
                lit=b.pk in lit,
                fixed=b.fixed_exhibitor_id is not None,
            )
        )
        outlines.append(b.outline)
    marker = None
    if here is not None:
        marker = _shape(here.outline, "fp-here", title=str(here))
        focus.append(geometry.bounds(here.outline))
    whole = geometry.view_box(outlines)
    return Map(
        view_box=_fmt_box(whole),
        focus=_fmt_box(_box_around(focus, minimum)) if focus else _fmt_box(whole),
        shapes=shapes,
        booths=booths,
        here=marker,
    )


def find_stands(venue: Venue, user: Any, query: str) -> list[Found]:
    """The stands a visitor looks for: a booth by its number, an exhibitor by its name, or
    what it sells (the catalogue's engine answers ``hooks.exhibitors_matching``). Only who
    stands where as far as ``user`` may know; at most ``MAP_FOUND_MAX``, by booth number."""
    query = query.strip()
    if not query:
        return []
    visible = assignments_for(venue, user)
    if normalise(query).split():
        by_name = visible.filter(words_filter(query, "exhibitor__organisation__search_text"))
        products: dict[int, list[str]] = hooks.exhibitors_matching(venue.edition.pk, query)
    else:  # no word in it ("…", "-"): a booth number at most, never every stand
        by_name, products = visible.none(), {}
    matched = visible.filter(
        Q(booth__number__iexact=query)
        | Q(pk__in=by_name.values("pk"))
        | Q(exhibitor__organisation_id__in=list(products))
    )
    found = [
        Found(
            booth=a.booth.number,
            booth_pk=a.booth_id,
            name=str(a.exhibitor.organisation),
            slug=a.exhibitor.organisation.slug,
            products=tuple(products.get(a.exhibitor.organisation_id, ())),
        )
        for a in matched[: MAP_FOUND_MAX * 2]
    ]
    found.sort(key=lambda f: (_natural(f.booth), f.name))
    return found[:MAP_FOUND_MAX]


def booth_numbers(venue: Venue, numbers: Iterable[str]) -> list[int]:
    """The pks of the booths ``numbers`` names (a link from an exhibitor's page: ?booth=A2)."""
    wanted = [n for n in numbers if n][:MAP_FOUND_MAX]
    return list(venue.booths.filter(number__in=wanted).values_list("pk", flat=True))


# Where the public may know exhibitors stand (``public_stands``): announced assignments of
# active exhibitors on a published plan of an edition that is not a draft. Written once (the
# search page asks it at every search; building and compiling it with the ORM cost more than
# running it), the exhibitors asked for filled in as three lists of values (``{}``).
_PUBLIC_STANDS = f"""
SELECT s.slug, e.number, x.organisation_id, b.number
FROM {Assignment._meta.db_table} a
JOIN {Booth._meta.db_table} b ON b.id = a.booth_id
JOIN {Venue._meta.db_table} v ON v.id = b.venue_id
JOIN {Exhibitor._meta.db_table} x ON x.id = a.exhibitor_id
JOIN {Edition._meta.db_table} e ON e.id = x.edition_id
JOIN {Edition._meta.get_field("series").related_model._meta.db_table} s ON s.id = e.series_id
WHERE a.announced AND v.published_at IS NOT NULL AND x.status = %s AND e.status <> %s
AND x.organisation_id IN ({{}}) AND s.slug IN ({{}}) AND e.number IN ({{}})
ORDER BY b.number"""  # noqa: S608 - table names from the models, values as parameters


def public_stands(keys: list[StandKey]) -> dict[StandKey, BoothRef]:
    """``hooks.exhibitor_booths``: where the exhibitors ``keys`` names stand, for the public
    (announced assignments of active exhibitors on a published plan of a public edition), in
    one query; the map's address reversed once per edition."""
    wanted = set(keys)
    if not wanted:
        return {}
    lists = [sorted({k[i] for k in wanted}) for i in (2, 0, 1)]  # organisations, series, numbers
    sql = _PUBLIC_STANDS.format(*(", ".join(["%s"] * len(values)) for values in lists))
    params = [Exhibitor.Status.ACTIVE.value, Edition.Status.DRAFT.value]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *(value for values in lists for value in values)])
        rows = cursor.fetchall()
    maps: dict[tuple[str, int], str] = {}
    out: dict[StandKey, BoothRef] = {}
    for series, number, organisation, booth in rows:
        key = (series, number, organisation)
        if key not in wanted or key in out:
            continue
        if (series, number) not in maps:
            maps[(series, number)] = reverse("floorplan:map", args=[series, number])
        out[key] = BoothRef(booth, f"{maps[(series, number)]}?{urlencode({'booth': booth})}")
    return out


def public_stand(edition: Edition, organisation: Organisation) -> Assignment | None:
    """Where ``organisation`` stands at ``edition`` for the public (its exhibitor page)."""
    return (
        Assignment.objects.filter(
            announced=True,
            booth__venue__edition=edition,
            booth__venue__published_at__isnull=False,
            exhibitor__organisation=organisation,
            exhibitor__status=Exhibitor.Status.ACTIVE,
        )
        .exclude(booth__venue__edition__status=Edition.Status.DRAFT)
        .select_related("booth__venue")
        .first()
    )


def booth_number_of(exhibitor: Exhibitor) -> str:
    """The number of the exhibitor's booth, "" while it has none (the sales app's header)."""
    number = (
        Assignment.objects.filter(exhibitor=exhibitor)
        .values_list("booth__number", flat=True)
        .first()
    )
    return number or ""


def unplaced(edition: Edition, venue: Venue | None) -> list[Exhibitor]:
    """The edition's exhibitors without a booth, in the order of their names."""
    rows = exhibitors_of(edition)
    if venue is not None:
        rows = rows.exclude(booth_assignment__booth__venue=venue)
    return list(rows)


def placed(venue: Venue) -> list[Assignment]:
    """Every assignment of the venue, by booth number as people count them."""
    rows = Assignment.objects.filter(booth__venue=venue).select_related(
        "booth", "exhibitor__organisation"
    )
    return sorted(rows, key=lambda a: (_natural(a.booth.number), a.pk))


def exhibitor_of(edition: Edition, pk: int) -> Exhibitor:
    """An exhibitor of the edition that the organisers' map names (404 if not one)."""
    return get_object_or_404(exhibitors_of(edition), pk=pk)


def booth_at(venue: Venue | None, pk: int) -> Booth:
    if venue is None:
        raise Http404
    return get_object_or_404(venue.booths.select_related("venue"), pk=pk)


# --- The printables (fpops) ---------------------------------------------------------------


@dataclass(frozen=True)
class PrintedPlan:
    """The plan as the A3 printout draws it: every placement shown (it is the organisers'),
    ``zones`` for the legend (kind, name) and ``placed`` booth by booth (number, names)."""

    drawing: Drawing
    zones: list[tuple[str, str]]
    placed: list[tuple[str, list[str]]]


def printed_plan(venue: Venue | None) -> PrintedPlan:
    if venue is None:
        return PrintedPlan(Drawing(view_box="0 0 10 10"), [], [])
    placed: dict[int, list[str]] = {}
    for a in (
        Assignment.objects.filter(booth__venue=venue)
        .select_related("exhibitor__organisation")
        .order_by("exhibitor__organisation__name_fr")
    ):
        placed.setdefault(a.booth_id, []).append(str(a.exhibitor.organisation))
    shapes, outlines = [], []
    x0, _y0, x1, _y1 = geometry.bounds(venue.outline) if venue.outline else (0, 0, 0, 0)
    middle = (x0 + x1) / 2
    if venue.outline:
        shapes.append(_shape(venue.outline, "site"))
        outlines.append(venue.outline)
    zones = list(zones_of(venue))
    labels = []
    for zone in zones:
        # Its name just above its outline, towards the middle of the site (tents are full of
        # booths): drawn last, over everything.
        shapes.append(Shape(geometry.svg_path(zone.outline), f"zone zone-{zone.kind}"))
        outlines.append(zone.outline)
        x0, _y0, x1, y1 = geometry.bounds(zone.outline)
        east = (x0 + x1) / 2 > middle
        labels.append(
            Shape(
                "",
                "label" + (" east" if east else ""),
                str(zone),
                "",
                x1 if east else x0,
                -y1 - 0.3,
            )
        )
    for structure in structures_of(venue):
        shapes.append(_shape(structure.outline, "structure", title=str(structure)))
        outlines.append(structure.outline)
    booths = booth_list(venue)
    for booth in booths:
        css = "booth placed" if booth.pk in placed else "booth"
        shapes.append(_shape(booth.outline, css, booth.number))
        outlines.append(booth.outline)
    shapes += labels
    box = geometry.view_box(outlines)
    seen: dict[tuple[str, str], None] = {}
    for zone in zones:
        seen[(zone.kind, str(zone))] = None
    return PrintedPlan(
        drawing=Drawing(view_box=" ".join(geometry.fmt(v) for v in box), shapes=shapes),
        zones=list(seen),
        placed=[(b.number, placed[b.pk]) for b in booths if b.pk in placed],
    )


@dataclass(frozen=True)
class Sign:
    number: str
    name_ar: str
    name_fr: str
    organisation: str  # its slug, for the address of its public page


def signs_of(edition: Edition) -> list[Sign]:
    """A sign per placed exhibitor, in the order people count booths (A1, A2 … A10)."""
    venue = venue_of(edition)
    if venue is None:
        return []
    rows = Assignment.objects.filter(booth__venue=venue).select_related(
        "booth", "exhibitor__organisation"
    )
    signs = [
        Sign(
            number=a.booth.number,
            name_ar=a.exhibitor.organisation.name_ar,
            name_fr=a.exhibitor.organisation.name_fr,
            organisation=a.exhibitor.organisation.slug,
        )
        for a in rows
    ]
    return sorted(signs, key=lambda s: (_natural(s.number), s.name_fr))
