import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from maarid.api.api import AUTH, OPTIONAL_AUTH, InputSchema
from maarid.core import access
from maarid.core.audit import acting_as

from . import services
from .models import Edition, Series

router = Router(tags=["fairs"])


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


class EditionOut(Schema):
    series: str = Field(alias="series.slug")
    number: int
    name_ar: str
    name_fr: str
    city: str = Field(alias="city_id")
    venue_ar: str
    venue_fr: str
    area_m2: int | None
    starts_on: datetime.date
    ends_on: datetime.date
    opens_at: datetime.time
    closes_at: datetime.time
    slogan_ar: str
    slogan_fr: str
    status: Edition.Status
    partners: list[PartnerOut] = Field(alias="partner_list")


class EditionPatch(InputSchema):
    name_ar: str | None = None
    name_fr: str | None = None
    venue_ar: str | None = None
    venue_fr: str | None = None
    area_m2: int | None = Field(None, ge=0)
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    opens_at: datetime.time | None = None
    closes_at: datetime.time | None = None
    slogan_ar: str | None = None
    slogan_fr: str | None = None


class StatusIn(InputSchema):
    status: Edition.Status


class Error(Schema):
    detail: dict | str


def _with_partners(edition):
    edition.partner_list = list(edition.partners.select_related("organisation"))
    return edition


def _edition(request, series, number):
    edition = get_object_or_404(
        Edition.objects.select_related("series"), series__slug=series, number=number
    )
    return access.require_view(request.user, edition)


@router.get("/series", response=list[SeriesOut], auth=OPTIONAL_AUTH)
def list_series(request):
    return Series.objects.all()


@router.get("/editions", response=list[EditionOut], auth=OPTIONAL_AUTH)
def list_editions(request):
    return [_with_partners(e) for e in Edition.objects.public().select_related("series")]


@router.get(
    "/editions/{series}/{number}", response={200: EditionOut, 404: Error}, auth=OPTIONAL_AUTH
)
def get_edition(request, series: str, number: int):
    return _with_partners(_edition(request, series, number))


@router.patch(
    "/editions/{series}/{number}",
    response={200: EditionOut, 403: Error, 404: Error, 422: Error},
    auth=AUTH,
)
def update_edition(request, series: str, number: int, payload: EditionPatch):
    edition = _edition(request, series, number)
    for field, value in payload.dict(exclude_unset=True).items():
        setattr(edition, field, value)
    with acting_as(request.user):
        services.save_edition(request.user, edition)
    return _with_partners(edition)


@router.post(
    "/editions/{series}/{number}/status",
    response={200: EditionOut, 403: Error, 404: Error, 422: Error},
    auth=AUTH,
)
def move_edition(request, series: str, number: int, payload: StatusIn):
    edition = _edition(request, series, number)
    with acting_as(request.user):
        services.move_edition(request.user, edition, payload.status)
    return _with_partners(edition)
