"""Every read of the catalogue that is more than handing on an object: an edition's directory and
figures, exhibitor and product pages, the exhibitor's own products, and what the forms offer.
The pages and the API call the same functions, so they show the same things. (Full-text search
is its own engine, ``search.py``.)"""

from typing import Any, TypedDict, TypeVar

from django.db.models import Count, F, Model, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language

from maarid.core import access
from maarid.core.text import words_filter
from maarid.exhibitors.models import Exhibitor
from maarid.exhibitors.selectors import active_exhibitors
from maarid.fairs.models import Edition
from maarid.registry.models import Kind, Organisation, Province

from . import search as engine
from .models import Category, Label, Product, ProductPhoto, Stock
from .search import Found

M = TypeVar("M", bound=Model)


class Figures(TypedDict):
    exhibitors: int
    womens_cooperatives: int
    provinces: int
    products: int


class DirectoryFilters(TypedDict, total=False):
    """The directory's filters, as the page's form and the API's query string give them."""

    q: str
    province: str
    sector: str
    kind: str
    women: bool
    label: str


# --- Exhibitors and their products ------------------------------------------------------------


def exhibitors_of(edition: Edition) -> QuerySet[Exhibitor]:
    """The edition's directory: its active exhibitors."""
    return active_exhibitors(edition)


def products_of_exhibitors(edition: Edition) -> QuerySet[Product]:
    """The products the public sees of the edition's exhibitors."""
    return Product.objects.public().filter(
        organisation__in=exhibitors_of(edition).values("organisation")
    )


def figures(edition: Edition) -> Figures:
    """The edition's figures so far (the home page, the dashboard and the API show them)."""
    counts = exhibitors_of(edition).aggregate(
        exhibitors=Count("id"),
        womens_cooperatives=Count(
            "id",
            filter=Q(organisation__kind=Kind.COOPERATIVE, organisation__women_led=True),
        ),
        provinces=Count("organisation__province", distinct=True),
    )
    return Figures(
        exhibitors=counts["exhibitors"],
        womens_cooperatives=counts["womens_cooperatives"],
        provinces=counts["provinces"],
        products=products_of_exhibitors(edition).count(),
    )


def by_name(qs: QuerySet[M], prefix: str = "") -> QuerySet[M]:
    """Sorted by the name the reader sees: the Arabic one on Arabic pages (or the French one
    when there is no Arabic name), the French one otherwise."""
    ar, fr = F(f"{prefix}name_ar"), F(f"{prefix}name_fr")
    if (get_language() or "fr").startswith("ar"):
        return qs.order_by(Coalesce(NullIf(ar, Value("")), fr), "pk")
    return qs.order_by(Coalesce(NullIf(fr, Value("")), ar), "pk")


def filter_exhibitors(
    qs: QuerySet[Exhibitor],
    *,
    q: str = "",
    province: str = "",
    sector: str = "",
    kind: str = "",
    women: bool = False,
    label: str = "",
) -> QuerySet[Exhibitor]:
    """The directory's filters, on a queryset of exhibitors (the pages and the API)."""
    qs = qs.filter(words_filter(q, "organisation__search_text"))
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


def _counted(exhibitors: QuerySet[Exhibitor]) -> QuerySet[Exhibitor]:
    """Each exhibitor with ``products_count``, how many products the public sees."""
    return exhibitors.annotate(
        products_count=Count(
            "organisation__products", filter=Q(organisation__products__active=True)
        )
    )


def directory(edition: Edition, filters: DirectoryFilters) -> QuerySet[Exhibitor]:
    """The directory page: the exhibitors the filters keep, by the name the reader sees, each
    with its count of products and ``photo``, the id of its first product's first photo."""
    first_photo = ProductPhoto.objects.filter(
        product__organisation=OuterRef("organisation"), product__active=True
    ).order_by("product__name_fr", "order", "id")
    exhibitors = filter_exhibitors(exhibitors_of(edition), **filters)
    return by_name(
        _counted(exhibitors.select_related("organisation__province")).annotate(
            photo=Subquery(first_photo.values("pk")[:1])
        ),
        prefix="organisation__",
    )


def listed_exhibitors(edition: Edition, filters: DirectoryFilters) -> QuerySet[Exhibitor]:
    """The directory as the API lists it: by French name, with their count of products."""
    exhibitors = exhibitors_of(edition).select_related("organisation", "edition__series")
    return filter_exhibitors(_counted(exhibitors), **filters).order_by(
        "organisation__name_fr", "pk"
    )


def exhibitor_at(edition: Edition, slug: str) -> Exhibitor:
    """An active exhibitor of the edition, by its organisation's slug (404 otherwise), with its
    count of products."""
    exhibitors = exhibitors_of(edition).select_related(
        "organisation__province", "organisation__commune", "edition__series"
    )
    return get_object_or_404(_counted(exhibitors), organisation__slug=slug)


def exhibitors_by_french_name(edition: Edition) -> QuerySet[Exhibitor]:
    """The edition's exhibitors, for the printed sheet of QR codes."""
    return (
        exhibitors_of(edition)
        .select_related("organisation", "edition__series")
        .order_by("organisation__name_fr", "pk")
    )


def products_by_exhibitor(edition: Edition) -> QuerySet[Product]:
    """The products of the edition's exhibitors, exhibitor by exhibitor (French names)."""
    return (
        products_of_exhibitors(edition)
        .select_related("organisation")
        .order_by("organisation__name_fr", "name_fr", "pk")
    )


def _in_public_editions() -> QuerySet[Exhibitor]:
    """The active exhibitors of the editions the public may see: their pages are public."""
    return active_exhibitors().filter(edition__in=Edition.objects.public())


def public_exhibits(
    organisation: Organisation, *, besides: Exhibitor | None = None
) -> QuerySet[Exhibitor]:
    """Where the organisation exhibits, among the editions the public may see, latest first
    (``besides``: but there)."""
    exhibits = _in_public_editions().filter(organisation=organisation)
    if besides is not None:
        exhibits = exhibits.exclude(pk=besides.pk)
    return exhibits.select_related("edition__series").order_by("-edition__starts_on")


def public_product_pages() -> QuerySet[Product]:
    """Every product page the public may open (the sitemap), in a stable order."""
    return Product.objects.public().only("slug", "updated_at").order_by("pk")


def public_exhibitors() -> QuerySet[Exhibitor]:
    """Every exhibitor page the public may open (the sitemap)."""
    return _in_public_editions().select_related("edition__series", "organisation").order_by("pk")


def latest_exhibitor(organisation: Organisation) -> Exhibitor | None:
    """Where an organisation exhibits last (among editions the public may see), or None."""
    return public_exhibits(organisation).first()


def shown_products(organisation: Organisation) -> list[Product]:
    """The organisation's products the public sees, by the name the reader sees, with their
    category, photos and labels."""
    return list(
        by_name(Product.objects.public().filter(organisation=organisation))
        .select_related("category__parent")
        .prefetch_related("photos", "labels")
    )


def product_slugs(organisation: Organisation) -> list[str]:
    """The slugs of the organisation's products the public sees, by French name."""
    products = Product.objects.public().filter(organisation=organisation)
    return list(products.order_by("name_fr").values_list("slug", flat=True))


# --- Editions and products, for the API -------------------------------------------------------


def searched_edition(pk: int | None) -> Edition | None:
    """The edition a search is limited to, if the public may see it."""
    if pk is None:
        return None
    return Edition.objects.public().filter(pk=pk).first()


def _public_products() -> QuerySet[Product]:
    return (
        Product.objects.public()
        .select_related("organisation", "category__parent")
        .prefetch_related("labels", "photos")
    )


def public_products(
    *,
    edition: Edition | None = None,
    organisation: str | None = None,
    category: str | None = None,
    label: str | None = None,
    q: str | None = None,
) -> QuerySet[Product]:
    """The products the public sees, by French name: of the exhibitors of ``edition``, of an
    organisation (its slug), in a category or a family (its slug), with a label (its code),
    with every word of ``q``."""
    qs = _public_products()
    if edition is not None:
        qs = qs.filter(organisation__in=exhibitors_of(edition).values("organisation"))
    if organisation:
        qs = qs.filter(organisation__slug=organisation)
    if category:
        qs = qs.filter(Q(category__slug=category) | Q(category__parent__slug=category))
    if label:
        qs = qs.filter(pk__in=Product.objects.filter(labels__code=label).values("pk"))
    qs = qs.filter(words_filter(q or ""))
    return qs.order_by("name_fr", "pk")


def public_product(slug: str) -> Product:
    """A product the public sees, by its slug (404 otherwise)."""
    return get_object_or_404(_public_products(), slug=slug)


def product_for(user: Any, slug: str) -> Product:
    """A product's page: a hidden product is a 404 for the public; the organisation's members
    still see it."""
    product = get_object_or_404(
        Product.objects.select_related("organisation", "category__parent"), slug=slug
    )
    access.require_view(user, product)
    return product


# --- The directory's choices ------------------------------------------------------------------


def labels() -> QuerySet[Label]:
    return Label.objects.all()


def leaf_categories() -> QuerySet[Category]:
    """The categories a product can be in (not the families), family by family."""
    return (
        Category.objects.filter(parent__isnull=False)
        .select_related("parent")
        .order_by("parent__order", "order", "pk")
    )


def _organisations_of(edition: Edition) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=exhibitors_of(edition).values("organisation"))


def provinces_of(edition: Edition) -> QuerySet[Province]:
    """The provinces the edition's exhibitors come from, by name."""
    organisations = _organisations_of(edition)
    return by_name(Province.objects.filter(pk__in=organisations.values("province")))


def sectors_and_kinds_of(edition: Edition) -> tuple[set[str], set[str]]:
    """The sectors and the kinds of organisation among the edition's exhibitors."""
    present = set(_organisations_of(edition).values_list("sector", "kind").distinct())
    return {s for s, _k in present}, {k for _s, k in present}


# --- An organisation's own products (the exhibitor portal) ------------------------------------


def current_editions(organisation: Organisation) -> QuerySet[Edition]:
    """The editions the organisation exhibits at (an active exhibitor) that are not closed:
    the ones whose stock it manages, the coming one first."""
    return (
        Edition.objects.filter(
            pk__in=active_exhibitors().filter(organisation=organisation).values("edition_id")
        )
        .exclude(status=Edition.Status.CLOSED)
        .select_related("series")
        .order_by("starts_on", "pk")
    )


StockRow = tuple[Product, list[tuple[Edition, int | None]]]


def stock_table(organisation: Organisation, editions: list[Edition], show: str) -> list[StockRow]:
    """The organisation's products (``show``: "active", "hidden", or all), each with its stock
    at each of ``editions`` (None where none is counted)."""
    products = (
        Product.objects.filter(organisation=organisation)
        .select_related("category")
        .prefetch_related("photos", "labels", "stock")
    )
    if show == "active":
        products = products.filter(active=True)
    elif show == "hidden":
        products = products.filter(active=False)
    rows: list[StockRow] = []
    for product in products:
        stock = {s.edition_id: s.quantity for s in product.stock.all()}
        rows.append((product, [(edition, stock.get(edition.pk)) for edition in editions]))
    return rows


def product_of(organisation: Organisation, slug: str) -> Product:
    return get_object_or_404(Product, organisation=organisation, slug=slug)


def photos_of(product: Product) -> QuerySet[ProductPhoto]:
    """A product's photos (none before it is saved)."""
    return product.photos.all() if product.pk else ProductPhoto.objects.none()


def stock_of(product: Product) -> dict[int, int]:
    """The product's stock, edition id → quantity (nothing before it is saved)."""
    if not product.pk:
        return {}
    return dict(Stock.objects.filter(product=product).values_list("edition_id", "quantity"))


def photo(pk: int) -> ProductPhoto:
    return get_object_or_404(ProductPhoto.objects.select_related("product__organisation"), pk=pk)


def may_manage(user: Any, organisation: Organisation) -> bool:
    """Who may change an organisation's products: its members and the organisers of a series
    whose registry holds it."""
    return access.can_change(user, organisation)


def managed_organisation(user: Any, slug: str) -> Organisation:
    """The organisation a portal page names, for those who manage it: a 404 for anyone else,
    as for an organisation that does not exist."""
    found = get_object_or_404(Organisation, slug=slug)
    if not may_manage(user, found):
        raise Http404
    return found


# --- Search -----------------------------------------------------------------------------------


def search(query: str, *, kind: str, edition: int | None, page: int) -> tuple[Found, int]:
    """A page of the search (the page and the API): what was found, and how many pages of
    ``search.PAGE_SIZE`` results there are."""
    size = engine.PAGE_SIZE
    found = engine.find(query, kind=kind, edition=edition, limit=size, offset=(page - 1) * size)
    return found, -(-found.total // size)
