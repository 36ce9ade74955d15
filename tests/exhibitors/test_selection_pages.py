"""The selection page: run (a background job), reasons, overrides, publication, and the
exports (spreadsheet and PDF report)."""

import io
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from maarid.core.models import Job, OutboxMessage
from maarid.exhibitors import services
from maarid.exhibitors.models import Application, Exhibitor, SectorQuota, SelectionRun
from maarid.registry.models import Membership
from tests import documents
from tests.conftest import client_for, make_user
from tests.exhibitors.conftest import decisions

pytestmark = pytest.mark.django_db

ORGANISER_PAGES = ["board", "selection", "export-xlsx", "selection-report"]
ORGANISER_POSTS = ["assign", "selection-run", "selection-publish"]


def url(name, call, *args, language="en"):
    edition = call.edition
    with translation.override(language):
        return reverse(f"exhibitors:{name}", args=[edition.series.slug, edition.number, *args])


def run_through_the_page(client, call):
    response = client.post(url("selection-run", call))
    job = Job.objects.latest("created_at")
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.status == Job.Status.DONE, job.error
    assert job.result["redirect"] == url("selection", call)
    return job


def test_the_selection_runs_as_a_job_and_records_decisions_with_reasons(call, five, organiser):
    client = client_for(organiser)
    assert "has not been run yet" in client.get(url("selection", call)).content.decode()
    run_through_the_page(client, call)
    assert decisions(five) == {
        "Coop A": "accepted",
        "Coop B": "accepted",
        "Coop C": "accepted",
        "Coop D": "waitlisted",
        "Coop E": "waitlisted",
    }
    assert [five[f"Coop {n}"].rank for n in "ABCDE"] == [1, 2, 3, 4, 5]
    assert five["Coop A"].reason["code"] == "accepted"
    assert five["Coop D"].reason["code"] == "places_full"
    run = SelectionRun.objects.get()
    assert run.optimal and run.accepted == 3 and run.run_by == organiser
    page = client.get(url("selection", call)).content.decode()
    assert "All 3 places went to applicants with a better score" in page
    assert "Among the best scores within the places and quotas." in page
    assert "Yes: no other selection within the quotas has a higher total score." in page
    assert "Every quota is met." in page


def test_an_override_is_respected_on_the_next_run(call, five, organiser):
    client = client_for(organiser)
    run_through_the_page(client, call)
    e, a = five["Coop E"], five["Coop A"]
    # A reason is required.
    response = client.post(
        url("override", call, e.pk), {f"a{e.pk}-action": "in", f"a{e.pk}-reason": " "}
    )
    assert response.status_code == 302
    e.refresh_from_db()
    assert e.pinned is None
    client.post(
        url("override", call, e.pk),
        {f"a{e.pk}-action": "in", f"a{e.pk}-reason": "Métier menacé de disparition"},
    )
    client.post(
        url("override", call, a.pk),
        {f"a{a.pk}-action": "out", f"a{a.pk}-reason": "Dossier incomplet"},
    )
    run_through_the_page(client, call)
    assert decisions(five) == {
        "Coop A": "rejected",
        "Coop B": "accepted",
        "Coop C": "accepted",
        "Coop D": "waitlisted",
        "Coop E": "accepted",
    }
    assert five["Coop A"].reason["code"] == "pinned_out"
    page = client.get(url("selection", call)).content.decode()
    assert "Forced out by an organiser." in page and "Dossier incomplet" in page
    assert "Forced in by an organiser." in page and "Métier menacé de disparition" in page
    # Lifting the override gives the decision back to the scores.
    client.post(url("override", call, a.pk), {f"a{a.pk}-action": "lift", f"a{a.pk}-reason": ""})
    run_through_the_page(client, call)
    assert decisions(five)["Coop A"] == "accepted"


def test_shortfalls_are_written_as_sentences(call, five, organiser):
    SectorQuota.objects.create(call=call, sector="cosmetics", minimum=2)
    client = client_for(organiser)
    run_through_the_page(client, call)
    page = client.get(url("selection", call)).content.decode()
    assert "Sector minimum for Natural cosmetics: 2 required, 0 possible — 2 short." in page


def test_publishing_creates_exhibitors_and_tells_each_member_in_their_language(
    call, five, organiser, series
):
    # Coop A has a second member who reads Arabic.
    reader = make_user("coop-a-ar", language="ar")
    Membership.objects.create(
        user=reader, organisation=five["Coop A"].organisation, status=Membership.Status.ACTIVE
    )
    client = client_for(organiser)
    run_through_the_page(client, call)
    # Without the confirmation, nothing goes out.
    client.post(url("selection-publish", call), {})
    assert not Exhibitor.objects.exists() and not OutboxMessage.objects.exists()
    response = client.post(url("selection-publish", call), {"confirm": "on"}, follow=True)
    assert "6 messages are on their way" in response.content.decode()
    accepted = {five[n].pk for n in ("Coop A", "Coop B", "Coop C")}
    assert set(Exhibitor.objects.values_list("application_id", flat=True)) == accepted
    members = Membership.objects.filter(
        organisation__applications__call=call, status=Membership.Status.ACTIVE
    ).select_related("user")
    assert OutboxMessage.objects.count() == members.count() == 6
    for membership in members:
        [message] = OutboxMessage.objects.filter(to=membership.user.email)
        assert message.language == membership.user.language
    assert OutboxMessage.objects.get(to=reader.email).language == "ar"
    call.refresh_from_db()
    assert call.decisions_published_at is not None
    # Publishing again tells nobody twice.
    client.post(url("selection-publish", call), {"confirm": "on"})
    assert OutboxMessage.objects.count() == 6


def test_publishing_needs_a_run(call, five, organiser):
    client = client_for(organiser)
    response = client.post(url("selection-publish", call), {"confirm": "on"}, follow=True)
    assert "Run the selection before" in response.content.decode()
    assert not OutboxMessage.objects.exists()


def test_the_spreadsheet_opens_and_neutralises_formulas(call, five, organiser, reviewers):
    organisation = five["Coop E"].organisation
    organisation.name_fr = '=HYPERLINK("http://evil")'
    organisation.save()
    client = client_for(organiser)
    run_through_the_page(client, call)
    response = client.get(url("export-xlsx", call))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    applications, reviews = workbook.worksheets
    rows = list(applications.iter_rows(values_only=True))
    header = rows[0]
    assert "Decision" in header and "Score" in header and "Rank" in header
    assert f"Total by {reviewers[0]}" in header and f"Total by {reviewers[1]}" in header
    by_name = {row[1]: row for row in rows[1:]}
    a = by_name["Coop A"]
    assert a[header.index("Decision")] == "Accepted" and a[header.index("Rank")] == 1
    assert a[header.index("Score")] == 9 and a[header.index(f"Total by {reviewers[0]}")] == 9
    assert '\'=HYPERLINK("http://evil")' in by_name
    assert len(list(reviews.iter_rows())) == 1 + 10  # one row per review


def pdftotext(pdf: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


ARABIC_LETTERS = re.compile("[\u0621-\u064a]")


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_the_report_renders_in_arabic_and_in_french(call, five, organiser):
    organisation = five["Coop A"].organisation
    organisation.name_ar = "تعاونية النحل"
    organisation.save()
    client = client_for(organiser)
    run_through_the_page(client, call)

    # Made in the background: the job's page offers it (tests/exhibitors/test_report_job.py).
    french, _job = documents.fetch(client, url("selection-report", call) + "?lang=fr")
    assert french.status_code == 200 and french["Content-Type"] == "application/pdf"
    text = pdftotext(documents.body(french))
    assert "Coop A" in text and "Coop C" in text  # accepted, with their French names
    assert "Coop D" in text  # on the waiting list

    arabic, _job = documents.fetch(
        client, url("selection-report", call, language="fr") + "?lang=ar"
    )
    arabic_pdf = documents.body(arabic)
    assert arabic.status_code == 200 and arabic_pdf.startswith(b"%PDF")
    text = pdftotext(arabic_pdf)
    # What is checked: Arabic letters are there, and the accepted organisation's Arabic name
    # can be read back, whether pdftotext gives it in logical order or in visual (reversed).
    assert ARABIC_LETTERS.search(text)
    words = ["تعاونية", "النحل"]
    assert all(w in text or w[::-1] in text for w in words), text
    assert "Coop A" not in text  # its Arabic name is used in the Arabic report


def test_the_report_defaults_to_the_page_language(call, five, organiser):
    client = client_for(organiser)
    run_through_the_page(client, call)
    response, _job = documents.fetch(client, url("selection-report", call, language="fr"))
    assert response.status_code == 200
    assert 'filename="selection-ess-tta-3-fr.pdf"' in response["Content-Disposition"]


def test_another_series_organiser_gets_403_on_every_organiser_page(
    call, five, organiser, other_organiser, reviewers
):
    services.run_selection(actor=organiser, call=call)
    before = {a.pk: (a.decision, a.pinned) for a in Application.objects.all()}
    client = client_for(other_organiser)
    for name in ORGANISER_PAGES:
        assert client.get(url(name, call)).status_code == 403, name
    for name in ORGANISER_POSTS:
        assert client.post(url(name, call), {"auto": "1", "confirm": "on"}).status_code == 403
    e = five["Coop E"]
    response = client.post(url("override", call, e.pk), {f"a{e.pk}-action": "in", "reason": "x"})
    assert response.status_code == 403
    for who in (reviewers[0], five["Coop A"].organisation.memberships.get().user):
        assert client_for(who).get(url("selection", call)).status_code == 403
    assert {a.pk: (a.decision, a.pinned) for a in Application.objects.all()} == before
    assert SelectionRun.objects.count() == 1 and not OutboxMessage.objects.exists()
