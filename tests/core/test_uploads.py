"""Uploads are recognised by content, size-capped, cleaned of metadata and served only to those
allowed (DESIGN.md, Conventions)."""

import io
import struct
import zlib
from pathlib import Path

import pytest
import weasyprint
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.http import Http404
from django.test import RequestFactory
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


def test_a_pdf_cut_in_half_is_refused_as_corrupt():
    data = pdf_bytes()
    assert code_of(upload(data[: len(data) // 2])) == "corrupt"


def test_a_pdf_whose_end_points_nowhere_is_refused_as_corrupt():
    """Bytes lost in the middle shift the offsets the trailer gives."""
    data = pdf_bytes()
    assert code_of(upload(data[:200] + data[400:])) == "corrupt"


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
        assert stored.read() == data


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


def test_an_allowed_person_gets_the_file_inline_with_protective_headers(stored_pdf):
    response = serve(stored_pdf, filename='statuts "2024".pdf')

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private"
    assert response["Content-Disposition"] == 'inline; filename="statuts 2024.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_the_offered_name_keeps_the_real_extension(stored_pdf):
    response = serve(stored_pdf, filename="../../evil.html")
    assert response["Content-Disposition"] == 'inline; filename="evil.pdf"'


def test_an_image_is_served_as_an_image():
    name = uploads.store(upload(image_bytes("PNG"), "x.pdf"), "products", "png")
    assert serve(name)["Content-Type"] == "image/png"


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
