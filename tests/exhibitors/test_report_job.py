"""The selection report is made in the background and kept until the selection changes."""

import shutil

import pytest
from django.test import Client

from maarid.exhibitors import documents, services, tasks
from tests.conftest import client_for
from tests.documents import body, download_link, fetch, job_of, text_of

from . import test_selection_pages as pages

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils"),
]


@pytest.fixture
def renders(monkeypatch):
    made = []
    original = documents.SelectionReport.render

    def counted(self, context, progress):
        made.append(self.stem)
        return original(self, context, progress)

    monkeypatch.setattr(documents.SelectionReport, "render", counted)
    return made


five = pages.five  # five reviewed applicants for three places
url = pages.url


def test_the_report_is_kept_until_the_selection_changes(call, five, organiser, renders):
    services.run_selection(actor=organiser, call=call)
    client = client_for(organiser)
    report = url("selection-report", call, language="fr")
    job = job_of(client.get(report))
    assert job.kind == tasks.REPORT_JOB
    first = body(client.get(download_link(client, job)))
    assert "Coop A" in text_of(first) and renders == ["fr"]
    # Asked again (the time it was printed is no change): the kept file, at once.
    again = client.get(report)
    assert again.status_code == 200 and body(again) == first and renders == ["fr"]
    # In Arabic: another document.
    fetch(client, report + "?lang=ar")
    assert renders == ["fr", "ar"]
    # An organiser forces Coop E in: a new report.
    coop_e = five["Coop E"]
    services.override(actor=organiser, application=coop_e, accept=True, reason="Quota")
    services.run_selection(actor=organiser, call=call)
    second, _job = fetch(client, report)
    assert renders == ["fr", "ar", "fr"] and "Coop E" in text_of(body(second))


def test_only_the_series_organisers_may_have_the_report(
    call, five, organiser, other_organiser, reviewers
):
    services.run_selection(actor=organiser, call=call)
    _report, job = fetch(client_for(organiser), url("selection-report", call, language="fr"))
    link = download_link(client_for(organiser), job)
    assert client_for(other_organiser).get(link).status_code == 403
    assert client_for(reviewers[0]).get(link).status_code == 403
    assert Client().get(link).status_code == 302
