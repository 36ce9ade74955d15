"""Addresses of the public site that the pages, the API and the QR codes all give out."""

from django.conf import settings
from django.urls import reverse

from maarid.exhibitors.models import Exhibitor

from .models import ProductPhoto


def photo_url(photo_or_pk: ProductPhoto | int, size: str | None = "small") -> str:
    pk = photo_or_pk.pk if isinstance(photo_or_pk, ProductPhoto) else photo_or_pk
    url = reverse("catalogue:photo", args=[pk])
    return f"{url}?size={size}" if size else url


def exhibitor_path(exhibitor: Exhibitor) -> str:
    edition = exhibitor.edition
    return reverse(
        "site:exhibitor", args=[edition.series.slug, edition.number, exhibitor.organisation.slug]
    )


def neutral(path: str) -> str:
    """The address without its language prefix: ``/fr/products/miel/`` → ``/products/miel/``.
    Django's locale middleware sends such an address on to the page in the visitor's language
    (their cookie, then their phone's language), which is what a printed QR code needs: the
    same sheet serves Arabic and French readers."""
    codes = {code for code, _name in settings.LANGUAGES}
    parts = path.split("/", 2)
    if len(parts) == 3 and parts[1] in codes:
        return "/" + parts[2]
    return path
