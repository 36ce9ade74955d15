"""Numbers, dates and MAD amounts formatted for the reader's language with Babel."""

import datetime

from babel import dates, lists, numbers, units
from django.utils import timezone
from django.utils.translation import get_language

from .money import babel_locale, format_mad


def _locale(language=None):
    return babel_locale(language or get_language() or "fr")


def number(value, language=None) -> str:
    if value is None or value == "":
        return ""
    return numbers.format_decimal(value, locale=_locale(language))


def money(value, language=None) -> str:
    if value is None or value == "":
        return ""
    return format_mad(value, get_language() if language is None else language)


def date(value, fmt="long", language=None) -> str:
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return dates.format_date(value, format=fmt, locale=_locale(language))


def datetime_(value, fmt="medium", language=None) -> str:
    if not value:
        return ""
    return dates.format_datetime(
        timezone.localtime(value),
        format=fmt,
        locale=_locale(language),
        tzinfo=timezone.get_current_timezone(),
    )


def time(value, language=None) -> str:
    if value is None:
        return ""
    return dates.format_time(value, format="short", locale=_locale(language))


def date_range(start, end, language=None) -> str:
    """'31 mai – 9 juin 2024'. Full month names: CLDR's abbreviations make juin and juillet
    both 'jui.' in French."""
    locale = _locale(language)
    if start.year != end.year:
        return f"{date(start, language=language)} – {date(end, language=language)}"
    days = dates.format_interval(start, end, skeleton="MMMMd", locale=locale)
    year = numbers.format_decimal(start.year, format="#", locale=locale)
    return f"{days} {year}"


def items(values, language=None) -> str:
    """A list the way the language writes it: "A, B et C", "A و B و C"."""
    return lists.format_list([str(v) for v in values], locale=_locale(language))


def time_range(start: datetime.time, end: datetime.time, language: str | None = None) -> str:
    """'16:30–22:00' in Arabic (the B2B agenda's form), '16:30 – 22:00' in French: CLDR's
    interval of hours and minutes. Written left to right whatever the page: an Arabic page
    shows it inside an element marked ``dir="ltr"`` (the ``time_range`` tag), else the bidi
    algorithm reads the dash between two numbers as right-to-left and shows '22:00–16:30'."""
    return dates.format_interval(start, end, skeleton="Hm", locale=_locale(language))


def area(square_metres: int | None, language: str | None = None) -> str:
    """'5.000 م²' in Arabic, '5 000 m²' in French: the unit written the language's way."""
    if square_metres is None:
        return ""
    return units.format_unit(
        square_metres, "area-square-meter", length="short", locale=_locale(language)
    )
