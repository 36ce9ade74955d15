"""The door phone: an organiser adds it and shows a pairing QR code (the token shown once), the
phone fetches its sessions and a session's list for offline use, checks people in (the same
check-in sent again counts once, a second one says when the first was) and a revoked or another
edition's phone is refused."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from maarid.fairs.models import Edition
from maarid.programme import services
from maarid.programme.models import CheckIn, DoorDevice

from .conftest import at, person

pytestmark = pytest.mark.django_db


def url(edition, path):
    return f"/api/v1/programme/{edition.series.slug}/{edition.number}/{path}"


def phone_client(token):
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def token(organiser, edition):
    return services.add_door_device(actor=organiser, edition=edition, name="Tente A")[1]


@pytest.fixture
def registered(small_session):
    return services.register(actor=None, session=small_session, **person(1))


def test_the_phone_learns_its_name_and_the_sessions(edition, small_session, token):
    answer = phone_client(token).get(url(edition, "door"))
    assert answer.status_code == 200
    body = answer.json()
    assert body["name"] == "Tente A"
    assert [s["id"] for s in body["sessions"]] == [small_session.pk]
    assert body["sessions"][0]["starts_at"].startswith("2024-06-01T10:00:00")


def test_the_phone_keeps_the_list_with_who_is_in(edition, small_session, registered, token):
    phone = phone_client(token)
    listed = phone.get(url(edition, f"sessions/{small_session.pk}/door-list")).json()
    assert listed == [
        {
            "code": registered.code,
            "name": "Participant 1",
            "status": "registered",
            "checked_in_at": None,
        }
    ]
    phone.post(
        url(edition, f"sessions/{small_session.pk}/check-ins"),
        {"key": "phone-key-0001", "code": registered.code},
        content_type="application/json",
    )
    listed = phone.get(url(edition, f"sessions/{small_session.pk}/door-list")).json()
    assert listed[0]["checked_in_at"] is not None


def test_a_check_in_queued_offline_and_sent_three_times_counts_once(
    edition, small_session, registered, token, morning
):
    phone = phone_client(token)
    morning.move_to(at(10, 42))
    body = {
        "key": "queued-key-01",
        "code": registered.code,
        "at": at(10, 40).isoformat(),
        "offline": True,
    }
    address = url(edition, f"sessions/{small_session.pk}/check-ins")
    answers = [phone.post(address, body, content_type="application/json") for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 200, 200]
    assert [a.json()["outcome"] for a in answers] == ["checked_in", "repeated", "repeated"]
    made = CheckIn.objects.get()
    assert made.offline and made.at == at(10, 40)
    again = phone.post(
        address, {"key": "another-key-2", "code": registered.code}, content_type="application/json"
    )
    assert again.json()["outcome"] == "already"
    assert again.json()["message"].startswith("Already checked in at 10:40")
    assert CheckIn.objects.count() == 1


def test_another_editions_phone_and_a_revoked_phone_are_refused(
    organiser, series, edition, small_session, token
):
    other = Edition.objects.create(
        series=series,
        number=4,
        name_fr="4e Salon",
        name_ar="المعرض الرابع",
        city_id=edition.city_id,
        starts_on=edition.starts_on,
        ends_on=edition.ends_on,
    )
    foreign = services.add_door_device(actor=organiser, edition=other, name="Ailleurs")[1]
    assert phone_client(foreign).get(url(edition, "door")).status_code == 403
    assert (
        phone_client(foreign)
        .get(url(edition, f"sessions/{small_session.pk}/door-list"))
        .status_code
        == 403
    )
    services.revoke_door_device(actor=organiser, device=DoorDevice.objects.get(name="Tente A"))
    assert phone_client(token).get(url(edition, "door")).status_code in (401, 403)


def test_a_person_is_refused_the_door_endpoints(client, exhibitor, edition, small_session):
    client.force_login(exhibitor)
    assert client.get(url(edition, "door")).status_code == 403
    assert client.get(url(edition, f"sessions/{small_session.pk}/door-list")).status_code == 403


def test_the_organiser_adds_a_phone_and_sees_its_pairing_code_once(client, organiser, edition):
    client.force_login(organiser)
    with translation.override("fr"):
        page = reverse("programme:door-phones", args=[edition.series.slug, edition.number])
        app = reverse("programme:door-app", args=[edition.series.slug, edition.number])
    answer = client.post(page, {"name": "Porte de la tente A"})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert f"{app}#pair=" in html and "<svg" in html
    device = DoorDevice.objects.get()
    assert device.created_by == organiser and device.token.device
    assert "#pair=" not in client.get(page).content.decode()  # shown only once
    with translation.override("fr"):
        revoke = reverse(
            "programme:door-phone-revoke", args=[edition.series.slug, edition.number, device.pk]
        )
    assert client.post(revoke).status_code == 302
    device.refresh_from_db()
    assert device.revoked_at is not None and device.token.revoked_at is not None


def test_a_phone_with_no_name_is_refused_with_a_message(client, organiser, edition):
    client.force_login(organiser)
    with translation.override("en"):
        page = reverse("programme:door-phones", args=[edition.series.slug, edition.number])
    answer = client.post(page, {"name": ""})
    assert answer.status_code == 400
    assert not DoorDevice.objects.exists()


def test_the_door_app_page_holds_nothing_personal(client, edition, registered):
    with translation.override("ar"):
        app = reverse("programme:door-app", args=[edition.series.slug, edition.number])
    answer = client.get(app)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "Participant 1" not in html and registered.code not in html
    assert "programme/door.js" in html and "sales/offline.js" in html
    assert "blob:" in answer["Content-Security-Policy"]
