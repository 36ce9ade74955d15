"""At the door: a code checked in once however often it is sent, "already checked in at 10:42",
forged, unknown and other editions' codes refused, walk-ins within the places or past them with
a warning, door phones limited to their edition."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maarid.fairs.models import Edition
from maarid.programme import services
from maarid.programme.models import CheckIn, Registration

from .conftest import at, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(small_session):
    return services.register(actor=None, session=small_session, **person(1))


@pytest.fixture
def door(organiser, edition):
    return services.add_door_device(actor=organiser, edition=edition, name="Porte A")[0]


def test_a_check_in_sent_three_times_counts_once(small_session, registered, door):
    answers = [
        services.check_in(
            actor=None, device=door, session=small_session, code=registered.code, key="k-0000001"
        )
        for _ in range(3)
    ]
    assert CheckIn.objects.count() == 1
    assert [a.repeated for a in answers] == [False, True, True]
    assert len({a.check_in.pk for a in answers}) == 1


def test_a_second_check_in_says_when_the_first_was(small_session, registered, door, morning):
    morning.move_to(at(10, 42))
    services.check_in(
        actor=None, device=door, session=small_session, code=registered.code, key="first-key"
    )
    again = services.check_in(
        actor=None,
        device=door,
        session=small_session,
        code=registered.code.lower(),
        key="second-key",
    )
    assert again.already and again.warning.startswith("Already checked in at 10:42")
    assert CheckIn.objects.count() == 1


def test_the_qr_code_carries_the_code_signed(small_session, registered, door):
    admitted = services.check_in(
        actor=None, device=door, session=small_session, code=registered.qr_payload, key="qr-key-01"
    )
    assert admitted.check_in.registration == registered
    forged = registered.qr_payload[:-3] + "abc"
    with pytest.raises(ValidationError) as refused:
        services.check_in(
            actor=None, device=door, session=small_session, code=forged, key="qr-key-02"
        )
    assert refused.value.code == "forged"


@pytest.mark.parametrize("code", ["ZZZZZZZZ", "1234", "x" * 5000, ""])
def test_unknown_codes_are_refused(small_session, registered, door, code):
    with pytest.raises(ValidationError) as refused:
        services.check_in(
            actor=None, device=door, session=small_session, code=code, key="key-unknown"
        )
    assert refused.value.code == "unknown"
    assert not CheckIn.objects.exists()


def test_a_code_of_another_edition_is_recognised(small_session, registered, door, series, edition):
    other = Edition.objects.create(
        series=series,
        number=4,
        city=edition.city,
        starts_on=edition.starts_on,
        ends_on=edition.ends_on,
    )
    Registration.objects.filter(pk=registered.pk).update(edition=other)
    with pytest.raises(ValidationError) as refused:
        services.check_in(
            actor=None, device=door, session=small_session, code=registered.code, key="key-other"
        )
    assert refused.value.code == "other_edition"


def test_a_cancelled_registration_is_not_let_in(small_session, registered, door):
    services.cancel(actor=None, registration=registered, holder_key=registered.holder.key)
    with pytest.raises(ValidationError, match="cancelled"):
        services.check_in(
            actor=None, device=door, session=small_session, code=registered.code, key="key-cancel"
        )


def test_a_registration_for_another_session_is_named(session, small_session, door):
    elsewhere = services.register(actor=None, session=session, **person(2))
    with pytest.raises(ValidationError, match="another session"):
        services.check_in(
            actor=None, device=door, session=small_session, code=elsewhere.code, key="key-elsewhere"
        )


def test_walk_ins_within_the_places_then_past_them_with_a_warning(small_session, registered, door):
    for n in range(2):
        services.walk_in(
            actor=None, device=door, session=small_session, name=f"Walk {n}", key=f"walk-key-{n}"
        )
    with pytest.raises(ValidationError) as refused:
        services.walk_in(
            actor=None, device=door, session=small_session, name="Late", key="walk-key-9"
        )
    assert refused.value.code == "full"
    admitted = services.walk_in(
        actor=None,
        device=door,
        session=small_session,
        name="Late",
        key="walk-key-9",
        past_capacity=True,
    )
    assert admitted.check_in.over_capacity and admitted.warning


def test_a_door_phone_works_only_for_its_edition_and_until_revoked(
    small_session, registered, organiser, other_organiser, other_series
):
    other_edition = Edition.objects.create(
        series=other_series,
        number=1,
        city=small_session.edition.city,
        starts_on=small_session.edition.starts_on,
        ends_on=small_session.edition.ends_on,
    )
    stranger = services.add_door_device(actor=other_organiser, edition=other_edition, name="X")[0]
    with pytest.raises(PermissionDenied):
        services.check_in(
            actor=None,
            device=stranger,
            session=small_session,
            code=registered.code,
            key="key-strange",
        )
    door, _raw = services.add_door_device(
        actor=organiser, edition=small_session.edition, name="Porte"
    )
    services.revoke_door_device(actor=organiser, device=door)
    with pytest.raises(PermissionDenied):
        services.check_in(
            actor=None, device=door, session=small_session, code=registered.code, key="key-revoked"
        )


def test_a_malformed_key_is_refused(small_session, registered, door):
    with pytest.raises(ValidationError):
        services.check_in(
            actor=None, device=door, session=small_session, code=registered.code, key="k" * 500
        )
