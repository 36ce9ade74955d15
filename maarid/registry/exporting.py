"""Export of organisations to Excel and CSV, in the columns the import reads back."""

import csv
import datetime
import io

from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook

from maarid.core.spreadsheets import field_labels, neutralise

from .importing import BOOLEANS, FIELDS
from .models import Organisation


def headers() -> list[str]:
    """The field labels in the current language: the import recognises them in any language."""
    return [capfirst(label) for label in field_labels(Organisation, FIELDS).values()]


def rows(queryset):
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
        yield [neutralise(values[name]) for name in FIELDS]


def export_xlsx(queryset) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Organisations")[:31])
    sheet.sheet_view.rightToLeft = translation.get_language_bidi()
    sheet.append(headers())
    for row in rows(queryset):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_csv(queryset) -> bytes:
    """UTF-8 with a byte order mark, so that Excel reads Arabic right, and semicolons, the
    list separator of Excel set up for French or Arabic as used in Morocco."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers())
    for row in rows(queryset):
        writer.writerow(v.isoformat() if isinstance(v, datetime.date) else v for v in row)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
