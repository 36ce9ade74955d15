"""Accounts, password resets and personal data (law 09-08)."""

import json
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from . import audit, hooks, messaging, selectors
from .auth import find_user
from .models import ApiToken, AuditEvent, User

PROFILE_FIELDS = ("first_name", "last_name", "language", "show_contact_publicly")


def require_free_contact(contact: dict[str, str]) -> None:
    """One account per e-mail address and per mobile number."""
    if selectors.contact_in_use(contact):
        if contact.get("email"):
            raise ValidationError(_("An account already uses this e-mail address."))
        raise ValidationError(_("An account already uses this number."))


@transaction.atomic
def sign_up(
    *, first_name: str, last_name: str, contact: dict[str, str], password: str, language: str = "fr"
) -> User:
    """Creates an account from an e-mail or a mobile number (``contact`` has one of them)."""
    require_free_contact(contact)
    username = contact.get("email") or contact["phone"]
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=contact.get("email"),
        phone=contact.get("phone"),
        language=language,
        consent_at=timezone.now(),
    )
    user.set_password(password)
    user.save()
    return user


def account_for(contact: dict[str, str]) -> User:
    """The account of an e-mail address or a mobile number; one without a password is made
    if there is none yet (its owner chooses a password through the link they are sent)."""
    if contact.get("email"):
        user = User.objects.filter(email__iexact=contact["email"]).first()
    else:
        user = User.objects.filter(phone=contact["phone"]).first()
    if user is None:
        user = User(
            username=contact.get("email") or contact["phone"],
            email=contact.get("email"),
            phone=contact.get("phone"),
        )
        user.set_unusable_password()
        user.save()
    return user


def set_password(*, user: User, password: str) -> None:
    """A new password, chosen through a reset link (the link's check is the caller's)."""
    user.set_password(password)
    user.save(update_fields=["password"])


def update_profile(*, actor: User, changes: Mapping[str, Any]) -> User:
    """A person changes their own profile (name, language, contact shown publicly)."""
    for field, value in changes.items():
        if field not in PROFILE_FIELDS:
            raise ValueError(field)
        setattr(actor, field, value)
    actor.full_clean()
    actor.save(update_fields=list(changes))
    return actor


def issue_token(*, actor: User, name: str) -> str:
    """A person's API token; the raw value is returned once and never stored. (A phone's
    token comes from registering it for a stand: sales devices.)"""
    _token, raw = ApiToken.issue(actor, name)
    return raw


def revoke_token(*, actor: User, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        raise PermissionDenied
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])


def tell(user: User, msgid: str, series_id: int | None = None, **params: object) -> None:
    """Sends a message in the recipient's language, by e-mail, else by SMS. ``msgid`` is
    marked with gettext_noop and translated here, in the recipient's language. With a
    ``series_id`` the message shows in that fair's outbox for its organisers."""
    with translation.override(user.language):
        text = _(msgid) % {k: str(v) for k, v in params.items()}
        if user.email:
            messaging.email(
                user.email, _("Maarid"), text, language=user.language, series_id=series_id
            )
        elif user.phone:
            messaging.sms(user.phone, text, language=user.language, series_id=series_id)


def absolute_url(path: str) -> str:
    """A full address for messages sent outside a request (MAARID_SITE_URL)."""
    return settings.MAARID_SITE_URL.rstrip("/") + path


def reset_link(user: User, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    with translation.override(user.language):
        path = reverse("core:reset-confirm", args=[uid, token])
    return base_url.rstrip("/") + path


def send_password_reset(identifier: str, base_url: str) -> None:
    """Sends a reset link by e-mail or SMS. Says nothing about whether the account exists."""
    user = find_user(identifier)
    if user is None or not user.is_active or user.erased_at:
        return
    link = reset_link(user, base_url)
    with translation.override(user.language):
        text = _("To choose a new Maarid password, open %(link)s") % {"link": link}
        if user.email and "@" in identifier:
            messaging.email(user.email, _("Your Maarid password"), text, language=user.language)
        elif user.phone:
            messaging.sms(user.phone, text, language=user.language)
        elif user.email:
            messaging.email(user.email, _("Your Maarid password"), text, language=user.language)


def export_personal_data(*, actor: User, person: User) -> str:
    """Everything Maarid holds about one person, as JSON; the export itself is audited."""
    data = {
        "account": {
            "username": person.username,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "phone": person.phone,
            "language": person.language,
            "date_joined": person.date_joined.isoformat(),
            "last_login": person.last_login.isoformat() if person.last_login else None,
            "consent_at": person.consent_at.isoformat() if person.consent_at else None,
            "show_contact_publicly": person.show_contact_publicly,
        },
        "api_tokens": list(person.api_tokens.values("name", "device", "created_at", "revoked_at")),
        "changes_made": list(
            AuditEvent.objects.filter(user=person).values("at", "action", "model", "object_repr")
        ),
    }
    for parts in hooks.personal_data.collect(person):
        data.update(parts)
    audit.record("export", person, {"by": [None, str(actor)]}, user=actor)
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


@transaction.atomic
def erase_personal_data(*, actor: User, person: User) -> None:
    """Removes what identifies a person and closes the account. Rows that money or awards
    depend on stay, now pointing at an anonymous account."""
    hooks.erase_personal_data.collect(person)
    person.first_name = person.last_name = ""
    person.email = person.phone = None
    person.username = f"erased-{person.pk}"
    person.is_active = False
    person.show_contact_publicly = False
    person.erased_at = timezone.now()
    person.set_unusable_password()
    person.save()
    person.api_tokens.update(revoked_at=timezone.now())
    audit.record("erase", person, {}, user=actor)
