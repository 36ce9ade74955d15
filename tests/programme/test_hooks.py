"""What the programme adds to other pages through core.hooks: "what's on now" on the edition's
home page, the programme's link, the organisers' panel; a person's registrations in their law
09-08 export, and their erasure (upcoming registrations cancelled, the waiting list moving up,
names and contacts gone, the attendance kept)."""

import json

import pytest
from django.urls import reverse

from maarid.core import hooks
from maarid.core import services as core_services
from maarid.programme import services
from maarid.programme.models import CheckIn, Registration

from .conftest import at, make_session, person

pytestmark = pytest.mark.django_db


def home(client, edition):
    return client.get(reverse("fairs:edition", args=[edition.series.slug, edition.number]))


def test_the_home_page_says_what_is_on_now_and_later_today(
    client, organiser, edition, room, small_room, session, morning
):
    make_session(organiser, edition, small_room, start=14, end=15, title_fr="Les clusters")
    make_session(organiser, edition, small_room, start=16, end=17, published=False)
    morning.move_to(at(10, 30))
    on = hooks.whats_on(edition)
    assert [s.title for s in on.running] == ["E-marketing pour les coopératives"]
    assert [s.title for s in on.later] == ["Les clusters"]
    html = home(client, edition).content.decode()
    assert "What's on now" in html and "E-marketing pour les coopératives" in html
    assert "Les clusters" in html and "14:00" in html
    assert (
        reverse("programme:session", args=[edition.series.slug, edition.number, session.pk]) in html
    )


def test_nothing_on_says_nothing(client, edition, session, morning):
    morning.move_to(at(18))
    assert hooks.whats_on(edition) is None
    assert "What's on now" not in home(client, edition).content.decode()


def test_the_edition_page_links_to_the_published_programme(client, edition, session):
    html = home(client, edition).content.decode()
    assert reverse("programme:programme", args=[edition.series.slug, edition.number]) in html


def test_a_room_off_the_floor_plan_has_no_map_link(session):
    assert hooks.whats_on(session.edition) is not None
    from maarid.programme import selectors

    assert selectors.map_url(session) == ""


def test_a_persons_export_holds_their_registrations(organiser, exhibitor, small_session):
    services.register(actor=exhibitor, session=small_session, phone="0612345678")
    exported = json.loads(core_services.export_personal_data(actor=organiser, person=exhibitor))
    rows = exported["programme_registrations"]
    assert [r["session"] for r in rows] == ["Gérer une coopérative"]
    assert rows[0]["phone"] == "+212612345678"


def test_erasing_a_person_cancels_what_is_to_come_and_keeps_attendance(
    organiser, exhibitor, edition, small_room, small_session, morning
):
    later = make_session(organiser, edition, small_room, start=14, end=15, title_fr="Les clusters")
    theirs = services.register(actor=exhibitor, session=later, phone="0612345678")
    others = [services.register(actor=None, session=later, **person(n)) for n in (2, 3, 4)]
    assert others[-1].status == Registration.Status.WAITING
    earlier = services.register(actor=exhibitor, session=small_session, phone="0612345678")
    services.check_in(actor=organiser, session=small_session, code=earlier.code, key="erase-key-1")
    morning.move_to(at(12, 30))  # small_session is over, "Les clusters" to come
    core_services.erase_personal_data(actor=organiser, person=exhibitor)
    theirs.refresh_from_db()
    earlier.refresh_from_db()
    others[-1].refresh_from_db()
    assert theirs.status == Registration.Status.CANCELLED and theirs.name == "—"
    assert others[-1].status == Registration.Status.REGISTERED  # moved up
    assert earlier.status == Registration.Status.REGISTERED
    assert earlier.name == "—" and earlier.phone == "" and earlier.user is None
    assert CheckIn.objects.filter(registration=earlier).exists()
