"""The selection report is made in the background and kept until the selection changes."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from maarid.exhibitors import documents, services, tasks
from tests.conftest import client_for
from tests.documents import body, download_link, fetch, job_of, needs_poppler, renders_of, text_of

from .conftest import applicant, marked, submitted

pytestmark = [pytest.mark.django_db, needs_poppler]


@pytest.fixture
def renders(monkeypatch):
    return renders_of(monkeypatch, documents.SelectionReport)


@pytest.fixture
def applicants(call, series, reviewers):
    """Five reviewed applicants for the call's three places: Coop A (9) … Coop E (5)."""
    found = {}
    for mark, name in zip([9, 8, 7, 6, 5], ["Coop A", "Coop B", "Coop C", "Coop D", "Coop E"]):
        application = submitted(call, *applicant(series, name))
        for reviewer in reviewers[:2]:
            marked(application, reviewer, mark)
        found[name] = application
    return found


def url(name, call, language="fr"):
    edition = call.edition
    with translation.override(language):
        return reverse(f"exhibitors:{name}", args=[edition.series.slug, edition.number])


def test_the_report_is_kept_until_the_selection_changes(call, applicants, organiser, renders):
    services.run_selection(actor=organiser, call=call)
    client = client_for(organiser)
    report = url("selection-report", call)
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
    coop_e = applicants["Coop E"]
    services.override(actor=organiser, application=coop_e, accept=True, reason="Quota")
    services.run_selection(actor=organiser, call=call)
    second, _job = fetch(client, report)
    assert renders == ["fr", "ar", "fr"] and "Coop E" in text_of(body(second))


def test_only_the_series_organisers_may_have_the_report(
    call, applicants, organiser, other_organiser, reviewers
):
    services.run_selection(actor=organiser, call=call)
    _report, job = fetch(client_for(organiser), url("selection-report", call))
    link = download_link(client_for(organiser), job)
    assert client_for(other_organiser).get(link).status_code == 403
    assert client_for(reviewers[0]).get(link).status_code == 403
    assert Client().get(link).status_code == 302
