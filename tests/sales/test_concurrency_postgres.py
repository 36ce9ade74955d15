"""Many phones at once, on PostgreSQL (where requests really run in parallel): the last units
are sold exactly once, and one phone's queue synced by two tabs at the same moment counts once."""

import uuid
from decimal import Decimal

import pytest
from django.db.models import Sum

from maarid.catalogue.models import Stock
from maarid.sales import services
from maarid.sales.models import Sale
from tests.concurrency import at_once
from tests.conftest import ensure_places

from .conftest import sale, sale_in

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _places():
    ensure_places()


def test_fifty_phones_selling_the_last_ten_units_sell_exactly_ten(stand, exhibitor, argan):
    Stock.objects.filter(product=argan).update(quantity=10)
    phones = [
        services.register_device(actor=exhibitor, exhibitor=stand, name=f"Phone {i}")[0]
        for i in range(50)
    ]

    def sell(i):
        try:
            services.record_sale(
                actor=exhibitor, device=phones[i], sale=sale_in(sale((argan, 1, "180.00")))
            )
        except services.OutOfStock:
            return "refused"
        return "sold"

    results, errors = at_once(50, sell)
    assert not errors
    assert results.count("sold") == 10 and results.count("refused") == 40
    assert Sale.objects.count() == 10
    assert Stock.objects.get(product=argan).quantity == 0


def test_two_tabs_syncing_one_queue_at_the_same_moment_count_it_once(phone, exhibitor, argan):
    queue = [sale_in(sale((argan, 1, "180.00"), sequence=n, offline=True)) for n in range(1, 21)]

    def sync(_i):
        return services.sync(actor=exhibitor, device=phone, sales=queue)

    results, errors = at_once(2, sync)
    assert not errors
    created = sum(r.created for batch in results for r in batch)
    assert created == 20  # each sale created by exactly one of the two requests
    assert Sale.objects.count() == 20
    assert Sale.objects.aggregate(t=Sum("total"))["t"] == Decimal("3600.00")
    assert Stock.objects.get(product=argan).quantity == 0


def test_the_same_sale_sent_by_many_retries_at_once_is_recorded_once(phone, exhibitor, argan):
    body = sale_in(sale((argan, 1, "180.00")))
    body.uuid = uuid.uuid4()
    results, errors = at_once(
        8, lambda _i: services.record_sale(actor=exhibitor, device=phone, sale=body)
    )
    assert not errors
    assert sum(r.created for r in results) == 1 and Sale.objects.count() == 1
    assert Stock.objects.get(product=argan).quantity == 19


def test_two_phones_of_a_stand_syncing_one_queue_at_the_same_moment_count_it_once(
    phone, stand, exhibitor, argan
):
    tablet, _raw = services.register_device(actor=exhibitor, exhibitor=stand, name="Tablette")
    queue = [sale_in(sale((argan, 1, "180.00"), sequence=n, offline=True)) for n in range(1, 21)]
    results, errors = at_once(
        2, lambda i: services.sync(actor=exhibitor, device=[phone, tablet][i], sales=queue)
    )
    assert not errors
    assert sum(r.created for batch in results for r in batch) == 20
    assert Sale.objects.count() == 20 and Stock.objects.get(product=argan).quantity == 0
