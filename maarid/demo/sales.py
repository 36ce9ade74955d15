"""Ten days of sales at the reference fair: close to 6,000,000 MAD across its 165 exhibitors,
shaped like a real fair (weekends and evenings busier, the network saturated at the Saturday and
Sunday evening peaks so that a share of those sales sync late), with the national association of
coral divers the top seller, as at the real fair.

Written straight into the ledger (bulk inserts, not the API) so that the demo loads in seconds;
the rows are what the API would have written. Deterministic like the rest of the demo, and
idempotent: loading again replaces the reference edition's ledger.
"""

import datetime
import random
import uuid
import zoneinfo
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from maarid.catalogue.models import Stock
from maarid.core.money import CENT
from maarid.exhibitors.selectors import active_exhibitors
from maarid.sales.models import DayClose, Device, Reconciliation, Sale, SaleLine
from maarid.sales.services import line_total, rebuild_summaries, receipt_number

from . import content

SEED = 2024
TARGET = Decimal("6000000.00")
TOP_SELLER = "coral-divers"
_FILE = content.read_json("sales.json")
# How busy each weekday is (Monday first): Saturday and Sunday draw the crowds; Friday
# afternoon after prayer too.
DAY_WEIGHT: dict[int, float] = dict(enumerate(_FILE["day_weight"]))
# How busy each hour is: families come in the evening, after work and the heat of the afternoon.
HOUR_WEIGHT = {int(hour): float(weight) for hour, weight in _FILE["hour_weight"].items()}
# Each payment method as many times as it comes in a hundred sales (drawn with rng.choice).
PAYMENTS = [method for method, count in _FILE["payments"].items() for _ in range(count)]
VOID_REASONS: list[str] = _FILE["void_reasons"]

# A product on a stand's shelf: product id, name, price, stock at opening.
Shelved = tuple[int, str, Decimal, int]


def load(edition, organisations: dict) -> Decimal:
    """Replaces the edition's ledger with the demo's; returns its total turnover."""
    rng = random.Random(SEED)
    clear(edition)
    stands = list(
        active_exhibitors(edition).select_related("organisation").order_by("organisation__slug")
    )
    shelves = _shelves(edition, stands)
    targets = _targets(rng, stands, organisations[TOP_SELLER].pk, shelves)
    hours = _opening(edition)
    sold: defaultdict[int, int] = defaultdict(int)  # product id -> units
    total = Decimal("0.00")
    for stand in stands:
        if shelves[stand.pk]:
            total += _sell(rng, stand, shelves[stand.pk], targets[stand.pk], hours, sold)
    _restock(rng, edition, shelves, sold)
    rebuild_summaries(edition=edition)  # the ledger was written directly: add it up
    return total


def clear(edition):
    # The ledger is append-only for people; the demo replaces its own rows wholesale.
    Reconciliation.objects.filter(sale__edition=edition).delete()
    DayClose.objects.filter(exhibitor__edition=edition).delete()
    SaleLine.objects.filter(sale__edition=edition, corrects__isnull=False).delete()
    SaleLine.objects.filter(sale__edition=edition).delete()
    Sale.objects.filter(edition=edition, corrects__isnull=False).delete()
    Sale.objects.filter(edition=edition).delete()
    Device.objects.filter(exhibitor__edition=edition, token__isnull=True).delete()


def _shelves(edition, stands) -> dict:
    """exhibitor id -> [(product id, name, price, stock at opening)], products with a price."""
    by_organisation = defaultdict(list)
    rows = (
        Stock.objects.filter(edition=edition, product__price__isnull=False)
        .order_by("product__organisation_id", "product__slug")
        .values_list(
            "product__organisation_id",
            "product_id",
            "product__name_fr",
            "product__price",
            "quantity",
        )
    )
    for organisation_id, product_id, name, price, quantity in rows:
        by_organisation[organisation_id].append((product_id, name, price, quantity))
    return {stand.pk: by_organisation.get(stand.organisation_id, []) for stand in stands}


def _targets(rng, stands, top_organisation_id, shelves) -> dict:
    """Each stand's turnover: spread like real fairs (a few stands sell much more), the coral
    divers well ahead of everyone."""
    weights = {}
    for stand in stands:
        if shelves[stand.pk]:
            weights[stand.pk] = rng.lognormvariate(0, 0.75)
    top = next(s.pk for s in stands if s.organisation_id == top_organisation_id)
    weights[top] = max(weights.values()) * 1.5
    scale = float(TARGET) / sum(weights.values())
    return {pk: Decimal(w * scale).quantize(CENT) for pk, w in weights.items()}


def _opening(edition) -> dict:
    """day -> the hours the fair is open that day."""
    days = {}
    for day in edition.dates():
        opens, closes = edition.hours_on(day)
        days[day] = [h for h in range(opens.hour, closes.hour) if h in HOUR_WEIGHT] if opens else []
    return days


def _moments(rng, hours: dict, count: int) -> list:
    """``count`` times of sale across the fair, as busy as the day and the hour."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    slots = [(day, hour) for day, open_hours in hours.items() for hour in open_hours]
    weights = [DAY_WEIGHT[day.weekday()] * HOUR_WEIGHT[hour] for day, hour in slots]
    picked = rng.choices(slots, weights, k=count)
    moments = [
        datetime.datetime.combine(day, datetime.time(hour, rng.randrange(60), rng.randrange(60)))
        for day, hour in picked
    ]
    return sorted(m.replace(tzinfo=zone) for m in moments)


def _uuid(rng) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _key(rng) -> str:
    return f"{rng.getrandbits(64):016x}"


def _basket(rng: random.Random, shelf: list[Shelved]) -> list[tuple[Shelved, int]]:
    """One to three products, cheap ones more often, mostly one of each."""
    weights = [1 / max(float(price), 5) ** 0.5 for _id, _name, price, _q in shelf]
    lines: dict[int, tuple[Shelved, int]] = {}
    for _ in range(rng.choices([1, 2, 3], [60, 30, 10])[0]):
        product = rng.choices(shelf, weights)[0]
        lines[product[0]] = (
            product,
            lines.get(product[0], (product, 0))[1] + rng.choice([1, 1, 1, 2]),
        )
    return list(lines.values())


def _sell(rng, stand, shelf, target: Decimal, hours: dict, sold: dict) -> Decimal:
    devices = [Device.objects.create(exhibitor=stand, number=1, name="Téléphone")]
    if target > 60000:
        devices.append(Device.objects.create(exhibitor=stand, number=2, name="Tablette"))
    baskets, total = [], Decimal("0.00")
    while total < target:
        basket = _basket(rng, shelf)
        subtotal = sum((line_total(p[2], q) for p, q in basket), Decimal("0.00"))
        discount = Decimal("0.00")
        if subtotal >= 100 and rng.random() < 0.2:  # a little off, the way fairs bargain
            discount = (subtotal * Decimal(rng.choice([5, 10])) / 100).quantize(
                Decimal("1"), rounding=ROUND_HALF_UP
            )
        # The last basket is kept only if it brings the stand closer to its target.
        if (
            total + subtotal - discount > target
            and total + subtotal - discount - target > target - total
        ):
            break
        baskets.append((basket, subtotal, discount))
        total += subtotal - discount
    moments = _moments(rng, hours, len(baskets))
    sequences: defaultdict[int, int] = defaultdict(int)  # device id -> its last sequence
    entries: list[Sale] = []
    lines: list[tuple[Sale, Shelved, int]] = []
    closes: defaultdict[datetime.date, Decimal] = defaultdict(Decimal)  # cash taken by day
    for (basket, subtotal, discount), when in zip(baskets, moments, strict=True):
        device = devices[rng.randrange(len(devices))]
        sequences[device.pk] += 1
        busy = when.weekday() >= 5 and when.hour >= 18
        offline = busy and rng.random() < 0.3  # the square's network saturates at peak hours
        received = when + datetime.timedelta(
            minutes=rng.randint(5, 90) if offline else 0, seconds=1
        )
        payment = (
            rng.choice(PAYMENTS) if subtotal < 2000 else rng.choice(["cash", "transfer", "card"])
        )
        entry = Sale(
            uuid=_uuid(rng),
            device=device,
            exhibitor=stand,
            edition_id=stand.edition_id,
            sequence=sequences[device.pk],
            number=receipt_number(device, sequences[device.pk]),
            payment=payment,
            subtotal=subtotal,
            discount=discount,
            total=subtotal - discount,
            offline=offline,
            device_clock=when,
            sold_at=when,
            received_at=received,
            receipt_key=_key(rng),
            language=rng.choice(["ar", "ar", "fr"]),
        )
        entries.append(entry)
        for product, quantity in basket:
            sold[product[0]] += quantity
            lines.append((entry, product, quantity))
        if payment == "cash":
            closes[when.date()] += entry.total
    Sale.objects.bulk_create(entries, batch_size=1000)
    SaleLine.objects.bulk_create(
        [
            SaleLine(
                sale=entry,
                product_id=product[0],
                label=product[1],
                unit_price=product[2],
                quantity=quantity,
                total=line_total(product[2], quantity),
            )
            for entry, product, quantity in lines
        ],
        batch_size=2000,
    )
    total -= _voids(rng, entries, sold)
    _close_days(rng, stand, closes)
    return total


def _voids(rng, entries, sold) -> Decimal:
    """A few mistakes, voided a few minutes later with a reason: about one sale in 300."""
    voided = Decimal("0.00")
    for entry in entries:
        if rng.random() >= 1 / 300:
            continue
        void = Sale.objects.create(
            uuid=_uuid(rng),
            device=entry.device,
            exhibitor=entry.exhibitor,
            edition_id=entry.edition_id,
            kind=Sale.Kind.VOID,
            corrects=entry,
            number=entry.number + "-V1",
            payment=entry.payment,
            subtotal=-entry.subtotal,
            discount=-entry.discount,
            total=-entry.total,
            reason=rng.choice(VOID_REASONS),
            # A few minutes later, within the same hour (never after closing time).
            sold_at=min(
                entry.sold_at + datetime.timedelta(minutes=rng.randint(1, 15)),
                entry.sold_at.replace(minute=59, second=59),
            ),
            received_at=entry.received_at + datetime.timedelta(minutes=15),
            receipt_key=_key(rng),
            language=entry.language,
        )
        for line in entry.lines.all():
            SaleLine.objects.create(
                sale=void,
                product_id=line.product_id,
                label=line.label,
                unit_price=line.unit_price,
                quantity=-line.quantity,
                total=-line.total,
                corrects=line,
            )
            sold[line.product_id] -= line.quantity
        voided += entry.total
    return voided


def _close_days(rng, stand, cash_by_day: dict):
    """Each evening the stand counts its cash: mostly right, now and then a few dirhams off."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    for day, cash in sorted(cash_by_day.items()):
        opening = Decimal(rng.choice([200, 300, 500]))
        expected = opening + cash
        difference = Decimal(rng.choice([0] * 8 + [-20, -10, 10, -50]))
        DayClose.objects.create(
            exhibitor=stand,
            day=day,
            opening_cash=opening,
            expected_cash=expected,
            counted_cash=expected + difference,
            note="" if not difference else "Monnaie rendue en trop" if difference < 0 else "",
            at=datetime.datetime.combine(day, datetime.time(22, 10), tzinfo=zone),
        )


def _restock(rng, edition, shelves, sold):
    """Stock after the fair: what was brought less what was sold; stands that sold out brought
    more from their workshop in the evenings (the demo does not record those deliveries)."""
    for shelf in shelves.values():
        for product_id, _name, _price, quantity in shelf:
            left = quantity - sold.get(product_id, 0)
            if left < 0:
                left = rng.randint(0, 5)
            if left != quantity:
                Stock.objects.filter(product_id=product_id, edition=edition).update(quantity=left)
