"""The public search API: GET /api/v1/search?q=&kind=products|organisations&edition=&page=."""

from typing import Literal

from ninja import Field, Query, Router, Schema

from maarid.core.money import to_money
from maarid.core.params import MAX_INT

from . import search as engine
from . import selectors

router = Router(tags=["search"])


class SearchParams(Schema):
    q: str = Field("", max_length=engine.MAX_QUERY_LENGTH, description="What to look for.")
    kind: Literal["products", "organisations"] = "products"
    edition: int | None = Field(
        None, ge=1, le=MAX_INT, description="Only the exhibitors of this edition (its id)."
    )
    page: int = Field(1, ge=1, le=500)


class Named(Schema):
    slug: str
    name_ar: str
    name_fr: str


class ProductHit(Named):
    kind: Literal["product"] = "product"
    price: str | None = Field(description="MAD, a decimal string.")
    unit: str
    category: Named
    organisation: Named
    url: str
    exhibitor_url: str | None


class OrganisationHit(Named):
    kind: Literal["organisation"] = "organisation"
    organisation_kind: str
    sector: str
    province: str
    exhibitor_url: str | None


class SearchOut(Schema):
    q: str
    kind: str
    count: int = Field(description="How many results in all.")
    page: int
    pages: int
    page_size: int
    fuzzy: bool = Field(description="Found by typo tolerance: nothing matched the words as typed.")
    results: list[ProductHit] | list[OrganisationHit]


def _named(obj) -> dict:
    return {"slug": obj.slug, "name_ar": obj.name_ar, "name_fr": obj.name_fr}


def _product(p) -> dict:
    return {
        **_named(p),
        "kind": "product",
        "price": None if p.price is None else str(to_money(p.price)),
        "unit": p.unit,
        "category": _named(p.category),
        "organisation": _named(p.organisation),
        "url": p.url,
        "exhibitor_url": p.exhibitor_url,
    }


def _organisation(o) -> dict:
    return {
        **_named(o),
        "kind": "organisation",
        "organisation_kind": o.kind,
        "sector": o.sector,
        "province": o.province.name_fr,
        "exhibitor_url": o.exhibitor_url,
    }


@router.get("", response=SearchOut, summary="Search products and exhibitors")
def search(request, params: Query[SearchParams]):
    """Products (by default) or exhibiting organisations, best match first, 20 a page. Arabic
    and French spellings are normalised; every word is a prefix; a typo is tolerated."""
    found, pages = selectors.search(
        params.q, kind=params.kind, edition=params.edition, page=params.page
    )
    shape = _product if params.kind == "products" else _organisation
    return {
        "q": params.q,
        "kind": params.kind,
        "count": found.total,
        "page": params.page,
        "pages": pages,
        "page_size": engine.PAGE_SIZE,
        "fuzzy": found.fuzzy,
        "results": [shape(r) for r in found.results],
    }
