"""The floor plan as GeoJSON: a FeatureCollection of polygons in metres, each feature typed by
its ``kind`` property. ``write`` then ``read`` gives the same plan back, and ``read`` then
``write`` the same document (coordinates as numbers, every property spelt out).

    site   {"kind": "site", "latitude": 35.57, "longitude": -5.37}   (both may be null)
    tent   {"kind": "tent", "name": "A"}             (or "hall")
    booth  {"kind": "booth", "number": "A12", "type": "standard", "structure": "A",
            "electricity": true, "water": false, "refrigeration": false, "fixed": null}
    zone   {"kind": "zone", "type": "stage", "name": "Grande scène"}

A booth's ``type`` is one of ``Booth.Kind``, a zone's one of ``Zone.Kind``; ``structure`` names
the booth's tent (null for a booth in the open); ``fixed`` is the slug of the organisation the
organisers placed there for good. Other properties and members are ignored (drawing tools add
their own). What cannot be read is refused with a message per feature, keyed ``features.<i>``
(counted from 0, as the API's field paths are).
"""

import json
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from . import wording
from .geometry import (
    BoothPlan,
    Coordinates,
    Part,
    Plan,
    ShapeError,
    StructurePlan,
    ZonePlan,
    read_polygon,
)
from .models import Booth, Structure, Zone

MAX_FEATURES = 5_000
# What a file refused for its features says at most: a plan drawn in the wrong unit has a
# thousand wrong booths, and one screen of messages tells the organiser enough.
MAX_MESSAGES = 30
STRUCTURE_KINDS = tuple(Structure.Kind.values)
KINDS = ("site", *STRUCTURE_KINDS, "booth", "zone")


def key(index: int) -> str:
    return f"features.{index}"


def _refuse(message: str) -> ValidationError:
    return ValidationError({NON_FIELD_ERRORS: [message]})


def load(source: bytes | str) -> object:
    """The parsed document, or a refusal: not JSON (nor UTF-8), or nested past what Python
    reads."""
    try:
        return json.loads(source)
    except (ValueError, RecursionError):
        raise _refuse(_("The file cannot be read as JSON."))


def read(document: object) -> tuple[Plan, dict[Part, int]]:
    """The plan a parsed GeoJSON document describes, and where each part was in the file (so
    that the rules it breaks name the feature). Raises ``ValidationError``."""
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise _refuse(_("The file is not a GeoJSON FeatureCollection."))
    features = document.get("features")
    if not isinstance(features, list):
        raise _refuse(_("The file is not a GeoJSON FeatureCollection."))
    if len(features) > MAX_FEATURES:
        raise _refuse(
            _("The plan has more than %(count)s features.") % {"count": f"{MAX_FEATURES:,}"}
        )
    plan, places = Plan(), dict[Part, int]()
    errors: dict[str, list[str]] = {}
    for index, item in enumerate(features):
        try:
            part = _feature(plan, item, index)
        except ValidationError as error:
            errors[key(index)] = error.messages
            if len(errors) >= MAX_MESSAGES:
                break
        else:
            places.setdefault(part, index)
    if errors:
        raise ValidationError(errors)
    return plan, places


def _feature(plan: Plan, item: object, index: int) -> Part:
    name = wording.feature(index)
    if not isinstance(item, dict) or item.get("type") != "Feature":
        raise _invalid(_("%(feature)s is not a GeoJSON Feature."), name)
    properties = item.get("properties")
    properties = properties if isinstance(properties, dict) else {}
    kind = properties.get("kind")
    if kind not in KINDS:
        raise _invalid(
            _("%(feature)s: its kind must be one of %(kinds)s."), name, kinds=", ".join(KINDS)
        )
    text = _Reader(properties, name)
    if kind == "booth":
        number = text.name("number", 20, required=True)
        name = wording.label(Part("booth", number))
    elif kind in STRUCTURE_KINDS:
        structure_name = text.name("name", 60, required=True)
        name = wording.label(Part(kind, structure_name))
    text.where = name
    outline = _outline(item.get("geometry"), name)
    if kind == "site":
        if plan.outline:
            raise _invalid(_("%(feature)s: a plan has one site."), name)
        plan.outline = outline
        plan.latitude = text.number("latitude", 90)
        plan.longitude = text.number("longitude", 180)
        return Part("site")
    if kind in STRUCTURE_KINDS:
        plan.structures.append(StructurePlan(name=structure_name, kind=kind, outline=outline))
        return plan.structures[-1].part
    if kind == "booth":
        plan.booths.append(
            BoothPlan(
                number=number,
                outline=outline,
                kind=text.choice("type", Booth.Kind.values, Booth.Kind.STANDARD),
                structure=text.name("structure", 60) or None,
                electricity=text.flag("electricity"),
                water=text.flag("water"),
                refrigeration=text.flag("refrigeration"),
                fixed=text.name("fixed", 100) or None,
            )
        )
        return plan.booths[-1].part
    zone = ZonePlan(
        kind=text.choice("type", Zone.Kind.values, None),
        outline=outline,
        name=text.name("name", 100),
    )
    plan.zones.append(zone)
    return zone.part


def _invalid(message: str, where: str, **params: object) -> ValidationError:
    return ValidationError(capfirst(message % {"feature": where, **params}))


def _outline(geometry: object, where: str) -> Coordinates:
    if not isinstance(geometry, dict) or geometry.get("type") != "Polygon":
        raise _invalid(_("%(feature)s: its geometry must be a Polygon."), where)
    try:
        return read_polygon(geometry.get("coordinates"))
    except ShapeError as error:
        if error.code == "far":
            raise _invalid(
                _(
                    "%(feature)s lies more than 100 km from the plan's origin: "
                    "coordinates are in metres."
                ),
                where,
            )
        raise _invalid(
            _("%(feature)s: its coordinates are not closed rings of [x, y] positions."), where
        )


class _Reader:
    """A feature's properties, each checked as it is read."""

    def __init__(self, properties: dict[Any, Any], where: str):
        self.properties = properties
        self.where = where

    def _wrong(self, name: str) -> ValidationError:
        return _invalid(
            _("%(feature)s: the property “%(name)s” has a wrong value."), self.where, name=name
        )

    def name(self, name: str, length: int, *, required: bool = False) -> str:
        value = self.properties.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # booth numbers drawn as numbers
        if value is None:
            value = ""
        if not isinstance(value, str) or len(value.strip()) > length:
            raise self._wrong(name)
        if required and not value.strip():
            raise _invalid(
                _("%(feature)s: the property “%(name)s” is missing."), self.where, name=name
            )
        return value.strip()

    def flag(self, name: str) -> bool:
        value = self.properties.get(name, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self._wrong(name)
        return value

    def number(self, name: str, limit: float) -> float | None:
        value = self.properties.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or abs(value) > limit:
            raise self._wrong(name)
        return float(value)

    def choice(self, name: str, values: list[str], default: str | None) -> str:
        value = self.properties.get(name, default)
        if value not in values:
            raise _invalid(
                _("%(feature)s: the property “%(name)s” must be one of %(values)s."),
                self.where,
                name=name,
                values=", ".join(values),
            )
        return str(value)


def _feature_out(outline: Coordinates, properties: Mapping[str, object]) -> dict[str, object]:
    return {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": outline},
        "properties": properties,
    }


def write(plan: Plan) -> dict[str, object]:
    """The plan as a GeoJSON FeatureCollection (what ``read`` reads back)."""
    features = []
    if plan.outline:
        site = {"kind": "site", "latitude": plan.latitude, "longitude": plan.longitude}
        features.append(_feature_out(plan.outline, site))
    for s in plan.structures:
        features.append(_feature_out(s.outline, {"kind": s.kind, "name": s.name}))
    for b in plan.booths:
        properties: dict[str, object] = {
            "kind": "booth",
            "number": b.number,
            "type": b.kind,
            "structure": b.structure,
            "electricity": b.electricity,
            "water": b.water,
            "refrigeration": b.refrigeration,
            "fixed": b.fixed,
        }
        features.append(_feature_out(b.outline, properties))
    for z in plan.zones:
        features.append(_feature_out(z.outline, {"kind": "zone", "type": z.kind, "name": z.name}))
    return {"type": "FeatureCollection", "features": features}
