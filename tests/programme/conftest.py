"""A day of the reference fair's programme: two rooms, a speaker, sessions on 1 June 2024, the
clock stopped that morning (9:00 in Tétouan) so that registration is open."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.utils import translation

from maarid.exhibitors.models import Exhibitor
from maarid.programme import services
from maarid.programme.models import Session

TETOUAN = zoneinfo.ZoneInfo("Africa/Casablanca")
DAY = datetime.date(2024, 6, 1)


def at(hour: int, minute: int = 0, day: datetime.date = DAY) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TETOUAN)


@pytest.fixture(autouse=True)
def in_english(settings):
    """These tests read the messages in English: pages, API answers and services alike."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def morning():
    """The clock at 9:00 on 1 June 2024 in Tétouan, standing still."""
    with time_machine.travel(at(9), tick=False) as traveller:
        yield traveller


@pytest.fixture
def room(edition, organiser):
    return services.create_room(
        actor=organiser, edition=edition, name_ar="الخيمة أ", name_fr="Tente A", capacity=40
    )


@pytest.fixture
def small_room(edition, organiser):
    return services.create_room(
        actor=organiser, edition=edition, name_ar="القاعة ب", name_fr="Salle B", capacity=3
    )


@pytest.fixture
def track(edition, organiser):
    return services.create_track(
        actor=organiser, edition=edition, name_ar="التسويق", name_fr="Marketing"
    )


@pytest.fixture
def speaker(edition, organiser):
    return services.create_speaker(
        actor=organiser,
        edition=edition,
        name_ar="سعاد العلمي",
        name_fr="Souad El Alami",
        affiliation_fr="Office du Développement de la Coopération",
        bio_fr="Conseillère en gestion coopérative.",
    )


def make_session(organiser, edition, room, *, start=10, end=12, speakers=(), **fields):
    values = {
        "kind": Session.Kind.WORKSHOP,
        "title_ar": "التسويق الإلكتروني",
        "title_fr": "E-marketing pour les coopératives",
        "room": room,
        "starts_at": at(start),
        "ends_at": at(end),
        "published": True,
    }
    values.update(fields)
    return services.save_session(
        actor=organiser, edition=edition, speakers=list(speakers), **values
    )


@pytest.fixture
def session(organiser, edition, room, speaker, track, morning):
    return make_session(organiser, edition, room, speakers=[speaker], track=track)


@pytest.fixture
def small_session(organiser, edition, small_room, morning):
    return make_session(
        organiser, edition, small_room, title_fr="Gérer une coopérative", title_ar="تدبير التعاونية"
    )


@pytest.fixture
def stand(edition, cooperative):
    return Exhibitor.objects.create(edition=edition, organisation=cooperative)


def person(n: int) -> dict:
    return {"name": f"Participant {n}", "phone": f"06612345{n:02d}"}
