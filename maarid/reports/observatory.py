"""The observatory's reads: the facts every comparison is made of, in a bounded number of
grouped queries whatever the number of sales (one per kind of fact, none per edition).

Only editions past their draft count. Sales are each exhibitor's net total at an edition (voids
and refunds taken off), read from the sales app; visitors are the gates' entries; the SSE
fabric is the registry's organisations of the kinds that exhibit (cooperatives, associations,
GIE, artisans), by province, sector and kind. What may be published of these facts, and how,
is ``opendata.py``'s business.

Queries: the editions; the active exhibitors with their organisation's province, sector and
kind; the sales summary grouped by edition and exhibitor; the gates' entries grouped by
edition; the registry grouped by province, sector and kind; the regions and provinces. Seven
in all, each bounded by the number of editions, exhibitors or places, not of sales.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from maarid.core.money import ZERO
from maarid.exhibitors.selectors import active_exhibitors
from maarid.fairs.selectors import public_editions
from maarid.registry.models import BUYER_KINDS, Organisation, Province, Region
from maarid.sales.selectors import totals_by
from maarid.visitors.models import Count as GateCount
from maarid.visitors.models import Direction


@dataclass(frozen=True)
class EditionFacts:
    pk: int
    series_id: int
    series_slug: str
    series_name_fr: str
    series_name_ar: str
    region_id: str | None
    number: int
    starts_on: datetime.date
    ends_on: datetime.date
    status: str

    @property
    def year(self) -> int:
        return self.starts_on.year


@dataclass(frozen=True)
class ExhibitorFacts:
    edition_id: int
    organisation_id: int
    province_id: str
    sector: str
    kind: str
    sales: Decimal  # net, at that edition


@dataclass(frozen=True)
class FabricFacts:
    """Organisations of one province, sector and kind in the registry."""

    province_id: str
    sector: str
    kind: str
    organisations: int
    members_women: int
    members_men: int
    women_led: int


@dataclass(frozen=True)
class PlaceName:
    code: str
    name_fr: str
    name_ar: str
    region_id: str  # a region's own code for a region


@dataclass
class Facts:
    editions: list[EditionFacts]  # by series, then number
    exhibitors: dict[int, list[ExhibitorFacts]]  # edition -> its active exhibitors
    visitors: dict[int, int]  # edition -> entries counted at the gates
    fabric: list[FabricFacts]
    regions: dict[str, PlaceName]
    provinces: dict[str, PlaceName]
    series_of: dict[int, list[EditionFacts]] = field(default_factory=dict)


def facts() -> Facts:
    """Everything the observatory shows, read once per page or file."""
    editions = [
        EditionFacts(
            pk=e.pk,
            series_id=e.series_id,
            series_slug=e.series.slug,
            series_name_fr=e.series.name_fr,
            series_name_ar=e.series.name_ar,
            region_id=e.series.region_id,
            number=e.number,
            starts_on=e.starts_on,
            ends_on=e.ends_on,
            status=e.status,
        )
        for e in public_editions().order_by("series__slug", "number")
    ]
    ids = [e.pk for e in editions]
    series_of: dict[int, list[EditionFacts]] = defaultdict(list)
    for e in editions:
        series_of[e.series_id].append(e)
    return Facts(
        editions=editions,
        exhibitors=exhibitors_of(ids),
        visitors=visitors_of(ids),
        fabric=fabric(),
        regions={
            r["code"]: PlaceName(r["code"], r["name_fr"], r["name_ar"], r["code"])
            for r in Region.objects.values("code", "name_fr", "name_ar")
        },
        provinces={
            p["code"]: PlaceName(p["code"], p["name_fr"], p["name_ar"], p["region_id"])
            for p in Province.objects.values("code", "name_fr", "name_ar", "region_id")
        },
        series_of=dict(series_of),
    )


def net_sales_of(edition_ids: list[int]) -> dict[tuple[int, int], Decimal]:
    """(edition, exhibitor) -> net sales, in one grouped query over the sales app's summary
    tables (a few rows per exhibitor and day, however many sales were made)."""
    if not edition_ids:
        return {}
    return {
        (row["edition"], row["exhibitor"]): row["total"]
        for row in totals_by(edition_ids, "edition", "exhibitor")
    }


def exhibitors_of(edition_ids: list[int]) -> dict[int, list[ExhibitorFacts]]:
    sales = net_sales_of(edition_ids)
    rows = (
        active_exhibitors()
        .filter(edition_id__in=edition_ids)
        .values_list(
            "pk",
            "edition_id",
            "organisation_id",
            "organisation__province_id",
            "organisation__sector",
            "organisation__kind",
        )
    )
    found: dict[int, list[ExhibitorFacts]] = defaultdict(list)
    for pk, edition_id, organisation_id, province_id, sector, kind in rows:
        found[edition_id].append(
            ExhibitorFacts(
                edition_id=edition_id,
                organisation_id=organisation_id,
                province_id=province_id,
                sector=sector,
                kind=kind,
                sales=sales.get((edition_id, pk), ZERO),
            )
        )
    return dict(found)


def visitors_of(edition_ids: list[int]) -> dict[int, int]:
    """Entries counted at the gates of each edition (corrections included)."""
    rows = (
        GateCount.objects.filter(edition_id__in=edition_ids, direction=Direction.IN)
        .values("edition_id")
        .annotate(n=Sum("amount"))
        .values_list("edition_id", "n")
    )
    return {edition_id: n or 0 for edition_id, n in rows}


def fabric() -> list[FabricFacts]:
    """The registry's exhibiting kinds of organisations, grouped by province, sector, kind."""
    rows = (
        Organisation.objects.exclude(kind__in=BUYER_KINDS)
        .values("province_id", "sector", "kind")
        .annotate(
            n=Count("id"),
            women=Sum("members_women"),
            men=Sum("members_men"),
            led=Count("id", filter=Q(women_led=True)),
        )
        .order_by()
    )
    return [
        FabricFacts(
            province_id=r["province_id"],
            sector=r["sector"],
            kind=r["kind"],
            organisations=r["n"],
            members_women=r["women"] or 0,
            members_men=r["men"] or 0,
            women_led=r["led"],
        )
        for r in rows
    ]
