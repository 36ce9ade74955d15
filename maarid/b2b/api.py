"""The B2B meetings' API: profiles, suggestions, requests and answers, agendas, the schedule
(organisers) and outcomes. A participant reads the programme's profiles but only its own
requests and agenda; the organisers read everything."""

import datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import StrictBool, StrictInt, StringConstraints

from maarid.api.api import AUTH, InputSchema
from maarid.api.schemas import EditionNumber, Error, FieldErrors, Id
from maarid.core.params import MAX_INT
from maarid.fairs.selectors import with_edition

from . import selectors, services
from .models import Profile

router = Router(tags=["b2b"], auth=AUTH)

Money = Annotated[str, StringConstraints(pattern=r"^\d{1,10}(\.\d{1,2})?$")]


def _mine(request) -> Profile:
    """The user's profile in the programme of the edition the URL names, or 404."""
    programme = selectors.programme_of(request.edition)
    return selectors.participant(request.user, programme)


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


@router.get("/editions/{series}/{number}/profiles", response={200: list[ProfileOut], 404: Error})
@with_edition()
def profiles(request, series: str, number: EditionNumber):
    """The programme's participants, for its participants and organisers."""
    programme = selectors.programme_of(request.edition)
    return selectors.participants_for(request.user, programme)


@router.get("/editions/{series}/{number}/profile", response={200: ProfileOut, 404: Error})
@with_edition()
def my_profile(request, series: str, number: EditionNumber):
    return _mine(request)


@router.put(
    "/editions/{series}/{number}/profile", response={200: ProfileOut, 404: Error, 422: FieldErrors}
)
@with_edition()
def save_my_profile(request, series: str, number: EditionNumber, payload: ProfileIn):
    """Creates or updates the profile of the user's (first eligible) organisation."""
    programme = selectors.programme_of(request.edition)
    eligible = selectors.eligible_organisations(request.user, programme)
    if not eligible:
        raise Http404
    data = payload.dict()
    errors = {}
    categories = selectors.categories_by_slug(data.pop("categories"))
    certifications = selectors.labels_by_code(data.pop("certifications"))
    if len(categories) != len(set(payload.categories)):
        errors["categories"] = [_("Unknown category.")]
    if len(certifications) != len(set(payload.certifications)):
        errors["certifications"] = [_("Unknown label.")]
    if errors:
        raise ValidationError(errors)
    return services.save_profile(
        actor=request.user,
        programme=programme,
        organisation=eligible[0],
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
@with_edition()
def suggestions(request, series: str, number: EditionNumber):
    """The best matches for the user's profile, each with its reasons."""
    return [
        {"profile": s.profile, "score": s.score, "reasons": [str(r) for r in s.reasons]}
        for s in selectors.suggestions(_mine(request))
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
@with_edition()
def my_requests(request, series: str, number: EditionNumber):
    """The user's meetings: asked by them, asked of them, added by the organisers."""
    return list(selectors.requests_of(_mine(request)))


@router.post(
    "/editions/{series}/{number}/requests",
    response={201: MeetingOut, 404: Error, 422: FieldErrors},
)
@with_edition()
def ask(request, series: str, number: EditionNumber, payload: RequestIn):
    profile = _mine(request)
    meeting = services.request_meeting(
        actor=request.user,
        from_profile=profile,
        to_profile=selectors.profile_in(profile.programme, payload.to),
        priority=payload.priority,
        message=payload.message,
        session=payload.session,
    )
    return Status(201, meeting)


class AnswerIn(InputSchema):
    accept: StrictBool


@router.post(
    "/meetings/{meeting_id}/answer", response={200: MeetingOut, 404: Error, 422: FieldErrors}
)
def answer(request, meeting_id: Id, payload: AnswerIn):
    """The side that was asked accepts or declines."""
    meeting = selectors.meeting_for(request.user, meeting_id)
    try:
        return services.respond(actor=request.user, meeting=meeting, accept=payload.accept)
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
@with_edition()
def agenda(request, series: str, number: EditionNumber):
    """The user's placed meetings in time order."""
    return [
        {
            "meeting": item.meeting.pk,
            "starts_at": item.slot.starts(),
            "ends_at": item.slot.ends(),
            "table": item.meeting.table.number if item.meeting.table else None,
            "with": [p.name for p in item.others],
        }
        for item in selectors.agenda(_mine(request))
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
@with_edition(need="organise")
def full_schedule(request, series: str, number: EditionNumber):
    """Every accepted meeting with its place (or why it has none), for the organisers."""
    programme = selectors.programme_of(request.edition)
    slots = {s.index: s for s in programme.slots()}
    return [
        {
            "meeting": m.pk,
            "buyer": m.buyer_id,
            "sellers": [s.pk for s in m.sellers.all()],
            "slot": m.slot,
            "starts_at": slots[m.slot].starts() if m.slot in slots else None,
            "table": m.table.number if m.table else None,
            "announced": m.announced,
            "reason": selectors.reason_text(m),
        }
        for m in selectors.placed_meetings(programme)
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
    meeting = selectors.meeting_for(request.user, meeting_id)
    profile = selectors.own_profile_in(request.user, meeting)
    if profile is None:
        raise Http404
    amount = Decimal(payload.amount) if payload.amount is not None else None
    return services.record_outcome(
        actor=request.user,
        meeting=meeting,
        profile=profile,
        result=payload.result,
        amount=amount,
        note=payload.note,
    )
