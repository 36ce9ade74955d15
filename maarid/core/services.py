"""Accounts, password resets and personal data (law 09-08)."""

import json

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from . import access, audit, hooks, messaging
from .auth import find_user
from .models import AuditEvent, User


@transaction.atomic
def sign_up(*, first_name, last_name, contact: dict, password, language="fr") -> User:
    """Creates an account from an e-mail or a mobile number (``contact`` has one of them)."""
    username = contact.get("email") or contact.get("phone")
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


def account_for(contact: dict) -> User:
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


def tell(user, msgid: str, series_id=None, **params):
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


def reset_link(user, base_url: str) -> str:
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


def people_in_scope(actor):
    """The users an organiser may export or erase: members of organisations in the
    registries of their series (everyone for a superuser)."""
    f = access.facts(actor)
    if f.superuser:
        return User.objects.all()
    if not f.series.get(access.Role.ORGANISER):
        return User.objects.none()
    return User.objects.filter(memberships__organisation_id__in=f.managed_organisations).distinct()


def export_personal_data(actor, person: User) -> str:
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
def erase_personal_data(actor, person: User) -> None:
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
