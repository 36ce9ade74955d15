"""Importing organisations from CSV and Excel files: what an organiser may upload, what the
report says about each row, and that nothing is saved unless every row is right."""

import csv
import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from maarid.core.access import Role
from maarid.core.audit import history
from maarid.core.models import Job
from maarid.core.spreadsheets import ImportFileError
from maarid.fairs.models import Series, SeriesRole
from maarid.registry import importing, services
from maarid.registry.importing import commit, preview
from maarid.registry.models import Kind, Organisation, Sector
from maarid.registry.selectors import find_duplicate
from tests.conftest import client_for, make_organisation, with_role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages and addresses in English, whatever the catalogues translate."""
    with translation.override("en"):
        yield


HEADER = ["kind", "name_fr", "name_ar", "province", "sector", "registration_number", "ice", "phone"]
GOOD = [
    [
        "cooperative",
        "Coopérative Tafilalet Dattes",
        "تعاونية تافيلالت للتمور",
        "01.571",
        "terroir",
        "4521/2019",
        "",
        "0612345678",
    ],
    [
        "association",
        "Association Femmes du Rif",
        "جمعية نساء الريف",
        "Al Hoceima",
        "handicrafts",
        "",
        "",
        "+212 539 99 88 77",
    ],
]


def csv_upload(rows, header=HEADER, delimiter=",", encoding="utf-8", name="orgs.csv"):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([header, *rows])
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding))


def xlsx_upload(rows, header=HEADER):
    workbook = openpyxl.Workbook()
    for row in [header, *rows]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("orgs.xlsx", buffer.getvalue())


def problems(report):
    return [(p.row, p.column, p.message) for p in report.problems]


def imported(name_fr):
    return Organisation.objects.get(name_fr=name_fr)


# A good file ------------------------------------------------------------------------------


def test_a_good_file_creates_every_organisation_in_the_fairs_registry(series, organiser):
    report = commit(actor=organiser, uploaded_file=csv_upload(GOOD), series=series)

    assert report.ok and report.created == 2 and problems(report) == []
    dates = imported("Coopérative Tafilalet Dattes")
    assert dates.kind == Kind.COOPERATIVE and dates.name_ar == "تعاونية تافيلالت للتمور"
    assert dates.registration_number == "4521/2019" and dates.phone == "+212612345678"
    assert dates.slug and dates.search_text
    assert imported("Association Femmes du Rif").province_id == "01.051"
    assert set(series.organisations.all()) == set(
        Organisation.objects.filter(
            name_fr__in=["Coopérative Tafilalet Dattes", "Association Femmes du Rif"]
        )
    )
    assert [(e.action, e.user) for e in history(dates)] == [("create", organiser)]


def test_a_preview_reports_but_saves_nothing(series):
    report = preview(csv_upload(GOOD), series)

    assert report.ok and report.ready == 2 and report.rows == 2
    assert all(o.pk is None for o in report.organisations)
    assert not Organisation.objects.exists()


def test_every_column_is_read(series, organiser):
    header = [
        "type",
        "nom",
        "الاسم بالعربية",
        "province",
        "commune",
        "secteur",
        "date de création",
        "femmes",
        "hommes",
        "dirigée par des femmes",
        "écologique",
        "métier menacé",
        "contact",
        "e-mail",
        "site web",
        "adresse",
        "description",
        "ICE",
    ]
    row = [
        "Coopérative",
        "Coopérative Nakhil",
        "تعاونية النخيل",
        "تطوان",
        "Oued Laou",
        "Produits du terroir",
        "15/03/1998",
        "23",
        "0",
        "oui",
        "non",
        "x",
        "Fatima Zahra",
        "nakhil@example.ma",
        "www.nakhil.ma",
        "Douar Azla",
        "Huile d'argan et amlou",
        "001234567000089",
    ]

    report = commit(actor=organiser, uploaded_file=csv_upload([row], header=header), series=series)

    assert problems(report) == []
    organisation = imported("Coopérative Nakhil")
    assert organisation.commune.name_fr == "Oued Laou"
    assert organisation.commune.province_id == organisation.province_id == "01.571"
    assert organisation.founded_on == datetime.date(1998, 3, 15)
    assert (organisation.members_women, organisation.members_men) == (23, 0)
    assert (organisation.women_led, organisation.eco_friendly, organisation.craft_at_risk) == (
        True,
        False,
        True,
    )
    assert organisation.website == "https://www.nakhil.ma"
    assert organisation.description_fr == "Huile d'argan et amlou"
    assert organisation.ice == "001234567000089"


@pytest.mark.parametrize(
    ("kind", "sector"),
    [
        ("تعاونية", "المنتجات المجالية"),
        ("coopérative", "produits du terroir"),
        ("COOPERATIVE", "Terroir products"),
        ("Cooperative", "terroir"),
    ],
)
def test_kinds_and_sectors_are_read_in_any_language(series, kind, sector):
    row = [kind, "Coopérative Argan", "", "01.571", sector, "", "", ""]

    (organisation,) = preview(csv_upload([row]), series).organisations

    assert (organisation.kind, organisation.sector) == (Kind.COOPERATIVE, Sector.TERROIR)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("1955", datetime.date(1955, 1, 1)),
        ("1955-06-09", datetime.date(1955, 6, 9)),
        ("09/06/1955", datetime.date(1955, 6, 9)),
        ("", None),
    ],
)
def test_founding_dates_in_the_usual_forms(series, written, expected):
    header = [*HEADER, "founded_on"]
    row = [*GOOD[0], written]

    (organisation,) = preview(csv_upload([row], header=header), series).organisations

    assert organisation.founded_on == expected


def test_a_name_column_goes_to_arabic_or_french_by_its_letters(series):
    header = ["kind", "name", "province", "sector"]
    rows = [
        ["cooperative", "تعاونية الزيتون", "01.571", "terroir"],
        ["cooperative", "Coopérative Zitoun", "01.571", "terroir"],
    ]

    arabic, french = preview(csv_upload(rows, header=header), series).organisations

    assert (arabic.name_ar, arabic.name_fr) == ("تعاونية الزيتون", "")
    assert (french.name_ar, french.name_fr) == ("", "Coopérative Zitoun")


# Headers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        [
            "kind",
            "name in French",
            "name in Arabic",
            "Province",
            "Sector",
            "Registration number",
            "ICE",
            "Phone",
        ],
        [
            "Type",
            "Nom en français",
            "Nom en arabe",
            "Préfecture",
            "Secteur d'activité",
            "N° d'enregistrement",
            "ICE",
            "Téléphone",
        ],
        [
            "النوع",
            "الاسم بالفرنسية",
            "الاسم بالعربية",
            "الإقليم",
            "القطاع",
            "رقم التسجيل",
            "المعرف الموحد للمقاولة",
            "رقم الهاتف",
        ],
        [
            "  KIND ",
            "Name_FR",
            "name-ar",
            "PROVINCE",
            "secteur",
            "registration number",
            "ice",
            "TÉLÉPHONE",
        ],
    ],
    ids=["english", "french", "arabic", "messy"],
)
def test_headers_in_arabic_french_or_english(series, header):
    report = preview(csv_upload(GOOD, header=header), series)

    assert problems(report) == []
    assert [o.name_ar for o in report.organisations] == [row[2] for row in GOOD]


def test_an_unknown_column_is_a_warning_given_once(series):
    header = [*HEADER, "Remarques"]
    rows = [[*row, "à revoir"] for row in GOOD]

    report = preview(csv_upload(rows, header=header), series)

    assert report.ok and report.ready == 2
    assert [(p.row, p.column, p.error) for p in report.problems] == [(1, "Remarques", False)]


def test_missing_required_columns_are_errors(series):
    header = ["name_fr", "phone"]

    report = preview(csv_upload([["Coopérative Argan", ""]], header=header), series)

    assert not report.ok and report.ready == 0 and report.rows == 1
    messages = " ".join(p.message for p in report.errors)
    assert all(p.row is None for p in report.errors)  # of the file, not of its header row
    assert [p.column for p in report.errors] == ["Kind", "Province or prefecture", "Sector"]
    assert "kind" in messages and "province" in messages and "sector" in messages
    assert "name" not in messages


def test_a_file_without_any_name_column_is_refused(series):
    report = preview(
        csv_upload([["cooperative", "01.571", "terroir"]], header=["kind", "province", "sector"]),
        series,
    )

    assert [p.message for p in report.errors] == [
        "The file has no name column: give the name in Arabic, in French or both."
    ]


# Bad rows -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("ice", "12345", "An ICE (common company identifier) is exactly 15 digits."),
        ("phone", "0612", "Enter a valid Moroccan number"),
        ("province", "Atlantide", "Unknown province or prefecture “Atlantide”"),
        ("kind", "fanfare", "Unknown value “fanfare”: use one of Cooperative, Association"),
        ("kind", "", "This cell must be filled in."),
        ("registration_number", "12-AB", "A cooperative registration number is up to 8 digits"),
    ],
    ids=["ice", "phone", "province", "kind", "empty-kind", "registration"],
)
def test_a_bad_cell_is_reported_with_its_row_and_column(series, organiser, column, value, message):
    rows = [list(GOOD[0]), list(GOOD[1])]
    rows[1][HEADER.index(column)] = value

    report = commit(actor=organiser, uploaded_file=csv_upload(rows), series=series)

    assert [(p.row, p.column) for p in report.problems] == [(3, column)]
    assert report.problems[0].message.startswith(message)
    assert report.created == 0 and not Organisation.objects.exists()


def test_a_row_without_any_name_is_reported_on_the_name_column(series):
    header = ["Type", "Nom", "Province", "Secteur"]

    report = preview(csv_upload([["cooperative", "", "01.571", "terroir"]], header=header), series)

    assert problems(report) == [(2, "Nom", "Give the name in Arabic, in French or both.")]


def test_every_bad_row_is_reported_and_nothing_is_saved(series, organiser):
    rows = [
        GOOD[0],
        ["cooperative", "Coopérative Sans Province", "", "", "terroir", "", "", ""],
        ["cooperative", "Coopérative Mauvais ICE", "", "01.571", "terroir", "", "abc", ""],
        GOOD[1],
    ]

    report = commit(actor=organiser, uploaded_file=csv_upload(rows), series=series)

    assert [(p.row, p.column) for p in report.problems] == [(3, "province"), (4, "ice")]
    assert report.ready == 2 and report.created == 0
    assert not Organisation.objects.exists()


def test_a_commune_outside_the_province_is_refused(series):
    header = [*HEADER, "commune"]
    rows = [
        [*GOOD[0][:3], "01.511", *GOOD[0][4:], "Oued Laou"],  # Tanger-Assilah
        [*GOOD[1], "01.571.01.07"],
    ]  # the code of Oued Laou, in Tétouan

    report = preview(csv_upload(rows, header=header), series)

    assert problems(report) == [
        (2, "commune", "Unknown commune “Oued Laou” in this province."),
        (3, "commune", "This commune is not in the chosen province."),
    ]


def test_a_failure_while_saving_leaves_nothing_behind(series, organiser, monkeypatch):
    """Someone registers the second organisation between the check and the save."""
    real_preview = importing.preview

    def preview_then_race(*args):
        report = real_preview(*args)
        make_organisation(name_fr="Autre", name_ar="", registration_number="4521/2019")
        return report

    monkeypatch.setattr(importing, "preview", preview_then_race)
    rows = [GOOD[1], GOOD[0]]

    report = commit(actor=organiser, uploaded_file=csv_upload(rows), series=series)

    assert not report.ok and report.created == 0
    assert list(Organisation.objects.values_list("name_fr", flat=True)) == ["Autre"]
    assert not series.organisations.exists()


# Duplicates ---------------------------------------------------------------------------


def test_an_organisation_already_in_the_registry_is_a_duplicate(series, cooperative):
    row = ["cooperative", "COOPERATIVE AL-AMAL", "", "Tétouan", "terroir", "", "", ""]

    report = preview(csv_upload([GOOD[0], row]), series)

    assert problems(report) == [(3, "name_fr", "Already in the registry as Coopérative Al Amal.")]


def test_the_same_registration_number_or_ice_is_a_duplicate(series):
    make_organisation(name_fr="Ancienne", name_ar="", registration_number="4521/2019")
    make_organisation(
        name_fr="Société",
        name_ar="",
        kind=Kind.COMPANY,
        ice="001234567000089",
        sector=Sector.DISTRIBUTION,
    )
    rows = [GOOD[0], [*GOOD[1][:6], "001234567000089", ""]]

    report = preview(csv_upload(rows), series=None)

    assert problems(report) == [
        (2, "registration_number", "Already in the registry as Ancienne."),
        (3, "ice", "Already in the registry as Société."),
    ]


def test_a_duplicate_in_another_fairs_registry_is_not_named(series, other_cooperative):
    row = ["cooperative", "Coopérative Nour", "", "02.411", "terroir", "", "", ""]

    report = preview(csv_upload([row]), series)

    assert problems(report) == [(2, "name_fr", "Already in the registry of another fair.")]


def test_the_same_name_in_another_province_is_not_a_duplicate(series, cooperative):
    row = ["cooperative", "Coopérative Al Amal", "تعاونية الأمل", "Nador", "terroir", "", "", ""]

    assert preview(csv_upload([row]), series).ok


def test_a_row_repeating_an_earlier_row_is_a_duplicate(series, organiser):
    again = ["cooperative", "", "تعاونيه تافيلالت للتمور", "01.571", "terroir", "", "", ""]

    report = commit(actor=organiser, uploaded_file=csv_upload([*GOOD, again]), series=series)

    assert problems(report) == [(4, "name_ar", "Same organisation as line 2 of your file.")]
    assert not Organisation.objects.exists()


def test_find_duplicate_is_what_the_organisation_form_checks(cooperative):
    same = Organisation(
        kind=Kind.COOPERATIVE, name_ar="تعاونيةُ الأمل", province_id="01.571", sector=Sector.TERROIR
    )
    other = Organisation(
        kind=Kind.COOPERATIVE,
        name_fr="Coopérative Argan",
        province_id="01.571",
        sector=Sector.TERROIR,
    )

    assert find_duplicate(same) == cooperative
    assert find_duplicate(other) is None
    assert find_duplicate(cooperative) is None  # not a duplicate of itself
    with pytest.raises(ValidationError):
        services.check_not_duplicate(organisation=same)


# Encodings and formats ------------------------------------------------------------------


ARABIC_ROWS = [
    ["cooperative", "", "تعاونية الأمل للمنتجات المجالية", "تطوان", "المنتجات المجالية", "", "", ""]
]
FRENCH_ROWS = [
    [
        "coopérative",
        "Coopérative Çà et Là, Aït Ourir",
        "",
        "Tétouan",
        "produits du terroir",
        "",
        "",
        "",
    ]
]


@pytest.mark.parametrize(
    ("encoding", "rows"),
    [
        ("utf-8", ARABIC_ROWS),
        ("utf-8-sig", ARABIC_ROWS),
        ("cp1256", ARABIC_ROWS),
        ("latin-1", FRENCH_ROWS),
        ("utf-16", FRENCH_ROWS),
    ],
)
def test_text_encodings_are_recognised(series, encoding, rows):
    report = preview(csv_upload(rows, delimiter=";", encoding=encoding), series)

    (organisation,) = report.organisations
    assert problems(report) == []
    assert (organisation.name_ar, organisation.name_fr) == (rows[0][2], rows[0][1])
    assert organisation.province_id == "01.571"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_recognised(series, delimiter):
    rows = [[*GOOD[0][:4], "terroir", "", "", "06 12 34 56 78"]]

    report = preview(csv_upload(rows, delimiter=delimiter), series)

    assert problems(report) == [] and report.organisations[0].phone == "+212612345678"


def test_an_excel_file(series, organiser):
    header = [*HEADER, "founded_on", "members_women", "women_led"]
    rows = [
        [
            "cooperative",
            "Coopérative Chaouen",
            "تعاونية شفشاون",
            "01.151",
            "handicrafts",
            4521,
            1234567000089,
            612345678,
            datetime.datetime(1955, 6, 9),
            12,
            True,
        ]
    ]

    report = commit(actor=organiser, uploaded_file=xlsx_upload(rows, header=header), series=series)

    assert problems(report) == []
    organisation = imported("Coopérative Chaouen")
    assert organisation.registration_number == "4521"
    assert organisation.ice == "001234567000089"  # the zeros Excel dropped are put back
    assert organisation.phone == "+212612345678"
    assert organisation.founded_on == datetime.date(1955, 6, 9)
    assert (organisation.members_women, organisation.women_led) == (12, True)


def test_rows_are_numbered_as_in_the_spreadsheet(series):
    upload = xlsx_upload([[], GOOD[0], [], [*GOOD[1][:3], "Atlantide", *GOOD[1][4:]]])

    report = preview(upload, series)

    assert [(p.row, p.column) for p in report.problems] == [(5, "province")]


# Files that are refused -----------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused(series, settings):
    settings.MAARID_IMPORT_MAX_BYTES = 100

    with pytest.raises(ImportFileError, match="too large"):
        preview(csv_upload(GOOD), series)


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n ;; \n"])
def test_an_empty_file_is_refused(series, content):
    with pytest.raises(ImportFileError, match="The file is empty."):
        preview(SimpleUploadedFile("empty.csv", content), series)


def test_a_header_without_rows_is_refused(series):
    with pytest.raises(ImportFileError, match="no organisations"):
        preview(csv_upload([]), series)


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00not an excel file",
    ],
    ids=["png", "elf", "zip"],
)
def test_a_binary_file_named_csv_is_refused(series, content):
    with pytest.raises(ImportFileError, match="neither a CSV file nor an Excel"):
        preview(SimpleUploadedFile("organisations.csv", content), series)


def test_an_old_excel_file_is_refused_with_advice(series):
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64)

    with pytest.raises(ImportFileError, match=r"\.xls"):
        preview(SimpleUploadedFile("organisations.xls", content), series)


def test_a_damaged_excel_file_is_refused(series):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not really")

    with pytest.raises(ImportFileError, match="damaged"):
        preview(SimpleUploadedFile("organisations.xlsx", buffer.getvalue()), series)


# Languages -----------------------------------------------------------------------------


def test_messages_come_in_the_current_language(series):
    rows = [[*GOOD[0], "pas-une-adresse"]]

    with translation.override("fr"):
        report = preview(csv_upload(rows, header=[*HEADER, "e-mail"]), series)

    assert problems(report) == [(2, "e-mail", "Saisissez une adresse de courriel valide.")]


def test_the_reports_own_messages_are_translated_once_the_catalogue_has_them(series):
    english = "Unknown column: it is ignored."
    with translation.override("fr"):
        french = gettext(english)
        if french == english:
            pytest.skip("the French catalogue does not translate the import messages yet")
        report = preview(csv_upload([GOOD[0] + ["?"]], header=[*HEADER, "Remarques"]), series)

    assert [p.message for p in report.problems] == [french]


# Permissions -------------------------------------------------------------------------


def test_only_an_organiser_of_the_series_may_commit(series, other_organiser, exhibitor):
    for user in (other_organiser, exhibitor):
        with pytest.raises(PermissionDenied):
            commit(actor=user, uploaded_file=csv_upload(GOOD), series=series)
    assert not Organisation.objects.filter(name_fr=GOOD[0][1]).exists()


# The pages ---------------------------------------------------------------------------


@pytest.fixture
def imports_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path / "imports"


def url():
    return reverse("registry:import")


def test_an_exhibitor_may_not_import(exhibitor):
    assert client_for(exhibitor).get(url()).status_code == 403


def test_a_visitor_is_sent_to_log_in(db):
    response = client_for(None).get(url())

    assert response.status_code == 302 and "login" in response["Location"]


def test_the_page_offers_the_organisers_series(organiser, series, other_series):
    response = client_for(organiser).get(url())

    assert response.status_code == 200
    assert list(response.context["series_choices"]) == [series]


def follow_the_job(client, response):
    """Follows a started job, as the browser does, to the page its result links to.
    (The tests' tasks backend runs a job as soon as it is queued.)"""
    assert response.status_code == 302
    job_page = client.get(response["Location"] + "?stay")
    job = job_page.context["job"]
    assert job.status == Job.Status.DONE, job.message
    return client.get(job_page.context["redirect_to"]), job


def check(client, series, upload):
    return follow_the_job(
        client, client.post(url(), {"action": "preview", "series": series.pk, "file": upload})
    )


def test_preview_then_commit_through_the_pages(organiser, series, imports_dir):
    client = client_for(organiser)

    response = client.post(
        url(), {"action": "preview", "series": series.pk, "file": csv_upload(GOOD)}
    )

    assert response.status_code == 302 and response["Location"].startswith("/en/jobs/")
    page, checked = follow_the_job(client, response)
    assert page.status_code == 200 and page.context["checked"] == checked
    assert (checked.kind, checked.user, checked.series_id) == (
        "registry.import.preview",
        organiser,
        series.pk,
    )
    token = checked.result["token"]
    assert (imports_dir / token).exists() and not Organisation.objects.exists()
    assert "Rows ready to import: 2 of 2." in page.content.decode()

    page, imported = follow_the_job(
        client, client.post(url(), {"action": "commit", "job": checked.pk})
    )

    assert imported.kind == "registry.import.commit" and imported.result["created"] == 2
    assert "2 organisations have been added to the registry of" in page.content.decode()
    assert series.organisations.count() == 2
    assert not (imports_dir / token).exists()
    assert client.post(url(), {"action": "commit", "job": checked.pk}).status_code == 400
    assert "checked" not in client.get(f"{url()}?job={checked.pk}").context


def test_the_check_reports_its_progress_every_50_rows(series):
    rows = [[*GOOD[0][:1], f"Coopérative {n}", *GOOD[0][2:]] for n in range(120)]
    calls = []

    preview(csv_upload(rows), series, lambda done, total: calls.append((done, total)))

    assert calls == [(0, 120), (50, 120), (100, 120)]


def test_a_preview_with_errors_shows_the_report_and_no_commit(organiser, series, imports_dir):
    rows = [GOOD[0], [*GOOD[1][:3], "Atlantide", *GOOD[1][4:]]]

    page, checked = check(client_for(organiser), series, csv_upload(rows))

    assert checked.result["token"] is None and "checked" not in page.context
    assert checked.result["problems"] == [
        {
            "row": 3,
            "column": "province",
            "message": "Unknown province or prefecture “Atlantide”: give its name or its code, "
            "such as 01.571 for Tétouan.",
            "error": True,
        }
    ]
    assert not any(imports_dir.iterdir())  # the file is not kept
    html = page.content.decode()
    assert 'class="error"' in html and "Atlantide" in html and 'name="job"' not in html


def test_a_file_that_cannot_be_read_is_a_bad_request(organiser, series, imports_dir):
    upload = SimpleUploadedFile("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

    response = client_for(organiser).post(
        url(), {"action": "preview", "series": series.pk, "file": upload}
    )

    assert response.status_code == 400
    assert "neither a CSV file nor an Excel" in response.content.decode()


def test_an_organiser_may_not_import_into_another_series(other_organiser, series, imports_dir):
    response = client_for(other_organiser).post(
        url(), {"action": "preview", "series": series.pk, "file": csv_upload(GOOD)}
    )

    assert response.status_code == 403 and not imports_dir.exists()


def test_a_file_found_unreadable_while_checking_ends_the_job_with_the_reason(
    organiser, series, imports_dir
):
    rows = [*GOOD, ["cooperative", "x" * 200_000, "", "01.571", "terroir", "", "", ""]]
    client = client_for(organiser)

    response = client.post(
        url(), {"action": "preview", "series": series.pk, "file": csv_upload(rows)}
    )

    job = client.get(response["Location"]).context["job"]
    assert job.status == Job.Status.FAILED
    assert job.message == (
        'Line 4 of your file holds a cell too long to be read: a quotation mark (") may be '
        "missing there."
    )
    assert not any(imports_dir.iterdir())


def test_nobody_may_commit_a_file_checked_by_someone_else(
    organiser, other_organiser, series, imports_dir
):
    _page, checked = check(client_for(organiser), series, csv_upload(GOOD))
    someone_else = client_for(other_organiser)

    response = someone_else.post(url(), {"action": "commit", "job": checked.pk})

    assert response.status_code == 400
    assert someone_else.get(f"{url()}?job={checked.pk}").status_code == 404
    assert not Organisation.objects.exists()


def test_an_organiser_who_lost_the_series_may_not_commit_its_check(organiser, series, imports_dir):
    client = client_for(organiser)
    _page, checked = check(client, series, csv_upload(GOOD))
    SeriesRole.objects.filter(user=organiser, series=series).delete()
    with_role(organiser, make_series(), Role.ORGANISER)  # still an organiser, elsewhere

    assert client.post(url(), {"action": "commit", "job": checked.pk}).status_code == 403
    assert not Organisation.objects.exists()


def test_a_commit_that_finds_errors_saves_nothing_and_shows_the_report(
    organiser, series, imports_dir
):
    client = client_for(organiser)
    _page, checked = check(client, series, csv_upload(GOOD))
    make_organisation(name_fr="Coopérative Tafilalet Dattes", name_ar="")

    page, imported = follow_the_job(
        client, client.post(url(), {"action": "commit", "job": checked.pk})
    )

    assert imported.result["created"] == 0
    html = page.content.decode()
    assert "Already in the registry" in html and "Nothing has been saved" in html
    assert Organisation.objects.count() == 1
    assert not any(imports_dir.iterdir())


def make_series():
    return Series.objects.create(
        slug="ess-souss", name_fr="Salon de l'ESS du Souss", name_ar="معرض سوس", region_id="09"
    )


@pytest.mark.parametrize(
    ("cell", "number"), [("1955", 1955), (" 12 ", 12), ("١٩٥٥", 1955), (7, 7), ("", 0)]
)
def test_whole_number_cells_read_every_way_digits_are_written(cell, number):
    from maarid.core.spreadsheets import integer_cell

    assert integer_cell(cell) == number


@pytest.mark.parametrize("cell", ["²", "12a", "9223372036854775808", "1e3"])
def test_a_cell_that_is_no_whole_number_is_a_row_error_not_a_crash(cell):
    from django.core.exceptions import ValidationError

    from maarid.core.spreadsheets import integer_cell

    with pytest.raises(ValidationError):
        integer_cell(cell)
