"""A session's registrants as a spreadsheet (XLSX, phones as text) and the programme as an
iCalendar feed (RFC 5545) for phones' calendars."""

import datetime
import io
from collections.abc import Iterable

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from maarid.core.spreadsheets import neutralise, phone_xlsx

from .models import Registration, Session

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def registrants_xlsx(session: Session, registrations: Iterable[Registration]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Registrants")[:31])
    sheet.sheet_view.rightToLeft = translation.get_language_bidi()
    sheet.append(
        [
            _("Name"),
            _("Phone"),
            _("E-mail"),
            _("Organisation"),
            _("Status"),
            _("Place on the waiting list"),
            _("Code"),
            _("Registered at"),
            _("Checked in at"),
        ]
    )
    for r in registrations:
        check_in = getattr(r, "check_in", None)
        sheet.append(
            [
                neutralise(r.name),
                phone_xlsx(sheet, r.phone) if r.phone else "",
                neutralise(r.email),
                neutralise(r.organisation_name),
                r.get_status_display(),
                r.waiting_position or "",
                r.code,
                timezone.localtime(r.created_at).replace(tzinfo=None),
                timezone.localtime(check_in.at).replace(tzinfo=None) if check_in else "",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with a space (RFC 5545, 3.1)."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > 75:
            out.append(current.decode())
            current = b" "
        current += encoded
    out.append(current.decode())
    return "\r\n".join(out)


def ical(sessions: Iterable[Session], *, name: str, url_of=None) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Maarid//Programme//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:" + _text(name),
    ]
    now = _stamp(timezone.now())
    for session in sessions:
        lines += [
            "BEGIN:VEVENT",
            f"UID:maarid-programme-{session.pk}@maarid",
            f"DTSTAMP:{now}",
            f"DTSTART:{_stamp(session.starts_at)}",
            f"DTEND:{_stamp(session.ends_at)}",
            "SUMMARY:" + _text(session.title),
            "LOCATION:" + _text(session.room.name),
        ]
        if session.description:
            lines.append("DESCRIPTION:" + _text(session.description[:1000]))
        if url_of is not None:
            lines.append("URL:" + url_of(session))
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
