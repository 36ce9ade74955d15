"""The programme's pages: the public programme and a session's page with its form, a person's
registrations by their key, the organisers' grid, lists and export, the door."""

import pytest
from django.urls import reverse

from maarid.programme import services
from maarid.programme.models import CheckIn, Registration

from .conftest import make_session

pytestmark = pytest.mark.django_db


def args(edition, *more):
    return [edition.series.slug, edition.number, *more]


def test_the_public_programme_shows_published_sessions_by_day_and_by_track(
    client, organiser, edition, room, session
):
    make_session(organiser, edition, room, start=14, end=15, published=False, title_fr="Brouillon")
    page = client.get(reverse("programme:programme", args=args(edition))).content.decode()
    assert "E-marketing pour les coopératives" in page and "Brouillon" not in page
    by_track = client.get(reverse("programme:programme", args=args(edition)) + "?by=track")
    assert "Marketing" in by_track.content.decode()
    draft = edition.sessions.get(published=False)
    assert client.get(reverse("programme:session", args=args(edition, draft.pk))).status_code == 404


def test_registering_on_the_page_leads_to_the_code_and_qr(client, edition, small_session):
    answer = client.post(
        reverse("programme:session", args=args(edition, small_session.pk)),
        {"name": "أمينة", "phone": "0661234567"},
    )
    registration = Registration.objects.get()
    assert answer.status_code == 302 and registration.holder.key in answer["Location"]
    page = client.get(answer["Location"]).content.decode()
    assert registration.code in page and "<svg" in page
    # Back on the programme, the browser remembers whose registrations these are.
    programme = client.get(reverse("programme:programme", args=args(edition))).content.decode()
    assert registration.holder.key in programme


def test_a_bad_phone_on_the_page_is_said_and_nothing_saved(client, edition, small_session):
    answer = client.post(
        reverse("programme:session", args=args(edition, small_session.pk)),
        {"name": "x" * 5000, "phone": "hello"},
    )
    assert answer.status_code == 400 and not Registration.objects.exists()


def test_cancelling_from_my_registrations(client, edition, small_session):
    made = services.register(actor=None, session=small_session, name="A", phone="0661234567")
    client.post(reverse("programme:cancel", args=args(edition, made.holder.key, made.pk)))
    assert Registration.objects.get().status == "cancelled"


def test_ical_feeds(client, edition, small_session):
    made = services.register(actor=None, session=small_session, name="A", phone="0661234567")
    whole = client.get(reverse("programme:ical", args=args(edition))).content.decode()
    assert "BEGIN:VEVENT" in whole and "Gérer une coopérative" in whole
    mine = client.get(reverse("programme:ical-mine", args=args(edition, made.holder.key)))
    assert mine.status_code == 200 and "BEGIN:VEVENT" in mine.content.decode()
    assert client.get(reverse("programme:ical-mine", args=args(edition, "nope"))).status_code == 404


def test_the_organisers_pages(client, organiser, edition, session):
    services.register(actor=None, session=session, name="Amina", phone="0661234567")
    client.force_login(organiser)
    grid = client.get(reverse("programme:grid", args=args(edition)) + "?day=2024-06-01")
    assert "E-marketing" in grid.content.decode()
    listed = client.get(reverse("programme:registrants", args=args(edition, session.pk)))
    assert "Amina" in listed.content.decode()
    sheet = client.get(reverse("programme:registrants-xlsx", args=args(edition, session.pk)))
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"
    assert (
        client.get(reverse("programme:session-edit", args=args(edition, session.pk))).status_code
        == 200
    )
    assert client.get(reverse("programme:setup", args=args(edition))).status_code == 200


def test_the_grid_form_names_the_clash(client, organiser, edition, room, session):
    client.force_login(organiser)
    answer = client.post(
        reverse("programme:session-new", args=args(edition)),
        {
            "kind": "seminar",
            "title_fr": "Export",
            "day": "2024-06-01",
            "start": "11:00",
            "end": "12:30",
            "room": room.pk,
            "language": "fr",
            "published": "on",
        },
    )
    assert answer.status_code == 400 and "already taken" in answer.content.decode()


def test_an_exhibitor_sees_only_its_own_registrations(
    client, edition, small_session, exhibitor, stand, other_cooperative
):
    services.register(actor=None, session=small_session, name="Stranger", phone="0661234500")
    services.register_several(
        actor=exhibitor,
        session=small_session,
        exhibitor=stand,
        people=[services.Person("Colleague", "0661234501")],
    )
    client.force_login(exhibitor)
    page = client.get(
        reverse("programme:exhibitor-registrations", args=args(edition))
    ).content.decode()
    assert "Colleague" in page and "Stranger" not in page


def test_the_door_page_checks_in_a_typed_code_and_says_when_already(
    client, organiser, edition, small_session
):
    made = services.register(actor=None, session=small_session, name="Amina", phone="0661234567")
    client.force_login(organiser)
    door = reverse("programme:door", args=args(edition, small_session.pk))
    assert client.get(door).status_code == 200
    client.post(door, {"code": made.code.lower()})
    answer = client.post(door, {"code": made.code}, follow=True)
    assert "Already checked in at" in answer.content.decode()
    assert CheckIn.objects.count() == 1
