"""The public read API of the catalogue: editions with their figures, the exhibitors of an
edition (the directory's filters), products (by edition, organisation, category, label, text).

No login needed; lists are paginated (``?page=``, 50 a page). Contact details appear only when
the organisation's contact person agreed to publish them (law 09-08), exactly as on the pages.
Addresses (``url``, ``photos``) point to the pages in the language asked for with
``Accept-Language``. Money is a decimal string (``"125.50"``).
"""

import datetime
import re
from decimal import Decimal

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate

from maarid.api.api import OPTIONAL_AUTH
from maarid.api.pagination import PageNumberPagination
from maarid.api.schemas import EditionNumber, Error
from maarid.core import access
from maarid.core.text import normalise
from maarid.fairs.api import EditionStatus
from maarid.fairs.models import Edition
from maarid.registry.models import Kind, Sector

from .models import Product, Unit
from .panels import exhibitors_of, figures
from .views_site import exhibitor_path, filter_exhibitors, photo_url

router = Router(tags=["catalogue"], auth=OPTIONAL_AUTH)

CENT = Decimal("0.01")


def _absolute(context, path: str) -> str:
    return context["request"].build_absolute_uri(path)


# --- Schemas ------------------------------------------------------------------------------


class FiguresOut(Schema):
    exhibitors: int
    womens_cooperatives: int
    provinces: int
    products: int


class CatalogueEditionOut(Schema):
    series: str = Field(alias="series.slug")
    number: int
    name_ar: str
    name_fr: str
    city: str = Field(alias="city_id")
    venue_ar: str
    venue_fr: str
    starts_on: datetime.date
    ends_on: datetime.date
    slogan_ar: str
    slogan_fr: str
    status: EditionStatus
    url: str
    directory: str
    figures: FiguresOut

    @staticmethod
    def resolve_url(obj, context):
        return _absolute(context, obj.get_absolute_url())

    @staticmethod
    def resolve_directory(obj, context):
        return _absolute(context, reverse("site:directory", args=[obj.series.slug, obj.number]))

    @staticmethod
    def resolve_figures(obj):
        return figures(obj)


class ContactOut(Schema):
    contact_name: str
    phone: str
    email: str
    website: str
    address: str


class CatalogueExhibitorOut(Schema):
    slug: str = Field(alias="organisation.slug")
    name_ar: str = Field(alias="organisation.name_ar")
    name_fr: str = Field(alias="organisation.name_fr")
    kind: Kind = Field(alias="organisation.kind")
    sector: Sector = Field(alias="organisation.sector")
    province: str = Field(alias="organisation.province_id")
    womens_cooperative: bool = Field(alias="organisation.is_womens_cooperative")
    eco_friendly: bool = Field(alias="organisation.eco_friendly")
    craft_at_risk: bool = Field(alias="organisation.craft_at_risk")
    products: int = Field(alias="products_count")
    url: str
    # Null unless the contact person agreed to publish it (law 09-08).
    contact: ContactOut | None

    @staticmethod
    def resolve_url(obj, context):
        return _absolute(context, exhibitor_path(obj))

    @staticmethod
    def resolve_contact(obj):
        return obj.organisation if obj.organisation.contact_public else None


class CatalogueExhibitorDetailOut(CatalogueExhibitorOut):
    description_ar: str = Field(alias="organisation.description_ar")
    description_fr: str = Field(alias="organisation.description_fr")
    commune: str | None = Field(None, alias="organisation.commune_id")
    founded_on: datetime.date | None = Field(None, alias="organisation.founded_on")
    product_slugs: list[str]

    @staticmethod
    def resolve_product_slugs(obj):
        return list(
            obj.organisation.products.public().order_by("name_fr").values_list("slug", flat=True)
        )


class CatalogueProductOut(Schema):
    slug: str
    name_ar: str
    name_fr: str
    description_ar: str
    description_fr: str
    category: str = Field(alias="category.slug")
    family: str | None = Field(None, alias="category.parent.slug")
    labels: list[str]
    price: str | None
    unit: Unit
    organisation: str = Field(alias="organisation.slug")
    organisation_name_ar: str = Field(alias="organisation.name_ar")
    organisation_name_fr: str = Field(alias="organisation.name_fr")
    url: str
    photos: list[str]

    @staticmethod
    def resolve_labels(obj):
        return [label.code for label in obj.labels.all()]

    @staticmethod
    def resolve_price(obj):
        return None if obj.price is None else str(Decimal(obj.price).quantize(CENT))

    @staticmethod
    def resolve_url(obj, context):
        return _absolute(context, obj.get_absolute_url())

    @staticmethod
    def resolve_photos(obj, context):
        return [_absolute(context, photo_url(p, None)) for p in obj.photos.all()]


class ExhibitorFilters(FilterSchema):
    q: str | None = Field(None, description="words of the name, in Arabic or French")
    province: str | None = Field(None, description="code of the province, e.g. 01.571")
    sector: Sector | None = None
    kind: Kind | None = None
    women: bool | None = Field(None, description="women's cooperatives only")
    label: str | None = Field(None, description="code of a label carried by their products")


class ProductFilters(FilterSchema):
    edition: str | None = Field(
        None, description="products of the exhibitors of an edition: <series>/<number>"
    )
    organisation: str | None = Field(None, description="slug of the organisation")
    category: str | None = Field(None, description="slug of a category or of a family")
    label: str | None = Field(None, description="code of a label")
    q: str | None = Field(None, description="words, in Arabic or French")


# --- Helpers ------------------------------------------------------------------------------


def _edition(request, series, number):
    edition = get_object_or_404(
        Edition.objects.select_related("series"), series__slug=series, number=number
    )
    return access.require_view(request.user, edition)


def _exhibitors(edition):
    return (
        exhibitors_of(edition)
        .select_related("organisation", "edition__series")
        .annotate(
            products_count=Count(
                "organisation__products", filter=Q(organisation__products__active=True)
            )
        )
    )


def _products():
    return (
        Product.objects.public()
        .select_related("organisation", "category__parent")
        .prefetch_related("labels", "photos")
    )


# --- Operations ---------------------------------------------------------------------------


@router.get("/editions", response=list[CatalogueEditionOut])
@paginate(PageNumberPagination, page_size=50)
def list_editions(request):
    """The editions the public may see, newest first, with their figures so far."""
    return Edition.objects.public().select_related("series").order_by("-starts_on", "pk")


@router.get("/editions/{series}/{number}", response={200: CatalogueEditionOut, 404: Error})
def get_edition(request, series: str, number: EditionNumber):
    return _edition(request, series, number)


@router.get(
    "/editions/{series}/{number}/exhibitors",
    response={200: list[CatalogueExhibitorOut], 404: Error},
)
@paginate(PageNumberPagination, page_size=50)
def list_exhibitors(request, series: str, number: EditionNumber, filters: Query[ExhibitorFilters]):
    """The edition's directory: its active exhibitors, by French name."""
    edition = _edition(request, series, number)
    params = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    return filter_exhibitors(_exhibitors(edition), **params).order_by("organisation__name_fr", "pk")


@router.get(
    "/editions/{series}/{number}/exhibitors/{slug}",
    response={200: CatalogueExhibitorDetailOut, 404: Error},
)
def get_exhibitor(request, series: str, number: EditionNumber, slug: str):
    edition = _edition(request, series, number)
    return get_object_or_404(
        _exhibitors(edition).select_related("organisation"), organisation__slug=slug
    )


@router.get("/products", response={200: list[CatalogueProductOut], 404: Error})
@paginate(PageNumberPagination, page_size=50)
def list_products(request, filters: Query[ProductFilters]):
    """Active products, by French name."""
    qs = _products()
    if filters.edition:
        series, _slash, number = filters.edition.rpartition("/")
        if not re.fullmatch(r"[0-9]{1,5}", number):  # not isdigit(): "²" is a digit to it
            return qs.none()
        edition = _edition(request, series, int(number))
        qs = qs.filter(organisation__in=exhibitors_of(edition).values("organisation"))
    if filters.organisation:
        qs = qs.filter(organisation__slug=filters.organisation)
    if filters.category:
        qs = qs.filter(
            Q(category__slug=filters.category) | Q(category__parent__slug=filters.category)
        )
    if filters.label:
        qs = qs.filter(pk__in=Product.objects.filter(labels__code=filters.label).values("pk"))
    for word in normalise(filters.q).split():
        qs = qs.filter(search_text__contains=word)
    return qs.order_by("name_fr", "pk")


@router.get("/products/{slug}", response={200: CatalogueProductOut, 404: Error})
def get_product(request, slug: str):
    return get_object_or_404(_products(), slug=slug)
