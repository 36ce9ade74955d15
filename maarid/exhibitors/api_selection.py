"""The selection over JSON, for the series' organisers: run it, read the latest run, force an
applicant in or out, publish the decisions.

The selection runs synchronously: CP-SAT settles a few hundred applications in well under a
second, so a background job would only add a round of polling."""

import datetime

from django.http import Http404
from ninja import Field, Router, Schema

from maarid.api.api import AUTH, InputSchema
from maarid.api.schemas import EditionNumber, Error, FieldErrors, Id
from maarid.fairs.selectors import with_edition

from . import selectors, services
from .api_schemas import ApplicationDetail, money
from .models import Call

# Every operation here is for signed-in callers; the router of api.py tags them.
router = Router(auth=AUTH)


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
        return selectors.decisions_count(obj.call)


class OverrideIn(InputSchema):
    accept: bool | None = Field(
        description="true: force in; false: force out; null: lift the override."
    )
    reason: str = Field("", max_length=2000)


class PublishOut(Schema):
    published_at: datetime.datetime
    messages: int = Field(description="Messages queued to applicants.")


@router.get(
    "/editions/{series}/{number}/selection",
    response={200: SelectionRunOut, 403: Error, 404: Error},
    summary="The latest selection run (organisers)",
)
@with_edition(need="organise")
def latest_selection(request, series: str, number: EditionNumber):
    run = selectors.latest_run(selectors.call_of(request.edition))
    if run is None:
        raise Http404
    return run


@router.post(
    "/editions/{series}/{number}/selection",
    response={200: SelectionRunOut, 403: Error, 404: Error, 422: FieldErrors},
    summary="Run the selection (organisers)",
    description="Synchronous: computes the selection that maximises the total score under the "
    "quotas and records each applicant's decision, score, rank and reason. Applicants see "
    "nothing until the decisions are published.",
)
@with_edition(need="organise")
def run_selection(request, series: str, number: EditionNumber):
    return services.run_selection(actor=request.user, call=selectors.call_of(request.edition))


@router.post(
    "/applications/{application}/override",
    response={200: ApplicationDetail, 403: Error, 404: Error, 422: FieldErrors},
    summary="Force an applicant in or out, with a reason (organisers)",
    description="The next selection run respects it.",
)
def override(request, application: Id, payload: OverrideIn):
    found = selectors.application_for(request.user, application)
    services.override(
        actor=request.user, application=found, accept=payload.accept, reason=payload.reason
    )
    return selectors.application_detail(found.pk)


@router.post(
    "/editions/{series}/{number}/selection/publish",
    response={200: PublishOut, 403: Error, 404: Error},
    summary="Publish the decisions (organisers)",
    description="Creates the exhibitors of the accepted applications and tells each applicant "
    "the decision they have not heard yet.",
)
@with_edition(need="organise")
def publish(request, series: str, number: EditionNumber):
    call = selectors.call_of(request.edition)
    messages = services.publish_decisions(actor=request.user, call=call)
    return {"published_at": call.decisions_published_at, "messages": messages}
