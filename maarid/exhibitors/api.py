"""The call for exhibitors over JSON: the same operations as the pages, through services.py.

Edition-wide operations live under ``/editions/{series}/{number}/…``; an application, a review
and what hangs from them are addressed by their id. What a caller may see follows
``core.access``: an application is shown to its organisation's members, to the reviewers
assigned to it and to the series' organisers, and is a 404 for anyone else. Applicants never
receive scores, ranks or reviews, and read their decision only once it is published. Money is a
decimal string (``"125.50"``).

The selection runs synchronously: CP-SAT settles a few hundred applications in well under a
second, so a background job would only add a round of polling.
"""

import datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, FilterSchema, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from maarid.api.api import AUTH, OPTIONAL_AUTH, InputSchema
from maarid.api.pagination import PageNumberPagination
from maarid.api.schemas import (
    Day,
    EditionNumber,
    Error,
    FieldErrors,
    Id,
    named_choices,
)
from maarid.core import access, uploads
from maarid.core.models import User
from maarid.core.money import CENT
from maarid.fairs.models import Edition
from maarid.registry.models import Kind, Organisation, Sector

from . import selectors, services
from .models import (
    Application,
    ApplicationDocument,
    ApplicationProduct,
    BoothSize,
    Call,
    Exhibitor,
    RequiredDocument,
    Review,
    Score,
)

router = Router(tags=["exhibitors"])

ApplicationStatus = Annotated[
    Application.Status, named_choices(Application.Status, "ApplicationStatus")
]


def money(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(CENT))


# --- Schemas ------------------------------------------------------------------------------


class OrganisationRef(Schema):
    slug: str
    name_ar: str
    name_fr: str


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
        return list(obj.sector_quotas.order_by("sector"))


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


class ApplicationProductIn(InputSchema):
    name_ar: str = Field("", max_length=150)
    name_fr: str = Field("", max_length=150)
    description: str = Field("", max_length=5000)
    price: Decimal | None = Field(
        None, ge=0, max_digits=10, decimal_places=2, description='MAD, e.g. "125.50".'
    )


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


def _user(context):
    request = context["request"] if context else None
    return getattr(request, "user", None)


def _organiser_of(context, application) -> bool:
    return access.is_organiser(_user(context), application.call.edition.series_id)


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
        return selectors.visible_decision(_user(context), obj)

    @staticmethod
    def resolve_waitlist_position(obj, context):
        return selectors.waitlist_position(_user(context), obj)

    @staticmethod
    def resolve_selection(obj, context):
        return obj if _organiser_of(context, obj) else None


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
        if not _organiser_of(context, obj):
            return None
        return list(obj.reviews.select_related("reviewer"))


class ApplicationStart(InputSchema):
    organisation: str = Field(description="Slug of the organisation applying.", max_length=80)


class ApplicationPatch(InputSchema):
    motivation: str | None = Field(None, max_length=10_000)
    booth_size: BoothSize | None = None
    electricity: bool | None = None
    water: bool | None = None
    refrigeration: bool | None = None


class ApplicationFilters(FilterSchema):
    status: ApplicationStatus | None = None
    decision: Application.Decision | None = None
    kind: Kind | None = None
    sector: Sector | None = None
    province: str | None = Field(None, max_length=20)
    women: bool | None = Field(None, description="Women's cooperatives only.")
    first_time: bool | None = None
    q: str | None = Field(None, max_length=100, description="Words of the organisation's name.")


class ReviewOut(Schema):
    id: int
    application: int = Field(alias="application_id")
    application_status: ApplicationStatus = Field(alias="application.status")
    organisation: OrganisationRef = Field(alias="application.organisation")
    assigned_at: datetime.datetime
    submitted_at: datetime.datetime | None
    comment: str
    total: str | None
    marks: dict[int, int] = Field(description="criterion id → mark (0–10).")

    @staticmethod
    def resolve_total(obj):
        return money(obj.total)

    @staticmethod
    def resolve_marks(obj):
        return {s.criterion_id: s.value for s in obj.scores.all()}


Mark = Annotated[int, Field(strict=True, ge=0, le=10)]


class ReviewIn(InputSchema):
    marks: dict[Id, Mark] = Field(
        description="criterion id → mark from 0 to 10, every one.", max_length=100
    )
    comment: str = Field("", max_length=5000)


class AssignIn(InputSchema):
    application: Id
    reviewer: Id = Field(description="The reviewer's user id (see the reviewers list).")


class AssignmentOut(Schema):
    id: int
    application: int = Field(alias="application_id")
    reviewer: int = Field(alias="reviewer_id")
    assigned_at: datetime.datetime


class ReviewerOut(Schema):
    id: int
    name: str
    assigned: int
    done: int


class AutoAssignOut(Schema):
    made: int


class Disagreement(Schema):
    application: int
    spread: str


class ProgressOut(Schema):
    applications: int
    assigned: int
    done: int
    fully_reviewed: int
    unassigned: int
    disagreements: list[Disagreement]


class SelectionRunOut(Schema):
    id: int
    run_at: datetime.datetime
    aggregation: Call.Aggregation
    candidates: int
    accepted: int
    total_score: str
    optimal: bool
    seconds: str
    shortfalls: list[dict]
    decisions: dict[str, int] = Field(description="Submitted applications by decision.")

    @staticmethod
    def resolve_total_score(obj):
        return money(obj.total_score)

    @staticmethod
    def resolve_seconds(obj):
        return str(obj.seconds)

    @staticmethod
    def resolve_decisions(obj):
        rows = (
            obj.call.applications.filter(status=Application.Status.SUBMITTED)
            .values_list("decision")
            .annotate(n=Count("id"))
        )
        return dict.fromkeys(Application.Decision.values, 0) | dict(rows)


class OverrideIn(InputSchema):
    accept: bool | None = Field(
        description="true: force in; false: force out; null: lift the override."
    )
    reason: str = Field("", max_length=2000)


class PublishOut(Schema):
    published_at: datetime.datetime
    messages: int = Field(description="Messages queued to applicants.")


class ExhibitorOut(Schema):
    organisation: str = Field(alias="organisation.slug")
    name_ar: str = Field(alias="organisation.name_ar")
    name_fr: str = Field(alias="organisation.name_fr")


# --- Lookups ------------------------------------------------------------------------------


def _edition(request, series: str, number: int) -> Edition:
    edition = get_object_or_404(
        Edition.objects.select_related("series"), series__slug=series, number=number
    )
    return access.require_view(request.user, edition)


def _call(request, series: str, number: int) -> Call:
    edition = _edition(request, series, number)
    call = get_object_or_404(Call.objects.select_related("edition__series"), edition=edition)
    return access.require_view(request.user, call)


def _organiser_call(request, series: str, number: int) -> Call:
    call = _call(request, series, number)
    access.require_organiser(request.user, call.edition.series_id)
    return call


APPLICATIONS = Application.objects.select_related("organisation", "call__edition__series")


def _application(request, application: int) -> Application:
    found = get_object_or_404(APPLICATIONS, pk=application)
    return access.require_view(request.user, found)


def _detail(application: Application) -> Application:
    """Re-read with what the detail schema shows, so nothing stale is sent back."""
    return APPLICATIONS.prefetch_related("products", "documents").get(pk=application.pk)


# --- The call -----------------------------------------------------------------------------


@router.get(
    "/editions/{series}/{number}/call",
    response={200: CallOut, 404: Error},
    auth=OPTIONAL_AUTH,
    summary="The call for exhibitors of an edition",
    description="Public once the edition is announced.",
)
def get_call(request, series: str, number: EditionNumber):
    return _call(request, series, number)


@router.put(
    "/editions/{series}/{number}/call",
    response={200: CallOut, 201: CallOut, 403: Error, 404: Error, 422: FieldErrors},
    auth=AUTH,
    summary="Open or change the call (organisers)",
    description="Creates the call, with the usual rubric and documents, or replaces its settings.",
)
def put_call(request, series: str, number: EditionNumber, payload: CallIn):
    edition = _edition(request, series, number)
    access.require_organiser(request.user, edition.series_id)
    settings = payload.dict(include=set(services.CALL_SETTINGS))
    settings["eligible_kinds"] = [str(k) for k in settings["eligible_kinds"]]
    settings["eligible_sectors"] = [str(s) for s in settings["eligible_sectors"]]
    existed = Call.objects.filter(edition=edition).exists()
    call = services.save_call(
        actor=request.user,
        edition=edition,
        settings=settings,
        criteria=_rows(services.CriterionRow, payload.criteria),
        documents=_rows(services.DocumentRow, payload.required_documents),
        quotas=_rows(services.QuotaRow, payload.sector_quotas),
    )
    return Status(200 if existed else 201, call)


def _rows(row, items):
    return None if items is None else [row(**item.dict()) for item in items]


# --- Applications -------------------------------------------------------------------------


@router.get(
    "/editions/{series}/{number}/applications",
    response={200: list[ApplicationOut], 404: Error},
    auth=AUTH,
    summary="Applications to an edition",
    description="Organisers see all of them; reviewers those assigned to them; applicants "
    "their own. Filters narrow the list; before publication, filtering on a decision only "
    "works for organisers.",
)
@paginate(PageNumberPagination, page_size=50)
def list_applications(
    request, series: str, number: EditionNumber, filters: Query[ApplicationFilters]
):
    call = _call(request, series, number)
    qs = selectors.visible_applications(request.user, call).select_related("call__edition__series")
    if filters.status:
        qs = qs.filter(status=filters.status.value)
    if filters.decision:
        qs = selectors.with_visible_decision(qs, request.user, call, filters.decision)
    if filters.kind:
        qs = qs.filter(organisation__kind=filters.kind)
    if filters.sector:
        qs = qs.filter(organisation__sector=filters.sector)
    if filters.province:
        qs = qs.filter(organisation__province_id=filters.province)
    if filters.women is not None:
        womens = Q(organisation__kind=Kind.COOPERATIVE, organisation__women_led=True)
        qs = qs.filter(womens) if filters.women else qs.exclude(womens)
    if filters.first_time is not None:
        qs = qs.filter(first_time=filters.first_time)
    if filters.q:
        from maarid.core.text import normalise

        for word in normalise(filters.q).split():
            qs = qs.filter(organisation__search_text__contains=word)
    return qs.order_by("submitted_at", "id")


@router.post(
    "/editions/{series}/{number}/applications",
    response={
        200: ApplicationDetail,
        201: ApplicationDetail,
        403: Error,
        404: Error,
        422: FieldErrors,
    },
    auth=AUTH,
    summary="Start an application for one's organisation",
    description="A member of the organisation starts its draft; if it already has one, that "
    "one is returned (200).",
)
def start_application(request, series: str, number: EditionNumber, payload: ApplicationStart):
    call = _call(request, series, number)
    organisation = access.require_view(
        request.user, get_object_or_404(Organisation, slug=payload.organisation)
    )
    existed = Application.objects.filter(call=call, organisation=organisation).exists()
    application = services.start_application(
        actor=request.user, call=call, organisation=organisation
    )
    return Status(200 if existed else 201, _detail(application))


@router.get(
    "/applications/{application}",
    response={200: ApplicationDetail, 404: Error},
    auth=AUTH,
    summary="One application",
    description="For the applicant's members, the reviewers assigned to it and the organisers.",
)
def get_application(request, application: Id):
    return _detail(_application(request, application))


@router.patch(
    "/applications/{application}",
    response={200: ApplicationDetail, 403: Error, 404: Error, 422: FieldErrors},
    auth=AUTH,
    summary="Change a draft (motivation, booth)",
)
def update_application(request, application: Id, payload: ApplicationPatch):
    found = _application(request, application)
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    services.update_application(actor=request.user, application=found, **fields)
    return _detail(found)


@router.post(
    "/applications/{application}/products",
    response={201: ApplicationProductOut, 403: Error, 404: Error, 422: FieldErrors},
    auth=AUTH,
    summary="Add a product to bring",
    description="The name in Arabic, in French or both; the price in MAD as a decimal string.",
)
def add_product(request, application: Id, payload: ApplicationProductIn):
    found = _application(request, application)
    product = services.add_product(actor=request.user, application=found, **payload.dict())
    return Status(201, product)


@router.delete(
    "/applications/{application}/products/{product}",
    response={204: None, 403: Error, 404: Error, 422: FieldErrors},
    auth=AUTH,
    summary="Remove a product from a draft",
)
def remove_product(request, application: Id, product: Id):
    found = _application(request, application)
    item = get_object_or_404(ApplicationProduct, pk=product, application=found)
    services.remove_product(actor=request.user, product=item)
    return Status(204, None)


@router.post(
    "/applications/{application}/documents",
    response={201: DocumentOut, 403: Error, 404: Error, 422: FieldErrors},
    auth=AUTH,
    summary="Upload a document (multipart)",
    description="A PDF, JPEG or PNG of 5 MB at most, recognised by its content (not its name). "
    "`requirement` is the id of the required document it provides.",
)
def upload_document(
    request,
    application: Id,
    file: File[UploadedFile],
    requirement: Form[Id | None] = None,
):
    found = _application(request, application)
    required = None
    if requirement is not None:
        required = RequiredDocument.objects.filter(pk=requirement, call=found.call).first()
        if required is None:
            raise ValidationError({"requirement": _("This call asks for no such document.")})
    document = services.add_document(
        actor=request.user, application=found, uploaded=file, requirement=required
    )
    return Status(201, document)


@router.get(
    "/applications/{application}/documents/{document}",
    response={200: None, 404: Error},
    auth=AUTH,
    summary="Download a document",
    description="The file itself, for those who may read the application.",
)
def download_document(request, application: Id, document: Id):
    found = _application(request, application)
    item = get_object_or_404(ApplicationDocument, pk=document, application=found)
    return uploads.serve_protected(request, item.file, True, filename=item.original_name)


@router.delete(
    "/applications/{application}/documents/{document}",
    response={204: None, 403: Error, 404: Error, 422: FieldErrors},
    auth=AUTH,
    summary="Remove a document from a draft",
)
def remove_document(request, application: Id, document: Id):
    found = _application(request, application)
    item = get_object_or_404(ApplicationDocument, pk=document, application=found)
    services.remove_document(actor=request.user, document=item)
    return Status(204, None)


@router.post(
    "/applications/{application}/submit",
    response={200: ApplicationDetail, 403: Error, 404: Error, 422: FieldErrors},
    auth=AUTH,
    summary="Submit a draft",
    description="Refused (422, with what is missing) without products or required documents, "
    "or when the call is closed.",
)
def submit_application(request, application: Id):
    found = _application(request, application)
    services.submit(actor=request.user, application=found)
    return _detail(found)


@router.post(
    "/applications/{application}/withdraw",
    response={200: ApplicationDetail, 403: Error, 404: Error},
    auth=AUTH,
    summary="Withdraw an application",
    description="An accepted exhibitor's place then goes to the waiting list.",
)
def withdraw_application(request, application: Id):
    found = _application(request, application)
    services.withdraw(actor=request.user, application=found)
    return _detail(found)


# --- Reviews ------------------------------------------------------------------------------


def _reviews():
    return Review.objects.select_related("application__organisation").prefetch_related(
        Prefetch("scores", queryset=Score.objects.order_by("criterion_id"))
    )


@router.get(
    "/editions/{series}/{number}/reviews",
    response={200: list[ReviewOut], 403: Error, 404: Error},
    auth=AUTH,
    summary="My review assignments (reviewers)",
)
def my_reviews(request, series: str, number: EditionNumber):
    call = _call(request, series, number)
    f = access.facts(request.user)
    if call.edition.series_id not in f.series_for(access.Role.REVIEWER) and not f.superuser:
        raise PermissionDenied
    return list(
        _reviews()
        .filter(application__call=call, reviewer=request.user)
        .order_by("assigned_at", "id")
    )


@router.put(
    "/reviews/{review}",
    response={200: ReviewOut, 403: Error, 404: Error, 422: FieldErrors},
    auth=AUTH,
    summary="Mark an application (the reviewer assigned)",
    description="Every criterion of the call from 0 to 10, and a comment; marks may be revised "
    "until the decisions are published.",
)
def score_review(request, review: Id, payload: ReviewIn):
    found = get_object_or_404(_reviews(), pk=review, reviewer_id=request.user.pk)
    services.score(
        actor=request.user, review=found, marks=dict(payload.marks), comment=payload.comment
    )
    return _reviews().get(pk=found.pk)


# --- Organisers ---------------------------------------------------------------------------


@router.get(
    "/editions/{series}/{number}/reviewers",
    response={200: list[ReviewerOut], 403: Error, 404: Error},
    auth=AUTH,
    summary="The reviewers of the call and their load (organisers)",
)
def list_reviewers(request, series: str, number: EditionNumber):
    call = _organiser_call(request, series, number)
    return [
        {
            "id": load.reviewer.pk,
            "name": load.reviewer.get_full_name() or load.reviewer.username,
            "assigned": load.assigned,
            "done": load.done,
        }
        for load in selectors.reviewer_loads(call)
    ]


@router.post(
    "/editions/{series}/{number}/assignments",
    response={201: AssignmentOut, 403: Error, 404: Error, 422: FieldErrors},
    auth=AUTH,
    summary="Assign a reviewer to an application (organisers)",
)
def assign_reviewer(request, series: str, number: EditionNumber, payload: AssignIn):
    call = _organiser_call(request, series, number)
    application = get_object_or_404(Application, pk=payload.application, call=call)
    reviewer = User.objects.filter(pk=payload.reviewer).first()
    if reviewer is None:
        raise ValidationError({"reviewer": _("This person is not a reviewer of this fair.")})
    review = services.assign(actor=request.user, application=application, reviewer=reviewer)
    return Status(201, review)


@router.post(
    "/editions/{series}/{number}/assignments/auto",
    response={200: AutoAssignOut, 403: Error, 404: Error},
    auth=AUTH,
    summary="Give every submitted application its reviewers (organisers)",
    description="Each time to the least loaded reviewer without a conflict of interest.",
)
def auto_assign(request, series: str, number: EditionNumber):
    call = _organiser_call(request, series, number)
    made = services.auto_assign(actor=request.user, call=call)
    return {"made": made}


@router.get(
    "/editions/{series}/{number}/progress",
    response={200: ProgressOut, 403: Error, 404: Error},
    auth=AUTH,
    summary="How far the review has come, and where reviewers disagree (organisers)",
)
def review_progress(request, series: str, number: EditionNumber):
    call = _organiser_call(request, series, number)
    result = selectors.progress(call)
    return {
        **result,
        "disagreements": [
            {"application": a, "spread": money(s)} for a, s in result["disagreements"]
        ],
    }


@router.get(
    "/editions/{series}/{number}/selection",
    response={200: SelectionRunOut, 403: Error, 404: Error},
    auth=AUTH,
    summary="The latest selection run (organisers)",
)
def latest_selection(request, series: str, number: EditionNumber):
    call = _organiser_call(request, series, number)
    return get_object_or_404(call.runs.select_related("call").order_by("-run_at", "-id")[:1])


@router.post(
    "/editions/{series}/{number}/selection",
    response={200: SelectionRunOut, 403: Error, 404: Error, 422: FieldErrors},
    auth=AUTH,
    summary="Run the selection (organisers)",
    description="Synchronous: computes the selection that maximises the total score under the "
    "quotas and records each applicant's decision, score, rank and reason. Applicants see "
    "nothing until the decisions are published.",
)
def run_selection(request, series: str, number: EditionNumber):
    call = _organiser_call(request, series, number)
    return services.run_selection(actor=request.user, call=call)


@router.post(
    "/applications/{application}/override",
    response={200: ApplicationDetail, 403: Error, 404: Error, 422: FieldErrors},
    auth=AUTH,
    summary="Force an applicant in or out, with a reason (organisers)",
    description="The next selection run respects it.",
)
def override(request, application: Id, payload: OverrideIn):
    found = _application(request, application)
    services.override(
        actor=request.user, application=found, accept=payload.accept, reason=payload.reason
    )
    return _detail(found)


@router.post(
    "/editions/{series}/{number}/selection/publish",
    response={200: PublishOut, 403: Error, 404: Error},
    auth=AUTH,
    summary="Publish the decisions (organisers)",
    description="Creates the exhibitors of the accepted applications and tells each applicant "
    "the decision they have not heard yet.",
)
def publish(request, series: str, number: EditionNumber):
    call = _organiser_call(request, series, number)
    messages = services.publish_decisions(actor=request.user, call=call)
    return {"published_at": call.decisions_published_at, "messages": messages}


# --- Exhibitors ---------------------------------------------------------------------------


@router.get(
    "/editions/{series}/{number}/exhibitors",
    response={200: list[ExhibitorOut], 404: Error},
    auth=OPTIONAL_AUTH,
    summary="The exhibitors of an edition",
    description="Public: the organisations exhibiting (withdrawn ones are left out).",
)
def list_exhibitors(request, series: str, number: EditionNumber):
    edition = _edition(request, series, number)
    return list(
        Exhibitor.objects.filter(edition=edition, status=Exhibitor.Status.ACTIVE)
        .select_related("organisation")
        .order_by("organisation__name_fr")
    )
