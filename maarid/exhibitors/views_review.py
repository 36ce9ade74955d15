"""The reviewers' pages (their assignments, the review form) and the organisers' review board
(progress, disagreements, assignment)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from maarid.core import access
from maarid.core.models import User
from maarid.fairs.models import Edition

from . import selectors, services
from .forms_review import AssignForm, BoardFilterForm, ReviewForm
from .models import Application, Call, Review
from .reports import aggregation_text

BOARD_PAGE_SIZE = 50


def edition_of(series, number) -> Edition:
    return get_object_or_404(
        Edition.objects.select_related("series"), series__slug=series, number=number
    )


def organiser_call(request, series, number) -> Call:
    """The call of the edition, for its series' organisers only (403 for anyone else)."""
    edition = edition_of(series, number)
    access.require_organiser(request.user, edition.series_id)
    return _call(edition)


def _call(edition) -> Call:
    return get_object_or_404(Call.objects.select_related("edition__series"), edition=edition)


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Reviewers ----------------------------------------------------------------------------


def _reviewer_call(request, series, number) -> Call:
    edition = edition_of(series, number)
    if edition.series_id not in access.facts(request.user).series_for(access.Role.REVIEWER):
        raise PermissionDenied
    return _call(edition)


@login_required
def my_reviews(request, series, number):
    """The reviewer's assignments in this call: what is left to do first."""
    call = _reviewer_call(request, series, number)
    reviews = (
        Review.objects.filter(
            reviewer=request.user,
            application__call=call,
            application__status=Application.Status.SUBMITTED,
        )
        .select_related("application__organisation__province")
        .order_by("submitted_at", "assigned_at", "id")
    )
    to_do = [r for r in reviews if r.submitted_at is None]
    done = [r for r in reviews if r.submitted_at is not None]
    return render(
        request,
        "exhibitors/review_list.html",
        {"call": call, "edition": call.edition, "to_do": to_do, "done": done},
    )


@login_required
def review_form(request, series, number, pk):
    """One application and the rubric, for the review's own reviewer only (404 for others)."""
    edition = edition_of(series, number)
    call = _call(edition)
    review = get_object_or_404(
        Review.objects.select_related(
            "application__organisation__province", "application__organisation__commune"
        ),
        pk=pk,
        reviewer=request.user,
        application__call=call,
    )
    application = review.application
    criteria = list(call.criteria.all())
    initial_marks = dict(review.scores.values_list("criterion_id", "value"))
    closed = call.decisions_published_at is not None
    form = ReviewForm(
        request.POST if request.method == "POST" else None,
        criteria=criteria,
        initial_marks=initial_marks,
        initial={"comment": review.comment},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.score(
                    actor=request.user,
                    review=review,
                    marks=form.marks(),
                    comment=form.cleaned_data["comment"].strip(),
                )
            except ValidationError as error:
                messages.error(request, error_text(error))
                status = 400
            else:
                messages.success(request, _("Your review is saved. Thank you."))
                return redirect(_next_review(review, call) or _list_url(edition))
        else:
            messages.error(request, _("Mark every criterion from 0 to 10."))
            status = 400
    context = {
        "call": call,
        "edition": edition,
        "review": review,
        "application": application,
        "organisation": application.organisation,
        "products": application.products.all(),
        "documents": application.documents.select_related("requirement"),
        "form": form,
        "closed": closed,
        "weights_differ": len({c.weight for c in criteria}) > 1,
    }
    return render(request, "exhibitors/review_form.html", context, status=status)


def _list_url(edition):
    return reverse("exhibitors:my-reviews", args=[edition.series.slug, edition.number])


def _next_review(review, call):
    """The reviewer's next review still to do, so that they can go on without a detour."""
    following = (
        Review.objects.filter(
            reviewer_id=review.reviewer_id,
            application__call=call,
            application__status=Application.Status.SUBMITTED,
            submitted_at__isnull=True,
        )
        .exclude(pk=review.pk)
        .order_by("assigned_at", "id")
        .first()
    )
    if following is None:
        return None
    edition = call.edition
    return reverse("exhibitors:review", args=[edition.series.slug, edition.number, following.pk])


# --- The review board ---------------------------------------------------------------------


@login_required
def board(request, series, number):
    """Progress of the review, the applications with each reviewer's total and the combined
    score, filters, and assignment."""
    call = organiser_call(request, series, number)
    progress = selectors.progress(call)
    spreads = dict(progress["disagreements"])
    combined = selectors.scores(call)
    form = BoardFilterForm(request.GET or None, call=call)
    applications = form.filter(
        call.applications.select_related("organisation__province").prefetch_related(
            Prefetch("reviews", queryset=Review.objects.select_related("reviewer"))
        ),
        spreads,
    ).order_by("organisation__name_fr", "id")
    page = Paginator(applications, BOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "application": a,
            "reviews": list(a.reviews.all()),
            "score": combined.get(a.pk),
            "spread": spreads.get(a.pk),
        }
        for a in page
    ]
    loads = selectors.reviewer_loads(call)
    for row in rows:
        have = {r.reviewer_id for r in row["reviews"]}
        row["can_add"] = [load for load in loads if load.reviewer.pk not in have]
    disagreeing = {
        a.pk: a
        for a in call.applications.filter(pk__in=list(spreads)).select_related("organisation")
    }
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "exhibitors/board.html",
        {
            "call": call,
            "edition": call.edition,
            "progress": progress,
            "disagreements": [
                (disagreeing[pk], spread)
                for pk, spread in progress["disagreements"]
                if pk in disagreeing
            ],
            "form": form,
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "aggregation_text": aggregation_text(call),
        },
    )


@login_required
@require_POST
def assign(request, series, number):
    """Assigns one reviewer to one application, or (``auto=1``) every application its
    reviewers, to the least loaded reviewers without a conflict."""
    call = organiser_call(request, series, number)
    back = _back_to_board(request, call)
    if request.POST.get("auto"):
        made = services.auto_assign(actor=request.user, call=call)
        messages.success(
            request,
            ngettext("%(count)d review assigned.", "%(count)d reviews assigned.", made)
            % {"count": made},
        )
        return redirect(back)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a reviewer."))
        return redirect(back)
    application = get_object_or_404(Application, pk=form.cleaned_data["application"], call=call)
    reviewer = get_object_or_404(User, pk=form.cleaned_data["reviewer"])
    try:
        services.assign(actor=request.user, application=application, reviewer=reviewer)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("%(reviewer)s will review %(organisation)s.")
            % {"reviewer": reviewer, "organisation": application.organisation},
        )
    return redirect(back)


def _back_to_board(request, call):
    """The board with the filters the organiser was using."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    edition = call.edition
    return reverse("exhibitors:board", args=[edition.series.slug, edition.number])
