import datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from maarid.api.api import AUTH, OPTIONAL_AUTH, InputSchema
from maarid.api.schemas import Day, EditionNumber, Error, FieldErrors, LocalTime, named_choices
from maarid.core import access

from . import services
from .models import Edition, Series

router = Router(tags=["fairs"])

EditionStatus = Annotated[Edition.Status, named_choices(Edition.Status, "EditionStatus")]
MAX_DAYS = 366


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
    opens_at: LocalTime
    closes_at: LocalTime
    slogan_ar: str
    slogan_fr: str
    status: EditionStatus
    partners: list[PartnerOut] = Field(alias="partner_list")


class EditionPatch(InputSchema):
    """The fields sent are changed, the others left alone. Null only clears the area: the
    other fields always have a value (null was a 500 for the names)."""

    name_ar: str = Field(None, max_length=200)
    name_fr: str = Field(None, max_length=200)
    venue_ar: str = Field(None, max_length=200)
    venue_fr: str = Field(None, max_length=200)
    area_m2: int | None = Field(None, ge=0, le=10_000_000)
    starts_on: Day = None
    ends_on: Day = None
    opens_at: LocalTime = None
    closes_at: LocalTime = None
    slogan_ar: str = Field(None, max_length=300)
    slogan_fr: str = Field(None, max_length=300)


class StatusIn(InputSchema):
    status: EditionStatus


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
def get_edition(request, series: str, number: EditionNumber):
    return _with_partners(_edition(request, series, number))


@router.patch(
    "/editions/{series}/{number}",
    response={200: EditionOut, 403: Error, 404: Error, 422: FieldErrors},
    auth=AUTH,
)
def update_edition(request, series: str, number: EditionNumber, payload: EditionPatch):
    edition = _edition(request, series, number)
    for field, value in payload.dict(exclude_unset=True).items():
        setattr(edition, field, value)
    if (edition.ends_on - edition.starts_on).days >= MAX_DAYS:
        # Every figure lists the edition's days: 9999 years of them would take hours.
        raise ValidationError({"ends_on": _("An edition lasts a year at most.")})
    services.save_edition(request.user, edition)
    return _with_partners(edition)


@router.post(
    "/editions/{series}/{number}/status",
    response={200: EditionOut, 403: Error, 404: Error, 422: FieldErrors},
    auth=AUTH,
)
def move_edition(request, series: str, number: EditionNumber, payload: StatusIn):
    edition = _edition(request, series, number)
    services.move_edition(request.user, edition, Edition.Status(payload.status.value))
    return _with_partners(edition)
