"""The closing report as a reader reads it: its figures (a draft's, or a frozen snapshot's)
put into sentences, tables and charts in the reader's language, with the corrections made
since it was frozen, and, for the organisers, the link to the rows behind each figure.

Plain Python over the figures' JSON (no query): the page, the PDF and the exports all read
the ``Report`` made here.

What the public reads of a closed edition's report: every part, but no single exhibitor's
sales. The ten best sellers are named without their amounts, and a sales slice (a province,
a sector, a kind) made by fewer than ``SMALLEST_GROUP`` exhibitors is added to "others".
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from maarid.core import formatting
from maarid.fairs.models import Edition, Partner
from maarid.registry.models import Kind, Sector
from maarid.visitors.models import SurveyAnswer

from . import charts
from .models import ClosingReport
from .selectors import Figures, Reader

SMALLEST_GROUP = 3


@dataclass
class Cell:
    text: str
    link: str = ""
    correction: str = ""
    number: bool = False
    value: Decimal | None = None  # the figure itself, for the exports


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    chart: SafeString | None = None  # drawn above the table


@dataclass
class Section:
    key: str
    title: str
    facts: list[tuple[str, Cell]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class Report:
    edition: Edition
    reader: Reader
    language: str
    frozen: ClosingReport | None
    sections: list[Section]
    corrected: int  # how many figures moved since the report was frozen

    @property
    def empty(self) -> bool:
        return not self.sections


# --- Corrections ------------------------------------------------------------------------------

MONEY_PATHS = ("sales.", "b2b.deals_amount")
COUNT_PATHS = ("sales.sales", "sales.offline_sales")


def _is_money(path: str) -> bool:
    return path.startswith(MONEY_PATHS) and not path.startswith(COUNT_PATHS)


def flatten(figures: Figures) -> dict[str, Decimal]:
    """Every figure of the report by its path (``sales.by_day.2024-06-01``)."""
    flat: dict[str, Decimal] = {}
    ex = figures.get("exhibitors")
    if ex:
        for name in ("total", "womens_cooperatives", "first_timers"):
            flat[f"exhibitors.{name}"] = Decimal(ex[name])
        for row in ex["by_province"]:
            flat[f"exhibitors.by_province.{row['key']}"] = Decimal(row["value"])
        for slicing in ("by_sector", "by_kind"):
            for key, n in ex[slicing]:
                flat[f"exhibitors.{slicing}.{key}"] = Decimal(n)
    vi = figures.get("visitors")
    if vi:
        flat["visitors.total"] = Decimal(vi["total"])
        for day, n in vi["by_day"]:
            flat[f"visitors.by_day.{day}"] = Decimal(n)
        for row in vi["by_gate"]:
            flat[f"visitors.by_gate.{row['key']}"] = Decimal(row["value"])
    sa = figures.get("sales")
    if sa:
        for name in ("total", "sales", "average_basket", "offline_total", "offline_sales"):
            flat[f"sales.{name}"] = Decimal(sa[name])
        for slicing in ("by_day", "by_sector", "by_kind", "by_province", "top"):
            for row in sa[slicing]:
                flat[f"sales.{slicing}.{row[0]}"] = Decimal(row[1])
    for part in ("programme", "b2b"):
        found = figures.get(part)
        if found:
            for name, value in found.items():
                flat[f"{part}.{name}"] = Decimal(value)
    return flat


def corrections(frozen: Figures, live: Figures) -> dict[str, tuple[Decimal, Decimal]]:
    """The figures that moved since the report was frozen: path -> (frozen, now)."""
    before, now = flatten(frozen), flatten(live)
    moved = {}
    for path in before.keys() | now.keys():
        old, new = before.get(path, Decimal(0)), now.get(path, Decimal(0))
        if old != new:
            moved[path] = (old, new)
    return moved


# --- Making the report ------------------------------------------------------------------------


class _Writer:
    def __init__(
        self,
        edition: Edition,
        reader: Reader,
        language: str,
        moved: dict[str, tuple[Decimal, Decimal]],
    ):
        self.edition = edition
        self.reader = reader
        self.language = language
        self.moved = moved
        self.flat: dict[str, Decimal] = {}
        self._chart: SafeString | None = None
        self.arabic = language.startswith("ar")
        self.args = [edition.series.slug, edition.number]

    # Formats

    def money(self, value: Any) -> str:
        return formatting.money(Decimal(value), self.language)

    def number(self, value: Any) -> str:
        return formatting.number(value, self.language)

    def percent(self, part: Any, whole: Any) -> str:
        if not whole:
            return ""
        share = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))
        return _("%(share)s%%") % {"share": formatting.number(share, self.language)}

    def share(self, part: Any, whole: Any, *, money: bool = False) -> str:
        shown = self.money(part) if money else self.number(part)
        return f"{shown} ({self.percent(part, whole)})" if whole else shown

    def day(self, iso: str, fmt: str = "EEEE d MMMM") -> str:
        return formatting.date(datetime.date.fromisoformat(iso), fmt, self.language)

    def name(self, arabic: str, french: str) -> str:
        return formatting.bilingual(arabic, french, self.language).text

    # Links and corrections

    @property
    def organiser(self) -> bool:
        return self.reader == "organiser"

    def rows(self, what: str, **filters: Any) -> str:
        if not self.organiser:
            return ""
        url = reverse("reports:rows", args=[*self.args, what])
        return f"{url}?{urlencode(filters)}" if filters else url

    def page(self, name: str, *extra: Any, query: str = "") -> str:
        if not self.organiser:
            return ""
        url = reverse(name, args=[*self.args, *extra])
        return f"{url}?{query}" if query else url

    def correction(self, path: str) -> str:
        if path not in self.moved:
            return ""
        old, new = self.moved[path]
        shown: Callable[[Any], str] = self.money if _is_money(path) else self.number
        change = new - old
        sign = "+" if change > 0 else "−"
        return _("correction since it was frozen: %(change)s, now %(now)s") % {
            "change": sign + shown(abs(change)),
            "now": shown(new),
        }

    def cell(self, path: str, text: str, link: str = "") -> Cell:
        return Cell(text, link, self.correction(path), number=True, value=self.flat.get(path))

    # Tables, each with the chart drawn just before it

    def chart_next(self, chart: SafeString) -> None:
        self._chart = chart or None

    def add(self, section: Section, table: Table) -> None:
        table.chart, self._chart = self._chart, None
        section.tables.append(table)

    # Parts

    def exhibitors(self, ex: Figures) -> Section:
        total = ex["total"]
        section = Section("exhibitors", _("Exhibitors"))
        section.facts = [
            (
                _("Exhibitors"),
                self.cell("exhibitors.total", self.number(total), self.rows("exhibitors")),
            ),
            (
                _("Women's cooperatives"),
                self.cell(
                    "exhibitors.womens_cooperatives",
                    self.share(ex["womens_cooperatives"], total),
                    self.rows("exhibitors", women=1),
                ),
            ),
            (
                _("First-time exhibitors"),
                self.cell(
                    "exhibitors.first_timers",
                    self.share(ex["first_timers"], total),
                    self.rows("exhibitors", first=1),
                ),
            ),
        ]
        provinces = [
            (
                row["key"],
                self.name(row["name_ar"], row["name_fr"]) or _("Province not given"),
                row["value"],
            )
            for row in ex["by_province"]
        ]
        sectors = dict(Sector.choices)
        kinds = dict(Kind.choices)
        slicings = [
            ("by_province", _("Exhibitors by province"), _("Province"), "province", provinces),
            (
                "by_sector",
                _("Exhibitors by sector"),
                _("Sector"),
                "sector",
                [(k, str(sectors.get(k, k)), n) for k, n in ex["by_sector"]],
            ),
            (
                "by_kind",
                _("Exhibitors by kind of organisation"),
                _("Kind"),
                "kind",
                [(k, str(kinds.get(k, k)), n) for k, n in ex["by_kind"]],
            ),
        ]
        for slicing, title, column, param, items in slicings:
            self.chart_next(
                charts.bars(
                    [charts.Bar(label, n, self.number(n)) for _k, label, n in items[:12]],
                    title=title,
                    rtl=self.arabic,
                )
            )
            self.add(
                section,
                Table(
                    f"exhibitors-{slicing}",
                    title,
                    [column, _("Exhibitors"), _("Share")],
                    [
                        [
                            Cell(label),
                            self.cell(
                                f"exhibitors.{slicing}.{key}",
                                self.number(n),
                                self.rows("exhibitors", **{param: key}),
                            ),
                            Cell(self.percent(n, total), number=True),
                        ]
                        for key, label, n in items
                    ],
                ),
            )
        return section

    def visitors(self, vi: Figures) -> Section:
        section = Section("visitors", _("Visitors"))
        if vi["total"]:
            section.facts.append(
                (
                    _("Visitors"),
                    self.cell(
                        "visitors.total", self.number(vi["total"]), self.page("visitors:board")
                    ),
                )
            )
            peak = vi.get("peak")
            if peak:
                hour = peak["hour"]
                section.facts.append(
                    (
                        _("Busiest hour"),
                        Cell(
                            _("%(day)s, %(start)s–%(end)s: %(entries)s entries")
                            % {
                                "day": self.day(peak["day"]),
                                "start": f"{hour:02d}:00",
                                "end": f"{(hour + 1) % 24:02d}:00",
                                "entries": self.number(peak["value"]),
                            },
                            self.rows("entries", day=peak["day"], hour=hour),
                        ),
                    )
                )
            days = [(d, n) for d, n in vi["by_day"]]
            self.chart_next(
                charts.columns(
                    [charts.Bar(self.day(d), n, self.number(n), self.day(d, "d")) for d, n in days],
                    title=_("Visitors by day"),
                    rtl=self.arabic,
                )
            )
            self.add(
                section,
                Table(
                    "visitors-by-day",
                    _("Visitors by day"),
                    [_("Day"), _("Entries")],
                    [
                        [
                            Cell(self.day(d)),
                            self.cell(
                                f"visitors.by_day.{d}", self.number(n), self.rows("entries", day=d)
                            ),
                        ]
                        for d, n in days
                    ],
                ),
            )
            self.add(
                section,
                Table(
                    "visitors-by-gate",
                    _("Visitors by gate"),
                    [_("Gate"), _("Entries"), _("Share")],
                    [
                        [
                            Cell(self.name(g["name_ar"], g["name_fr"])),
                            self.cell(
                                f"visitors.by_gate.{g['key']}",
                                self.number(g["value"]),
                                self.rows("entries", gate=g["key"]),
                            ),
                            Cell(self.percent(g["value"], vi["total"]), number=True),
                        ]
                        for g in vi["by_gate"]
                    ],
                ),
            )
        survey = vi.get("survey")
        if survey:
            answers = survey["answers"]
            section.facts.append((_("Survey answers"), Cell(self.number(answers), number=True)))
            if survey.get("satisfaction"):
                section.facts.append(
                    (
                        _("Satisfaction (out of 5)"),
                        Cell(self.number(Decimal(survey["satisfaction"])), number=True),
                    )
                )
            for key, title, choices in (
                ("heard", _("How visitors heard of the fair"), SurveyAnswer.Heard),
                ("again", _("Would come again"), SurveyAnswer.Again),
                ("spent", _("What visitors spent"), SurveyAnswer.Spent),
            ):
                labels = dict(choices.choices)
                self.add(
                    section,
                    Table(
                        f"survey-{key}",
                        title,
                        [_("Answer"), _("Answers"), _("Share")],
                        [
                            [
                                Cell(str(labels.get(k, k))),
                                Cell(self.number(n), number=True),
                                Cell(self.percent(n, answers), number=True),
                            ]
                            for k, n in survey[key]
                        ],
                    ),
                )
        return section

    def sales(self, sa: Figures, ex: Figures | None) -> Section:
        section = Section("sales", _("Sales"))
        total = Decimal(sa["total"])
        section.facts = [
            (_("Sales in all"), self.cell("sales.total", self.money(total), self.rows("sales"))),
            (
                _("Sales recorded"),
                self.cell("sales.sales", self.number(sa["sales"]), self.rows("sales")),
            ),
            (
                _("Average basket"),
                self.cell(
                    "sales.average_basket",
                    self.money(sa["average_basket"]),
                    self.page("turnover:board"),
                ),
            ),
            (
                _("Made offline"),
                self.cell(
                    "sales.offline_total",
                    self.share(sa["offline_total"], total, money=True),
                    self.rows("sales", offline=1),
                ),
            ),
        ]
        days = sa["by_day"]
        self.chart_next(
            charts.columns(
                [
                    # Numbers only in the SVG (charts.py): the currency is in the table.
                    charts.Bar(self.day(k), Decimal(t), self.number(Decimal(t)), self.day(k, "d"))
                    for k, t, _n in days
                ],
                title=_("Sales by day"),
                rtl=self.arabic,
            )
        )
        self.add(
            section,
            Table(
                "sales-by-day",
                _("Sales by day"),
                [_("Day"), _("Sales"), _("Amount")],
                [
                    [
                        Cell(self.day(k)),
                        Cell(self.number(n), number=True),
                        self.cell(f"sales.by_day.{k}", self.money(t), self.rows("sales", day=k)),
                    ]
                    for k, t, n in days
                ],
            ),
        )
        groups = self._groups(ex)
        sectors, kinds = dict(Sector.choices), dict(Kind.choices)
        slicings = [
            (
                "by_sector",
                _("Sales by sector"),
                _("Sector"),
                "sector",
                [(k, str(sectors.get(k, k)), t, n) for k, t, n in sa["by_sector"]],
            ),
            (
                "by_province",
                _("Sales by province of the exhibitor"),
                _("Province"),
                "province",
                [
                    (row[0], self.name(row[3], row[4]) or _("Province not given"), row[1], row[2])
                    for row in sa["by_province"]
                ],
            ),
            (
                "by_kind",
                _("Sales by kind of organisation"),
                _("Kind"),
                "kind",
                [(k, str(kinds.get(k, k)), t, n) for k, t, n in sa["by_kind"]],
            ),
        ]
        for slicing, title, column, param, items in slicings:
            if not self.organiser:
                items = self._grouped(items, groups.get(slicing, {}))
            self.chart_next(
                charts.bars(
                    [
                        charts.Bar(label, Decimal(t), self.money(t))
                        for _k, label, t, _n in items[:12]
                    ],
                    title=title,
                    rtl=self.arabic,
                )
            )
            self.add(
                section,
                Table(
                    f"sales-{slicing}",
                    title,
                    [column, _("Sales"), _("Amount"), _("Share")],
                    [
                        [
                            Cell(label),
                            Cell(self.number(n), number=True),
                            self.cell(
                                f"sales.{slicing}.{key}",
                                self.money(t),
                                self.rows("sales", **{param: key}) if key != "others" else "",
                            ),
                            Cell(self.percent(t, total), number=True),
                        ]
                        for key, label, t, n in items
                    ],
                ),
            )
        top = sa["top"]
        if top:
            if self.organiser:
                rows = [
                    [
                        Cell(self.number(rank), number=True),
                        Cell(self.name(row[3], row[4])),
                        Cell(self.number(row[2]), number=True),
                        self.cell(
                            f"sales.top.{row[0]}",
                            self.money(row[1]),
                            self.rows("sales", exhibitor=row[0]),
                        ),
                    ]
                    for rank, row in enumerate(top, start=1)
                ]
                columns = [_("Rank"), _("Exhibitor"), _("Sales"), _("Amount")]
            else:
                rows = [
                    [Cell(self.number(rank), number=True), Cell(self.name(row[3], row[4]))]
                    for rank, row in enumerate(top, start=1)
                ]
                columns = [_("Rank"), _("Exhibitor")]
            self.add(section, Table("sales-top", _("The ten best sellers"), columns, rows))
        return section

    def _groups(self, ex: Figures | None) -> dict[str, dict[str, int]]:
        """How many exhibitors each sales slice is made of (the public's threshold)."""
        if not ex:
            return {}
        return {
            "by_province": {row["key"]: row["value"] for row in ex["by_province"]},
            "by_sector": dict(ex["by_sector"]),
            "by_kind": dict(ex["by_kind"]),
        }

    def _grouped(
        self, items: list[tuple[str, str, str, int]], sizes: dict[str, int]
    ) -> list[tuple[str, str, str, int]]:
        kept = [item for item in items if sizes.get(item[0], 0) >= SMALLEST_GROUP]
        rest = [item for item in items if sizes.get(item[0], 0) < SMALLEST_GROUP]
        if rest:
            kept.append(
                (
                    "others",
                    _("Others (fewer than %(n)s exhibitors each)") % {"n": SMALLEST_GROUP},
                    str(sum((Decimal(t) for _k, _l, t, _n in rest), Decimal("0.00"))),
                    sum(n for _k, _l, _t, n in rest),
                )
            )
        return kept

    def programme(self, pr: Figures) -> Section:
        section = Section("programme", _("Programme"))
        grid = self.page("programme:grid")
        section.facts = [
            (_("Sessions"), self.cell("programme.sessions", self.number(pr["sessions"]), grid)),
            (
                _("Registrations"),
                self.cell("programme.registrations", self.number(pr["registrations"]), grid),
            ),
            (
                _("Attendance"),
                self.cell("programme.attendance", self.number(pr["attendance"]), grid),
            ),
            (
                _("Certificates issued"),
                self.cell(
                    "programme.certificates",
                    self.number(pr["certificates"]),
                    self.page("programme:certificates"),
                ),
            ),
        ]
        return section

    def b2b(self, bb: Figures) -> Section:
        section = Section("b2b", _("Business meetings"))
        meetings = self.page("b2b:meetings")
        section.facts = [
            (_("Buyers"), self.cell("b2b.buyers", self.number(bb["buyers"]), meetings)),
            (_("Sellers"), self.cell("b2b.sellers", self.number(bb["sellers"]), meetings)),
            (
                _("Meeting requests"),
                self.cell("b2b.requests", self.number(bb["requests"]), meetings),
            ),
            (
                _("Meetings scheduled"),
                self.cell("b2b.scheduled", self.number(bb["scheduled"]), meetings),
            ),
            (_("Meetings held"), self.cell("b2b.held", self.number(bb["held"]), meetings)),
            (_("Deals reported"), self.cell("b2b.deals", self.number(bb["deals"]), meetings)),
            (
                _("Value of the deals"),
                self.cell("b2b.deals_amount", self.money(bb["deals_amount"]), meetings),
            ),
        ]
        return section

    def awards(self, found: list[Figures]) -> Section:
        section = Section("awards", _("Awards"))
        rows = []
        for award in found:
            name = (
                award.get("name_en") if self.language == "en" and award.get("name_en") else ""
            ) or self.name(award["name_ar"], award["name_fr"])
            winners = formatting.items(
                [self.name(w["name_ar"], w["name_fr"]) for w in award["winners"]], self.language
            )
            link = self.page("awards:results", int(award["key"]))
            rows.append([Cell(name, link), Cell(winners)])
        self.add(
            section, Table("awards", _("Awards and winners"), [_("Award"), _("Winners")], rows)
        )
        return section

    def partners(self, found: list[Figures]) -> Section:
        section = Section("partners", _("Partners"))
        roles = dict(Partner.Role.choices)
        self.add(
            section,
            Table(
                "partners",
                _("Partners"),
                [_("Partner"), _("Role")],
                [
                    [
                        Cell(self.name(p["name_ar"], p["name_fr"])),
                        Cell(str(roles.get(p["role"], p["role"]))),
                    ]
                    for p in found
                ],
            ),
        )
        return section


def present(
    edition: Edition,
    figures: Figures,
    *,
    reader: Reader,
    language: str,
    frozen: ClosingReport | None = None,
    live: Figures | None = None,
) -> Report:
    """The report in ``language`` for ``reader``; ``live``: the figures now, for a frozen
    report's corrections."""
    moved = corrections(figures, live) if live is not None else {}
    with translation.override(language):
        writer = _Writer(edition, reader, language, moved)
        writer.flat = flatten(figures)
        sections = []
        if figures.get("exhibitors"):
            sections.append(writer.exhibitors(figures["exhibitors"]))
        if figures.get("visitors"):
            sections.append(writer.visitors(figures["visitors"]))
        if figures.get("sales"):
            sections.append(writer.sales(figures["sales"], figures.get("exhibitors")))
        if figures.get("programme"):
            sections.append(writer.programme(figures["programme"]))
        if figures.get("b2b"):
            sections.append(writer.b2b(figures["b2b"]))
        if figures.get("awards"):
            sections.append(writer.awards(figures["awards"]))
        if figures.get("partners"):
            sections.append(writer.partners(figures["partners"]))
    return Report(edition, reader, language, frozen, sections, len(moved))
