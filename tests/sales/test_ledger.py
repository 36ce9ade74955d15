"""The ledger: sales recorded once, totals recomputed, stock lowered, corrections as new entries."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from maarid.catalogue.models import Stock
from maarid.sales import selectors, services
from maarid.sales.models import Sale, SaleLine

from .conftest import sale, sale_in

pytestmark = pytest.mark.django_db


def stock_of(product):
    return Stock.objects.get(product=product).quantity


def test_a_sale_is_recorded_with_totals_computed_by_the_server(phone, exhibitor, argan, honey):
    body = sale((argan, 2, "180.00"), (honey, 3, "95.50"), discount="10.00")
    recorded = services.record_sale(actor=exhibitor, device=phone, sale=sale_in(body))
    entry = recorded.sale
    assert recorded.created
    assert entry.subtotal == Decimal("646.50")
    assert entry.total == Decimal("636.50")
    assert entry.number == f"{phone.exhibitor_id:03d}-1-0001"
    assert entry.made_by == exhibitor and entry.device == phone
    assert [line.total for line in entry.lines.all()] == [Decimal("360.00"), Decimal("286.50")]
    assert stock_of(argan) == 18


def test_the_same_sale_sent_again_is_recorded_once(phone, exhibitor, argan):
    body = sale((argan, 1, "180.00"))
    first = services.record_sale(actor=exhibitor, device=phone, sale=sale_in(body))
    again = services.record_sale(actor=exhibitor, device=phone, sale=sale_in(body))
    assert not again.created and again.sale.pk == first.sale.pk
    assert Sale.objects.count() == 1 and stock_of(argan) == 19


def test_an_online_sale_of_more_than_is_left_is_refused_and_nothing_is_saved(
    phone, exhibitor, argan, honey
):
    with pytest.raises(services.OutOfStock) as refusal:
        services.record_sale(
            actor=exhibitor,
            device=phone,
            sale=sale_in(sale((honey, 1, "95.50"), (argan, 21, "180.00"))),
        )
    assert refusal.value.left == 20
    assert "20" in str(refusal.value)
    assert not Sale.objects.exists() and not SaleLine.objects.exists()
    assert stock_of(argan) == 20


def test_offline_sales_that_oversell_are_kept_and_flagged(phone, exhibitor, argan):
    sales = [sale((argan, 15, "180.00"), sequence=1), sale((argan, 10, "180.00"), sequence=2)]
    results = services.sync(actor=exhibitor, device=phone, sales=[sale_in(s) for s in sales])
    assert [r.sale.oversold for r in results] == [False, True]
    assert stock_of(argan) == -5


def test_a_product_of_another_organisation_is_refused(phone, exhibitor, other_product):
    with pytest.raises(ValidationError):
        services.record_sale(
            actor=exhibitor, device=phone, sale=sale_in(sale((other_product, 1, "10.00")))
        )
    assert not Sale.objects.exists()


def test_one_bad_sale_in_a_batch_saves_none(phone, exhibitor, argan):
    good, bad = sale((argan, 1, "180.00"), sequence=1), sale((argan, 0, "180.00"), sequence=2)
    with pytest.raises(ValidationError) as error:
        services.sync(actor=exhibitor, device=phone, sales=[sale_in(good), sale_in(bad)])
    assert "sales[1]" in error.value.message_dict
    assert not Sale.objects.exists() and stock_of(argan) == 20


def test_a_reused_receipt_sequence_gets_the_next_free_number(phone, exhibitor, argan):
    """A phone whose storage was wiped starts again at 1: receipts still never collide."""
    services.record_sale(
        actor=exhibitor, device=phone, sale=sale_in(sale((argan, 1, "180.00"), sequence=1))
    )
    second = services.record_sale(
        actor=exhibitor, device=phone, sale=sale_in(sale((argan, 1, "180.00"), sequence=1))
    )
    assert second.sale.sequence == 2 and second.sale.number.endswith("-0002")


def test_two_devices_of_one_exhibitor_number_receipts_apart(phone, stand, exhibitor, argan):
    tablet, _raw = services.register_device(actor=exhibitor, exhibitor=stand, name="Tablette")
    a = services.record_sale(
        actor=exhibitor, device=phone, sale=sale_in(sale((argan, 1, "180.00")))
    ).sale
    b = services.record_sale(
        actor=exhibitor, device=tablet, sale=sale_in(sale((argan, 1, "180.00")))
    ).sale
    assert a.number != b.number
    assert a.number.split("-")[1] == "1" and b.number.split("-")[1] == "2"


def test_an_implausible_device_clock_gives_way_to_the_servers(phone, exhibitor, argan):
    body = sale_in(sale((argan, 1, "180.00")))
    body.device_clock = datetime.datetime(2031, 1, 1, tzinfo=datetime.UTC)
    entry = services.record_sale(actor=exhibitor, device=phone, sale=body).sale
    assert entry.sold_at == entry.received_at
    assert entry.device_clock.year == 2031  # kept as the device said


def test_the_ledger_cannot_be_changed_or_deleted(phone, exhibitor, argan):
    entry = services.record_sale(
        actor=exhibitor, device=phone, sale=sale_in(sale((argan, 1, "180.00")))
    ).sale
    entry.total = Decimal("1.00")
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    with pytest.raises(ValidationError):
        entry.lines.first().delete()


def test_a_void_is_a_new_entry_that_cancels_the_sale_and_restocks(phone, exhibitor, argan):
    entry = services.record_sale(
        actor=exhibitor, device=phone, sale=sale_in(sale((argan, 3, "180.00"), discount="40.00"))
    ).sale
    void = services.void(actor=exhibitor, sale=entry, reason="Erreur de saisie")
    assert void.kind == Sale.Kind.VOID and void.corrects == entry and void.made_by == exhibitor
    assert void.total == -entry.total
    assert void.number == entry.number + "-V1"
    assert stock_of(argan) == 20
    with pytest.raises(ValidationError):
        services.void(actor=exhibitor, sale=entry, reason="encore")  # nothing left to take back


def test_refunds_take_back_at_most_what_was_sold_and_sum_to_zero(phone, exhibitor, argan, honey):
    entry = services.record_sale(
        actor=exhibitor,
        device=phone,
        sale=sale_in(sale((argan, 2, "180.00"), (honey, 1, "40.00"), discount="40.00")),
    ).sale
    argan_line, honey_line = entry.lines.all()
    first = services.refund(
        actor=exhibitor, sale=entry, returned={argan_line.pk: 1}, reason="Flacon abîmé"
    )
    assert first.total == Decimal("-162.00")  # 180.00 less its 10 % share of the discount
    with pytest.raises(ValidationError):
        services.refund(actor=exhibitor, sale=entry, returned={argan_line.pk: 2}, reason="trop")
    services.refund(
        actor=exhibitor, sale=entry, returned={argan_line.pk: 1, honey_line.pk: 1}, reason="Retour"
    )
    assert sum(s.total for s in Sale.objects.all()) == Decimal("0.00")
    assert stock_of(argan) == 20


def test_a_correction_needs_a_reason_and_a_member(phone, exhibitor, argan, organiser):
    entry = services.record_sale(
        actor=exhibitor, device=phone, sale=sale_in(sale((argan, 1, "180.00")))
    ).sale
    with pytest.raises(ValidationError):
        services.void(actor=exhibitor, sale=entry, reason=" ")
    with pytest.raises(PermissionDenied):
        services.void(
            actor=organiser, sale=entry, reason="Erreur"
        )  # organisers read, never correct


def test_a_correction_sent_twice_is_recorded_once(phone, exhibitor, argan):
    entry = services.record_sale(
        actor=exhibitor, device=phone, sale=sale_in(sale((argan, 2, "180.00")))
    ).sale
    line = entry.lines.get()
    key = "6f1c1f5e-2f4a-4c1e-9f55-0c6a4f6c9d10"
    a = services.refund(
        actor=exhibitor, sale=entry, returned={line.pk: 1}, reason="Retour", uuid=key
    )
    b = services.refund(
        actor=exhibitor, sale=entry, returned={line.pk: 1}, reason="Retour", uuid=key
    )
    assert a.pk == b.pk and Sale.objects.filter(corrects=entry).count() == 1


def test_the_day_close_compares_the_cash_counted_with_the_ledger(phone, exhibitor, argan, honey):
    services.record_sale(actor=exhibitor, device=phone, sale=sale_in(sale((argan, 1, "180.00"))))
    services.record_sale(
        actor=exhibitor,
        device=phone,
        sale=sale_in(sale((honey, 2, "95.50"), sequence=2, payment="card")),
    )
    today = selectors.day_summary(phone.exhibitor, timezone.localdate())
    assert {p.value: t for p, t in today.by_payment}["card"] == Decimal("191.00")
    assert today.total == Decimal("371.00") and today.sales == 2
    close = services.close_day(
        actor=exhibitor,
        exhibitor=phone.exhibitor,
        day=today.day,
        opening=Decimal("200.00"),
        counted=Decimal("370.00"),
        note="",
    )
    assert close.expected_cash == Decimal("380.00") and close.difference == Decimal("-10.00")


def test_a_revoked_device_can_no_longer_sell(phone, exhibitor):
    services.revoke_device(actor=exhibitor, device=phone)
    phone.token.refresh_from_db()
    assert phone.token.revoked_at is not None


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 50),  # quantity
            st.integers(1, 99_999_999),  # unit price in centimes
            st.integers(0, 100),  # discount, percent of the subtotal
        ),
        min_size=1,
        max_size=6,
    )
)
def test_line_totals_are_exact_for_any_prices(lines):
    """The line total is the unit price times the quantity, to the centime, with no float."""
    for quantity, centimes, _discount in lines:
        price = Decimal(centimes) / 100
        assert services.line_total(price, quantity) == Decimal(centimes * quantity) / 100


def test_a_sale_sent_as_it_is_made_counts_on_the_servers_day_whatever_the_phones_clock(
    phone, exhibitor, argan
):
    """A phone whose clock is 30 hours behind sells online: the sale is today's, as the fair
    counts it; what the phone said is kept beside it."""
    body = sale_in(sale((argan, 1, "180.00")))
    body.device_clock = timezone.now() - datetime.timedelta(hours=30)
    entry = services.record_sale(actor=exhibitor, device=phone, sale=body).sale
    assert timezone.localdate(entry.sold_at) == timezone.localdate()
    assert entry.device_clock == body.device_clock


def test_an_edition_with_sales_recorded_never_goes_back_to_draft(
    phone, exhibitor, argan, organiser
):
    from maarid.fairs import services as fairs

    edition = phone.exhibitor.edition
    fairs.move_edition(actor=organiser, edition=edition, status="applications", reason="Dates")
    services.record_sale(actor=exhibitor, device=phone, sale=sale_in(sale((argan, 1, "150.00"))))
    with translation.override("en"), pytest.raises(ValidationError, match="1 sale recorded"):
        fairs.move_edition(actor=organiser, edition=edition, status="draft", reason="Start over")
