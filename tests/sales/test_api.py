"""The sales API as the phone uses it: retries and cut-off batches count once, hostile
payloads are refused with a message and leave nothing behind."""

import json
import uuid
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from maarid.catalogue.models import Stock
from maarid.core.models import ApiToken
from maarid.sales import services
from maarid.sales.models import Sale, SaleLine

from .conftest import DeviceClient, sale

pytestmark = pytest.mark.django_db


def ledger_total() -> Decimal:
    return Sale.objects.aggregate(t=Sum("total"))["t"] or Decimal("0.00")


def batch(argan, honey, count=10):
    return [
        sale((argan, 1, "180.00"), (honey, 2, "95.50"), sequence=n, offline=True)
        for n in range(1, count + 1)
    ]


def test_the_device_gets_its_catalogue_and_numbering(app, argan, honey):
    answer = app.get("device").json()
    assert answer["last_sequence"] == 0
    products = {p["id"]: p for p in answer["products"]}
    assert products[argan.pk]["left"] == 20 and products[argan.pk]["price"] == "180.00"
    assert products[honey.pk]["left"] is None
    assert {p["code"] for p in answer["payments"]} == {"cash", "card", "mobile", "transfer"}


def test_a_sale_is_created_then_recognised(app, argan):
    body = sale((argan, 2, "180.00"), total="360.00")
    first = app.post("sales", body)
    assert first.status_code == 201, first.content
    assert first.json()["total"] == "360.00" and first.json()["created"] is True
    again = app.post("sales", body)
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["number"] == first.json()["number"]
    assert Sale.objects.count() == 1


def test_the_same_batch_sent_three_times_counts_once(app, argan, honey):
    sales = batch(argan, honey)
    for attempt in range(3):
        response = app.post("sync", {"sales": sales})
        assert response.status_code == 200
        created = [r["created"] for r in response.json()["results"]]
        assert created == [attempt == 0] * 10
    assert Sale.objects.count() == 10
    assert ledger_total() == Decimal("3710.00")
    assert Stock.objects.get(product=argan).quantity == 10


def test_a_batch_cut_off_half_way_then_resent_counts_once(app, argan, honey):
    sales = batch(argan, honey)
    app.post("sync", {"sales": sales[:5]})  # the answer to this one was lost
    response = app.post("sync", {"sales": sales})
    assert [r["created"] for r in response.json()["results"]] == [False] * 5 + [True] * 5
    assert ledger_total() == Decimal("3710.00") and SaleLine.objects.count() == 20


def test_an_online_sale_of_the_last_units_is_refused_clearly(app, argan):
    Stock.objects.filter(product=argan).update(quantity=1)
    response = app.post("sales", sale((argan, 2, "180.00")))
    assert response.status_code == 409
    assert response.json()["left"] == 1 and "1" in response.json()["detail"]
    assert not Sale.objects.exists()


def test_offline_sales_that_oversell_are_accepted_and_flagged(app, argan):
    Stock.objects.filter(product=argan).update(quantity=1)
    response = app.post("sync", {"sales": [sale((argan, 2, "180.00"), offline=True)]})
    assert response.json()["results"][0]["oversold"] is True
    assert Stock.objects.get(product=argan).quantity == -1


HOSTILE = {
    "quantity as text": lambda b: b["lines"][0].update(quantity="2"),
    "quantity as a float": lambda b: b["lines"][0].update(quantity=2.0),
    "negative quantity": lambda b: b["lines"][0].update(quantity=-3),
    "zero quantity": lambda b: b["lines"][0].update(quantity=0),
    "huge quantity": lambda b: b["lines"][0].update(quantity=10**40),
    "price as a JSON number": lambda b: b["lines"][0].update(unit_price=180.0),
    "price with three decimals": lambda b: b["lines"][0].update(unit_price="180.005"),
    "negative price": lambda b: b["lines"][0].update(unit_price="-180.00"),
    "huge price": lambda b: b["lines"][0].update(unit_price="9" * 40),
    "total that does not add up": lambda b: b.update(total="1.00"),
    "discount above the sale": lambda b: b.update(discount="1000.00"),
    "unknown payment": lambda b: b.update(payment="bitcoin"),
    "not a uuid": lambda b: b.update(uuid="12345"),
    "unknown field": lambda b: b.update(price_override="0"),
    "no lines": lambda b: b.update(lines=[]),
    "too many lines": lambda b: b.update(lines=b["lines"] * 101),
    "lines not a list": lambda b: b.update(lines={"a": 1}),
    "naive device clock": lambda b: b.update(device_clock="2024-06-01T10:00:00"),
    "free amount without a label": lambda b: b["lines"][0].pop("product"),
}


@pytest.mark.parametrize("change", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_sales_are_refused_with_a_message_and_nothing_is_saved(app, argan, change):
    body = sale((argan, 2, "180.00"))
    change(body)
    for path, payload in (("sales", body), ("sync", {"sales": [sale((argan, 1, "180.00")), body]})):
        response = app.post(path, payload)
        assert response.status_code == 422, (path, response.content)
        detail = response.json()["detail"]
        assert detail and all(isinstance(m, str) and m for v in detail.values() for m in v)
    assert not Sale.objects.exists() and Stock.objects.get(product=argan).quantity == 20


def test_messages_come_in_the_phones_language(phone, argan):
    arabic = DeviceClient(phone.raw_token, language="ar")
    body = sale((argan, 0, "180.00"))
    detail = arabic.post("sales", body).json()["detail"]
    text = " ".join(m for v in detail.values() for m in v)
    assert any("\u0600" <= c <= "\u06ff" for c in text), text


def test_another_exhibitors_product_is_refused(app, other_product):
    response = app.post("sales", sale((other_product, 1, "10.00")))
    assert response.status_code == 422 and not Sale.objects.exists()


@pytest.mark.parametrize(
    "body", [b"", b"{", b"[]", b'"sale"', b"null", json.dumps({"sales": "x"}).encode()]
)
def test_malformed_bodies_are_refused(app, body):
    for path in ("sales", "sync"):
        response = app.post(path, body)
        assert 400 <= response.status_code < 500, (path, body, response.content)
    assert not Sale.objects.exists()


def test_an_oversized_batch_is_refused(app, argan):
    sales = [sale((argan, 1, "180.00"), sequence=n + 1) for n in range(201)]
    assert app.post("sync", {"sales": sales}).status_code == 422
    assert not Sale.objects.exists()


def test_a_body_too_large_to_read_is_refused(app, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = app.post("sync", {"sales": [], "padding": "x" * 5000})
    assert response.status_code == 413


def test_tokens_that_are_not_this_exhibitors_devices_cannot_sell(
    phone, argan, exhibitor, other_exhibitor
):
    _token, personal = ApiToken.issue(exhibitor, "script")  # a person's token, not a device's
    _token, foreign = ApiToken.issue(other_exhibitor, "phone", device=True)  # no device row
    for raw in (personal, foreign, "mrd_forged", ""):
        response = DeviceClient(raw).post("sales", sale((argan, 1, "180.00")))
        assert response.status_code in (401, 403), raw
    services.revoke_device(actor=exhibitor, device=phone)
    assert (
        DeviceClient(phone.raw_token).post("sales", sale((argan, 1, "180.00"))).status_code == 401
    )
    assert not Sale.objects.exists()


def test_a_device_stops_selling_when_its_owner_leaves_the_organisation(phone, argan, exhibitor):
    exhibitor.memberships.update(status="declined")
    assert (
        DeviceClient(phone.raw_token).post("sales", sale((argan, 1, "180.00"))).status_code == 403
    )


def test_voids_and_refunds_through_the_api(app, argan, honey):
    body = sale((argan, 2, "180.00"), (honey, 1, "95.50"))
    app.post("sales", body)
    entry = Sale.objects.get()
    honey_line = entry.lines.get(product=honey)
    refund = {
        "uuid": str(uuid.uuid4()),
        "reason": "Pot fêlé",
        "lines": [{"line": honey_line.pk, "quantity": 1}],
    }
    response = app.post(f"sales/{body['uuid']}/refund", refund)
    assert response.status_code == 201 and response.json()["total"] == "-95.50"
    assert (
        app.post(f"sales/{body['uuid']}/refund", refund).json()["number"]
        == response.json()["number"]
    )
    void = {"uuid": str(uuid.uuid4()), "reason": "Client parti"}
    assert app.post(f"sales/{body['uuid']}/void", void).json()["total"] == "-360.00"
    assert ledger_total() == Decimal("0.00")
    assert app.post(f"sales/{uuid.uuid4()}/void", void).status_code == 404
    assert app.post(f"sales/{body['uuid']}/void", {**void, "reason": ""}).status_code == 422


def test_another_exhibitors_sale_cannot_be_voided(app, argan, other_exhibitor, other_cooperative):
    from maarid.exhibitors.models import Exhibitor

    from .conftest import make_product

    stand = Exhibitor.objects.create(edition=app_edition(argan), organisation=other_cooperative)
    device, raw = services.register_device(actor=other_exhibitor, exhibitor=stand, name="Autre")
    product = make_product(other_cooperative, name_fr="Tapis")
    body = sale((product, 1, "900.00"))
    assert DeviceClient(raw).post("sales", body).status_code == 201
    void = {"uuid": str(uuid.uuid4()), "reason": "Intrusion"}
    assert app.post(f"sales/{body['uuid']}/void", void).status_code == 404
    assert Sale.objects.count() == 1


def app_edition(product):
    return Stock.objects.get(product=product).edition


def test_a_receipt_is_public_by_its_key_only(app, argan, client):
    app.post("sales", sale((argan, 1, "180.00")))
    entry = Sale.objects.get()
    answer = client.get(f"/api/v1/sales/receipts/{entry.receipt_key}").json()
    assert answer["number"] == entry.number and answer["total"] == "180.00"
    assert answer["lines"][0]["label"] == argan.name
    assert client.get("/api/v1/sales/receipts/guessed").status_code == 404


def test_turnover_figures_are_for_the_organisers(
    app, argan, organiser, exhibitor, other_organiser, edition
):
    app.post("sales", sale((argan, 2, "180.00")))
    path = f"/api/v1/sales/editions/{edition.series.slug}/{edition.number}/turnover"
    from tests.conftest import client_for

    figures = client_for(organiser).get(path).json()
    assert figures["total"] == "360.00" and figures["sales"] == 1
    assert figures["offline_total"] == "0.00" and figures["offline_sales"] == 0
    assert figures["top_sellers"][0]["total"] == "360.00"
    assert sum(Decimal(d["total"]) for d in figures["by_day"]) == Decimal("360.00")
    assert client_for(exhibitor).get(path).status_code == 403
    assert client_for(other_organiser).get(path).status_code == 403


def test_a_sale_twice_in_one_batch_is_created_once(app, argan):
    body = sale((argan, 1, "180.00"), offline=True)
    results = app.post("sync", {"sales": [body, body]}).json()["results"]
    assert [r["created"] for r in results] == [True, False]
    assert Sale.objects.count() == 1


def test_a_sales_phones_token_opens_the_point_of_sale_and_nothing_else(
    phone, stand, edition, cooperative
):
    """A lost phone is not a lost account: its token sells for its stand, and that is all."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {phone.raw_token}"}
    client = DeviceClient(phone.raw_token).client
    edition_path = f"{edition.series.slug}/{edition.number}"
    change = json.dumps({"name_fr": "Volée", "name_ar": "مسروقة"})
    for method, path in [
        ("put", f"/api/v1/registry/organisations/{cooperative.slug}"),
        ("get", f"/api/v1/exhibitors/editions/{edition_path}/applications"),
        ("get", f"/api/v1/b2b/editions/{edition_path}/requests"),
        ("get", f"/api/v1/b2b/editions/{edition_path}/profile"),
        ("get", f"/api/v1/sales/exhibitors/{stand.pk}/days/2024-06-01"),
    ]:
        if method == "put":
            response = client.put(path, change, content_type="application/json", **headers)
        else:
            response = client.get(path, **headers)
        assert response.status_code == 401, (path, response.content)
    cooperative.refresh_from_db()
    assert cooperative.name_fr != "Volée"
    assert DeviceClient(phone.raw_token).get("device").status_code == 200


def test_a_persons_token_cannot_sell_in_a_phones_name(phone, argan, exhibitor):
    _token, personal = ApiToken.issue(exhibitor, "script")
    assert DeviceClient(personal).get("device").status_code == 401
    assert DeviceClient(personal).post("sales", sale((argan, 1, "180.00"))).status_code == 401


def test_the_phone_shows_the_stands_day_as_the_server_counts_it(app, argan, honey):
    app.post("sales", sale((argan, 2, "180.00")))
    today = app.get("device/today").json()
    assert today["sales"] == 1 and today["total"] == "360.00"
    assert today["day"] == timezone.localdate().isoformat()


def test_the_same_sale_from_another_phone_of_the_stand_is_recorded_once(
    app, stand, exhibitor, argan, honey
):
    sales = batch(argan, honey, count=3)
    assert app.post("sync", {"sales": sales}).status_code == 200
    _device, raw = services.register_device(actor=exhibitor, exhibitor=stand, name="Tablette")
    again = DeviceClient(raw).post("sync", {"sales": sales})
    assert again.status_code == 200
    assert [r["created"] for r in again.json()["results"]] == [False] * 3
    assert Sale.objects.count() == 3 and Stock.objects.get(product=argan).quantity == 17


def test_a_re_paired_phone_sending_its_old_queue_doubles_nothing(
    phone, stand, exhibitor, argan, honey
):
    sales = batch(argan, honey, count=3)
    DeviceClient(phone.raw_token).post("sync", {"sales": sales})
    services.revoke_device(actor=exhibitor, device=phone)
    _device, raw = services.register_device(
        actor=exhibitor, exhibitor=stand, name="Téléphone de Fatima"
    )
    results = DeviceClient(raw).post("sync", {"sales": sales}).json()["results"]
    assert [r["created"] for r in results] == [False] * 3
    assert ledger_total() == Decimal("1113.00")


def test_another_stands_sale_identifier_is_refused_and_reveals_nothing(
    app, argan, edition, other_exhibitor, other_cooperative
):
    from maarid.exhibitors.models import Exhibitor

    from .conftest import make_product

    body = sale((argan, 1, "180.00"))
    app.post("sales", body)
    stand = Exhibitor.objects.create(edition=edition, organisation=other_cooperative)
    _device, raw = services.register_device(actor=other_exhibitor, exhibitor=stand, name="Autre")
    carpet = make_product(other_cooperative, name_fr="Tapis")
    replay = {**body, "lines": [{"product": carpet.pk, "quantity": 1, "unit_price": "900.00"}]}
    response = DeviceClient(raw).post("sync", {"sales": [replay]})
    assert response.status_code == 422 and "180" not in response.content.decode()
    assert Sale.objects.count() == 1


@pytest.mark.parametrize("product", [2**63, -1, 0])
def test_a_product_id_no_database_holds_is_a_422(app, argan, product):
    body = sale((argan, 1, "180.00"))
    body["lines"][0]["product"] = product
    for path, sent in (("sales", body), ("sync", {"sales": [body]})):
        response = app.post(path, sent)
        assert response.status_code == 422, (path, response.content)
        assert list(response.json()["detail"]) in (
            ["lines.0.product"],
            ["sales.0.lines.0.product"],
        )
    assert not Sale.objects.exists()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_day_no_clock_can_reach_is_a_422(stand, exhibitor, day):
    _token, raw = ApiToken.issue(exhibitor, "script")
    response = DeviceClient(raw).get(f"exhibitors/{stand.pk}/days/{day}")  # a person's token
    assert response.status_code == 422  # OverflowError (a 500) one day past 9999-12-31
    assert list(response.json()["detail"]) == ["day"]


@pytest.mark.parametrize(
    "clock", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59+00:00", "1899-12-31T12:00:00Z"]
)
def test_a_phone_clock_no_database_can_hold_is_recorded_as_unknown(app, argan, clock):
    response = app.post("sales", sale((argan, 1, "180.00"), device_clock=clock))
    assert response.status_code == 201  # was a 500: the sale must not be lost to a clock
    assert Sale.objects.get().device_clock is None
