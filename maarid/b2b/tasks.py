"""The scheduler and the table signs as background tasks, with their progress on the job's
page."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from maarid.core import jobs, pdf
from maarid.fairs.selectors import edition_for

from . import documents, selectors, services

SCHEDULE_JOB = "b2b.schedule"
TABLE_SIGNS_JOB = "b2b.table_signs"


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
            "programme": programme.pk,
            "redirect": reverse("b2b:meetings", args=[edition.series.slug, edition.number]),
        }
        job.message = _(
            "%(placed)d meetings placed, %(unplaced)d not placed; %(breaks)s breaks in all."
        ) % {
            "placed": figures["placed"],
            "unplaced": figures["unplaced"],
            "breaks": figures["breaks"],
        }
        breaks, bound = figures["breaks"], figures["bound"]
        if figures["status"] == "optimal":
            job.message += " " + _("No schedule has fewer breaks.")
        elif breaks is not None and bound is not None and breaks > bound:
            job.message += " " + ngettext(
                "At most %(n)d break more than the best possible.",
                "At most %(n)d breaks more than the best possible.",
                breaks - bound,
            ) % {"n": breaks - bound}


@task()
def make_table_signs(job_id: str, series: str, number: int) -> None:
    """Makes the table signs of an edition's programme for an organiser who may still
    organise it, and offers them for download."""
    with jobs.running(job_id) as job:
        edition = edition_for(job.user, series, number, need="organise")
        pdf.make_in(job, documents.TableSigns(selectors.programme_of(edition)))
