"""The scheduler as a background task, with its progress on the job's page."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from maarid.core import jobs

from . import selectors, services

SCHEDULE_JOB = "b2b.schedule"


@task()
def run_schedule(job_id: str, programme_pk: int) -> None:
    """Places the accepted meetings (announced ones stay) and sends the organiser back to the
    meetings page with the figures of the run."""
    with jobs.running(job_id) as job:
        programme = selectors.programme_by_pk(programme_pk)

        def progress(fraction: float, message: str) -> None:
            job.report(int(5 + 90 * fraction), _("Looking for a better schedule…"))

        job.report(5, _("Placing the meetings…"))
        result = services.solve(programme=programme, progress=progress)
        figures = services.save_schedule(programme=programme, result=result)
        edition = programme.edition
        job.result = {
            **figures,
            "redirect": reverse("b2b:meetings", args=[edition.series.slug, edition.number]),
        }
        job.message = _(
            "%(placed)d meetings placed, %(unplaced)d not placed; %(breaks)s breaks in all."
        ) % {
            "placed": figures["placed"],
            "unplaced": figures["unplaced"],
            "breaks": figures["breaks"],
        }
