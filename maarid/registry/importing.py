"""Import of organisations from CSV and Excel files.

A file is read, every row becomes an unsaved ``Organisation`` checked like the form checks it,
and duplicates are looked for in the file and in the registry. ``preview`` only reports;
``commit`` creates every organisation, or none if anything is wrong, unless the organiser chose
to import the rows that are right (``right_rows``): the others are then given back as a file,
with the reasons. Column names and values are accepted in Arabic, French or English (the
toolkit, and the checks every import shares, are ``maarid.core.spreadsheets``).

On the pages, both run as background jobs (``preview_task`` and ``commit_task``) on a file
stashed under DATA_DIR/imports: the page checks at once that the file can be read at all
(``check_readable``), and the rows are checked by the task, which reports its progress.
"""

import datetime
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_tasks import task

from maarid.core import access, audit, jobs, spreadsheets
from maarid.core.models import Job, User
from maarid.core.spreadsheets import (
    LANGUAGES,
    Cell,
    Errors,
    ImportFileError,
    Outcome,
    Problem,
    Progress,
    Report,
    RowChecker,
    choice_lookup,
    date_cell,
    field_labels,
    integer_cell,
    phone_cell,
    read_table,
    stash,
    stash_refused,
    stashed,
    text_cell,
)
from maarid.core.text import normalise

from . import selectors
from .models import Commune, Kind, Organisation, Province, Sector
from .selectors import FairSeries, identity_keys

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
# The kinds of the background jobs.
PREVIEW_JOB = "registry.import.preview"
COMMIT_JOB = "registry.import.commit"
NO_ROWS = gettext_lazy("The file has a header row but no organisations under it.")
NOT_WAITING = gettext_lazy("This import is no longer waiting: upload the file again.")
# No organisation of the registry was founded earlier (the oldest cooperatives date from the
# 1930s): an earlier date is a typing or a reading error.
FOUNDED_EARLIEST = datetime.date(1900, 1, 1)


@dataclass
class ImportReport(Report[Organisation]):
    @property
    def organisations(self) -> list[Organisation]:
        """The rows without errors, as unsaved organisations."""
        return self.accepted

    def as_result(self) -> dict[str, Any]:
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

    ready: int = 0
    created: int = 0

    @classmethod
    def from_result(cls, result: dict[str, Any]) -> "StoredReport":
        return cls(
            rows=result.get("rows", 0),
            ready=result.get("ready", 0),
            created=result.get("created", 0),
            problems=[Problem(**problem) for problem in result.get("problems", ())],
        )


def preview(
    uploaded_file: File[bytes], series: FairSeries | None = None, progress: Progress | None = None
) -> ImportReport:
    """Reads and checks a file, saving nothing. ``series`` is the fair whose registry the
    organisations will join: duplicates in it are named, others only reported. ``progress``,
    if given, is called with (rows checked, rows) every 50 rows."""
    table = read_table(uploaded_file, no_rows=str(NO_ROWS))
    return OrganisationChecker(series).check(table, progress)


def check_readable(uploaded_file: File[bytes]) -> None:
    """Raises ImportFileError at once if the file cannot be read (see ``spreadsheets``)."""
    spreadsheets.check_readable(uploaded_file, no_rows=str(NO_ROWS))


def commit(
    *,
    actor: User,
    uploaded_file: File[bytes],
    series: FairSeries,
    progress: Progress | None = None,
    right_rows: bool = False,
) -> ImportReport:
    """Creates every organisation of the file in the registry of ``series``, or none if the
    report has any error; with ``right_rows``, those of the rows without errors (none if the
    file as a whole is wrong). ``progress`` is called as by ``preview``, then with (rows, rows)
    before saving."""
    access.require_organiser(actor, series.pk)
    report = preview(uploaded_file, series, progress)
    if not report.may_import(right_rows):
        return report
    if progress is not None:
        progress(report.rows, report.rows)  # every row checked: saving
    try:
        with audit.acting_as(actor), transaction.atomic():
            for organisation in report.organisations:
                organisation.save()
            series.organisations.add(*report.organisations)
    except IntegrityError:  # someone registered the same organisation meanwhile
        report.accepted = []
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


# Checking rows ---------------------------------------------------------------------------


class OrganisationChecker(RowChecker[Organisation, ImportReport]):
    """Turns rows into organisations, with the lookups every row needs loaded once."""

    fields = FIELDS
    synonyms = HEADERS
    required = ("kind", "province", "sector", "name")
    free_text = frozenset(
        {"description_ar", "description_fr", "description", "contact_name", "address"}
    )
    # The model puts a missing name on name_fr.
    fallbacks = {
        "name_fr": ("name", "name_ar"),
        "name_ar": ("name",),
        "description_fr": ("description",),
        "description_ar": ("description",),
    }

    def __init__(self, series: FairSeries | None) -> None:
        super().__init__()
        self.series_members = (
            None if series is None else set(series.organisations.values_list("pk", flat=True))
        )
        self.kinds = choice_lookup(Kind, KIND_WORDS)
        self.sectors = choice_lookup(Sector, SECTOR_WORDS)
        self.yes, self.no = set(map(normalise, YES)), set(map(normalise, NO))
        for language in LANGUAGES:
            with translation.override(language):
                self.yes.add(normalise(_("yes")))
                self.no.add(normalise(_("no")))
        self.provinces: dict[str, Province] = {}
        for province in Province.objects.all():
            for key in (province.code, province.name_fr, province.name_ar):
                self.provinces.setdefault(normalise(key), province)
        # By code, and by (province, name): names of communes repeat across provinces.
        self.communes: dict[Hashable, Commune] = {}
        for commune in Commune.objects.all():
            self.communes[normalise(commune.code)] = commune
            for key in (commune.name_fr, commune.name_ar):
                self.communes.setdefault((commune.province_id, normalise(key)), commune)
        self.registry: dict[Hashable, Organisation] = {}
        for organisation in Organisation.objects.only(
            "name_fr", "name_ar", "registration_number", "ice", "province_id", "slug"
        ):
            for _field, identity in identity_keys(organisation):
                self.registry.setdefault(identity, organisation)

    def labels(self) -> dict[str, str]:
        return field_labels(Organisation, FIELDS)

    def new_report(self) -> ImportReport:
        return ImportReport()

    def build(self, number: int, cells: Mapping[str, Cell]) -> tuple[Organisation, Errors]:
        organisation = Organisation()
        errors = self.read_cells(organisation, cells)
        errors += self.model_errors(organisation, errors, exclude=["slug"])
        return organisation, errors

    def read_cell(self, organisation: Organisation, name: str, value: Cell) -> None:
        if name in self.bilingual:
            self.read_bilingual(organisation, name, value)
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
            organisation.founded_on = _founded_on(value)
        elif name == "ice" and isinstance(value, int | float):
            organisation.ice = f"{int(value):015d}"  # Excel drops the leading zeros of numbers
        elif name == "phone":
            organisation.phone, warning = phone_cell(value)
            if warning:
                self.warn(name, warning)
        elif name == "website":
            text = text_cell(value)
            organisation.website = f"https://{text}" if text and "://" not in text else text
        else:
            setattr(organisation, name, text_cell(value))

    def _choice(self, name: str, value: Cell) -> str:
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

    def _province(self, value: Cell) -> Province:
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

    def _commune(self, province_id: str | None, value: Cell) -> Commune | None:
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

    def _boolean(self, value: Cell) -> bool:
        if isinstance(value, bool):
            return value
        text = normalise(text_cell(value))
        if text in self.yes:
            return True
        if text in self.no:
            return False
        raise ValidationError(_("Write yes or no."))

    def duplicate(
        self, organisation: Organisation, number: int, seen: dict[Hashable, int], failed: set[str]
    ) -> Errors:
        """The first duplicate of a row, in the registry or in an earlier row. An organisation
        outside the series' registry is not named: its organisers may not see it."""
        found: Errors = []
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
                found.append(
                    (name, _("Same organisation as line %(row)d of your file.") % {"row": first})
                )
        return found


def _founded_on(value: Cell) -> datetime.date | None:
    founded = date_cell(value)
    today = timezone.localdate()
    if founded is not None and not FOUNDED_EARLIEST <= founded <= today:
        raise ValidationError(
            _("The founding date must be between %(earliest)s and today, %(today)s.")
            % {"earliest": date_format(FOUNDED_EARLIEST), "today": date_format(today)}
        )
    return founded


# Background jobs --------------------------------------------------------------------------


def start_check(
    *, actor: User, series: FairSeries, uploaded_file: File[bytes], right_rows: bool = False
) -> Job:
    """Stashes a file and starts checking its rows in the background, once it is seen that the
    file can be read at all (else ImportFileError at once). ``right_rows``: the organiser
    will import the rows that are right, and get the others back."""
    check_readable(uploaded_file)
    return jobs.start(
        preview_task,
        kind=PREVIEW_JOB,
        user=actor,
        series_id=series.pk,
        path=str(stash(uploaded_file)),
        series_pk=series.pk,
        actor_pk=actor.pk,
        right_rows=right_rows,
    )


def start_import(*, actor: User, checked: Job, series: FairSeries) -> Job:
    """Starts importing the file a check found ready, once: the check's job gives up its
    token, so that a second request imports nothing (ImportFileError)."""
    token = checked.result.get("token")
    claimed = Job.objects.filter(pk=checked.pk, result__token=token).update(
        result={**checked.result, "token": None}
    )
    path = stashed(token)
    if not claimed or path is None:
        raise ImportFileError(str(NOT_WAITING))
    return jobs.start(
        commit_task,
        kind=COMMIT_JOB,
        user=actor,
        series_id=series.pk,
        path=str(path),
        series_pk=series.pk,
        actor_pk=actor.pk,
        right_rows=bool(checked.result.get("right_rows")),
    )


@task()
def preview_task(job_id: str, path: str, series_pk: int, actor_pk: int, right_rows: bool = False):
    """Checks a stashed file for the import page. The file is kept, and its token put in the
    result, only if it may be committed (with ``right_rows``, if some rows are right, and the
    others are kept as a file to download); the result links back to the import page."""
    with jobs.running(job_id) as job:
        stored, keep = Path(path), False
        try:
            _actor, series = _organised_series(actor_pk, series_pk)
            job.report(1, _("Checking the file…"))
            report = _from_stash(stored, lambda file: preview(file, series, _progress(job, 99)))
            keep = report.may_import(right_rows)
        finally:
            if not keep:
                stored.unlink(missing_ok=True)
        job.result = {**report.as_result(), "token": stored.name if keep else None}
        job.result |= _right_rows_result(report, right_rows)
        job.result["redirect"] = _import_page(job)
        job.message = _("The file has been checked: %(ready)d of %(rows)d rows are ready.") % {
            "ready": report.ready,
            "rows": report.rows,
        }


@task()
def commit_task(job_id: str, path: str, series_pk: int, actor_pk: int, right_rows: bool = False):
    """Checks a stashed file again and creates its organisations, all or none (with
    ``right_rows``, those of the rows that are right, the others kept as a file to download);
    then removes the file."""
    with jobs.running(job_id) as job:
        stored = Path(path)
        try:
            actor, series = _organised_series(actor_pk, series_pk)

            def progress(done: int, total: int) -> None:
                if done < total:
                    job.report(90 * done // total)
                else:
                    job.report(90, _("Saving the organisations…"))

            report = _from_stash(
                stored,
                lambda file: commit(
                    actor=actor,
                    uploaded_file=file,
                    series=series,
                    progress=progress,
                    right_rows=right_rows,
                ),
            )
        finally:
            stored.unlink(missing_ok=True)
        job.result = {**report.as_result(), **_right_rows_result(report, right_rows)}
        job.result["redirect"] = _import_page(job)
        if report.created:
            job.message = ngettext(
                "%(count)d organisation has been added to the registry of %(series)s.",
                "%(count)d organisations have been added to the registry of %(series)s.",
                report.created,
            ) % {"count": report.created, "series": series}
            job.message = f"{job.message} {spreadsheets.refused_said(report)}".strip()
        else:
            job.message = _("Nothing has been saved. Correct the file and check it again.")


def _right_rows_result(report: ImportReport, right_rows: bool) -> dict[str, Any]:
    """What a job keeps of the choice to import the rows that are right: the choice, and the
    file of the refused rows (with their reasons) if there are any."""
    if not right_rows:
        return {}
    return {"right_rows": True, "refused": stash_refused(report)}


def _organised_series(actor_pk: int, series_pk: int) -> tuple[User, FairSeries]:
    """The actor and the series, if they still organise it."""
    actor = selectors.active_user(actor_pk)
    choices = selectors.organiser_series(actor) if actor else []
    series = selectors.series_among(choices, series_pk)
    if actor is None or series is None:
        raise jobs.Failure(_("You no longer organise this fair: nothing has been done."))
    return actor, series


def _from_stash(path: Path, work: Callable[[File[bytes]], ImportReport]) -> ImportReport:
    """Runs ``work`` on the stashed file; a file that cannot be read ends the job with the
    reason, and a file already gone with advice."""
    try:
        with path.open("rb") as stored:
            return work(File(stored, path.name))
    except FileNotFoundError:
        raise jobs.Failure(str(NOT_WAITING)) from None
    except ImportFileError as error:
        raise jobs.Failure(str(error)) from None


def _progress(job: Job, until: int) -> Progress:
    """Reports rows checked as a share of ``until`` percent."""
    return lambda done, total: job.report(until * done // max(total, 1))


def _import_page(job: Job) -> str:
    return f"{reverse('registry:import')}?{urlencode({'job': str(job.pk)})}"
