"""An organiser asks for the sheet of QR codes from the fair's dashboard: the job's page shows
its progress, then offers the PDF, which downloads."""

import shutil

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from maarid.core.models import Job
from tests.browser.conftest import screenshot
from tests.browser.test_registry_flow import log_in
from tests.catalogue.test_site import build_fair, fr
from tests.conftest import ensure_places
from tests.documents import text_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils"),
]


def test_the_qr_sheet_is_offered_by_its_jobs_page_and_downloads(
    desktop, live_server, edition, cooperative, organiser, tmp_path
):
    ensure_places()
    build_fair(edition, cooperative)
    page = desktop
    log_in(page, live_server, "organiser@example.ma")
    page.goto(f"{live_server.url}/fr/{edition.series.slug}/{edition.number}/dashboard/")
    page.get_by_role("link", name="Codes QR des produits (PDF)").click()
    expect(page).to_have_url(f"{live_server.url}/fr/jobs/{Job.objects.get().pk}/")
    expect(page.locator("p[role=status]")).to_have_text(fr("The PDF is ready."))
    download_link = page.get_by_role("link", name=fr("Download"))
    expect(download_link).to_be_visible()
    screenshot(page, "qr-sheet-job-done")
    with page.expect_download() as started:
        download_link.click()
    download = started.value
    assert download.suggested_filename == "qr-ess-tta-3-products.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = text_of(saved.read_bytes())
    assert "Miel de thym" in text and "Tapis berbère" in text


def test_the_jobs_page_shows_the_progress_then_the_download_in_arabic(
    phone, live_server, organiser
):
    """A job still running (as a worker would leave it): the page polls, and offers the file
    as soon as the job is done, without leaving the page."""
    job = Job.objects.create(
        kind="catalogue.qr_sheet",
        user=organiser,
        language="ar",
        status=Job.Status.RUNNING,
        progress=42,
        message="جارٍ إعداد رموز QR…",
        started_at=timezone.now(),
        alive_at=timezone.now(),
    )
    page = phone
    log_in(page, live_server, "organiser@example.ma")
    page.goto(f"{live_server.url}/ar/jobs/{job.pk}/")
    expect(page.locator("progress")).to_have_attribute("value", "42")
    screenshot(page, "qr-sheet-job-running-ar")
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.DONE,
        progress=100,
        finished_at=timezone.now(),
        message="The PDF is ready.",
        result={"download": "/ar/about/"},
    )
    expect(page.locator(f"#job-{job.pk} a.button")).to_be_visible(timeout=10000)
    expect(page).to_have_url(f"{live_server.url}/ar/jobs/{job.pk}/")  # it stays
    screenshot(page, "qr-sheet-job-done-ar")
