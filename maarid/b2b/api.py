"""The B2B meetings' API: profiles, suggestions, requests and answers, agendas, the schedule
(organisers) and outcomes. A participant reads the programme's profiles but only its own
requests and agenda; the organisers read everything."""

import datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import StrictBool, StrictInt, StringConstraints

from maarid.api.api import AUTH, InputSchema
from maarid.api.schemas import EditionNumber, Error, FieldErrors, Id
from maarid.catalogue.models import Category, Label
from maarid.core import access
from maarid.core.params import MAX_INT

from . import services
from .models import Meeting, Profile, Programme

router = Router(tags=["b2b"], auth=AUTH)

Money = Annotated[str, StringConstraints(pattern=r"^\d{1,10}(\.\d{1,2})?$")]


def _programme(series, number) -> Programme:
    return get_object_or_404(
        Programme.objects.select_related("edition__series"),
        edition__series__slug=series,
        edition__number=number,
    )


def _mine(request, programme) -> Profile:
    profile = services.own_profile(request.user, programme)
    if profile is None:
        raise Http404
    return profile


# --- Profiles -----------------------------------------------------------------------------


class ProfileOut(Schema):
    id: int
    organisation: str
    kind: str
    side: str
    description_ar: str
    description_fr: str
    offers: str
    seeks: str
    sectors: list[str]
    categories: list[str]
    certifications: list[str]
    volumes: str
    export_markets: str
    languages: list[str]
    attendees: str

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.name

    @staticmethod
    def resolve_kind(obj):
        return obj.organisation.kind

    @staticmethod
    def resolve_categories(obj):
        return [c.slug for c in obj.categories.all()]

    @staticmethod
    def resolve_certifications(obj):
        return [label.code for label in obj.certifications.all()]


class ProfileIn(InputSchema):
    description_ar: str = Field("", max_length=5000)
    description_fr: str = Field("", max_length=5000)
    offers: str = Field("", max_length=5000)
    seeks: str = Field("", max_length=5000)
    sectors: list[str] = Field([], max_length=20)
    categories: list[str] = Field([], max_length=50, description="category slugs")
    certifications: list[str] = Field([], max_length=30, description="label codes")
    volumes: str = Field("", max_length=200)
    export_markets: str = Field("", max_length=200)
    languages: list[str] = Field([], max_length=5)
    attendees: str = Field("", max_length=200)
    unavailable: list[Annotated[StrictInt, Field(ge=0, le=32767)]] = Field(
        [], max_length=500, description="slot numbers"
    )


def _participant_or_organiser(request, programme):
    if not (
        services.is_organiser(request.user, programme)
        or services.own_profile(request.user, programme)
    ):
        raise Http404


@router.get("/editions/{series}/{number}/profiles", response={200: list[ProfileOut], 404: Error})
def profiles(request, series: str, number: EditionNumber):
    """The programme's participants, for its participants and organisers."""
    programme = _programme(series, number)
    _participant_or_organiser(request, programme)
    return programme.profiles.select_related("organisation").prefetch_related(
        "categories", "certifications"
    )


@router.get("/editions/{series}/{number}/profile", response={200: ProfileOut, 404: Error})
def my_profile(request, series: str, number: EditionNumber):
    return _mine(request, _programme(series, number))


@router.put(
    "/editions/{series}/{number}/profile", response={200: ProfileOut, 404: Error, 422: FieldErrors}
)
def save_my_profile(request, series: str, number: EditionNumber, payload: ProfileIn):
    """Creates or updates the profile of the user's (first eligible) organisation."""
    programme = _programme(series, number)
    eligible = services.eligible_organisations(request.user, programme)
    if not eligible:
        raise Http404
    data = payload.dict()
    errors = {}
    categories = list(Category.objects.filter(slug__in=data.pop("categories")))
    certifications = list(Label.objects.filter(code__in=data.pop("certifications")))
    if len(categories) != len(set(payload.categories)):
        errors["categories"] = [_("Unknown category.")]
    if len(certifications) != len(set(payload.certifications)):
        errors["certifications"] = [_("Unknown label.")]
    if errors:
        raise ValidationError(errors)
    return services.save_profile(
        programme,
        eligible[0],
        request.user,
        categories=categories,
        certifications=certifications,
        unavailable=data.pop("unavailable"),
        **data,
    )


class SuggestionOut(Schema):
    profile: ProfileOut
    score: float
    reasons: list[str]


@router.get(
    "/editions/{series}/{number}/suggestions", response={200: list[SuggestionOut], 404: Error}
)
def suggestions(request, series: str, number: EditionNumber):
    """The best matches for the user's profile, each with its reasons."""
    profile = _mine(request, _programme(series, number))
    return [
        {"profile": s.profile, "score": s.score, "reasons": [str(r) for r in s.reasons]}
        for s in services.suggestions(profile)
    ]


# --- Requests -----------------------------------------------------------------------------


class MeetingOut(Schema):
    id: int
    buyer: int
    sellers: list[int]
    requested_by: int | None
    by_organiser: bool
    status: str
    priority: int
    message: str
    session: str
    slot: int | None
    table: int | None
    attendance: str

    @staticmethod
    def resolve_buyer(obj):
        return obj.buyer_id

    @staticmethod
    def resolve_sellers(obj):
        return [s.pk for s in obj.sellers.all()]

    @staticmethod
    def resolve_requested_by(obj):
        return obj.requested_by_id

    @staticmethod
    def resolve_table(obj):
        return obj.table.number if obj.table else None


class RequestIn(InputSchema):
    to: StrictInt = Field(ge=1, le=MAX_INT, description="the profile asked")
    priority: StrictInt = Field(2, ge=1, le=3)
    message: str = Field("", max_length=300)
    session: str = Field("", max_length=2)


@router.get("/editions/{series}/{number}/requests", response={200: list[MeetingOut], 404: Error})
def my_requests(request, series: str, number: EditionNumber):
    """The user's meetings: asked by them, asked of them, added by the organisers."""
    programme = _programme(series, number)
    profile = _mine(request, programme)
    meetings = services.meetings_of(profile).select_related("table").prefetch_related("sellers")
    return list(meetings.order_by("-created_at"))


@router.post(
    "/editions/{series}/{number}/requests",
    response={201: MeetingOut, 404: Error, 422: FieldErrors},
)
def ask(request, series: str, number: EditionNumber, payload: RequestIn):
    programme = _programme(series, number)
    profile = _mine(request, programme)
    other = get_object_or_404(Profile, pk=payload.to, programme=programme)
    meeting = services.request_meeting(
        profile,
        other,
        request.user,
        priority=payload.priority,
        message=payload.message,
        session=payload.session,
    )
    return Status(201, meeting)


class AnswerIn(InputSchema):
    accept: StrictBool


def _meeting_for(request, meeting_id) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("programme__edition"), pk=meeting_id)
    if not services.may_see_meeting(request.user, meeting):
        raise Http404
    return meeting


@router.post(
    "/meetings/{meeting_id}/answer", response={200: MeetingOut, 404: Error, 422: FieldErrors}
)
def answer(request, meeting_id: Id, payload: AnswerIn):
    """The side that was asked accepts or declines."""
    meeting = _meeting_for(request, meeting_id)
    try:
        return services.respond(meeting, request.user, accept=payload.accept)
    except PermissionDenied:
        raise Http404


# --- Agenda, schedule, outcomes -----------------------------------------------------------


class AgendaItemOut(Schema):
    meeting: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    table: int | None
    with_: list[str] = Field(alias="with")


@router.get(
    "/editions/{series}/{number}/agenda",
    response={200: list[AgendaItemOut], 404: Error},
    by_alias=True,
)
def agenda(request, series: str, number: EditionNumber):
    """The user's placed meetings in time order."""
    profile = _mine(request, _programme(series, number))
    return [
        {
            "meeting": item.meeting.pk,
            "starts_at": item.slot.starts(),
            "ends_at": item.slot.ends(),
            "table": item.meeting.table.number if item.meeting.table else None,
            "with": [p.name for p in item.others],
        }
        for item in services.agenda(profile)
    ]


class PlacedOut(Schema):
    meeting: int
    buyer: int
    sellers: list[int]
    slot: int | None
    starts_at: datetime.datetime | None
    table: int | None
    announced: bool
    reason: str


@router.get(
    "/editions/{series}/{number}/schedule", response={200: list[PlacedOut], 403: Error, 404: Error}
)
def full_schedule(request, series: str, number: EditionNumber):
    """Every accepted meeting with its place (or why it has none), for the organisers."""
    programme = _programme(series, number)
    access.require_organiser(request.user, programme.edition.series_id)
    slots = {s.index: s for s in programme.slots()}
    meetings = (
        programme.meetings.filter(status=Meeting.Status.ACCEPTED)
        .select_related("table")
        .prefetch_related("sellers")
        .order_by("slot", "table__number", "pk")
    )
    return [
        {
            "meeting": m.pk,
            "buyer": m.buyer_id,
            "sellers": [s.pk for s in m.sellers.all()],
            "slot": m.slot,
            "starts_at": slots[m.slot].starts() if m.slot in slots else None,
            "table": m.table.number if m.table else None,
            "announced": m.announced,
            "reason": services.reason_text(m),
        }
        for m in meetings
    ]


class OutcomeIn(InputSchema):
    result: str = Field(description="none, lead, sample or deal")
    amount: Money | None = Field(None, description="the deal's amount in MAD, a decimal string")
    note: str = Field("", max_length=300)


class OutcomeOut(Schema):
    meeting: int
    result: str
    amount: Decimal | None
    note: str

    @staticmethod
    def resolve_meeting(obj):
        return obj.meeting_id


@router.post(
    "/meetings/{meeting_id}/outcome", response={200: OutcomeOut, 404: Error, 422: FieldErrors}
)
def outcome(request, meeting_id: Id, payload: OutcomeIn):
    """What came of the meeting for the user's organisation."""
    meeting = _meeting_for(request, meeting_id)
    profile = (
        services.own_profiles(request.user, meeting.programme)
        .filter(pk__in=[meeting.buyer_id, *meeting.sellers.values_list("pk", flat=True)])
        .first()
    )
    if profile is None:
        raise Http404
    amount = Decimal(payload.amount) if payload.amount is not None else None
    return services.record_outcome(
        meeting, profile, request.user, result=payload.result, amount=amount, note=payload.note
    )
