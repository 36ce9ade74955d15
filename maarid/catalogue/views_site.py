"""An edition's public site (the exhibitor directory and exhibitor pages), product pages, their
QR codes and the printable A4 sheet of them. Past editions stay browsable: only a draft edition
is hidden from the public.

Addresses use ASCII slugs made from the French name (``registry.models.unique_slug``,
``catalogue.models.unique_slug``), never the Arabic one, whether kept as it is or transliterated:

- an Arabic slug is percent-encoded on the wire (``%D8%B2%D9%8A…``, six bytes a letter): that is
  what gets pasted into SMS and WhatsApp messages and what a QR code must hold, so the codes
  grow denser and harder to scan from a phone in a busy hall;
- transliteration of Arabic has no single spelling (Zitouna, Zaytouna, Zeitouna …), so a slug
  made that way can neither be guessed nor typed back;
- findability does not depend on the address: titles, descriptions, Open Graph tags and the
  pages themselves carry the names in the reader's language, and the sitemap lists each page in
  Arabic, French and English with its alternates;
- a slug is made once and kept when the name changes, so printed QR codes keep working. An
  Arabic-only name gets the kind (``cooperative-3``) or ``produit`` and a number.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import translate_url
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from maarid.core import pdf
from maarid.fairs.selectors import with_edition

from . import qr, selectors, tasks
from .forms import DirectoryFilter
from .links import exhibitor_path, neutral, photo_url

PAGE_SIZE = 24
OG_LOCALES = {"ar": "ar_MA", "fr": "fr_MA", "en": "en_US"}


def share(request, *, title, description="", image=None, kind="website", query="", extra=()):
    """What a page tells search engines and the apps it is shared to: the canonical address,
    the same page in the other languages (and, as x-default, the address that picks the
    visitor's language), and the Open Graph title, description, image and locale."""
    language = get_language() or settings.LANGUAGE_CODE
    path = request.path
    absolute = request.build_absolute_uri
    return {
        "title": title,
        "description": Truncator(" ".join(str(description).split())).chars(200),
        "url": absolute(path + query),
        "image": absolute(image) if image else "",
        "type": kind,
        "locale": OG_LOCALES.get(language, language),
        "locale_alternates": [v for k, v in OG_LOCALES.items() if k != language],
        "alternates": [
            (code, absolute(translate_url(path, code) + query))
            for code, _name in settings.LANGUAGES
        ],
        "x_default": absolute(neutral(path) + query),
        "extra": list(extra),  # more (property, content) pairs, e.g. a product's price
    }


def _svg_response(svg: bytes, public: bool) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml")
    if public:
        patch_cache_control(response, public=True, max_age=86400)
    return response


# --- the directory ----------------------------------------------------------------------------


@with_edition()
def directory(request, series, number):
    edition = request.edition
    form = DirectoryFilter(request.GET or None, edition=edition)
    filters = form.filters() if request.GET else {}
    page = Paginator(selectors.directory(edition, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    title = _("Exhibitors of %(edition)s") % {"edition": edition}
    return render(
        request,
        "catalogue/site/directory.html",
        {
            "edition": edition,
            "page": page,
            "filter": form,
            "filters_active": any(v for k, v in filters.items() if k != "q"),
            "query": query.urlencode(),
            "total": selectors.exhibitors_of(edition).count(),
            "share": share(
                request,
                title=title,
                description=_(
                    "The cooperatives, associations and artisans exhibiting at %(edition)s: "
                    "their stories, products and contacts."
                )
                % {"edition": edition},
                query=f"?page={page.number}" if page.number > 1 else "",
            ),
        },
    )


# --- an exhibitor's page ----------------------------------------------------------------------


@with_edition()
def exhibitor_detail(request, series, number, organisation):
    edition = request.edition
    exhibitor = selectors.exhibitor_at(edition, organisation)
    organisation = exhibitor.organisation
    products = selectors.shown_products(organisation)
    elsewhere = selectors.public_exhibits(organisation, besides=exhibitor)
    image = next((photo_url(p.photos.all()[0], None) for p in products if p.photos.all()), None)
    page_url = request.build_absolute_uri(request.path)
    return render(
        request,
        "catalogue/site/exhibitor.html",
        {
            "edition": edition,
            "exhibitor": exhibitor,
            "organisation": organisation,
            # Law 09-08: contact details only with the contact person's consent.
            "contact": organisation if organisation.contact_public else None,
            "products": products,
            "elsewhere": elsewhere,
            "page_url": page_url,
            "qr_svg": mark_safe(qr.svg_inline(page_url, _("QR code of this page"))),  # noqa: S308
            "share": share(
                request,
                title=organisation.name,
                description=organisation.description
                or _("%(name)s exhibits at %(edition)s.")
                % {"name": organisation.name, "edition": edition},
                image=image,
            ),
        },
    )


@with_edition()
def exhibitor_qr(request, series, number, organisation):
    exhibitor = selectors.exhibitor_at(request.edition, organisation)
    url = request.build_absolute_uri(exhibitor_path(exhibitor))
    return _svg_response(qr.svg_document(url), public=True)


# --- a product's page -------------------------------------------------------------------------


def product_detail(request, slug):
    product = selectors.product_for(request.user, slug)
    photos = list(product.photos.all())
    exhibitor = selectors.latest_exhibitor(product.organisation)
    page_url = request.build_absolute_uri(request.path)
    return render(
        request,
        "catalogue/product.html",
        {
            "product": product,
            "photos": [(photo_url(p), photo_url(p, None)) for p in photos],
            "labels": product.labels.all(),
            "exhibitor": exhibitor,
            "exhibitor_url": exhibitor_path(exhibitor) if exhibitor else "",
            "page_url": page_url,
            "qr_svg": mark_safe(qr.svg_inline(page_url, _("QR code of this page"))),  # noqa: S308
            "share": share(
                request,
                title=product.name,
                description=product.description
                or _("%(product)s, by %(organisation)s.")
                % {"product": product.name, "organisation": product.organisation.name},
                image=photo_url(photos[0], None) if photos else None,
                kind="product",
                extra=[
                    ("product:price:amount", str(product.price)),
                    ("product:price:currency", "MAD"),
                ]
                if product.price is not None
                else [],
            ),
        },
    )


def product_qr(request, slug):
    product = selectors.product_for(request.user, slug)
    url = request.build_absolute_uri(product.get_absolute_url())
    return _svg_response(qr.svg_document(url), public=product.active)


# --- the printable sheet ----------------------------------------------------------------------


@login_required
@with_edition(need="organise")
def qr_sheet(request, series, number):
    """The A4 sheet of the edition's QR codes (``?products=1``: its products'), as it was last
    made if nothing on it has changed since, else made in the background (``qr.Sheet``)."""
    products = bool(request.GET.get("products"))
    sheet = qr.Sheet(request.edition, products=products, base_url=request.build_absolute_uri("/"))
    return pdf.serve_or_make(
        request,
        sheet,
        tasks.make_qr_sheet,
        kind=qr.SHEET_JOB,
        series_id=request.edition.series_id,
        series=series,
        number=number,
        products=products,
        base_url=sheet.base_url,
    )
