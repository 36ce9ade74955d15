"""The spreadsheet toolkit every import and export shares (organisations, products, reports).

A file is read by ``read_table``: a size cap, Excel (.xlsx) or CSV in any usual encoding and
delimiter, zip bombs refused, a CSV whose quotation marks do not pair refused with the line
named; a file that cannot be read at all raises ``ImportFileError``, whose message is shown as
is. A ``RowChecker`` subclass declares its columns and how a row becomes an object: headers and
values are accepted in Arabic, French or English, every cell passes the checks every import
shares (no placeholder such as "-" or "n/a", no formula, a name in the letters of its language,
a CSV row as wide as the header), every row is checked as the form would check it, and each
problem is reported by row, numbered as the user's spreadsheet numbers it, and by column as the
header was written; warnings apart from errors. Nothing is saved if any row has an error, unless
the user chose to import the rows that are right (``Report.may_import``): ``refused_file`` then
gives the others back, in the format uploaded, each with its reasons in an added column.

An export puts a quote before anything a spreadsheet could take for a formula (``neutralise``),
which ``text_cell`` removes again; a phone number is written as text without it (``phone_text``,
``phone_xlsx``). ``stash`` keeps a checked file until it is imported.
"""

import csv
import datetime
import io
import re
import time
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Generator, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, Generic, Literal, TypeAlias, TypeVar

import phonenumbers
from charset_normalizer import from_bytes
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from .params import to_int
from .phones import normalise_phone
from .text import ascii_digits, normalise

# A cell as a CSV file (text) or an Excel sheet (numbers, dates, booleans) gives it.
Cell: TypeAlias = (
    str | int | float | Decimal | datetime.date | datetime.time | datetime.timedelta | None
)
Row: TypeAlias = Sequence[Cell]
# The problems of a row: (the field whose column is at fault, the message).
Errors: TypeAlias = list[tuple[str, str]]
# Called with (rows checked, rows) as a check goes.
Progress: TypeAlias = Callable[[int, int], object]
Format: TypeAlias = Literal["csv", "xlsx"]

# The languages in which headers and values are recognised.
LANGUAGES = ("en", "fr", "ar")
# An export prefixes these with a quote against formula injection; the import removes it.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Text a spreadsheet would run: "=…", or "+", "-", "@" stuck to what follows ("- miel" is a
# list, "-cmd|…" and "@SUM(…)" are not).
FORMULA = re.compile(r"^(?:=|[+\-@](?=\S))")
ARABIC_LETTER = re.compile("[\u0621-\u064a]")
# Cells that stand for "nothing here", as people fill a form they cannot leave blank (compared
# normalised; a cell of punctuation alone, "-", "—", "/", "?", is one too).
PLACEHOLDERS = frozenset(
    normalise(word)
    for word in (
        "n/a", "n.a.", "na", "n/d", "nd", "nan", "none", "null", "nil", "néant", "aucun",
        "aucune", "rien", "vide", "empty", "inconnu", "unknown", "non renseigné",
        "لا يوجد", "لا شيء", "غير متوفر", "غير موجود", "بدون",
    )
)  # fmt: skip
# A zip that unpacks to this many times its size is refused (a "zip bomb").
MAX_UNPACK_RATIO = 25
# A stashed file not imported within this many seconds is removed.
STASH_SECONDS = 86400
# The value of the upload form's choice to import the rows that are right and refuse the others.
RIGHT_ROWS = "right"
CONTENT_TYPES: dict[Format, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ImportFileError(Exception):
    """The file cannot be read at all. Its message is translated, to be shown as is."""


@dataclass
class Table:
    """A file as read: the header row's number, the headers, the non-empty rows with their
    numbers (as the user's spreadsheet numbers them: blank rows count, the header is row 1 when
    it comes first), and the format, to give refused rows back in it."""

    header_row: int
    headers: list[str]
    rows: list[tuple[int, Row]]
    format: Format = "xlsx"
    delimiter: str = ";"


@dataclass
class Problem:
    row: int | None  # as numbered in the user's spreadsheet (the header is row 1); None: the file
    column: str  # as the header was written
    message: str
    error: bool = True  # else a warning, which does not stop the import

    @property
    def place(self) -> str:
        """The line of the problem, as the user's spreadsheet numbers its rows ("" for a
        problem of the whole file)."""
        return "" if self.row is None else _("Line %(line)d of your file") % {"line": self.row}


@dataclass
class Outcome:
    """What a check found: how many rows it read, and the problems."""

    rows: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.error]

    @property
    def file_errors(self) -> list[Problem]:
        """Errors of the file as a whole (a missing column): no row can be imported."""
        return [p for p in self.errors if p.row is None]

    @property
    def refused(self) -> int:
        """The rows with an error."""
        return len({p.row for p in self.errors if p.row is not None})

    @property
    def ok(self) -> bool:
        return self.rows > 0 and not self.errors


T = TypeVar("T")  # what a row becomes


@dataclass
class Report(Outcome, Generic[T]):
    """A check's outcome with what the rows without errors became, ready to save."""

    accepted: list[T] = field(default_factory=list)
    created: int = 0
    table: Table | None = None  # the file checked, to give its refused rows back

    @property
    def ready(self) -> int:
        return len(self.accepted)

    def may_import(self, right_rows: bool = False) -> bool:
        """Whether to save: every row right, or (``right_rows``) at least one, the file as a
        whole being right."""
        if right_rows:
            return self.ready > 0 and not self.file_errors
        return self.ok


R = TypeVar("R", bound=Report[Any])
Code = TypeVar("Code", bound=str)  # of a field's choices


def right_rows(choice: object) -> bool:
    """Whether the upload form asked to import the rows that are right (else all or none)."""
    return choice == RIGHT_ROWS


# Reading files ---------------------------------------------------------------------------


def read_table(uploaded_file: File[bytes], *, no_rows: str, header_only: bool = False) -> Table:
    """The file's header and non-empty rows (only the first one if ``header_only``).
    ``no_rows`` is the message for a file with a header and nothing under it."""
    limit: int = settings.MAARID_IMPORT_MAX_BYTES
    if getattr(uploaded_file, "size", 0) and uploaded_file.size > limit:
        raise _too_big(limit)
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise _too_big(limit)
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    table = Table(0, [], [])
    if _is_xlsx(data):
        numbered = _xlsx_rows(data)
    else:
        text = _decode(data)
        table.format, table.delimiter = "csv", _delimiter(text)
        numbered = _csv_rows(text, table.delimiter)
    try:
        filled = ((n, row) for n, row in numbered if any(_blank(v) is not None for v in row))
        if (first := next(filled, None)) is None:
            raise ImportFileError(_("The file is empty."))
        table.header_row, headers = first
        table.rows = [row for row in [next(filled, None)] if row] if header_only else list(filled)
    finally:
        numbered.close()
    if not table.rows:
        raise ImportFileError(no_rows)
    table.headers = [str(h or "").strip() for h in headers]
    return table


def check_readable(uploaded_file: File[bytes], *, no_rows: str) -> None:
    """Raises ImportFileError at once if the file cannot be read, reading only its beginning:
    its size, format, encoding, a header row and a first row under it."""
    read_table(uploaded_file, no_rows=no_rows, header_only=True)


def _too_big(limit: int) -> ImportFileError:
    return ImportFileError(
        _("The file is too large: the limit is %(size)d MB.") % {"size": limit // (1024 * 1024)}
    )


def _blank(value: Cell) -> Cell:
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def _is_xlsx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _xlsx_rows(data: bytes) -> Generator[tuple[int, Row], None, None]:
    """The numbered rows of the first sheet, read as they are asked for."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(i.file_size for i in archive.infolist()) > MAX_UNPACK_RATIO * len(data):
            raise ImportFileError(_("This Excel file is too large once unpacked."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise _damaged() from None
    try:
        try:
            rows = workbook.worksheets[0].iter_rows(min_row=1, values_only=True)
        except Exception:
            raise _damaged() from None
        number = 0
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception:
                raise _damaged() from None
            number += 1
            yield number, row
    finally:
        workbook.close()


def _damaged() -> ImportFileError:
    return ImportFileError(_("This Excel file is damaged and cannot be read."))


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("Old Excel files (.xls) cannot be read: save the file as .xlsx or as CSV.")
        )
    sample = data[:8192]
    controls = sum(b < 32 and b not in b"\t\n\r\f\v\x1a" for b in sample)
    if b"\x00" in sample or controls > len(sample) // 100:
        raise ImportFileError(_("This file is neither a CSV file nor an Excel (.xlsx) file."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=["cp1256", "latin_1"]).best()
    if best is None:
        raise ImportFileError(
            _("The text encoding of this file was not recognised: save it as CSV UTF-8.")
        )
    return str(best)


def _delimiter(text: str) -> str:
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    return max(",;\t", key=first_line.count)


def _csv_rows(text: str, delimiter: str) -> Generator[tuple[int, Row], None, None]:
    """The numbered rows of a CSV text, read as they are asked for. The reader is strict: a
    quotation mark left open swallows the lines after it into one cell, so the file is refused
    with the line where that row starts (lines as a text editor counts them)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise ImportFileError(
                    _(
                        "Line %(line)d of your file holds a cell too long to be read: a "
                        'quotation mark (") may be missing there.'
                    )
                    % {"line": line}
                ) from None
            raise ImportFileError(
                _(
                    'Line %(line)d of your file opens a quotation mark (") that is not closed '
                    "where its cell ends, so the lines after it would be read as one cell: "
                    "correct that line and upload the file again."
                )
                % {"line": line}
            ) from None
        number += 1
        yield number, row


def map_columns(
    header_row: int, headers: Sequence[str], known: Mapping[str, str]
) -> tuple[dict[str, int], list[Problem]]:
    """Which field each column holds (``known`` maps normalised header names to fields), with
    warnings for unknown and repeated columns."""
    columns: dict[str, int] = {}  # field -> position in the row
    problems: list[Problem] = []
    for position, header in enumerate(headers):
        if not header:
            continue
        name = known.get(normalise(header))
        if name is None:
            problems.append(
                Problem(header_row, header, _("Unknown column: it is ignored."), error=False)
            )
        elif name in columns:
            problems.append(
                Problem(
                    header_row,
                    header,
                    _("This column repeats the column “%(column)s”: it is ignored.")
                    % {"column": headers[columns[name]]},
                    error=False,
                )
            )
        else:
            columns[name] = position
    return columns, problems


# Checking rows ---------------------------------------------------------------------------


class RowChecker(Generic[T, R]):
    """Turns the rows of a table into unsaved objects (``T``), each checked as its form checks
    it, and reports every problem (``R``).

    A subclass declares its columns (``fields``, ``synonyms``, ``required``, ``defaults``,
    ``free_text``, ``fallbacks``), names them (``labels``), and says how a row becomes an object
    (``build``, with ``read_cells`` and ``model_errors``) and which rows are the same
    (``duplicate``). The lookups every row needs are loaded once, in its ``__init__``."""

    #: The columns, in the order of an export and of the check.
    fields: ClassVar[tuple[str, ...]]
    #: A plain "name" or "description" column goes to Arabic or French by the script of its text.
    bilingual: ClassVar[Mapping[str, tuple[str, str]]] = {
        "name": ("name_ar", "name_fr"),
        "description": ("description_ar", "description_fr"),
    }
    #: The name columns and the script of each ("name" is either).
    names: ClassVar[Mapping[str, str]] = {"name_ar": "arabic", "name_fr": "latin", "name": ""}
    #: Header names besides each field's own name and its label in the three languages.
    synonyms: ClassVar[Mapping[str, Sequence[str]]] = {}
    #: The columns a file cannot do without; "name" is met by a name in either language. Their
    #: cells must be filled in, but for the names (one language is enough).
    required: ClassVar[tuple[str, ...]] = ()
    #: Columns a file may lack, each row then taking the default said here (as a function,
    #: to be said in the current language).
    defaults: ClassVar[Mapping[str, Callable[[], str]]] = {}
    #: Columns of free text, where what a spreadsheet would run as a formula is refused (a
    #: name) or left out with a warning; the names are always among them.
    free_text: ClassVar[frozenset[str]] = frozenset()
    #: The columns under which a field's errors are shown when the file has no column of its
    #: own for it (a French name taken from a plain "name" column).
    fallbacks: ClassVar[Mapping[str, tuple[str, ...]]] = {}
    #: How often ``check`` reports its progress, in rows.
    progress_every: ClassVar[int] = 50

    def __init__(self) -> None:
        self.order = (*self.fields, *self.bilingual)
        self.headers = self._header_lookup()
        self.titles: dict[str, str] = {}  # field -> its header, as written
        self.missing: set[str] = set()  # fields of the required columns the file lacks
        self.row_warnings: Errors = []  # the warnings of the row being read

    # What a subclass says.

    def labels(self) -> dict[str, str]:
        """Each field's column title in the current language."""
        raise NotImplementedError

    def new_report(self) -> R:
        raise NotImplementedError

    def build(self, number: int, cells: Mapping[str, Cell]) -> tuple[T, Errors]:
        """What row ``number`` becomes, and its problems."""
        raise NotImplementedError

    def read_cell(self, target: T, name: str, value: Cell) -> None:
        """Puts a cell's value into ``target``; raises ValidationError if it cannot, and may
        ``warn``."""
        raise NotImplementedError

    def duplicate(
        self, thing: T, number: int, seen: dict[Hashable, int], failed: set[str]
    ) -> Errors:
        """The problem of a row that repeats another (``seen``: each key of the rows before
        -> the first row that had it; ``failed``: the row's fields already in error)."""
        return []

    # The check.

    def check(self, table: Table, progress: Progress | None = None) -> R:
        report = self.new_report()
        report.table = table
        columns, problems = map_columns(table.header_row, table.headers, self.headers)
        report.problems += problems
        self.titles = {name: table.headers[i] for name, i in columns.items()}
        complete = self.check_columns(report, table.header_row, columns)
        ordered = sorted(columns.items(), key=lambda column: self.order.index(column[0]))
        width = len(table.headers) if table.format == "csv" else None
        seen: dict[Hashable, int] = {}
        for number, row in table.rows:
            if progress is not None and report.rows % self.progress_every == 0:
                progress(report.rows, len(table.rows))
            report.rows += 1
            if width is not None and (wrong := _wrong_width(row, width)):
                report.problems.append(Problem(number, "", wrong))
                continue
            cells = {name: row[i] if i < len(row) else None for name, i in ordered}
            self.row_warnings = []
            thing, errors = self.build(number, cells)
            errors += self.duplicate(thing, number, seen, {name for name, _m in errors})
            report.problems += [
                Problem(number, self.title(name), message) for name, message in errors
            ]
            report.problems += [
                Problem(number, self.title(name), message, error=False)
                for name, message in self.row_warnings
            ]
            if not errors and complete:
                report.accepted.append(thing)
        return report

    def check_columns(self, report: R, header_row: int, columns: dict[str, int]) -> bool:
        """Reports the required columns the file lacks (of the file, not of a row) and the
        defaults taken for the others; False if a required one is missing: the rows are still
        checked, and none accepted. A subclass may also drop here a column it cannot use."""
        missing = [name for name in self.required if not self._has_column(columns, name)]
        report.problems += [
            Problem(None, self._label(name), self._no_column(name)) for name in missing
        ]
        self.missing = {
            field for name in missing for field in (name, *self.bilingual.get(name, ()))
        }
        report.problems += [
            Problem(
                None,
                self._label(name),
                _("The file has no such column: each new row takes “%(default)s”.")
                % {"default": default()},
                error=False,
            )
            for name, default in self.defaults.items()
            if name not in columns
        ]
        return not missing

    def title(self, name: str) -> str:
        """The header, as written, of the column a field's value came from (errors of the
        whole row have no column)."""
        for candidate in (name, *self.fallbacks.get(name, ())):
            if candidate in self.titles:
                return self.titles[candidate]
        return ""

    def warn(self, name: str, message: str) -> None:
        """A warning on a cell of the row being read: the row is imported all the same."""
        self.row_warnings.append((name, message))

    # Helpers of ``build``.

    def read_cells(self, target: T, cells: Mapping[str, Cell]) -> Errors:
        """Reads every cell into ``target``, once it has passed the checks every import
        shares; a cell that cannot be read is an error of its column."""
        errors: Errors = []
        for name, value in cells.items():
            try:
                self.read_cell(target, name, self.screen(name, value))
            except ValidationError as error:
                errors += [(name, message) for message in error.messages]
        return errors

    def screen(self, name: str, value: Cell) -> Cell:
        """A cell as it may be read: a placeholder ("-", "n/a") or a formula is refused where
        the cell must be filled in or is a name, and left out with a warning elsewhere; a name
        is on one line and in the letters of its language."""
        text = text_cell(value) if isinstance(value, str) else ""
        if not text:
            return value
        if is_placeholder(text):
            if name in self.required and name not in self.bilingual:
                raise ValidationError(
                    _("“%(value)s” stands for no value: this cell must be filled in.")
                    % {"value": text}
                )
            self.warn(
                name,
                _("“%(value)s” stands for no value: the cell is left empty.") % {"value": text},
            )
            return None
        if (name in self.free_text or name in self.names) and is_formula(value):
            if name in self.names:
                raise ValidationError(
                    _("A name cannot start with “%(sign)s”: a spreadsheet would run it.")
                    % {"sign": text[0]}
                )
            self.warn(
                name,
                _("This text starts with “%(sign)s” as a formula does: the cell is left empty.")
                % {"sign": text[0]},
            )
            return None
        if name in self.names:
            check_name(text, self.names[name])
        return value

    def read_bilingual(self, instance: models.Model, name: str, value: Cell) -> None:
        """A plain "name" or "description" cell goes to the Arabic or the French field by the
        script of most of its letters, unless the file's own column for that field filled it."""
        text = text_cell(value)
        arabic, french = self.bilingual[name]
        target = arabic if script(text) == "arabic" else french
        if text and not (getattr(instance, target) and target in self.titles):
            setattr(instance, target, text)

    def model_errors(
        self, instance: models.Model, errors: Errors, exclude: Sequence[str] = ()
    ) -> Errors:
        """The model's own checks (``full_clean``) of the fields read without error, but for
        those of a column the file lacks (said once, for the file)."""
        failed = {name for name, _message in errors} | self.missing
        if failed & self.names.keys():  # one problem of a row's name is enough
            failed |= {*self.names, *self.bilingual["name"]}
        try:
            instance.full_clean(exclude=[*exclude, *failed], validate_constraints=False)
        except ValidationError as error:
            return [
                (name, message)
                for name, messages in error.message_dict.items()
                if name not in failed
                for message in messages
            ]
        return []

    def _header_lookup(self) -> dict[str, str]:
        headers = {normalise(name): name for name in self.order}
        for language in LANGUAGES:
            with translation.override(language):
                for name, label in self.labels().items():
                    headers.setdefault(normalise(label), name)
        for name, words in self.synonyms.items():
            for word in words:
                headers.setdefault(normalise(word), name)
        return headers

    def _has_column(self, columns: Mapping[str, int], name: str) -> bool:
        return name in columns or bool(columns.keys() & set(self.bilingual.get(name, ())))

    def _label(self, name: str) -> str:
        """A field's column title, for a column the file lacks."""
        if name in self.bilingual:
            return capfirst(_("name") if name == "name" else _("description"))
        return capfirst(self.labels()[name])

    def _no_column(self, name: str) -> str:
        if name == "name":
            return _("The file has no name column: give the name in Arabic, in French or both.")
        return _("The file has no “%(column)s” column.") % {"column": self.labels()[name]}


def _wrong_width(row: Row, width: int) -> str:
    """Why a CSV row is not as wide as the header row, if it is not: a separator too many or
    too few, or a quotation mark out of place, would put its values in the wrong columns."""
    if len(row) == width:
        return ""
    return _(
        "This line has %(cells)d cells where the header has %(columns)d: a separator or a "
        "quotation mark is missing or in excess, and its values would go to the wrong columns."
    ) % {"cells": len(row), "columns": width}


def choice_lookup(
    choices: type[models.Choices], words: Mapping[Code, Sequence[str]]
) -> dict[str, str]:
    """The codes of a field's choices by their normalised spellings: each code, its label in
    the three languages, and the ``words`` given for it."""
    found = {normalise(code): code for code in choices.values}
    for language in LANGUAGES:
        with translation.override(language):
            for code, label in choices.choices:
                found.setdefault(normalise(str(label)), code)
    for code, synonyms in words.items():
        for word in synonyms:
            found.setdefault(normalise(word), code)
    return found


def field_labels(model: type[models.Model], names: Sequence[str]) -> dict[str, str]:
    """The verbose names of a model's fields, in the current language."""
    return {name: str(_field(model, name).verbose_name) for name in names}


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    found = model._meta.get_field(name)
    assert isinstance(found, models.Field)
    return found


# Checking cells --------------------------------------------------------------------------


def is_placeholder(text: str) -> bool:
    """Whether a (non-empty) cell stands for "nothing": punctuation alone, or a word such as
    n/a, néant, لا يوجد."""
    if not text:
        return False
    folded = normalise(text)
    return not folded or folded in PLACEHOLDERS


def is_formula(value: Cell) -> bool:
    """Whether a spreadsheet would run this cell as a formula; not once the quote an export
    puts before such text marks it as text."""
    return isinstance(value, str) and bool(FORMULA.match(value.strip()))


def script(text: str) -> str:
    """The script of most of the letters of a text: "arabic", "latin", or "" (no letters of
    either, or as many of each)."""
    arabic = latin = 0
    for character in text:
        if character.isalpha():
            name = unicodedata.name(character, "")
            arabic += name.startswith("ARABIC")
            latin += name.startswith("LATIN")
    if arabic > latin:
        return "arabic"
    return "latin" if latin > arabic else ""


def check_name(text: str, expected: str) -> None:
    """Raises ValidationError if a name is not on one line or not in the letters of its
    language (``expected``: "arabic", "latin", or "" for either)."""
    if "\n" in text or "\r" in text:
        raise ValidationError(
            _(
                "A name is written on one line: this cell holds several (a quotation mark may be "
                "missing in the file)."
            )
        )
    found = script(text)
    if expected == "arabic" and found != "arabic":
        raise ValidationError(_("A name in Arabic is written in Arabic letters, mostly."))
    if expected == "latin" and found != "latin":
        raise ValidationError(_("A name in French is written in Latin letters, mostly."))
    if not found:
        raise ValidationError(_("A name is written in Arabic or in Latin letters."))


# Reading cells ---------------------------------------------------------------------------


def text_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        value = value.isoformat()
    text = str(value).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        text = text[1:]  # the quote an export puts against formula injection
    return text


def integer_cell(value: Cell) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = text_cell(value).replace(" ", "").replace("\u202f", "")
    if not text:
        return 0
    # Arabic-Indic digits are digits; "²" and numbers past 64 bits are not whole numbers here.
    number: int | None = to_int(ascii_digits(text))
    if number is None:
        raise ValidationError(_("Enter a whole number."))
    return number


DATE_FORMATS: tuple[tuple[re.Pattern[str], Callable[..., tuple[Any, Any, Any]]], ...] = (
    (re.compile(r"^(\d{4})$"), lambda y: (int(y), 1, 1)),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]*)?$"), lambda y, m, d: (y, m, d)),
    (re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$"), lambda d, m, y: (y, m, d)),
)


def date_cell(value: Cell) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = ascii_digits(text_cell(value))
    if not text:
        return None
    for pattern, order in DATE_FORMATS:
        if match := pattern.match(text):
            try:
                return datetime.date(*map(int, order(*match.groups())))
            except ValueError:
                break
    raise ValidationError(_("Enter a date as YYYY-MM-DD, DD/MM/YYYY or a year such as 1955."))


def phone_cell(value: Cell) -> tuple[str, str]:
    """A Moroccan phone number in E.164 form (+212…), and a warning if the phone library
    does not know the number but it has the form of one (a new landline, such as 0539 12 34 56
    in Tétouan): it is kept, to be checked. Raises ValidationError if it is no number at all."""
    text = text_cell(value)
    if not text:
        return "", ""
    try:
        return normalise_phone(text), ""
    except ValidationError:
        possible = _possible_phone(text)
        if not possible:
            raise
    return possible, _(
        "The phone library does not know this number, but it has the form of a Moroccan one: "
        "it is kept; check it."
    )


def _possible_phone(text: str) -> str:
    """The E.164 form of a number of the length of a Moroccan one, starting as a Moroccan
    landline (05), mobile (06, 07) or network number (08) does; else ""."""
    raw = ascii_digits(text).strip()
    try:
        number = phonenumbers.parse("+" + raw[2:] if raw.startswith("00") else raw, "MA")
    except phonenumbers.NumberParseException:
        return ""
    national = str(number.national_number)
    if number.country_code != 212 or len(national) != 9 or national[0] not in "5678":
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Writing cells ---------------------------------------------------------------------------

V = TypeVar("V")  # a cell


def neutralise(value: V) -> V | str:
    """Against formula injection, a text cell a spreadsheet could take for a formula gets a
    leading single quote; the import removes it again. Phone numbers are written apart
    (``phone_text``, ``phone_xlsx``)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def phone_text(e164: str) -> str:
    """A Moroccan number as people write it, 06 12 34 56 78: the spaces keep a spreadsheet
    from reading it as a number (which would drop its 0) and nothing in it can run, so it needs
    no quote; the import reads it back. Any other text is neutralised."""
    if re.fullmatch(r"\+212\d{9}", e164):
        digits = "0" + e164[4:]
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return str(neutralise(e164))


def phone_xlsx(sheet: WriteOnlyWorksheet, e164: str) -> WriteOnlyCell:
    """A phone number as an Excel text cell, +212612345678: marked as text ("quote prefix",
    as Excel marks a cell typed with a leading '), it is neither a number nor a formula, and
    shows no quote."""
    cell = WriteOnlyCell(sheet, value=e164)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def refused_file(report: Report[Any]) -> tuple[bytes, Format] | None:
    """The rows of the checked file that have an error, in the format it came in, with their
    reasons in an added last column; None if no row was refused. Text a spreadsheet could run
    is neutralised, as in an export."""
    table = report.table
    reasons: dict[int, list[str]] = {}
    for problem in report.errors:
        if problem.row is not None:
            said = f"{problem.column}: {problem.message}" if problem.column else problem.message
            reasons.setdefault(problem.row, [problem.place]).append(said)
    if table is None or not reasons:
        return None
    refused = [(n, list(row)) for n, row in table.rows if n in reasons]
    width = max(len(table.headers), *(len(row) for _n, row in refused))
    header = [*table.headers, *[""] * (width - len(table.headers)), _("Why it was refused")]
    lines: list[list[Cell]] = [
        [*map(neutralise, row), *[None] * (width - len(row)), " — ".join(reasons[n])]
        for n, row in refused
    ]
    if table.format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=table.delimiter)
        writer.writerow(header)
        writer.writerows([_csv_value(v) for v in line] for line in lines)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8"), "csv"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Refused rows")[:31])
    sheet.sheet_view.rightToLeft = translation.get_language_bidi()
    for line in [header, *lines]:
        sheet.append(line)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), "xlsx"


def _csv_value(value: Cell) -> Cell:
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def refused_said(outcome: Outcome) -> str:
    """What to say of the rows an import refused (nothing if none)."""
    if not outcome.refused:
        return ""
    return ngettext(
        "%(count)d row was refused: download it, with the reason, from the import page.",
        "%(count)d rows were refused: download them, with the reasons, from the import page.",
        outcome.refused,
    ) % {"count": outcome.refused}


def download(data: bytes, fmt: Format, stem: str) -> HttpResponse:
    """A spreadsheet to download, named ``stem`` and today's date."""
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    filename = f"{stem}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Files waiting between their check and their import ------------------------------------


def stash(uploaded_file: File[bytes]) -> Path:
    """Keeps an uploaded file under DATA_DIR/imports until it is imported; a day at most."""
    uploaded_file.seek(0)
    return _stash(uploaded_file.chunks())


def stash_refused(report: Report[Any]) -> dict[str, str] | None:
    """Keeps the file of a report's refused rows (``refused_file``) for a day; its token and
    format, to download it (``stashed_refused``), or None if no row was refused."""
    made = refused_file(report)
    if made is None:
        return None
    data, fmt = made
    return {"token": _stash(iter([data])).name, "format": fmt}


def stashed_refused(refused: object) -> tuple[Path, Format] | None:
    """The file of refused rows that ``stash_refused`` kept, and its format, if it is still
    there."""
    if not isinstance(refused, dict) or refused.get("format") not in CONTENT_TYPES:
        return None
    path = stashed(refused.get("token"))
    return (path, "csv" if refused["format"] == "csv" else "xlsx") if path is not None else None


def _stash(chunks: Iterator[bytes]) -> Path:
    folder = _stash_folder()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.stat().st_mtime < time.time() - STASH_SECONDS:
            old.unlink(missing_ok=True)
    path = folder / uuid.uuid4().hex
    with path.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
    return path


def stashed(token: object) -> Path | None:
    """The stashed file a token names, if it is still there."""
    if not isinstance(token, str) or not re.fullmatch(r"[0-9a-f]{32}", token):
        return None
    path = _stash_folder() / token
    return path if path.exists() else None


def _stash_folder() -> Path:
    return Path(settings.DATA_DIR) / "imports"
