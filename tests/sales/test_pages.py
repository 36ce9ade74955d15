"""The exhibitor's sales pages, receipts, and the organisers' board, as people use them."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from maarid.sales import services
from maarid.sales.models import DayClose, Device, Sale
from tests.conftest import client_for
from tests.exhibitors.test_selection_pages import pdftotext

from .conftest import sale, sale_in

pytestmark = pytest.mark.django_db


def url(name, stand, *args, language="fr"):
    edition = stand.edition
    with translation.override(language):
        return reverse(
            f"turnover:{name}",
            args=[edition.series.slug, edition.number, stand.organisation.slug, *args],
        )


@pytest.fixture
def sold(phone, exhibitor, argan, honey):
    """Two sales of today: argan oil in cash, honey by card with a discount."""
    a = services.record_sale(
        actor=exhibitor, device=phone, sale=sale_in(sale((argan, 2, "180.00"), language="ar"))
    )
    b = services.record_sale(
        actor=exhibitor,
        device=phone,
        sale=sale_in(sale((honey, 3, "95.50"), sequence=2, payment="card", discount="6.50")),
    )
    return a.sale, b.sale


def test_registering_a_phone_shows_its_code_once(stand, exhibitor):
    client = client_for(exhibitor)
    page = url("devices", stand)
    response = client.post(page, {"name": "Téléphone de Fatima"}, follow=True)
    body = response.content.decode()
    assert "<svg" in body and "#pair=mrd_" in body
    device = Device.objects.get()
    assert device.number == 1 and device.token.device
    assert "#pair=" not in client.get(page).content.decode()  # shown once only


def test_sell_on_this_phone_opens_the_app_registered(stand, exhibitor):
    response = client_for(exhibitor).post(url("devices", stand), {"name": "", "here": "1"})
    assert response.status_code == 302 and "/fr/pos/#pair=mrd_" in response["Location"]


def test_revoking_a_device(phone, exhibitor):
    response = client_for(exhibitor).post(url("revoke-device", phone.exhibitor, phone.pk))
    assert response.status_code == 302
    phone.refresh_from_db()
    assert phone.revoked_at and phone.token.revoked_at


def test_organisers_read_the_ledger_but_register_no_phone(stand, organiser, sold):
    client = client_for(organiser)
    assert sold[0].number in client.get(url("ledger", stand)).content.decode()
    assert client.get(url("devices", stand)).status_code == 404
    assert client.post(url("devices", stand), {"name": "x"}).status_code == 404
    detail = url("sale", stand, sold[0].pk)
    assert (
        client.post(
            detail,
            {"action": "void", "reason": "x", "uuid": "6f1c1f5e-2f4a-4c1e-9f55-0c6a4f6c9d10"},
        ).status_code
        == 404
    )
    assert not Sale.objects.filter(kind="void").exists()


def test_the_ledger_shows_the_day_and_the_fair(stand, exhibitor, sold):
    body = client_for(exhibitor).get(url("ledger", stand)).content.decode()
    assert sold[0].number in body and sold[1].number in body
    assert "640,00" in body  # 360.00 + 280.00 at the fair so far


def test_a_void_from_the_sale_page(stand, exhibitor, sold):
    client = client_for(exhibitor)
    page = url("sale", stand, sold[0].pk)
    form = client.get(page).context["form"]
    data = {"action": "void", "reason": "Erreur de prix", "uuid": str(form["uuid"].initial)}
    assert client.post(page, data).status_code == 302
    assert client.post(page, data).status_code in (200, 302)  # sent twice: still one void
    assert Sale.objects.filter(kind="void").count() == 1
    assert Sale.objects.get(kind="void").total == Decimal("-360.00")


def test_a_refund_of_some_items_from_the_sale_page(stand, exhibitor, sold):
    client = client_for(exhibitor)
    page = url("sale", stand, sold[1].pk)
    line = sold[1].lines.get()
    form = client.get(page).context["form"]
    data = {
        "action": "refund",
        "reason": "Pot fêlé",
        "uuid": str(form["uuid"].initial),
        f"line_{line.pk}": "1",
    }
    assert client.post(page, data).status_code == 302
    refund = Sale.objects.get(kind="refund")
    assert refund.total == Decimal("-93.33")  # 95.50 less a third of the 6.50 discount
    too_many = {**data, "uuid": "6f1c1f5e-2f4a-4c1e-9f55-0c6a4f6c9d10", f"line_{line.pk}": "5"}
    assert client.post(page, too_many).status_code == 200  # the form says why
    assert Sale.objects.filter(kind="refund").count() == 1


def test_an_oversold_sale_is_reconciled(phone, exhibitor, argan):
    argan.stock.update(quantity=0)
    entry = services.sync(
        actor=exhibitor, device=phone, sales=[sale_in(sale((argan, 1, "180.00"), offline=True))]
    )[0].sale
    client = client_for(exhibitor)
    assert "oversold" in client.get(url("ledger", phone.exhibitor)).content.decode()
    page = url("sale", phone.exhibitor, entry.pk)
    client.post(page, {"action": "reconcile", "note": "Un flacon de la réserve"})
    assert entry.reconciliation.note == "Un flacon de la réserve"


def test_closing_the_day(stand, exhibitor, sold):
    client = client_for(exhibitor)
    today = timezone.localdate(sold[0].sold_at).isoformat()  # the fair's day, not UTC's
    page = url("close", stand) + f"?day={today}"
    response = client.post(page, {"opening_cash": "100", "counted_cash": "455.00", "note": ""})
    assert response.status_code == 302
    close = DayClose.objects.get()
    assert close.expected_cash == Decimal("460.00") and close.difference == Decimal("-5.00")
    assert "-5,00" in client.get(page).content.decode().replace("\u202f", "").replace("\xa0", "")
    assert client.post(page, {"opening_cash": "-1", "counted_cash": "x"}).status_code == 200
    assert DayClose.objects.count() == 1


def test_the_board_shows_the_turnover_and_refreshes_itself(edition, organiser, sold):
    client = client_for(organiser)
    with translation.override("ar"):
        page = reverse("turnover:board", args=[edition.series.slug, edition.number])
    body = client.get(page).content.decode()
    assert 'hx-trigger="every 20s"' in body and 'dir="rtl"' in body
    partial = client.get(page, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "640" in partial


def test_a_receipt_in_the_customers_language_with_a_pdf_and_a_qr(client, sold):
    entry = sold[0]
    path = services.receipt_path(entry)
    assert path.startswith("/ar/receipts/")
    body = client.get(path).content.decode()
    assert entry.number in body and "زيت الأركان" in body and "<svg" in body
    pdf = client.get(path + "pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdftotext(pdf.content)
    assert entry.number in text and "360" in text
    assert client.get(path.replace("/ar/", "/fr/") + "qr.svg")["Content-Type"] == "image/svg+xml"
    assert client.get("/fr/receipts/guessed/").status_code == 404


def test_a_buyers_phone_gets_the_receipt_by_sms(
    phone, exhibitor, argan, django_capture_on_commit_callbacks
):
    from maarid.core.messaging import LocmemSMSBackend

    with django_capture_on_commit_callbacks(execute=True):
        services.record_sale(
            actor=exhibitor,
            device=phone,
            sale=sale_in(sale((argan, 1, "180.00"), buyer_phone="0661234567")),
        )
    assert LocmemSMSBackend.outbox[0]["to"] == "+212661234567"
    assert "/receipts/" in LocmemSMSBackend.outbox[0]["text"]


def test_the_app_page_is_installable_and_has_nothing_personal(client, exhibitor):
    page = client.get("/ar/pos/").content.decode()
    assert 'rel="manifest"' in page and 'dir="rtl"' in page and "csrfmiddlewaretoken" not in page
    manifest = json.loads(client.get("/ar/pos/manifest.webmanifest").content)
    assert manifest["start_url"] == "/ar/pos/" and manifest["dir"] == "rtl"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    worker = client.get("/pos-sw.js")
    assert worker["Content-Type"].startswith("text/javascript") and b"fetch" in worker.content


def test_the_dashboard_and_the_edition_page_lead_to_the_sales(edition, organiser, exhibitor, sold):
    args = [edition.series.slug, edition.number]
    dashboard = client_for(organiser).get(reverse("fairs:dashboard", args=args)).content.decode()
    assert reverse("turnover:board", args=args) in dashboard and "640,00" in dashboard
    page = client_for(exhibitor).get(edition.get_absolute_url()).content.decode()
    assert url("ledger", sold[0].exhibitor) in page and reverse("sales:app") in page
    cooperative = sold[0].exhibitor.organisation
    profile = client_for(exhibitor).get(cooperative.get_absolute_url()).content.decode()
    assert url("ledger", sold[0].exhibitor) in profile
