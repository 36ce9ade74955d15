"""What the areas of the exhibitors API share: money as decimal strings, the organisation an
application is from, and an application as each caller may read it (used by the applications'
operations and by the organisers' override)."""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema

from maarid.api.schemas import named_choices
from maarid.core import access
from maarid.core.money import CENT

from . import selectors, services
from .models import Application, BoothSize

ApplicationStatus = Annotated[
    Application.Status, named_choices(Application.Status, "ApplicationStatus")
]


def money(value: Decimal | int | str | None) -> str | None:
    return None if value is None else str(Decimal(value).quantize(CENT))


def caller(context: dict[str, Any] | None) -> Any:
    """The user an answer is being shaped for."""
    request = context["request"] if context else None
    return getattr(request, "user", None)


def organiser_of(context: dict[str, Any] | None, application: Application) -> bool:
    return access.is_organiser(caller(context), application.call.edition.series_id)


class OrganisationRef(Schema):
    slug: str
    name_ar: str
    name_fr: str


class ApplicationProductOut(Schema):
    id: int
    name_ar: str
    name_fr: str
    description: str
    price: str | None = Field(description="MAD, a decimal string.")
    has_photo: bool

    @staticmethod
    def resolve_price(obj):
        return money(obj.price)

    @staticmethod
    def resolve_has_photo(obj):
        return bool(obj.photo)


class DocumentOut(Schema):
    id: int
    requirement: int | None = Field(alias="requirement_id")
    kind: str = Field(description="pdf, jpeg or png, recognised from the content.")
    original_name: str
    size: int
    uploaded_at: datetime.datetime


class SelectionDetail(Schema):
    """What the selection made of an application: for the series' organisers only."""

    decision: Application.Decision
    score: str | None
    rank: int | None
    reason: dict
    pinned: bool | None
    override_reason: str
    decided_at: datetime.datetime | None
    notified_decision: str

    @staticmethod
    def resolve_score(obj):
        return money(obj.score)


class ReviewSummary(Schema):
    id: int
    reviewer: int = Field(alias="reviewer_id")
    reviewer_name: str
    assigned_at: datetime.datetime
    submitted_at: datetime.datetime | None
    total: str | None
    comment: str

    @staticmethod
    def resolve_reviewer_name(obj):
        return obj.reviewer.get_full_name() or obj.reviewer.username

    @staticmethod
    def resolve_total(obj):
        return money(obj.total)


class ApplicationOut(Schema):
    id: int
    series: str = Field(alias="call.edition.series.slug")
    number: int = Field(alias="call.edition.number")
    organisation: OrganisationRef
    status: ApplicationStatus
    decision: Application.Decision = Field(
        description="Stays 'pending' for applicants and reviewers until decisions are published, "
        "and for a withdrawn application."
    )
    waitlist_position: int | None = None
    motivation: str
    booth_size: BoothSize
    electricity: bool
    water: bool
    refrigeration: bool
    first_time: bool
    submitted_at: datetime.datetime | None
    withdrawn_at: datetime.datetime | None
    selection: SelectionDetail | None = Field(None, description="Organisers only.")

    @staticmethod
    def resolve_decision(obj, context):
        return selectors.visible_decision(caller(context), obj)

    @staticmethod
    def resolve_waitlist_position(obj, context):
        return selectors.waitlist_position(caller(context), obj)

    @staticmethod
    def resolve_selection(obj, context):
        return obj if organiser_of(context, obj) else None


class ApplicationDetail(ApplicationOut):
    products: list[ApplicationProductOut]
    documents: list[DocumentOut]
    missing: list[str] = Field(description="What still stops a draft from being submitted.")
    reviews: list[ReviewSummary] | None = Field(None, description="Organisers only.")

    @staticmethod
    def resolve_products(obj):
        return list(obj.products.all())

    @staticmethod
    def resolve_documents(obj):
        return list(obj.documents.all())

    @staticmethod
    def resolve_missing(obj):
        return services.missing_for_submission(application=obj) if obj.editable else []

    @staticmethod
    def resolve_reviews(obj, context):
        if not organiser_of(context, obj):
            return None
        return selectors.reviews_of(obj)
