"""Text normalisation for search and duplicate detection (Arabic and French)."""

import functools
import re
import threading
import unicodedata

import snowballstemmer
from django.db.models import Q

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


# --- Arabic words as a search sees them -------------------------------------------------------
#
# Arabic writes particles into the word: و and ف (and), ب (with, by), ك (like), ل (for, to) and
# the article ال, in that order, ل with the article becoming لل: "للعسل" is "for the honey",
# "وبالعسل" "and with the honey". A search for عسل must find them, and a search for للعسل the
# name that says عسل. The article forms are unambiguous enough to strip whenever three letters
# remain; a single و ف ب ك ل may as well be the word's own first letter (فخار, بلغة, لوز), so
# the word is kept beside the reading without it. Then the Snowball Arabic stemmer takes the
# suffixes off (plural, feminine, the adjective's ي): it is fed the word without its particles,
# because on the whole word it stems "التقليدية" and "تقليدية" differently.

_ARTICLES = tuple(
    sorted(
        {c + p + "ال" for c in ("", "و", "ف") for p in ("", "ب", "ك")} | {"لل", "ولل", "فلل"},
        key=len,
        reverse=True,
    )
)
_CONJUNCTIONS = "وف"
_PREPOSITIONS = "بكل"
_MIN_BASE = 3  # letters left once a lone particle is taken off (Arabic roots have three)
_MIN_STEM = 3
_local = threading.local()


def is_arabic(word: str) -> bool:
    return bool(word) and _is_arabic(word[0])


def arabic_bases(word: str) -> tuple[str, ...]:
    """A normalised Arabic word without its attached particles: the word without its article
    and what comes before it; or, without an article, the word itself then its possible
    readings without a lone و ف ب ك ل (that may be its own first letter)."""
    for prefix in _ARTICLES:
        if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_BASE:
            return (word[len(prefix) :],)
    possible = []
    for start in (word, word[1:] if word[0] in _CONJUNCTIONS else ""):
        if start != word and len(start) >= _MIN_BASE:
            possible.append(start)
        if len(start) > _MIN_BASE and start[0] in _PREPOSITIONS:
            possible.append(start[1:])
    return tuple(dict.fromkeys([word, *possible]))


def arabic_stem(base: str) -> str:
    """The Snowball stem of a word already without its particles ('' when it would be shorter
    than three letters, too short to tell words apart)."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:  # a stemmer keeps its word while it works: one per thread
        stemmer = _local.stemmer = snowballstemmer.stemmer("arabic")
    stem = stemmer.stemWord(base)
    return stem if len(stem) >= _MIN_STEM else ""


@functools.lru_cache(maxsize=50_000)
def word_forms(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The forms of a normalised word that search looks for: ``(bases, stems)``; a Latin word
    is its own only base and has no stem."""
    if not is_arabic(word):
        return (word,), ()
    bases = arabic_bases(word)
    # Only the readings with all their particles off are stemmed: the stem of "لتربيه" would
    # be "لترب", a word of nothing.
    barest = [b for b in bases if not any(o != b and b.endswith(o) for o in bases)]
    stems = tuple(dict.fromkeys(s for s in map(arabic_stem, barest) if s and s not in bases))
    return bases, stems


def searchable(text: str | None) -> str:
    """What is stored to search a text by (``search_text``): the normalised text, then the
    other forms of its Arabic words (without particles, stems) that it does not already hold.
    The text comes first and whole, so that a normalised name is still found in it."""
    normalised = normalise(text)
    words = normalised.split()
    have = set(words)
    extra: dict[str, None] = {}
    for word in words:
        bases, stems = word_forms(word)
        for form in (*bases, *stems):
            if form not in have:
                extra[form] = None
    return " ".join([normalised, *extra]) if extra else normalised


def words_filter(q: str, field: str = "search_text") -> Q:
    """The rows whose ``field`` (a ``searchable`` text) holds every word of ``q`` as a
    substring, in one of its forms: the lists' filters (the engine, ``catalogue.search``,
    ranks and tolerates typos)."""
    found = Q()
    for word in dict.fromkeys(normalise(q).split()):
        bases, stems = word_forms(word)
        either = Q()
        for form in (*bases, *stems):
            either |= Q(**{f"{field}__contains": form})
        found &= either
    return found
