"""Exporting organisations to Excel and CSV: the columns of the import, safe to open in a
spreadsheet, and read back by the import without a single change."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from maarid.core.spreadsheets import neutralise
from maarid.registry.exporting import export_csv, export_xlsx
from maarid.registry.importing import FIELDS, commit, preview
from maarid.registry.models import Kind, Organisation, Sector
from tests.conftest import client_for, make_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages and addresses in English, whatever the catalogues translate."""
    with translation.override("en"):
        yield


@pytest.fixture
def registry(series, cooperative):
    """The fair's registry: the cooperative of the fixtures and an artisan with every field."""
    artisan = make_organisation(
        kind=Kind.ARTISAN,
        name_fr='=HYPERLINK("http://evil.example","Cliquez")',
        name_ar="الحرفي أحمد",
        description_fr="- tapis\n- coussins",
        description_ar="زرابي",
        registration_number="2345/2019",
        founded_on=datetime.date(1955, 6, 9),
        province_id="01.571",
        commune_id="01.571.01.07",
        sector=Sector.HANDICRAFTS,
        members_women=0,
        members_men=1,
        craft_at_risk=True,
        contact_name="@Ahmed",
        phone="+212612345678",
        email="ahmed@example.ma",
        website="https://ahmed.example.ma",
        address="Médina, Tétouan",
    )
    series.organisations.add(artisan)
    return Organisation.objects.filter(pk__in=[cooperative.pk, artisan.pk])


def sheet_rows(content):
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return list(workbook.active.iter_rows(values_only=True))


def csv_rows(content):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_text_that_a_spreadsheet_could_run_is_neutralised():
    assert neutralise('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert [neutralise(v) for v in ("+212612345678", "-1", "@SUM(A1)", "\tx", "\rx")] == [
        "'+212612345678",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
    ]
    assert [neutralise(v) for v in ("Coopérative", "", 12, None)] == ["Coopérative", "", 12, None]


def test_an_excel_export_opens_with_the_import_columns(registry):
    header, *rows = sheet_rows(export_xlsx(registry.order_by("pk")))

    assert len(header) == len(FIELDS) and header[0] == "Kind"
    cooperative, artisan = (dict(zip(FIELDS, row, strict=True)) for row in rows)
    assert artisan["name_fr"] == '\'=HYPERLINK("http://evil.example","Cliquez")'
    assert artisan["description_fr"] == "'- tapis\n- coussins"
    assert artisan["contact_name"] == "'@Ahmed"
    assert artisan["phone"] == "+212612345678"  # a text cell, with no visible quote
    phone = openpyxl.load_workbook(io.BytesIO(export_xlsx(registry.order_by("pk")))).active
    cell = phone.cell(row=3, column=FIELDS.index("phone") + 1)
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("+212612345678", "s", True)
    assert artisan["province"] == "01.571" and artisan["commune"] == "01.571.01.07"
    assert artisan["founded_on"] == datetime.datetime(1955, 6, 9)
    assert (artisan["members_men"], artisan["craft_at_risk"]) == (1, "yes")
    assert cooperative["kind"] == "Cooperative" and cooperative["commune"] is None


def test_a_csv_export_has_a_byte_order_mark_for_excel(registry):
    content = export_csv(registry.order_by("pk"))

    assert content.startswith(b"\xef\xbb\xbf")
    header, cooperative, artisan = csv_rows(content)
    assert cooperative[FIELDS.index("name_ar")] == "تعاونية الأمل"
    assert artisan[FIELDS.index("name_fr")].startswith("'=HYPERLINK(")
    assert artisan[FIELDS.index("founded_on")] == "1955-06-09"
    # A phone number as people write it: no quote, and nothing a spreadsheet reads as a number.
    assert artisan[FIELDS.index("phone")] == "06 12 34 56 78"


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
@pytest.mark.parametrize(("export", "name"), [(export_xlsx, "x.xlsx"), (export_csv, "x.csv")])
def test_an_export_reimports_without_a_change(registry, series, organiser, export, name, language):
    """Exported in one language, imported in another: headers, kinds, sectors and yes/no
    are read in any of the three."""
    before = list(registry.order_by("name_ar").values(*FIELDS))
    with translation.override(language):
        content = export(registry)
    Organisation.objects.all().delete()

    report = commit(actor=organiser, uploaded_file=SimpleUploadedFile(name, content), series=series)

    assert report.problems == [] and report.created == 2
    after = list(Organisation.objects.order_by("name_ar").values(*FIELDS))
    assert after == before
    assert series.organisations.count() == 2


def test_reimporting_an_export_finds_every_organisation_already_there(registry, series):
    report = preview(SimpleUploadedFile("export.xlsx", export_xlsx(registry)), series)

    assert report.ready == 0
    assert [p.message.split(" as ")[0] for p in report.problems] == ["Already in the registry"] * 2


# The page ----------------------------------------------------------------------------


def url(fmt):
    return reverse("registry:export", args=[fmt])


def test_the_export_is_a_download_of_the_filtered_organisations(registry, organiser):
    response = client_for(organiser).get(url("xlsx"), {"kind": "artisan"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith('attachment; filename="organisations-')
    assert response["Content-Disposition"].endswith('.xlsx"')
    _header, *rows = sheet_rows(response.content)
    assert [row[FIELDS.index("name_ar")] for row in rows] == ["الحرفي أحمد"]


def test_an_exhibitor_exports_only_their_own_organisation(registry, exhibitor, cooperative):
    response = client_for(exhibitor).get(url("csv"))

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    _header, *rows = csv_rows(response.content)
    assert [row[FIELDS.index("name_fr")] for row in rows] == [cooperative.name_fr]


def test_an_unknown_format_is_not_found(organiser):
    assert client_for(organiser).get(url("pdf")).status_code == 404


def test_a_visitor_is_sent_to_log_in(db):
    assert client_for(None).get(url("csv")).status_code == 302
