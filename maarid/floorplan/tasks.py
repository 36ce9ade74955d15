"""The booth allocation and the booth signs as background tasks, with their progress on the
job's page."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from maarid.core import jobs, pdf
from maarid.fairs.selectors import edition_for

from . import documents, services

ALLOCATE_JOB = "floorplan.allocate"
SIGNS_JOB = "floorplan.signs"
PLAN_PDF_JOB = "floorplan.plan_pdf"


@task()
def run_allocation(
    job_id: str,
    series: str,
    number: int,
    weights: dict[str, int],
    seed: int,
    seconds: int,
) -> None:
    """Runs the optimiser for an organiser who may still organise the edition and sends them to
    the proposal, which they apply or not."""
    with jobs.running(job_id) as job:
        edition = edition_for(job.user, series, number, need="organise")

        def progress(fraction: float, message: str) -> None:
            job.report(int(5 + 90 * fraction), _("Looking for a better placement…"))

        job.report(5, _("Placing the exhibitors…"))
        try:
            weights_, seed_, seconds_ = services.allocation_options(
                **weights, seed=seed, seconds=seconds
            )
            result = services.run_allocation(
                actor=job.user,
                edition=edition,
                weights=weights_,
                seed=seed_,
                seconds=seconds_,
                progress=progress,
            )
        except ValidationError as error:
            raise jobs.Failure(" ".join(error.messages)) from error
        job.result = {
            **result,
            "edition": [series, number],
            "redirect": reverse("floorplan:allocation", args=[series, number, job.pk]),
        }
        job.message = ngettext(
            "%(placed)d of %(count)d exhibitor placed.",
            "%(placed)d of %(count)d exhibitors placed.",
            result["exhibitors"],
        ) % {
            "placed": result["placed"],
            "count": result["exhibitors"],
        }


@task()
def make_signs(job_id: str, series: str, number: int, base_url: str) -> None:
    """Makes the booth signs of an edition for an organiser who may still organise it, and
    offers them for download."""
    with jobs.running(job_id) as job:
        edition = edition_for(job.user, series, number, need="organise")
        pdf.make_in(job, documents.BoothSigns(edition, base_url=base_url))


@task()
def make_plan_pdf(job_id: str, series: str, number: int) -> None:
    """Makes the printable plan (A3) of an edition for an organiser, and offers it."""
    with jobs.running(job_id) as job:
        edition = edition_for(job.user, series, number, need="organise")
        pdf.make_in(job, documents.PlanPdf(edition))
