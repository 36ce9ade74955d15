"""The demo's history, so that the observatory has a trend: sales and gate counts for the
reference fair's two earlier editions (whose exhibitors ``exhibitors.py`` loads), and another
region's fair, the Oriental's, with two closed editions, its own organisations in its registry
(most of the first edition's exhibitors come back to the second), sales and gate counts.

Earlier fairs kept coarser books than the reference fair's point of sale: a stand's sales
are a few sales of one line a day, close to the figures the organisers published
(``data/history.json``). Deterministic and idempotent like the rest of the demo: each load
replaces these editions' sales, devices, gates and counts; rows are made with bulk_create.
"""

import datetime
import random
import uuid
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from maarid.core.money import CENT
from maarid.exhibitors.models import Exhibitor
from maarid.exhibitors.selectors import active_exhibitors
from maarid.fairs.models import Edition, Series, SeriesOrganisation
from maarid.registry.models import Commune, Kind, Organisation, Province, search_text
from maarid.sales.models import Device, Sale, SaleLine
from maarid.sales.services import rebuild_summaries
from maarid.visitors.models import Count, Direction, Gate

from . import content

SEED = 2024
LOCAL = ZoneInfo("Africa/Casablanca")
_FILE = content.read_json("history.json")
OTHER = _FILE["other_region"]
PAYMENTS = ["cash"] * 7 + ["card", "mobile", "mobile"]


def load(editions: dict[int, Edition]) -> list[Edition]:
    """Loads the history; returns the editions it gave sales and counts to."""
    rng = random.Random(SEED)
    loaded = []
    for number, figures in _FILE["past_editions"].items():
        edition = editions[int(number)]
        fill(rng, edition, Decimal(figures["sales"]), figures["visitors"])
        loaded.append(edition)
    for edition, row in load_other_region(rng):
        fill(rng, edition, Decimal(row["sales"]), row["visitors"])
        loaded.append(edition)
    return loaded


# --- The other region's fair ------------------------------------------------------------------


def load_other_region(rng: random.Random) -> list[tuple[Edition, dict]]:
    values = dict(OTHER["series"])
    series, _ = Series.objects.update_or_create(slug=values.pop("slug"), defaults=values)
    organisations = _organisations(rng, series)
    result = []
    previous: list[Organisation] = []
    for row in OTHER["editions"]:
        edition, _ = Edition.objects.update_or_create(
            series=series,
            number=row["number"],
            defaults={
                "name_fr": row["name_fr"],
                "name_ar": row["name_ar"],
                "city_id": row["city_id"],
                "venue_fr": row["venue_fr"],
                "venue_ar": row["venue_ar"],
                "area_m2": row["area_m2"],
                "starts_on": datetime.date.fromisoformat(row["starts_on"]),
                "ends_on": datetime.date.fromisoformat(row["ends_on"]),
                "opens_at": datetime.time(10),
                "closes_at": datetime.time(22),
                "status": Edition.Status.CLOSED,
            },
        )
        back = rng.sample(previous, min(OTHER["returning"], len(previous)))
        others = [o for o in organisations if o not in previous]
        chosen = back + rng.sample(others, row["exhibitors"] - len(back))
        clear(edition)
        Exhibitor.objects.filter(edition=edition).delete()
        Exhibitor.objects.bulk_create(
            [
                Exhibitor(edition=edition, organisation=o, created_at=_at(edition.starts_on, 9))
                for o in chosen
            ]
        )
        previous = chosen
        result.append((edition, row))
    return result


def _organisations(rng: random.Random, series: Series) -> list[Organisation]:
    provinces = list(Province.objects.filter(region_id=OTHER["series"]["region_id"]))
    communes = {
        p.code: list(Commune.objects.filter(province=p).order_by("code")[:6]) for p in provinces
    }
    kinds = [kind for kind, weight in OTHER["kinds"] for _ in range(weight)]
    rows = []
    for n in range(1, OTHER["organisations"] + 1):
        province = rng.choice(provinces)
        commune = rng.choice(communes[province.code]) if communes[province.code] else None
        kind = rng.choice(kinds)
        name_fr, name_ar = rng.choice(OTHER["names"])
        if kind == Kind.ARTISAN:
            craft_fr, craft_ar = rng.choice(OTHER["artisans"])
            sector = "handicrafts"
            full_fr = f"{craft_fr} {name_fr} de {province.name_fr}"
            full_ar = f"{craft_ar} {name_ar} من {province.name_ar}"
            women, men = (1, 0) if craft_fr.endswith("e") else (0, 1)
        else:
            sector, word_fr, word_ar, what_fr, what_ar = rng.choice(OTHER["activities"])
            if kind == Kind.GIE:
                word_fr, word_ar = "GIE", "مجموعة"
            full_fr = f"{word_fr} {name_fr} {what_fr} de {province.name_fr}"
            full_ar = f"{word_ar} {name_ar} {what_ar} ب{province.name_ar}"
            women, men = rng.randint(0, 30), rng.randint(0, 25)
        organisation = Organisation(
            kind=kind,
            name_fr=full_fr,
            name_ar=full_ar,
            description_fr=f"{full_fr}, dans la région de l'Oriental.",
            description_ar=f"{full_ar}، بجهة الشرق.",
            slug=f"oriental-{n:03d}",
            province=province,
            commune=commune,
            sector=sector,
            members_women=women,
            members_men=men,
            women_led=women > men,
            founded_on=datetime.date(rng.randint(1985, 2021), rng.randint(1, 12), 1),
            created_at=content.CREATED_AT,
        )
        organisation.search_text = search_text(organisation)
        rows.append(organisation)
    fields = ["kind", "name_fr", "name_ar", "description_fr", "description_ar", "province"]
    fields += ["commune", "sector", "members_women", "members_men", "women_led", "founded_on"]
    fields += ["search_text"]
    Organisation.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["slug"], update_fields=fields
    )
    saved = list(Organisation.objects.filter(slug__startswith="oriental-").order_by("slug"))
    SeriesOrganisation.objects.bulk_create(
        [
            SeriesOrganisation(series=series, organisation=o, added_at=content.CREATED_AT)
            for o in saved
        ],
        ignore_conflicts=True,
    )
    return saved


# --- Sales and counts -------------------------------------------------------------------------


def clear(edition: Edition) -> None:
    SaleLine.objects.filter(sale__edition=edition).delete()
    Sale.objects.filter(edition=edition, corrects__isnull=False).delete()
    Sale.objects.filter(edition=edition).delete()
    Device.objects.filter(exhibitor__edition=edition).delete()
    rebuild_summaries(edition=edition)
    Count.objects.filter(edition=edition).delete()
    Gate.objects.filter(edition=edition).delete()


def fill(rng: random.Random, edition: Edition, total: Decimal, visitors: int) -> None:
    """Replaces the edition's sales (adding up to ``total``) and gate counts (``visitors``)."""
    clear(edition)
    stands = list(active_exhibitors(edition).order_by("organisation__slug"))
    if not stands:
        return
    Device.objects.bulk_create(
        [
            Device(exhibitor=s, number=1, name="Caisse", created_at=_at(edition.starts_on, 9))
            for s in stands
        ]
    )
    devices = {d.exhibitor_id: d for d in Device.objects.filter(exhibitor__edition=edition)}
    _sales(rng, edition, stands, devices, total)
    rebuild_summaries(edition=edition)  # the ledger was written directly: add it up
    _counts(rng, edition, visitors)


def _sales(rng, edition, stands, devices, total: Decimal) -> None:
    weights = [rng.paretovariate(2.0) for _ in stands]
    scale = total / Decimal(str(sum(weights)))
    low, high = _FILE["daily_sales_per_stand"]
    days = edition.dates()
    sales, amounts = [], []
    left = total
    for i, (stand, weight) in enumerate(zip(stands, weights, strict=True)):
        target = left if i == len(stands) - 1 else (Decimal(str(weight)) * scale).quantize(CENT)
        left -= target
        moments = [
            _at(day, rng.randint(10, 21), rng.randint(0, 59))
            for day in days
            for _ in range(rng.randint(low, high))
        ]
        moments.sort()
        parts = [rng.random() + 0.2 for _ in moments]
        share = target / Decimal(str(sum(parts)))
        spent = Decimal("0.00")
        device = devices[stand.pk]
        for n, (moment, part) in enumerate(zip(moments, parts, strict=True), start=1):
            amount = (
                target - spent
                if n == len(moments)
                else (Decimal(str(part)) * share).quantize(CENT, ROUND_HALF_UP)
            )
            spent += amount
            sales.append(
                Sale(
                    uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                    device=device,
                    exhibitor=stand,
                    edition=edition,
                    sequence=n,
                    number=f"{stand.pk:03d}-1-{n:04d}",
                    payment=rng.choice(PAYMENTS),
                    subtotal=amount,
                    total=amount,
                    language="fr",
                    sold_at=moment,
                    received_at=moment,
                    receipt_key=f"h{edition.pk}-{stand.pk}-{n}",
                )
            )
            amounts.append(amount)
    Sale.objects.bulk_create(sales, batch_size=2000)
    saved = Sale.objects.filter(edition=edition).order_by("exhibitor_id", "sequence")
    SaleLine.objects.bulk_create(
        [
            SaleLine(sale=sale, label="Vente", unit_price=sale.total, quantity=1, total=sale.total)
            for sale in saved.only("pk", "total")
        ],
        batch_size=2000,
    )


def _counts(rng: random.Random, edition: Edition, visitors: int) -> None:
    gates = Gate.objects.bulk_create(
        [
            Gate(edition=edition, name_fr=fr, name_ar=ar, position=i)
            for i, (fr, ar) in enumerate(_FILE["gates"])
        ]
    )
    slots = [
        (day, hour, gate) for day in edition.dates() for hour in range(10, 22) for gate in gates
    ]
    weights = [
        (2.0 if day.weekday() >= 4 else 1.0) * (1.6 if hour >= 17 else 1.0) * rng.uniform(0.8, 1.2)
        for day, hour, _gate in slots
    ]
    scale = visitors / sum(weights)
    amounts = [int(w * scale) for w in weights]
    amounts[-1] += visitors - sum(amounts)
    Count.objects.bulk_create(
        [
            Count(
                key=uuid.UUID(int=rng.getrandbits(128), version=4),
                edition=edition,
                gate=gate,
                direction=Direction.IN,
                amount=amount,
                at=_at(day, hour, 30),
                received_at=_at(day, hour, 31),
                day=day,
            )
            for (day, hour, gate), amount in zip(slots, amounts, strict=True)
        ]
    )


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LOCAL)
