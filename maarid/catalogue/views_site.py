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

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, translate_url
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from maarid.core import access
from maarid.core.pdf import render_pdf
from maarid.core.text import normalise
from maarid.exhibitors.models import Exhibitor
from maarid.fairs.models import Edition
from maarid.registry.models import Kind, Organisation, Province, Sector

from . import qr
from .models import Label, Product, ProductPhoto
from .panels import exhibitors_of

PAGE_SIZE = 24
OG_LOCALES = {"ar": "ar_MA", "fr": "fr_MA", "en": "en_US"}


# --- helpers shared with the API --------------------------------------------------------------


def filter_exhibitors(qs, *, q="", province="", sector="", kind="", women=False, label=""):
    """The directory's filters, on a queryset of exhibitors (the pages and the API)."""
    for word in normalise(q).split():
        qs = qs.filter(organisation__search_text__contains=word)
    if province:
        qs = qs.filter(organisation__province_id=province)
    if sector:
        qs = qs.filter(organisation__sector=sector)
    if kind:
        qs = qs.filter(organisation__kind=kind)
    if women:
        qs = qs.filter(organisation__kind=Kind.COOPERATIVE, organisation__women_led=True)
    if label:
        labelled = Product.objects.public().filter(labels__code=label)
        qs = qs.filter(organisation__in=labelled.values("organisation"))
    return qs


def by_name(qs, prefix=""):
    """Sorted by the name the reader sees: the Arabic one on Arabic pages (or the French one
    when there is no Arabic name), the French one otherwise."""
    ar, fr = F(f"{prefix}name_ar"), F(f"{prefix}name_fr")
    if (get_language() or "fr").startswith("ar"):
        return qs.order_by(Coalesce(NullIf(ar, Value("")), fr), "pk")
    return qs.order_by(Coalesce(NullIf(fr, Value("")), ar), "pk")


def photo_url(photo_or_pk, size="small") -> str:
    pk = getattr(photo_or_pk, "pk", photo_or_pk)
    url = reverse("catalogue:photo", args=[pk])
    return f"{url}?size={size}" if size else url


def latest_exhibitor(organisation):
    """Where an organisation exhibits last (among editions the public may see), or None."""
    return (
        Exhibitor.objects.filter(organisation=organisation, status=Exhibitor.Status.ACTIVE)
        .filter(edition__in=Edition.objects.public())
        .select_related("edition__series")
        .order_by("-edition__starts_on")
        .first()
    )


def exhibitor_path(exhibitor) -> str:
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


def _edition(request, series, number):
    edition = get_object_or_404(
        Edition.objects.select_related("series", "city"), series__slug=series, number=number
    )
    return access.require_view(request.user, edition)


def _svg_response(svg: bytes, public: bool) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml")
    if public:
        patch_cache_control(response, public=True, max_age=86400)
    return response


# --- the directory ----------------------------------------------------------------------------


class DirectoryFilter(forms.Form):
    """The directory's filters: choices limited to what the edition's exhibitors have."""

    q = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=100)
    province = forms.ModelChoiceField(
        label=gettext_lazy("Province"),
        queryset=Province.objects.none(),
        required=False,
        empty_label=gettext_lazy("All"),
    )
    sector = forms.ChoiceField(label=gettext_lazy("Sector"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    label = forms.ModelChoiceField(
        label=gettext_lazy("Label of their products"),
        queryset=Label.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("All"),
    )
    women = forms.BooleanField(label=gettext_lazy("Women's cooperatives"), required=False)

    def __init__(self, data, exhibitors):
        super().__init__(data)
        organisations = Organisation.objects.filter(pk__in=exhibitors.values("organisation"))
        self.fields["province"].queryset = by_name(
            Province.objects.filter(pk__in=organisations.values("province"))
        )
        present = set(organisations.values_list("sector", "kind").distinct())
        sectors = {s for s, _k in present}
        kinds = {k for _s, k in present}
        everything = [("", _("All"))]
        self.fields["sector"].choices = everything + [c for c in Sector.choices if c[0] in sectors]
        self.fields["kind"].choices = everything + [c for c in Kind.choices if c[0] in kinds]

    def filters(self) -> dict:
        """The valid filters (an invalid one is dropped, not the whole search)."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "province": data["province"].pk if data.get("province") else "",
            "sector": data.get("sector") or "",
            "kind": data.get("kind") or "",
            "women": bool(data.get("women")),
            "label": data["label"].code if data.get("label") else "",
        }


def directory(request, series, number):
    edition = _edition(request, series, number)
    everyone = exhibitors_of(edition)
    form = DirectoryFilter(request.GET or None, everyone)
    filters = form.filters() if request.GET else {}
    first_photo = ProductPhoto.objects.filter(
        product__organisation=OuterRef("organisation"), product__active=True
    ).order_by("product__name_fr", "order", "id")
    qs = by_name(
        filter_exhibitors(everyone, **filters)
        .select_related("organisation__province")
        .annotate(
            products_count=Count(
                "organisation__products", filter=Q(organisation__products__active=True)
            ),
            photo=Subquery(first_photo.values("pk")[:1]),
        ),
        prefix="organisation__",
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    for exhibitor in page:
        exhibitor.photo_url = photo_url(exhibitor.photo) if exhibitor.photo else ""
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
            "total": everyone.count(),
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


def exhibitor_detail(request, series, number, organisation):
    edition = _edition(request, series, number)
    exhibitor = get_object_or_404(
        exhibitors_of(edition).select_related("organisation__province", "organisation__commune"),
        organisation__slug=organisation,
    )
    organisation = exhibitor.organisation
    products = list(
        by_name(organisation.products.public())
        .select_related("category__parent")
        .prefetch_related("photos", "labels")
    )
    for product in products:
        photos = list(product.photos.all())
        product.photo_url = photo_url(photos[0]) if photos else ""
    elsewhere = (
        Exhibitor.objects.filter(organisation=organisation, status=Exhibitor.Status.ACTIVE)
        .filter(edition__in=Edition.objects.public())
        .exclude(pk=exhibitor.pk)
        .select_related("edition__series")
        .order_by("-edition__starts_on")
    )
    image = next((photo_url(p.photos.all()[0], None) for p in products if p.photo_url), None)
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


def exhibitor_qr(request, series, number, organisation):
    edition = _edition(request, series, number)
    exhibitor = get_object_or_404(exhibitors_of(edition), organisation__slug=organisation)
    url = request.build_absolute_uri(exhibitor_path(exhibitor))
    return _svg_response(qr.svg_document(url), public=True)


# --- a product's page -------------------------------------------------------------------------


def _product(request, slug):
    product = get_object_or_404(
        Product.objects.select_related("organisation", "category__parent"), slug=slug
    )
    # Inactive products: a 404 for the public; the organisation's members still see them.
    return access.require_view(request.user, product)


def product_detail(request, slug):
    product = _product(request, slug)
    photos = list(product.photos.all())
    exhibitor = latest_exhibitor(product.organisation)
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
    product = _product(request, slug)
    url = request.build_absolute_uri(product.get_absolute_url())
    return _svg_response(qr.svg_document(url), public=product.active)


# --- the printable sheet ----------------------------------------------------------------------


@login_required
def qr_sheet(request, series, number):
    """An A4 sheet of QR codes with names in Arabic and French, for every active exhibitor
    (``?products=1``: for their products), to print and stick on the booths. The codes hold
    the address without a language (see ``neutral``): a visitor lands in their own language."""
    edition = _edition(request, series, number)
    access.require_organiser(request.user, edition.series_id)
    exhibitors = exhibitors_of(edition).select_related("organisation", "edition__series")
    with_products = bool(request.GET.get("products"))
    entries = []
    if with_products:
        products = (
            Product.objects.public()
            .filter(organisation__in=exhibitors.values("organisation"))
            .select_related("organisation")
            .order_by("organisation__name_fr", "name_fr", "pk")
        )
        for product in products:
            entries.append(
                {
                    "name_ar": product.name_ar,
                    "name_fr": product.name_fr,
                    "by": product.organisation.name,
                    "url": request.build_absolute_uri(neutral(product.get_absolute_url())),
                }
            )
    else:
        for exhibitor in exhibitors.order_by("organisation__name_fr", "pk"):
            entries.append(
                {
                    "name_ar": exhibitor.organisation.name_ar,
                    "name_fr": exhibitor.organisation.name_fr,
                    "by": "",
                    "url": request.build_absolute_uri(neutral(exhibitor_path(exhibitor))),
                }
            )
    for entry in entries:
        entry["qr"] = qr.png_data_uri(entry["url"])
    columns = 3
    rows = [entries[i : i + columns] for i in range(0, len(entries), columns)]
    for row in rows:
        row.extend([None] * (columns - len(row)))
    pdf = render_pdf(
        "catalogue/site/qr_sheet.html",
        {"edition": edition, "rows": rows, "with_products": with_products, "count": len(entries)},
        get_language() or settings.LANGUAGE_CODE,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"qr-{edition.series.slug}-{edition.number}{'-products' if with_products else ''}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
