"""Reads of the call for exhibitors: calls, applications, reviews, scores and exhibitors, as
the pages, the API, the tasks and the other apps need them."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from maarid.core import access
from maarid.core.models import User
from maarid.core.text import words_filter
from maarid.fairs.models import Edition
from maarid.registry.models import BUYER_KINDS, Kind, Organisation, Province

from . import scoring
from .models import (
    Application,
    ApplicationDocument,
    ApplicationProduct,
    Call,
    Exhibitor,
    RequiredDocument,
    Review,
    Score,
    SectorQuota,
    SelectionRun,
)

# --- The call -----------------------------------------------------------------------------


def call_or_none(edition: Edition) -> Call | None:
    """The edition's call for exhibitors, if it has one yet."""
    call = Call.objects.filter(edition=edition).first()
    if call is not None:
        call.edition = edition  # already resolved (and checked) by the caller
    return call


def call_of(edition: Edition) -> Call:
    """The edition's call for exhibitors (404 without one)."""
    call = call_or_none(edition)
    if call is None:
        raise Http404
    return call


def call_for_reviewer(user: User, edition: Edition) -> Call:
    """The edition's call, for the reviewers of its series only (403 for anyone else)."""
    f = access.facts(user)
    if not (f.superuser or edition.series_id in f.series_for(access.Role.REVIEWER)):
        raise PermissionDenied
    return call_of(edition)


def sector_quotas(call: Call) -> list[SectorQuota]:
    return list(call.sector_quotas.order_by("sector"))


def call_by_pk(pk: int) -> Call:
    return Call.objects.select_related("edition__series").get(pk=pk)


def user_by_pk(pk: int) -> User | None:
    return User.objects.filter(pk=pk).first()


# --- Reviewers ----------------------------------------------------------------------------


def reviews_for(user: User, call: Call) -> bool:
    """Whether the user is one of the call's reviewers."""
    return reviewers_of(call).filter(pk=user.pk).exists()


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


# --- Applying -----------------------------------------------------------------------------


def may_apply(call: Call, organisation: Organisation) -> bool:
    """Whether the organisation may apply to the call. Buyers' kinds (companies, platforms,
    institutions) only when the call names them."""
    return call.is_eligible(organisation) and (
        organisation.kind not in BUYER_KINDS or organisation.kind in call.eligible_kinds
    )


def member_organisations(user: User, call: Call) -> tuple[list[Organisation], list[Organisation]]:
    """The user's organisations (active memberships), by name: those that may apply to the
    call, and the others."""
    organisations = Organisation.objects.filter(pk__in=access.facts(user).organisations).order_by(
        "name_fr", "name_ar"
    )
    eligible = [o for o in organisations if may_apply(call, o)]
    return eligible, [o for o in organisations if o not in eligible]


def organisations_that_may_apply(user: User, call: Call) -> list[Organisation]:
    """The user's organisations (active memberships) that may apply to the call."""
    return member_organisations(user, call)[0]


def own_applications(user: User, call: Call) -> list[Application]:
    """The applications of the user's organisations to the call."""
    return list(
        call.applications.filter(
            organisation_id__in=access.facts(user).organisations
        ).select_related("organisation")
    )


# --- Applications -------------------------------------------------------------------------

APPLICATIONS = Application.objects.select_related("organisation", "call__edition__series")


def application_for(user: User, pk: int, *, call: Call | None = None) -> Application:
    """An application the user may read, of ``call`` when given: a 404 for anyone else (not
    even its existence shows)."""
    found = get_object_or_404(APPLICATIONS.filter(**({"call": call} if call else {})), pk=pk)
    if call is not None:
        found.call = call
    access.require_view(user, found)
    return found


def application_detail(pk: int) -> Application:
    """An application read again with what its detail shows, so that nothing stale is sent."""
    return APPLICATIONS.prefetch_related("products", "documents").get(pk=pk)


def application_of(call: Call, pk: int) -> Application:
    """An application to the call (404 if not one of its): for its organisers' pages."""
    return get_object_or_404(APPLICATIONS, pk=pk, call=call)


def product_of(application: Application, pk: int) -> ApplicationProduct:
    return get_object_or_404(ApplicationProduct, pk=pk, application=application)


def document_of(application: Application, pk: int) -> ApplicationDocument:
    return get_object_or_404(ApplicationDocument, pk=pk, application=application)


def documents_of(application: Application) -> list[ApplicationDocument]:
    return list(application.documents.select_related("requirement"))


def given_requirements(application: Application) -> set[int]:
    """The required documents the application has provided."""
    return {
        pk
        for pk in application.documents.values_list("requirement_id", flat=True)
        if pk is not None
    }


def visible_applications(user: User, call: Call) -> QuerySet[Application]:
    """Organisers see all; reviewers the ones assigned to them; applicants their own."""
    f = access.facts(user)
    qs = call.applications.select_related("organisation", "call__edition__series")
    if f.superuser or call.edition.series_id in f.series_for(access.Role.ORGANISER):
        return qs
    return qs.filter(Q(organisation_id__in=f.organisations) | Q(reviews__reviewer=user)).distinct()


@dataclass(frozen=True)
class ApplicationQuery:
    """What a list of applications is narrowed to; None (or empty) leaves a criterion out."""

    status: str | None = None
    decision: str | None = None
    kind: str | None = None
    sector: str | None = None
    province: str | None = None
    women: bool | None = None  # women's cooperatives only (True) or all but them (False)
    first_time: bool | None = None
    q: str | None = None  # words of the organisation's name


def applications_for(user: User, call: Call, query: ApplicationQuery) -> QuerySet[Application]:
    """The applications the user may see (``visible_applications``), narrowed by ``query``:
    a decision only as it reads for them (``with_visible_decision``)."""
    found = visible_applications(user, call)
    given = {
        "status": query.status,
        "organisation__kind": query.kind,
        "organisation__sector": query.sector,
        "organisation__province_id": query.province,
    }
    found = found.filter(**{name: value for name, value in given.items() if value})
    if query.decision:
        found = with_visible_decision(found, user, call, query.decision)
    if query.women is not None:
        womens = Q(organisation__kind=Kind.COOPERATIVE, organisation__women_led=True)
        found = found.filter(womens) if query.women else found.exclude(womens)
    if query.first_time is not None:
        found = found.filter(first_time=query.first_time)
    if query.q:
        found = found.filter(words_filter(query.q, "organisation__search_text"))
    return found.order_by("submitted_at", "id")


def application_from(call: Call, organisation: Organisation) -> Application | None:
    """The organisation's application to the call, if it has started one."""
    return call.applications.filter(organisation=organisation).first()


def requirement_of(call: Call, pk: int) -> RequiredDocument | None:
    """One of the documents the call asks for."""
    return call.required_documents.filter(pk=pk).first()


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


# --- Reviews ------------------------------------------------------------------------------


def reviews_to_do(reviewer: User, call: Call) -> list[Review]:
    """The reviewer's assignments in the call, of applications still in the running: those
    not marked yet first."""
    return list(
        Review.objects.filter(
            reviewer=reviewer,
            application__call=call,
            application__status=Application.Status.SUBMITTED,
        )
        .select_related("application__organisation__province")
        .order_by("submitted_at", "assigned_at", "id")
    )


def _reviews() -> QuerySet[Review]:
    return Review.objects.select_related("application__organisation").prefetch_related(
        Prefetch("scores", queryset=Score.objects.order_by("criterion_id"))
    )


def assignments(reviewer: User, call: Call) -> list[Review]:
    """Every review of the call given to the reviewer, with its marks, in the order given."""
    return list(
        _reviews().filter(application__call=call, reviewer=reviewer).order_by("assigned_at", "id")
    )


def reviews_of(application: Application) -> list[Review]:
    """The application's reviews, with their reviewers: for its organisers."""
    return list(application.reviews.select_related("reviewer"))


def own_review(reviewer: User, pk: int, *, call: Call | None = None) -> Review:
    """A review, for its own reviewer only (404 for anyone else), with its marks."""
    reviews = _reviews().select_related(
        "application__organisation__province", "application__organisation__commune"
    )
    if call is not None:
        reviews = reviews.filter(application__call=call)
    return get_object_or_404(reviews, pk=pk, reviewer=reviewer)


def review_of(reviewer: User, application: Application) -> Review | None:
    """The reviewer's review of the application, if they were given it."""
    return application.reviews.filter(reviewer=reviewer).first()


def marks_of(review: Review) -> dict[int, int]:
    """Criterion id → mark."""
    return {s.criterion_id: s.value for s in review.scores.all()}


def next_review(review: Review) -> Review | None:
    """The reviewer's next review still to do in the same call, so that they go on without a
    detour."""
    return (
        Review.objects.filter(
            reviewer_id=review.reviewer_id,
            application__call_id=review.application.call_id,
            application__status=Application.Status.SUBMITTED,
            submitted_at__isnull=True,
        )
        .exclude(pk=review.pk)
        .order_by("assigned_at", "id")
        .first()
    )


# --- The review board ---------------------------------------------------------------------


def provinces_of_applicants(call: Call) -> QuerySet[Province]:
    return Province.objects.filter(organisations__applications__call=call).distinct()


@dataclass(frozen=True)
class BoardFilters:
    """The board's filters; without a status, only submitted applications show ("all": any)."""

    status: str = ""
    decision: str = ""
    province: Province | None = None
    sector: str = ""
    disagreements_only: bool = False


def board(call: Call, filters: BoardFilters, disagreeing: Sequence[int]) -> QuerySet[Application]:
    """The call's applications as the board lists them, with their reviews and reviewers."""
    applications = call.applications.select_related("organisation__province").prefetch_related(
        Prefetch("reviews", queryset=Review.objects.select_related("reviewer"))
    )
    status = filters.status or Application.Status.SUBMITTED
    if status != "all":
        applications = applications.filter(status=status)
    if filters.decision:
        applications = applications.filter(decision=filters.decision)
    if filters.province:
        applications = applications.filter(organisation__province=filters.province)
    if filters.sector:
        applications = applications.filter(organisation__sector=filters.sector)
    if filters.disagreements_only:
        applications = applications.filter(pk__in=list(disagreeing))
    return applications.order_by("organisation__name_fr", "id")


def applications_by_pk(call: Call, pks: Sequence[int]) -> dict[int, Application]:
    return {
        a.pk: a for a in call.applications.filter(pk__in=list(pks)).select_related("organisation")
    }


# --- The selection ------------------------------------------------------------------------


def latest_run(call: Call) -> SelectionRun | None:
    return call.runs.select_related("call", "run_by").order_by("-run_at", "-id").first()


def decisions_count(call: Call) -> dict[str, int]:
    """Submitted applications by decision, every decision named."""
    rows = (
        call.applications.filter(status=Application.Status.SUBMITTED)
        .values_list("decision")
        .annotate(n=Count("id"))
    )
    return dict.fromkeys(Application.Decision.values, 0) | dict(rows)


def unheard_decisions(call: Call) -> int:
    """Applicants whose current decision they have not been told yet."""
    decisions = (
        call.applications.filter(status=Application.Status.SUBMITTED)
        .exclude(decision=Application.Decision.PENDING)
        .values_list("decision", "notified_decision")
    )
    return sum(1 for decision, notified in decisions if decision != notified)


# --- Exhibitors ---------------------------------------------------------------------------


def active_exhibitors(edition: Edition | None = None) -> QuerySet[Exhibitor]:
    """The organisations exhibiting (withdrawn ones left out), at ``edition`` when given."""
    exhibitors = Exhibitor.objects.filter(status=Exhibitor.Status.ACTIVE)
    return exhibitors if edition is None else exhibitors.filter(edition=edition)


def exhibitors_by_name(edition: Edition) -> list[Exhibitor]:
    """The edition's active exhibitors, by their organisation's French name."""
    return list(
        active_exhibitors(edition).select_related("organisation").order_by("organisation__name_fr")
    )
