"""Registration: places up to the session's capacity, then a waiting list that moves up by
itself when a place frees, exactly once per cancellation, and tells the person; registration
windows; bad input refused with a clear message and nothing saved."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maarid.core.models import OutboxMessage
from maarid.programme import selectors, services
from maarid.programme.models import Registration

from .conftest import at, make_session, person

pytestmark = pytest.mark.django_db

REGISTERED, WAITING, CANCELLED = (
    Registration.Status.REGISTERED,
    Registration.Status.WAITING,
    Registration.Status.CANCELLED,
)


def register(session, n, **extra):
    return services.register(actor=None, session=session, **person(n), **extra)


def test_people_get_places_up_to_the_capacity_then_wait_in_order(small_session):
    made = [register(small_session, n) for n in range(5)]
    assert [r.status for r in made] == [REGISTERED] * 3 + [WAITING] * 2
    assert [selectors.waiting_rank(r) for r in made[3:]] == [1, 2]
    assert len(made[0].code) == 8


def test_a_cancellation_moves_the_first_waiting_up_and_tells_them(
    small_session, django_capture_on_commit_callbacks
):
    made = [register(small_session, n, language="ar") for n in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.cancel(actor=None, registration=made[1], holder_key=made[1].holder.key)
    assert moved == made[3]
    made[3].refresh_from_db()
    assert made[3].status == REGISTERED and made[3].promoted_at is not None
    assert selectors.waiting_rank(Registration.objects.get(pk=made[4].pk)) == 1
    told = OutboxMessage.objects.filter(to=made[3].phone)
    assert told.count() == 1 and made[3].code in told.get().body and told.get().language == "ar"


def test_the_same_cancellation_sent_three_times_moves_the_list_up_once(
    small_session, django_capture_on_commit_callbacks
):
    made = [register(small_session, n) for n in range(6)]
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            services.cancel(actor=None, registration=made[0], holder_key=made[0].holder.key)
    statuses = [Registration.objects.get(pk=r.pk).status for r in made]
    assert statuses == [CANCELLED, REGISTERED, REGISTERED, REGISTERED, WAITING, WAITING]
    assert OutboxMessage.objects.count() == 1


def test_cancelling_a_place_on_the_waiting_list_moves_nobody_up(small_session):
    made = [register(small_session, n) for n in range(5)]
    assert services.cancel(actor=None, registration=made[3], holder_key=made[3].holder.key) is None
    assert Registration.objects.get(pk=made[4].pk).status == WAITING
    assert not OutboxMessage.objects.exists()


def test_more_places_move_the_waiting_list_up(organiser, edition, small_session):
    made = [register(small_session, n) for n in range(5)]
    services.save_session(actor=organiser, edition=edition, session=small_session, capacity=4)
    assert [Registration.objects.get(pk=r.pk).status for r in made][3:] == [REGISTERED, WAITING]


def test_only_the_person_who_registered_them_or_an_organiser_cancels(
    small_session, organiser, exhibitor
):
    made = register(small_session, 1)
    with pytest.raises(PermissionDenied):
        services.cancel(actor=None, registration=made, holder_key="not-the-key")
    with pytest.raises(PermissionDenied):
        services.cancel(actor=exhibitor, registration=made)
    services.cancel(actor=organiser, registration=made)
    assert Registration.objects.get(pk=made.pk).status == CANCELLED


def test_someone_registers_once_per_session(small_session):
    register(small_session, 1)
    with pytest.raises(ValidationError, match="already registered"):
        services.register(actor=None, session=small_session, name="Autre", phone="06 61 23 45 01")
    assert Registration.objects.count() == 1


def test_a_signed_in_person_registers_with_one_click(small_session, buyer):
    buyer.phone = "+212661234599"
    buyer.save()
    made = services.register(actor=buyer, session=small_session)
    assert made.user == buyer and made.holder.user == buyer and made.name


def test_registration_windows(organiser, edition, room, morning):
    later = make_session(organiser, edition, room, start=15, end=16, registration_opens_at=at(12))
    with pytest.raises(ValidationError, match="Registration opens on"):
        services.register(actor=None, session=later, **person(1))
    closed = make_session(organiser, edition, room, start=13, end=14, registration_closes_at=at(8))
    with pytest.raises(ValidationError, match="closed"):
        services.register(actor=None, session=closed, **person(1))
    draft = make_session(organiser, edition, room, start=17, end=18, published=False)
    with pytest.raises(ValidationError, match="not open"):
        services.register(actor=None, session=draft, **person(1))
    assert not Registration.objects.exists()


def test_a_session_that_ended_refuses_registration_and_cancellation(small_session, morning):
    made = register(small_session, 1)
    morning.move_to(at(13))
    with pytest.raises(ValidationError, match="has ended"):
        register(small_session, 2)
    with pytest.raises(ValidationError, match="has ended"):
        services.cancel(actor=None, registration=made, holder_key=made.holder.key)


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"name": "x" * 5000, "phone": "0661234567"}, "name"),
        ({"name": "", "phone": "0661234567"}, "name"),
        ({"name": "Amina", "phone": "not a phone"}, "phone"),
        ({"name": "Amina", "phone": "+33 6 12 34 56 78"}, "phone"),
        ({"name": "Amina", "email": "amina@"}, "email"),
        ({"name": "Amina"}, "phone"),
        (
            {"name": "Amina", "phone": "0661234567", "organisation_name": "o" * 300},
            "organisation_name",
        ),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_saved(small_session, fields, field):
    with pytest.raises(ValidationError) as refused:
        services.register(actor=None, session=small_session, **fields)
    assert field in refused.value.message_dict
    assert not Registration.objects.exists()


def test_an_exhibitors_member_registers_people_of_their_cooperative(
    small_session, exhibitor, stand, django_capture_on_commit_callbacks
):
    people = [services.Person(**person(n)) for n in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        made = services.register_several(
            actor=exhibitor, session=small_session, exhibitor=stand, people=people
        )
    assert [r.status for r in made] == [REGISTERED] * 3 + [WAITING]
    assert all(r.registered_by == exhibitor and r.exhibitor == stand for r in made)
    assert made[0].organisation_name == stand.organisation.name
    assert OutboxMessage.objects.count() == 4  # each is told their code
    assert len({r.holder_id for r in made}) == 4  # each holds their own


def test_an_outsider_cannot_register_people_for_an_exhibitor(small_session, buyer, stand):
    with pytest.raises(PermissionDenied):
        services.register_several(
            actor=buyer,
            session=small_session,
            exhibitor=stand,
            people=[services.Person("A", "0661234567")],
        )


def test_a_group_with_one_bad_phone_registers_nobody(small_session, exhibitor, stand):
    people = [services.Person(**person(1)), services.Person(name="B", phone="12")]
    with pytest.raises(ValidationError):
        services.register_several(
            actor=exhibitor, session=small_session, exhibitor=stand, people=people
        )
    assert not Registration.objects.exists()


def test_reminders_go_the_day_before_and_the_hour_before_once_each(small_session, morning):
    registered = register(small_session, 1, language="ar")
    morning.move_to(at(9) - datetime.timedelta(hours=20))  # the day before, 13:00
    assert services.send_reminders() == 1
    assert services.send_reminders() == 0
    morning.move_to(at(9, 15))
    assert services.send_reminders() == 1
    assert services.send_reminders() == 0
    bodies = list(
        OutboxMessage.objects.filter(to=registered.phone).values_list("language", flat=True)
    )
    assert bodies == ["ar", "ar"]


def test_organisers_message_a_sessions_registrants(small_session, organiser, exhibitor):
    for n in range(5):
        register(small_session, n)
    assert (
        services.message_registrants(
            actor=organiser, session=small_session, subject="Salle", body="La salle change."
        )
        == 3
    )
    with pytest.raises(PermissionDenied):
        services.message_registrants(actor=exhibitor, session=small_session, subject="", body="x")


def test_the_reminders_command_sends_what_is_due(small_session, morning):
    from django.core.management import call_command

    register(small_session, 1)
    call_command("programme_reminders")
    assert OutboxMessage.objects.count() == 1


def _codes(monkeypatch, *codes):
    """The registrations' codes drawn in this order."""
    letters = iter("".join(codes))
    monkeypatch.setattr("maarid.programme.models.secrets.choice", lambda alphabet: next(letters))


def test_a_code_drawn_twice_is_drawn_again_and_the_person_registered_once(
    small_session, monkeypatch
):
    _codes(monkeypatch, "AAAA2222", "AAAA2222", "BBBB3333")
    first = register(small_session, 1)
    second = register(small_session, 2)
    assert (first.code, second.code) == ("AAAA2222", "BBBB3333")
    assert Registration.objects.filter(phone=second.phone).count() == 1
    assert Registration.objects.count() == 2


def test_codes_that_keep_colliding_refuse_the_registration_and_save_nothing(
    small_session, monkeypatch
):
    _codes(monkeypatch, *["CCCC4444"] * (1 + services.CODE_ATTEMPTS))
    register(small_session, 1)
    with pytest.raises(ValidationError, match="try again"):
        register(small_session, 2)
    assert list(Registration.objects.values_list("name", flat=True)) == ["Participant 1"]
