"""Numbers, dates and MAD amounts formatted for the reader's language with Babel."""

import datetime
import functools
import re
from dataclasses import dataclass

from babel import dates, lists, numbers, units
from django.utils import timezone, translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .money import babel_locale, format_mad, to_money


def _locale(language=None):
    return babel_locale(language or get_language() or "fr")


def number(value, language=None) -> str:
    if value is None or value == "":
        return ""
    return numbers.format_decimal(value, locale=_locale(language))


def money(value, language=None) -> str:
    if value is None or value == "":
        return ""
    return _mad(str(to_money(value)), get_language() if language is None else language)


@functools.lru_cache(maxsize=4096)
def _mad(amount: str, language: str) -> str:
    """Babel's formatting of an amount, kept: a list of products shows the same few prices
    again and again, and each costs Babel tens of microseconds."""
    return format_mad(amount, language)


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


# --- Text typed in one language, shown on a page of the other --------------------------------
#
# Content is typed in Arabic, in French or both (``name_ar``/``name_fr``…). An Arabic page shows
# the Arabic text and falls back on the French one; French and English pages the reverse. What
# is shown in the other language is marked with its language and direction (screen readers
# change voice, the browser lays it out the right way) and a short note says so.

ARABIC, FRENCH = "ar", "fr"
_ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f]")


def content_language(language: str | None = None) -> str:
    """The language content is looked for in on a page: Arabic on Arabic pages, French on the
    others (content is typed in Arabic and French only)."""
    return ARABIC if (language or get_language() or FRENCH).startswith(ARABIC) else FRENCH


def script_language(text: str) -> str:
    """The language of a text typed in one free field: Arabic if most of its letters are
    Arabic, else French (the platform's other language)."""
    arabic = len(_ARABIC_LETTER.findall(text))
    return ARABIC if arabic and arabic >= len(_LATIN_LETTER.findall(text)) else FRENCH


@dataclass(frozen=True)
class Written:
    """A text and the language it is written in, for a page in ``page`` language.

    ``{{ w }}`` shows the text, inside ``<span lang dir>`` when it is in the other language
    (``str(w)`` is that markup: Python code wants ``w.text``); ``{{ w.attrs }}`` are those
    attributes (for a block of paragraphs), ``{{ w.note }}`` the note that says so (before a
    block; ``{{ w.with_note }}`` after a title), ``{{ w.text }}`` the bare text (to truncate or
    break into lines). Lists show ``{{ w }}`` alone: a note on every row says nothing more."""

    text: str
    language: str
    page: str

    def __str__(self) -> str:
        # Templates turn values into strings before escaping them: the string is the markup.
        return self.__html__()

    def __bool__(self) -> bool:
        return bool(self.text)

    @property
    def foreign(self) -> bool:
        return bool(self.text) and self.language != content_language(self.page)

    @property
    def direction(self) -> str:
        return "rtl" if self.language == ARABIC else "ltr"

    @property
    def attrs(self) -> SafeString:
        if not self.foreign:
            return mark_safe("")
        return format_html(' lang="{}" dir="{}"', self.language, self.direction)

    @property
    def note(self) -> SafeString:
        if not self.foreign:
            return mark_safe("")
        with translation.override(self.page):
            said = _("Written in Arabic") if self.language == ARABIC else _("Written in French")
        return format_html('<span class="written-in">{}</span>', said)

    @property
    def with_note(self) -> SafeString:
        """The text followed by the note (a title, a name on its own page)."""
        if not self.foreign:
            return self.__html__()
        return format_html("{} {}", self.__html__(), self.note)

    def __html__(self) -> SafeString:
        if not self.foreign:
            return conditional_escape(self.text)
        return format_html("<span{}>{}</span>", self.attrs, self.text)


def bilingual(arabic: str, french: str, language: str | None = None) -> Written:
    """The text for a page in ``language`` (the current one by default): the one typed in the
    page's content language, else the other, with the language it is in."""
    page = language or get_language() or FRENCH
    if content_language(page) == ARABIC:
        return (
            Written(arabic, ARABIC, page) if arabic or not french else Written(french, FRENCH, page)
        )
    return Written(french, FRENCH, page) if french or not arabic else Written(arabic, ARABIC, page)


def written(obj: object, field: str, language: str | None = None) -> Written:
    """``obj``'s ``field`` with its language: a field typed in both languages (``field_ar`` and
    ``field_fr``) through ``bilingual``; a free field (a B2B profile's offer) by its script."""
    if hasattr(obj, f"{field}_ar") or hasattr(obj, f"{field}_fr"):
        arabic, french = getattr(obj, f"{field}_ar", ""), getattr(obj, f"{field}_fr", "")
        return bilingual(arabic or "", french or "", language)
    text = str(getattr(obj, field, "") or "")
    return Written(text, script_language(text), language or get_language() or FRENCH)
