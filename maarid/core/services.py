"""Accounts, password resets and personal data (law 09-08)."""

import json
from collections.abc import Mapping, Sequence
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

from . import audit, certificates, hooks, messaging, selectors
from .auth import find_user
from .models import ApiToken, AuditEvent, Certificate, User

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


# --- Certificates -------------------------------------------------------------------------------

NAME_MAX = 200
REASON_MAX = 300


def _clean_name(value: str) -> str:
    name = " ".join((value or "").split())
    if len(name) > NAME_MAX:
        raise ValidationError(
            _("A name is %(max)d characters at most.") % {"max": NAME_MAX}, code="too_long"
        )
    return name


def _new_codes(count: int) -> list[str]:
    """``count`` codes used by no certificate (a clash among 2^77 is not expected, but checked)."""
    codes: set[str] = set()
    while len(codes) < count:
        wanted = {certificates.new_code() for _n in range(count - len(codes))}
        taken = set(Certificate.objects.filter(code__in=wanted).values_list("code", flat=True))
        codes |= wanted - taken
    return list(codes)


@transaction.atomic
def issue_certificates(
    *,
    actor: User | None,
    issuer: certificates.Issuer,
    specs: Sequence[certificates.CertificateSpec],
) -> list[Certificate]:
    """Issues the certificates asked for that are not in force already (same group, kind and
    subject); returns the one in force for each spec, in their order. Made again, a batch
    issues nothing twice."""
    existing = {
        (c.kind, c.subject): c
        for c in Certificate.objects.select_for_update().filter(
            group=issuer.group,
            revoked_at__isnull=True,
            replaced_at__isnull=True,
            kind__in={s.kind for s in specs},
        )
    }
    wanted: dict[tuple[str, str], certificates.CertificateSpec] = {}
    for spec in specs:
        wanted.setdefault((spec.kind, spec.subject), spec)
    missing = [s for key, s in wanted.items() if key not in existing]
    identity = issuer.identity()
    now = timezone.now()
    made = [
        Certificate(
            code=code,
            kind=spec.kind,
            series_id=issuer.series_id,
            group=issuer.group,
            subject=spec.subject,
            holder_name_ar=_clean_name(spec.holder_name_ar),
            holder_name_latin=_clean_name(spec.holder_name_latin),
            title_ar=spec.title_ar[:200],
            title_fr=spec.title_fr[:200],
            lines=[{"ar": ar, "fr": fr} for ar, fr in spec.lines],
            issuer=identity,
            language=spec.language,
            issued_at=now,
            issued_by=actor if actor is not None and actor.is_authenticated else None,
        )
        for spec, code in zip(missing, _new_codes(len(missing)), strict=True)
    ]
    Certificate.objects.bulk_create(made, batch_size=500)
    if made:
        audit.record(
            "create",
            made[0],
            {"certificates issued": [None, len(made)], "group": [None, issuer.group]},
            user=actor,
        )
    for certificate in made:
        existing[(certificate.kind, certificate.subject)] = certificate
    return [existing[key] for key in wanted]


@transaction.atomic
def correct_certificate(
    *, actor: User, certificate: Certificate, holder_name_ar: str, holder_name_latin: str
) -> Certificate:
    """A corrected name is a new version with a new code; the old code then says it was
    replaced (and by which). Only a certificate in force is corrected."""
    old = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if not old.in_force:
        raise ValidationError(_("This certificate is no longer in force: it cannot be corrected."))
    name_ar, name_latin = _clean_name(holder_name_ar), _clean_name(holder_name_latin)
    if not (name_ar or name_latin):
        raise ValidationError(_("Give the name in Arabic or in Latin letters."))
    old.replaced_at = timezone.now()
    old.save(update_fields=["replaced_at"])
    new = Certificate.objects.create(
        code=_new_codes(1)[0],
        kind=old.kind,
        series_id=old.series_id,
        group=old.group,
        subject=old.subject,
        holder_name_ar=name_ar,
        holder_name_latin=name_latin,
        title_ar=old.title_ar,
        title_fr=old.title_fr,
        lines=old.lines,
        issuer=old.issuer,
        language=old.language,
        issued_by=actor,
    )
    old.replaced_by = new
    old.save(update_fields=["replaced_by"])
    return new


@transaction.atomic
def revoke_certificate(*, actor: User, certificate: Certificate, reason: str) -> Certificate:
    """Withdraws a certificate: its code then says it was revoked, and when."""
    current = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if current.revoked_at is not None:
        raise ValidationError(_("This certificate has already been revoked."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(_("Say why the certificate is revoked."))
    if len(reason) > REASON_MAX:
        raise ValidationError(
            _("A reason is %(max)d characters at most.") % {"max": REASON_MAX}, code="too_long"
        )
    current.revoked_at, current.revoked_reason = timezone.now(), reason
    current.save(update_fields=["revoked_at", "revoked_reason"])
    return current
