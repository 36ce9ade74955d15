"""Visitors fixtures: the fair running today, two gates, a registered gate phone, ticket types
with places today, and a client that calls the API as a gate phone does."""

import datetime
import json
import uuid

import pytest
from django.test import Client
from django.utils import timezone, translation

from maarid.visitors import services
from maarid.visitors.models import TicketType


@pytest.fixture(autouse=True)
def in_english(settings):
    """These tests read the messages in English: pages, API answers and services alike."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def running(edition, today):
    """The edition, running: it began two days ago and ends in a week (the server's days)."""
    edition.starts_on = today - datetime.timedelta(days=2)
    edition.ends_on = today + datetime.timedelta(days=7)
    edition.save()
    return edition


@pytest.fixture
def north(running, organiser):
    return services.create_gate(
        actor=organiser, edition=running, name_ar="الباب الشمالي", name_fr="Porte nord"
    )


@pytest.fixture
def south(running, organiser):
    return services.create_gate(
        actor=organiser,
        edition=running,
        name_ar="الباب الجنوبي",
        name_fr="Porte sud",
        counts_exits=True,
    )


def phone_at(edition, organiser, gate, name="Phone"):
    device, raw = services.register_device(actor=organiser, edition=edition, name=name, gate=gate)
    device.raw_token = raw
    return device


@pytest.fixture
def phone(running, organiser, north, south):
    return phone_at(running, organiser, north, "North phone")


@pytest.fixture
def other_phone(running, organiser, north, south):
    return phone_at(running, organiser, south, "South phone")


class GateClient:
    """The API as the gate app calls it: JSON, with its bearer token."""

    def __init__(self, raw_token, language="en"):
        self.client = Client()
        self.headers = {
            "HTTP_AUTHORIZATION": f"Bearer {raw_token}",
            "HTTP_ACCEPT_LANGUAGE": language,
        }

    def post(self, path, body):
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return self.client.post(
            "/api/v1/visitors/" + path, data, content_type="application/json", **self.headers
        )

    def get(self, path):
        return self.client.get("/api/v1/visitors/" + path, **self.headers)


@pytest.fixture
def app(phone):
    return GateClient(phone.raw_token)


def count(gate, amount=1, **extra):
    body = {"key": str(uuid.uuid4()), "gate": gate.pk, "amount": amount}
    body.update(extra)
    return body


@pytest.fixture
def ceremony(running, organiser, today):
    """The opening ceremony invitation, 100 places today."""
    kind = TicketType.Kind.CEREMONY
    t = services.create_ticket_type(
        actor=organiser, edition=running, kind=kind, name_ar="حفل الافتتاح", name_fr="Ouverture"
    )
    services.set_quota(actor=organiser, type=t, day=today, places=100)
    return t


def ticket_for(ticket_type, day, holder="Amina Benali", **extra):
    return services.issue_ticket(
        actor=None,
        type=ticket_type,
        day=day,
        holder=holder,
        phone=extra.pop("phone", "0612345678"),
        **extra,
    )


@pytest.fixture
def ticket(ceremony, today):
    return ticket_for(ceremony, today)
