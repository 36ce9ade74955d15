"""The call of an edition over JSON (read by anyone once the edition is announced, written by
its organisers), and the edition's exhibitors."""

import datetime
from decimal import Decimal

from ninja import Field, Router, Schema, Status

from maarid.api.api import AUTH, OPTIONAL_AUTH, InputSchema
from maarid.api.schemas import Day, EditionNumber, Error, FieldErrors, Id
from maarid.fairs.selectors import with_edition
from maarid.registry.models import Kind, Sector

from . import selectors, services
from .api_schemas import money
from .models import Call

router = Router()  # tagged by the router of api.py


class CriterionOut(Schema):
    id: int
    name_ar: str
    name_fr: str
    weight: int


class RequiredDocumentOut(Schema):
    id: int
    name_ar: str
    name_fr: str


class QuotaOut(Schema):
    sector: Sector
    minimum: int | None
    maximum: int | None


class CallOut(Schema):
    series: str = Field(alias="edition.series.slug")
    number: int = Field(alias="edition.number")
    opens_on: datetime.date
    closes_on: datetime.date
    is_open: bool = Field(description="Whether applications are accepted today.")
    places: int
    waitlist_size: int
    eligible_kinds: list[Kind] = Field(description="Empty: every kind.")
    eligible_sectors: list[Sector] = Field(description="Empty: every sector.")
    women_min_share: int | None = Field(description="Minimum share of women's cooperatives (%).")
    province_max: int | None
    first_timer_places: int
    reviewers_per_application: int
    aggregation: Call.Aggregation
    disagreement: str = Field(description="Spread between reviewers shown as a disagreement.")
    decisions_published_at: datetime.datetime | None
    criteria: list[CriterionOut]
    required_documents: list[RequiredDocumentOut]
    sector_quotas: list[QuotaOut]

    @staticmethod
    def resolve_is_open(obj):
        return obj.is_open()

    @staticmethod
    def resolve_disagreement(obj):
        return money(obj.disagreement)

    @staticmethod
    def resolve_criteria(obj):
        return list(obj.criteria.all())

    @staticmethod
    def resolve_required_documents(obj):
        return list(obj.required_documents.all())

    @staticmethod
    def resolve_sector_quotas(obj):
        return selectors.sector_quotas(obj)


class QuotaIn(InputSchema):
    sector: Sector
    minimum: int | None = Field(None, ge=0, le=100_000)
    maximum: int | None = Field(None, ge=0, le=100_000)


class CriterionIn(InputSchema):
    id: Id | None = Field(None, description="One of the call's criteria; none: a new one.")
    name_ar: str = Field(max_length=120)
    name_fr: str = Field(max_length=120)
    weight: int = Field(1, ge=1, le=100)


class RequiredDocumentIn(InputSchema):
    id: Id | None = Field(None, description="One of the call's documents; none: a new one.")
    name_ar: str = Field(max_length=120)
    name_fr: str = Field(max_length=120)


class CallIn(InputSchema):
    opens_on: Day
    closes_on: Day
    places: int = Field(ge=1, le=100_000)
    waitlist_size: int = Field(30, ge=0, le=100_000)
    eligible_kinds: list[Kind] = []
    eligible_sectors: list[Sector] = []
    women_min_share: int | None = Field(None, ge=0, le=100)
    province_max: int | None = Field(None, ge=1, le=100_000)
    first_timer_places: int = Field(0, ge=0, le=100_000)
    reviewers_per_application: int = Field(2, ge=2, le=20)
    aggregation: Call.Aggregation = Call.Aggregation.MEAN
    disagreement: Decimal = Field(Decimal("2.50"), ge=0, le=10, max_digits=4, decimal_places=2)
    criteria: list[CriterionIn] | None = Field(
        None,
        min_length=1,
        max_length=100,
        description="Replaces the rubric when given (rows with an id change that criterion, "
        "the others are added, those left out removed); left alone when omitted. Once "
        "reviewers have marked applications, only the names may change.",
    )
    required_documents: list[RequiredDocumentIn] | None = Field(
        None, max_length=100, description="Replaces the required documents, like `criteria`."
    )
    sector_quotas: list[QuotaIn] | None = Field(
        None, description="Replaces the sector quotas when given; left alone when omitted."
    )


class ExhibitorOut(Schema):
    organisation: str = Field(alias="organisation.slug")
    name_ar: str = Field(alias="organisation.name_ar")
    name_fr: str = Field(alias="organisation.name_fr")


@router.get(
    "/editions/{series}/{number}/call",
    response={200: CallOut, 404: Error},
    auth=OPTIONAL_AUTH,
    summary="The call for exhibitors of an edition",
    description="Public once the edition is announced.",
)
@with_edition()
def get_call(request, series: str, number: EditionNumber):
    return selectors.call_of(request.edition)


@router.put(
    "/editions/{series}/{number}/call",
    response={200: CallOut, 201: CallOut, 403: Error, 404: Error, 422: FieldErrors},
    auth=AUTH,
    summary="Open or change the call (organisers)",
    description="Creates the call, with the usual rubric and documents, or replaces its settings.",
)
@with_edition(need="organise")
def put_call(request, series: str, number: EditionNumber, payload: CallIn):
    settings = payload.dict(include=set(services.CALL_SETTINGS))
    settings["eligible_kinds"] = [str(k) for k in settings["eligible_kinds"]]
    settings["eligible_sectors"] = [str(s) for s in settings["eligible_sectors"]]
    existed = selectors.call_or_none(request.edition) is not None
    call = services.save_call(
        actor=request.user,
        edition=request.edition,
        settings=settings,
        criteria=_rows(services.CriterionRow, payload.criteria),
        documents=_rows(services.DocumentRow, payload.required_documents),
        quotas=_rows(services.QuotaRow, payload.sector_quotas),
    )
    return Status(200 if existed else 201, call)


def _rows(row, items):
    return None if items is None else [row(**item.dict()) for item in items]


@router.get(
    "/editions/{series}/{number}/exhibitors",
    response={200: list[ExhibitorOut], 404: Error},
    auth=OPTIONAL_AUTH,
    summary="The exhibitors of an edition",
    description="Public: the organisations exhibiting (withdrawn ones are left out).",
)
@with_edition()
def list_exhibitors(request, series: str, number: EditionNumber):
    return selectors.exhibitors_by_name(request.edition)
