"""Background tasks of the catalogue (see core/jobs.py for how their progress is shown)."""

from django_tasks import task

from maarid.core import jobs, pdf
from maarid.fairs.selectors import edition_for

from . import qr


@task()
def make_qr_sheet(job_id: str, series: str, number: int, products: bool, base_url: str) -> None:
    """Makes the sheet of QR codes of an edition (``qr.Sheet``) for an organiser who may
    still organise it, and offers it for download."""
    with jobs.running(job_id) as job:
        edition = edition_for(job.user, series, number, need="organise")
        pdf.make_in(job, qr.Sheet(edition, products=products, base_url=base_url))
