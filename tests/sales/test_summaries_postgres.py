"""The summaries under phones selling at once, on PostgreSQL (where requests really run in
parallel): two phones of one stand add to the same summary rows at the same moment and nothing
is lost; a rebuild racing with sales neither loses nor doubles any."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from maarid.sales import selectors, services
from maarid.sales.models import DayTotal, HourTotal, Sale
from tests.concurrency import at_once
from tests.conftest import ensure_places

from .conftest import sale, sale_in
from .test_summaries import day_rows, hour_rows, ledger_by_day, ledger_by_hour

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 15


@pytest.fixture(autouse=True)
def _places():
    ensure_places()


@pytest.fixture
def phones(phone, stand, exhibitor):
    tablet, _raw = services.register_device(actor=exhibitor, exhibitor=stand, name="Tablette")
    return [phone, tablet]


def test_two_phones_of_a_stand_selling_at_once_lose_nothing(phones, exhibitor, honey):
    """Every sale is cash, at the same hour: both phones add to the very same two rows."""

    def sell(i):
        for n in range(1, ROUNDS + 1):
            body = sale_in(sale((honey, 1, "95.50"), sequence=n))
            services.record_sale(actor=exhibitor, device=phones[i], sale=body)

    _results, errors = at_once(2, sell)
    assert not errors
    assert Sale.objects.count() == 2 * ROUNDS
    figures = selectors.exhibitor_total(phones[0].exhibitor)
    assert figures == {"total": Decimal("95.50") * 2 * ROUNDS, "sales": 2 * ROUNDS}
    assert day_rows() == ledger_by_day() and hour_rows() == ledger_by_hour()


def test_two_phones_syncing_batches_at_once_lose_nothing(phones, exhibitor, honey):
    """Batches of the same payments, each phone its own queue, and each queue sent twice."""

    def sync(i):
        queue = [
            sale_in(sale((honey, 2, "95.50"), sequence=n, payment=p, offline=True))
            for n, p in enumerate(["cash", "card", "mobile", "cash"] * 5, start=1)
        ]
        for _again in range(2):
            services.sync(actor=exhibitor, device=phones[i], sales=queue)

    _results, errors = at_once(2, sync)
    assert not errors
    assert Sale.objects.count() == 40
    assert DayTotal.objects.aggregate(t=Sum("total"), n=Sum("sales"), u=Sum("items")) == {
        "t": Decimal("7640.00"),
        "n": 40,
        "u": 80,
    }
    assert day_rows() == ledger_by_day() and hour_rows() == ledger_by_hour()


def test_a_rebuild_racing_with_sales_neither_loses_nor_doubles_any(phones, exhibitor, honey):
    edition = phones[0].exhibitor.edition

    def work(i):
        if i == 2:
            for _round in range(3):
                services.rebuild_summaries(edition=edition)
            return
        for n in range(1, ROUNDS + 1):
            body = sale_in(sale((honey, 1, "10.00"), sequence=n))
            services.record_sale(actor=exhibitor, device=phones[i], sale=body)

    _results, errors = at_once(3, work)
    assert not errors
    assert HourTotal.objects.aggregate(n=Sum("sales"))["n"] == 2 * ROUNDS
    assert day_rows() == ledger_by_day() and hour_rows() == ledger_by_hour()
