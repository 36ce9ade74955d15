"""Thirty people asking at once for the last places of a session, on PostgreSQL (where requests
really run in parallel): exactly the places left are given, the others wait in a queue without
gaps; thirty door phones sending one check-in at once count it once."""

import pytest

from maarid.programme import services
from maarid.programme.models import CheckIn, Registration
from tests.concurrency import at_once
from tests.conftest import ensure_places

from .conftest import person

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _places():
    ensure_places()


def test_thirty_people_for_the_last_five_places_five_get_them(organiser, edition, room, morning):
    from .conftest import make_session

    session = make_session(organiser, edition, room, capacity=25)
    for n in range(20):
        services.register(actor=None, session=session, **person(n))

    def register(i):
        return services.register(actor=None, session=session, **person(40 + i)).status

    results, errors = at_once(30, register)
    assert not errors
    assert results.count("registered") == 5 and results.count("waiting") == 25
    assert Registration.objects.filter(session=session, status="registered").count() == 25
    positions = sorted(
        Registration.objects.filter(session=session, status="waiting").values_list(
            "waiting_position", flat=True
        )
    )
    assert positions == list(range(1, 26))


def test_one_check_in_sent_by_thirty_phones_at_once_counts_once(small_session, organiser, edition):
    registered = services.register(actor=None, session=small_session, **person(1))
    door = services.add_door_device(actor=organiser, edition=edition, name="Porte")[0]

    def send(i):
        return services.check_in(
            actor=None,
            device=door,
            session=small_session,
            code=registered.code,
            key=f"phone-{i:04d}",
        ).already

    results, errors = at_once(30, send)
    assert not errors
    assert results.count(False) == 1
    assert CheckIn.objects.count() == 1


def test_one_key_sent_twenty_times_at_once_lets_in_once_and_says_repeated_to_the_rest(
    small_session, organiser, edition
):
    registered = services.register(actor=None, session=small_session, **person(1))
    door = services.add_door_device(actor=organiser, edition=edition, name="Porte")[0]

    def send(i):
        admission = services.check_in(
            actor=None, device=door, session=small_session, code=registered.code, key="phone-0001"
        )
        return admission.repeated or admission.already

    results, errors = at_once(20, send)
    assert not errors
    assert results.count(False) == 1
    assert CheckIn.objects.count() == 1
