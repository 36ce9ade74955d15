"""Background tasks of the call for exhibitors (see core/jobs.py for how their progress is
shown)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from maarid.core import jobs, pdf
from maarid.fairs.selectors import edition_for

from . import documents, selectors, services

SELECTION_JOB = "exhibitors.selection"
REPORT_JOB = "exhibitors.selection_report"


@task()
def run_selection(job_id: str, call_pk: int, actor_pk: int) -> None:
    """Runs the selection optimiser for a call and records every applicant's decision; the
    job then sends the organiser back to the selection page."""
    with jobs.running(job_id) as job:
        call = selectors.call_by_pk(call_pk)
        actor = selectors.user_by_pk(actor_pk)
        if actor is None:  # the organiser's account is gone: the job fails visibly
            raise LookupError(f"user {actor_pk}")
        job.report(5, _("Computing the selection…"))
        run = services.run_selection(actor=actor, call=call)
        edition = call.edition
        job.result = {
            "run": run.pk,
            "redirect": reverse("exhibitors:selection", args=[edition.series.slug, edition.number]),
        }
        job.message = _(
            "The selection is done: %(accepted)d accepted out of %(candidates)d candidates."
        ) % {"accepted": run.accepted, "candidates": run.candidates}


@task()
def make_selection_report(job_id: str, series: str, number: int, language: str) -> None:
    """Makes the selection report for an organiser who may still organise the edition, and
    offers it for download."""
    with jobs.running(job_id) as job:
        edition = edition_for(job.user, series, number, need="organise")
        report = documents.SelectionReport(selectors.call_of(edition), language)
        pdf.make_in(job, report)
