"""Checking, storing and serving uploaded files (application documents, product photos).

Files are recognised by their content, never by their name or the browser's content type: both
are chosen by the sender. What is stored gets a random name and the extension of the detected
kind, so a name typed by a user never reaches the disk. Images are re-encoded when stored, which
drops EXIF/XMP metadata (phone photos carry GPS coordinates: personal data under law 09-08).
Stored files live under MEDIA_ROOT, outside the static root, and are served by
``serve_protected`` only after the calling view has decided who may see them.
"""

import io
import posixpath
import re
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
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

_PDF_VERSION = re.compile(rb"%PDF-[12]\.\d")
_PDF_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF")
_PDF_XREF_AT = re.compile(rb"\s*(?:xref\b|\d+\s+\d+\s+obj\b)")
_PDF_TAIL_BYTES = 1024  # readers look for %%EOF in the last 1024 bytes
_HEAD_BYTES = 16

# Names we hand out: folders, then a uuid hex (and maybe Django's collision suffix) + extension.
_SAFE_NAME = re.compile(r"[A-Za-z0-9_\-]+(?:/[A-Za-z0-9_\-]+)*(?:\.[A-Za-z0-9]+)?")
_SAFE_FOLDER = re.compile(r"[a-z0-9_\-]+(?:/[a-z0-9_\-]+)*")


# --- Checking -------------------------------------------------------------------------------


def check_document(uploaded_file, *, max_bytes=MAX_BYTES, kinds=DOCUMENT_KINDS) -> str:
    """Returns the kind of the file ("pdf", "jpeg", "png", "webp") found from its content.

    Raises ValidationError (codes "too_big", "empty", "type", "corrupt"). The declared size is
    checked before anything is read, so an oversized upload costs no memory here.
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
    """A structural check, without a PDF library: header, and in the last 1024 bytes a
    ``startxref <offset> %%EOF`` whose offset points at a cross-reference table (``xref``) or
    stream (``N G obj``) followed by a trailer naming the document's ``/Root``.

    It catches truncated uploads (the end is missing), files cut or padded so the offsets no
    longer match, and things that merely start with ``%PDF-``. It cannot see damage in the
    middle (a broken object or compressed stream), wrong offsets inside the xref table,
    password protection, or hostile content (scripts, viewer exploits): those need a full parser.
    It also refuses sloppy files whose final offset is wrong even though viewers repair them.
    """
    if not _PDF_VERSION.match(data):
        raise _corrupt()
    found = list(_PDF_STARTXREF.finditer(data[-_PDF_TAIL_BYTES:]))
    if not found:
        raise _corrupt()
    offset = int(found[-1].group(1))
    if not 0 < offset < len(data) or not _PDF_XREF_AT.match(data, offset):
        raise _corrupt()
    if b"/Root" not in data[offset:]:
        raise _corrupt()


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


# --- Storing --------------------------------------------------------------------------------


def store(uploaded_file, folder: str, kind: str) -> str:
    """Saves a checked file under ``MEDIA_ROOT/<folder>/`` with a random name and the extension
    of its detected kind; returns the storage name. Images are re-encoded (metadata dropped)."""
    if not _SAFE_FOLDER.fullmatch(folder):
        raise ValueError(f"Unsafe upload folder: {folder!r}")
    name = f"{folder}/{uuid.uuid4().hex}.{EXTENSIONS[kind]}"
    if kind in IMAGE_KINDS:
        return default_storage.save(name, ContentFile(clean_image(uploaded_file)))
    uploaded_file.seek(0)
    content = uploaded_file if isinstance(uploaded_file, File) else File(uploaded_file)
    return default_storage.save(name, content)


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

    Images and PDFs are shown inline, anything else is downloaded; ``nosniff`` stops a browser
    from running a file as HTML, and ``private`` keeps it out of shared caches. ``filename`` is
    the name offered to the browser (cleaned, and given the stored file's real extension).
    """
    if not allowed:
        raise Http404
    path = _local_path(name)
    kind = KIND_BY_EXTENSION.get(path.suffix.lstrip(".").lower())
    response = FileResponse(
        path.open("rb"),
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
        as_attachment=kind is None,
        filename=_download_name(filename or path.name, path.suffix),
    )
    response["X-Content-Type-Options"] = "nosniff"
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
    root = Path(default_storage.location).resolve()
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
