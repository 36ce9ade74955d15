"""Gates at the same instant, on PostgreSQL (where requests really run in parallel): a ticket
scanned at two gates at once is admitted once; one batch of counts sent by two tabs at once
counts once."""

import uuid

import pytest

from maarid.visitors import selectors, services
from maarid.visitors.models import Admission, Count
from tests.concurrency import at_once
from tests.conftest import ensure_places

from .conftest import phone_at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _places():
    ensure_places()


def test_a_ticket_scanned_at_two_gates_at_the_same_instant_is_admitted_once(
    running, organiser, north, south, ticket
):
    phones = [phone_at(running, organiser, gate) for gate in (north, south)] * 4

    def scan(i):
        return services.check_in(
            actor=organiser, device=phones[i], scan=services.Scan(payload=ticket.payload)
        ).status

    results, errors = at_once(len(phones), scan)
    assert not errors
    assert sorted(results).count("admitted") == 1
    assert sorted(results).count("used") == len(phones) - 1
    assert Admission.objects.filter(ticket=ticket).count() == 1


def test_one_batch_sent_by_two_tabs_at_once_counts_once(running, organiser, north):
    phone = phone_at(running, organiser, north)
    batch = [services.CountIn(key=uuid.uuid4(), gate_id=north.pk, amount=1) for _ in range(50)]

    def send(i):
        return services.record_counts(actor=organiser, device=phone, counts=batch)

    _results, errors = at_once(4, send)
    assert not errors
    assert Count.objects.count() == 50
    assert selectors.edition_visitors(running) == 50
