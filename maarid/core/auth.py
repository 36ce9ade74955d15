"""Signing in with an e-mail, a Moroccan mobile number or a username; throttling; tokens."""

import contextlib
import hashlib
import ipaddress

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone

from . import prepared
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
    """Checks the password of the account an identifier names, within the login throttle.

    The throttle lives here, not in a form, so that every way in (the login page, the admin's
    login) counts against the same account."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = find_user(username)
        attempt = LoginAttempt(_identity_key(username, user), client_address(request))
        if not attempt.start():
            if request is not None:
                request.maarid_login_throttled = True
            raise PermissionDenied  # no other backend may try either
        if user is None:
            User().set_password(password)  # same time whether or not the account exists
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            attempt.succeeded()
            return user
        return None


def login_throttled(request) -> bool:
    """Whether the last authentication on this request was refused by the throttle."""
    return getattr(request, "maarid_login_throttled", False)


# --- Throttles ----------------------------------------------------------------------------
#
# Counters live in the shared cache (Redis or the database, never one process's memory). A
# counter of ``limit`` is ``limit`` slots; an event takes a free slot with ``cache.add``, which
# is atomic in both caches (``incr`` is not in the database one), so requests arriving together
# cannot overrun it. Each slot frees itself ``seconds`` after it was taken.


def normalised_identifier(identifier: str) -> str:
    """One form for all the ways of writing an identifier: a Moroccan number in E.164
    (06…, +212…, 00212…, spaces, dashes, Arabic-Indic digits), anything else lower-cased."""
    value = (identifier or "").strip()
    if "@" not in value:
        with contextlib.suppress(ValidationError):
            return normalise_phone(value)
    return value.lower()


def _identity_key(identifier: str, user) -> str:
    if user is not None:
        return f"user:{user.pk}"
    # Hashed: the cache holds no e-mail address or number in clear, and keys stay short.
    return "id:" + hashlib.sha256(normalised_identifier(identifier).encode()).hexdigest()[:40]


def identity_key(identifier: str) -> str:
    """What the throttles count on for an identifier: its account when there is one (its
    username, e-mail and number in any spelling are one), else the identifier normalised, so
    that an unknown identifier is throttled exactly like an account."""
    return _identity_key(identifier, find_user(identifier))


def _slots(key: str, limit: int) -> list[str]:
    return [f"throttle:{key}:{n}" for n in range(limit)]


def _take(key: str, limit: int, seconds: int) -> str | None:
    """Takes a slot of the counter ``key``; None when all ``limit`` are taken."""
    slots = _slots(key, limit)
    taken = cache.get_many(slots)
    for slot in slots:
        if slot not in taken and cache.add(slot, 1, seconds):
            return slot
    return None


def _address_key(address: str) -> str:
    """An IPv4 address, or the /64 network of an IPv6 one (one subscriber's line usually has a
    whole /64: counting each of its addresses apart would count nothing)."""
    with contextlib.suppress(ValueError):
        ip = ipaddress.ip_address(address)
        if ip.version == 6:
            return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return address


class LoginAttempt:
    """One password check: it takes a slot of the account's counter and one of the address's
    before the password is checked, and gives them back if it is right. The address gets more
    room than one account: several people may share a fair's Wi-Fi."""

    def __init__(self, identity: str, address: str):
        limit = settings.MAARID_LOGIN_ATTEMPTS
        self.counters = [(f"login:{identity}", limit)]
        if address:
            self.counters.insert(0, (f"login-ip:{_address_key(address)}", limit * 4))
        self.taken: list[str] = []

    def start(self) -> bool:
        for key, limit in self.counters:
            slot = _take(key, limit, settings.MAARID_LOGIN_LOCKOUT_SECONDS)
            if slot is None:  # blocked: the attempt does not count
                cache.delete_many(self.taken)
                self.taken = []
                return False
            self.taken.append(slot)
        return True

    def succeeded(self):
        """The right password: the account's failures are forgotten and the address's slot
        given back (people who sign in do not fill the address's counter)."""
        account, limit = self.counters[-1]
        cache.delete_many(self.taken + _slots(account, limit))


def login_failures(identifier: str) -> int:
    """How many failed logins the account an identifier names has in the current window."""
    key, limit = f"login:{identity_key(identifier)}", settings.MAARID_LOGIN_ATTEMPTS
    return len(cache.get_many(_slots(key, limit)))


def reset_allowed(identifier: str, address: str) -> bool:
    """Whether a password-reset message may go out: each request takes a slot of its client
    address's counter and of its account's (or unknown identifier's), for an hour by default."""
    seconds = settings.MAARID_RESET_WINDOW_SECONDS
    per_address = settings.MAARID_RESET_PER_ADDRESS
    if address and not _take(f"reset-ip:{_address_key(address)}", per_address, seconds):
        return False
    return bool(
        _take(f"reset:{identity_key(identifier)}", settings.MAARID_RESET_PER_CONTACT, seconds)
    )


def lookup_allowed(kind: str, address: str, per_minute: int) -> bool:
    """Whether a public lookup (a certificate's code, …) may be answered for this client
    address: each takes a slot of the address's counter for a minute. Codes cannot be guessed
    anyway; this keeps anyone from trying millions of them or scraping the pages."""
    if not address:
        return True
    return _take(f"{kind}-ip:{_address_key(address)}", per_minute, 60) is not None


# Lookups of certificate codes per client address and minute, the verification page's and the
# API's together (a fair's Wi-Fi is shared: room for a crowd checking their certificates, none
# for someone trying codes by the million). Settings: MAARID_VERIFY_PER_MINUTE.
VERIFY_PER_MINUTE = 60


def verify_allowed(request) -> bool:
    """Whether this client may look up one more certificate code now (it takes a slot)."""
    limit = getattr(settings, "MAARID_VERIFY_PER_MINUTE", VERIFY_PER_MINUTE)
    return lookup_allowed("verify", client_address(request), limit)


def client_address(request) -> str:
    """The client's address. Behind a proxy (MAARID_BEHIND_PROXY) every request comes from the
    proxy, which appends the address it sees to X-Forwarded-For: the last entry is the client
    (what comes before is whatever the client wrote, not to be trusted)."""
    if request is None:
        return ""
    if settings.MAARID_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        with contextlib.suppress(ValueError):
            return str(ipaddress.ip_address(forwarded))
    return request.META.get("REMOTE_ADDR", "")


# Every API call asks it first: compiled once per process, prepared once per connection.
_ACTIVE_TOKEN: prepared.Compiled[ApiToken] = prepared.Compiled(
    "maarid_active_token",
    lambda digest: ApiToken.objects.filter(digest=digest, revoked_at__isnull=True)[:1],
    model=ApiToken,
    related=("user",),
)


def user_for_token(raw: str):
    """The active user a bearer token belongs to, or None."""
    if not raw or not raw.startswith("mrd_"):
        return None
    token = _ACTIVE_TOKEN.first(digest=ApiToken.hash(raw))
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.user.api_token = token  # type: ignore[attr-defined]  # what the request used
    return token.user
