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

from django.urls import reverse
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate

from maarid.api.api import OPTIONAL_AUTH
from maarid.api.pagination import PageNumberPagination
from maarid.api.schemas import EditionNumber, Error
from maarid.core.money import CENT
from maarid.fairs import selectors as fairs
from maarid.fairs.api import EditionBase
from maarid.fairs.selectors import edition_for, with_edition
from maarid.registry.models import Kind, Sector

from . import selectors
from .links import exhibitor_path, photo_url
from .models import Unit
from .selectors import DirectoryFilters

router = Router(tags=["catalogue"], auth=OPTIONAL_AUTH)


def _absolute(context, path: str) -> str:
    return context["request"].build_absolute_uri(path)


# --- Schemas ------------------------------------------------------------------------------


class FiguresOut(Schema):
    exhibitors: int
    womens_cooperatives: int
    provinces: int
    products: int


class CatalogueEditionOut(EditionBase):
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
        return selectors.figures(obj)


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
        return selectors.product_slugs(obj.organisation)


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


# --- Operations ---------------------------------------------------------------------------


@router.get("/editions", response=list[CatalogueEditionOut])
@paginate(PageNumberPagination, page_size=50)
def list_editions(request):
    """The editions the public may see, newest first, with their figures so far."""
    return fairs.public_editions()


@router.get("/editions/{series}/{number}", response={200: CatalogueEditionOut, 404: Error})
@with_edition()
def get_edition(request, series: str, number: EditionNumber):
    return request.edition


@router.get(
    "/editions/{series}/{number}/exhibitors",
    response={200: list[CatalogueExhibitorOut], 404: Error},
)
@with_edition()
@paginate(PageNumberPagination, page_size=50)
def list_exhibitors(request, series: str, number: EditionNumber, filters: Query[ExhibitorFilters]):
    """The edition's directory: its active exhibitors, by French name."""
    wanted = DirectoryFilters(
        q=filters.q or "",
        province=filters.province or "",
        sector=filters.sector or "",
        kind=filters.kind or "",
        women=bool(filters.women),
        label=filters.label or "",
    )
    return selectors.listed_exhibitors(request.edition, wanted)


@router.get(
    "/editions/{series}/{number}/exhibitors/{slug}",
    response={200: CatalogueExhibitorDetailOut, 404: Error},
)
@with_edition()
def get_exhibitor(request, series: str, number: EditionNumber, slug: str):
    return selectors.exhibitor_at(request.edition, slug)


@router.get("/products", response={200: list[CatalogueProductOut], 404: Error})
@paginate(PageNumberPagination, page_size=50)
def list_products(request, filters: Query[ProductFilters]):
    """Active products, by French name."""
    edition = None
    if filters.edition:
        series, _slash, number = filters.edition.rpartition("/")
        if not re.fullmatch(r"[0-9]{1,5}", number):  # not isdigit(): "²" is a digit to it
            return []
        edition = edition_for(request.user, series, int(number))
    return selectors.public_products(
        edition=edition,
        organisation=filters.organisation,
        category=filters.category,
        label=filters.label,
        q=filters.q,
    )


@router.get("/products/{slug}", response={200: CatalogueProductOut, 404: Error})
def get_product(request, slug: str):
    return selectors.public_product(slug)
