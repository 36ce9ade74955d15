"""A property of every import: it never saves a row whose fields fail their checks.

Rows are drawn from cells each known right, empty, or wrong (a formula, a placeholder in a
cell that must be filled in, a name in the wrong letters, a founding date of 1800, a number
that is no phone number…), in CSV or Excel, all or nothing or the rows that are right. What
was saved must be exactly the rows whose every cell was right (when all or nothing, all of
them or none), and every organisation saved passes the checks on its own.

A cell that starts with the quote an export puts before text a spreadsheet could run is text:
'=… is read as =… and is right (so an export reads back unchanged), =… is a formula."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maarid.core.spreadsheets import check_name, is_formula, is_placeholder
from maarid.registry.importing import FOUNDED_EARLIEST, commit
from maarid.registry.models import Organisation

pytestmark = pytest.mark.django_db

HEADER = ["kind", "name_ar", "name_fr", "province", "sector", "founded_on", "phone", "email",
          "address"]  # fmt: skip
# Distinct names, so that no two right rows are the same organisation.
ARABIC = ["الأمل", "النور", "الزيتون", "الأركان", "الريف", "الواحة", "السلام", "الفجر"]
LATIN = ["Amal", "Nour", "Zitoun", "Argan", "Rif", "Oasis", "Salam", "Fajr"]

# Each column's cells: (cell, verdict), the verdict "ok", "empty" (a blank, or a placeholder
# or a formula that an optional column leaves out) or "bad".
RIGHT, EMPTY, BAD = "ok", "empty", "bad"
CELLS = {
    "kind": [("cooperative", RIGHT), ("تعاونية", RIGHT), ("", BAD), ("-", BAD), ("n/a", BAD),
             ("fanfare", BAD)],
    "name_ar": [("", EMPTY), ("-", EMPTY), ("—", EMPTY), ("=HYPERLINK(1)", BAD),
                ("+cmd|' /C calc'!A0", BAD), ("Coopérative", BAD), ("تعاونية\nسطر", BAD),
                ("12", BAD)],
    "name_fr": [("", EMPTY), ("N/A", EMPTY), ("@SUM(A1)", BAD), ("تعاونية", BAD),
                ("-2+3", BAD)],
    "province": [("01.571", RIGHT), ("Tétouan", RIGHT), ("Atlantide", BAD), ("/", BAD),
                 ("", BAD)],
    "sector": [("terroir", RIGHT), ("Artisanat", RIGHT), ("—", BAD), ("", BAD)],
    "founded_on": [("", EMPTY), ("1998", RIGHT), ("15/03/1955", RIGHT), ("?", EMPTY),
                   ("1800", BAD), ("01/01/1899", BAD), ("2999-01-01", BAD), ("hier", BAD)],
    "phone": [("", EMPTY), ("0612345678", RIGHT), ("0539123456", RIGHT), ("n/a", EMPTY),
              ("0612", BAD), ("0112345678", BAD), ("abc", BAD)],
    "email": [("", EMPTY), ("a@example.ma", RIGHT), ("-", EMPTY), ("pas-une-adresse", BAD)],
    "address": [("", EMPTY), ("Douar Azla", RIGHT), ("=1+1", EMPTY), ("@x", EMPTY)],
}  # fmt: skip


@st.composite
def rows(draw):
    """A file's rows and, for each, whether every cell of it is right and the name it would
    be saved under: most cells are drawn among the right ones, a few (none in many rows)
    among all."""
    count = draw(st.integers(min_value=1, max_value=5))
    drawn = []
    for number in range(count):
        cells, verdicts = [], []
        for column in HEADER:
            spoilt = draw(st.integers(min_value=0, max_value=9)) == 0  # 1 in 10
            choices = list(CELLS[column])
            if column == "name_ar":
                choices.append((f"تعاونية {ARABIC[number]}", RIGHT))
                choices.append((f"'=تعاونية {ARABIC[number]}", RIGHT))  # as an export wrote it
            if column == "name_fr":
                choices.append((f"Coopérative {LATIN[number]}", RIGHT))
            if not spoilt:
                choices = [(cell, verdict) for cell, verdict in choices if verdict != BAD]
            cell, verdict = draw(st.sampled_from(choices))
            cells.append(cell)
            verdicts.append(verdict)
        names = verdicts[1:3]
        right = BAD not in verdicts and RIGHT in names  # some name, and nothing wrong
        name = cells[1] if names[0] == RIGHT else cells[2]
        drawn.append((cells, right, name.removeprefix("'")))
    return drawn


def upload(cells, fmt):
    if fmt == "xlsx":  # text cells, "=…" included, as a CSV file gives them
        workbook = openpyxl.Workbook()
        for number, row in enumerate([HEADER, *cells], start=1):
            for column, value in enumerate(row, start=1):
                workbook.active.cell(number, column, value).data_type = "s"
        buffer = io.BytesIO()
        workbook.save(buffer)
        return SimpleUploadedFile("property.xlsx", buffer.getvalue())
    lines = [";".join(f'"{c}"' if "\n" in c else c for c in row) for row in [HEADER, *cells]]
    return SimpleUploadedFile("property.csv", "\r\n".join(lines).encode("utf-8-sig"))


def passes_the_checks(organisation: Organisation, cells: dict[str, str]) -> bool:
    """Whether an organisation saved from a row (``cells``) passes the checks on its own."""
    for name, letters in (("name_ar", "arabic"), ("name_fr", "latin")):
        value = getattr(organisation, name)
        if value and is_placeholder(value):
            return False
        if value and is_formula(value) and not cells[name].startswith("'"):
            return False
        if value:
            check_name(value, letters)  # raises if not
    founded = organisation.founded_on
    if founded is not None and not FOUNDED_EARLIEST <= founded <= timezone.localdate():
        return False
    if any(is_formula(getattr(organisation, f)) for f in ("address", "contact_name")):
        return False
    return bool(organisation.name_ar or organisation.name_fr) and organisation.sector != ""


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=rows(), fmt=st.sampled_from(["csv", "xlsx"]), right_rows=st.booleans())
def test_an_import_never_saves_a_row_whose_fields_fail_their_checks(
    series, organiser, drawn, fmt, right_rows
):
    cells = [row for row, _right, _name in drawn]
    expected = {name for _row, right, name in drawn if right}
    every_row_right = all(right for _row, right, _name in drawn)

    with transaction.atomic():  # each example starts from the same registry
        report = commit(
            actor=organiser, uploaded_file=upload(cells, fmt), series=series, right_rows=right_rows
        )
        saved = list(Organisation.objects.all())
        transaction.set_rollback(True)

    names = {o.name_ar or o.name_fr for o in saved}
    by_name = {name: dict(zip(HEADER, row, strict=True)) for row, _right, name in drawn}
    assert all(passes_the_checks(o, by_name[o.name_ar or o.name_fr]) for o in saved)
    if right_rows or every_row_right:
        assert names == expected, (drawn, fmt, report.problems)
    else:
        assert saved == [], (drawn, fmt, report.problems)
    assert report.created == len(saved)
    assert report.refused == len(drawn) - len(expected) or not right_rows and saved == []


def test_the_founding_dates_of_the_property_are_as_they_say():
    """The property's "bad" dates stay bad whatever today is."""
    assert datetime.date(2999, 1, 1) > timezone.localdate()
