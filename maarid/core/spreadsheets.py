"""The spreadsheet toolkit every import and export shares (organisations, products, reports).

A file is read by ``read_table``: a size cap, Excel (.xlsx) or CSV in any usual encoding and
delimiter, zip bombs refused; a file that cannot be read at all raises ``ImportFileError``, whose
message is shown as is. A ``RowChecker`` subclass declares its columns and how a row becomes an
object: headers and values are accepted in Arabic, French or English, every row is checked as
the form would check it, and each problem is reported by row and by column as the header was
written. An export puts a quote before anything a spreadsheet could take for a formula
(``neutralise``), which ``text_cell`` removes again; a phone number is written as text without
it (``phone_text``, ``phone_xlsx``). ``stash`` keeps a checked file until it is imported.
"""

import csv
import datetime
import io
import re
import time
import uuid
import zipfile
from collections.abc import Callable, Generator, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeAlias, TypeVar

from charset_normalizer import from_bytes
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from .params import to_int
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

# The languages in which headers and values are recognised.
LANGUAGES = ("en", "fr", "ar")
# An export prefixes these with a quote against formula injection; the import removes it.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ARABIC_LETTER = re.compile("[\u0621-\u064a]")
# A zip that unpacks to this many times its size is refused (a "zip bomb").
MAX_UNPACK_RATIO = 25
# A stashed file not imported within this many seconds is removed.
STASH_SECONDS = 86400


class ImportFileError(Exception):
    """The file cannot be read at all. Its message is translated, to be shown as is."""


@dataclass
class Problem:
    row: int | None  # as numbered in the spreadsheet (the header is row 1); None: the file
    column: str  # as the header was written
    message: str
    error: bool = True  # else a warning, which does not stop the import


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
    def ok(self) -> bool:
        return self.rows > 0 and not self.errors


T = TypeVar("T")  # what a row becomes


@dataclass
class Report(Outcome, Generic[T]):
    """A check's outcome with what the rows without errors became, ready to save."""

    accepted: list[T] = field(default_factory=list)
    created: int = 0

    @property
    def ready(self) -> int:
        return len(self.accepted)


R = TypeVar("R", bound=Report[Any])
Code = TypeVar("Code", bound=str)  # of a field's choices


# Reading files ---------------------------------------------------------------------------


def read_table(
    uploaded_file: File[bytes], *, no_rows: str, header_only: bool = False
) -> tuple[int, list[str], list[tuple[int, Row]]]:
    """The header row's number, the headers, and the non-empty rows with their numbers
    (only the first one if ``header_only``). ``no_rows`` is the message for a file with a
    header and nothing under it."""
    limit: int = settings.MAARID_IMPORT_MAX_BYTES
    if getattr(uploaded_file, "size", 0) and uploaded_file.size > limit:
        raise _too_big(limit)
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise _too_big(limit)
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    table = _xlsx_rows(data) if _is_xlsx(data) else _csv_rows(_decode(data))
    try:
        numbered = ((n, row) for n, row in table if any(_blank(v) is not None for v in row))
        if (first := next(numbered, None)) is None:
            raise ImportFileError(_("The file is empty."))
        header_row, headers = first
        rows = [row for row in [next(numbered, None)] if row] if header_only else list(numbered)
    finally:
        table.close()
    if not rows:
        raise ImportFileError(no_rows)
    return header_row, [str(h or "").strip() for h in headers], rows


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


def _csv_rows(text: str) -> Generator[tuple[int, Row], None, None]:
    """The numbered rows of a CSV text, read as they are asked for."""
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    rows = enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)
    while True:
        try:
            numbered = next(rows)
        except StopIteration:
            return
        except csv.Error:
            raise ImportFileError(_("This CSV file is malformed and cannot be read.")) from None
        yield numbered


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

    A subclass declares its columns (``fields``, ``synonyms``, ``required``, ``fallbacks``),
    names them (``labels``), and says how a row becomes an object (``build``, with
    ``read_cells`` and ``model_errors``) and which rows are the same (``duplicate``). The
    lookups every row needs are loaded once, in its ``__init__``."""

    #: The columns, in the order of an export and of the check.
    fields: ClassVar[tuple[str, ...]]
    #: A plain "name" or "description" column goes to Arabic or French by the script of its text.
    bilingual: ClassVar[Mapping[str, tuple[str, str]]] = {
        "name": ("name_ar", "name_fr"),
        "description": ("description_ar", "description_fr"),
    }
    #: Header names besides each field's own name and its label in the three languages.
    synonyms: ClassVar[Mapping[str, Sequence[str]]] = {}
    #: The columns a file cannot do without; "name" is met by a name in either language.
    required: ClassVar[tuple[str, ...]] = ()
    #: The columns under which a field's errors are shown when the file has no column of its
    #: own for it (a French name taken from a plain "name" column).
    fallbacks: ClassVar[Mapping[str, tuple[str, ...]]] = {}
    #: How often ``check`` reports its progress, in rows.
    progress_every: ClassVar[int] = 50

    def __init__(self) -> None:
        self.order = (*self.fields, *self.bilingual)
        self.headers = self._header_lookup()
        self.titles: dict[str, str] = {}  # field -> its header, as written

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
        """Puts a cell's value into ``target``; raises ValidationError if it cannot."""
        raise NotImplementedError

    def duplicate(
        self, thing: T, number: int, seen: dict[Hashable, int], failed: set[str]
    ) -> Errors:
        """The problem of a row that repeats another (``seen``: each key of the rows before
        -> the first row that had it; ``failed``: the row's fields already in error)."""
        return []

    # The check.

    def check(
        self,
        header_row: int,
        headers: list[str],
        rows: Sequence[tuple[int, Row]],
        progress: Progress | None = None,
    ) -> R:
        report = self.new_report()
        columns, problems = map_columns(header_row, headers, self.headers)
        report.problems += problems
        self.titles = {name: headers[i] for name, i in columns.items()}
        if not self.check_columns(report, header_row, columns):
            return report
        ordered = sorted(columns.items(), key=lambda column: self.order.index(column[0]))
        seen: dict[Hashable, int] = {}
        for number, row in rows:
            if progress is not None and report.rows % self.progress_every == 0:
                progress(report.rows, len(rows))
            report.rows += 1
            cells = {name: row[i] if i < len(row) else None for name, i in ordered}
            thing, errors = self.build(number, cells)
            errors += self.duplicate(thing, number, seen, {name for name, _m in errors})
            report.problems += [
                Problem(number, self.title(name), message) for name, message in errors
            ]
            if not errors:
                report.accepted.append(thing)
        return report

    def check_columns(self, report: R, header_row: int, columns: dict[str, int]) -> bool:
        """Reports the required columns the file lacks; False if any is missing. A subclass
        may also drop here a column it cannot use."""
        missing = [name for name in self.required if not self._has_column(columns, name)]
        report.problems += [Problem(header_row, "", self._no_column(name)) for name in missing]
        return not missing

    def title(self, name: str) -> str:
        """The header, as written, of the column a field's value came from (errors of the
        whole row have no column)."""
        for candidate in (name, *self.fallbacks.get(name, ())):
            if candidate in self.titles:
                return self.titles[candidate]
        return ""

    # Helpers of ``build``.

    def read_cells(self, target: T, cells: Mapping[str, Cell]) -> Errors:
        """Reads every cell into ``target``; a cell that cannot be read is an error of its
        column."""
        errors: Errors = []
        for name, value in cells.items():
            try:
                self.read_cell(target, name, value)
            except ValidationError as error:
                errors += [(name, message) for message in error.messages]
        return errors

    def read_bilingual(self, instance: models.Model, name: str, value: Cell) -> None:
        """A plain "name" or "description" cell goes to the Arabic or the French field by the
        script of its text, unless the file's own column for that field filled it."""
        text = text_cell(value)
        arabic, french = self.bilingual[name]
        target = arabic if ARABIC_LETTER.search(text) else french
        if text and not (getattr(instance, target) and target in self.titles):
            setattr(instance, target, text)

    @staticmethod
    def model_errors(instance: models.Model, errors: Errors, exclude: Sequence[str] = ()) -> Errors:
        """The model's own checks (``full_clean``) of the fields read without error."""
        failed = {name for name, _message in errors}
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

    def _no_column(self, name: str) -> str:
        if name == "name":
            return _("The file has no name column: give the name in Arabic, in French or both.")
        return _("The file has no “%(column)s” column.") % {"column": self.labels()[name]}


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
    text = text_cell(value)
    if not text:
        return None
    for pattern, order in DATE_FORMATS:
        if match := pattern.match(text):
            try:
                return datetime.date(*map(int, order(*match.groups())))
            except ValueError:
                break
    raise ValidationError(_("Enter a date as YYYY-MM-DD, DD/MM/YYYY or a year such as 1955."))


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


# Files waiting between their check and their import ------------------------------------


def stash(uploaded_file: File[bytes]) -> Path:
    """Keeps an uploaded file under DATA_DIR/imports until it is imported; a day at most."""
    folder = _stash_folder()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.stat().st_mtime < time.time() - STASH_SECONDS:
            old.unlink(missing_ok=True)
    path = folder / uuid.uuid4().hex
    uploaded_file.seek(0)
    with path.open("wb") as out:
        for chunk in uploaded_file.chunks():
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
