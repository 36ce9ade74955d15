"""Uploads are recognised by content, size-capped, cleaned of metadata and active content, and
served only to those allowed."""

import io
import re
import struct
import threading
import zlib
from pathlib import Path

import pikepdf
import pytest
import weasyprint
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.http import Http404
from django.test import RequestFactory
from django.utils import translation
from pikepdf import Array, Dictionary, Name, String
from PIL import ExifTags, Image, ImageFile

from maarid.core import uploads


@pytest.fixture(autouse=True)
def _storage_in_tmp(settings):
    """The default storage names its folder explicitly; point it at the test's MEDIA_ROOT."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": settings.MEDIA_ROOT, "base_url": "/files/"},
        },
    }


def upload(data: bytes, name: str = "document.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def pdf_bytes() -> bytes:
    return weasyprint.HTML(string="<p>x</p>").write_pdf()


TEXT = b"BT /F1 12 Tf 72 720 Td (Statuts de la cooperative Al Amal) Tj ET\n"


def new_pdf(pages: int = 1) -> pikepdf.Pdf:
    """A small real document made with pikepdf: pages of text in a (compressed) content stream."""
    pdf = pikepdf.new()
    font = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
        page = pdf.pages[-1]
        page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
        page.obj.Contents = pdf.make_stream(TEXT * 40)
    return pdf


def saved(pdf: pikepdf.Pdf, **options) -> bytes:
    out = io.BytesIO()
    pdf.save(out, **options)
    return out.getvalue()


def image_bytes(fmt="PNG", size=(64, 48), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, fmt, **save)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that declares a huge canvas: what a decompression bomb looks like."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def code_of(uploaded, **kwargs) -> str:
    with pytest.raises(ValidationError) as error:
        uploads.check_document(uploaded, **kwargs)
    return error.value.code


# --- What is accepted, what is refused ------------------------------------------------------


def test_a_real_pdf_is_accepted():
    assert uploads.check_document(upload(pdf_bytes())) == "pdf"


def test_a_pdf_made_by_another_tool_is_accepted_and_so_is_a_linearized_one():
    assert uploads.check_document(upload(saved(new_pdf(3)))) == "pdf"
    assert uploads.check_document(upload(saved(new_pdf(3), linearize=True))) == "pdf"


def test_a_pdf_cut_in_half_is_refused_as_corrupt():
    data = pdf_bytes()
    assert code_of(upload(data[: len(data) // 2])) == "corrupt"


def test_a_pdf_whose_end_points_nowhere_is_refused_as_corrupt():
    """Bytes lost in the middle shift the offsets the trailer gives."""
    data = pdf_bytes()
    assert code_of(upload(data[:200] + data[400:])) == "corrupt"


def damaged_stream() -> bytes:
    """Bytes changed in the middle of a compressed content stream: the file's structure and
    offsets are intact, only decoding the page shows the damage."""
    data = bytearray(saved(new_pdf()))
    start = data.index(b"stream\n", data.index(b"/FlateDecode")) + len(b"stream\n")
    data[start + 10 : start + 30] = b"\x00" * 20
    return bytes(data)


def damaged_object() -> bytes:
    """An object in the middle of the file whose dictionary is garbled (same length, so the
    cross-reference offsets still match)."""
    data = saved(new_pdf(2))
    at = data.index(b"3 0 obj\n<< /Contents") + len(b"3 0 obj\n")
    return data[:at] + b"<<<< ]] )))(" + data[at + len(b"<< /Contents") :]


@pytest.mark.parametrize("damaged", [damaged_stream, damaged_object])
def test_a_pdf_damaged_in_the_middle_is_refused_as_corrupt(damaged):
    data = damaged()
    with pikepdf.open(io.BytesIO(data)) as pdf:  # qpdf opens it (with repairs or warnings)
        assert pdf.check_pdf_syntax()  # but reports the damage
    assert code_of(upload(data)) == "corrupt"


@pytest.mark.parametrize(
    "language, message",
    [
        ("en", "The file is damaged or incomplete."),
        ("fr", "Le fichier est endommagé ou incomplet."),
        ("ar", "الملف تالف أو غير مكتمل."),
    ],
)
def test_a_damaged_pdf_is_refused_in_the_users_language(language, message):
    with pytest.raises(ValidationError) as error, translation.override(language):
        uploads.check_document(upload(damaged_stream()))
    with translation.override(language):
        assert str(error.value.messages[0]).startswith(message)


def test_a_flate_bomb_is_refused_without_exhausting_memory():
    """A stream that inflates past the limit qpdf is given (256 MB): it stops there."""
    assert pikepdf.settings.get_qpdf_limits()["flate_max_memory"] == 256 * 1024 * 1024
    pdf = new_pdf()
    compressor = zlib.compressobj(1)  # fast; 1.2 MB, within the 5 MB an upload may weigh
    chunk = b"\x00" * (16 * 1024 * 1024)
    bomb = b"".join(compressor.compress(chunk) for _ in range(17)) + compressor.flush()
    pdf.pages[0].obj.Contents = pikepdf.Stream(pdf, bomb, Filter=Name.FlateDecode)
    data = saved(pdf, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    assert len(data) < uploads.MAX_BYTES
    assert code_of(upload(data)) == "corrupt"


def test_a_crafted_linearization_hint_table_does_not_hold_the_worker():
    """qpdf's own check of the "fast web view" hints spins for minutes on this one (a page
    count of the first hint entry changed): the upload check leaves the hints alone, accepts
    the otherwise sound document, and stores it without them."""
    data = bytearray(saved(new_pdf(3), linearize=True, compress_streams=False))
    hints = int(re.search(rb"/H \[ (\d+) ", data).group(1))
    data[data.index(b"stream\n", hints) + len(b"stream\n")] ^= 0x01
    result = []
    worker = threading.Thread(
        target=lambda: result.append(uploads.check_document(upload(bytes(data)))), daemon=True
    )
    worker.start()
    worker.join(timeout=20)
    assert result == ["pdf"]
    name = uploads.store(upload(bytes(data)), "applications", "pdf")
    with default_storage.open(name) as stored, pikepdf.open(stored) as pdf:
        assert not pdf.is_linearized and len(pdf.pages) == 3


@pytest.mark.parametrize(
    "encryption",
    [
        pikepdf.Encryption(owner="secret", user="secret"),  # a password to open it
        pikepdf.Encryption(owner="secret", user=""),  # opens, but printing/copying restricted
    ],
)
def test_an_encrypted_pdf_is_refused(encryption):
    assert code_of(upload(saved(new_pdf(), encryption=encryption))) == "encrypted"


def test_the_encrypted_message_is_translatable():
    data = saved(new_pdf(), encryption=pikepdf.Encryption(owner="o", user="u"))
    with pytest.raises(ValidationError) as error:
        uploads.check_document(upload(data))
    assert type(error.value.message).__name__ == "__proxy__"  # gettext_lazy


def test_something_that_only_starts_like_a_pdf_is_refused():
    assert code_of(upload(b"%PDF-1.7\nnot really a document\n%%EOF\n")) == "corrupt"


def test_an_executable_named_like_a_pdf_is_refused_as_type():
    elf = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
    assert code_of(upload(elf, "statuts.pdf")) == "type"


@pytest.mark.parametrize(
    "data", [b"MZ\x90\x00" + b"\x00" * 200, b"#!/bin/sh\nrm -rf ~\n", b"<html><script>"]
)
def test_windows_programs_scripts_and_html_are_refused_as_type(data):
    assert code_of(upload(data, "photo.jpg", "image/jpeg")) == "type"


def test_a_png_renamed_pdf_is_recognised_as_png():
    assert uploads.check_document(upload(image_bytes("PNG"), "statuts.pdf")) == "png"


def test_a_png_renamed_pdf_is_refused_where_only_pdf_is_allowed():
    assert code_of(upload(image_bytes("PNG"), "statuts.pdf"), kinds=("pdf",)) == "type"


def test_a_jpeg_is_accepted():
    assert uploads.check_document(upload(image_bytes("JPEG"), "scan.jpg")) == "jpeg"


def test_an_oversized_file_is_refused_before_being_read():
    class Unreadable(io.BytesIO):
        def read(self, *args):
            raise AssertionError("the content was read")

    big = UploadedFile(Unreadable(), name="big.pdf", size=6 * 1024 * 1024)
    assert code_of(big) == "too_big"


def test_a_file_bigger_than_it_claims_is_still_refused():
    liar = UploadedFile(io.BytesIO(b"%PDF-1.7\n" + b"0" * 2000), name="x.pdf", size=10)
    assert code_of(liar, max_bytes=1000) == "too_big"


def test_an_empty_file_is_refused():
    assert code_of(upload(b"")) == "empty"


def test_a_truncated_jpeg_is_refused_as_corrupt():
    """Even though importing WeasyPrint (done above) tells Pillow to accept truncated images."""
    data = image_bytes("JPEG", size=(400, 300))
    assert code_of(upload(data[: len(data) // 2], "scan.jpg")) == "corrupt"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # WeasyPrint's setting is left as it was


def test_a_truncated_png_is_refused_as_corrupt():
    out = io.BytesIO()
    Image.effect_noise((300, 200), 50).save(out, "PNG")
    data = out.getvalue()
    assert code_of(upload(data[: len(data) - 5], "scan.png")) == "corrupt"


def test_a_png_with_a_damaged_checksum_is_refused_as_corrupt():
    data = bytearray(image_bytes("PNG"))
    data[40] ^= 0xFF
    assert code_of(upload(bytes(data), "scan.png")) == "corrupt"


def test_a_decompression_bomb_is_refused_without_a_server_error():
    """20000×20000 is over Pillow's own limit: it raises, and we turn that into a refusal."""
    assert code_of(upload(png_header_only(20000, 20000), "bomb.png")) == "too_big"


def test_an_image_over_our_pixel_cap_is_refused_before_decoding():
    """8000×6000 is under Pillow's limit but over ours (40 megapixels)."""
    assert code_of(upload(png_header_only(8000, 6000), "big.png")) == "too_big"


def test_error_messages_are_translatable():
    with pytest.raises(ValidationError) as error:
        uploads.check_document(upload(b""))
    assert type(error.value.message).__name__ == "__proxy__"  # gettext_lazy


# --- Storing --------------------------------------------------------------------------------


def test_a_pdf_is_stored_under_a_random_name_with_its_real_extension():
    data = pdf_bytes()
    name = uploads.store(upload(data, "../../etc/my statuts.exe"), "applications", "pdf")
    folder, filename = name.split("/")
    assert folder == "applications"
    assert len(filename) == len("0123456789abcdef0123456789abcdef.pdf")
    assert filename.endswith(".pdf")
    assert Path(default_storage.path(name)).is_relative_to(Path(default_storage.location))
    with default_storage.open(name) as stored:
        assert uploads.check_document(stored) == "pdf"  # rewritten by qpdf, still whole


def js(code: str, **more) -> Dictionary:
    return Dictionary(S=Name.JavaScript, JS=String(code), **more)


def hostile_pdf() -> bytes:
    """Every usual hiding place of active content, around two ordinary pages of text."""
    pdf = new_pdf(2)
    root, page = pdf.Root, pdf.pages[0].obj
    root.OpenAction = pdf.make_indirect(js("app.alert('open')"))
    root.AA = Dictionary(WC=js("app.alert('will close')"))
    root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("x"), js("app.alert(1)")])))
    root.Unusual = Dictionary(Deep=Array([js("app.alert('hidden')")]))  # not a standard slot
    page.AA = Dictionary(O=Dictionary(S=Name.Launch, F=String("cmd.exe")))
    link = {"Type": Name.Annot, "Subtype": Name.Link, "Rect": Array([72, 700, 300, 720])}
    page.Annots = Array(
        [
            pdf.make_indirect(Dictionary(**link, A=Dictionary(S=Name.Launch, F=String("a.exe")))),
            pdf.make_indirect(Dictionary(**link, A=js("app.alert('click')"))),
            pdf.make_indirect(
                Dictionary(**link, A=Dictionary(S=Name.URI, URI=String("http://evil.example/")))
            ),
            pdf.make_indirect(
                Dictionary(
                    **link,
                    A=Dictionary(
                        S=Name.SubmitForm, F=String("http://evil.example/"), Next=js("app.x()")
                    ),
                )
            ),
        ]
    )
    pdf.attachments["invoice.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00 a program")
    return saved(pdf)


ACTIVE = {"/JavaScript", "/Launch", "/URI", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE"}


def active_content(pdf: pikepdf.Pdf) -> list[str]:
    """Every action, script or attachment left anywhere in the document."""
    found = []
    seen = set()
    stack = [pdf.trailer]
    while stack:
        item = stack.pop()
        if item.is_indirect:
            if item.objgen in seen:
                continue
            seen.add(item.objgen)
        if isinstance(item, (Dictionary, pikepdf.Stream)):
            if "/JS" in item or "/EmbeddedFile" in (item.get("/Type"), item.get("/EF")):
                found.append(repr(item)[:80])
            if item.get("/S") in {Name(n) for n in ACTIVE}:
                found.append(repr(item)[:80])
            stack.extend(v for _k, v in item.items() if isinstance(v, (Dictionary, Array)))
            stack.extend(v for _k, v in item.items() if isinstance(v, pikepdf.Stream))
        elif isinstance(item, Array):
            stack.extend(v for v in item if isinstance(v, (Dictionary, Array, pikepdf.Stream)))
    return found


def test_a_pdf_with_scripts_and_launch_actions_is_stored_without_them():
    data = hostile_pdf()
    with pikepdf.open(io.BytesIO(data)) as before:
        assert len(active_content(before)) >= 8  # the test document really is hostile
    assert uploads.check_document(upload(data)) == "pdf"  # not damaged: accepted, then cleaned

    name = uploads.store(upload(data), "applications", "pdf")

    with default_storage.open(name) as stored:
        cleaned = stored.read()
    assert b"app.alert" not in cleaned and b"MZ\x90" not in cleaned and b"cmd.exe" not in cleaned
    with pikepdf.open(io.BytesIO(cleaned)) as pdf:
        assert "/OpenAction" not in pdf.Root
        assert "/AA" not in pdf.Root and "/AA" not in pdf.pages[0].obj
        assert "/JavaScript" not in pdf.Root.Names
        assert "/EmbeddedFiles" not in pdf.Root.Names and not pdf.attachments
        assert not active_content(pdf)
        # The document itself is untouched: its pages, their text, the (now inert) links.
        assert len(pdf.pages) == 2
        assert TEXT in pdf.pages[1].Contents.read_bytes()
        assert len(pdf.pages[0].Annots) == 4
        assert all("/A" not in annot for annot in pdf.pages[0].Annots)
        assert not pdf.check_pdf_syntax()


def test_an_ordinary_pdf_keeps_its_pages_and_text_when_stored():
    name = uploads.store(upload(saved(new_pdf(3))), "applications", "pdf")
    with default_storage.open(name) as stored, pikepdf.open(stored) as pdf:
        assert len(pdf.pages) == 3
        assert all(TEXT in page.Contents.read_bytes() for page in pdf.pages)


def test_store_refuses_an_unsafe_folder():
    with pytest.raises(ValueError):
        uploads.store(upload(pdf_bytes()), "../outside", "pdf")


def exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Orientation] = 6  # turned: the picture must come out upright
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (35.0, 34.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (5.0, 22.0, 6.0)
    return exif


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_clean_image_strips_exif_and_gps_and_applies_orientation(fmt):
    data = image_bytes(fmt, size=(64, 48), exif=exif_with_gps())
    with Image.open(io.BytesIO(data)) as before:
        assert before.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the GPS is really there

    cleaned = uploads.clean_image(io.BytesIO(data))

    assert b"PhoneMaker" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as after:
        assert after.format == fmt
        assert not after.getexif()
        assert "exif" not in after.info and "xmp" not in after.info
        assert after.size == (48, 64)  # orientation 6 applied


def test_a_stored_photo_has_no_metadata_left():
    photo = upload(image_bytes("JPEG", exif=exif_with_gps()), "IMG_0001.jpg", "image/jpeg")
    name = uploads.store(photo, "products", "jpeg")
    assert name.endswith(".jpg")
    with default_storage.open(name) as stored, Image.open(stored) as image:
        assert not image.getexif()


@pytest.mark.parametrize("fmt, kind", [("JPEG", "jpeg"), ("PNG", "png")])
def test_thumbnails_are_at_most_the_size_and_keep_the_proportions(fmt, kind):
    name = uploads.store(upload(image_bytes(fmt, size=(1200, 600)), "p.img"), "products", kind)

    thumb = uploads.thumbnail(name, size=(480, 480))

    assert thumb.rsplit("/", 1)[0] == "products"
    with default_storage.open(thumb) as stored, Image.open(stored) as image:
        assert image.size == (480, 240)
        assert image.format == fmt


def test_a_small_photo_is_not_enlarged_and_remaking_a_thumbnail_keeps_one_file():
    name = uploads.store(upload(image_bytes("PNG", size=(100, 80)), "p.png"), "products", "png")
    first = uploads.thumbnail(name)
    assert uploads.thumbnail(name) == first
    with default_storage.open(first) as stored, Image.open(stored) as image:
        assert image.size == (100, 80)


# --- Serving --------------------------------------------------------------------------------


@pytest.fixture
def stored_pdf():
    return uploads.store(upload(pdf_bytes()), "applications", "pdf")


def serve(name, allowed=True, **kwargs):
    return uploads.serve_protected(RequestFactory().get("/"), name, allowed, **kwargs)


def test_an_allowed_person_gets_a_pdf_to_download_with_protective_headers(stored_pdf):
    response = serve(stored_pdf, filename='statuts "2024".pdf')

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private"
    assert response["Content-Disposition"] == 'attachment; filename="statuts 2024.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_served_file_runs_nothing_wherever_the_browser_shows_it(stored_pdf):
    """A sandboxed, script-less policy of its own, which django-csp's middleware leaves alone."""
    policy = serve(stored_pdf)["Content-Security-Policy"]
    directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in policy.split(";"))
    assert "sandbox" in directives and directives["sandbox"] == ""
    assert directives["default-src"] == "'none'"
    assert "script-src" not in directives  # so default-src 'none' applies to scripts
    assert directives["frame-ancestors"] == "'none'"


def test_the_offered_name_keeps_the_real_extension(stored_pdf):
    response = serve(stored_pdf, filename="../../evil.html")
    assert response["Content-Disposition"] == 'attachment; filename="evil.pdf"'


def test_an_image_is_served_inline_as_an_image():
    name = uploads.store(upload(image_bytes("PNG"), "x.pdf"), "products", "png")
    response = serve(name)
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert "sandbox" in response["Content-Security-Policy"]


def test_someone_not_allowed_gets_a_404(stored_pdf):
    with pytest.raises(Http404):
        serve(stored_pdf, allowed=False)


def test_a_missing_file_is_a_404():
    with pytest.raises(Http404):
        serve("applications/0123456789abcdef0123456789abcdef.pdf")


@pytest.mark.parametrize(
    "name",
    [
        "../secret_key",
        "applications/../../secret_key",
        "/etc/passwd",
        "..",
        "",
        "applications\\..\\..\\secret_key",
        "applications/%2e%2e/secret_key",
        "applications/x.pdf\x00.png",
    ],
)
def test_path_traversal_is_impossible(settings, name):
    secret = Path(settings.MEDIA_ROOT).parent / "secret_key"
    secret.write_text("do not serve")
    with pytest.raises(Http404):
        serve(name)


def test_a_symlink_leading_out_of_the_uploads_is_not_followed(settings):
    outside = Path(settings.MEDIA_ROOT).parent / "outside.pdf"
    outside.write_bytes(pdf_bytes())
    link = Path(settings.MEDIA_ROOT) / "applications" / "link.pdf"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside)
    with pytest.raises(Http404):
        serve("applications/link.pdf")
