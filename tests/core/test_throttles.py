"""Throttles: password guessing counts per account, and the messages a stranger can have sent
(password resets) are limited per account or number and per client address.

Every way of writing an account (username, e-mail in any case, its mobile number as 06…, +212…,
00212…, with spaces or dashes, in Arabic-Indic digits) is one account for the counters; an
identifier that matches no account is normalised the same way, so the throttles behave alike
whether or not the account exists."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maarid.core.messaging import LocmemSMSBackend
from maarid.core.models import OutboxMessage
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NUMBER = "+212661112233"
SPELLINGS_OF_AMAL = [
    "amal@example.ma",
    "AMAL@Example.MA",
    "Amal",
    "0661112233",
    "+212 6 61 11 22 33",
    "00212661112233",
    "06-61-11-22-33",
    "٠٦٦١١١٢٢٣٣",  # Arabic-Indic digits
    "۰۶۶۱۱۱۲۲۳۳",  # Eastern Arabic-Indic digits
]


@pytest.fixture
def amal(db):
    return make_user("amal", phone=NUMBER)


def phone_only_user():
    user = make_user("karim", phone=NUMBER)
    user.email = None
    user.save(update_fields=["email"])
    return user


def log_in(client, identifier, password, **extra):
    return client.post(
        reverse("core:login"), {"username": identifier, "password": password}, **extra
    )


def refused_as_throttled(response) -> bool:
    return response.status_code == 200 and response.context["form"].has_error(
        "__all__", code="throttled"
    )


def reset(client, identifier, **extra):
    return client.post(reverse("core:reset"), {"identifier": identifier}, **extra)


def messages_sent() -> int:
    return len(LocmemSMSBackend.outbox) + len(mail.outbox)


# --- Logging in -----------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", SPELLINGS_OF_AMAL)
def test_an_account_signs_in_with_any_spelling_of_its_name_address_or_number(amal, spelling):
    response = log_in(Client(), spelling, PASSWORD)
    assert response.status_code == 302, spelling


@pytest.mark.parametrize("spelling", SPELLINGS_OF_AMAL)
def test_login_throttle_counts_per_account_whatever_the_spelling(client, settings, amal, spelling):
    for _ in range(settings.MAARID_LOGIN_ATTEMPTS):
        assert not refused_as_throttled(log_in(client, "amal", "wrong"))
    response = log_in(client, spelling, PASSWORD)
    assert refused_as_throttled(response), spelling
    assert "_auth_user_id" not in client.session


def test_bad_passwords_spread_over_spellings_add_up_for_the_account(client, settings, amal):
    for n in range(settings.MAARID_LOGIN_ATTEMPTS):
        log_in(client, SPELLINGS_OF_AMAL[n % len(SPELLINGS_OF_AMAL)], "wrong")
    assert refused_as_throttled(log_in(client, "amal@example.ma", PASSWORD))


def test_an_unknown_number_is_throttled_in_all_its_spellings_like_an_account(client, settings):
    for _ in range(settings.MAARID_LOGIN_ATTEMPTS):
        assert not refused_as_throttled(log_in(client, "0770998877", "wrong"))
    for spelling in ["+212 7 70 99 88 77", "00212770998877", "07-70-99-88-77", "٠٧٧٠٩٩٨٨٧٧"]:
        assert refused_as_throttled(log_in(client, spelling, "wrong")), spelling


def test_an_unknown_address_is_throttled_whatever_its_case(client, settings):
    for _ in range(settings.MAARID_LOGIN_ATTEMPTS):
        log_in(client, "Nobody@Example.ma", "wrong")
    assert refused_as_throttled(log_in(client, "nobody@example.ma", "wrong"))


def test_the_throttle_says_the_same_for_unknown_and_known_accounts(settings, amal):
    answers = []
    for identifier in ["0661112233", "0770998877"]:  # Amal's number, a number of nobody
        client = Client()
        wrong = [log_in(client, identifier, "wrong") for _ in range(settings.MAARID_LOGIN_ATTEMPTS)]
        blocked = log_in(client, identifier, "wrong")
        answers.append(
            (
                [r.context["form"].non_field_errors() for r in wrong],
                blocked.context["form"].non_field_errors(),
            )
        )
    assert answers[0] == answers[1]


def test_a_successful_login_clears_the_account_counter(client, settings, amal):
    for _ in range(settings.MAARID_LOGIN_ATTEMPTS - 1):
        log_in(client, "0661112233", "wrong")
    assert log_in(client, "amal", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.MAARID_LOGIN_ATTEMPTS - 1):
        log_in(client, "+212661112233", "wrong")
    assert log_in(client, "amal@example.ma", PASSWORD).status_code == 302


def test_a_locked_account_opens_again_after_the_lockout(client, settings, amal):
    for _ in range(settings.MAARID_LOGIN_ATTEMPTS):
        log_in(client, "amal", "wrong")
    later = timezone.now() + datetime.timedelta(seconds=settings.MAARID_LOGIN_LOCKOUT_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert log_in(client, "0661112233", PASSWORD).status_code == 302


def test_the_address_counter_still_stops_guessing_across_accounts(client, settings, amal):
    for n in range(settings.MAARID_LOGIN_ATTEMPTS * 4):
        log_in(client, f"someone{n}@example.ma", "wrong")
    assert refused_as_throttled(log_in(client, "amal", PASSWORD))
    assert log_in(Client(REMOTE_ADDR="198.51.100.9"), "amal", PASSWORD).status_code == 302


def test_successful_logins_do_not_use_up_the_address(client, settings, amal):
    for _ in range(settings.MAARID_LOGIN_ATTEMPTS * 4 + 2):
        assert log_in(client, "amal", PASSWORD).status_code == 302
        client.logout()


def test_guesses_on_the_admin_login_count_for_the_account_too(client, settings):
    make_user("boss", phone="+212661445566", is_staff=True, is_superuser=True)
    admin_login = reverse("admin:login")
    for _ in range(settings.MAARID_LOGIN_ATTEMPTS):
        client.post(admin_login, {"username": "boss", "password": "wrong"})
    client.post(admin_login, {"username": "0661445566", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert refused_as_throttled(log_in(client, "boss@example.ma", PASSWORD))


def test_behind_a_proxy_the_client_address_is_the_one_the_proxy_forwarded(settings, amal):
    settings.MAARID_BEHIND_PROXY = True
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    attacker = Client(**proxy, HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.5")
    for n in range(settings.MAARID_LOGIN_ATTEMPTS * 4):
        log_in(attacker, f"someone{n}@example.ma", "wrong")
    # What the client wrote before the proxy's entry does not change its address.
    assert refused_as_throttled(log_in(attacker, "amal", PASSWORD))
    attacker = Client(**proxy, HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.5")
    assert refused_as_throttled(log_in(attacker, "amal", PASSWORD))
    # Someone else behind the same proxy is not blocked.
    neighbour = Client(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert log_in(neighbour, "amal", PASSWORD).status_code == 302


def test_without_a_proxy_a_forwarded_address_is_ignored(settings, amal):
    settings.MAARID_BEHIND_PROXY = False
    for n in range(settings.MAARID_LOGIN_ATTEMPTS * 4):
        log_in(Client(HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"), f"someone{n}@example.ma", "wrong")
    assert refused_as_throttled(
        log_in(Client(HTTP_X_FORWARDED_FOR="198.51.100.1"), "amal", PASSWORD)
    )


# --- Password resets ------------------------------------------------------------------------


def test_password_resets_for_one_phone_are_limited_whatever_the_spelling(client, settings):
    phone_only_user()
    spellings = ["0661112233", "+212 661 112 233", "00212661112233", "06-61-11-22-33", "٠٦٦١١١٢٢٣٣"]
    for n in range(15):
        reset(client, spellings[n % len(spellings)])
    assert len(LocmemSMSBackend.outbox) == settings.MAARID_RESET_PER_CONTACT
    assert OutboxMessage.objects.count() == settings.MAARID_RESET_PER_CONTACT


def test_password_resets_for_one_account_are_limited_whatever_the_way_it_is_named(
    client, settings, amal
):
    for n in range(15):
        reset(client, SPELLINGS_OF_AMAL[n % len(SPELLINGS_OF_AMAL)])
    assert messages_sent() == settings.MAARID_RESET_PER_CONTACT


def test_password_resets_for_one_phone_are_limited_across_addresses(settings):
    phone_only_user()
    for n in range(15):
        reset(Client(REMOTE_ADDR=f"203.0.113.{n}"), "0661112233")
    assert len(LocmemSMSBackend.outbox) == settings.MAARID_RESET_PER_CONTACT


def test_password_resets_from_one_address_are_limited(client, settings):
    for n in range(settings.MAARID_RESET_PER_ADDRESS + 5):
        make_user(f"person{n}")
        reset(client, f"person{n}@example.ma")
    assert len(mail.outbox) == settings.MAARID_RESET_PER_ADDRESS
    make_user("elsewhere")
    reset(Client(REMOTE_ADDR="198.51.100.9"), "elsewhere@example.ma")
    assert len(mail.outbox) == settings.MAARID_RESET_PER_ADDRESS + 1


def test_the_addresses_of_one_ipv6_line_count_as_one_address(settings):
    for n in range(settings.MAARID_RESET_PER_ADDRESS):
        make_user(f"person{n}")
        reset(Client(REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}"), f"person{n}@example.ma")
    make_user("same-line")
    reset(Client(REMOTE_ADDR="2001:db8:1:2:ffff::1"), "same-line@example.ma")
    assert len(mail.outbox) == settings.MAARID_RESET_PER_ADDRESS
    make_user("other-line")
    reset(Client(REMOTE_ADDR="2001:db8:1:3::1"), "other-line@example.ma")
    assert len(mail.outbox) == settings.MAARID_RESET_PER_ADDRESS + 1


def test_resets_asked_for_unknown_accounts_count_for_the_address(client, settings):
    for n in range(settings.MAARID_RESET_PER_ADDRESS):
        reset(client, f"nobody{n}@example.ma")
    make_user("amal")
    reset(client, "amal@example.ma")
    assert len(mail.outbox) == 0


def test_a_throttled_reset_answers_exactly_like_a_sent_one(client, settings):
    phone_only_user()
    answers = [reset(client, "0661112233") for _ in range(settings.MAARID_RESET_PER_CONTACT + 1)]
    assert len(LocmemSMSBackend.outbox) == settings.MAARID_RESET_PER_CONTACT
    sent, throttled = answers[0], answers[-1]
    assert throttled.status_code == sent.status_code == 200
    assert [t.name for t in throttled.templates] == [t.name for t in sent.templates]
    assert throttled.content == sent.content


def test_resets_go_out_again_after_the_window(client, settings):
    phone_only_user()
    for _ in range(settings.MAARID_RESET_PER_CONTACT + 2):
        reset(client, "0661112233")
    later = timezone.now() + datetime.timedelta(seconds=settings.MAARID_RESET_WINDOW_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        reset(client, "0661112233")
    assert len(LocmemSMSBackend.outbox) == settings.MAARID_RESET_PER_CONTACT + 1


def test_reset_limits_have_sane_defaults(settings):
    assert settings.MAARID_RESET_PER_CONTACT == 3
    assert settings.MAARID_RESET_PER_ADDRESS == 10
    assert settings.MAARID_RESET_WINDOW_SECONDS == 3600
