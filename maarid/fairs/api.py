import datetime
from typing import Annotated

from ninja import Field, Router, Schema

from maarid.api.api import AUTH, OPTIONAL_AUTH, InputSchema
from maarid.api.schemas import (
    Day,
    EditionNumber,
    Error,
    FieldErrors,
    LocalTime,
    named_choices,
    omittable,
)

from . import selectors, services
from .models import Edition
from .selectors import with_edition

router = Router(tags=["fairs"])

EditionStatus = Annotated[Edition.Status, named_choices(Edition.Status, "EditionStatus")]


class SeriesOut(Schema):
    slug: str
    name_ar: str
    name_fr: str
    region: str | None = Field(None, alias="region_id")


class PartnerOut(Schema):
    organisation: str = Field(alias="organisation.slug")
    name_ar: str = Field(alias="organisation.name_ar")
    name_fr: str = Field(alias="organisation.name_fr")
    role: str


class EditionBase(Schema):
    """What every API shows of an edition (the fairs API adds its practical details, the
    catalogue its figures and addresses)."""

    series: str = Field(alias="series.slug")
    number: int
    name_ar: str
    name_fr: str
    city: str = Field(alias="city_id")
    venue_ar: str
    venue_fr: str
    starts_on: datetime.date
    ends_on: datetime.date
    slogan_ar: str
    slogan_fr: str
    status: EditionStatus


class EditionOut(EditionBase):
    area_m2: int | None
    opens_at: LocalTime
    closes_at: LocalTime
    partners: list[PartnerOut] = Field(alias="partner_list")


class EditionPatch(InputSchema):
    """The fields sent are changed, the others left alone. Null only clears the area: the
    other fields always have a value (null was a 500 for the names)."""

    name_ar: str = omittable(max_length=200)
    name_fr: str = omittable(max_length=200)
    venue_ar: str = omittable(max_length=200)
    venue_fr: str = omittable(max_length=200)
    area_m2: int | None = Field(None, ge=0, le=10_000_000)
    starts_on: Day = omittable()
    ends_on: Day = omittable()
    opens_at: LocalTime = omittable()
    closes_at: LocalTime = omittable()
    slogan_ar: str = omittable(max_length=300)
    slogan_fr: str = omittable(max_length=300)


class StatusIn(InputSchema):
    status: EditionStatus
    reason: str = Field("", max_length=500, description="Why, when the edition steps back.")


@router.get("/series", response=list[SeriesOut], auth=OPTIONAL_AUTH)
def list_series(request):
    return selectors.all_series()


@router.get("/editions", response=list[EditionOut], auth=OPTIONAL_AUTH)
def list_editions(request):
    return [selectors.with_partners(e) for e in selectors.public_editions()]


@router.get(
    "/editions/{series}/{number}", response={200: EditionOut, 404: Error}, auth=OPTIONAL_AUTH
)
@with_edition()
def get_edition(request, series: str, number: EditionNumber):
    return selectors.with_partners(request.edition)


@router.patch(
    "/editions/{series}/{number}",
    response={200: EditionOut, 403: Error, 404: Error, 422: FieldErrors},
    auth=AUTH,
)
@with_edition()
def update_edition(request, series: str, number: EditionNumber, payload: EditionPatch):
    edition = services.update_edition(
        actor=request.user, edition=request.edition, changes=payload.dict(exclude_unset=True)
    )
    return selectors.with_partners(edition)


@router.post(
    "/editions/{series}/{number}/status",
    response={200: EditionOut, 403: Error, 404: Error, 422: FieldErrors},
    auth=AUTH,
)
@with_edition()
def move_edition(request, series: str, number: EditionNumber, payload: StatusIn):
    edition = services.move_edition(
        actor=request.user, edition=request.edition, status=payload.status, reason=payload.reason
    )
    return selectors.with_partners(edition)
