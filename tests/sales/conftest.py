"""Sales fixtures: the cooperative exhibiting with products in stock, a registered phone, and
helpers that build what the sales app sends."""

import json
import uuid
from decimal import Decimal

import pytest
from django.test import Client

from maarid.catalogue.models import Stock
from maarid.exhibitors.models import Exhibitor
from maarid.sales import services
from tests.catalogue.conftest import (  # noqa: F401 (fixtures)
    make_product,
    other_exhibitor,
    other_product,
    taxonomy,
)


@pytest.fixture
def stand(edition, cooperative):
    return Exhibitor.objects.create(edition=edition, organisation=cooperative)


@pytest.fixture
def argan(stand):
    """Argan oil at 180.00 a litre, 20 in stock."""
    product = make_product(stand.organisation)
    Stock.objects.create(product=product, edition=stand.edition, quantity=20)
    return product


@pytest.fixture
def honey(stand):
    """Thyme honey at 95.50, stock not counted."""
    return make_product(
        stand.organisation, name_fr="Miel de thym", name_ar="عسل الزعتر", price=Decimal("95.50")
    )


@pytest.fixture
def phone(stand, exhibitor):
    """A phone registered by the cooperative's member, with its raw token."""
    device, raw = services.register_device(
        actor=exhibitor, exhibitor=stand, name="Téléphone de Fatima"
    )
    device.raw_token = raw
    return device


def sale(*lines, sequence=1, payment="cash", **extra) -> dict:
    """What the sales app sends: ``lines`` are (product, quantity, unit price) triples or
    (label, quantity, price) for a free amount."""
    body = {
        "uuid": str(uuid.uuid4()),
        "sequence": sequence,
        "payment": payment,
        "lines": [
            {"product": p.pk, "quantity": q, "unit_price": price}
            if not isinstance(p, str)
            else {"label": p, "quantity": q, "unit_price": price}
            for p, q, price in lines
        ],
    }
    body.update(extra)
    return body


def sale_in(body: dict) -> services.SaleIn:
    return services.SaleIn(
        uuid=uuid.UUID(body["uuid"]),
        sequence=body["sequence"],
        payment=body["payment"],
        lines=[
            services.LineIn(
                quantity=line["quantity"],
                unit_price=Decimal(line["unit_price"]),
                product_id=line.get("product"),
                label=line.get("label", ""),
            )
            for line in body["lines"]
        ],
        discount=Decimal(body.get("discount", "0")),
        offline=body.get("offline", False),
        language=body.get("language", "fr"),
        buyer_phone=body.get("buyer_phone", ""),
    )


class DeviceClient:
    """The API as the phone calls it: JSON, with its bearer token."""

    def __init__(self, raw_token, language="fr"):
        self.client = Client()
        self.headers = {
            "HTTP_AUTHORIZATION": f"Bearer {raw_token}",
            "HTTP_ACCEPT_LANGUAGE": language,
        }

    def post(self, path, body):
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return self.client.post(
            "/api/v1/sales/" + path, data, content_type="application/json", **self.headers
        )

    def get(self, path):
        return self.client.get("/api/v1/sales/" + path, **self.headers)


@pytest.fixture
def app(phone):
    return DeviceClient(phone.raw_token)
