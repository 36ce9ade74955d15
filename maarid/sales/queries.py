"""Reading the ledger: an edition's turnover sliced every way the organisers ask, an exhibitor's
catalogue for the sales app, a day in figures.

Every figure adds up ledger entries: voids and refunds are negative entries, so sums are net.
A sale counts as one sale until it is voided; a partial refund leaves it a sale.
"""

import zoneinfo
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractHour, TruncDate
from django.utils.translation import gettext as _

from maarid.catalogue.models import Stock
from maarid.core.formatting import date as format_date
from maarid.registry.models import Kind, Province, Sector

from .models import Payment, Sale

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
TOP_SELLERS = 10

NET_SALES = Count("id", filter=Q(kind=Sale.Kind.SALE)) - Count("id", filter=Q(kind=Sale.Kind.VOID))


def cents(amount) -> Decimal:
    """A sum from the database as money: SQLite returns ``Decimal("360")`` for 360.00."""
    return (amount or ZERO).quantize(CENT)


def _zone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _slices(entries, field: str) -> dict:
    """key -> (total, sales) for one way of slicing the entries."""
    rows = entries.values(field).annotate(t=Sum("total"), n=NET_SALES).values_list(field, "t", "n")
    return {key: (cents(total), n) for key, total, n in rows}


def _slice(key, label, pair) -> dict:
    return {"key": str(key), "label": str(label), "total": pair[0], "sales": pair[1]}


def _ranked(found: dict, labels: dict) -> list:
    """Slices from the largest total down; labels give each key its name."""
    ordered = sorted(found.items(), key=lambda item: (-item[1][0], str(item[0])))
    return [_slice(key, labels.get(key, key), pair) for key, pair in ordered]


def turnover(edition) -> dict:
    entries = Sale.objects.filter(edition=edition)
    totals = entries.aggregate(t=Sum("total"), n=NET_SALES)
    total, sales = cents(totals["t"]), totals["n"] or 0
    zone = _zone()

    by_day = _slices(entries.annotate(d=TruncDate("sold_at", tzinfo=zone)), "d")
    days = [
        {
            **_slice(day.isoformat(), format_date(day, "EEEE d"), by_day.pop(day, (ZERO, 0))),
            "short": format_date(day, "d"),  # under a column of the chart
        }
        for day in edition.dates()
    ]
    # Sales dated outside the fair's days (a device's early test, a late refund) still count.
    days += [_slice(d.isoformat(), format_date(d, "d MMM"), p) for d, p in sorted(by_day.items())]

    by_hour = _slices(entries.annotate(h=ExtractHour("sold_at", tzinfo=zone)), "h")
    last = edition.closes_at.hour - (edition.closes_at.minute == 0)
    open_hours = set(range(edition.opens_at.hour, last + 1)) | set(by_hour)
    hours = [_slice(h, f"{h:02d}h", by_hour.get(h, (ZERO, 0))) for h in sorted(open_hours)]

    provinces = _slices(entries, "exhibitor__organisation__province")
    province_names = {p.pk: p.name for p in Province.objects.filter(pk__in=provinces)}
    sellers = _slices(entries, "exhibitor")
    top = sorted(sellers.items(), key=lambda item: -item[1][0])[:TOP_SELLERS]
    names = _names_in_language(edition, [k for k, _ in top])
    return {
        "total": total,
        "sales": sales,
        "average_basket": average(total, sales),
        "by_day": days,
        "by_hour": hours,
        "by_sector": _ranked(_slices(entries, "exhibitor__organisation__sector"), _labels(Sector)),
        "by_province": _ranked(provinces, province_names),
        "by_kind": _ranked(_slices(entries, "exhibitor__organisation__kind"), _labels(Kind)),
        "by_payment": _ranked(_slices(entries, "payment"), _labels(Payment)),
        "top_sellers": [_slice(k, names.get(k, k), pair) for k, pair in top],
    }


def _names_in_language(edition, exhibitor_ids) -> dict:
    return {
        e.pk: e.organisation.name
        for e in edition.exhibitors.filter(pk__in=exhibitor_ids).select_related("organisation")
    }


def _labels(choices) -> dict:
    return dict(choices.choices)


def average(total: Decimal, count: int) -> Decimal:
    if not count:
        return ZERO
    return (total / count).quantize(CENT, rounding=ROUND_HALF_UP)


def catalogue_for(exhibitor) -> list[dict]:
    """The exhibitor's products with what is left of each at this edition (None: not counted)."""
    left = dict(
        Stock.objects.filter(
            edition_id=exhibitor.edition_id, product__organisation_id=exhibitor.organisation_id
        ).values_list("product_id", "quantity")
    )
    products = exhibitor.organisation.products.order_by("name_fr", "name_ar", "pk")
    return [
        {
            "id": p.pk,
            "name_ar": p.name_ar,
            "name_fr": p.name_fr,
            "price": p.price,
            "unit": p.unit,
            "left": left.get(p.pk),
        }
        for p in products
    ]


def day_out(summary) -> dict:
    return {
        "day": summary.day,
        "total": summary.total,
        "cash": summary.cash,
        "sales": summary.sales,
        "corrections": summary.corrections,
        "by_payment": [
            {"key": p.value, "label": str(p.label), "total": t, "sales": 0}
            for p, t in summary.by_payment
        ],
        "expected_cash": summary.close.expected_cash if summary.close else None,
        "counted_cash": summary.close.counted_cash if summary.close else None,
    }


def exhibitor_total(exhibitor) -> dict:
    """An exhibitor's turnover at its edition so far."""
    return _totals(Sale.objects.filter(exhibitor=exhibitor))


def bars(slices: list) -> list:
    """Slices with the length of their bar (percent of the largest), for the charts."""
    top = max((s["total"] for s in slices), default=ZERO)
    return [
        {**s, "percent": int(s["total"] * 100 / top) if top > 0 and s["total"] > 0 else 0}
        for s in slices
    ]


def _head(slices: list, keep: int, other_label) -> list:
    """The ``keep`` largest slices and one more for all the others."""
    if len(slices) <= keep + 1:
        return slices
    rest = slices[keep:]
    other = {
        "key": "other",
        "label": str(other_label),
        "total": sum((s["total"] for s in rest), ZERO),
        "sales": sum(s["sales"] for s in rest),
    }
    return [*slices[:keep], other]


def charts(figures: dict) -> dict:
    figures = {**figures, "by_province": _head(figures["by_province"], 10, _("Other provinces"))}
    return {
        name: bars(figures[name])
        for name in (
            "by_day",
            "by_hour",
            "by_sector",
            "by_province",
            "by_kind",
            "by_payment",
            "top_sellers",
        )
    }


def edition_total(edition) -> dict:
    return _totals(Sale.objects.filter(edition=edition))


def _totals(entries) -> dict:
    totals = entries.aggregate(t=Sum("total"), n=NET_SALES)
    return {"total": cents(totals["t"]), "sales": totals["n"] or 0}
