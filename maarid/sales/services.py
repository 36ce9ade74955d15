"""Selling: devices, recording sales exactly once, voids and refunds, stock, the day's close.

Every write to the ledger goes through here. A device may send the same sale many times (a
retry after a lost answer, a batch resent after a cut, two tabs syncing one queue): the sale's
UUID, unique per device, makes the second and later copies no-ops that answer with what the
server already had. Totals are recomputed here from the lines; a device's own total is only
checked against ours.
"""

import datetime
import functools
import uuid as uuidlib
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Q, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from maarid.catalogue.models import Product, Stock
from maarid.core import messaging
from maarid.core.models import ApiToken, User
from maarid.core.money import CENT, ZERO
from maarid.core.phones import normalise_phone
from maarid.core.services import absolute_url
from maarid.exhibitors.models import Exhibitor
from maarid.fairs.models import Edition

from . import selectors
from .models import DayClose, DayTotal, Device, HourTotal, Payment, Reconciliation, Sale, SaleLine

MAX_LINES = 100
MAX_QUANTITY = 100_000
MAX_AMOUNT = Decimal("9999999.99")  # what a DecimalField(12, 2) sum of a sale may hold
MAX_BATCH = 200
# A device clock later than this, or older than OLDEST, is wrong: the server's time is used.
CLOCK_AHEAD = datetime.timedelta(minutes=10)
OLDEST = datetime.timedelta(days=60)


# --- What a device sends --------------------------------------------------------------------


@dataclass
class LineIn:
    quantity: int
    unit_price: Decimal
    product_id: int | None = None
    label: str = ""


@dataclass
class SaleIn:
    uuid: uuidlib.UUID
    sequence: int
    payment: str
    lines: list[LineIn]
    discount: Decimal = Decimal("0.00")
    total: Decimal | None = None  # the device's own total, checked against ours
    buyer_phone: str = ""
    language: str = "fr"
    offline: bool = False
    device_clock: datetime.datetime | None = None


@dataclass
class Recorded:
    sale: Sale
    created: bool  # False: the server already had this sale


class OutOfStock(Exception):
    """An online sale asked for more than is left: the device is told, nothing is saved."""

    def __init__(self, product: Product, left: int):
        self.product, self.left = product, left
        super().__init__(
            _("Only %(left)s left of “%(product)s”.") % {"left": left, "product": product.name}
        )


def line_total(unit_price: Decimal, quantity: int) -> Decimal:
    return (unit_price * quantity).quantize(CENT, rounding=ROUND_HALF_UP)


# --- Devices ------------------------------------------------------------------------------


def _require_seller(actor: User, exhibitor: Exhibitor) -> None:
    if not selectors.may_sell(actor, exhibitor):
        raise PermissionDenied


@transaction.atomic
def register_device(*, actor: User, exhibitor: Exhibitor, name: str) -> tuple[Device, str]:
    """A new device for the exhibitor, with its token (shown once, as a QR code to scan)."""
    _require_seller(actor, exhibitor)
    if exhibitor.status != Exhibitor.Status.ACTIVE:
        raise ValidationError(_("This exhibitor has withdrawn from the fair."))
    name = (name or "").strip()[:60] or _("Phone")
    highest: int | None = (
        Device.objects.select_for_update()
        .filter(exhibitor=exhibitor)
        .aggregate(n=Max("number"))["n"]
    )
    token, raw = ApiToken.issue(actor, f"{name} — {exhibitor.organisation.name}", device=True)
    device = Device.objects.create(
        exhibitor=exhibitor, number=(highest or 0) + 1, name=name, token=token, created_by=actor
    )
    return device, raw


def revoke_device(*, actor: User, device: Device) -> None:
    """The device stops selling at once: its token is revoked too. (Audited: who, when.)"""
    _require_seller(actor, device.exhibitor)
    if device.revoked_at is not None:
        return
    now = timezone.now()
    with transaction.atomic():
        device.revoked_at = now
        device.save(update_fields=["revoked_at"])
        if device.token_id:
            ApiToken.objects.filter(pk=device.token_id, revoked_at__isnull=True).update(
                revoked_at=now
            )


# --- Checking what a device sends ---------------------------------------------------------


def _check_amount(value: Decimal, errors: list[str], what: str) -> None:
    if value.is_nan() or value != value.quantize(CENT) or value < 0 or value > MAX_AMOUNT:
        errors.append(_("%(what)s must be an amount between 0 and 9,999,999.99.") % {"what": what})


def check_sale(sale: SaleIn, products: dict[int, Product]) -> list[str]:
    """What is wrong with a sale, as messages in the user's language (empty: nothing)."""
    errors: list[str] = []
    if sale.payment not in Payment.values:
        errors.append(_("Unknown payment method “%(p)s”.") % {"p": sale.payment})
    if not 1 <= sale.sequence <= 99_999_999:
        errors.append(_("The receipt sequence must be a positive number."))
    if not sale.lines:
        errors.append(_("A sale needs at least one line."))
    if len(sale.lines) > MAX_LINES:
        errors.append(_("A sale has at most %(n)s lines.") % {"n": MAX_LINES})
    if sale.language not in ("ar", "fr", "en"):
        errors.append(_("Unknown language."))
    for index, line in enumerate(sale.lines[:MAX_LINES], start=1):
        where = _("Line %(n)s") % {"n": index}
        if not 1 <= line.quantity <= MAX_QUANTITY:
            errors.append(
                _("%(where)s: the quantity must be between 1 and 100,000.") % {"where": where}
            )
        _check_amount(line.unit_price, errors, where)
        if line.product_id is not None and line.product_id not in products:
            errors.append(_("%(where)s: this product is not in your catalogue.") % {"where": where})
        if line.product_id is None and not line.label.strip():
            errors.append(_("%(where)s: a free amount needs a description.") % {"where": where})
    _check_amount(sale.discount, errors, _("The discount"))
    if errors:
        return errors
    subtotal = _subtotal(sale)
    if subtotal > MAX_AMOUNT:
        errors.append(_("The sale is too large."))
    elif sale.discount > subtotal:
        errors.append(_("The discount is more than the sale."))
    elif sale.total is not None and sale.total != subtotal - sale.discount:
        errors.append(
            _("The total sent (%(sent)s) is not the total of the lines (%(ours)s).")
            % {"sent": sale.total, "ours": subtotal - sale.discount}
        )
    return errors


def _subtotal(sale: SaleIn) -> Decimal:
    return sum((line_total(x.unit_price, x.quantity) for x in sale.lines), ZERO)


def _catalogue(device: Device, sales: list[SaleIn]) -> dict[int, Product]:
    ids = {line.product_id for sale in sales for line in sale.lines if line.product_id}
    if not ids:
        return {}
    products = Product.objects.filter(
        organisation_id=device.exhibitor.organisation_id, pk__in=ids
    ).only("id", "organisation_id", "name_ar", "name_fr")
    return {p.pk: p for p in products}


def _validate(device: Device, sales: list[SaleIn], batch: bool) -> dict[int, Product]:
    """All sales are checked before any is saved: a batch is saved whole or not at all. A
    batch's messages say which sale they are about (``sales[3]``)."""
    products = _catalogue(device, sales)
    problems = {}
    for index, sale in enumerate(sales):
        errors = check_sale(sale, products)
        if errors:
            problems[f"sales[{index}]" if batch else "__all__"] = errors
    if problems:
        raise ValidationError(problems)
    return products


def _phone(sale: SaleIn) -> str:
    if not sale.buyer_phone.strip():
        return ""
    try:
        return normalise_phone(sale.buyer_phone)
    except ValidationError:
        return ""  # a phone number typed wrong must not lose the sale; no SMS then


def _sold_at(sale: SaleIn, now: datetime.datetime) -> datetime.datetime:
    """When the sale happened: now for a sale sent as it is made (a phone's clock may be hours
    off, and would put the sale on another day); the phone's clock for one it kept offline,
    unless that clock is implausible. The phone's clock is kept in ``device_clock`` anyway."""
    clock = sale.device_clock
    if not sale.offline or clock is None or timezone.is_naive(clock):
        return now
    if not now - OLDEST <= clock <= now + CLOCK_AHEAD:
        return now
    return clock


# --- Recording ----------------------------------------------------------------------------


def record_sale(*, actor: User, device: Device, sale: SaleIn) -> Recorded:
    """One sale made online: refused with ``OutOfStock`` when the stock does not cover it.

    No lock on the device here (the hot path of a busy stand): two copies of one sale racing
    each other meet the unique constraints, and the loser is answered by the retry."""
    return _record(actor, device, [sale], refuse_oversell=not sale.offline, batch=False)[0]


def sync(*, actor: User, device: Device, sales: list[SaleIn]) -> list[Recorded]:
    """A device's queue of sales made while it could not reach the server. They have happened:
    they are accepted even when they oversell (flagged for the exhibitor to reconcile)."""
    if len(sales) > MAX_BATCH:
        raise ValidationError(_("Send at most %(n)s sales at a time.") % {"n": MAX_BATCH})
    return _record(actor, device, sales, refuse_oversell=False, batch=True)


def _record(
    actor: User, device: Device, sales: list[SaleIn], *, refuse_oversell: bool, batch: bool
) -> list[Recorded]:
    products = _validate(device, sales, batch)
    for attempt in range(3):
        try:
            return _record_once(
                actor, device, sales, products, refuse_oversell=refuse_oversell, lock=batch
            )
        except IntegrityError:
            # Another request of the same device saved some of these sales in the meantime:
            # the next attempt finds them and answers with them.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _record_once(
    actor: User,
    device: Device,
    sales: list[SaleIn],
    products: dict[int, Product],
    *,
    refuse_oversell: bool,
    lock: bool,
) -> list[Recorded]:
    if lock:
        # One device's batches take turns: what one sees as new, the other sees as done.
        Device.objects.select_for_update().filter(pk=device.pk).order_by().values_list("pk").first()
    uuids = {x.uuid for x in sales}
    # A sale is known by its UUID across the edition (sent again by another phone of the
    # stand, or by this one re-paired), its receipt number only on this device.
    known = list(
        Sale.objects.filter(
            Q(edition_id=device.exhibitor.edition_id, uuid__in=uuids)
            | Q(device=device, sequence__in=[x.sequence for x in sales])
        ).order_by()
    )
    by_uuid = {s.uuid: s for s in known if s.uuid in uuids}
    if any(s.exhibitor_id != device.exhibitor_id for s in by_uuid.values()):
        raise ValidationError(_("This identifier is already used by another entry."))
    known = [s for s in known if s.device_id == device.pk]
    fresh: list[SaleIn] = []
    seen: set[uuidlib.UUID] = set()
    for sale in sales:
        if sale.uuid not in by_uuid and sale.uuid not in seen:
            seen.add(sale.uuid)
            fresh.append(sale)
    if fresh:
        taken = {s.sequence for s in known if s.sequence is not None}
        by_uuid.update(_save(actor, device, fresh, products, refuse_oversell, taken))
    # A sale sent twice in one batch is created once: its second copy is "already had".
    results: list[Recorded] = []
    reported: set[uuidlib.UUID] = set()
    for sale in sales:
        results.append(Recorded(by_uuid[sale.uuid], sale.uuid in seen - reported))
        reported.add(sale.uuid)
    return results


def _sequences(device: Device, fresh: list[SaleIn], taken: set[int]) -> dict[uuidlib.UUID, int]:
    """The device numbers its receipts; a number it reuses (its storage was wiped) gets the
    next free one instead, so receipts never collide."""
    result: dict[uuidlib.UUID, int] = {}
    top: int | None = None
    for sale in fresh:
        if sale.sequence in taken:
            if top is None:
                top = max(selectors.last_sequence(device), *(s.sequence for s in fresh))
            top += 1
            result[sale.uuid] = top
        else:
            result[sale.uuid] = sale.sequence
        taken.add(result[sale.uuid])
    return result


def _take_stock(
    device: Device, fresh: list[SaleIn], products: dict[int, Product], refuse_oversell: bool
) -> set[uuidlib.UUID]:
    """Lowers the stock of what was sold; returns the UUIDs of sales that sold more than was
    left. Rows are updated in the order of their products, so two devices cannot deadlock."""
    wanted: dict[int, int] = {}
    for sale in fresh:
        for line in sale.lines:
            if line.product_id:
                wanted[line.product_id] = wanted.get(line.product_id, 0) + line.quantity
    if not wanted:
        return set()
    stock = Stock.objects.filter(edition_id=device.exhibitor.edition_id)
    if refuse_oversell:
        # Online: each update only happens if enough is left (PostgreSQL re-checks the
        # condition on the row it locked); a refusal rolls the whole sale back.
        for product_id in sorted(wanted):
            quantity = wanted[product_id]
            if not stock.filter(product_id=product_id, quantity__gte=quantity).update(
                quantity=F("quantity") - quantity
            ):
                counted = stock.filter(product_id=product_id).values_list("quantity", flat=True)
                if counted:  # counted, and not enough: refused (none: stock not counted)
                    raise OutOfStock(products[product_id], max(counted[0], 0))
        return set()
    rows = list(
        stock.select_for_update()
        .filter(product_id__in=wanted)
        .order_by("product_id")
        .values_list("pk", "product_id", "quantity")
    )
    left = {product_id: quantity for _pk, product_id, quantity in rows}
    oversold = set()
    for sale in fresh:
        for line in sale.lines:
            if line.product_id in left:
                if left[line.product_id] < line.quantity:
                    oversold.add(sale.uuid)
                left[line.product_id] -= line.quantity
    for pk, product_id, _quantity in rows:
        Stock.objects.filter(pk=pk).update(quantity=F("quantity") - wanted[product_id])
    return oversold


def receipt_number(device: Device, sequence: int) -> str:
    """Exhibitor–device–sequence: unique across an exhibitor's devices without asking anyone."""
    return f"{device.exhibitor_id:03d}-{device.number}-{sequence:04d}"


def _save(
    actor: User,
    device: Device,
    fresh: list[SaleIn],
    products: dict[int, Product],
    refuse_oversell: bool,
    taken: set[int],
) -> dict[uuidlib.UUID, Sale]:
    """Saves the sales the server did not have, with their lines; returns them by UUID."""
    oversold = _take_stock(device, fresh, products, refuse_oversell)
    sequences = _sequences(device, fresh, taken)
    now = timezone.now()
    entries = []
    for sale in fresh:
        subtotal = _subtotal(sale)
        clock = sale.device_clock
        entries.append(
            Sale(
                uuid=sale.uuid,
                device=device,
                exhibitor_id=device.exhibitor_id,
                edition_id=device.exhibitor.edition_id,
                sequence=sequences[sale.uuid],
                number=receipt_number(device, sequences[sale.uuid]),
                payment=sale.payment,
                subtotal=subtotal,
                discount=sale.discount,
                total=subtotal - sale.discount,
                buyer_phone=_phone(sale),
                language=sale.language,
                made_by=actor,
                offline=sale.offline,
                device_clock=clock if clock is not None and timezone.is_aware(clock) else None,
                sold_at=_sold_at(sale, now),
                received_at=now,
                oversold=sale.uuid in oversold,
            )
        )
    Sale.objects.bulk_create(entries)
    lines = []
    for entry, sale in zip(entries, fresh, strict=True):
        for line in sale.lines:
            product = products.get(line.product_id) if line.product_id else None
            lines.append(
                SaleLine(
                    sale=entry,
                    product=product,
                    label=(product.name if product else line.label.strip())[:150],
                    unit_price=line.unit_price,
                    quantity=line.quantity,
                    total=line_total(line.unit_price, line.quantity),
                )
            )
    SaleLine.objects.bulk_create(lines)
    units: dict[uuidlib.UUID, int] = {}
    for sale in fresh:
        units[sale.uuid] = sum(line.quantity for line in sale.lines)
    add_to_summaries((entry, units[entry.uuid]) for entry in entries)
    for entry in entries:
        if entry.buyer_phone:
            transaction.on_commit(functools.partial(send_receipt, sale=entry))
    return {entry.uuid: entry for entry in entries}


def receipt_path(sale: Sale, language: str | None = None) -> str:
    with translation.override(language or sale.language):
        return reverse("sales:receipt", args=[sale.receipt_key])


def send_receipt(*, sale: Sale) -> None:
    """The receipt's link by SMS to the buyer's phone, in the language of the sale."""
    with translation.override(sale.language):
        text = _("%(exhibitor)s — receipt %(number)s, %(total)s MAD: %(url)s") % {
            "exhibitor": sale.exhibitor.organisation.name,
            "number": sale.number,
            "total": sale.total,
            "url": absolute_url(receipt_path(sale)),
        }
    messaging.sms(sale.buyer_phone, text, language=sale.language, series_id=sale.edition.series_id)


# --- Corrections --------------------------------------------------------------------------


def _correction(
    actor: User,
    sale: Sale,
    kind: Sale.Kind,
    returned: dict[int, int],
    *,
    reason: str,
    uuid: uuidlib.UUID,
) -> Sale:
    """A new entry that takes back ``returned`` (line id -> quantity) of ``sale``."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give a reason.")]})
    existing = Sale.objects.filter(edition_id=sale.edition_id, uuid=uuid).first()
    if existing is not None:
        if existing.corrects_id != sale.pk:
            raise ValidationError(_("This identifier is already used by another entry."))
        return existing
    lines = {line.pk: line for line in sale.lines.all()}
    left = selectors.remaining(sale)
    for line_id, quantity in returned.items():
        if line_id not in lines:
            raise ValidationError(_("This line is not on the sale."))
        if not 1 <= quantity <= left[line_id]:
            raise ValidationError(
                _("At most %(n)s of “%(label)s” can be taken back.")
                % {"n": left[line_id], "label": lines[line_id].label}
            )
    if not returned:
        raise ValidationError(_("Nothing is left to take back on this sale."))
    subtotal = -sum((line_total(lines[i].unit_price, q) for i, q in returned.items()), ZERO)
    # The discount is given back in proportion; the last correction gives back what is left
    # of it, so a sale taken back whole sums to exactly zero.
    given_back = -(Sale.objects.filter(corrects=sale).aggregate(d=Sum("discount"))["d"] or 0)
    if all(left[i] == returned.get(i, 0) for i in left):
        give_back = sale.discount - given_back
    elif sale.subtotal:
        give_back = (sale.discount * -subtotal / sale.subtotal).quantize(CENT, ROUND_HALF_UP)
    else:
        give_back = ZERO
    discount = -give_back
    entry = Sale(
        uuid=uuid,
        device_id=sale.device_id,
        exhibitor_id=sale.exhibitor_id,
        edition_id=sale.edition_id,
        kind=kind,
        corrects=sale,
        sequence=None,
        number="",
        payment=sale.payment,
        subtotal=subtotal,
        discount=discount,
        total=subtotal - discount,
        language=sale.language,
        reason=reason[:200],
        made_by=actor,
        sold_at=timezone.now(),
    )
    count = Sale.objects.filter(corrects=sale).count() + 1
    entry.number = f"{sale.number}-{'V' if kind == Sale.Kind.VOID else 'R'}{count}"
    entry.save()
    add_to_summaries([(entry, -sum(returned.values()))])
    SaleLine.objects.bulk_create(
        SaleLine(
            sale=entry,
            product_id=lines[i].product_id,
            label=lines[i].label,
            unit_price=lines[i].unit_price,
            quantity=-q,
            total=-line_total(lines[i].unit_price, q),
            corrects=lines[i],
        )
        for i, q in returned.items()
    )
    # What comes back goes back on the shelf.
    for i, q in returned.items():
        product_id = lines[i].product_id
        if product_id:
            Stock.objects.filter(product_id=product_id, edition_id=sale.edition_id).update(
                quantity=F("quantity") + q
            )
    return entry


def _lock_sale(actor: User, sale: Sale) -> None:
    _require_seller(actor, sale.exhibitor)
    if sale.kind != Sale.Kind.SALE:
        raise ValidationError(_("Only a sale can be voided or refunded."))
    # Two corrections of one sale take turns, so they cannot together take back too much.
    Sale.objects.select_for_update().filter(pk=sale.pk).values_list("pk").first()


@transaction.atomic
def void(*, actor: User, sale: Sale, reason: str, uuid: uuidlib.UUID | None = None) -> Sale:
    """Cancels what is left of a sale (all of it, unless part was refunded)."""
    _lock_sale(actor, sale)
    left = {i: q for i, q in selectors.remaining(sale).items() if q > 0}
    return _correction(
        actor, sale, Sale.Kind.VOID, left, reason=reason, uuid=uuid or uuidlib.uuid4()
    )


@transaction.atomic
def refund(
    *,
    actor: User,
    sale: Sale,
    returned: dict[int, int],
    reason: str,
    uuid: uuidlib.UUID | None = None,
) -> Sale:
    """Takes back part of a sale: ``returned`` maps line ids to quantities."""
    _lock_sale(actor, sale)
    return _correction(
        actor, sale, Sale.Kind.REFUND, returned, reason=reason, uuid=uuid or uuidlib.uuid4()
    )


def reconcile(*, actor: User, sale: Sale, note: str) -> Reconciliation:
    _require_seller(actor, sale.exhibitor)
    note = (note or "").strip()
    if not sale.oversold:
        raise ValidationError(_("This sale did not oversell."))
    if not note:
        raise ValidationError({"note": [_("Say how the difference was settled.")]})
    reconciliation, _created = Reconciliation.objects.get_or_create(
        sale=sale, defaults={"note": note[:300], "by": actor}
    )
    return reconciliation


# --- Summaries ----------------------------------------------------------------------------
#
# ``DayTotal`` and ``HourTotal`` (see models.py) add up the ledger per exhibitor and slice of
# the fair. Every service above that writes the ledger adds its entries to them before its
# transaction commits; whoever writes ledger rows directly (the demo, the benchmarks) calls
# ``rebuild_summaries`` once done.

# What an entry does to the number of sales: a void takes its sale off the count, a refund
# only gives money back (as ``selectors.NET_SALES`` counts).
NET_COUNT = {Sale.Kind.SALE: 1, Sale.Kind.VOID: -1, Sale.Kind.REFUND: 0}
DAY_KEYS: tuple[str, ...] = ("edition_id", "exhibitor_id", "day", "payment", "offline")
HOUR_KEYS: tuple[str, ...] = ("edition_id", "exhibitor_id", "day", "hour")
SUMS = ("total", "sales", "items")
# A summary row's key (the values of DAY_KEYS or HOUR_KEYS) -> what to add to its SUMS.
Additions = dict[tuple[Any, ...], list[Any]]


def _fair_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def add_to_summaries(entries: Iterable[tuple[Sale, int]]) -> None:
    """Adds ledger entries just written, each with its net units (negative on corrections), to
    their exhibitors' summary rows, in the caller's transaction.

    One statement per table, whatever the number of entries: an upsert that adds to the row
    (``INSERT … ON CONFLICT … DO UPDATE SET total = total + excluded.total``), atomic on
    PostgreSQL and SQLite alike, so two phones of one stand syncing at once both count. Rows
    are written in the order of their keys, so two transactions cannot deadlock on them."""
    zone = _fair_zone()
    days: Additions = {}
    hours: Additions = {}
    for entry, units in entries:
        local = entry.sold_at.astimezone(zone)
        count = NET_COUNT[Sale.Kind(entry.kind)]
        keys = (entry.edition_id, entry.exhibitor_id, local.date())
        for table, key in (
            (days, (*keys, entry.payment, entry.offline)),
            (hours, (*keys, local.hour)),
        ):
            row = table.setdefault(key, [ZERO, 0, 0])
            row[0] += entry.total
            row[1] += count
            row[2] += units
    if not days:
        return
    statements = [
        _upsert(DayTotal._meta.db_table, DAY_KEYS, days),
        _upsert(HourTotal._meta.db_table, HOUR_KEYS, hours),
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.settings_dict["OPTIONS"].get(
            "server_side_binding"
        ):
            # One round trip for both: Django's client-side binding cursor takes several
            # statements at once, run in their order (day rows, then hour rows).
            cursor.execute(
                "; ".join(sql for sql, _params in statements),
                [value for _sql, params in statements for value in params],
            )
        else:
            for sql, params in statements:
                cursor.execute(sql, params)


def _upsert(table: str, keys: tuple[str, ...], rows: Additions) -> tuple[str, list[Any]]:
    """The statement that adds ``rows`` to the table's, in the order of their keys."""
    name = connection.ops.quote_name
    columns = [*keys, *SUMS]
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    adding = ", ".join(f"{c} = {name(table)}.{c} + excluded.{c}" for c in SUMS)
    sql = (
        f"INSERT INTO {name(table)} ({', '.join(columns)})"  # noqa: S608 - names from the models
        f" VALUES {', '.join([row] * len(rows))}"
        f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {adding}"
    )
    params: list[Any] = []
    for key in sorted(rows):
        day = connection.ops.adapt_datefield_value(key[2])
        params += [*key[:2], day, *key[3:], *rows[key]]
    return sql, params


def _rebuild_sql(table: str, edition_id: int) -> tuple[str, list[Any]]:
    """``INSERT INTO table SELECT …``: the summary rows of an edition's ledger, added up in one
    set-based statement. The fair's day and hour are computed by the database in the fair's
    time zone, as Django's ``TruncDate`` and ``ExtractHour`` do (PostgreSQL's ``AT TIME ZONE``,
    SQLite's functions). Table names come from the models, values are parameters."""
    ops, name = connection.ops, connection.ops.quote_name
    day_sql, day_params = ops.datetime_cast_date_sql("s.sold_at", (), settings.TIME_ZONE)
    if table == DayTotal._meta.db_table:
        keys, extra, extra_params = DAY_KEYS, "s.payment, s.offline", []
    else:
        hour_sql, hour_params = ops.datetime_extract_sql(
            "hour", "s.sold_at", (), settings.TIME_ZONE
        )
        keys, extra, extra_params = HOUR_KEYS, hour_sql, list(hour_params)
    sales, lines = name(Sale._meta.db_table), name(SaleLine._meta.db_table)
    sql = (
        f"INSERT INTO {name(table)} ({', '.join(keys)}, {', '.join(SUMS)})"  # noqa: S608
        f" SELECT s.edition_id, s.exhibitor_id, {day_sql}, {extra},"
        " SUM(s.total),"
        " SUM(CASE s.kind WHEN %s THEN 1 WHEN %s THEN -1 ELSE 0 END),"
        " COALESCE(SUM(u.units), 0)"
        f" FROM {sales} s LEFT JOIN ("
        f"  SELECT l.sale_id, SUM(l.quantity) AS units FROM {lines} l"
        f"  JOIN {sales} e ON e.id = l.sale_id WHERE e.edition_id = %s GROUP BY l.sale_id"
        " ) u ON u.sale_id = s.id"
        " WHERE s.edition_id = %s"
        f" GROUP BY {', '.join(str(n) for n in range(1, len(keys) + 1))}"
    )
    kinds = [Sale.Kind.SALE.value, Sale.Kind.VOID.value]
    return sql, [*day_params, *extra_params, *kinds, edition_id, edition_id]


@transaction.atomic
def rebuild_summaries(*, edition: Edition) -> None:
    """Deletes the edition's summary rows and computes them again from its ledger: one
    set-based statement per table, on SQLite and PostgreSQL. For those who write the ledger
    without the services (the demo's and the benchmarks' bulk loads), once they are done.

    On PostgreSQL the summary tables are locked against writes until it commits (reads go on):
    a sale recorded meanwhile waits, then adds itself to the rebuilt rows, so none is lost or
    counted twice. (SQLite has one writer at a time anyway.)"""
    name = connection.ops.quote_name
    tables = [DayTotal._meta.db_table, HourTotal._meta.db_table]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {', '.join(map(name, tables))} IN EXCLUSIVE MODE")
        DayTotal.objects.filter(edition=edition).delete()
        HourTotal.objects.filter(edition=edition).delete()
        for table in tables:
            cursor.execute(*_rebuild_sql(table, edition.pk))


# --- The day's close ----------------------------------------------------------------------


def close_day(
    *,
    actor: User,
    exhibitor: Exhibitor,
    day: datetime.date,
    opening: Decimal,
    counted: Decimal,
    note: str,
) -> DayClose:
    _require_seller(actor, exhibitor)
    for value in (opening, counted):
        if value < 0 or value > MAX_AMOUNT:
            raise ValidationError(_("Enter an amount between 0 and 9,999,999.99."))
    summary = selectors.day_summary(exhibitor, day)
    return DayClose.objects.create(
        exhibitor=exhibitor,
        day=day,
        opening_cash=opening,
        expected_cash=opening + summary.cash,
        counted_cash=counted,
        note=(note or "").strip()[:300],
        by=actor,
    )
