"""The floor plan's API: the venue as GeoJSON (read by whoever may see the plan, replaced by
its organisers), its booths (one edited at a time), who stands where, and the public map's
data. A plan not yet published is a 404 for everyone but the organisers of the series."""

from typing import Annotated, Any

from ninja import Field, Router, Schema
from pydantic import StrictBool

from maarid.api.api import AUTH, OPTIONAL_AUTH, InputSchema
from maarid.api.schemas import EditionNumber, Error, FieldErrors, Id, named_choices, omittable
from maarid.fairs.selectors import with_edition

from . import geojson, geometry, selectors, services
from .models import Booth, Structure, Zone

router = Router(tags=["floorplan"], auth=OPTIONAL_AUTH)

BoothKind = Annotated[Booth.Kind, named_choices(Booth.Kind, "FloorplanBoothKind")]
StructureKind = Annotated[Structure.Kind, named_choices(Structure.Kind, "FloorplanStructureKind")]
ZoneKind = Annotated[Zone.Kind, named_choices(Zone.Kind, "FloorplanZoneKind")]
Outline = list[list[list[float]]]
OUTLINE = "GeoJSON polygon coordinates in metres: closed rings of [x, y], the outer ring first"


# --- The venue as GeoJSON -----------------------------------------------------------------


class FloorplanGeometry(Schema):
    type: str = Field(description='"Polygon"')
    coordinates: Outline = Field(description=OUTLINE)


class FloorplanFeature(Schema):
    type: str = Field(description='"Feature"')
    geometry: FloorplanGeometry
    properties: dict[str, Any] = Field(description="``kind`` and the properties of that kind")


class FloorplanFeatureCollection(Schema):
    """The venue: its site, tents and halls, booths and zones, typed by the ``kind`` property
    of each feature (see ``maarid/floorplan/geojson.py``)."""

    type: str = Field(description='"FeatureCollection"')
    features: list[FloorplanFeature]


# A GeoJSON document may carry members of its own (RFC 7946, 6.1: "bbox", "crs", a drawing
# tool's "id"): they are ignored, not refused. What the plan reads is checked by the service,
# which names the feature at fault in the user's language.
class FloorplanFeatureIn(Schema):
    type: str = Field(max_length=40)
    geometry: dict[str, Any] | None = None
    properties: dict[str, Any] | None = None


class FloorplanFeatureCollectionIn(Schema):
    type: str = Field(max_length=40, description='"FeatureCollection"')
    features: list[FloorplanFeatureIn] = Field(max_length=geojson.MAX_FEATURES)


@router.get(
    "/editions/{series}/{number}/venue", response={200: FloorplanFeatureCollection, 404: Error}
)
@with_edition()
def get_venue(request, series: str, number: EditionNumber):
    venue = selectors.visible_venue(request.edition, request.user)
    return selectors.geojson_of(venue)


@router.put(
    "/editions/{series}/{number}/venue",
    response={200: FloorplanFeatureCollection, 403: Error, 404: Error, 422: FieldErrors},
    auth=AUTH,
)
@with_edition(need="organise")
def put_venue(request, series: str, number: EditionNumber, payload: FloorplanFeatureCollectionIn):
    """Replaces the venue with the plan the document draws; refused whole (422, a message per
    feature, keyed ``features.<i>``) if it cannot be read or breaks a rule."""
    edition = request.edition
    venue = services.import_geojson(actor=request.user, edition=edition, source=request.body)
    return selectors.geojson_of(venue)


class FloorplanPublishIn(InputSchema):
    published: StrictBool


class FloorplanPublishOut(Schema):
    published: bool


@router.post(
    "/editions/{series}/{number}/venue/publish",
    response={200: FloorplanPublishOut, 403: Error, 404: Error, 422: FieldErrors},
    auth=AUTH,
)
@with_edition(need="organise")
def publish_venue(request, series: str, number: EditionNumber, payload: FloorplanPublishIn):
    edition = request.edition
    venue = services.publish(actor=request.user, edition=edition, published=payload.published)
    return {"published": venue.published}


# --- Booths -------------------------------------------------------------------------------


class FloorplanBoothOut(Schema):
    id: int
    number: str
    type: BoothKind = Field(alias="kind")
    structure: str | None
    area_m2: float
    electricity: bool
    water: bool
    refrigeration: bool
    fixed: str | None = Field(description="the slug of the organisation fixed in this booth")
    outline: Outline = Field(description=OUTLINE)

    @staticmethod
    def resolve_structure(obj: Booth):
        return obj.structure.name if obj.structure else None

    @staticmethod
    def resolve_fixed(obj: Booth):
        return obj.fixed_exhibitor.organisation.slug if obj.fixed_exhibitor else None


class FloorplanBoothIn(InputSchema):
    """The fields sent are changed, the others kept; null puts the booth in the open
    (``structure``) or frees it (``fixed``)."""

    number: str = omittable(min_length=1, max_length=20)
    type: BoothKind = omittable()
    structure: str | None = Field(None, max_length=60, description="the name of its tent")
    electricity: StrictBool = omittable()
    water: StrictBool = omittable()
    refrigeration: StrictBool = omittable()
    fixed: str | None = Field(None, max_length=100, description="an exhibiting organisation")
    outline: list[Any] = omittable(max_length=geometry.MAX_RINGS, description=OUTLINE)


@router.get(
    "/editions/{series}/{number}/booths", response={200: list[FloorplanBoothOut], 404: Error}
)
@with_edition()
def list_booths(request, series: str, number: EditionNumber):
    venue = selectors.visible_venue(request.edition, request.user)
    return selectors.booth_list(venue)


@router.patch(
    "/editions/{series}/{number}/booths/{booth_id}",
    response={200: FloorplanBoothOut, 403: Error, 404: Error, 422: FieldErrors},
    auth=AUTH,
)
@with_edition(need="organise")
def edit_booth(
    request,
    series: str,
    number: EditionNumber,
    booth_id: Id,
    payload: FloorplanBoothIn,
):
    venue = selectors.venue_of(request.edition)
    booth = selectors.booth_of(venue, booth_id)
    changes = payload.dict(exclude_unset=True)
    if "type" in changes:
        changes["kind"] = changes.pop("type")
    services.edit_booth(actor=request.user, booth=booth, **changes)
    return selectors.booth_of(venue, booth_id)


# --- Who stands where, and the map --------------------------------------------------------


class FloorplanAssignmentOut(Schema):
    booth: str
    exhibitor: str
    organisation: str = Field(description="the exhibiting organisation's slug")
    announced: bool

    @staticmethod
    def resolve_booth(obj: Any):
        return str(obj.booth.number)

    @staticmethod
    def resolve_exhibitor(obj: Any):
        return str(obj.exhibitor.organisation)

    @staticmethod
    def resolve_organisation(obj: Any):
        return str(obj.exhibitor.organisation.slug)


@router.get(
    "/editions/{series}/{number}/assignments",
    response={200: list[FloorplanAssignmentOut], 404: Error},
)
@with_edition()
def list_assignments(request, series: str, number: EditionNumber):
    """Everything for the organisers; what was announced for anyone else."""
    venue = selectors.visible_venue(request.edition, request.user)
    return selectors.assignments_for(venue, request.user)


class FloorplanStructureOut(Schema):
    name: str
    kind: StructureKind
    outline: Outline


class FloorplanZoneOut(Schema):
    kind: ZoneKind
    name: str
    outline: Outline


class FloorplanMapExhibitorOut(Schema):
    name: str
    organisation: str = Field(description="the organisation's slug")


class FloorplanMapBoothOut(Schema):
    number: str
    type: BoothKind
    structure: str | None
    area_m2: float
    electricity: bool
    water: bool
    refrigeration: bool
    exhibitors: list[FloorplanMapExhibitorOut] = Field(
        description="who stands there, as far as the caller may know (announced)"
    )
    outline: Outline


class FloorplanMapOut(Schema):
    """What a map draws: in metres on the venue's plane (x east, y north); latitude and
    longitude place the origin on Earth, when known."""

    outline: Outline = Field(description="the site; empty while it is not drawn")
    latitude: float | None
    longitude: float | None
    structures: list[FloorplanStructureOut]
    booths: list[FloorplanMapBoothOut]
    zones: list[FloorplanZoneOut]


@router.get("/editions/{series}/{number}/map", response={200: FloorplanMapOut, 404: Error})
@with_edition()
def get_map(request, series: str, number: EditionNumber):
    venue = selectors.visible_venue(request.edition, request.user)
    return selectors.map_of(venue, request.user)
