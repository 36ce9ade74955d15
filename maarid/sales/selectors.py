"""Reading the ledger: who may see and sell at a stand, the stand, sale and device a URL or a
token names, an edition's turnover sliced every way the organisers ask, an exhibitor's catalogue
for the sales app, a day in figures.

Every figure adds up ledger entries: voids and refunds are negative entries, so sums are net.
A sale counts as one sale until it is voided; a partial refund leaves it a sale.
"""

import datetime
import time
import uuid as uuidlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal, NotRequired, TypedDict, get_args

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from maarid.catalogue.models import Stock
from maarid.core import access
from maarid.core.formatting import date as format_date
from maarid.core.models import User
from maarid.core.money import CENT, ZERO
from maarid.exhibitors.models import Exhibitor
from maarid.fairs.models import Edition
from maarid.registry.models import Kind, Membership, Organisation, Province, Sector

from .models import DayClose, DayTotal, Device, HourTotal, Payment, Sale, SaleLine

TOP_SELLERS = 10

NET_SALES = Count("id", filter=Q(kind=Sale.Kind.SALE)) - Count("id", filter=Q(kind=Sale.Kind.VOID))

# "view": the exhibitor's members and the edition's organisers; "sell": its members only.
Need = Literal["view", "sell"]


# --- Who may see and sell -----------------------------------------------------------------


def may_sell(user: User | AnonymousUser, exhibitor: Exhibitor) -> bool:
    """The exhibitor's own members sell and correct sales; organisers only read."""
    f = access.facts(user)
    return f.superuser or exhibitor.organisation_id in (f.organisations - f.buyer_organisations)


def may_view(user: User | AnonymousUser, exhibitor: Exhibitor) -> bool:
    return may_sell(user, exhibitor) or access.is_organiser(user, exhibitor.edition.series_id)


def _reachable(user: User | AnonymousUser, exhibitor: Exhibitor, need: Need) -> Exhibitor:
    """Anyone who may not reach the stand gets a 404, as for a stand that does not exist."""
    allowed = may_sell if need == "sell" else may_view
    if not allowed(user, exhibitor):
        raise Http404
    return exhibitor


def _exhibitors() -> QuerySet[Exhibitor]:
    return Exhibitor.objects.select_related("edition__series", "organisation")


def exhibitor_for(
    user: User | AnonymousUser, series: str, number: int, organisation: str, *, need: Need = "view"
) -> Exhibitor:
    """The stand an exhibitor's page names, for its members (and, to view, the organisers)."""
    exhibitor = get_object_or_404(
        _exhibitors(),
        edition__series__slug=series,
        edition__number=number,
        organisation__slug=organisation,
    )
    return _reachable(user, exhibitor, need)


def exhibitor_by_id(user: User | AnonymousUser, pk: int, *, need: Need = "view") -> Exhibitor:
    """The stand the API names by its id, under the same rule as the pages."""
    return _reachable(user, get_object_or_404(_exhibitors(), pk=pk), need)


def own_stands(
    user: User | AnonymousUser,
    *,
    edition: Edition | None = None,
    organisation: Organisation | None = None,
) -> list[Exhibitor]:
    """The stands the user sells at (withdrawn ones left out), the latest edition first."""
    stands = Exhibitor.objects.filter(organisation_id__in=access.facts(user).organisations).exclude(
        status=Exhibitor.Status.WITHDRAWN
    )
    if edition is not None:
        stands = stands.filter(edition=edition)
    if organisation is not None:
        stands = stands.filter(organisation=organisation)
    stands = stands.select_related("edition__series", "organisation").order_by(
        "-edition__starts_on", "organisation__name_fr"
    )
    return [stand for stand in stands if may_sell(user, stand)]


# --- Devices ------------------------------------------------------------------------------

# Devices found recently, per process: token digest -> (until, device). A phone sends many
# sales a minute; its device, exhibitor and edition never change, and the token itself is
# checked on every request (so revoking a device stops it at once). A member who leaves the
# organisation stops being able to sell within DEVICE_CACHE_SECONDS.
_devices: dict[str, tuple[float, Device]] = {}
DEVICE_CACHE_SECONDS = 30


def device_for(user: User) -> Device:
    """The device whose token signed the request, or PermissionDenied: sales come from devices.
    The person who registered the phone must still be an active member of the exhibitor."""
    token = getattr(user, "api_token", None)
    if token is None or not token.device:
        raise PermissionDenied
    cached = _devices.get(token.digest)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    found = list(
        Device.objects.select_related("exhibitor__edition", "exhibitor__organisation")
        .filter(
            token_id=token.pk,
            revoked_at__isnull=True,
            exhibitor__organisation__memberships__user=user,
            exhibitor__organisation__memberships__status=Membership.Status.ACTIVE,
        )
        .order_by()[:1]
    )
    if not found:
        _devices.pop(token.digest, None)
        raise PermissionDenied
    _devices[token.digest] = (time.monotonic() + DEVICE_CACHE_SECONDS, found[0])
    return found[0]


def devices_of(exhibitor: Exhibitor) -> QuerySet[Device]:
    return exhibitor.devices.select_related("created_by")


def device_of(exhibitor: Exhibitor, pk: int) -> Device:
    return get_object_or_404(Device, pk=pk, exhibitor=exhibitor)


def last_sequence(device: Device) -> int:
    """The highest receipt sequence the server has of this device (0: none yet)."""
    highest: int | None = device.sales.aggregate(n=Max("sequence"))["n"]
    return highest or 0


# --- Sales --------------------------------------------------------------------------------


def sale_by_receipt(key: str) -> Sale:
    """The sale a receipt's link names: whoever has the link may read it (the key cannot be
    guessed)."""
    return get_object_or_404(
        Sale.objects.select_related("exhibitor__organisation", "edition", "corrects"),
        receipt_key=key,
    )


def sale_of(exhibitor: Exhibitor, pk: int) -> Sale:
    return get_object_or_404(Sale, pk=pk, exhibitor=exhibitor)


def own_sale(device: Device, uuid: uuidlib.UUID) -> Sale:
    """A sale (not a correction) of the device's stand, by the UUID the phone made for it."""
    sale = (
        Sale.objects.filter(exhibitor=device.exhibitor, uuid=uuid, kind=Sale.Kind.SALE)
        .select_related("exhibitor__edition")
        .order_by("pk")
        .first()
    )
    if sale is None:
        raise Http404
    return sale


def lines_of(sale: Sale) -> list[SaleLine]:
    return list(sale.lines.select_related("product"))


def corrections_of(sale: Sale) -> QuerySet[Sale]:
    return sale.corrections.all()


def remaining(sale: Sale) -> dict[int, int]:
    """What is left to refund of each line of a sale: line id -> quantity."""
    left = {line.pk: line.quantity for line in sale.lines.all()}
    for line in SaleLine.objects.filter(sale__corrects=sale, corrects__isnull=False):
        assert line.corrects_id is not None
        left[line.corrects_id] += line.quantity  # corrections are negative
    return left


def unreconciled(exhibitor: Exhibitor) -> QuerySet[Sale]:
    """The stand's oversold sales whose stock difference nobody has settled yet."""
    return Sale.objects.filter(exhibitor=exhibitor, oversold=True, reconciliation=None)


def day_entries(exhibitor: Exhibitor, day: datetime.date) -> QuerySet[Sale]:
    """The stand's entries of one day of the fair (as the server counts days)."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return Sale.objects.filter(
        exhibitor=exhibitor, sold_at__gte=start, sold_at__lt=start + datetime.timedelta(days=1)
    )


def ledger_entries(exhibitor: Exhibitor, day: datetime.date, *, oversold: bool) -> QuerySet[Sale]:
    """What the ledger page lists: the day's entries, or every sale still to reconcile."""
    entries = unreconciled(exhibitor) if oversold else day_entries(exhibitor, day)
    return entries.select_related("device", "corrects")


# --- A day in figures ---------------------------------------------------------------------


@dataclass
class DaySummary:
    day: datetime.date
    by_payment: list[tuple[Payment, Decimal]] = field(default_factory=list)  # net amounts
    sales: int = 0
    corrections: int = 0
    total: Decimal = ZERO
    cash: Decimal = ZERO
    close: DayClose | None = None


def day_summary(exhibitor: Exhibitor, day: datetime.date) -> DaySummary:
    entries = day_entries(exhibitor, day)
    sums: dict[str, Decimal | None] = dict(
        entries.values("payment").annotate(t=Sum("total")).values_list("payment", "t")
    )
    summary = DaySummary(day=day)
    summary.by_payment = [(p, sums.get(p.value) or ZERO) for p in Payment]
    summary.total = sum((s or ZERO for s in sums.values()), ZERO)
    summary.cash = sums.get(Payment.CASH) or ZERO
    summary.sales = entries.filter(kind=Sale.Kind.SALE).count()
    summary.corrections = entries.exclude(kind=Sale.Kind.SALE).count()
    summary.close = exhibitor.day_closes.filter(day=day).first()
    return summary


# --- An edition's turnover ----------------------------------------------------------------


# The ways an edition's turnover is sliced, each a list of slices in ``Turnover``.
SlicedBy = Literal[
    "by_day", "by_hour", "by_sector", "by_province", "by_kind", "by_payment", "top_sellers"
]


class Slice(TypedDict):
    key: str
    label: str
    total: Decimal
    sales: int
    short: NotRequired[str]  # a day's label under a column of the chart
    percent: NotRequired[int]  # the length of its bar


SLICINGS: tuple[SlicedBy, ...] = get_args(SlicedBy)


class Turnover(TypedDict):
    total: Decimal
    sales: int
    average_basket: Decimal
    offline_total: Decimal  # what was sold while the phones had no network
    offline_sales: int
    by_day: list[Slice]
    by_hour: list[Slice]
    by_sector: list[Slice]
    by_province: list[Slice]
    by_kind: list[Slice]
    by_payment: list[Slice]
    top_sellers: list[Slice]


class Totals(TypedDict):
    total: Decimal
    sales: int


# What one way of slicing finds: key (a day, an hour, a sector…) -> (total, sales).
Found = dict[Any, tuple[Decimal, int]]


def cents(amount: Decimal | None) -> Decimal:
    """A sum from the database as money: SQLite returns ``Decimal("360")`` for 360.00."""
    return (amount or ZERO).quantize(CENT)


def average(total: Decimal, count: int) -> Decimal:
    if not count:
        return ZERO
    return (total / count).quantize(CENT, rounding=ROUND_HALF_UP)


# --- Totals from the summaries ------------------------------------------------------------

# The keys ``totals_by`` groups by, and where each is read: on the summary row itself, or
# through its exhibitor's organisation (as the organisation is now: a cooperative that
# changes sector takes its past sales with it), or its edition.
KEYS: dict[str, str] = {
    "edition": "edition_id",
    "series": "edition__series_id",
    "exhibitor": "exhibitor_id",
    "organisation": "exhibitor__organisation_id",
    "day": "day",
    "hour": "hour",
    "payment": "payment",
    "offline": "offline",
    "sector": "exhibitor__organisation__sector",
    "kind": "exhibitor__organisation__kind",
    "province": "exhibitor__organisation__province_id",
    "region": "exhibitor__organisation__province__region_id",
}
# Kept per hour, not per payment: the hour table has neither payment nor offline.
NOT_BY_HOUR = frozenset({"payment", "offline"})

Editions = Edition | int | Iterable[Edition | int] | QuerySet[Edition]


def _edition_filter(editions: Editions) -> Q:
    if isinstance(editions, QuerySet):
        return Q(edition__in=editions.values("pk"))  # a subquery: no list of ids in Python
    if isinstance(editions, Edition | int):
        editions = [editions]
    ids = [e.pk if isinstance(e, Edition) else e for e in editions]
    return Q(edition_id__in=ids)


def totals_by(editions: Editions, *keys: str) -> list[dict[str, Any]]:
    """The net turnover of ``editions`` grouped by ``keys``, read from the summary tables
    (``DayTotal``, ``HourTotal``): a few thousand rows an edition, however many sales it had.

    ``editions``: an ``Edition``, an edition id, a list of either, or a ``QuerySet`` of
    editions (used as a subquery, e.g. ``Edition.objects.filter(series__region_id="01")``).

    ``keys``, any of (each row carries them under these names, with these values):

    - ``edition``, ``series``, ``exhibitor``, ``organisation``: ids (``int``);
    - ``day``: the fair's day of the entries (``datetime.date``, Casablanca time);
    - ``hour``: their hour in Casablanca (``int`` 0–23);
    - ``payment``: ``Payment`` value (``"cash"``, ``"card"``, ``"mobile"``, ``"transfer"``);
    - ``offline``: ``bool``, whether the sales were made while the phone had no network;
    - ``sector``, ``kind``: the exhibitor's organisation's ``registry.Sector`` / ``Kind`` value;
    - ``province``, ``region``: the code of the organisation's province or its region (where the
      exhibitor comes from; the fair's own region is its series' ``region_id``).

    ``hour`` cannot be combined with ``payment`` or ``offline`` (``ValueError``): hours are
    kept per exhibitor and day only.

    Each row also has ``total`` (``Decimal``, MAD, to the centime: sales less voids and
    refunds), ``sales`` (``int``: sales less voids; a refund leaves a sale a sale) and
    ``items`` (``int``: units sold, less those taken back). Rows come in the order of the keys;
    groups with no entry are absent (a day without sales has no row). No key: one row, the
    total of the editions (zeros when they sold nothing).

    Examples::

        totals_by(edition)                          # [{"total", "sales", "items"}]
        totals_by(edition, "day", "payment")        # the closing report's table
        totals_by(Edition.objects.filter(series__region_id="01"), "edition", "sector")
    """
    unknown = [key for key in keys if key not in KEYS]
    if unknown:
        raise ValueError(f"Unknown keys {unknown}: choose among {sorted(KEYS)}.")
    by_hour = "hour" in keys
    if by_hour and NOT_BY_HOUR & set(keys):
        raise ValueError("The hours are not kept by payment or offline.")
    table: type[DayTotal] | type[HourTotal] = HourTotal if by_hour else DayTotal
    rows = table.objects.filter(_edition_filter(editions))
    sums = {"t": Sum("total"), "n": Sum("sales"), "u": Sum("items")}
    if not keys:
        found = rows.aggregate(**sums)
        return [{"total": cents(found["t"]), "sales": found["n"] or 0, "items": found["u"] or 0}]
    paths = [KEYS[key] for key in keys]
    grouped = rows.values(*paths).annotate(**sums).order_by(*paths)
    return [
        {
            **{key: row[path] for key, path in zip(keys, paths, strict=True)},
            "total": cents(row["t"]),
            "sales": row["n"],
            "items": row["u"],
        }
        for row in grouped
    ]


def _found(edition: Edition, key: str) -> Found:
    """key -> (total, sales) for one way of slicing the edition's turnover."""
    return {row[key]: (row["total"], row["sales"]) for row in totals_by(edition, key)}


def _slice(key: object, label: object, pair: tuple[Decimal, int]) -> Slice:
    return {"key": str(key), "label": str(label), "total": pair[0], "sales": pair[1]}


def _ranked(found: Found, labels: dict[Any, Any]) -> list[Slice]:
    """Slices from the largest total down; labels give each key its name."""
    ordered = sorted(found.items(), key=lambda item: (-item[1][0], str(item[0])))
    return [_slice(key, labels.get(key, key), pair) for key, pair in ordered]


def _labels(choices: type[Payment] | type[Sector] | type[Kind]) -> dict[str, str | Promise]:
    return dict(choices.choices)


def _names_in_language(edition: Edition, exhibitor_ids: Iterable[int]) -> dict[int, str]:
    return {
        e.pk: e.organisation.name
        for e in edition.exhibitors.filter(pk__in=exhibitor_ids).select_related("organisation")
    }


def turnover(edition: Edition) -> Turnover:
    """The edition's turnover sliced every way the organisers' board shows it, with the share
    sold offline; read from the summary tables (``totals_by``), never from the ledger's rows."""
    totals = edition_total(edition)
    by_day = _found(edition, "day")
    days: list[Slice] = [
        {
            **_slice(day.isoformat(), format_date(day, "EEEE d"), by_day.pop(day, (ZERO, 0))),
            "short": format_date(day, "d"),
        }
        for day in edition.dates()
    ]
    # Sales dated outside the fair's days (a device's early test, a late refund) still count.
    days += [_slice(d.isoformat(), format_date(d, "d MMM"), p) for d, p in sorted(by_day.items())]

    by_hour = _found(edition, "hour")
    last = edition.closes_at.hour - (edition.closes_at.minute == 0)
    open_hours = set(range(edition.opens_at.hour, last + 1)) | set(by_hour)
    hours = [_slice(h, f"{h:02d}h", by_hour.get(h, (ZERO, 0))) for h in sorted(open_hours)]

    provinces = _found(edition, "province")
    province_names = {p.pk: p.name for p in Province.objects.filter(pk__in=provinces)}
    sellers = _found(edition, "exhibitor")
    top = sorted(sellers.items(), key=lambda item: (-item[1][0], item[0]))[:TOP_SELLERS]
    names = _names_in_language(edition, [k for k, _pair in top])
    offline = _found(edition, "offline").get(True, (ZERO, 0))
    return {
        "total": totals["total"],
        "sales": totals["sales"],
        "average_basket": average(totals["total"], totals["sales"]),
        "offline_total": offline[0],
        "offline_sales": offline[1],
        "by_day": days,
        "by_hour": hours,
        "by_sector": _ranked(_found(edition, "sector"), _labels(Sector)),
        "by_province": _ranked(provinces, province_names),
        "by_kind": _ranked(_found(edition, "kind"), _labels(Kind)),
        "by_payment": _ranked(_found(edition, "payment"), _labels(Payment)),
        "top_sellers": [_slice(k, names.get(k, k), pair) for k, pair in top],
    }


def bars(slices: list[Slice]) -> list[Slice]:
    """Slices with the length of their bar (percent of the largest), for the charts."""
    top = max((s["total"] for s in slices), default=ZERO)
    return [
        {**s, "percent": int(s["total"] * 100 / top) if top > 0 and s["total"] > 0 else 0}
        for s in slices
    ]


def _head(slices: list[Slice], keep: int, other_label: str) -> list[Slice]:
    """The ``keep`` largest slices and one more for all the others."""
    if len(slices) <= keep + 1:
        return slices
    rest = slices[keep:]
    other: Slice = {
        "key": "other",
        "label": other_label,
        "total": sum((s["total"] for s in rest), ZERO),
        "sales": sum(s["sales"] for s in rest),
    }
    return [*slices[:keep], other]


def charts(figures: Turnover) -> dict[str, list[Slice]]:
    """The turnover's slices as bars; past the ten largest provinces, one bar for the rest."""
    sliced: dict[str, list[Slice]] = {name: figures[name] for name in SLICINGS}
    sliced["by_province"] = _head(sliced["by_province"], 10, _("Other provinces"))
    return {name: bars(slices) for name, slices in sliced.items()}


def edition_total(edition: Edition) -> Totals:
    """The edition's net turnover and number of sales so far (from the summaries)."""
    row = totals_by(edition)[0]
    return {"total": row["total"], "sales": row["sales"]}


def exhibitor_total(exhibitor: Exhibitor) -> Totals:
    """An exhibitor's turnover at its edition so far (from the summaries)."""
    found = DayTotal.objects.filter(
        edition_id=exhibitor.edition_id, exhibitor_id=exhibitor.pk
    ).aggregate(t=Sum("total"), n=Sum("sales"))
    return {"total": cents(found["t"]), "sales": found["n"] or 0}


# --- The sales app's catalogue ------------------------------------------------------------


class CatalogueItem(TypedDict):
    id: int
    name_ar: str
    name_fr: str
    price: Decimal | None
    unit: str
    left: int | None  # None: stock not counted


def catalogue_for(exhibitor: Exhibitor) -> list[CatalogueItem]:
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
