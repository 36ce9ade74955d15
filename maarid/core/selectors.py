"""Reads of accounts, tokens, the outbox and personal data."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from . import access, certificates
from .models import ApiToken, Certificate, OutboxMessage, User

PEOPLE_FOUND_AT_MOST = 50
OUTBOX_SHOWN = 200


def user_of_reset_link(uidb64: str, token: str) -> User | None:
    """The account a password-reset link is for, if the link is genuine and still valid."""
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    return user if default_token_generator.check_token(user, token) else None


def contact_in_use(contact: dict[str, str]) -> bool:
    """Whether an account already signs in with this e-mail address or mobile number."""
    if contact.get("email"):
        return User.objects.filter(email__iexact=contact["email"]).exists()
    return bool(contact.get("phone")) and User.objects.filter(phone=contact["phone"]).exists()


def live_tokens(user: User) -> QuerySet[ApiToken]:
    """A person's API tokens not revoked, newest first."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")


def live_token_of(user: User, pk: int) -> ApiToken:
    return get_object_or_404(ApiToken, pk=pk, user=user, revoked_at__isnull=True)


def people_in_scope(actor: Any) -> QuerySet[User]:
    """The users an organiser may export or erase: members of organisations in the
    registries of their series (everyone for a superuser)."""
    f = access.facts(actor)
    if f.superuser:
        return User.objects.all()
    if not f.series.get(access.Role.ORGANISER):
        return User.objects.none()
    return User.objects.filter(memberships__organisation_id__in=f.managed_organisations).distinct()


def find_people(actor: Any, query: str) -> list[User]:
    """People in the organiser's scope whose name, username, e-mail or number holds ``query``."""
    if not query:
        return []
    matches = (
        Q(username__icontains=query)
        | Q(email__icontains=query)
        | Q(phone__icontains=query)
        | Q(first_name__icontains=query)
        | Q(last_name__icontains=query)
    )
    return list(people_in_scope(actor).filter(matches).distinct()[:PEOPLE_FOUND_AT_MOST])


def person_in_scope(actor: Any, pk: int) -> User:
    """A person the organiser may export or erase (403 for a non-organiser, 404 outside scope)."""
    access.require_organiser(actor)
    return get_object_or_404(people_in_scope(actor), pk=pk)


def outbox_for(actor: Any) -> QuerySet[OutboxMessage]:
    """The latest messages sent for the series the actor organises (all for a superuser)."""
    access.require_organiser(actor)
    f = access.facts(actor)
    messages = OutboxMessage.objects.all()
    if not f.superuser:
        messages = messages.filter(series_id__in=f.series_for(access.Role.ORGANISER))
    return messages[:OUTBOX_SHOWN]


# --- Certificates -------------------------------------------------------------------------------


def certificate_by_code(raw: object) -> Certificate | None:
    """The certificate a typed or scanned code names (None for what cannot be a code)."""
    code = certificates.normalise_code(raw)
    if code is None:
        return None
    return Certificate.objects.select_related("replaced_by").filter(code=code).first()


def verify(raw: object) -> certificates.Verdict:
    """What the public verification page says about a code."""
    return certificates.verdict_of(certificate_by_code(raw))


def certificates_in(
    group: str, *, kinds: Iterable[str] | None = None, in_force: bool = True
) -> QuerySet[Certificate]:
    """The certificates of a group (an app's scope, e.g. an edition's programme)."""
    found = Certificate.objects.filter(group=group)
    if kinds is not None:
        found = found.filter(kind__in=list(kinds))
    if in_force:
        found = found.filter(revoked_at__isnull=True, replaced_at__isnull=True)
    return found.select_related("replaced_by")


def certificate_in(group: str, pk: object) -> Certificate:
    """One certificate of a group, or 404 (the caller has checked who may see the group)."""
    if not isinstance(pk, int) and not (isinstance(pk, str) and pk.isdigit()):
        raise Http404
    return get_object_or_404(
        Certificate.objects.select_related("replaced_by"), group=group, pk=int(pk)
    )
