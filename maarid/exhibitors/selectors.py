"""Reads of the call for exhibitors: calls, applications, reviews, scores and exhibitors, as
the pages, the API, the tasks and the other apps need them."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict

from django.db.models import Count, Q, QuerySet

from maarid.core import access
from maarid.core.models import User
from maarid.registry.models import BUYER_KINDS, Organisation

from . import scoring
from .models import Application, Call, Review


def reviewers_of(call: Call) -> QuerySet[User]:
    """The active reviewers of the call's fair series, longest-serving first."""
    return (
        User.objects.filter(
            series_roles__series_id=call.edition.series_id,
            series_roles__role=access.Role.REVIEWER,
            is_active=True,
        )
        .distinct()
        .order_by("id")
    )


@dataclass(frozen=True)
class ReviewerLoad:
    reviewer: User
    assigned: int  # reviews of the call given to them
    done: int  # of which marked


def reviewer_loads(call: Call) -> list[ReviewerLoad]:
    """The call's reviewers, longest-serving first, each with their load in this call: what the
    automatic assignment balances, and what the board and the API show."""
    in_call = Q(reviews__application__call=call)
    reviewers = reviewers_of(call).annotate(
        assigned=Count("reviews", filter=in_call),
        done=Count("reviews", filter=in_call & Q(reviews__submitted_at__isnull=False)),
    )
    return [ReviewerLoad(r, r.assigned, r.done) for r in reviewers]


def may_apply(call: Call, organisation: Organisation) -> bool:
    """Whether the organisation may apply to the call. Buyers' kinds (companies, platforms,
    institutions) only when the call names them."""
    return call.is_eligible(organisation) and (
        organisation.kind not in BUYER_KINDS or organisation.kind in call.eligible_kinds
    )


def organisations_that_may_apply(user: User, call: Call) -> list[Organisation]:
    """The user's organisations (active memberships) that may apply to the call."""
    organisations = Organisation.objects.filter(pk__in=access.facts(user).organisations)
    return [o for o in organisations.order_by("name_fr", "name_ar") if may_apply(call, o)]


def visible_applications(user: User, call: Call) -> QuerySet[Application]:
    """Organisers see all; reviewers the ones assigned to them; applicants their own."""
    f = access.facts(user)
    qs = call.applications.select_related("organisation")
    if f.superuser or call.edition.series_id in f.series_for(access.Role.ORGANISER):
        return qs
    return qs.filter(Q(organisation_id__in=f.organisations) | Q(reviews__reviewer=user)).distinct()


# --- Decisions ----------------------------------------------------------------------------
#
# Who may read an application's decision, in one place for the pages and the API. The series'
# organisers read it as soon as the selection has run; the applicant and the reviewers assigned
# to it only once the decisions are published. Only an application still in the running
# (submitted) has one: a withdrawn application's decision was never told to anyone.


def decisions_readable(user: User, call: Call) -> bool:
    """Whether the decisions of the call are out for ``user`` (any reader of an application)."""
    return call.decisions_published_at is not None or access.is_organiser(
        user, call.edition.series_id
    )


def visible_decision(user: User, application: Application) -> str:
    """The application's decision as ``user`` may read it: "pending" until they may."""
    if application.status == Application.Status.SUBMITTED and decisions_readable(
        user, application.call
    ):
        return application.decision
    return Application.Decision.PENDING


def waitlist_position(user: User, application: Application) -> int | None:
    """The place on the waiting list, for whoever may read that the applicant is on it."""
    if visible_decision(user, application) != Application.Decision.WAITLISTED:
        return None
    return application.rank - application.call.places if application.rank else None


def with_visible_decision(
    applications: QuerySet[Application], user: User, call: Call, decision: str
) -> QuerySet[Application]:
    """The applications whose decision reads ``decision`` for ``user``: a filter that never
    tells more than the applications themselves do."""
    in_the_running = Q(status=Application.Status.SUBMITTED)
    if not decisions_readable(user, call):
        return applications if decision == Application.Decision.PENDING else applications.none()
    if decision == Application.Decision.PENDING:
        return applications.filter(~in_the_running | Q(decision=decision))
    return applications.filter(in_the_running, decision=decision)


def scores(call: Call) -> dict[int, Decimal]:
    """Application → score, combined as the call says (mean, or normalised per reviewer)."""
    totals = Review.objects.filter(
        application__call=call,
        submitted_at__isnull=False,
        application__status=Application.Status.SUBMITTED,
    )
    rows = [
        (application, reviewer, total)
        for application, reviewer, total in totals.values_list(
            "application_id", "reviewer_id", "total"
        )
        if total is not None
    ]
    return scoring.combine(rows, normalise=call.aggregation == Call.Aggregation.NORMALISED)


def marked(call: Call) -> bool:
    """Whether reviewers have marked any application of the call."""
    return Review.objects.filter(application__call=call, submitted_at__isnull=False).exists()


class Progress(TypedDict):
    """How far the review of a call has come."""

    applications: int
    assigned: int
    done: int
    fully_reviewed: int
    unassigned: int
    disagreements: list[tuple[int, Decimal]]


def progress(call: Call) -> Progress:
    """How far the review has come, and where reviewers disagree."""
    submitted = call.applications.filter(status=Application.Status.SUBMITTED)
    reviews = Review.objects.filter(application__in=submitted)
    totals: defaultdict[int, list[Decimal]] = defaultdict(list)
    for application_id, total in reviews.filter(submitted_at__isnull=False).values_list(
        "application_id", "total"
    ):
        if total is not None:
            totals[application_id].append(total)
    disagreements = sorted(
        (
            (a, scoring.spread(v))
            for a, v in totals.items()
            if scoring.spread(v) >= call.disagreement
        ),
        key=lambda pair: -pair[1],
    )
    return {
        "applications": submitted.count(),
        "assigned": reviews.count(),
        "done": reviews.filter(submitted_at__isnull=False).count(),
        "fully_reviewed": sum(
            1 for v in totals.values() if len(v) >= call.reviewers_per_application
        ),
        "unassigned": submitted.annotate(n=Count("reviews"))
        .filter(n__lt=call.reviewers_per_application)
        .count(),
        "disagreements": disagreements,
    }
