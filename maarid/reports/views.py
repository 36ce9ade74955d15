"""The closing report's pages: the report, its PDF, its exports and the rows behind a figure.

Who reads what (``selectors.reader``): the edition's organisers read the draft while the fair
runs and, once it is closed, the frozen report with the rows behind every figure and the
exports. Anyone may read a closed edition's frozen report and its PDF (no rows, no exports, no
single exhibitor's sales). An edition still in draft has no report; the public's 404 for a
draft edition comes from ``with_edition``.
"""

import datetime

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from maarid.core import pdf, uploads
from maarid.core.params import to_int
from maarid.core.spreadsheets import download
from maarid.fairs.models import Edition
from maarid.fairs.selectors import with_edition

from . import documents, exports, present, selectors, services, tasks

ROWS_PER_PAGE = 50


def _refused(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(
        request,
        "reports/refused.html",
        {"edition": request.edition, "message": message},  # type: ignore[attr-defined]
        status=status,
    )


def _gate(
    request: HttpRequest, *, organisers_only: bool = False
) -> HttpResponse | selectors.Reader:
    """Who asks (``selectors.reader``), or the answer for whoever may not read: the login page
    for a visitor who is not signed in, a clear refusal for a draft edition."""
    edition: Edition = request.edition  # type: ignore[attr-defined]
    organiser: selectors.Reader | None = (
        selectors.reader(request.user, edition) if request.user.is_authenticated else None
    )
    if organiser != "organiser" and (organisers_only or edition.status != Edition.Status.CLOSED):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        selectors.reader(request.user, edition)  # 403 while the edition is not closed
        if organisers_only:
            return _refused(request, _("Only the edition's organisers see this."), 403)
    if edition.status == Edition.Status.DRAFT:
        return _refused(
            request, _("This edition is still a draft: its report begins when it opens."), 409
        )
    return organiser or "public"


def _report(edition: Edition, reader: selectors.Reader, language: str) -> present.Report:
    frozen, fresh = services.frozen_or_freeze(edition)
    figures, live = selectors.figures_of(edition, frozen, fresh=fresh)
    return present.present(
        edition, figures, reader=reader, language=language, frozen=frozen, live=live
    )


@with_edition(need="view")
def report(request, series, number):
    """The report in the page's language: a draft for the organisers while the fair runs,
    frozen once the edition has closed."""
    reader = _gate(request)
    if isinstance(reader, HttpResponse):
        return reader
    edition = request.edition
    found = _report(edition, reader, translation.get_language() or "fr")
    return render(
        request,
        "reports/report.html",
        {"edition": edition, "report": found, "pdf_languages": documents.LANGUAGES},
    )


@with_edition(need="view")
def report_pdf(request, series, number):
    """The report as a PDF, in Arabic or French (``?lang=``, by default the page's language
    when it is one of them)."""
    reader = _gate(request)
    if isinstance(reader, HttpResponse):
        return reader
    page_language = translation.get_language() or "fr"
    language = request.GET.get("lang") or (
        page_language if page_language in documents.LANGUAGES else "fr"
    )
    if language not in documents.LANGUAGES:
        return _refused(request, _("The report's PDF is made in Arabic or French."))
    edition = request.edition
    document = documents.ClosingReportPdf(edition, reader, language)
    if not request.user.is_authenticated:
        # The public's PDF of a frozen report: made once, then served as kept (a job's page
        # follows only the jobs of someone signed in).
        name = document.stored() or document.name(document.make())
        return uploads.serve_protected(request, name, True, filename=document.filename)
    return pdf.serve_or_make(
        request,
        document,
        tasks.make_report_pdf,
        kind=tasks.PDF_JOB,
        series_id=edition.series_id,
        series=series,
        number=number,
        language=language,
    )


@with_edition(need="view")
def export(request, series, number, fmt):
    """The report's figures as XLSX or CSV, for the organisers."""
    reader = _gate(request, organisers_only=True)
    if isinstance(reader, HttpResponse):
        return reader
    if fmt not in exports.FORMATS:
        return _refused(
            request,
            _("The report is exported as XLSX or CSV, not “%(format)s”.") % {"format": fmt[:20]},
        )
    edition = request.edition
    found = _report(edition, reader, translation.get_language() or "fr")
    return download(
        exports.export(found, fmt), fmt, f"report-{edition.series.slug}-{edition.number}"
    )


# --- The rows behind a figure ----------------------------------------------------------------

# What each list may be filtered by.
FILTERS: dict[str, set[str]] = {
    "exhibitors": {"province", "sector", "kind", "women", "first"},
    "sales": {"day", "province", "sector", "kind", "exhibitor", "offline"},
    "entries": {"day", "gate", "hour"},
}


class BadFilter(ValueError):
    pass


def _day(raw: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise BadFilter(_("“%(value)s” is not a day (YYYY-MM-DD).") % {"value": raw[:20]}) from None


def _filters(what: str, query) -> selectors.Filters:
    found: selectors.Filters = {}
    for key in query:
        if key == "page":
            continue
        if key not in FILTERS[what]:
            raise BadFilter(_("This list cannot be filtered by “%(key)s”.") % {"key": key[:20]})
        raw = query.get(key, "")
        if key == "day":
            found["day"] = _day(raw)
        elif key in {"hour", "gate", "exhibitor"}:
            limit = 23 if key == "hour" else 2**31 - 1
            value = to_int(raw, minimum=0, maximum=limit)
            if value is None:
                raise BadFilter(
                    _("“%(value)s” is not a valid value for “%(key)s”.")
                    % {"value": raw[:20], "key": key}
                )
            found[key] = value  # type: ignore[literal-required]
        elif key in {"women", "first", "offline"}:
            found[key] = raw == "1"  # type: ignore[literal-required]
        elif key == "sector":
            if raw not in selectors.SECTORS:
                raise BadFilter(_("Unknown sector."))
            found["sector"] = raw
        elif key == "kind":
            if raw not in selectors.KINDS:
                raise BadFilter(_("Unknown kind of organisation."))
            found["kind"] = raw
        elif key == "province":
            if len(raw) > 6 or not raw.isalnum() and raw:
                raise BadFilter(_("Unknown province."))
            found["province"] = raw
    return found


TITLES = {
    "exhibitors": lambda: _("Exhibitors"),
    "sales": lambda: _("Sales ledger entries"),
    "entries": lambda: _("Entries counted at the gates"),
}


@with_edition(need="view")
def rows(request, series, number, what):
    """The rows behind a figure of the report, filtered as the figure was made, by pages."""
    reader = _gate(request, organisers_only=True)
    if isinstance(reader, HttpResponse):
        return reader
    if what not in FILTERS:
        return _refused(request, _("The report has no such list."), 404)
    try:
        filters = _filters(what, request.GET)
    except BadFilter as error:
        return _refused(request, str(error))
    edition = request.edition
    page = Paginator(selectors.rows_of(edition, what, filters), ROWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        f"reports/rows_{what}.html",
        {
            "edition": edition,
            "what": what,
            "title": TITLES[what](),
            "filters": selectors.described(edition, filters),
            "page": page,
            "query": query.urlencode(),
        },
    )
