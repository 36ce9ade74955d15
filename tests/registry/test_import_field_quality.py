"""Imports that never save garbage: files as regional offices really send them
(Windows Arabic encoding, French Latin-1, Excel's CSV with a byte order mark, files broken by
hand), each problem of the issue reproduced, then what the import does about it."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from maarid.core.models import Job
from maarid.core.spreadsheets import ImportFileError
from maarid.registry.importing import commit, preview
from maarid.registry.models import Organisation
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


HEADER = "kind;name_ar;name_fr;province;sector;phone;founded_on"


def upload(lines, encoding="utf-8", name="organisations.csv", header=HEADER):
    """A CSV file written line by line, as a hand or a regional office's software wrote it."""
    return SimpleUploadedFile(name, "\r\n".join([header, *lines, ""]).encode(encoding))


def problems(report):
    return [(p.row, p.column, p.message, p.error) for p in report.problems]


def saved():
    return sorted(Organisation.objects.values_list("name_ar", flat=True))


# 1. A broken CSV is accepted and saves garbage -------------------------------------------


def test_an_unclosed_quote_is_refused_naming_its_line_not_saved_as_a_name(series, organiser):
    """Windows Arabic (cp1256): the quote opened on line 3 would swallow the lines after it
    into one "Arabic name" of three lines."""
    lines = [
        "تعاونية;تعاونية الأمل;Coopérative Al Amal;01.571;terroir;;",
        'تعاونية;"تعاونية النور;Coopérative Nour;01.571;terroir;;',
        "تعاونية;تعاونية الزيتون;Coopérative Zitoun;01.571;terroir;;",
        'جمعية;"جمعية الريف";Association du Rif;01.571;handicrafts;;',
    ]

    with pytest.raises(ImportFileError, match=r"^Line 3 of your file opens a quotation mark"):
        commit(actor=organiser, uploaded_file=upload(lines, "cp1256"), series=series)
    assert saved() == []


def test_a_quote_left_open_to_the_end_of_the_file_is_refused_too(series):
    lines = ['تعاونية;"تعاونية النور;Coopérative Nour;01.571;terroir;;']

    with pytest.raises(ImportFileError, match=r"^Line 2 of your file opens a quotation mark"):
        preview(upload(lines, "cp1256"), series)


def test_a_row_of_the_wrong_width_is_refused_naming_its_line(series, organiser):
    """French Latin-1: a separator typed in a name pushes the row's values one column on."""
    lines = [
        "coopérative;;Coopérative Aït Ourir;01.571;terroir;;",
        "coopérative;;Coopérative Çà; et Là;01.571;terroir;;",
        "coopérative;;Coopérative Tafraout;01.571",
    ]

    report = commit(actor=organiser, uploaded_file=upload(lines, "latin-1"), series=series)

    assert [(p.row, p.message) for p in report.errors] == [
        (
            3,
            "This line has 8 cells where the header has 7: a separator or a quotation mark is "
            "missing or in excess, and its values would go to the wrong columns.",
        ),
        (
            4,
            "This line has 4 cells where the header has 7: a separator or a quotation mark is "
            "missing or in excess, and its values would go to the wrong columns.",
        ),
    ]
    assert report.created == 0 and not Organisation.objects.exists()


@pytest.mark.parametrize(
    "name_ar",
    ['=HYPERLINK("http://evil.example","انقر")', "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3"],
)
def test_a_formula_is_never_a_name(series, organiser, name_ar):
    lines = [f"تعاونية;{name_ar};Coopérative Al Amal;01.571;terroir;;"]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([HEADER.split(";"), lines[0].split(";")])
    file = SimpleUploadedFile("x.csv", buffer.getvalue().encode("cp1256", errors="replace"))

    report = commit(actor=organiser, uploaded_file=file, series=series)

    assert [(p.row, p.column) for p in report.errors] == [(2, "name_ar")]
    assert report.errors[0].message.startswith(f"A name cannot start with “{name_ar[0]}”")
    assert not Organisation.objects.exists()


@pytest.mark.parametrize("placeholder", ["-", "n/a", "—", "N/A", "/", "néant", "لا يوجد"])
def test_a_placeholder_is_no_name_and_no_sector(series, organiser, placeholder):
    lines = [
        f"تعاونية;{placeholder};;01.571;terroir;;",
        f"تعاونية;تعاونية الأمل;;01.571;{placeholder};;",
    ]

    report = commit(actor=organiser, uploaded_file=upload(lines), series=series)

    assert [(p.row, p.column, p.message) for p in report.errors] == [
        (2, "name_fr", "Give the name in Arabic, in French or both."),
        (3, "sector", f"“{placeholder}” stands for no value: this cell must be filled in."),
    ]
    assert not Organisation.objects.exists()


def test_a_name_is_checked_for_the_letters_of_its_language(series, organiser):
    lines = [
        "تعاونية;Cooperative Al Amal;;01.571;terroir;;",  # a French name in the Arabic column
        "تعاونية;;تعاونية النور;01.571;terroir;;",  # and the other way round
        "تعاونية;12345;;01.571;terroir;;",
        "تعاونية;تعاونية Argan du Souss;;01.571;terroir;;",  # mostly Latin
        "تعاونية;تعاونية الأمل ARGAN;Coopérative Al Amal (الأمل);01.571;terroir;;",  # right
    ]

    report = commit(actor=organiser, uploaded_file=upload(lines), series=series)

    arabic = "A name in Arabic is written in Arabic letters, mostly."
    assert [(p.row, p.column, p.message) for p in report.errors] == [
        (2, "name_ar", arabic),
        (3, "name_fr", "A name in French is written in Latin letters, mostly."),
        (4, "name_ar", arabic),
        (5, "name_ar", arabic),
    ]
    assert report.ready == 1 and report.created == 0


def test_a_founding_date_of_1800_is_refused_with_the_range(series):
    lines = [
        "تعاونية;تعاونية الأمل;;01.571;terroir;;1800-01-01",
        "تعاونية;تعاونية النور;;01.571;terroir;;1800",
        "تعاونية;تعاونية الزيتون;;01.571;terroir;;1900",
    ]

    report = preview(upload(lines), series)

    today = date_format(timezone.localdate())
    message = f"The founding date must be between Jan. 1, 1900 and today, {today}."
    assert [(p.row, p.column, p.message) for p in report.errors] == [
        (2, "founded_on", message),
        (3, "founded_on", message),
    ]
    assert report.ready == 1


def test_optional_cells_with_a_placeholder_or_a_formula_are_left_empty_with_a_warning(series):
    header = "kind;name_ar;province;sector;phone;e-mail;contact;address;description"
    lines = ["تعاونية;تعاونية الأمل;01.571;terroir;n/a;-;—;=1+1;+cmd|' /C calc'!A0"]

    report = preview(upload(lines, header=header), series)

    (organisation,) = report.organisations
    assert report.errors == []
    assert [(p.row, p.column, p.message) for p in report.warnings] == [
        (2, "contact", "“—” stands for no value: the cell is left empty."),
        (2, "phone", "“n/a” stands for no value: the cell is left empty."),
        (2, "e-mail", "“-” stands for no value: the cell is left empty."),
        (2, "address", "This text starts with “=” as a formula does: the cell is left empty."),
        (
            2,
            "description",
            "This text starts with “+” as a formula does: the cell is left empty.",
        ),
    ]
    assert (organisation.phone, organisation.email, organisation.contact_name) == ("", "", "")
    assert (organisation.address, organisation.description_fr) == ("", "")


def test_a_list_in_a_description_is_no_formula(series):
    header = "kind;name_ar;province;sector;description"
    lines = ['تعاونية;تعاونية الأمل;01.571;terroir;"- miel\n- amlou"']

    (organisation,) = preview(upload(lines, header=header), series).organisations

    assert organisation.description_fr == "- miel\n- amlou"


def test_a_name_on_several_lines_is_refused(series):
    """A quotation mark that closes again further on, so the CSV itself reads."""
    lines = ['تعاونية;"تعاونية الأمل', 'تعاونية النور";;01.571;terroir;;']

    report = preview(upload(lines), series)

    assert [(p.row, p.column, p.message) for p in report.errors] == [
        (
            2,
            "name_ar",
            "A name is written on one line: this cell holds several (a quotation mark may be "
            "missing in the file).",
        )
    ]


# 2. A missing column is reported as a row, the rows never checked ------------------------


def test_a_file_without_a_sector_column_names_it_and_checks_every_row(series):
    """Excel's "CSV UTF-8": a byte order mark, semicolons."""
    header = "Type;Nom en arabe;Nom en français;Province;ICE"
    lines = [
        "Coopérative;تعاونية الأمل;Coopérative Al Amal;Tétouan;",
        "Coopérative;تعاونية النور;Coopérative Nour;Tétouan;12345",
        "Coopérative;تعاونية الزيتون;Coopérative Zitoun;Atlantide;",
    ]

    report = preview(upload(lines, "utf-8-sig", header=header), series)

    assert report.rows == 3 and report.ready == 0
    assert [(p.row, p.column, p.message) for p in report.errors] == [
        (None, "Sector", "The file has no “sector” column."),
        (3, "ICE", "An ICE (common company identifier) is exactly 15 digits."),
        (
            4,
            "Province",
            "Unknown province or prefecture “Atlantide”: give its name or its code, such as "
            "01.571 for Tétouan.",
        ),
    ]


def test_the_report_says_how_lines_are_numbered_and_the_whole_file_is_no_row(
    organiser, series, imports_dir
):
    header = "kind;name_ar;province"
    lines = ["تعاونية;تعاونية الأمل;01.571", "", "تعاونية;تعاونية النور;Atlantide"]
    client = client_for(organiser)

    page, _job = check(client, series, upload(lines, "utf-8-sig", header=header))

    html = page.content.decode()
    assert "Rows ready to import: 0 of 2." in html
    assert "Lines are numbered as your spreadsheet numbers its rows" in html
    assert "whole file" in html and "The file has no “sector” column." in html
    errors = page.context["report"].errors
    assert [(p.row, p.column) for p in errors] == [(None, "Sector"), (4, "province")]


# 3. One possible landline blocks a whole import ------------------------------------------


def test_a_possible_landline_is_a_warning_and_the_file_is_imported(series, organiser):
    lines = [
        "تعاونية;تعاونية الأمل;;01.571;terroir;0539123456;",  # Tétouan, unknown to the library
        "تعاونية;تعاونية النور;;01.571;terroir;0539998877;",
    ]

    report = commit(actor=organiser, uploaded_file=upload(lines), series=series)

    assert report.created == 2
    assert problems(report) == [
        (
            2,
            "phone",
            "The phone library does not know this number, but it has the form of a Moroccan "
            "one: it is kept; check it.",
            False,
        )
    ]
    assert Organisation.objects.get(name_ar="تعاونية الأمل").phone == "+212539123456"


@pytest.mark.parametrize("phone", ["0612", "0112345678", "06123456789", "téléphone"])
def test_a_number_of_no_moroccan_form_is_still_refused(series, phone):
    report = preview(upload([f"تعاونية;تعاونية الأمل;;01.571;terroir;{phone};"]), series)

    assert [(p.row, p.column) for p in report.errors] == [(2, "phone")]


def test_the_rows_that_are_right_are_imported_and_the_others_given_back(series, organiser):
    from maarid.core.spreadsheets import refused_file

    lines = [
        "تعاونية;تعاونية الأمل;;01.571;terroir;0612345678;",
        "تعاونية;-;;01.571;terroir;0612;1800",
        "تعاونية;تعاونية النور;;01.571;terroir;;",
        "تعاونية;=HYPERLINK(1);;Atlantide;terroir;;",
    ]

    everything = commit(actor=organiser, uploaded_file=upload(lines, "cp1256"), series=series)
    assert everything.created == 0 and saved() == []  # all or nothing, by default
    report = commit(
        actor=organiser, uploaded_file=upload(lines, "cp1256"), series=series, right_rows=True
    )

    assert report.created == 2 and report.refused == 2
    assert saved() == ["تعاونية الأمل", "تعاونية النور"]
    data, fmt = refused_file(report)
    assert fmt == "csv" and data.startswith(b"\xef\xbb\xbf")
    header, *rows = csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")
    assert header == [*HEADER.split(";"), "Why it was refused"]
    assert [row[:7] for row in rows] == [
        ["تعاونية", "'-", "", "01.571", "terroir", "0612", "1800"],  # as an export writes it
        ["تعاونية", "'=HYPERLINK(1)", "", "Atlantide", "terroir", "", ""],  # neutralised
    ]
    reasons = rows[0][7].split(" — ")
    assert reasons[0] == "Line 3 of your file" and len(reasons) == 4
    assert reasons[1].startswith("founded_on: The founding date must be between Jan. 1, 1900")
    assert reasons[2].startswith("phone: Enter a valid Moroccan number")
    assert reasons[3] == "name_fr: Give the name in Arabic, in French or both."
    assert rows[1][7].startswith("Line 5 of your file — name_ar: A name cannot start with “=”")


def test_the_refused_rows_of_an_excel_file_come_back_as_an_excel_file(series, organiser):
    from maarid.core.spreadsheets import refused_file

    workbook = openpyxl.Workbook()
    for row in [HEADER.split(";"), ["تعاونية", "تعاونية الأمل", "", "01.571", "terroir"],
                ["تعاونية", "تعاونية النور", "", "01.571", "N/A", 612345678, 1999]]:  # fmt: skip
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = commit(
        actor=organiser,
        uploaded_file=SimpleUploadedFile("x.xlsx", buffer.getvalue()),
        series=series,
        right_rows=True,
    )

    assert report.created == 1
    data, fmt = refused_file(report)
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert fmt == "xlsx" and rows[0][-1] == "Why it was refused"
    assert rows[1] == (
        "تعاونية",
        "تعاونية النور",
        None,
        "01.571",
        "N/A",
        612345678,
        1999,
        "Line 3 of your file — sector: “N/A” stands for no value: this cell must be filled in.",
    )


def test_no_row_is_imported_when_the_file_as_a_whole_is_wrong(series, organiser):
    lines = ["تعاونية;تعاونية الأمل;01.571"]

    report = commit(
        actor=organiser,
        uploaded_file=upload(lines, header="kind;name_ar;province"),
        series=series,
        right_rows=True,
    )

    assert report.created == 0 and report.file_errors and not Organisation.objects.exists()


# The pages --------------------------------------------------------------------------------


@pytest.fixture
def imports_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path / "imports"


def follow(client, response):
    assert response.status_code == 302, response.content.decode()[:2000]
    job_page = client.get(response["Location"] + "?stay")
    job = job_page.context["job"]
    assert job.status == Job.Status.DONE, job.message
    return client.get(job_page.context["redirect_to"]), job


def check(client, series, file, rows="all"):
    data = {"action": "preview", "series": series.pk, "file": file, "rows": rows}
    return follow(client, client.post(reverse("registry:import"), data))


def test_the_page_imports_the_rows_that_are_right_when_asked_and_gives_the_others_back(
    organiser, series, imports_dir
):
    lines = [
        "تعاونية;تعاونية الأمل;;01.571;terroir;0539123456;",
        "تعاونية;تعاونية النور;;Atlantide;terroir;;",
    ]
    client = client_for(organiser)

    page, checked = check(client, series, upload(lines), rows="all")
    assert "checked" not in page.context  # all or nothing: no import offered
    assert "Or check it again choosing to import the rows that are right" in page.content.decode()

    page, checked = check(client, series, upload(lines), rows="right")
    html = page.content.decode()
    assert page.context["checked"] == checked and "Import the rows that are right" in html
    assert 'id="errors-title"' in html and 'id="warnings-title"' in html
    assert html.index("Unknown province") < html.index('id="warnings-title"')
    assert html.index('id="warnings-title"') < html.index("The phone library does not know")
    download = client.get(page.context["refused"])
    assert download["Content-Disposition"].startswith('attachment; filename="refused-rows-')
    assert "Atlantide" in download.content.decode("utf-8-sig")

    page, imported = follow(
        client, client.post(reverse("registry:import"), {"action": "commit", "job": checked.pk})
    )

    assert imported.result["created"] == 1 and saved() == ["تعاونية الأمل"]
    refused = "1 row was refused: download it, with the reason, from the import page."
    assert refused in imported.message
    assert page.context["refused"] == f"{reverse('registry:import')}?job={imported.pk}&refused"
    download = client.get(page.context["refused"])
    assert download.status_code == 200 and "Atlantide" in download.content.decode("utf-8-sig")


def test_someone_else_may_not_download_the_refused_rows(
    organiser, other_organiser, series, imports_dir
):
    lines = ["تعاونية;تعاونية الأمل;;01.571;terroir;;", "تعاونية;-;;01.571;terroir;;"]
    page, checked = check(client_for(organiser), series, upload(lines), rows="right")

    response = client_for(other_organiser).get(page.context["refused"])

    assert response.status_code == 404
