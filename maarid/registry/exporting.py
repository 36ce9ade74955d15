"""Export of organisations to Excel and CSV, in the columns the import reads back.

Text a spreadsheet could run is neutralised (``spreadsheets.neutralise``); a phone number is not
text of that kind, and is written as a phone number: an Excel text cell (+212…), and in a CSV
file as people write it (06 12 34 56 78), which no spreadsheet takes for a number or a formula.
"""

import csv
import datetime
import io
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook

from maarid.core.spreadsheets import field_labels, neutralise, phone_text, phone_xlsx

from .importing import BOOLEANS, FIELDS
from .models import Organisation

PHONE = FIELDS.index("phone")


def headers() -> list[str]:
    """The field labels in the current language: the import recognises them in any language."""
    return [capfirst(label) for label in field_labels(Organisation, FIELDS).values()]


def rows(queryset: QuerySet[Organisation]) -> Iterator[list[Any]]:
    """The organisations as rows of the export's columns, text neutralised but for the phone
    (as stored, to be written by each format its way)."""
    yes, no = _("yes"), _("no")
    for organisation in queryset.iterator(chunk_size=1000):
        values = {name: getattr(organisation, name) for name in FIELDS}
        values.update(
            kind=organisation.get_kind_display(),
            sector=organisation.get_sector_display(),
            province=organisation.province_id,
            commune=organisation.commune_id or "",
            **{name: yes if values[name] else no for name in BOOLEANS},
        )
        yield [values[name] if name == "phone" else neutralise(values[name]) for name in FIELDS]


def export_xlsx(queryset: QuerySet[Organisation]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Organisations")[:31])
    sheet.sheet_view.rightToLeft = translation.get_language_bidi()
    sheet.append(headers())
    for row in rows(queryset):
        if row[PHONE]:
            row[PHONE] = phone_xlsx(sheet, row[PHONE])
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_csv(queryset: QuerySet[Organisation]) -> bytes:
    """UTF-8 with a byte order mark, so that Excel reads Arabic right, and semicolons, the
    list separator of Excel set up for French or Arabic as used in Morocco."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers())
    for row in rows(queryset):
        row[PHONE] = phone_text(row[PHONE]) if row[PHONE] else ""
        writer.writerow(v.isoformat() if isinstance(v, datetime.date) else v for v in row)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
