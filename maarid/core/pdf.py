"""PDF documents (reports, certificates, badges, sheets of QR codes) rendered from templates
with WeasyPrint, and the long ones made in the background and kept until what they show changes.

Templates extend ``core/pdf_base.html``: A4, fonts that carry Arabic (Noto Naskh Arabic,
Amiri) as well as Latin, and ``dir="rtl"`` when the language is Arabic, so that text is shaped
by HarfBuzz and laid out right to left. Rendering never fetches anything from the network or
the disk: everything a document needs is in its template (inline CSS, ``data:`` images).

A document that takes more than a moment (a sheet of 1,500 QR codes takes half a minute, longer
under load, and proxies cut requests at 30 s) is a ``Document``: its page answers with the
stored file when there is one for what the document would show now, else starts a job
(``serve_or_make``) that lays it out, keeps it and offers it for download from that same page,
which checks who asks as it always does.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from . import jobs, uploads
from .models import Job

log = logging.getLogger(__name__)


class Progress(Protocol):
    """Told the share of the work done (0 to 1) and, when it changes, what is being done."""

    def __call__(self, done: float, message: str | None = None) -> None: ...


# Where kept documents live, under MEDIA_ROOT (outside the static root, served only by
# ``uploads.serve_protected`` after the page has checked who asks).
FOLDER = "documents"
_KEY = re.compile(r"[0-9a-f]{32}")


def _fetcher():
    """WeasyPrint's URL fetcher for ``data:`` URLs only: a document built from content people
    typed must not make the server read its files or call addresses (SSRF)."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


def html_of(template_name: str, context: Mapping[str, Any], language: str) -> str:
    """The HTML that WeasyPrint lays out: ``template_name`` rendered in ``language`` (its
    strings, dates, direction)."""
    with translation.override(language):
        return render_to_string(
            template_name,
            {
                **context,
                "pdf_language": language,
                "pdf_bidi": translation.get_language_bidi(),
            },
        )


# Of the time WeasyPrint spends on a long document, laying the pages out takes about four fifths
# and writing the file the rest.
LAYOUT_SHARE = 0.8


def render_pdf(
    template_name: str,
    context: Mapping[str, Any],
    language: str,
    *,
    progress: Progress | None = None,
    pages: int = 1,
) -> bytes:
    """Renders ``template_name`` in ``language`` (its strings, dates, direction) as PDF bytes.
    ``progress`` is told how far the layout is, page by page out of about ``pages``."""
    from weasyprint import HTML  # slow to import: only when a PDF is asked for

    html = HTML(string=html_of(template_name, context, language), url_fetcher=_fetcher())
    with _following(progress, pages):
        return bytes(html.write_pdf())


class _Progress(logging.Handler):
    """WeasyPrint tells its ``weasyprint.progress`` logger which page it is laying out and when
    it starts writing the file; this passes it on, as a share of the work, to the ``progress``
    of the thread that renders (web threads render receipts at the same time)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.following: dict[int, tuple[Progress, int]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        followed = self.following.get(record.thread or 0)
        if followed is None:
            return
        progress, pages = followed
        step = str(record.msg)
        args = record.args if isinstance(record.args, tuple) else ()
        if step.startswith("Step 5 - Creating layout - Page") and args:
            page = args[0] if isinstance(args[0], int) else 0
            progress(LAYOUT_SHARE * min(page / pages, 0.99))
        elif step.startswith("Step 6"):
            progress(LAYOUT_SHARE)


_progress = _Progress()
# Its records are created (INFO) but go to no log: a line per page would drown the worker's.
_weasyprint_progress = logging.getLogger("weasyprint.progress")
_weasyprint_progress.setLevel(logging.INFO)
_weasyprint_progress.propagate = False
_weasyprint_progress.addHandler(_progress)


@contextmanager
def _following(progress: Progress | None, pages: int) -> Iterator[None]:
    if progress is None:
        yield
        return
    thread = threading.get_ident()
    _progress.following[thread] = (progress, max(pages, 1))
    try:
        yield
        progress(1.0)
    finally:
        del _progress.following[thread]


def _silent(done: float, message: str | None = None) -> None:
    pass


# --- Documents kept until what they show changes ----------------------------------------------


class Document:
    """A PDF made in the background and kept under ``MEDIA_ROOT/documents/<folder>/`` as
    ``<stem>-<fingerprint>.pdf``. The fingerprint is a hash of the HTML that the document is
    laid out from (``context()`` rendered in its language) and of the versions of Maarid and
    WeasyPrint: the same data gives the stored file at once, and any change to what the
    document shows (a name, a price, a meeting, a translation, the template) makes a new one.
    What is added only when it is made (``extras``: the time it was printed, images made from
    its addresses) does not count. A new file replaces the older ones of the same stem.

    Subclasses set ``template_name``, ``folder`` (one per thing the document is about, e.g.
    ``qr-sheets/<edition pk>``), ``stem`` (its variant and language), ``filename`` (offered to
    the browser) and ``page`` (the address that serves it and checks who asks), and define
    ``context``.
    """

    template_name: str
    folder: str
    stem: str
    filename: str
    page: str

    def __init__(self, language: str | None = None) -> None:
        self.language = language or translation.get_language() or settings.LANGUAGE_CODE

    def context(self) -> dict[str, Any]:
        """What the document shows, read from the database (plain values or objects)."""
        raise NotImplementedError

    def extras(self, context: Mapping[str, Any]) -> dict[str, Any]:
        """Added to the context when the document is made, outside its fingerprint."""
        return {}

    def pages(self, context: Mapping[str, Any]) -> int:
        """About how many pages the document has, for its progress."""
        return 1

    def render(self, context: Mapping[str, Any], progress: Progress) -> bytes:
        """The PDF's bytes."""
        return render_pdf(
            self.template_name,
            {**context, **self.extras(context)},
            self.language,
            progress=progress,
            pages=self.pages(context),
        )

    def fingerprint(self, context: Mapping[str, Any] | None = None) -> str:
        html = html_of(
            self.template_name, self.context() if context is None else context, self.language
        )
        digest = hashlib.sha256()
        for part in (settings.MAARID_VERSION, metadata.version("weasyprint"), html):
            digest.update(part.encode())
            digest.update(b"\0")
        return digest.hexdigest()[:32]

    def name(self, key: str) -> str:
        """The storage name of the document with fingerprint ``key``."""
        return f"{FOLDER}/{self.folder}/{self.stem}-{key}.pdf"

    def stored(self, key: str | None = None) -> str | None:
        """The storage name of the kept file with fingerprint ``key`` (one a job made), else
        of the one for what the document shows now; None if it has not been made."""
        names = [self.name(key)] if key is not None and _KEY.fullmatch(key) else []
        for name in (*names, None):
            name = name or self.name(self.fingerprint())
            if default_storage.exists(name):
                return name
        return None

    def make(self, progress: Progress | None = None) -> str:
        """Makes and keeps the document unless it is kept already; returns its fingerprint."""
        context = self.context()
        key = self.fingerprint(context)
        if not default_storage.exists(self.name(key)):
            self._keep(key, self.render(context, progress or _silent))
        return key

    def _keep(self, key: str, body: bytes) -> None:
        """Writes the file whole before it takes its name (a reader never sees half of it),
        then removes the older versions of the same stem."""
        path = Path(default_storage.path(self.name(key)))
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False) as out:
            out.write(body)
        os.replace(out.name, path)
        older = re.compile(rf"{re.escape(self.stem)}-[0-9a-f]{{32}}\.pdf")
        for other in path.parent.iterdir():
            if other != path and older.fullmatch(other.name):
                other.unlink(missing_ok=True)

    def download_url(self, key: str) -> str:
        return f"{self.page}{'&' if '?' in self.page else '?'}file={key}"


def serve_or_make(
    request: HttpRequest,
    document: Document,
    task: Any,
    *,
    kind: str,
    series_id: int | None = None,
    **kwargs: Any,
) -> HttpResponse:
    """For the page of a document, once it has checked that the user may have it: the kept
    file (the one a job made, ``?file=``, else the one for today's data) at once, or a job
    that makes it (``task(job_id=…, **kwargs)``, which calls ``make_in``) and the job's page,
    which then offers the download from this page."""
    name = document.stored(request.GET.get("file"))
    if name is not None:
        return uploads.serve_protected(request, name, True, filename=document.filename)
    return jobs.start_and_show(request, task, kind=kind, series_id=series_id, **kwargs)


def make_in(job: Job, document: Document) -> None:
    """Inside ``jobs.running``: makes the document with the job's progress and offers it."""

    def progress(done: float, message: str | None = None) -> None:
        job.report(5 + 94 * done, message)

    job.report(5, _("Laying out the pages…"))
    key = document.make(progress)
    jobs.offer(job, document.download_url(key), _("The PDF is ready."))
