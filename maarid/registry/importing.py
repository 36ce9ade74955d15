"""Import of organisations from CSV and Excel files.

A file is read, every row becomes an unsaved ``Organisation`` checked like the form checks it,
and duplicates are looked for in the file and in the registry. ``preview`` only reports;
``commit`` creates every organisation, or none if anything is wrong. Column names and values
are accepted in Arabic, French or English.

On the pages, both run as background jobs (``preview_task`` and ``commit_task``) on a file
stashed under DATA_DIR/imports: the page checks at once that the file can be read at all
(``check_readable``), and the rows are checked by the task, which reports its progress.
"""

import csv
import datetime
import io
import re
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task
from openpyxl import load_workbook

from maarid.core import access, audit, hooks, jobs, params
from maarid.core.models import User
from maarid.core.phones import normalise_phone
from maarid.core.text import ascii_digits, normalise

from .models import Commune, Kind, Organisation, Province, Sector
from .queries import identity_keys

# fmt: off
# The columns of an import and of an export, in this order.
FIELDS = (
    "kind", "name_ar", "name_fr", "description_ar", "description_fr", "registration_number",
    "ice", "founded_on", "province", "commune", "sector", "members_women", "members_men",
    "women_led", "eco_friendly", "craft_at_risk", "contact_name", "phone", "email", "website",
    "address",
)
INTEGERS = {"members_women", "members_men"}
BOOLEANS = {"women_led", "eco_friendly", "craft_at_risk"}
# A plain "name" or "description" column goes to Arabic or French by the script of its text.
BILINGUAL = {"name": ("name_ar", "name_fr"), "description": ("description_ar", "description_fr")}
ORDER = (*FIELDS, *BILINGUAL)
LANGUAGES = ("en", "fr", "ar")

# Header names besides each field's own name and its label in the three languages.
HEADERS = {
    "kind": ["type", "nature", "forme juridique", "legal form", "نوع", "النوع", "الصفة",
             "الشكل القانوني"],
    "name_ar": ["nom en arabe", "nom arabe", "arabic name", "الاسم بالعربية", "الاسم العربي"],
    "name_fr": ["nom en français", "nom français", "french name", "الاسم بالفرنسية"],
    "name": ["nom", "name", "raison sociale", "الاسم", "اسم", "التسمية"],
    "description_ar": ["description en arabe", "arabic description", "الوصف بالعربية"],
    "description_fr": ["description en français", "french description", "الوصف بالفرنسية"],
    "description": ["description", "الوصف", "نبذة"],
    "registration_number": ["numéro d'enregistrement", "n° d'enregistrement",
                            "numéro d'immatriculation", "registration number", "رقم التسجيل",
                            "رقم القيد"],
    "ice": ["identifiant commun de l'entreprise", "common company identifier",
            "المعرف الموحد للمقاولة", "المعرف الموحد"],
    "founded_on": ["date de création", "année de création", "création", "founded", "year founded",
                   "date of creation", "تاريخ التأسيس", "سنة التأسيس", "تاريخ الإحداث"],
    "province": ["préfecture", "province ou préfecture", "الإقليم", "العمالة",
                 "العمالة أو الإقليم"],
    "commune": ["الجماعة", "جماعة"],
    "sector": ["secteur", "secteur d'activité", "activité", "القطاع", "قطاع النشاط", "النشاط"],
    "members_women": ["femmes", "membres femmes", "nombre de femmes", "women", "عدد النساء",
                      "النساء"],
    "members_men": ["hommes", "membres hommes", "nombre d'hommes", "men", "عدد الرجال",
                    "الرجال"],
    "women_led": ["dirigée par des femmes", "féminine", "women-led", "نسائية", "تسيرها نساء"],
    "eco_friendly": ["écologique", "éco-responsable", "eco-friendly", "صديقة للبيئة", "بيئية"],
    "craft_at_risk": ["métier menacé", "métier en voie de disparition", "craft at risk",
                      "حرفة مهددة بالانقراض", "حرفة مهددة"],
    "contact_name": ["contact", "personne de contact", "responsable", "الشخص المكلف بالتواصل",
                     "المسؤول"],
    "phone": ["téléphone", "tél", "tel", "gsm", "mobile", "telephone", "الهاتف", "رقم الهاتف"],
    "email": ["e-mail", "courriel", "mail", "adresse e-mail", "البريد الإلكتروني"],
    "website": ["site web", "site internet", "site", "web", "url", "الموقع الإلكتروني"],
    "address": ["adresse", "العنوان"],
}
# Values besides each choice's code and its label in the three languages.
KIND_WORDS = {
    Kind.COOPERATIVE: ["تعاونية", "coopérative", "coop"],
    Kind.ASSOCIATION: ["جمعية"],
    Kind.GIE: ["مجموعة ذات النفع الاقتصادي", "groupement d'intérêt économique"],
    Kind.ARTISAN: ["صانع تقليدي", "حرفي", "artisan individuel"],
    Kind.COMPANY: ["شركة", "entreprise", "société"],
    Kind.PLATFORM: ["منصة", "plateforme"],
    Kind.INSTITUTION: ["مؤسسة عمومية", "institution publique", "établissement public"],
}
SECTOR_WORDS = {
    Sector.TERROIR: ["المنتجات المجالية", "produits du terroir", "terroir"],
    Sector.HANDICRAFTS: ["الصناعة التقليدية", "artisanat"],
    Sector.COSMETICS: ["مستحضرات التجميل الطبيعية", "cosmétique", "cosmétiques naturels"],
    Sector.AGRICULTURE: ["الفلاحة", "agriculture et élevage"],
    Sector.FISHERIES: ["الصيد البحري", "pêche"],
    Sector.TEXTILES: ["النسيج", "textile", "textile et habillement"],
    Sector.RECYCLING: ["إعادة التدوير", "recyclage"],
    Sector.TOURISM: ["السياحة التضامنية", "tourisme rural", "tourisme solidaire"],
    Sector.SERVICES: ["الخدمات"],
    Sector.DISTRIBUTION: ["التجارة والتوزيع", "commerce", "distribution"],
    Sector.PUBLIC: ["المرفق العمومي", "service public"],
}
YES = {"yes", "oui", "نعم", "1", "true", "vrai", "x", "y", "o"}
NO = {"no", "non", "لا", "0", "false", "faux", "n", ""}
# fmt: on
# An export prefixes these with a quote against formula injection; the import removes it.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ARABIC_LETTER = re.compile("[\u0621-\u064a]")
# A zip that unpacks to this many times its size is refused (a "zip bomb").
MAX_UNPACK_RATIO = 25
# The kinds of the background jobs, and how often the checker reports its progress.
PREVIEW_JOB = "registry.import.preview"
COMMIT_JOB = "registry.import.commit"
PROGRESS_EVERY = 50


class ImportFileError(Exception):
    """The file cannot be read at all. Its message is translated, to be shown as is."""


@dataclass
class Problem:
    row: int | None  # as numbered in the spreadsheet (the header is row 1); None: the file
    column: str  # as the header was written
    message: str
    error: bool = True  # else a warning, which does not stop the import


class Outcome:
    rows: int
    problems: list

    @property
    def errors(self):
        return [p for p in self.problems if p.error]

    @property
    def warnings(self):
        return [p for p in self.problems if not p.error]

    @property
    def ok(self) -> bool:
        return self.rows > 0 and not self.errors


@dataclass
class ImportReport(Outcome):
    organisations: list = field(default_factory=list)  # the rows without errors
    problems: list = field(default_factory=list)
    rows: int = 0
    created: int = 0

    @property
    def ready(self) -> int:
        return len(self.organisations)

    def as_result(self) -> dict:
        """The report as a job stores it (JSON): counts and problems, not the organisations."""
        return {
            "rows": self.rows,
            "ready": self.ready,
            "created": self.created,
            "problems": [
                {"row": p.row, "column": p.column, "message": str(p.message), "error": p.error}
                for p in self.problems
            ],
        }


@dataclass
class StoredReport(Outcome):
    """A report read back from a finished job's result, to show it."""

    rows: int = 0
    ready: int = 0
    created: int = 0
    problems: list = field(default_factory=list)

    @classmethod
    def from_result(cls, result: dict) -> "StoredReport":
        return cls(
            rows=result.get("rows", 0),
            ready=result.get("ready", 0),
            created=result.get("created", 0),
            problems=[Problem(**problem) for problem in result.get("problems", ())],
        )


def preview(uploaded_file, series=None, progress=None) -> ImportReport:
    """Reads and checks a file, saving nothing. ``series`` is the fair whose registry the
    organisations will join: duplicates in it are named, others only reported. ``progress``,
    if given, is called with (rows checked, rows) every PROGRESS_EVERY rows."""
    header_row, headers, rows = read_table(uploaded_file)
    return _Checker(series).check(header_row, headers, rows, progress)


def commit(actor, uploaded_file, series, progress=None) -> ImportReport:
    """Creates every organisation of the file in the registry of ``series``, or none if the
    report has any error. ``progress`` is called as by ``preview``, then with (rows, rows)
    before saving."""
    access.require_organiser(actor, series.pk)
    report = preview(uploaded_file, series, progress)
    if not report.ok:
        return report
    if progress is not None:
        progress(report.rows, report.rows)  # every row checked: saving
    try:
        with audit.acting_as(actor), transaction.atomic():
            for organisation in report.organisations:
                organisation.save()
            series.organisations.add(*report.organisations)
    except IntegrityError:  # someone registered the same organisation meanwhile
        report.organisations = []
        report.problems.append(
            Problem(
                None,
                "",
                _(
                    "The registry changed while importing and nothing was saved: check the file "
                    "again."
                ),
            )
        )
        return report
    access.forget(actor)
    report.created = len(report.organisations)
    return report


# Reading files ---------------------------------------------------------------------------


def read_table(uploaded_file, header_only=False) -> tuple[int, list[str], list[tuple[int, list]]]:
    """The header row's number, the headers, and the non-empty rows with their numbers
    (only the first one if ``header_only``)."""
    limit = settings.MAARID_IMPORT_MAX_BYTES
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
        raise ImportFileError(_("The file has a header row but no organisations under it."))
    return header_row, [str(h or "").strip() for h in headers], rows


def check_readable(uploaded_file):
    """Raises ImportFileError at once if the file cannot be read, reading only its beginning:
    its size, format, encoding, a header row and a first row under it."""
    read_table(uploaded_file, header_only=True)


def _too_big(limit):
    return ImportFileError(
        _("The file is too large: the limit is %(size)d MB.") % {"size": limit // (1024 * 1024)}
    )


def _blank(value):
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def _is_xlsx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _xlsx_rows(data: bytes):
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


def _damaged():
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


def _csv_rows(text: str):
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


def map_columns(header_row, headers, known: dict) -> tuple[dict, list]:
    """Which field each column holds (``known`` maps normalised header names to fields), with
    warnings for unknown and repeated columns. Shared by every spreadsheet import."""
    columns, problems = {}, []  # field -> position in the row
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


class _Checker:
    """Turns rows into organisations, with the lookups every row needs loaded once."""

    def __init__(self, series):
        self.series_members = (
            None if series is None else set(series.organisations.values_list("pk", flat=True))
        )
        self.kinds = _choices(Kind, KIND_WORDS)
        self.sectors = _choices(Sector, SECTOR_WORDS)
        self.yes, self.no = set(map(normalise, YES)), set(map(normalise, NO))
        self.headers = {normalise(name): name for name in ORDER}
        for language in LANGUAGES:
            with translation.override(language):
                for name in FIELDS:
                    label = Organisation._meta.get_field(name).verbose_name
                    self.headers.setdefault(normalise(str(label)), name)
                self.yes.add(normalise(_("yes")))
                self.no.add(normalise(_("no")))
        for name, words in HEADERS.items():
            for word in words:
                self.headers.setdefault(normalise(word), name)
        self.provinces, self.communes = {}, {}
        for province in Province.objects.all():
            for key in (province.code, province.name_fr, province.name_ar):
                self.provinces.setdefault(normalise(key), province)
        for commune in Commune.objects.all():
            self.communes[normalise(commune.code)] = commune
            for key in (commune.name_fr, commune.name_ar):
                self.communes.setdefault((commune.province_id, normalise(key)), commune)
        self.registry = {}
        for organisation in Organisation.objects.only(
            "name_fr", "name_ar", "registration_number", "ice", "province_id", "slug"
        ):
            for _field, key in identity_keys(organisation):
                self.registry.setdefault(key, organisation)

    def check(self, header_row, headers, rows, progress=None) -> ImportReport:
        report = ImportReport()
        columns, problems = map_columns(header_row, headers, self.headers)
        report.problems += problems
        self.titles = {name: headers[i] for name, i in columns.items()}  # as written
        if missing := self._missing(columns):
            report.problems += [Problem(header_row, "", message) for message in missing]
            return report
        ordered = sorted(columns.items(), key=lambda column: ORDER.index(column[0]))
        seen = {}  # duplicate key -> the first row that has it
        for number, row in rows:
            if progress is not None and report.rows % PROGRESS_EVERY == 0:
                progress(report.rows, len(rows))
            report.rows += 1
            cells = {name: row[i] if i < len(row) else None for name, i in ordered}
            organisation, errors = self._build(cells)
            errors += self._duplicate(organisation, number, seen, {n for n, _m in errors})
            report.problems += [
                Problem(number, self._title(name), message) for name, message in errors
            ]
            if not errors:
                report.organisations.append(organisation)
        return report

    def _missing(self, columns) -> list[str]:
        missing = [
            _("The file has no “%(column)s” column.")
            % {"column": Organisation._meta.get_field(name).verbose_name}
            for name in ("kind", "province", "sector")
            if name not in columns
        ]
        if not columns.keys() & {"name", "name_ar", "name_fr"}:
            missing.append(
                _("The file has no name column: give the name in Arabic, in French or both.")
            )
        return missing

    def _title(self, name) -> str:
        """The header, as written, of the column a field's value came from (the model puts
        a missing name on name_fr; errors of the whole row have no column)."""
        fallbacks = {
            "name_fr": ("name", "name_ar"),
            "name_ar": ("name",),
            "description_fr": ("description",),
            "description_ar": ("description",),
        }
        for candidate in (name, *fallbacks.get(name, ())):
            if candidate in self.titles:
                return self.titles[candidate]
        return ""

    def _build(self, cells) -> tuple[Organisation, list[tuple[str, str]]]:
        organisation, errors = Organisation(), []
        for name, value in cells.items():
            try:
                self._set(organisation, name, value)
            except ValidationError as error:
                errors += [(name, message) for message in error.messages]
        failed = {name for name, _message in errors}
        try:
            organisation.full_clean(exclude=["slug", *failed], validate_constraints=False)
        except ValidationError as error:
            errors += [
                (name, message)
                for name, messages in error.message_dict.items()
                if name not in failed
                for message in messages
            ]
        return organisation, errors

    def _set(self, organisation, name, value):
        if name in BILINGUAL:
            text = text_cell(value)
            arabic, french = BILINGUAL[name]
            target = arabic if ARABIC_LETTER.search(text) else french
            if text and not getattr(organisation, target):
                setattr(organisation, target, text)
        elif name in ("kind", "sector"):
            setattr(organisation, name, self._choice(name, value))
        elif name == "province":
            organisation.province = self._province(value)
        elif name == "commune":
            organisation.commune = self._commune(organisation.province_id, value)
        elif name in INTEGERS:
            setattr(organisation, name, integer_cell(value))
        elif name in BOOLEANS:
            setattr(organisation, name, self._boolean(value))
        elif name == "founded_on":
            organisation.founded_on = _date(value)
        elif name == "ice" and isinstance(value, int | float):
            organisation.ice = f"{int(value):015d}"  # Excel drops the leading zeros of numbers
        elif name == "phone":
            text = text_cell(value)
            organisation.phone = normalise_phone(text) if text else ""
        elif name == "website":
            text = text_cell(value)
            organisation.website = f"https://{text}" if text and "://" not in text else text
        else:
            setattr(organisation, name, text_cell(value))

    def _choice(self, name, value) -> str:
        text = text_cell(value)
        choices = self.kinds if name == "kind" else self.sectors
        if not text:
            raise ValidationError(_("This cell must be filled in."))
        if (code := choices.get(normalise(text))) is None:
            enum = Kind if name == "kind" else Sector
            raise ValidationError(
                _("Unknown value “%(value)s”: use one of %(choices)s.")
                % {"value": text, "choices": ", ".join(str(label) for label in enum.labels)}
            )
        return code

    def _province(self, value) -> Province:
        text = text_cell(value)
        if not text:
            raise ValidationError(_("This cell must be filled in."))
        if (province := self.provinces.get(normalise(text))) is None:
            raise ValidationError(
                _(
                    "Unknown province or prefecture “%(value)s”: give its name "
                    "or its code, such as 01.571 for Tétouan."
                )
                % {"value": text}
            )
        return province

    def _commune(self, province_id, value) -> Commune | None:
        text = text_cell(value)
        if not text or province_id is None:
            return None
        key = normalise(text)
        commune = self.communes.get(key) or self.communes.get((province_id, key))
        if commune is None:
            raise ValidationError(
                _("Unknown commune “%(value)s” in this province.") % {"value": text}
            )
        return commune

    def _boolean(self, value) -> bool:
        if isinstance(value, bool):
            return value
        text = normalise(text_cell(value))
        if text in self.yes:
            return True
        if text in self.no:
            return False
        raise ValidationError(_("Write yes or no."))

    def _duplicate(self, organisation, number, seen, failed) -> list[tuple[str, str]]:
        """The first duplicate of a row, in the registry or in an earlier row. An organisation
        outside the series' registry is not named: its organisers may not see it."""
        found = []
        for name, key in identity_keys(organisation):
            if name in failed:
                continue
            other, first = self.registry.get(key), seen.setdefault(key, number)
            if found:
                continue
            if other is not None and (
                self.series_members is None or other.pk in self.series_members
            ):
                found.append((name, _("Already in the registry as %(name)s.") % {"name": other}))
            elif other is not None:
                found.append((name, _("Already in the registry of another fair.")))
            elif first != number:
                found.append((name, _("Same organisation as row %(row)d.") % {"row": first}))
        return found


def _choices(enum, words) -> dict[str, str]:
    found = {normalise(code): code for code in enum.values}
    for language in LANGUAGES:
        with translation.override(language):
            for code, label in enum.choices:
                found.setdefault(normalise(str(label)), code)
    for code, synonyms in words.items():
        for word in synonyms:
            found.setdefault(normalise(word), code)
    return found


def text_cell(value) -> str:
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


def integer_cell(value) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = text_cell(value).replace(" ", "").replace("\u202f", "")
    if not text:
        return 0
    # Arabic-Indic digits are digits; "²" and numbers past 64 bits are not whole numbers here.
    number = params.to_int(ascii_digits(text))
    if number is None:
        raise ValidationError(_("Enter a whole number."))
    return number


DATE_FORMATS = (
    (re.compile(r"^(\d{4})$"), lambda y: (int(y), 1, 1)),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]*)?$"), lambda y, m, d: (y, m, d)),
    (re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$"), lambda d, m, y: (y, m, d)),
)


def _date(value) -> datetime.date | None:
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


# Files waiting between preview and commit ---------------------------------------------------


def stash(uploaded_file) -> Path:
    """Keeps an uploaded file under DATA_DIR/imports until it is committed; a day at most."""
    folder = _stash_folder()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.stat().st_mtime < time.time() - 86400:
            old.unlink(missing_ok=True)
    path = folder / uuid.uuid4().hex
    uploaded_file.seek(0)
    with path.open("wb") as out:
        for chunk in uploaded_file.chunks():
            out.write(chunk)
    return path


def stashed(token) -> Path | None:
    """The stashed file a token names, if it is still there."""
    if not isinstance(token, str) or not re.fullmatch(r"[0-9a-f]{32}", token):
        return None
    path = _stash_folder() / token
    return path if path.exists() else None


def _stash_folder() -> Path:
    return Path(settings.DATA_DIR) / "imports"


# Background jobs --------------------------------------------------------------------------


@task()
def preview_task(job_id: str, path: str, series_pk: int, actor_pk: int):
    """Checks a stashed file for the import page. The file is kept, and its token put in the
    result, only if it may be committed; the result links back to the import page."""
    with jobs.running(job_id) as job:
        stored, keep = Path(path), False
        try:
            _actor, series = _organised_series(actor_pk, series_pk)
            job.report(1, _("Checking the file…"))
            report = _from_stash(stored, lambda file: preview(file, series, _progress(job, 99)))
            keep = report.ok
        finally:
            if not keep:
                stored.unlink(missing_ok=True)
        job.result = {**report.as_result(), "token": stored.name if keep else None}
        job.result["redirect"] = _import_page(job)
        job.message = _("The file has been checked: %(ready)d of %(rows)d rows are ready.") % {
            "ready": report.ready,
            "rows": report.rows,
        }


@task()
def commit_task(job_id: str, path: str, series_pk: int, actor_pk: int):
    """Checks a stashed file again and creates its organisations, all or none; then removes
    the file."""
    with jobs.running(job_id) as job:
        stored = Path(path)
        try:
            actor, series = _organised_series(actor_pk, series_pk)

            def progress(done, total):
                if done < total:
                    job.report(90 * done // total)
                else:
                    job.report(90, _("Saving the organisations…"))

            report = _from_stash(stored, lambda file: commit(actor, file, series, progress))
        finally:
            stored.unlink(missing_ok=True)
        job.result = {**report.as_result(), "redirect": _import_page(job)}
        if report.created:
            job.message = ngettext(
                "%(count)d organisation has been added to the registry of %(series)s.",
                "%(count)d organisations have been added to the registry of %(series)s.",
                report.created,
            ) % {"count": report.created, "series": series}
        else:
            job.message = _("Nothing has been saved. Correct the file and check it again.")


def _organised_series(actor_pk, series_pk):
    """The actor and the series, if they still organise it (asked through ``core.access``:
    series live in ``fairs``)."""
    actor = User.objects.filter(pk=actor_pk, is_active=True).first()
    choices = hooks.organiser_series(actor) if actor else ()
    series = next((s for s in choices or () if s.pk == series_pk), None)
    if series is None:
        raise jobs.Failure(_("You no longer organise this fair: nothing has been done."))
    return actor, series


def _from_stash(path: Path, work):
    """Runs ``work`` on the stashed file; a file that cannot be read ends the job with the
    reason, and a file already gone with advice."""
    try:
        with path.open("rb") as stored:
            return work(File(stored, path.name))
    except FileNotFoundError:
        raise jobs.Failure(_("This import is no longer waiting: upload the file again.")) from None
    except ImportFileError as error:
        raise jobs.Failure(str(error)) from None


def _progress(job, until):
    """Reports rows checked as a share of ``until`` percent."""
    return lambda done, total: job.report(until * done // max(total, 1))


def _import_page(job) -> str:
    return f"{reverse('registry:import')}?{urlencode({'job': job.pk})}"
