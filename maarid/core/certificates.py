"""Certificates anyone can verify: their codes, their PDFs (one, or a batch of a thousand),
the zip of a batch, and what the public verification page says about a code.

An app (the programme, the awards) decides who gets which certificate and says so with
``CertificateSpec``s; ``services.issue_certificates`` keeps them (core imports no app, so the
issuer's identity comes as data), and ``make_batch_in`` lays out their PDFs in a background job,
keeps each one and a zip of them all. Writes live in ``core.services``, reads in
``core.selectors``; this module holds what both and the pages share.

Codes: 16 characters drawn by ``secrets`` from 29 that cannot be mistaken for one another when
read aloud or typed from paper (no 0/O, 1/I/L, U/V), about 2^77 of them: a code cannot be
guessed, and the verification page is throttled per client address on top of that. Printed and
typed in groups of four (``K7QM-X3PA-9HTR-WDZE``); what people type is normalised first
(spaces, dashes, lower case, Arabic-Indic digits).

Laying out: WeasyPrint spends most of a one-page document on set-up (fonts, the stylesheet),
so a batch is laid out as one HTML of ``CHUNK`` certificates, one page each, with the fonts
shared across chunks, and each page is then written as a PDF of its own (``Document.copy``).
"""

from __future__ import annotations

import base64
import io
import logging
import mimetypes
import multiprocessing
import os
import re
import secrets
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import formatting, jobs, pdf, pdf_pages
from .models import Certificate, Job

log = logging.getLogger(__name__)

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
LENGTH = 16
FOLDER = f"{pdf.FOLDER}/certificates"
TEMPLATE = "core/certificate_pdf.html"
# Certificates laid out together as one document (each on a page of its own).
CHUNK = 50
# A logo larger than this is left off rather than slow every page down.
LOGO_MAX_BYTES = 512 * 1024
_TYPED = re.compile(r"[\s\-_.·/]+")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_code(raw: object) -> str | None:
    """The code someone typed or scanned, as stored; None if it cannot be a code. A scanned
    QR holds the verification address: its last part is taken."""
    if not isinstance(raw, str) or len(raw) > 200:
        return None
    text = raw.strip().rstrip("/")
    if "/" in text:
        text = text.rsplit("/", 1)[-1]
    code = _TYPED.sub("", text).translate(_DIGITS).upper()
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def display(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@dataclass(frozen=True)
class CertificateSpec:
    """One certificate an app asks for. ``lines`` are (Arabic, French) pairs."""

    kind: str
    subject: str
    title_ar: str
    title_fr: str
    holder_name_ar: str = ""
    holder_name_latin: str = ""
    lines: tuple[tuple[str, str], ...] = ()
    language: str = "ar"


@dataclass(frozen=True)
class Issuer:
    """Who gives a batch of certificates: the scope they live in (``group``, the series whose
    organisers manage them) and the identity printed on them. ``logo`` and the partners'
    ``logo`` are storage names of uploaded images (or empty)."""

    group: str
    series_id: int | None
    name_ar: str
    name_fr: str
    place_ar: str = ""
    place_fr: str = ""
    logo: str = ""
    partners: tuple[dict[str, str], ...] = field(default_factory=tuple)

    def identity(self) -> dict[str, Any]:
        return {
            "name_ar": self.name_ar,
            "name_fr": self.name_fr,
            "place_ar": self.place_ar,
            "place_fr": self.place_fr,
            "logo": self.logo,
            "partners": [dict(p) for p in self.partners],
        }


# --- What the verification page says ----------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """``status``: genuine, revoked, replaced or unknown. ``current`` is the version in force
    that replaced a replaced certificate (if it is itself in force)."""

    status: str
    certificate: Certificate | None = None
    current: Certificate | None = None


GENUINE, REVOKED, REPLACED, UNKNOWN = "genuine", "revoked", "replaced", "unknown"


def verdict_of(certificate: Certificate | None) -> Verdict:
    if certificate is None:
        return Verdict(UNKNOWN)
    if certificate.revoked_at is not None:
        return Verdict(REVOKED, certificate)
    if certificate.replaced_at is not None:
        current = certificate.replaced_by
        seen = 0
        while current is not None and current.replaced_by_id is not None and seen < 20:
            current, seen = current.replaced_by, seen + 1
        in_force = current if current is not None and current.in_force else None
        return Verdict(REPLACED, certificate, in_force)
    return Verdict(GENUINE, certificate)


def verify_url(certificate: Certificate) -> str:
    """The public address printed (as a QR code) on the certificate, in its language."""
    with translation.override(certificate.language):
        path = reverse("core:verify", args=[certificate.display_code])
    return settings.MAARID_SITE_URL.rstrip("/") + path


# --- Laying out ---------------------------------------------------------------------------------


class _Images:
    """Logos read once per batch, as ``data:`` URIs (WeasyPrint fetches nothing else)."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        if not name:
            return ""
        if name not in self.seen:
            self.seen[name] = self._read(name)
        return self.seen[name]

    @staticmethod
    def _read(name: str) -> str:
        kind = mimetypes.guess_type(name)[0] or ""
        if not kind.startswith("image/"):
            return ""
        try:
            if default_storage.size(name) > LOGO_MAX_BYTES:
                return ""
            with default_storage.open(name, "rb") as f:
                body = f.read()
        except (OSError, ValueError):
            return ""
        return f"data:{kind};base64,{base64.b64encode(body).decode()}"


def _qr(url: str) -> str:
    return segno.make(url, error="m", micro=False).png_data_uri(scale=4, border=2)


def page_of(certificate: Certificate, images: Callable[[str], str]) -> dict[str, Any]:
    """What one certificate's page shows."""
    issuer = certificate.issuer if isinstance(certificate.issuer, dict) else {}
    issued = timezone.localdate(certificate.issued_at)
    url = verify_url(certificate)
    return {
        "certificate": certificate,
        "code": certificate.display_code,
        "url": url,
        "qr": _qr(url),
        "lines": [
            {"ar": str(line.get("ar", "")), "fr": str(line.get("fr", ""))}
            for line in certificate.lines
            if isinstance(line, dict)
        ],
        "issuer": {
            "name_ar": str(issuer.get("name_ar", "")),
            "name_fr": str(issuer.get("name_fr", "")),
            "place_ar": str(issuer.get("place_ar", "")),
            "place_fr": str(issuer.get("place_fr", "")),
            "logo": images(str(issuer.get("logo", ""))),
        },
        "partners": [
            {
                "name_ar": str(p.get("name_ar", "")),
                "name_fr": str(p.get("name_fr", "")),
                "logo": images(str(p.get("logo", ""))),
            }
            for p in issuer.get("partners", [])
            if isinstance(p, dict)
        ],
        "date_ar": formatting.date(issued, "long", "ar"),
        "date_fr": formatting.date(issued, "long", "fr"),
    }


# Large batches are laid out by this many worker processes (WeasyPrint holds one core per
# document), from this many certificates on: below, starting them costs more than it saves.
PROCESSES = 2
POOL_FROM = 4 * CHUNK


def _html(certificates: Sequence[Certificate], images: _Images) -> str:
    language = certificates[0].language
    return pdf.html_of(TEMPLATE, {"pages": [page_of(c, images) for c in certificates]}, language)


def _chunks(certificates: Iterable[Certificate]) -> list[list[Certificate]]:
    """Up to ``CHUNK`` certificates of one language each."""
    chunks: list[list[Certificate]] = []
    for certificate in sorted(certificates, key=lambda c: c.language):
        if not chunks or len(chunks[-1]) == CHUNK or chunks[-1][0].language != certificate.language:
            chunks.append([])
        chunks[-1].append(certificate)
    return chunks


def _laid_out(chunks: list[list[Certificate]], images: _Images) -> Iterator[list[bytes] | None]:
    """Each chunk's PDFs, in order: in worker processes for a large batch, else here."""
    counts = [len(chunk) for chunk in chunks]
    given = 0
    if sum(counts) >= POOL_FROM and PROCESSES > 1:
        try:
            # Spawned, not forked: a forked child would share this process's database
            # connection and threads. The workers import WeasyPrint only (core.pdf_pages).
            spawn = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(PROCESSES, mp_context=spawn) as pool:
                htmls = (_html(chunk, images) for chunk in chunks)
                for bodies in pool.map(pdf_pages.split, htmls, counts):
                    given += 1
                    yield bodies
            return
        except (OSError, BrokenProcessPool):  # no process could start, or one died: go on here
            log.warning("certificates: laying out in this process", exc_info=True)
    for chunk in chunks[given:]:
        yield pdf_pages.split(_html(chunk, images), len(chunk))


def render(
    certificates: Iterable[Certificate], progress: Callable[[float], None] | None = None
) -> Iterator[tuple[Certificate, bytes]]:
    """Each certificate with its PDF, laid out ``CHUNK`` at a time; ``progress`` is told the
    share done."""
    chunks = _chunks(certificates)
    total, done = sum(len(c) for c in chunks), 0
    images = _Images()
    for chunk, bodies in zip(chunks, _laid_out(chunks, images), strict=True):
        if bodies is None:  # a page ran onto the next: each of them alone, whatever its length
            bodies = [pdf_pages.whole(_html([c], images)) for c in chunk]
        yield from zip(chunk, bodies, strict=True)
        done += len(chunk)
        if progress is not None:
            progress(done / total)


def render_one(certificate: Certificate) -> bytes:
    return next(render([certificate]))[1]


# --- Keeping the files ----------------------------------------------------------------------------


def file_name(certificate: Certificate) -> str:
    """Where a certificate's PDF is kept. What it shows never changes (a correction is a new
    certificate), so once made it is kept for good."""
    return f"{FOLDER}/{slugify(certificate.group) or 'misc'}/{certificate.code}.pdf"


def download_name(certificate: Certificate) -> str:
    who = slugify(certificate.holder_name_latin)[:60] or "certificate"
    return f"{slugify(certificate.kind.rsplit('.', 1)[-1])}-{who}-{certificate.code}.pdf"


def _write(name: str, body: bytes) -> None:
    """Written whole before it takes its name: a reader never sees half a file."""
    path = Path(default_storage.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False) as out:
        out.write(body)
    os.replace(out.name, path)


def keep(certificate: Certificate, body: bytes) -> str:
    name = file_name(certificate)
    _write(name, body)
    return name


def pdf_of(certificate: Certificate) -> str:
    """The storage name of the certificate's PDF, made now if it has not been."""
    name = file_name(certificate)
    if not default_storage.exists(name):
        keep(certificate, render_one(certificate))
    return name


def make_files(
    certificates: Sequence[Certificate], progress: Callable[[float], None] | None = None
) -> list[str]:
    """Makes the PDFs not made yet; returns the storage name of each certificate's."""
    missing = [c for c in certificates if not default_storage.exists(file_name(c))]
    total = max(len(missing), 1)

    def told(share: float) -> None:
        if progress is not None:
            progress(share * len(missing) / total)

    for certificate, body in render(missing, told):
        keep(certificate, body)
    return [file_name(c) for c in certificates]


ZIP_KEY = re.compile(r"[0-9a-f]{32}")


def zip_name(group: str, key: str) -> str:
    return f"{FOLDER}/{slugify(group) or 'misc'}/all-{key}.zip"


def make_zip(group: str, certificates: Sequence[Certificate]) -> str:
    """A zip of the certificates' PDFs (made first if need be); returns its key (the hash of
    the codes it holds): the same batch gives the same file."""
    import hashlib

    codes = sorted(c.code for c in certificates)
    key = hashlib.sha256("\n".join(codes).encode()).hexdigest()[:32]
    name = zip_name(group, key)
    if default_storage.exists(name):
        return key
    buffer = io.BytesIO()
    seen: set[str] = set()
    # Stored, not deflated: PDFs are compressed already.
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for certificate in certificates:
            inner = download_name(certificate)
            if inner in seen:  # two people of the same name and kind
                inner = f"{certificate.code}-{inner}"
            seen.add(inner)
            with default_storage.open(pdf_of(certificate), "rb") as f:
                archive.writestr(inner, f.read())
    _write(name, buffer.getvalue())
    return key


def stored_zip(group: str, key: object) -> str | None:
    if not isinstance(key, str) or not ZIP_KEY.fullmatch(key):
        return None
    name = zip_name(group, key)
    return name if default_storage.exists(name) else None


# Of a batch's work, laying out and writing the PDFs takes nearly all; the zip the rest.
FILES_SHARE = 0.92


def make_batch_in(
    job: Job, group: str, certificates: Sequence[Certificate], download_url: str
) -> str:
    """Inside ``jobs.running``: makes the PDFs of a batch with the job's progress, then their
    zip, and offers the zip for download from ``download_url`` (``?file=<key>`` is added: the
    page behind it checks again who asks). Returns the zip's key."""
    count = len(certificates)
    job.report(5, _("Laying out the certificates…"))
    make_files(certificates, lambda share: job.report(5 + 90 * FILES_SHARE * share))
    job.report(5 + 90 * FILES_SHARE, _("Putting the certificates in one zip file…"))
    key = make_zip(group, certificates)
    separator = "&" if "?" in download_url else "?"
    job.result = {**(job.result or {}), "count": count}
    jobs.offer(
        job,
        f"{download_url}{separator}file={key}",
        _("The certificates are ready.") if count else _("There was no certificate to make."),
    )
    return key
