"""Checking, storing and serving uploaded files (application documents, product photos).

Files are recognised by their content, never by their name or the browser's content type: both
are chosen by the sender. What is stored gets a random name and the extension of the detected
kind, so a name typed by a user never reaches the disk. Images are re-encoded when stored, which
drops EXIF/XMP metadata (phone photos carry GPS coordinates: personal data under law 09-08).
PDFs are opened for real with qpdf (pikepdf): damaged or encrypted ones are refused, and what is
stored is qpdf's rewrite without active content (scripts, launch and submit actions, links,
attachments). Stored files live under MEDIA_ROOT, outside the static root, and are served by
``serve_protected`` only after the calling view has decided who may see them.
"""

import io
import posixpath
import re
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import cast

import pikepdf
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from pikepdf.sanitize import Sanitizer
from PIL import Image, ImageFile, ImageOps

MAX_BYTES = 5 * 1024 * 1024
# Pixels, not bytes, are what an image costs once decoded: a 100 KB PNG may declare 20000×20000.
# 40 megapixels is more than any phone camera and about 160 MB decoded as RGBA.
MAX_PIXELS = 40_000_000
DOCUMENT_KINDS = ("pdf", "jpeg", "png")
PHOTO_KINDS = ("jpeg", "png", "webp")
IMAGE_KINDS = frozenset({"jpeg", "png", "webp"})

EXTENSIONS = {"pdf": "pdf", "jpeg": "jpg", "png": "png", "webp": "webp"}
KIND_BY_EXTENSION = {ext: kind for kind, ext in EXTENSIONS.items()}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
}
LABELS = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG", "webp": "WebP"}
PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}

# Metadata kept when re-encoding: colour profile and PNG transparency change how the picture
# looks; everything else (EXIF, XMP, comments, text chunks) may describe the person or the place.
_KEPT_INFO = ("icc_profile", "transparency")

_HEAD_BYTES = 16

# What qpdf may spend decoding one stream of an upload: a 5 MB PDF can hold a Flate stream that
# inflates to gigabytes (a "zip bomb"). Past the limit qpdf stops and warns, and a warning means
# refusal. 256 MB is above a lossless 600 dpi colour A4 scan (about 105 MB). The limits are
# process-wide, set when this module is imported (nothing else in Maarid uses qpdf).
_PDF_STREAM_MAX_BYTES = 256 * 1024 * 1024
pikepdf.settings.set_qpdf_limits(
    flate_max_memory=_PDF_STREAM_MAX_BYTES,
    dct_max_memory=_PDF_STREAM_MAX_BYTES,
    png_max_memory=_PDF_STREAM_MAX_BYTES,
    tiff_max_memory=_PDF_STREAM_MAX_BYTES,
    run_length_max_memory=_PDF_STREAM_MAX_BYTES,
    doc_max_warnings=100,
)

# Active content taken out of stored PDFs: scripts (document, page, annotation, form field and
# bookmark actions, the document's named scripts), actions that reach outside the document
# (Launch, SubmitForm, ImportData, GoToR/GoToE and URI: the links stay visible but inert) and
# multimedia, and embedded files (attachments).
_PDF_SANITIZER = (
    Sanitizer()
    .remove_javascript()
    .remove_external_access()
    .remove_multimedia()
    .remove_attachments()
)
_PDF_ACTIVE_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/URI",
        "/GoToR",
        "/GoToE",
        "/Rendition",
        "/Movie",
        "/Sound",
        "/RichMediaExecute",
    }
)

# Names we hand out: folders, then a uuid hex (and maybe Django's collision suffix) + extension.
_SAFE_NAME = re.compile(r"[A-Za-z0-9_\-]+(?:/[A-Za-z0-9_\-]+)*(?:\.[A-Za-z0-9]+)?")
_SAFE_FOLDER = re.compile(r"[a-z0-9_\-]+(?:/[a-z0-9_\-]+)*")

# The Content-Security-Policy of a served upload (the site's own policy is set by django-csp's
# middleware, which leaves a response that has one alone): no script, no plugin, no form, not
# framed, and ``sandbox`` (an opaque origin, no script) whatever the browser makes of the file.
# Inline styles are allowed because the page Chrome makes to show an image opened on its own
# styles itself inline; with no script able to run, a style cannot do anything.
SERVED_FILE_POLICY = (
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'; form-action 'none'; base-uri 'none'; sandbox"
)


# --- Checking -------------------------------------------------------------------------------


def check_document(uploaded_file, *, max_bytes=MAX_BYTES, kinds=DOCUMENT_KINDS) -> str:
    """Returns the kind of the file ("pdf", "jpeg", "png", "webp") found from its content.

    Raises ValidationError (codes "too_big", "empty", "type", "corrupt", "encrypted"). The
    declared size is checked before anything is read, so an oversized upload costs no memory.
    """
    _check_declared_size(uploaded_file, max_bytes)
    data = _read(uploaded_file, max_bytes)
    kind = detect_kind(data[:_HEAD_BYTES])
    if kind is None or kind not in kinds:
        raise _type_error(kinds)
    if kind == "pdf":
        _check_pdf(data)
    else:
        _check_image(data, kind)
    return kind


def detect_kind(head: bytes) -> str | None:
    """The kind announced by the first bytes (the "magic"), or None for anything else: an
    executable (ELF, MZ), a script or a text file matches no signature."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def _check_declared_size(uploaded_file, max_bytes):
    size = getattr(uploaded_file, "size", None)
    if size is None:
        return  # unknown: _read stops after max_bytes anyway
    if size > max_bytes:
        raise _too_big(max_bytes)
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")


def _read(uploaded_file, max_bytes) -> bytes:
    """Reads at most max_bytes + 1 bytes: a size that lied is still caught."""
    uploaded_file.seek(0)
    data = uploaded_file.read(max_bytes + 1)
    uploaded_file.seek(0)
    if len(data) > max_bytes:
        raise _too_big(max_bytes)
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    return data


def _check_pdf(data: bytes):
    """Opens the PDF with qpdf and goes through it as ``qpdf --check`` does: the cross-reference
    table, every object, every stream decoded, every page's content parsed.

    Anything qpdf has to repair or warn about is refused as damaged: a file cut short, bytes
    lost or changed in the middle (a broken object or compressed stream), offsets that no longer
    match (qpdf is opened without its recovery, which would rebuild the table by scanning), a
    document without pages, or a stream that inflates past ``_PDF_STREAM_MAX_BYTES``. Viewers
    often show such files anyway, but what they show may not be what another viewer shows, and
    saving or scanning the document again fixes them. Encrypted PDFs (with a password to open,
    or only to restrict printing and copying) are refused too: they cannot be cleaned, and not
    everyone can read them.
    """
    try:
        with _open_pdf(data) as pdf:
            if pdf.is_encrypted:
                raise _encrypted()
            if _pdf_problems(pdf):
                raise _corrupt()
    except ValidationError:
        raise
    except pikepdf.PasswordError:
        raise _encrypted()
    except Exception:
        # qpdf raises PdfError for damage, but a hostile file may trip anything.
        raise _corrupt()


def _open_pdf(data: bytes) -> pikepdf.Pdf:
    """Without qpdf's recovery (a damaged table is an error, not a reconstruction), and with
    every value read as a pikepdf object (no guessing of Python types from hostile input)."""
    return pikepdf.Pdf.open(io.BytesIO(data), attempt_recovery=False, conversion_mode="explicit")


class _DiscardContent(pikepdf.StreamParser):
    """Parses a page's content and keeps nothing: only the errors matter."""

    def handle_object(self, *_args):
        pass

    def handle_eof(self):
        pass


def _pdf_problems(pdf: pikepdf.Pdf) -> list[str]:
    """qpdf's warnings on opening and through the steps of ``Pdf.check_pdf_syntax()`` (which
    follows ``qpdf --check``), all but one: the linearization ("fast web view") hints are not
    checked. Viewers ignore them, some producers get them slightly wrong, and a crafted hint
    table keeps qpdf's check busy for minutes (an upload must not hold a worker). The stored
    copy is written without them anyway. Streams are decoded into nothing (qpdf's pipeline, no
    copy in memory), within the limits set above.
    """
    problems = list(pdf.get_warnings())
    if len(pdf.pages) == 0:
        problems.append("no pages")
    # Private helpers of pikepdf's check_pdf_syntax (pikepdf is pinned in constraints.txt);
    # tests/core/test_uploads.py fails on every PDF if a new version drops them.
    pdf._check_document_structures()
    pdf._decode_all_streams_and_discard(None)
    for page in pdf.pages:
        page.parse_contents(_DiscardContent())  # raises PdfError on broken content
    problems += pdf.get_warnings()
    return problems


def _check_image(data: bytes, kind: str):
    """Pillow's ``verify()`` (structure, PNG checksums), then a full decode of a fresh copy,
    which is what catches a truncated JPEG. The pixel count is checked from the header first."""
    try:
        with _strict_decoding():
            with _open_image(data, kind) as image:
                image.verify()
            with _open_image(data, kind) as image:
                image.load()
    except ValidationError:
        raise
    except Exception:
        # A decoder fed hostile bytes may raise anything (OSError, SyntaxError, struct.error…):
        # whatever it raises, the file is not a usable image.
        raise _corrupt()


_strict_lock = threading.Lock()


@contextmanager
def _strict_decoding():
    """Importing WeasyPrint sets Pillow's process-wide ``LOAD_TRUNCATED_IMAGES`` to True (so a
    broken picture does not stop a PDF), and then a truncated upload decodes without error.
    Switched off while we check; the lock keeps two checks from restoring each other's value.
    """
    with _strict_lock:
        saved = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = saved


def _open_image(data: bytes, kind: str) -> Image.Image:
    """Opens with the one Pillow plugin of the detected kind (no guessing among all formats)
    and refuses decompression bombs before any pixel is decoded."""
    try:
        image = Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[kind]])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own limit (raised, or a warning turned into an error by the filters).
        raise _too_many_pixels()
    width, height = image.size
    if width * height > MAX_PIXELS:
        image.close()
        raise _too_many_pixels()
    return image


def _too_big(max_bytes):
    return ValidationError(
        _("The file is too big: at most %(max)s."),
        code="too_big",
        params={"max": filesizeformat(max_bytes)},
    )


def _too_many_pixels():
    return ValidationError(
        _("The image is too large: at most %(max)s megapixels."),
        code="too_big",
        params={"max": MAX_PIXELS // 1_000_000},
    )


def _type_error(kinds):
    return ValidationError(
        _("This type of file is not accepted. Accepted: %(kinds)s."),
        code="type",
        params={"kinds": ", ".join(LABELS[k] for k in kinds)},
    )


def _corrupt():
    return ValidationError(
        _("The file is damaged or incomplete. Please save or scan it again and resend it."),
        code="corrupt",
    )


def _encrypted():
    return ValidationError(
        _("The PDF is protected by a password or encrypted. Please send it without protection."),
        code="encrypted",
    )


# --- Storing --------------------------------------------------------------------------------


def store(uploaded_file, folder: str, kind: str) -> str:
    """Saves a checked file under ``MEDIA_ROOT/<folder>/`` with a random name and the extension
    of its detected kind; returns the storage name. Images are re-encoded (metadata dropped),
    PDFs rewritten without active content: what is stored is never the sender's bytes."""
    if not _SAFE_FOLDER.fullmatch(folder):
        raise ValueError(f"Unsafe upload folder: {folder!r}")
    name = f"{folder}/{uuid.uuid4().hex}.{EXTENSIONS[kind]}"
    if kind in IMAGE_KINDS:
        return default_storage.save(name, ContentFile(clean_image(uploaded_file)))
    if kind == "pdf":
        return default_storage.save(name, ContentFile(clean_pdf(uploaded_file)))
    uploaded_file.seek(0)
    content = uploaded_file if isinstance(uploaded_file, File) else File(uploaded_file)
    return default_storage.save(name, content)


def clean_pdf(file) -> bytes:
    """The checked PDF as qpdf writes it again, without active content: JavaScript (opening
    action, additional actions of the document, pages, annotations and form fields, named
    scripts, XFA forms), Launch, SubmitForm, ImportData and other actions that reach outside the
    document (links stay visible, but do nothing), multimedia, and embedded files. Objects that
    nothing refers to, and anything after the end of the document, are not written.

    A digital signature does not survive (the bytes it signed change); the printed content does.
    """
    file.seek(0)
    data = file.read()
    if detect_kind(data[:_HEAD_BYTES]) != "pdf":
        raise ValueError("clean_pdf expects a checked PDF")
    with _open_pdf(data) as pdf:
        _PDF_SANITIZER.apply(pdf)
        acroform = pdf.Root.get("/AcroForm")
        if isinstance(acroform, pikepdf.Dictionary) and "/XFA" in acroform:
            del acroform["/XFA"]  # XFA forms carry their own scripts
        for obj in pdf.objects:
            _defang_actions(obj)
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def _defang_actions(obj):
    """A second sweep, for actions in places the sanitizer does not visit: every dictionary
    held in ``obj`` (not following references: each object is swept on its own) loses script
    code (``/JS``), and an active action its type (``/S``), which viewers then ignore."""
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, (pikepdf.Dictionary, pikepdf.Stream)):
            if "/JS" in item:
                del item["/JS"]
            subtype = item.get("/S")
            if isinstance(subtype, pikepdf.Name) and str(subtype) in _PDF_ACTIVE_ACTIONS:
                del item["/S"]
            children = [value for _key, value in item.items()]
        elif isinstance(item, pikepdf.Array):
            children = list(item)
        else:
            continue
        stack.extend(
            c
            for c in children
            if isinstance(c, (pikepdf.Dictionary, pikepdf.Array)) and not c.is_indirect
        )


def clean_image(file) -> bytes:
    """The image re-encoded in its own format, turned upright (EXIF orientation applied) and
    without EXIF/XMP/comments: GPS positions and camera serials stay on the phone."""
    file.seek(0)
    data = file.read()
    kind = detect_kind(data[:_HEAD_BYTES])
    if kind not in IMAGE_KINDS:
        raise ValueError("clean_image expects a checked JPEG, PNG or WebP image")
    with _open_image(data, kind) as opened:
        image = ImageOps.exif_transpose(opened)
    return _encode(_without_metadata(image), kind)


def thumbnail(name: str, size=(480, 480)) -> str:
    """Makes a copy no bigger than ``size`` (aspect kept, never enlarged) next to the stored
    image, named ``<stem>_<w>x<h>.<ext>``, and returns its storage name."""
    stem, ext = posixpath.splitext(_safe_name(name))
    kind = KIND_BY_EXTENSION.get(ext.lstrip(".").lower())
    if kind not in IMAGE_KINDS:
        raise ValueError(f"Not a stored image: {name!r}")
    with default_storage.open(name, "rb") as stored:
        data = stored.read()
    with _open_image(data, kind) as opened:
        image = ImageOps.exif_transpose(opened)
    if image.mode in ("1", "P"):
        image = image.convert("RGBA")  # so resizing can interpolate instead of picking pixels
    image.thumbnail(size)
    thumb_name = f"{stem}_{size[0]}x{size[1]}{ext}"
    if default_storage.exists(thumb_name):
        default_storage.delete(thumb_name)  # remaking it must not leave a second copy
    return default_storage.save(thumb_name, ContentFile(_encode(_without_metadata(image), kind)))


def _without_metadata(image: Image.Image) -> Image.Image:
    """A copy whose ``info`` keeps only what affects the pixels' look."""
    clean = image.copy()
    clean.info = {k: image.info[k] for k in _KEPT_INFO if k in image.info}
    return clean


def _encode(image: Image.Image, kind: str) -> bytes:
    """Encodes without passing ``exif``/``xmp``, so Pillow writes none."""
    out = io.BytesIO()
    icc = image.info.get("icc_profile")
    if kind == "jpeg":
        if image.mode not in ("L", "RGB", "CMYK"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=85, optimize=True, icc_profile=icc)
    elif kind == "webp":
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if image.has_transparency_data else "RGB")
        image.save(out, "WEBP", quality=85, icc_profile=icc)
    else:
        image.save(out, "PNG", optimize=True, icc_profile=icc)
    return out.getvalue()


# --- Serving --------------------------------------------------------------------------------


def serve_protected(request, name: str, allowed: bool, *, filename: str | None = None):
    """Streams a stored file to someone the calling view has allowed (``allowed``), else 404,
    as for a missing file, so nothing tells an outsider that the file exists.

    Images are shown inline, PDFs and anything else are downloaded. ``nosniff`` stops a browser
    from running a file as HTML, and a ``sandbox`` Content-Security-Policy makes any document it
    might still render an opaque origin where nothing runs. PDFs are downloaded because Chrome
    will not show a PDF in a sandboxed page, and PDFs stored before they were cleaned may hold
    scripts. ``private`` keeps files out of shared caches. ``filename`` is the name offered to
    the browser (cleaned, and given the stored file's real extension).
    """
    if not allowed:
        raise Http404
    path = _local_path(name)
    kind = KIND_BY_EXTENSION.get(path.suffix.lstrip(".").lower())
    response = FileResponse(
        path.open("rb"),
        content_type=CONTENT_TYPES.get(kind or "", "application/octet-stream"),
        as_attachment=kind not in IMAGE_KINDS,
        filename=_download_name(filename or path.name, path.suffix),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SERVED_FILE_POLICY
    response["Cache-Control"] = "private"
    return response


def _safe_name(name) -> str:
    """Only names shaped like the ones ``store`` hands out: relative, no ``..``, no odd
    characters. Raises Http404, since names usually come from a URL."""
    if (
        not isinstance(name, str)
        or not _SAFE_NAME.fullmatch(name)
        or PurePosixPath(name).is_absolute()
        or ".." in PurePosixPath(name).parts
    ):
        raise Http404
    return name


def _local_path(name) -> Path:
    """The file on disk, which must exist and (symlinks resolved) stay under the storage root."""
    _safe_name(name)
    try:
        path = Path(default_storage.path(name)).resolve()
    except (SuspiciousFileOperation, ValueError):
        raise Http404
    root = Path(cast(FileSystemStorage, default_storage).location).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise Http404
    return path


def _download_name(filename: str, suffix: str) -> str:
    """A harmless name for Content-Disposition: no folders, quotes or control characters, and
    the extension of what is really sent (a photo is never offered as ``.html``)."""
    base = re.split(r"[/\\]", filename)[-1]
    stem = PurePosixPath(base).stem if "." in base else base
    stem = re.sub(r"[^\w\- ]", "", stem).strip()[:100] or "file"
    return f"{stem}{suffix.lower()}"
