"""What the observatory page shows, made from the protected figures of ``opendata`` (so the page
never shows what the open data hides): each fair's trend, the fairs of the regions side by
side, the provinces and sectors that grow, first-timers who come back, and the SSE fabric."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from maarid.core import formatting

from .observatory_charts import Chart, bar_chart
from .opendata import EditionFigures, FabricFigures, Observed, sector_names

DASH = "—"


def _local(fr: str, ar: str) -> str:
    return ar if get_language() == "ar" and ar else fr


def _money(value: Decimal | None) -> str:
    return DASH if value is None else formatting.money(value)


def _count(value: int | None) -> str:
    return DASH if value is None else formatting.number(value)


def growth(before: Decimal | int | None, after: Decimal | int | None) -> int | None:
    """The change in percent, None when either figure is missing or the first is zero."""
    if before is None or after is None or not before:
        return None
    return round((Decimal(after) - Decimal(before)) * 100 / Decimal(before))


def _percent(value: int | None) -> str:
    if value is None:
        return DASH
    return f"{value:+d} %" if get_language() != "ar" else f"{value:+d}٪"


@dataclass
class SeriesSummary:
    slug: str
    name: str
    region: str
    editions: list[EditionFigures]

    @property
    def latest(self) -> EditionFigures:
        return self.editions[-1]

    @property
    def previous(self) -> EditionFigures | None:
        return self.editions[-2] if len(self.editions) > 1 else None

    def change(self, attribute: str) -> str:
        before = getattr(self.previous, attribute) if self.previous else None
        return _percent(growth(before, getattr(self.latest, attribute)))

    @property
    def exhibitors_change(self) -> str:
        return self.change("exhibitors")

    @property
    def visitors_change(self) -> str:
        return self.change("visitors")

    @property
    def sales_change(self) -> str:
        return self.change("sales")


@dataclass
class Change:
    """A province's or sector's figures at the last two editions of a fair."""

    name: str
    exhibitors_before: int
    exhibitors_after: int
    sales_before: str
    sales_after: str
    exhibitors_change: int
    sales_change: str
    sort: Decimal


def _changes(
    before: list[dict[str, Any]], after: list[dict[str, Any]], names: dict[str, str]
) -> list[Change]:
    old = {row["code"]: row for row in before}
    new = {row["code"]: row for row in after}
    changes = []
    for code in sorted(set(old) | set(new)):
        o = old.get(code, {"exhibitors": 0, "sales": Decimal(0)})
        n = new.get(code, {"exhibitors": 0, "sales": Decimal(0)})
        sales_growth = growth(o["sales"], n["sales"])
        changes.append(
            Change(
                name=names.get(code, code),
                exhibitors_before=o["exhibitors"],
                exhibitors_after=n["exhibitors"],
                sales_before=_money(o["sales"]),
                sales_after=_money(n["sales"]),
                exhibitors_change=n["exhibitors"] - o["exhibitors"],
                sales_change=_percent(sales_growth),
                sort=Decimal(n["exhibitors"] - o["exhibitors"]),
            )
        )
    return sorted(changes, key=lambda c: (-c.sort, c.name))


@dataclass
class FabricRow:
    name: str
    organisations: str
    cooperatives: str
    women_led: str
    members: str
    women_share: str


def _fabric_rows(rows: list[FabricFigures], names: dict[str, str]) -> list[FabricRow]:
    return [
        FabricRow(
            name=names.get(f.code, f.code),
            organisations=_count(f.organisations),
            cooperatives=_count(f.cooperatives),
            women_led=_count(f.women_led),
            members=_count(f.members),
            women_share=DASH if f.women_share is None else f"{f.women_share} %",
        )
        for f in rows
    ]


def context(observed: Observed, series_slug: str | None, region: str | None) -> dict[str, Any]:
    found = observed.facts
    regions = {code: _local(p.name_fr, p.name_ar) for code, p in found.regions.items()}
    provinces = {code: _local(p.name_fr, p.name_ar) for code, p in found.provinces.items()}
    sectors = {code: _local(fr, ar) for code, (fr, ar) in sector_names().items()}

    by_series: dict[str, list[EditionFigures]] = {}
    for figures in observed.editions:
        by_series.setdefault(figures.edition.series_slug, []).append(figures)
    series = [
        SeriesSummary(
            slug=slug,
            name=_local(editions[0].edition.series_name_fr, editions[0].edition.series_name_ar),
            region=regions.get(editions[0].edition.region_id or "", ""),
            editions=editions,
        )
        for slug, editions in by_series.items()
    ]
    series.sort(key=lambda s: (-len(s.editions), s.name))
    chosen = next((s for s in series if s.slug == series_slug), series[0] if series else None)

    charts: list[Chart] = []
    province_changes: list[Change] = []
    sector_changes: list[Change] = []
    if chosen:
        eds = chosen.editions
        labels = [f"{e.edition.number} · {e.edition.year}" for e in eds]
        charts = [
            bar_chart(
                "exhibitors",
                _("Exhibitors"),
                list(zip(labels, [e.exhibitors for e in eds], strict=True)),
                [_count(e.exhibitors) for e in eds],
            ),
            bar_chart(
                "visitors",
                _("Visitors"),
                list(zip(labels, [e.visitors for e in eds], strict=True)),
                [_count(e.visitors) for e in eds],
            ),
            bar_chart(
                "sales",
                _("Sales (MAD)"),
                list(zip(labels, [e.sales for e in eds], strict=True)),
                [_short_money(e.sales) for e in eds],
            ),
            bar_chart(
                "first-timers",
                _("First-timers who came back to the next edition"),
                list(zip(labels, [e.returning for e in eds], strict=True)),
                # Isolated left to right: on an Arabic page "27 / 70" must not read "70 / 27".
                [f"\u2066{_count(e.returning)} / {_count(e.first_timers)}\u2069" for e in eds],
            ),
        ]
        if chosen.previous:
            province_changes = _changes(
                chosen.previous.provinces, chosen.latest.provinces, provinces
            )
            sector_changes = _changes(chosen.previous.sectors, chosen.latest.sectors, sectors)

    latest = [s.latest for s in series]
    fairs_charts = [
        bar_chart(
            "fairs-sales",
            _("Sales at each fair's latest edition (MAD)"),
            [(s.region or s.name, s.latest.sales) for s in series],
            [_short_money(s.latest.sales) for s in series],
        ),
        bar_chart(
            "fairs-exhibitors",
            _("Exhibitors at each fair's latest edition"),
            [(s.region or s.name, s.latest.exhibitors) for s in series],
            [_count(s.latest.exhibitors) for s in series],
        ),
    ]
    chosen_region = region if region in {f.code for f in observed.fabric_regions} else None
    fabric_provinces = [
        f
        for f in observed.fabric_provinces
        if chosen_region and found.provinces[f.code].region_id == chosen_region
    ]
    return {
        "series": series,
        "chosen": chosen,
        "charts": charts,
        "province_changes": province_changes,
        "sector_changes": sector_changes,
        "fairs_charts": fairs_charts if len(latest) > 1 else [],
        "fabric_regions": _fabric_rows(observed.fabric_regions, regions),
        "fabric_national": _fabric_rows([observed.national], {"MA": _("Morocco")})[0],
        "fabric_sectors": _fabric_rows(observed.fabric_sectors, sectors),
        "fabric_provinces": _fabric_rows(fabric_provinces, provinces),
        "region_choices": [(f.code, regions.get(f.code, f.code)) for f in observed.fabric_regions],
        "chosen_region": chosen_region,
        "chosen_region_name": regions.get(chosen_region or "", ""),
        "fabric_chart": bar_chart(
            "fabric-regions",
            _("Organisations in the registry by region"),
            [(f.code, f.organisations) for f in observed.fabric_regions],
            [_count(f.organisations) for f in observed.fabric_regions],
            summary=", ".join(
                f"{regions.get(f.code, f.code)}: {f.organisations}" for f in observed.fabric_regions
            ),
        ),
        "threshold": observed.threshold,
    }


def _short_money(value: Decimal | None) -> str:
    """Sales under a bar: millions or thousands of MAD, rounded."""
    if value is None:
        return DASH
    if abs(value) >= 1_000_000:
        return _("%(amount)s M") % {"amount": formatting.number(round(value / 1_000_000, 1))}
    if abs(value) >= 1_000:
        return _("%(amount)s k") % {"amount": formatting.number(round(value / 1_000))}
    return formatting.number(round(value))
