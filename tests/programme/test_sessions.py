"""Sessions: a room or a speaker booked twice is refused with the clashing sessions named; a
session fits in the edition's opening hours; its places default to the room's seats."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maarid.fairs.models import OpeningHours
from maarid.programme import services
from maarid.programme.models import Session

from .conftest import DAY, at, make_session

pytestmark = pytest.mark.django_db


def test_a_session_takes_the_rooms_seats_unless_the_organiser_says_otherwise(
    organiser, edition, room, morning
):
    assert make_session(organiser, edition, room).capacity == 40
    assert make_session(organiser, edition, room, start=14, end=15, capacity=12).capacity == 12


def test_a_room_booked_twice_is_refused_naming_the_session_it_clashes_with(
    organiser, edition, room, session
):
    with pytest.raises(ValidationError) as refused:
        make_session(organiser, edition, room, start=11, end=13, title_fr="Export")
    message = " ".join(refused.value.messages)
    assert "Tente A is already taken" in message
    assert "E-marketing pour les coopératives" in message
    assert Session.objects.count() == 1


def test_a_speaker_booked_twice_is_refused_naming_the_session(
    organiser, edition, room, small_room, speaker, session
):
    with pytest.raises(ValidationError) as refused:
        make_session(organiser, edition, small_room, start=11, end=12, speakers=[speaker])
    assert "A speaker already speaks then at" in " ".join(refused.value.messages)
    assert "E-marketing" in " ".join(refused.value.messages)


def test_back_to_back_sessions_in_one_room_do_not_clash(organiser, edition, room, session):
    make_session(organiser, edition, room, start=12, end=13, title_fr="Export")
    assert Session.objects.count() == 2


def test_moving_a_session_onto_another_is_refused_and_elsewhere_accepted(
    organiser, edition, room, small_room, session, small_session
):
    with pytest.raises(ValidationError):
        services.move_session(actor=organiser, session=small_session, room=room, starts_at=at(11))
    moved = services.move_session(
        actor=organiser, session=small_session, room=room, starts_at=at(15)
    )
    assert moved.ends_at == at(17) and moved.room == room


def test_a_session_must_fit_in_the_opening_hours(organiser, edition, room, morning):
    with pytest.raises(ValidationError) as refused:
        make_session(organiser, edition, room, start=8, end=10)
    assert "The fair is open from" in " ".join(refused.value.messages)
    with pytest.raises(ValidationError):
        make_session(organiser, edition, room, start=21, end=23)


def test_a_session_on_a_closed_day_or_outside_the_edition_is_refused(
    organiser, edition, room, morning
):
    OpeningHours.objects.create(edition=edition, day=DAY, closed=True)
    with pytest.raises(ValidationError, match="closed that day"):
        make_session(organiser, edition, room)
    with pytest.raises(ValidationError, match="not one of the edition's days"):
        make_session(
            organiser,
            edition,
            room,
            starts_at=at(10, day=datetime.date(2024, 7, 1)),
            ends_at=at(11, day=datetime.date(2024, 7, 1)),
        )


def test_only_the_editions_organisers_make_sessions(edition, room, exhibitor, other_organiser):
    for someone in (exhibitor, other_organiser):
        with pytest.raises(PermissionDenied):
            make_session(someone, edition, room)


def test_a_session_needs_a_title(organiser, edition, room, morning):
    with pytest.raises(ValidationError):
        make_session(organiser, edition, room, title_ar="", title_fr="  ")
