"""The observatory's open data: the tables the observatory page draws and anyone may download
as CSV or JSON under the Open Database License.

Aggregates only: no name, phone or e-mail of anyone, no organisation named. Sales and members
are protected by ``opendata_protect``: a figure built from 1 to ``OPENDATA_MIN_ORGANISATIONS``
- 1 organisations is suppressed (left empty, its column named in the row's ``suppressed``), and
so are as many others as it takes for no suppressed figure to be computed back from the totals.
Counts of organisations are published as they are: who exhibits is public on each edition's
site, and a count says nothing of any organisation's sales or members.
"""

import csv
import io
import json
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from maarid.core.money import CENT, ZERO
from maarid.registry.models import Kind, Sector

from .observatory import EditionFacts, ExhibitorFacts, Facts, facts
from .opendata_protect import Cell, Equation, protect

LICENCE = {
    "name": "Open Database License (ODbL) 1.0",
    "id": "ODbL-1.0",
    "url": "https://opendatacommons.org/licenses/odbl/1-0/",
}
ATTRIBUTION = "Maarid — observatoire des salons de l'ESS / مرصد معارض الاقتصاد الاجتماعي والتضامني"
NATIONAL = "MA"


def threshold() -> int:
    return int(getattr(settings, "OPENDATA_MIN_ORGANISATIONS", 3))


@dataclass
class Table:
    name: str
    title: str | Promise
    about: str | Promise
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)


def sector_names() -> dict[str, tuple[str, str]]:
    names = {}
    for code, label in Sector.choices:
        with translation.override("fr"):
            fr = str(label)
        with translation.override("ar"):
            ar = str(label)
        names[code] = (fr, ar)
    return names


def _money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT)


# --- The tables ---------------------------------------------------------------------------


@dataclass
class EditionFigures:
    """One edition's figures, protected: what the page and the files show of it."""

    edition: EditionFacts
    exhibitors: int
    first_timers: int
    returning: int | None  # of its first-timers, how many came back to the next edition
    visitors: int
    sales: Decimal | None  # None: suppressed
    sellers: int
    provinces: list[dict[str, Any]]  # code, exhibitors, sales (None: suppressed)
    sectors: list[dict[str, Any]]


@dataclass
class FabricFigures:
    code: str
    organisations: int
    cooperatives: int
    women_led: int
    members: int | None  # None: suppressed
    members_women: int | None

    @property
    def women_share(self) -> int | None:
        if self.members is None or self.members_women is None or not self.members:
            return None
        return round(self.members_women * 100 / self.members)


@dataclass
class Observed:
    """The observatory's figures, protected, and the facts' place names."""

    facts: Facts
    editions: list[EditionFigures]
    fabric_regions: list[FabricFigures]
    fabric_provinces: list[FabricFigures]
    fabric_sectors: list[FabricFigures]
    national: FabricFigures
    threshold: int


def observe(found: Facts | None = None) -> Observed:
    found = found or facts()
    k = threshold()
    regions, provinces, sectors, national = _fabric(found, k)
    return Observed(
        facts=found,
        editions=_editions(found, k),
        fabric_regions=regions,
        fabric_provinces=provinces,
        fabric_sectors=sectors,
        national=national,
        threshold=k,
    )


def _first_timers(found: Facts) -> dict[int, tuple[int, int | None]]:
    """edition -> (organisations exhibiting for the first time at its series, how many of them
    exhibited again at the series' next edition; None for the latest)."""
    result: dict[int, tuple[int, int | None]] = {}
    for editions in found.series_of.values():
        seen: set[int] = set()
        present = [{x.organisation_id for x in found.exhibitors.get(e.pk, [])} for e in editions]
        for i, edition in enumerate(editions):
            first = present[i] - seen
            back = len(first & present[i + 1]) if i + 1 < len(editions) else None
            result[edition.pk] = (len(first), back)
            seen |= present[i]
    return result


def _editions(found: Facts, k: int) -> list[EditionFigures]:
    firsts = _first_timers(found)
    figures = []
    for edition in found.editions:
        exhibitors = found.exhibitors.get(edition.pk, [])
        by_province = _breakdown(exhibitors, lambda x: x.province_id)
        by_sector = _breakdown(exhibitors, lambda x: x.sector)
        cells: dict[Hashable, Cell] = {"total": _sales_cell(exhibitors)}
        cells.update({("p", key): cell for key, (_n, cell) in by_province.items()})
        cells.update({("s", key): cell for key, (_n, cell) in by_sector.items()})
        protect(
            cells,
            [
                Equation("total", tuple(("p", key) for key in by_province)),
                Equation("total", tuple(("s", key) for key in by_sector)),
            ],
            k,
        )
        first, back = firsts[edition.pk]
        figures.append(
            EditionFigures(
                edition=edition,
                exhibitors=len(exhibitors),
                first_timers=first,
                returning=back,
                visitors=found.visitors.get(edition.pk, 0),
                sales=_shown(cells["total"]),
                sellers=cells["total"].contributors,
                provinces=_rows(by_province, cells, "p"),
                sectors=_rows(by_sector, cells, "s"),
            )
        )
    return figures


def _sales_cell(exhibitors: Iterable[ExhibitorFacts]) -> Cell:
    total, sellers = ZERO, 0
    for x in exhibitors:
        total += x.sales
        sellers += x.sales != 0
    return Cell(value=_money(total), contributors=sellers)


def _breakdown(exhibitors: list[ExhibitorFacts], key) -> dict[str, tuple[int, Cell]]:
    grouped: dict[str, list[ExhibitorFacts]] = defaultdict(list)
    for x in exhibitors:
        grouped[key(x)].append(x)
    return {code: (len(members), _sales_cell(members)) for code, members in sorted(grouped.items())}


def _shown(cell: Cell) -> Any:
    return None if cell.suppressed else cell.value


def _rows(breakdown: dict[str, tuple[int, Cell]], cells, prefix: str) -> list[dict[str, Any]]:
    return [
        {"code": code, "exhibitors": n, "sales": _shown(cells[(prefix, code)])}
        for code, (n, _cell) in breakdown.items()
    ]


def _fabric(
    found: Facts, k: int
) -> tuple[list[FabricFigures], list[FabricFigures], list[FabricFigures], FabricFigures]:
    """The registry's organisations by region, province and sector, and for the whole country;
    members protected across all three tables at once (they add up to the same total)."""
    groups: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in found.fabric:
        region = found.provinces[row.province_id].region_id
        for key in (("r", region), ("p", row.province_id), ("s", row.sector), ("n", NATIONAL)):
            g = groups[key]
            g["organisations"] += row.organisations
            g["cooperatives"] += row.organisations if row.kind == Kind.COOPERATIVE else 0
            g["women_led"] += row.women_led
            g["women"] += row.members_women
            g["members"] += row.members_women + row.members_men
    regions = sorted(c for t, c in groups if t == "r")
    provinces_of: dict[str, list[str]] = defaultdict(list)
    for t, code in sorted(groups):
        if t == "p":
            provinces_of[found.provinces[code].region_id].append(code)
    equations = [
        Equation(("n", NATIONAL), tuple(("r", r) for r in regions)),
        Equation(("n", NATIONAL), tuple(("s", c) for t, c in groups if t == "s")),
        *(Equation(("r", r), tuple(("p", p) for p in provinces_of[r])) for r in regions),
    ]
    shown: dict[str, dict[Hashable, Cell]] = {}
    for measure in ("members", "women"):
        cells: dict[Hashable, Cell] = {
            key: Cell(value=g[measure], contributors=g["organisations"])
            for key, g in groups.items()
        }
        protect(cells, equations, k)
        shown[measure] = cells

    def figures(key: tuple[str, str]) -> FabricFigures:
        g = groups[key]
        hidden = shown["members"][key].suppressed or shown["women"][key].suppressed
        return FabricFigures(
            code=key[1],
            organisations=g["organisations"],
            cooperatives=g["cooperatives"],
            women_led=g["women_led"],
            members=None if hidden else g["members"],
            members_women=None if hidden else g["women"],
        )

    national = (
        figures(("n", NATIONAL))
        if ("n", NATIONAL) in groups
        else FabricFigures(NATIONAL, 0, 0, 0, 0, 0)
    )
    return (
        [figures(("r", code)) for code in regions],
        [figures(("p", code)) for t, code in sorted(groups) if t == "p"],
        [figures(("s", code)) for t, code in sorted(groups) if t == "s"],
        national,
    )


# --- The files ----------------------------------------------------------------------------

EDITION_COLUMNS = ["region", "region_fr", "region_ar", "series", "series_fr", "series_ar"]
EDITION_COLUMNS += ["edition", "year", "first_day", "last_day", "status"]
FABRIC_COLUMNS = ["organisations", "cooperatives", "women_led_organisations", "members"]
FABRIC_COLUMNS += ["members_women", "women_share_percent", "suppressed"]


def _edition_cells(found: Facts, e: EditionFacts) -> dict[str, Any]:
    region = found.regions.get(e.region_id or "")
    return {
        "region": e.region_id or "",
        "region_fr": region.name_fr if region else "",
        "region_ar": region.name_ar if region else "",
        "series": e.series_slug,
        "series_fr": e.series_name_fr,
        "series_ar": e.series_name_ar,
        "edition": e.number,
        "year": e.year,
        "first_day": e.starts_on.isoformat(),
        "last_day": e.ends_on.isoformat(),
        "status": e.status,
    }


def _suppressed(row: dict[str, Any], columns: Iterable[str]) -> dict[str, Any]:
    row["suppressed"] = " ".join(c for c in columns if row[c] is None)
    return row


def _fabric_cells(f: FabricFigures) -> dict[str, Any]:
    return _suppressed(
        {
            "organisations": f.organisations,
            "cooperatives": f.cooperatives,
            "women_led_organisations": f.women_led,
            "members": f.members,
            "members_women": f.members_women,
            "women_share_percent": f.women_share,
        },
        ["members", "members_women"],
    )


def tables(observed: Observed | None = None) -> dict[str, Table]:
    """Every dataset, by its name in the URL."""
    o = observed or observe()
    found = o.facts
    sectors = sector_names()
    result = [
        Table(
            "editions",
            _("Editions"),
            _(
                "One row per edition of each fair: exhibitors, first-timers and how many of "
                "them came back to the next edition, visitors counted at the gates, net sales "
                "in MAD and the number of exhibitors they were made by."
            ),
            [*EDITION_COLUMNS, "exhibitors", "first_timers", "first_timers_back_next_edition"]
            + ["visitors", "sales_mad", "selling_organisations", "suppressed"],
            [
                _suppressed(
                    {
                        **_edition_cells(found, f.edition),
                        "exhibitors": f.exhibitors,
                        "first_timers": f.first_timers,
                        "first_timers_back_next_edition": f.returning,
                        "visitors": f.visitors,
                        "sales_mad": f.sales,
                        "selling_organisations": f.sellers,
                    },
                    ["sales_mad"],
                )
                for f in o.editions
            ],
        ),
        Table(
            "edition-provinces",
            _("Editions by province"),
            _("Each edition's exhibitors and net sales by the province they come from."),
            [*EDITION_COLUMNS, "province", "province_fr", "province_ar"]
            + ["exhibitors", "sales_mad", "suppressed"],
            [
                _suppressed(
                    {
                        **_edition_cells(found, f.edition),
                        "province": row["code"],
                        "province_fr": found.provinces[row["code"]].name_fr,
                        "province_ar": found.provinces[row["code"]].name_ar,
                        "exhibitors": row["exhibitors"],
                        "sales_mad": row["sales"],
                    },
                    ["sales_mad"],
                )
                for f in o.editions
                for row in f.provinces
            ],
        ),
        Table(
            "edition-sectors",
            _("Editions by sector"),
            _("Each edition's exhibitors and net sales by sector."),
            [*EDITION_COLUMNS, "sector", "sector_fr", "sector_ar"]
            + ["exhibitors", "sales_mad", "suppressed"],
            [
                _suppressed(
                    {
                        **_edition_cells(found, f.edition),
                        "sector": row["code"],
                        "sector_fr": sectors.get(row["code"], (row["code"], ""))[0],
                        "sector_ar": sectors.get(row["code"], (row["code"], ""))[1],
                        "exhibitors": row["exhibitors"],
                        "sales_mad": row["sales"],
                    },
                    ["sales_mad"],
                )
                for f in o.editions
                for row in f.sectors
            ],
        ),
        Table(
            "fabric-regions",
            _("SSE fabric by region"),
            _(
                "The registry's cooperatives, associations, economic interest groups and "
                "artisans by region, with their members and the share of women among them; "
                "the last row is the whole country (MA)."
            ),
            ["region", "region_fr", "region_ar", *FABRIC_COLUMNS],
            [
                {
                    "region": f.code,
                    "region_fr": found.regions[f.code].name_fr if f.code in found.regions else "",
                    "region_ar": found.regions[f.code].name_ar if f.code in found.regions else "",
                    **_fabric_cells(f),
                }
                for f in [*o.fabric_regions, o.national]
            ],
        ),
        Table(
            "fabric-provinces",
            _("SSE fabric by province"),
            _("The registry's organisations by province or prefecture, with their members."),
            ["region", "province", "province_fr", "province_ar", *FABRIC_COLUMNS],
            [
                {
                    "region": found.provinces[f.code].region_id,
                    "province": f.code,
                    "province_fr": found.provinces[f.code].name_fr,
                    "province_ar": found.provinces[f.code].name_ar,
                    **_fabric_cells(f),
                }
                for f in o.fabric_provinces
            ],
        ),
        Table(
            "fabric-sectors",
            _("SSE fabric by sector"),
            _("The registry's organisations by sector, for the whole country."),
            ["sector", "sector_fr", "sector_ar", *FABRIC_COLUMNS],
            [
                {
                    "sector": f.code,
                    "sector_fr": sectors.get(f.code, (f.code, ""))[0],
                    "sector_ar": sectors.get(f.code, (f.code, ""))[1],
                    **_fabric_cells(f),
                }
                for f in o.fabric_sectors
            ],
        ),
    ]
    return {t.name: t for t in result}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return value


def as_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=table.columns, lineterminator="\n")
    writer.writeheader()
    for row in table.rows:
        writer.writerow({c: "" if row[c] is None else _plain(row[c]) for c in table.columns})
    return out.getvalue()


def as_json(table: Table) -> str:
    return json.dumps(
        {
            "dataset": table.name,
            "title": str(table.title),
            "description": str(table.about),
            "licence": LICENCE,
            "attribution": ATTRIBUTION,
            "suppression": {
                "min_organisations": threshold(),
                "rule": (
                    "A figure built from fewer organisations than min_organisations is left "
                    "empty (null), and so are other figures, so that no empty figure can be "
                    "computed back from the totals; the row's 'suppressed' names them."
                ),
            },
            "columns": table.columns,
            "rows": [{c: _plain(row[c]) for c in table.columns} for row in table.rows],
        },
        ensure_ascii=False,
        indent=1,
    )
