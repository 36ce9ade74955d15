"""Reads of the floor plan: an edition's venue as rows and as a plain ``Plan``, its booths, who
stands where (as the user may see it), the figures of the dashboard and the drawing of the
organisers' page. The public sees a plan once it is published; before that it is a 404."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404

from maarid.core import access
from maarid.exhibitors.models import Exhibitor
from maarid.exhibitors.selectors import active_exhibitors
from maarid.fairs.models import Edition

from . import geojson, geometry
from .geometry import BoothPlan, Plan, StructurePlan, ZonePlan
from .models import Assignment, Booth, Structure, Venue, Zone

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
