"""Signing up, logging in (with throttling), password resets and API tokens."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from maarid.core.messaging import LocmemSMSBackend
from maarid.core.models import ApiToken, OutboxMessage, User
from tests.conftest import PASSWORD, client_for, make_user

pytestmark = pytest.mark.django_db


def signup(client, contact, **extra):
    data = {
        "first_name": "Fatima",
        "last_name": "Zahra",
        "contact": contact,
        "language": "ar",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "consent": "on",
        **extra,
    }
    return client.post(reverse("core:signup"), data)


def test_signing_up_with_a_mobile_number_stores_it_as_plus_212(client):
    response = signup(client, "06 61 23 45 67")
    assert response.status_code == 302
    user = User.objects.get(phone="+212661234567")
    assert user.consent_at is not None and user.language == "ar"
    assert (
        client.post(
            reverse("core:login"), {"username": "0661234567", "password": PASSWORD}
        ).status_code
        == 302
    )


def test_signing_up_with_an_email(client):
    assert signup(client, "Coop.Amal@Example.ma").status_code == 302
    assert User.objects.filter(email="coop.amal@example.ma").exists()


@pytest.mark.parametrize("contact", ["not a contact", "0537123456", "+33612345678"])
def test_signup_refuses_what_is_neither_email_nor_moroccan_mobile(client, contact):
    response = signup(client, contact)
    assert response.status_code == 200
    assert response.context["form"].errors["contact"]
    assert not User.objects.exists()


def test_signup_needs_consent_to_the_data_notice(client):
    response = signup(client, "a@example.ma", consent="")
    assert "consent" in response.context["form"].errors


def test_signup_refuses_an_address_already_used(client):
    make_user(
        "amal",
    )
    response = signup(client, "amal@example.ma")
    assert response.context["form"].errors["contact"]


def test_failed_logins_are_throttled_even_with_the_right_password(client):
    make_user("amal")
    url = reverse("core:login")
    for _ in range(5):
        response = client.post(url, {"username": "amal@example.ma", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(url, {"username": "amal@example.ma", "password": PASSWORD})
    assert response.status_code == 200
    assert response.context["form"].has_error("__all__", code="throttled")
    assert "_auth_user_id" not in client.session


def test_password_reset_by_sms_for_a_phone_account(client):
    user = make_user("karim", phone="+212661112233")
    client.post(reverse("core:reset"), {"identifier": "0661112233"})
    [sms] = LocmemSMSBackend.outbox
    assert sms["to"] == "+212661112233"
    link = re.search(r"https?://\S+", sms["text"]).group(0)
    path = link.split("testserver", 1)[1]
    new_password = "a-new-Password-2024"
    response = client.post(path, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert client.get(path).status_code == 400  # a used link no longer works


def test_password_reset_by_email_says_nothing_about_unknown_accounts(client):
    make_user("amal")
    known = client.post(reverse("core:reset"), {"identifier": "amal@example.ma"})
    unknown = client.post(reverse("core:reset"), {"identifier": "nobody@example.ma"})
    assert known.content == unknown.content
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT


def test_api_tokens_authenticate_until_revoked(client):
    user = make_user("amal")
    web = client_for(user)
    web.post(reverse("core:token-create"), {"name": "Export script"})
    raw = web.session.get("new_token") or web.get(reverse("core:account")).context["new_token"]
    token = ApiToken.objects.get()
    assert not token.device and token.digest != raw  # only a hash is stored
    api = client.__class__()
    ok = api.get("/api/v1/registry/organisations", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert ok.status_code == 200
    web.post(reverse("core:token-revoke", args=[token.pk]))
    refused = api.get("/api/v1/registry/organisations", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert refused.status_code == 401


def test_a_forged_token_is_refused(client):
    response = client.get("/api/v1/registry/organisations", HTTP_AUTHORIZATION="Bearer mrd_forged")
    assert response.status_code == 401
    assert response.json()["detail"]
