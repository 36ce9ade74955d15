"""The reviewers' pages (their assignments, the review form) and the organisers' review board
(progress, disagreements, assignment)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from maarid.fairs.selectors import with_edition

from . import selectors, services
from .forms_review import AssignForm, BoardFilterForm, ReviewForm
from .reports import aggregation_text

BOARD_PAGE_SIZE = 50


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Reviewers ----------------------------------------------------------------------------


@login_required
@with_edition()
def my_reviews(request, series, number):
    """The reviewer's assignments in this call: what is left to do first."""
    call = selectors.call_for_reviewer(request.user, request.edition)
    reviews = selectors.reviews_to_do(request.user, call)
    to_do = [r for r in reviews if r.submitted_at is None]
    done = [r for r in reviews if r.submitted_at is not None]
    return render(
        request,
        "exhibitors/review_list.html",
        {"call": call, "edition": call.edition, "to_do": to_do, "done": done},
    )


@login_required
@with_edition()
def review_form(request, series, number, pk):
    """One application and the rubric, for the review's own reviewer only (404 for others)."""
    edition = request.edition
    call = selectors.call_of(edition)
    review = selectors.own_review(request.user, pk, call=call)
    application = review.application
    criteria = list(call.criteria.all())
    initial_marks = selectors.marks_of(review)
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
                return redirect(_next_review(review, edition) or _list_url(edition))
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
        "documents": selectors.documents_of(application),
        "form": form,
        "closed": closed,
        "weights_differ": len({c.weight for c in criteria}) > 1,
    }
    return render(request, "exhibitors/review_form.html", context, status=status)


def _list_url(edition):
    return reverse("exhibitors:my-reviews", args=[edition.series.slug, edition.number])


def _next_review(review, edition):
    """The reviewer's next review still to do, so that they can go on without a detour."""
    following = selectors.next_review(review)
    if following is None:
        return None
    return reverse("exhibitors:review", args=[edition.series.slug, edition.number, following.pk])


# --- The review board ---------------------------------------------------------------------


@login_required
@with_edition(need="organise")
def board(request, series, number):
    """Progress of the review, the applications with each reviewer's total and the combined
    score, filters, and assignment."""
    call = selectors.call_of(request.edition)
    progress = selectors.progress(call)
    spreads = dict(progress["disagreements"])
    combined = selectors.scores(call)
    form = BoardFilterForm(request.GET or None, provinces=selectors.provinces_of_applicants(call))
    applications = selectors.board(call, form.filters(), list(spreads))
    page = Paginator(applications, BOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    rows: list[dict[str, Any]] = [
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
    disagreeing = selectors.applications_by_pk(call, list(spreads))
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
@with_edition(need="organise")
def assign(request, series, number):
    """Assigns one reviewer to one application, or (``auto=1``) every application its
    reviewers, to the least loaded reviewers without a conflict."""
    call = selectors.call_of(request.edition)
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
    application = selectors.application_of(call, form.cleaned_data["application"])
    reviewer = selectors.user_by_pk(form.cleaned_data["reviewer"])
    if reviewer is None:
        raise Http404
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
