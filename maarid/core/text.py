"""Text normalisation for search and duplicate detection (Arabic and French)."""

import re
import unicodedata

# Harakat, Quranic marks, superscript alef and tatweel carry no meaning for search.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_LETTER_FOLDS: dict[str, int | str | None] = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",  # alef forms
    "ة": "ه",  # taa marbuta
    "ى": "ي",  # alef maqsura
    "ؤ": "و",
    "ئ": "ي",
    "ء": "",  # hamza on carriers
    "ک": "ك",
    "ی": "ي",
    "گ": "ك",
    "ڭ": "ك",  # Persian and Moroccan letter forms
}
_ARABIC_FOLD = str.maketrans(_LETTER_FOLDS)
# Arabic-Indic and Persian digits as ASCII ones (a spreadsheet typed in Arabic, a search).
_ASCII_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ARABIC_FOLD.update(_ASCII_DIGITS)


def ascii_digits(text: str) -> str:
    return text.translate(_ASCII_DIGITS)


_PUNCT = re.compile(r"[^\w]+", re.UNICODE)


def normalise_arabic(text: str) -> str:
    return _ARABIC_MARKS.sub("", text).translate(_ARABIC_FOLD)


def fold_latin(text: str) -> str:
    """Removes accents: 'Coopérative' -> 'Cooperative'; leaves Arabic letters alone."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c) or _is_arabic(c))


def _is_arabic(c: str) -> bool:
    return "\u0600" <= c <= "\u06ff"


def normalise(text: str | None) -> str:
    """The search form of a text: lower case, no accents or Arabic marks, single spaces."""
    if not text:
        return ""
    text = normalise_arabic(unicodedata.normalize("NFKC", text))
    text = fold_latin(text).casefold().replace("œ", "oe").replace("æ", "ae")
    text = _PUNCT.sub(" ", text).replace("_", " ")
    return " ".join(text.split())
