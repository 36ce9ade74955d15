"""Signing in with an e-mail, a Moroccan mobile number or a username; throttling; tokens."""

import contextlib

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from .models import ApiToken, User
from .phones import looks_like_phone, normalise_phone


def find_user(identifier: str):
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    query = Q(username__iexact=identifier)
    if "@" in identifier:
        query |= Q(email__iexact=identifier)
    elif looks_like_phone(identifier):
        with contextlib.suppress(ValidationError):
            query |= Q(phone=normalise_phone(identifier))
    return User.objects.filter(query).order_by("id").first()


class EmailOrPhoneBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = find_user(username)
        if user is None:
            User().set_password(password)  # same time whether or not the account exists
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def _keys(identifier: str, address: str) -> list[str]:
    return [f"login-fail:id:{(identifier or '').strip().lower()}", f"login-fail:ip:{address}"]


def login_blocked(identifier: str, address: str) -> bool:
    limit = settings.MAARID_LOGIN_ATTEMPTS
    id_key, ip_key = _keys(identifier, address)
    # The address gets more room than one account: several people may share a fair's Wi-Fi.
    return (cache.get(id_key, 0) >= limit) or (cache.get(ip_key, 0) >= limit * 4)


def login_failed(identifier: str, address: str):
    for key in _keys(identifier, address):
        cache.add(key, 0, settings.MAARID_LOGIN_LOCKOUT_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, settings.MAARID_LOGIN_LOCKOUT_SECONDS)


def login_succeeded(identifier: str, address: str):
    cache.delete(_keys(identifier, address)[0])


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def user_for_token(raw: str):
    """The active user a bearer token belongs to, or None."""
    if not raw or not raw.startswith("mrd_"):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.hash(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.user.api_token = token
    return token.user
