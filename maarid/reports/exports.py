"""The closing report as a spreadsheet (XLSX or CSV): one line per figure, with the part and
table it belongs to, the figure as a number and as the report shows it, and its correction
since the report was frozen. Text a spreadsheet could run is neutralised (core.spreadsheets)."""

import csv
import io
from decimal import Decimal
from typing import Literal

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from maarid.core.spreadsheets import neutralise

from .present import Report

Format = Literal["xlsx", "csv"]
FORMATS: tuple[Format, ...] = ("xlsx", "csv")

Line = list[str | Decimal | None]


def lines(report: Report) -> list[Line]:
    with translation.override(report.language):
        found: list[Line] = [
            [_("Part"), _("Table"), _("Item"), _("Figure"), _("As shown"), _("Correction")]
        ]
        for section in report.sections:
            for label, cell in section.facts:
                found.append([section.title, "", label, cell.value, cell.text, cell.correction])
            for table in section.tables:
                for row in table.rows:
                    item = row[0].text
                    for column, cell in zip(table.columns[1:], row[1:], strict=False):
                        found.append(
                            [
                                section.title,
                                table.title,
                                f"{item} — {column}",
                                cell.value,
                                cell.text,
                                cell.correction,
                            ]
                        )
    return [[neutralise(value) for value in line] for line in found]


def export(report: Report, fmt: Format) -> bytes:
    rows = lines(report)
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    workbook = Workbook(write_only=True)
    with translation.override(report.language):
        sheet = workbook.create_sheet(title=_("Closing report")[:31])
        sheet.sheet_view.rightToLeft = translation.get_language_bidi()
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
