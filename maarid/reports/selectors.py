"""Reads of the closing report: its figures as they are now (the draft), the frozen ones, and
the rows behind each figure for the organisers.

The figures are plain JSON (``Figures``): counts as integers, amounts as decimal strings, the
names of places, gates, exhibitors and awards in Arabic and French, everything else as keys
(a sector, a kind, a day) that the page translates. So a frozen report reads the same in
every language, years later, whatever is renamed since.

Every part is read with a bounded number of grouped queries, whatever the size of the fair:
the sales come from ``sales.selectors.turnover`` (the ledger's own slicing, voids and refunds
taken off), the exhibitors from one grouped query, the visitors from one, the rest from the
other apps' selectors. A part whose app holds nothing for the edition is ``None``.
"""

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any, Literal, TypedDict

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import ExtractHour
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from maarid.awards import selectors as awards
from maarid.b2b import selectors as b2b
from maarid.core import access
from maarid.core.models import User
from maarid.core.money import CENT, ZERO
from maarid.exhibitors.models import Exhibitor
from maarid.fairs import selectors as fairs
from maarid.fairs.models import Edition
from maarid.programme import certificates as programme_certificates
from maarid.programme import selectors as programme
from maarid.registry.models import Kind, Province, Sector
from maarid.sales import selectors as sales
from maarid.sales.models import Sale
from maarid.visitors import selectors as visitors
from maarid.visitors.models import Count as GateCount
from maarid.visitors.models import Direction, Gate, SurveyAnswer

from .models import ClosingReport

# The snapshot's shape; a newer shape reads older snapshots (fields added are optional).
SHAPE = 1

Figures = dict[str, Any]


class Named(TypedDict):
    key: str
    name_ar: str
    name_fr: str
    value: int


def _money(amount: Decimal | None) -> str:
    return str((amount or ZERO).quantize(CENT))


# --- Exhibitors -------------------------------------------------------------------------------


def active_exhibitors(edition: Edition) -> QuerySet[Exhibitor]:
    """The edition's exhibitors (those who withdrew left out), each marked ``earlier`` when its
    organisation exhibited at an earlier edition of the series (not a first-timer)."""
    earlier = Exhibitor.objects.filter(
        organisation=OuterRef("organisation"),
        edition__series_id=edition.series_id,
        edition__number__lt=edition.number,
        status=Exhibitor.Status.ACTIVE,
    )
    return Exhibitor.objects.filter(edition=edition, status=Exhibitor.Status.ACTIVE).annotate(
        earlier=Exists(earlier)
    )


def _province_names(codes: set[str]) -> dict[str, tuple[str, str]]:
    return {
        p.pk: (p.name_ar, p.name_fr)
        for p in Province.objects.filter(pk__in=[c for c in codes if c])
    }


def _named(tally: dict[str, int], names: dict[str, tuple[str, str]]) -> list[Named]:
    ordered = sorted(tally.items(), key=lambda item: (-item[1], item[0]))
    return [
        {
            "key": key,
            "name_ar": names.get(key, ("", ""))[0],
            "name_fr": names.get(key, ("", ""))[1],
            "value": n,
        }
        for key, n in ordered
    ]


def _ranked(tally: dict[str, int]) -> list[list[Any]]:
    return [[key, n] for key, n in sorted(tally.items(), key=lambda item: (-item[1], item[0]))]


def exhibitor_figures(edition: Edition) -> Figures | None:
    """Count, by province, sector and kind, women's cooperatives, first-timers: one query."""
    # "earlier" is annotated by active_exhibitors (which the stubs cannot follow).
    fields = (
        "organisation__province",
        "organisation__sector",
        "organisation__kind",
        "organisation__women_led",
        "earlier",
    )
    rows = active_exhibitors(edition).values(*fields).annotate(n=Count("pk")).order_by()
    total = women = first = 0
    provinces: dict[str, int] = defaultdict(int)
    sectors: dict[str, int] = defaultdict(int)
    kinds: dict[str, int] = defaultdict(int)
    for row in rows:
        n = row["n"]
        total += n
        provinces[row["organisation__province"] or ""] += n
        sectors[row["organisation__sector"] or ""] += n
        kinds[row["organisation__kind"] or ""] += n
        if row["organisation__kind"] == Kind.COOPERATIVE and row["organisation__women_led"]:
            women += n
        if not row["earlier"]:
            first += n
    if not total:
        return None
    return {
        "total": total,
        "womens_cooperatives": women,
        "first_timers": first,
        "by_province": _named(provinces, _province_names(set(provinces))),
        "by_sector": _ranked(sectors),
        "by_kind": _ranked(kinds),
    }


# --- Visitors ---------------------------------------------------------------------------------


def _survey(edition: Edition) -> Figures | None:
    with translation.override("fr"):  # its labels are put back to keys: any language does
        results = visitors.survey_results(edition)
    if not results.answers:
        return None

    def keyed(choices: Any, pairs: list[tuple[str, int]]) -> list[list[Any]]:
        return [[c.value, n] for c, (_label, n) in zip(choices, pairs, strict=True)]

    return {
        "answers": results.answers,
        "satisfaction": str(results.satisfaction) if results.satisfaction is not None else None,
        "heard": keyed(SurveyAnswer.Heard, results.heard),
        "again": keyed(SurveyAnswer.Again, results.again),
        "spent": keyed(SurveyAnswer.Spent, results.spent),
    }


def entries_by_hour(edition: Edition) -> list[tuple[datetime.date, int, int, int]]:
    """Every entry counted at the edition's gates, grouped by day, hour on the fair's clock
    and gate: (day, hour, gate id, entries), in one query."""
    rows = (
        GateCount.objects.filter(edition=edition, direction=Direction.IN)
        .annotate(hour=ExtractHour("at", tzinfo=timezone.get_default_timezone()))
        .values("day", "hour", "gate_id")
        .annotate(n=Sum("amount"))
        .values_list("day", "hour", "gate_id", "n")
        .order_by()
    )
    return [(day, hour, gate, n or 0) for day, hour, gate, n in rows]


def visitor_figures(edition: Edition) -> Figures | None:
    """Entries in all, by day, by gate, the busiest hour, and the survey."""
    by_day: dict[datetime.date, int] = defaultdict(int)
    by_gate: dict[int, int] = defaultdict(int)
    by_hour: dict[tuple[datetime.date, int], int] = defaultdict(int)
    for day, hour, gate, n in entries_by_hour(edition):
        by_day[day] += n
        by_gate[gate] += n
        by_hour[(day, hour)] += n
    total = sum(by_day.values())
    survey = _survey(edition)
    if not total and survey is None:
        return None
    gates = {g.pk: g for g in Gate.objects.filter(pk__in=list(by_gate))}
    days = sorted(set(edition.dates()) | set(by_day))
    peak = max(by_hour.items(), key=lambda item: (item[1], item[0]), default=None)
    return {
        "total": total,
        "by_day": [[d.isoformat(), by_day.get(d, 0)] for d in days],
        "by_gate": [
            {
                "key": str(pk),
                "name_ar": gates[pk].name_ar if pk in gates else "",
                "name_fr": gates[pk].name_fr if pk in gates else "",
                "value": n,
            }
            for pk, n in sorted(by_gate.items(), key=lambda item: (-item[1], item[0]))
        ],
        "peak": (
            {"day": peak[0][0].isoformat(), "hour": peak[0][1], "value": peak[1]}
            if peak is not None and peak[1] > 0
            else None
        ),
        "survey": survey,
    }


# --- Sales ------------------------------------------------------------------------------------


class LedgerMark(TypedDict):
    """The edition's net turnover and number of sales (``sales.selectors.edition_total``: a
    void, a refund or a sale changes one or the other): a frozen report reads its sales part
    again only when this has moved since it was frozen."""

    sales: int
    total: str


def ledger_mark(edition: Edition) -> LedgerMark:
    found = sales.edition_total(edition)
    return {"sales": found["sales"], "total": _money(found["total"])}


def _offline(edition: Edition, figures: sales.Turnover) -> tuple[Decimal, int]:
    """The share made offline: from the turnover when it gives it, else one aggregate."""
    given: Any = figures
    if "offline_total" in given:
        return Decimal(given["offline_total"]), int(given.get("offline_sales") or 0)
    found = Sale.objects.filter(edition=edition, offline=True).aggregate(
        t=Sum("total"), n=sales.NET_SALES
    )
    return sales.cents(found["t"]), found["n"] or 0


def _slices(slices: list[sales.Slice]) -> list[list[Any]]:
    return [[s["key"], _money(s["total"]), s["sales"]] for s in slices]


def sales_figures(edition: Edition) -> Figures | None:
    """The ledger's turnover, voids and refunds taken off, sliced as the report shows it."""
    with translation.override("fr"):
        figures = sales.turnover(edition)
    if not figures["sales"] and not figures["total"]:
        return None
    offline_total, offline_sales = _offline(edition, figures)
    provinces = _province_names({s["key"] for s in figures["by_province"]})
    top = figures["top_sellers"]
    names = {
        str(e.pk): (e.organisation.name_ar, e.organisation.name_fr)
        for e in Exhibitor.objects.filter(pk__in=[int(s["key"]) for s in top]).select_related(
            "organisation"
        )
    }
    return {
        "total": _money(figures["total"]),
        "sales": figures["sales"],
        "average_basket": _money(figures["average_basket"]),
        "offline_total": _money(offline_total),
        "offline_sales": offline_sales,
        "by_day": _slices(figures["by_day"]),
        "by_sector": _slices(figures["by_sector"]),
        "by_kind": _slices(figures["by_kind"]),
        "by_payment": _slices(figures["by_payment"]),
        "by_province": [
            [s["key"], _money(s["total"]), s["sales"], *provinces.get(s["key"], ("", ""))]
            for s in figures["by_province"]
        ],
        "top": [
            [s["key"], _money(s["total"]), s["sales"], *names.get(s["key"], ("", ""))] for s in top
        ],
        "ledger": ledger_mark(edition),
    }


# --- Programme, B2B, awards, partners ---------------------------------------------------------


def programme_figures(edition: Edition) -> Figures | None:
    found = programme.edition_figures(edition)
    if not found["sessions"]:
        return None
    issued = programme_certificates.issued(edition)
    return {
        "sessions": found["sessions"],
        "registrations": found["registrations"],
        "attendance": found["check_ins"],
        "certificates": sum(issued.values()),
    }


def b2b_figures(edition: Edition) -> Figures | None:
    found = b2b.programme_for(edition)
    if found is None:
        return None
    report = b2b.report(found)
    if not report["requested"]:
        return None
    return {
        "buyers": report["buyers"],
        "sellers": report["sellers"],
        "requests": report["requested"],
        "accepted": report["accepted"],
        "scheduled": report["scheduled"],
        "held": report["held"],
        "deals": b2b.deal_meetings(found),
        "deals_amount": _money(report["deals_amount"]),
    }


def award_figures(edition: Edition) -> list[Figures] | None:
    """The awards whose results are locked and published, with their winners."""
    found = []
    for item in awards.published(edition):
        category = item.category
        winners = []
        for w in item.winners:
            organisation = w.exhibitor.organisation if w.exhibitor is not None else None
            winners.append(
                {
                    "rank": w.rank,
                    "name_ar": organisation.name_ar if organisation else w.label,
                    "name_fr": organisation.name_fr if organisation else w.label,
                    "measure": w.measure,
                }
            )
        found.append(
            {
                "key": str(category.pk),
                "name_ar": category.name_ar,
                "name_fr": category.name_fr,
                "name_en": category.name_en,
                "winners": winners,
            }
        )
    return found or None


def partner_figures(edition: Edition) -> list[Figures] | None:
    found = [
        {
            "name_ar": p.organisation.name_ar,
            "name_fr": p.organisation.name_fr,
            "role": p.role,
        }
        for p in fairs.partners_of(edition)
    ]
    return found or None


# --- The report -------------------------------------------------------------------------------


def compute(edition: Edition, *, reuse_sales: Figures | None = None) -> Figures:
    """The report's figures as the data stands now. ``reuse_sales``: the sales part of a
    frozen report, taken as it is when the ledger has not moved since (its mark is the same)."""
    sales_part = reuse_sales
    if reuse_sales is None or reuse_sales.get("ledger") != ledger_mark(edition):
        sales_part = sales_figures(edition)
    return {
        "shape": SHAPE,
        "computed_at": timezone.now().isoformat(),
        "exhibitors": exhibitor_figures(edition),
        "visitors": visitor_figures(edition),
        "sales": sales_part,
        "programme": programme_figures(edition),
        "b2b": b2b_figures(edition),
        "awards": award_figures(edition),
        "partners": partner_figures(edition),
    }


PARTS = ("exhibitors", "visitors", "sales", "programme", "b2b", "awards", "partners")


def is_empty(figures: Figures) -> bool:
    return all(figures.get(part) is None for part in PARTS)


def frozen(edition: Edition) -> ClosingReport | None:
    """The latest frozen version of the edition's report, if any."""
    return ClosingReport.objects.filter(edition=edition).order_by("-version").first()


def last_version(edition: Edition) -> int:
    report = frozen(edition)
    return report.version if report is not None else 0


# --- Who reads what ---------------------------------------------------------------------------

Reader = Literal["organiser", "public"]


def reader(user: User | AnonymousUser, edition: Edition) -> Reader:
    """Who reads the report. Its organisers read the draft during the fair and, once frozen,
    every figure with the rows behind it and the exports. Anyone else reads it only when the
    edition is closed and its report frozen, without the rows and exports, and without any
    single exhibitor's sales (see ``present``). The edition itself was already checked
    (``with_edition``): a draft edition is a 404 for them."""
    if access.is_organiser(user, edition.series_id):
        return "organiser"
    if edition.status == Edition.Status.CLOSED:
        return "public"
    raise PermissionDenied


# --- The rows behind a figure (organisers) ----------------------------------------------------

RowsOf = Literal["exhibitors", "sales", "entries"]


class Filters(TypedDict, total=False):
    day: datetime.date
    hour: int
    province: str
    sector: str
    kind: str
    gate: int
    exhibitor: int
    women: bool
    first: bool
    offline: bool


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(1), datetime.time.min)
    )
    return start, end


def _of_organisations(rows: Any, filters: Filters, path: str) -> Any:
    """``rows`` narrowed by the province, sector and kind of the organisation at ``path``
    (a province left empty: organisations without one)."""
    if "province" in filters:
        province = filters["province"]
        rows = rows.filter(
            Q(**{f"{path}organisation__province__isnull": True})
            if not province
            else Q(**{f"{path}organisation__province": province})
        )
    for name in ("sector", "kind"):
        if name in filters:
            rows = rows.filter(**{f"{path}organisation__{name}": filters[name]})
    return rows


def exhibitor_rows(edition: Edition, filters: Filters) -> QuerySet[Exhibitor]:
    rows: QuerySet[Exhibitor] = _of_organisations(
        active_exhibitors(edition).select_related("organisation__province"), filters, ""
    )
    if filters.get("women"):
        rows = rows.filter(organisation__kind=Kind.COOPERATIVE, organisation__women_led=True)
    if filters.get("first"):
        rows = rows.filter(earlier=False)  # type: ignore[misc]
    return rows.order_by("organisation__name_fr", "pk")


def sale_rows(edition: Edition, filters: Filters) -> QuerySet[Sale]:
    rows: QuerySet[Sale] = Sale.objects.filter(edition=edition)
    if "day" in filters:
        start, end = _day_bounds(filters["day"])
        rows = rows.filter(sold_at__gte=start, sold_at__lt=end)
    rows = _of_organisations(rows, filters, "exhibitor__")
    if "exhibitor" in filters:
        rows = rows.filter(exhibitor_id=filters["exhibitor"])
    if filters.get("offline"):
        rows = rows.filter(offline=True)
    return rows.select_related("exhibitor__organisation").order_by("-sold_at", "-pk")


def entry_rows(edition: Edition, filters: Filters) -> QuerySet[GateCount]:
    rows = GateCount.objects.filter(edition=edition, direction=Direction.IN)
    if "day" in filters:
        rows = rows.filter(day=filters["day"])
    if "gate" in filters:
        rows = rows.filter(gate_id=filters["gate"])
    if "hour" in filters:
        rows = rows.filter(at__hour=filters["hour"])
    return rows.select_related("gate", "device").order_by("-at", "-pk")


def rows_of(edition: Edition, what: RowsOf, filters: Filters) -> QuerySet[Any]:
    if what == "exhibitors":
        return exhibitor_rows(edition, filters)
    if what == "sales":
        return sale_rows(edition, filters)
    return entry_rows(edition, filters)


def province_name(code: str) -> tuple[str, str] | None:
    return _province_names({code}).get(code)


def gate_of(edition: Edition, pk: int) -> Gate | None:
    return Gate.objects.filter(edition=edition, pk=pk).first()


def exhibitor_of(edition: Edition, pk: int) -> Exhibitor | None:
    return Exhibitor.objects.filter(edition=edition, pk=pk).select_related("organisation").first()


SECTORS = {s.value for s in Sector}
KINDS = {k.value for k in Kind}


def figures_of(
    edition: Edition, report: ClosingReport | None, *, fresh: bool = False
) -> tuple[Figures, Figures | None]:
    """What the report shows and, for a frozen one, the figures now (for its corrections;
    none for a report ``fresh``ly frozen by this very request)."""
    if report is None:
        return compute(edition), None
    if fresh:
        return report.figures, None
    return report.figures, compute(edition, reuse_sales=report.figures.get("sales"))


def described(edition: Edition, filters: Filters) -> list[str]:
    """A list's filters in words, in the page's language, above the list."""
    from maarid.core import formatting

    said = []
    for key, value in filters.items():
        if key == "day":
            said.append(_("Day: %(day)s") % {"day": formatting.date(value)})
        elif key == "hour":
            said.append(
                _("Hour: %(start)02d:00–%(end)02d:00")
                % {"start": value, "end": (int(str(value)) + 1) % 24}
            )
        elif key == "province":
            names = province_name(str(value))
            shown = formatting.bilingual(*names).text if names else _("Province not given")
            said.append(_("Province: %(name)s") % {"name": shown})
        elif key == "sector":
            said.append(
                _("Sector: %(name)s") % {"name": dict(Sector.choices).get(str(value), value)}
            )
        elif key == "kind":
            said.append(_("Kind: %(name)s") % {"name": dict(Kind.choices).get(str(value), value)})
        elif key == "gate":
            gate = gate_of(edition, int(str(value)))
            said.append(_("Gate: %(name)s") % {"name": gate.name if gate else value})
        elif key == "exhibitor":
            exhibitor = exhibitor_of(edition, int(str(value)))
            said.append(
                _("Exhibitor: %(name)s")
                % {"name": exhibitor.organisation.name if exhibitor else value}
            )
        elif value and key == "women":
            said.append(_("Women's cooperatives"))
        elif value and key == "first":
            said.append(_("First-time exhibitors"))
        elif value and key == "offline":
            said.append(_("Made offline"))
    return said
