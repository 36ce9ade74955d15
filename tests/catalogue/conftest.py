"""Catalogue fixtures: the taxonomy, an organisation exhibiting at the edition, products, and
images made in memory (no file from the internet)."""

import io
import struct
import zlib
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from maarid.catalogue.models import Category, Label, Product
from maarid.exhibitors.models import Exhibitor
from maarid.registry.models import Membership
from tests.conftest import make_user


def ensure_taxonomy():
    """Categories and labels come from a data migration, but transactional tests flush them:
    reload."""
    from maarid.catalogue.taxonomy import load

    if not Category.objects.filter(parent__isnull=False).exists():
        load(Category, Label)


@pytest.fixture
def taxonomy(db):
    ensure_taxonomy()


def category(slug) -> Category:
    ensure_taxonomy()
    return Category.objects.get(slug=slug)


def make_product(organisation, **fields) -> Product:
    ensure_taxonomy()
    defaults = {
        "name_fr": "Huile d'argan",
        "name_ar": "زيت الأركان",
        "category": Category.objects.get(slug="huile-argan"),
        "price": Decimal("180.00"),
        "unit": "l",
    }
    defaults.update(fields)
    product = Product(organisation=organisation, **defaults)
    product.full_clean(exclude=["slug"])
    product.save()
    return product


@pytest.fixture
def exhibiting(edition, cooperative):
    """The cooperative exhibits at the edition (an active exhibitor)."""
    return Exhibitor.objects.create(edition=edition, organisation=cooperative)


@pytest.fixture
def other_exhibitor(other_cooperative):
    """A member of another organisation (of another fair series)."""
    user = make_user("other-exhibitor")
    Membership.objects.create(
        user=user, organisation=other_cooperative, status=Membership.Status.ACTIVE
    )
    return user


@pytest.fixture
def product(cooperative, taxonomy):
    return make_product(cooperative)


@pytest.fixture
def other_product(other_cooperative, taxonomy):
    return make_product(other_cooperative, name_fr="Miel de thym", name_ar="عسل الزعتر")


def image_bytes(kind="JPEG", size=(640, 480), colour=(200, 150, 40), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, kind, **save)
    return out.getvalue()


def upload(name, data, content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def jpeg(name="argan.jpg", **kwargs) -> SimpleUploadedFile:
    return upload(name, image_bytes("JPEG", **kwargs))


def png(name="argan.png", **kwargs) -> SimpleUploadedFile:
    return upload(name, image_bytes("PNG", **kwargs), "image/png")


def huge_png() -> bytes:
    """A valid PNG of 1×1 pixel whose header claims 10000×5000 (50 megapixels): made in
    microseconds, refused from its header before any pixel is decoded."""
    data = bytearray(image_bytes("PNG", size=(1, 1)))
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", 10000, 5000)
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", zlib.crc32(bytes(data[ihdr : ihdr + 17])))
    return bytes(data)
