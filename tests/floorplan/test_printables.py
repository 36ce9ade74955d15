"""The floor plan's printables: the plan on A3 with its legend, zones and who stands where, and
a sign per placed exhibitor (A4: Arabic and French names, booth number, QR code), made in the
background and kept until what they show changes."""

import subprocess

import pytest
from django.test import Client
from django.urls import reverse

from maarid.floorplan import documents, selectors, services, tasks
from tests.conftest import client_for
from tests.documents import body, download_link, fetch, needs_poppler, renders_of, text_of
from tests.floorplan.test_allocation_job import exhibit, fair_plan

pytestmark = [pytest.mark.django_db, needs_poppler]


def url(name, edition):
    return reverse(f"floorplan:{name}", args=[edition.series.slug, edition.number])


@pytest.fixture
def placed(edition, organiser):
    services.save_plan(actor=organiser, edition=edition, plan=fair_plan())
    venue = selectors.venue_of(edition)
    honey = exhibit(edition, "Miel Nour")
    weaver = exhibit(edition, "Tissage Amal")
    services.place(actor=organiser, exhibitor=honey, booth=venue.booths.get(number="T2"))
    services.place(actor=organiser, exhibitor=weaver, booth=venue.booths.get(number="H3"))
    return {"honey": honey, "weaver": weaver}


def test_a_sign_per_placed_exhibitor_with_both_names_and_its_booth(placed, edition, organiser):
    response, job = fetch(client_for(organiser), url("signs", edition))
    assert job.kind == tasks.SIGNS_JOB
    assert 'filename="booth-signs-ess-tta-3.pdf"' in response["Content-Disposition"]
    pages = text_of(body(response)).split("\f")[:-1]
    assert len(pages) == 2  # a page a sign, in booth order: H3 before T2
    assert "H3" in pages[0] and "Tissage Amal" in pages[0] and "Miel Nour" not in pages[0]
    assert "T2" in pages[1] and "Miel Nour" in pages[1]
    assert "تعاونية" in pages[1]  # the Arabic name, shaped and readable as text
    assert "Scan to see our products" in pages[1]


def test_the_signs_are_kept_until_someone_moves(placed, edition, organiser, monkeypatch):
    renders = renders_of(monkeypatch, documents.BoothSigns)
    client = client_for(organiser)
    first, _job = fetch(client, url("signs", edition))
    again = client.get(url("signs", edition))
    assert again.status_code == 200 and body(again) == body(first) and renders == ["en"]
    venue = selectors.venue_of(edition)
    services.place(actor=organiser, exhibitor=placed["honey"], booth=venue.booths.get(number="T4"))
    second, _job = fetch(client, url("signs", edition))
    assert renders == ["en", "en"]
    assert "T4" in text_of(body(second))


def test_the_plan_on_a3_has_its_legend_zones_and_names(placed, edition, organiser):
    response, job = fetch(client_for(organiser), url("plan-pdf", edition))
    assert job.kind == tasks.PLAN_PDF_JOB
    pdf = body(response)
    text = text_of(pdf)
    for word in ("Floor plan", "Free booth", "Terroir", "Artisanat", "Porte nord"):
        assert word in text
    words = " ".join(text.split())
    assert "Who stands where H3 Tissage Amal T2 Miel Nour" in words
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    assert "1190.55 x 841.89 pts (A3)" in info.stdout.decode()  # A3, landscape


def test_the_signs_in_arabic_read_right_to_left(placed, edition, organiser):
    client = client_for(organiser)
    with_ar = reverse("floorplan:signs", args=[edition.series.slug, edition.number])
    with_ar = "/ar/" + with_ar.split("/", 2)[2]
    response, _job = fetch(client, with_ar)
    text = text_of(body(response))
    assert "Miel Nour" in text and "T2" in text


def test_only_the_organisers_may_have_them(placed, edition, organiser, exhibitor):
    _pdf, job = fetch(client_for(organiser), url("signs", edition))
    link = download_link(client_for(organiser), job)
    assert client_for(exhibitor).get(link).status_code in (403, 404)
    assert Client().get(link).status_code == 302
