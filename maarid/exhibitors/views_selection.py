"""The organisers' selection page: run the optimiser, read why each applicant is in or out,
override, publish; and the exports (spreadsheet, PDF report)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from maarid.core import jobs, pdf
from maarid.fairs.selectors import with_edition

from . import documents, reports, selectors, services, tasks
from .forms_review import OverrideForm, PublishForm
from .models import Application
from .views_review import error_text

PDF_LANGUAGES = documents.LANGUAGES


def _selection_url(call):
    edition = call.edition
    return reverse("exhibitors:selection", args=[edition.series.slug, edition.number])


@login_required
@with_edition(need="organise")
def selection(request, series, number):
    call = selectors.call_of(request.edition)
    explainer = reports.Explainer(call)
    run = selectors.latest_run(call)
    groups = reports.decided(call)
    sections = [
        (
            decision,
            label,
            [
                {"application": a, "reason": explainer.reason(a), "form": _override_form(a)}
                for a in groups[decision]
            ],
        )
        for decision, label in [
            (Application.Decision.ACCEPTED, _("Accepted")),
            (Application.Decision.WAITLISTED, _("Waiting list")),
            (Application.Decision.REJECTED, _("Not selected")),
            (Application.Decision.PENDING, _("Not decided yet")),
        ]
        if groups[decision]
    ]
    return render(
        request,
        "exhibitors/selection.html",
        {
            "call": call,
            "edition": call.edition,
            "run": run,
            "shortfalls": explainer.shortfalls(run),
            "sections": sections,
            "quotas": reports.quota_lines(call),
            "publish_form": PublishForm(),
            "unpublished": selectors.unheard_decisions(call),
            "pdf_languages": PDF_LANGUAGES,
        },
    )


def _override_form(application):
    current = {True: OverrideForm.FORCE_IN, False: OverrideForm.FORCE_OUT}.get(
        application.pinned, OverrideForm.FORCE_IN
    )
    return OverrideForm(
        initial={"action": current, "reason": application.override_reason},
        prefix=f"a{application.pk}",
    )


@login_required
@require_POST
@with_edition(need="organise")
def run(request, series, number):
    """Runs the selection in the background; the job's page shows it and comes back here."""
    call = selectors.call_of(request.edition)
    return jobs.start_and_show(
        request,
        tasks.run_selection,
        kind=tasks.SELECTION_JOB,
        series_id=call.edition.series_id,
        call_pk=call.pk,
        actor_pk=request.user.pk,
    )


@login_required
@require_POST
@with_edition(need="organise")
def publish(request, series, number):
    """Creates the exhibitors and tells every applicant their decision."""
    call = selectors.call_of(request.edition)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm that the decisions can go out."))
    elif selectors.latest_run(call) is None:
        messages.error(request, _("Run the selection before publishing the decisions."))
    else:
        sent = services.publish_decisions(actor=request.user, call=call)
        messages.success(
            request,
            ngettext(
                "The decisions are published: %(count)d message is on its way.",
                "The decisions are published: %(count)d messages are on their way.",
                sent,
            )
            % {"count": sent},
        )
    return redirect(_selection_url(call))


@login_required
@require_POST
@with_edition(need="organise")
def override(request, series, number, pk):
    """Forces an applicant in or out, or lifts the override; the next run respects it."""
    call = selectors.call_of(request.edition)
    application = selectors.application_of(call, pk)
    form = OverrideForm(request.POST, prefix=f"a{application.pk}")
    target = f"{_selection_url(call)}#application-{application.pk}"
    if not form.is_valid():
        messages.error(request, _("Choose how to override the selection."))
        return redirect(target)
    try:
        services.override(
            actor=request.user,
            application=application,
            accept=form.accept(),
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(target)
    texts = {
        True: _("%(org)s will be accepted at the next run of the selection."),
        False: _("%(org)s will be left out at the next run of the selection."),
        None: _("The override of %(org)s is lifted: the next run decides by the scores."),
    }
    messages.success(request, texts[form.accept()] % {"org": application.organisation})
    return redirect(target)


@login_required
@with_edition(need="organise")
def export_xlsx(request, series, number):
    call = selectors.call_of(request.edition)
    response = HttpResponse(reports.export_xlsx(call), content_type=reports.XLSX)
    edition = call.edition
    filename = f"applications-{edition.series.slug}-{edition.number}-{timezone.localdate()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@with_edition(need="organise")
def report_pdf(request, series, number):
    """The selection report, in Arabic or French (``?lang=``), by default the page's language:
    as last made if nothing in it has changed since, else made in the background."""
    call = selectors.call_of(request.edition)
    language = request.GET.get("lang")
    if language not in PDF_LANGUAGES:
        language = translation.get_language()
    return pdf.serve_or_make(
        request,
        documents.SelectionReport(call, language),
        tasks.make_selection_report,
        kind=tasks.REPORT_JOB,
        series_id=request.edition.series_id,
        series=series,
        number=number,
        language=language,
    )
