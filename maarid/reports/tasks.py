"""Background tasks of the reports app (see core/jobs.py for how their progress is shown)."""

from django_tasks import task

from maarid.core import jobs, pdf
from maarid.fairs.selectors import edition_for

from . import documents, selectors

PDF_JOB = "reports.closing_report"


@task()
def make_report_pdf(job_id: str, series: str, number: int, language: str) -> None:
    """Makes the closing report's PDF for whoever asked, as they may read it now."""
    with jobs.running(job_id) as job:
        edition = edition_for(job.user, series, number)
        reader = selectors.reader(job.user, edition)
        pdf.make_in(job, documents.ClosingReportPdf(edition, reader, language))
