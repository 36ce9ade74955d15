"""The summary tables: what the ledger adds up to per exhibitor, day, hour, payment and offline,
kept by every service that writes the ledger, rebuilt from it on demand, and read by the
turnover and the reports.

The reference each time is the ledger itself, added up here in Python from its rows (never the
services' own arithmetic nor their SQL): an entry counts on the fair's day and hour of its own
time in Casablanca, a sale +1, a void −1, a refund 0 sales.
"""

import datetime
import importlib
import uuid
import zoneinfo
from collections import defaultdict
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maarid.exhibitors.models import Exhibitor
from maarid.fairs.models import Edition
from maarid.registry.models import Kind, Sector
from maarid.sales import selectors, services
from maarid.sales.models import DayTotal, Device, HourTotal, Sale, SaleLine
from tests.conftest import make_organisation, make_user

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
CASABLANCA = zoneinfo.ZoneInfo("Africa/Casablanca")
# The fair's days are 31 May to 9 June 2024, after Ramadan: Casablanca is at UTC+1.
WEDNESDAY = datetime.datetime(2024, 6, 5, 10, 0, tzinfo=UTC)
NET = {"sale": 1, "void": -1, "refund": 0}


# --- The ledger added up by hand ------------------------------------------------------------


def ledger_by_day() -> dict[tuple, tuple[Decimal, int, int]]:
    """(edition, exhibitor, day, payment, offline) -> (total, sales, items), from the raw rows."""
    return _add_up(lambda s, local: (s.payment, s.offline))


def ledger_by_hour() -> dict[tuple, tuple[Decimal, int, int]]:
    """(edition, exhibitor, day, hour) -> (total, sales, items), from the raw rows."""
    return _add_up(lambda s, local: (local.hour,))


def _add_up(rest) -> dict[tuple, tuple[Decimal, int, int]]:
    units: defaultdict[int, int] = defaultdict(int)
    for sale_id, quantity in SaleLine.objects.values_list("sale_id", "quantity"):
        units[sale_id] += quantity
    found: defaultdict[tuple, list] = defaultdict(lambda: [Decimal("0.00"), 0, 0])
    for s in Sale.objects.all():
        local = s.sold_at.astimezone(CASABLANCA)
        row = found[(s.edition_id, s.exhibitor_id, local.date(), *rest(s, local))]
        row[0] += s.total
        row[1] += NET[s.kind]
        row[2] += units[s.pk]
    return {key: (total.quantize(Decimal("0.01")), n, u) for key, (total, n, u) in found.items()}


def day_rows() -> dict[tuple, tuple[Decimal, int, int]]:
    rows = DayTotal.objects.values_list(
        "edition_id", "exhibitor_id", "day", "payment", "offline", "total", "sales", "items"
    )
    return {tuple(r[:5]): (selectors.cents(r[5]), r[6], r[7]) for r in rows}


def hour_rows() -> dict[tuple, tuple[Decimal, int, int]]:
    rows = HourTotal.objects.values_list(
        "edition_id", "exhibitor_id", "day", "hour", "total", "sales", "items"
    )
    return {tuple(r[:4]): (selectors.cents(r[4]), r[5], r[6]) for r in rows}


# --- The fair -----------------------------------------------------------------------------


@pytest.fixture
def boss(db):
    """Corrects any stand's sales (a superuser), so that corrections need no membership."""
    return make_user("boss", is_superuser=True)


@pytest.fixture
def stands(edition, cooperative):
    """Two stands of the edition: a terroir cooperative of Tétouan and an association of
    artisans from the Oriental, each with a phone."""
    artisans = make_organisation(
        kind=Kind.ASSOCIATION,
        name_fr="Association des brodeuses",
        name_ar="جمعية الطرازات",
        province_id="02.411",
        sector=Sector.HANDICRAFTS,
    )
    result = []
    for organisation in (cooperative, artisans):
        stand = Exhibitor.objects.create(edition=edition, organisation=organisation)
        Device.objects.create(exhibitor=stand, number=1, name="Téléphone")
        result.append(stand)
    return result


def receipt(lines, *, payment="cash", offline=False, at=None, sequence=1, discount="0.00"):
    """A sale as the phone sends it: ``lines`` are (quantity, unit price) of free amounts."""
    return services.SaleIn(
        uuid=uuid.uuid4(),
        sequence=sequence,
        payment=payment,
        lines=[
            services.LineIn(quantity=q, unit_price=Decimal(p), label=f"Article {n}")
            for n, (q, p) in enumerate(lines)
        ],
        discount=Decimal(discount),
        offline=offline,
        device_clock=at,
    )


def sell(actor, stand, body, *, now):
    with time_machine.travel(now, tick=False):
        device = stand.devices.get()
        if body.offline:
            return services.sync(actor=actor, device=device, sales=[body])[0].sale
        return services.record_sale(actor=actor, device=device, sale=body).sale


# --- Examples ------------------------------------------------------------------------------


def test_a_sale_a_refund_and_a_void_count_as_the_ledger_says(stands, boss):
    """A refund gives money back and leaves the sale a sale; a void takes it off the count."""
    stand = stands[0]
    first = sell(boss, stand, receipt([(2, "180.00"), (1, "95.50")]), now=WEDNESDAY)
    second = sell(boss, stand, receipt([(1, "40.00")], sequence=2), now=WEDNESDAY)
    line = first.lines.order_by("pk").first()
    with time_machine.travel(WEDNESDAY + datetime.timedelta(hours=1), tick=False):
        services.refund(actor=boss, sale=first, returned={line.pk: 1}, reason="Abîmé")
        services.void(actor=boss, sale=second, reason="Erreur de saisie")

    day = datetime.date(2024, 6, 5)
    assert day_rows() == {
        (stand.edition_id, stand.pk, day, "cash", False): (Decimal("275.50"), 1, 2),
    }
    assert hour_rows() == {
        (stand.edition_id, stand.pk, day, 11): (Decimal("495.50"), 2, 4),
        (stand.edition_id, stand.pk, day, 12): (Decimal("-220.00"), -1, -2),
    }
    assert selectors.exhibitor_total(stand) == {"total": Decimal("275.50"), "sales": 1}
    assert selectors.edition_total(stand.edition) == {"total": Decimal("275.50"), "sales": 1}


def test_a_sale_at_half_past_eleven_utc_counts_on_the_next_day_of_the_fair(stands, boss):
    """23:30 UTC on Tuesday is 00:30 on Wednesday in Tétouan: Wednesday's figures, hour 0."""
    late = datetime.datetime(2024, 6, 4, 23, 30, tzinfo=UTC)
    stand = stands[0]
    sell(boss, stand, receipt([(1, "60.00")], offline=True, at=late), now=WEDNESDAY)
    sell(boss, stand, receipt([(1, "15.00")], sequence=2), now=late)

    wednesday = datetime.date(2024, 6, 5)
    assert set(day_rows()) == {
        (stand.edition_id, stand.pk, wednesday, "cash", True),
        (stand.edition_id, stand.pk, wednesday, "cash", False),
    }
    assert hour_rows() == {(stand.edition_id, stand.pk, wednesday, 0): (Decimal("75.00"), 2, 2)}
    figures = selectors.turnover(stand.edition)
    assert [d["total"] for d in figures["by_day"] if d["key"] == "2024-06-04"] == [Decimal("0")]
    assert [d["total"] for d in figures["by_day"] if d["key"] == "2024-06-05"] == [Decimal("75.00")]
    assert [h["key"] for h in figures["by_hour"]][0] == "0"


def test_the_turnover_says_what_was_sold_offline(stands, boss):
    stand = stands[0]
    sell(boss, stand, receipt([(1, "100.00")]), now=WEDNESDAY)
    before = WEDNESDAY - datetime.timedelta(minutes=30)
    for n in (2, 3):
        sell(
            boss, stand, receipt([(1, "25.00")], sequence=n, offline=True, at=before), now=WEDNESDAY
        )
    figures = selectors.turnover(stand.edition)
    assert figures["total"] == Decimal("150.00") and figures["sales"] == 3
    assert figures["offline_total"] == Decimal("50.00") and figures["offline_sales"] == 2


def test_the_turnover_of_an_edition_without_sales_is_zero(edition):
    figures = selectors.turnover(edition)
    assert figures["total"] == Decimal("0.00") and figures["sales"] == 0
    assert figures["offline_total"] == Decimal("0.00") and figures["offline_sales"] == 0
    assert figures["top_sellers"] == [] and all(d["sales"] == 0 for d in figures["by_day"])


# --- totals_by, the reports' selector ----------------------------------------------------


@pytest.fixture
def two_editions(stands, boss, series):
    """The edition's two stands sell over two days in three ways; the cooperative also sells
    at the next edition."""
    stand, artisans = stands
    nxt = Edition.objects.create(
        series=series,
        number=4,
        name_fr="4e Salon",
        name_ar="المعرض الرابع",
        city_id=stand.edition.city_id,
        starts_on=datetime.date(2024, 7, 1),
        ends_on=datetime.date(2024, 7, 3),
    )
    later = Exhibitor.objects.create(edition=nxt, organisation=stand.organisation)
    Device.objects.create(exhibitor=later, number=1, name="Téléphone")
    thursday = WEDNESDAY + datetime.timedelta(days=1, hours=8)
    sell(boss, stand, receipt([(2, "180.00")]), now=WEDNESDAY)
    sell(boss, stand, receipt([(1, "95.50")], sequence=2, payment="card"), now=thursday)
    sell(boss, artisans, receipt([(3, "450.00")], payment="mobile"), now=WEDNESDAY)
    sell(
        boss,
        artisans,
        receipt([(1, "80.00")], sequence=2, offline=True, at=thursday),
        now=thursday + datetime.timedelta(hours=1),
    )
    sale = sell(boss, artisans, receipt([(1, "12.00")], sequence=3), now=thursday)
    with time_machine.travel(thursday, tick=False):
        services.void(actor=boss, sale=sale, reason="Doublon")
    sell(boss, later, receipt([(1, "99.99")]), now=datetime.datetime(2024, 7, 1, 9, tzinfo=UTC))
    return stand.edition, nxt


def expected(editions, *keys):
    """totals_by as the ledger says it, from the raw rows and each entry's organisation."""
    found: defaultdict[tuple, list] = defaultdict(lambda: [Decimal("0.00"), 0, 0])
    for s in Sale.objects.filter(edition__in=editions).select_related(
        "edition", "exhibitor__organisation__province"
    ):
        local = s.sold_at.astimezone(CASABLANCA)
        organisation = s.exhibitor.organisation
        values = {
            "edition": s.edition_id,
            "series": s.edition.series_id,
            "exhibitor": s.exhibitor_id,
            "organisation": organisation.pk,
            "day": local.date(),
            "hour": local.hour,
            "payment": s.payment,
            "offline": s.offline,
            "sector": organisation.sector,
            "kind": organisation.kind,
            "province": organisation.province_id,
            "region": organisation.province.region_id,
        }
        row = found[tuple(values[k] for k in keys)]
        row[0] += s.total
        row[1] += NET[s.kind]
        row[2] += sum(line.quantity for line in s.lines.all())
    return [
        {**dict(zip(keys, key, strict=True)), "total": t, "sales": n, "items": u}
        for key, (t, n, u) in sorted(found.items())
    ]


@pytest.mark.parametrize(
    "keys",
    [
        (),
        ("edition",),
        ("series",),
        ("exhibitor",),
        ("organisation",),
        ("day",),
        ("hour",),
        ("payment",),
        ("offline",),
        ("sector",),
        ("kind",),
        ("province",),
        ("region",),
        ("day", "payment"),
        ("edition", "exhibitor", "day", "hour"),
        ("sector", "offline"),
        ("edition", "region", "kind", "payment", "offline"),
    ],
)
def test_totals_by_any_keys_add_up_the_ledger(two_editions, keys):
    assert selectors.totals_by(list(two_editions), *keys) == expected(two_editions, *keys)


def test_totals_by_takes_an_edition_its_id_or_a_queryset(two_editions):
    first, nxt = two_editions
    assert selectors.totals_by(first, "day") == expected([first], "day")
    assert selectors.totals_by(first.pk, "day") == expected([first], "day")
    everything = Edition.objects.filter(series=first.series)
    assert selectors.totals_by(everything, "edition") == expected(two_editions, "edition")
    assert selectors.totals_by(Edition.objects.none()) == [
        {"total": Decimal("0.00"), "sales": 0, "items": 0}
    ]


def test_totals_by_refuses_what_the_summaries_do_not_keep(edition):
    with pytest.raises(ValueError, match="hours"):
        selectors.totals_by(edition, "hour", "payment")
    with pytest.raises(ValueError, match="colour"):
        selectors.totals_by(edition, "colour")


# --- Rebuilding ---------------------------------------------------------------------------


def test_rebuilding_an_edition_gives_the_rows_kept_as_sales_came(two_editions):
    first, _nxt = two_editions
    days, hours = day_rows(), hour_rows()
    DayTotal.objects.update(total=Decimal("1.00"), sales=7)  # whatever was there goes
    services.rebuild_summaries(edition=first)
    assert {k: v for k, v in day_rows().items() if k[0] == first.pk} == {
        k: v for k, v in days.items() if k[0] == first.pk
    }
    assert hour_rows() == hours
    # The other edition's rows are not touched.
    assert {k: v for k, v in day_rows().items() if k[0] != first.pk} == {
        k: (Decimal("1.00"), 7, v[2]) for k, v in days.items() if k[0] != first.pk
    }


def test_rebuilding_counts_ledger_rows_written_without_the_services(stands):
    """What the demo and the benchmarks do: bulk inserts, then one rebuild."""
    stand = stands[0]
    device = stand.devices.get()
    at = datetime.datetime(2024, 6, 4, 23, 30, tzinfo=UTC)
    entry = Sale.objects.create(
        uuid=uuid.uuid4(),
        device=device,
        exhibitor=stand,
        edition_id=stand.edition_id,
        sequence=1,
        number="1",
        payment="transfer",
        subtotal=Decimal("1000.00"),
        total=Decimal("1000.00"),
        offline=True,
        sold_at=at,
    )
    SaleLine.objects.create(
        sale=entry, label="Tapis", unit_price=Decimal("500"), quantity=2, total=1000
    )
    assert not day_rows()
    services.rebuild_summaries(edition=stand.edition)
    wednesday = datetime.date(2024, 6, 5)
    assert day_rows() == {
        (stand.edition_id, stand.pk, wednesday, "transfer", True): (Decimal("1000.00"), 1, 2)
    }
    assert hour_rows() == {(stand.edition_id, stand.pk, wednesday, 0): (Decimal("1000.00"), 1, 2)}


def test_the_migration_fills_the_summaries_from_every_ledger(two_editions):
    migration = importlib.import_module("maarid.sales.migrations.0003_day_and_hour_totals")
    days, hours = day_rows(), hour_rows()
    DayTotal.objects.all().delete()
    HourTotal.objects.all().delete()
    migration.fill_from_the_ledgers(None, SimpleNamespace(connection=connection))
    assert day_rows() == days == ledger_by_day()
    assert hour_rows() == hours == ledger_by_hour()


# --- Any sequence of writes ---------------------------------------------------------------

# Moments of the fair (UTC): mornings, evenings, and 23:30 / 23:00 UTC, already the next day in
# Tétouan (00:30, and midnight exactly).
MOMENTS = [
    datetime.datetime(2024, 6, 4, 9, 15, tzinfo=UTC),
    datetime.datetime(2024, 6, 4, 23, 30, tzinfo=UTC),
    datetime.datetime(2024, 6, 5, 12, 0, tzinfo=UTC),
    datetime.datetime(2024, 6, 5, 22, 59, 59, tzinfo=UTC),
    datetime.datetime(2024, 6, 6, 23, 0, tzinfo=UTC),
    datetime.datetime(2024, 6, 7, 16, 45, tzinfo=UTC),
]

moments = st.integers(0, len(MOMENTS) - 1)
bodies = st.fixed_dictionaries(
    {
        "stand": st.integers(0, 1),
        "lines": st.lists(
            st.tuples(st.integers(1, 5), st.integers(1, 2_000_000)), min_size=1, max_size=3
        ),
        "payment": st.sampled_from(["cash", "card", "mobile", "transfer"]),
        "discount": st.integers(0, 20),  # percent
        "at": moments,
    }
)
steps = st.one_of(
    st.tuples(st.just("sell"), bodies, st.booleans()),  # online, or offline (synced alone)
    st.tuples(
        st.just("batch"),
        st.lists(bodies, min_size=1, max_size=4),
        st.integers(0, 3),  # sales of the batch sent twice in it
        st.booleans(),  # the whole batch sent again (the answer was lost)
    ),
    st.tuples(st.just("void"), st.integers(0, 50), moments),
    st.tuples(st.just("refund"), st.integers(0, 50), st.integers(0, 2), moments),
)


class Fair:
    """Plays steps against the services, as phones and stands would."""

    def __init__(self, stands, actor):
        self.stands, self.actor = stands, actor
        self.sequence = 0
        self.sales: list[Sale] = []

    def body(self, drawn, offline):
        self.sequence += 1
        lines = [(q, Decimal(cents) / 100) for q, cents in drawn["lines"]]
        subtotal = sum((q * p for q, p in lines), Decimal("0"))
        discount = (subtotal * drawn["discount"] / 100).quantize(Decimal("0.01"))
        return receipt(
            [(q, str(p)) for q, p in lines],
            payment=drawn["payment"],
            offline=offline,
            at=MOMENTS[drawn["at"]] if offline else None,
            sequence=self.sequence,
            discount=str(discount),
        )

    def play(self, step):
        kind, *args = step
        if kind == "sell":
            drawn, offline = args
            # Offline: synced an hour after it was made, on the phone's clock.
            now = MOMENTS[drawn["at"]] + datetime.timedelta(hours=1 if offline else 0)
            self.sales.append(
                sell(self.actor, self.stands[drawn["stand"]], self.body(drawn, offline), now=now)
            )
        elif kind == "batch":
            drawn, twice, again = args
            stand = self.stands[drawn[0]["stand"]]
            batch = [self.body(d, True) for d in drawn]
            batch += batch[:twice]
            with time_machine.travel(MOMENTS[-1] + datetime.timedelta(hours=2), tick=False):
                for _attempt in range(2 if again else 1):
                    recorded = services.sync(
                        actor=self.actor, device=stand.devices.get(), sales=batch
                    )
            self.sales += [r.sale for r in recorded if r.sale not in self.sales]
        elif self.sales:
            sale = self.sales[args[0] % len(self.sales)]
            with time_machine.travel(MOMENTS[args[-1]], tick=False):
                try:
                    if kind == "void":
                        services.void(actor=self.actor, sale=sale, reason="Erreur")
                    else:
                        lines = list(sale.lines.order_by("pk"))
                        line = lines[args[1] % len(lines)]
                        services.refund(
                            actor=self.actor, sale=sale, returned={line.pk: 1}, reason="Retour"
                        )
                except ValidationError:
                    pass  # nothing left to take back: refused, nothing written


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(played=st.lists(steps, min_size=1, max_size=12))
def test_after_any_sales_batches_voids_and_refunds_the_summaries_are_the_ledger_added_up(
    stands, boss, played
):
    with transaction.atomic():  # each example starts from an empty ledger
        fair = Fair(stands, boss)
        for step in played:
            fair.play(step)
        days, hours = day_rows(), hour_rows()
        assert days == ledger_by_day()
        assert hours == ledger_by_hour()
        services.rebuild_summaries(edition=stands[0].edition)
        assert day_rows() == days and hour_rows() == hours
        transaction.set_rollback(True)
