"""The printable sheet of QR codes is made in the background: its page answers at once with
the job's page, the job offers the PDF, and the PDF is kept until what it shows changes."""

import re

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from maarid.catalogue import qr
from maarid.core.models import Job
from tests.catalogue.test_site import build_fair, make_product
from tests.conftest import client_for
from tests.documents import body, download_link, fetch, job_of, needs_poppler, renders_of, text_of

pytestmark = [pytest.mark.django_db, needs_poppler]


@pytest.fixture
def fair(edition, cooperative):
    return build_fair(edition, cooperative)


def sheet_url(edition, products=False):
    return f"/fr/{edition.series.slug}/{edition.number}/qr-codes.pdf" + (
        "?products=1" if products else ""
    )


@pytest.fixture
def renders(monkeypatch):
    return renders_of(monkeypatch, qr.Sheet)


def test_the_page_answers_at_once_with_the_jobs_page_which_offers_the_pdf(fair, organiser):
    client = client_for(organiser)
    response = client.get(sheet_url(fair["edition"], products=True))
    job = job_of(response)
    assert job.kind == qr.SHEET_JOB and job.user == organiser
    assert job.series_id == fair["edition"].series_id
    page = client.get(response["Location"]).content.decode()
    assert job.message in page  # "The PDF is ready."
    link = download_link(client, job)
    assert link.startswith(sheet_url(fair["edition"], products=True) + "&file=")
    download = client.get(link)
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="qr-ess-tta-3-products.pdf"' in download["Content-Disposition"]
    text = text_of(body(download))
    assert "Miel de thym" in text and "Tapis berbère" in text
    assert "Sac recyclé" not in text  # not on sale
    assert re.search(r"\b1 ?/ ?1\b", text)  # the page's footer


def test_asking_again_without_a_change_gives_the_kept_file_at_once(fair, organiser, renders):
    client = client_for(organiser)
    first, _job = fetch(client, sheet_url(fair["edition"], products=True))
    assert renders == ["products-fr"]
    again = client.get(sheet_url(fair["edition"], products=True))
    assert again.status_code == 200 and again["Content-Type"] == "application/pdf"
    assert body(again) == body(first)
    assert renders == ["products-fr"] and Job.objects.count() == 1
    # The exhibitors' sheet and the Arabic one are other documents.
    fetch(client, sheet_url(fair["edition"]))
    fetch(client, sheet_url(fair["edition"], products=True).replace("/fr/", "/ar/"))
    assert renders == ["products-fr", "exhibitors-fr", "products-ar"]


def test_a_change_to_what_the_sheet_shows_makes_a_new_one(fair, organiser, renders):
    client = client_for(organiser)
    url = sheet_url(fair["edition"], products=True)
    _first, first_job = fetch(client, url)
    honey = fair["honey"]
    honey.price = 99  # not on the sheet: the same sheet
    honey.save()
    assert client.get(url).status_code == 200 and len(renders) == 1
    honey.name_fr = "Miel de montagne"
    honey.save()
    second, second_job = fetch(client, url)
    assert len(renders) == 2 and second_job != first_job
    assert "Miel de montagne" in text_of(body(second))
    # The older file is gone; its link now gives the sheet as it is today.
    old = download_link(client, first_job)
    assert "Miel de montagne" in text_of(body(client.get(old)))
    make_product(fair["atlas"], name_fr="Poterie de Tamegroute", name_ar="فخار تمكروت")
    third, _job = fetch(client, url)
    assert "Poterie de Tamegroute" in text_of(body(third))


def test_only_the_series_organisers_may_have_the_file(fair, organiser, other_organiser, exhibitor):
    _pdf, job = fetch(client_for(organiser), sheet_url(fair["edition"], products=True))
    link = download_link(client_for(organiser), job)
    assert client_for(other_organiser).get(link).status_code == 403
    assert client_for(exhibitor).get(link).status_code == 403
    assert Client().get(link).status_code == 302  # to the login page
    assert Client().get(link)["Location"].startswith("/fr/accounts/login/")
    # Nor may they follow the job.
    assert client_for(other_organiser).get(job.get_absolute_url()).status_code == 404
    # A made-up file name is no way round the page: it gives today's sheet.
    bad = sheet_url(fair["edition"], products=True) + "&file=../../secret"
    assert client_for(organiser).get(bad)["Content-Type"] == "application/pdf"
    assert client_for(other_organiser).get(bad).status_code == 403


def test_the_job_reports_its_progress_code_by_code_and_page_by_page(fair, organiser, monkeypatch):
    for n in range(25):
        make_product(fair["atlas"], name_fr=f"Bol {n:02d}", name_ar=f"صحن {n}")
    reported = []
    original = Job.report

    def report(self, progress, message=None):
        reported.append((progress, message))
        return original(self, progress, message)

    monkeypatch.setattr(Job, "report", report)
    response, job = fetch(client_for(organiser), sheet_url(fair["edition"], products=True))
    pages = text_of(body(response)).split("\f")[:-1]
    assert len(pages) == 3  # 27 codes, twelve a page
    footers = [re.findall(r"\b\d+ ?/ ?\d+\b", page)[-1].replace(" ", "") for page in pages]
    assert footers == ["1/3", "2/3", "3/3"]
    assert "Bol 00" in pages[0] and "Bol 24" in pages[2]
    assert [("Maarid" in page, "27 produits" in page) for page in pages] == [(True, True)] + [
        (False, False)
    ] * 2  # the header, once
    percents = [p for p, _m in reported]
    assert percents == sorted(percents) and len(set(percents)) > 4
    with translation.override("fr"):  # the job speaks the language of the page that asked
        steps = {gettext("Making the QR codes…"), gettext("Laying out the pages…")}
    assert {m for _p, m in reported} >= steps
    assert job.progress == 100


def test_a_sheet_made_again_draws_only_the_new_codes(fair, organiser, monkeypatch):
    drawn = []
    original = qr.png_data_uri

    def draw(url):
        drawn.append(url)
        return original(url)

    monkeypatch.setattr(qr, "png_data_uri", draw)
    client = client_for(organiser)
    fetch(client, sheet_url(fair["edition"], products=True))
    assert len(drawn) == 2
    drawn.clear()
    pottery = make_product(fair["atlas"], name_fr="Poterie de Tamegroute", name_ar="فخار تمكروت")
    response, _job = fetch(client, sheet_url(fair["edition"], products=True))
    assert drawn == [f"http://testserver/products/{pottery.slug}/"]
    assert text_of(body(response)).count("http://testserver/products/") == 3
