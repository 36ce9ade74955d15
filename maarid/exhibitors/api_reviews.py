"""Reviews over JSON: a reviewer's assignments and marks; for the series' organisers, the
reviewers and their load, assignment (by hand or automatic) and how far the review has come."""

import datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from maarid.api.api import AUTH, InputSchema
from maarid.api.schemas import EditionNumber, Error, FieldErrors, Id
from maarid.fairs.selectors import with_edition

from . import selectors, services
from .api_schemas import ApplicationStatus, OrganisationRef, money

# Every operation here is for signed-in callers; the router of api.py tags them.
router = Router(auth=AUTH)


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
        return selectors.marks_of(obj)


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


@router.get(
    "/editions/{series}/{number}/reviews",
    response={200: list[ReviewOut], 403: Error, 404: Error},
    summary="My review assignments (reviewers)",
)
@with_edition()
def my_reviews(request, series: str, number: EditionNumber):
    call = selectors.call_for_reviewer(request.user, request.edition)
    return selectors.assignments(request.user, call)


@router.put(
    "/reviews/{review}",
    response={200: ReviewOut, 403: Error, 404: Error, 422: FieldErrors},
    summary="Mark an application (the reviewer assigned)",
    description="Every criterion of the call from 0 to 10, and a comment; marks may be revised "
    "until the decisions are published.",
)
def score_review(request, review: Id, payload: ReviewIn):
    found = selectors.own_review(request.user, review)
    services.score(
        actor=request.user, review=found, marks=dict(payload.marks), comment=payload.comment
    )
    return selectors.own_review(request.user, review)


# --- Organisers ---------------------------------------------------------------------------


@router.get(
    "/editions/{series}/{number}/reviewers",
    response={200: list[ReviewerOut], 403: Error, 404: Error},
    summary="The reviewers of the call and their load (organisers)",
)
@with_edition(need="organise")
def list_reviewers(request, series: str, number: EditionNumber):
    return [
        {
            "id": load.reviewer.pk,
            "name": load.reviewer.get_full_name() or load.reviewer.username,
            "assigned": load.assigned,
            "done": load.done,
        }
        for load in selectors.reviewer_loads(selectors.call_of(request.edition))
    ]


@router.post(
    "/editions/{series}/{number}/assignments",
    response={201: AssignmentOut, 403: Error, 404: Error, 422: FieldErrors},
    summary="Assign a reviewer to an application (organisers)",
)
@with_edition(need="organise")
def assign_reviewer(request, series: str, number: EditionNumber, payload: AssignIn):
    call = selectors.call_of(request.edition)
    application = selectors.application_of(call, payload.application)
    reviewer = selectors.user_by_pk(payload.reviewer)
    if reviewer is None:
        raise ValidationError({"reviewer": _("This person is not a reviewer of this fair.")})
    review = services.assign(actor=request.user, application=application, reviewer=reviewer)
    return Status(201, review)


@router.post(
    "/editions/{series}/{number}/assignments/auto",
    response={200: AutoAssignOut, 403: Error, 404: Error},
    summary="Give every submitted application its reviewers (organisers)",
    description="Each time to the least loaded reviewer without a conflict of interest.",
)
@with_edition(need="organise")
def auto_assign(request, series: str, number: EditionNumber):
    made = services.auto_assign(actor=request.user, call=selectors.call_of(request.edition))
    return {"made": made}


@router.get(
    "/editions/{series}/{number}/progress",
    response={200: ProgressOut, 403: Error, 404: Error},
    summary="How far the review has come, and where reviewers disagree (organisers)",
)
@with_edition(need="organise")
def review_progress(request, series: str, number: EditionNumber):
    result = selectors.progress(selectors.call_of(request.edition))
    return {
        **result,
        "disagreements": [
            {"application": a, "spread": money(s)} for a, s in result["disagreements"]
        ],
    }
