"""Visitors: gates and their phones, counting, closing a day, tickets, check-in, the survey.

Phones at the gates send what they did while they had no network, sometimes many times over.
Counts carry a key made on the phone (unique per edition), a ticket has one admission (a unique
ticket), so whatever arrives twice is recorded once. The fair's day of a count or a scan is
Casablanca's day of a plausible time: the phone's clock when it is sane, else the server's.

A ticket's QR code carries ``M1.<edition>.<code>.<day>.<signature>``: the signature is Ed25519
over what precedes it, made with the edition's private key, which never leaves the server. A
gate phone holds the public key and tells a genuine ticket from a forged one with no network.
"""

import base64
import datetime
import hashlib
import re
import uuid as uuidlib
from dataclasses import dataclass
from decimal import Decimal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from maarid.core import access, messaging, prepared
from maarid.core.models import ApiToken, User
from maarid.core.money import CENT
from maarid.core.phones import normalise_phone
from maarid.core.services import absolute_url
from maarid.fairs.models import Edition
from maarid.floorplan.models import Zone
from maarid.registry.models import Province

from . import selectors
from .models import (
    Admission,
    Conflict,
    Count,
    DayClosing,
    Direction,
    Gate,
    GateDevice,
    Quota,
    SigningKey,
    SurveyAnswer,
    Ticket,
    TicketType,
)

# One tap is +1, +5 or −1; a phone may add up its taps before sending, not beyond this.
MAX_STEP = 500
MAX_CORRECTION = -5
MAX_BATCH = 500
# A phone's clock later than this, or older than OLDEST, is wrong: the server's time is used.
CLOCK_AHEAD = datetime.timedelta(minutes=10)
OLDEST = datetime.timedelta(days=3)
PAYLOAD_VERSION = "M1"
MAX_PAYLOAD = 200
LANGUAGES = ("ar", "fr", "en")
TYPED_CODE = re.compile(r"[A-HJ-NP-Z2-9]{10}")


def _require_organiser(actor: User, edition: Edition) -> None:
    access.require_organiser(actor, edition.series_id)


# --- Gates and their phones -----------------------------------------------------------------


def create_gate(
    *,
    actor: User,
    edition: Edition,
    name_ar: str,
    name_fr: str,
    counts_exits: bool = False,
    zone: Zone | None = None,
) -> Gate:
    """A gate of the edition; it may be one of the floor plan's entrances."""
    _require_organiser(actor, edition)
    name_ar, name_fr = name_ar.strip()[:100], name_fr.strip()[:100]
    if not (name_ar or name_fr):
        raise ValidationError({"name_fr": _("Give the gate a name.")})
    if zone is not None and (
        zone.kind != Zone.Kind.ENTRANCE or zone.venue.edition_id != edition.pk
    ):
        raise ValidationError({"zone": _("Choose an entrance of this edition's floor plan.")})
    position = Gate.objects.filter(edition=edition).count()
    return Gate.objects.create(
        edition=edition,
        name_ar=name_ar,
        name_fr=name_fr,
        counts_exits=counts_exits,
        zone=zone,
        position=position,
    )


def gates_from_floorplan(*, actor: User, edition: Edition) -> list[Gate]:
    """A gate for each entrance of the floor plan that has none yet."""
    _require_organiser(actor, edition)
    made = []
    for zone in selectors.entrances_without_gate(edition):
        label = zone.name or _("Entrance %(n)s") % {"n": zone.pk}
        made.append(
            create_gate(actor=actor, edition=edition, name_ar=label, name_fr=label, zone=zone)
        )
    return made


@transaction.atomic
def register_device(
    *, actor: User, edition: Edition, name: str, gate: Gate | None = None
) -> tuple[GateDevice, str]:
    """A gate phone with its device token (shown once, as a QR code to scan). The token is a
    device token like a sales phone's: it opens counting and check-in here and nothing else."""
    _require_organiser(actor, edition)
    if gate is not None and gate.edition_id != edition.pk:
        raise ValidationError({"gate": _("This gate is not one of this edition's.")})
    name = (name or "").strip()[:60] or _("Gate phone")
    highest = (
        GateDevice.objects.select_for_update()
        .filter(edition=edition)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    token, raw = ApiToken.issue(actor, f"{name} — {edition.name}", device=True)
    device = GateDevice.objects.create(
        edition=edition,
        number=(highest or 0) + 1,
        name=name,
        gate=gate,
        token=token,
        created_by=actor,
    )
    return device, raw


def revoke_device(*, actor: User, device: GateDevice) -> None:
    """The phone stops counting and scanning at once: its token is revoked too."""
    _require_organiser(actor, device.edition)
    if device.revoked_at is not None:
        return
    now = timezone.now()
    with transaction.atomic():
        device.revoked_at = now
        device.save(update_fields=["revoked_at"])
        if device.token_id:
            ApiToken.objects.filter(pk=device.token_id, revoked_at__isnull=True).update(
                revoked_at=now
            )
    selectors.forget_device(device)


# --- Time -----------------------------------------------------------------------------------


def plausible(clock: datetime.datetime | None, now: datetime.datetime) -> bool:
    """A phone's clock the server believes: aware, not ahead of now, not days old."""
    return (
        clock is not None
        and not timezone.is_naive(clock)
        and now - OLDEST <= clock <= now + CLOCK_AHEAD
    )


def fair_day(moment: datetime.datetime) -> datetime.date:
    """The fair's day of a moment: Casablanca's."""
    return timezone.localtime(moment).date()


def _believed(clock: datetime.datetime | None, now: datetime.datetime) -> datetime.datetime:
    """The phone's clock when it is plausible, else the server's."""
    return clock if clock is not None and plausible(clock, now) else now


# --- Counting -------------------------------------------------------------------------------


@dataclass
class CountIn:
    key: uuidlib.UUID
    gate_id: int
    amount: int
    direction: str = Direction.IN
    counted_at: datetime.datetime | None = None
    offline: bool = False


@dataclass
class CountResult:
    key: uuidlib.UUID
    created: bool  # False: the server already had it
    day: datetime.date
    late: bool
    clock_wrong: bool


def _check_counts(
    device: GateDevice,
    counts: list[CountIn],
    now: datetime.datetime,
    known: set[uuidlib.UUID],
) -> None:
    """Every count is checked before any is saved; messages say which count they are about
    (``counts[3]``). A correction may not take a gate's day below zero. Counts the server
    already has (a batch sent again) are not checked again: they are answered as they were."""
    if len(counts) > MAX_BATCH:
        raise ValidationError(_("Send at most %(n)s counts at a time.") % {"n": MAX_BATCH})
    gates = selectors.gates_by_id(device.edition)
    problems: dict[str, list[str]] = {}
    running: dict[tuple[int, datetime.date, str], int] = {}
    seen: set[uuidlib.UUID] = set()
    corrections = any(c.amount < 0 for c in counts)  # only then do totals matter
    for index, count in enumerate(counts):
        if count.key in known or count.key in seen:
            continue
        seen.add(count.key)
        errors = []
        if count.amount == 0 or not MAX_CORRECTION <= count.amount <= MAX_STEP:
            errors.append(
                _("A count must be between %(low)s and %(high)s, and not zero.")
                % {"low": MAX_CORRECTION, "high": MAX_STEP}
            )
        if count.direction not in Direction.values:
            errors.append(_("A count is of entries or exits."))
        if count.gate_id not in gates:
            errors.append(_("This gate is not one of this edition's."))
        if errors:
            problems[f"counts[{index}]"] = errors
            continue
        slot = (count.gate_id, fair_day(_believed(count.counted_at, now)), count.direction)
        if slot not in running:
            running[slot] = selectors.gate_day_total(*slot) if corrections else 0
        if count.amount < 0 and running[slot] + count.amount < 0:
            problems[f"counts[{index}]"] = [_("A correction cannot take the count below zero.")]
            continue
        running[slot] += count.amount
    if problems:
        raise ValidationError(problems)


def record_counts(*, actor: User, device: GateDevice, counts: list[CountIn]) -> list[CountResult]:
    """A phone's counts, recorded once each whatever how often they are sent. A batch is
    saved whole or not at all. Counts for a day already closed are kept, flagged ``late``."""
    now = timezone.now()
    keys = [c.key for c in counts]
    _check_counts(device, counts, now, set(selectors.known_counts(device.edition, keys)))
    closed = selectors.closed_days(device.edition)
    rows: dict[uuidlib.UUID, Count] = {}
    for count in counts:
        if count.key in rows:
            continue
        sane = plausible(count.counted_at, now)
        at = count.counted_at if sane and count.counted_at is not None else now
        day = fair_day(at)
        rows[count.key] = Count(
            key=count.key,
            edition_id=device.edition_id,
            gate_id=count.gate_id,
            device=device,
            direction=count.direction,
            amount=count.amount,
            counted_at=count.counted_at if count.counted_at and sane else None,
            at=at,
            received_at=now,
            day=day,
            clock_wrong=count.counted_at is not None and not sane,
            offline=count.offline,
            late=day in closed,
        )
    with transaction.atomic():
        known = selectors.known_counts(device.edition, keys)
        fresh = [row for key, row in rows.items() if key not in known]
        # A copy racing this one meets the unique key: it is skipped, never doubled.
        Count.objects.bulk_create(fresh, ignore_conflicts=True)
    fresh_keys = {row.key for row in fresh}
    results = []
    for key, row in rows.items():
        had = known.get(key)
        results.append(
            CountResult(
                key=key,
                created=key in fresh_keys,
                day=had.day if had else row.day,
                late=had.late if had else row.late,
                clock_wrong=had.clock_wrong if had else row.clock_wrong,
            )
        )
    return results


@transaction.atomic
def close_day(*, actor: User, edition: Edition, day: datetime.date) -> DayClosing:
    """Closes a day's counts as they stand: later counts for that day are flagged as late."""
    _require_organiser(actor, edition)
    if day > timezone.localdate():
        raise ValidationError(_("A day can be closed once it has begun."))
    if DayClosing.objects.filter(edition=edition, day=day).exists():
        raise ValidationError(_("This day is already closed."))
    totals = selectors.day_totals(edition, day)
    return DayClosing.objects.create(
        edition=edition,
        day=day,
        entries=max(totals.entries, 0),
        exits=max(totals.exits, 0),
        by=actor,
    )


# --- Ticket types and quotas ------------------------------------------------------------------


def create_ticket_type(
    *,
    actor: User,
    edition: Edition,
    kind: str,
    name_ar: str,
    name_fr: str,
    price: Decimal = Decimal("0.00"),
    public: bool = True,
) -> TicketType:
    _require_organiser(actor, edition)
    if kind not in TicketType.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of ticket.")})
    if not (name_ar.strip() or name_fr.strip()):
        raise ValidationError({"name_fr": _("Give the ticket type a name.")})
    if price.is_nan() or price < 0 or price != price.quantize(CENT) or price > Decimal("99999"):
        raise ValidationError({"price": _("The price must be an amount between 0 and 99,999.")})
    if kind != TicketType.Kind.EVENING and price:
        raise ValidationError({"price": _("Only a paid evening has a price.")})
    return TicketType.objects.create(
        edition=edition,
        kind=kind,
        name_ar=name_ar.strip()[:100],
        name_fr=name_fr.strip()[:100],
        price=price,
        public=public,
    )


def set_quota(*, actor: User, type: TicketType, day: datetime.date, places: int) -> Quota:
    """How many tickets of a type a day has (0 closes the day to that type)."""
    edition = type.edition
    _require_organiser(actor, edition)
    if not edition.starts_on <= day <= edition.ends_on:
        raise ValidationError({"day": _("Choose a day of the fair.")})
    if not 0 <= places <= 1_000_000:
        raise ValidationError({"places": _("Places must be between 0 and 1,000,000.")})
    quota, _created = Quota.objects.update_or_create(
        type=type, day=day, defaults={"places": places}
    )
    return quota


# --- Tickets ----------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signing_key(edition: Edition) -> SigningKey:
    """The edition's key pair, made the first time a ticket is issued."""
    found = SigningKey.objects.filter(edition=edition).first()
    if found is not None:
        return found
    private = Ed25519PrivateKey.generate()
    try:
        with transaction.atomic():
            return SigningKey.objects.create(
                edition=edition,
                private_key=private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()),
                public_key=private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
            )
    except IntegrityError:
        return SigningKey.objects.get(edition=edition)


def public_key(edition: Edition) -> str:
    """The edition's public key, base64url, for the gate phones."""
    return _b64(bytes(signing_key(edition).public_key))


def sign(edition: Edition, code: str, day: datetime.date) -> str:
    message = f"{PAYLOAD_VERSION}.{edition.pk}.{code}.{day:%Y%m%d}"
    private: Ed25519PrivateKey | None = getattr(edition, "_signing_key", None)
    if private is None:  # kept on the edition object: a batch of tickets reads it once
        private = Ed25519PrivateKey.from_private_bytes(bytes(signing_key(edition).private_key))
        edition._signing_key = private  # type: ignore[attr-defined]
    return f"{message}.{_b64(private.sign(message.encode()))}"


def _contact(phone: str, email: str) -> tuple[str, str]:
    phone, email = phone.strip(), email.strip()
    if not phone and not email:
        raise ValidationError({"phone": _("Give a phone number or an e-mail address.")})
    if phone:
        phone = normalise_phone(phone, mobile_only=True)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError({"email": _("Enter a valid e-mail address.")})
    return phone, email


def issue_ticket(
    *,
    actor: User | None,
    type: TicketType,
    day: datetime.date,
    holder: str,
    phone: str = "",
    email: str = "",
    language: str = "fr",
    send: bool = True,
) -> Ticket:
    """A ticket for a day, within the type's quota for it, and its link sent by SMS or e-mail.
    Registration is open to anyone for a public type; others are issued by organisers."""
    edition = type.edition
    organiser = actor is not None and access.is_organiser(actor, edition.series_id)
    if not (organiser or type.public):
        raise PermissionDenied
    holder = " ".join(holder.split())[:120]
    if not holder:
        raise ValidationError({"holder": _("Give the name on the ticket.")})
    phone, email = _contact(phone, email)
    language = language if language in LANGUAGES else "fr"
    with transaction.atomic():
        quota = Quota.objects.select_for_update().filter(type=type, day=day).first()
        if quota is None:
            raise ValidationError({"day": _("This ticket is not offered on that day.")})
        issued = Ticket.objects.filter(type=type, day=day, revoked_at__isnull=True).count()
        if issued >= quota.places:
            raise ValidationError({"day": _("No places are left for that day.")})
        ticket = Ticket(
            edition=edition,
            type=type,
            day=day,
            holder=holder,
            phone=phone,
            email=email,
            language=language,
        )
        ticket.payload = sign(edition, ticket.code, day)
        ticket.save()
    if send:
        _send_ticket(ticket)
    return ticket


def ticket_path(ticket: Ticket) -> str:
    edition = ticket.edition
    with translation.override(ticket.language):
        return reverse("visitors:ticket", args=[edition.series.slug, edition.number, ticket.code])


def _send_ticket(ticket: Ticket) -> None:
    link = absolute_url(ticket_path(ticket))
    with translation.override(ticket.language):
        text = _("Your ticket for %(edition)s (%(day)s): %(link)s") % {
            "edition": ticket.edition.name,
            "day": ticket.day.isoformat(),
            "link": link,
        }
        series = ticket.edition.series_id
        if ticket.phone:
            messaging.sms(ticket.phone, text, language=ticket.language, series_id=series)
        if ticket.email:
            messaging.email(
                ticket.email,
                _("Your ticket: %(edition)s") % {"edition": ticket.edition.name},
                text,
                language=ticket.language,
                series_id=series,
            )


def revoke_ticket(*, actor: User, ticket: Ticket) -> None:
    """The ticket stops opening the gates; phones learn of it at their next sync."""
    _require_organiser(actor, ticket.edition)
    if ticket.revoked_at is None:
        ticket.revoked_at = timezone.now()
        ticket.save(update_fields=["revoked_at"])


# --- Check-in ---------------------------------------------------------------------------------


class Refused(Exception):
    """A scanned code that opens nothing: ``reason`` for the phone, the message for people."""

    def __init__(self, reason: str, message: str):
        self.reason = reason
        super().__init__(message)


@dataclass
class Scan:
    payload: str
    gate_id: int | None = None
    at: datetime.datetime | None = None  # the phone's clock when scanned offline
    offline: bool = False


@dataclass
class CheckIn:
    status: str  # "admitted", "used" or "refused"
    code: str = ""
    reason: str = ""
    message: str = ""
    holder: str = ""
    ticket_type: str = ""
    day: datetime.date | None = None
    at: datetime.datetime | None = None  # of the (first) admission
    gate: str = ""
    conflict: bool = False


@dataclass
class Payload:
    edition_id: int
    code: str
    day: datetime.date


def read_payload(edition: Edition, payload: str, today: datetime.date) -> Payload:
    """What a QR code says, once its signature is checked; ``Refused`` otherwise."""
    parts = payload.strip().split(".")
    if len(payload) > MAX_PAYLOAD or len(parts) != 5 or parts[0] != PAYLOAD_VERSION:
        raise Refused("unreadable", _("This is not a ticket of the fair."))
    try:
        edition_id = int(parts[1])
        day = datetime.datetime.strptime(parts[3], "%Y%m%d").date()
        signature = _unb64(parts[4])
    except (ValueError, TypeError):
        raise Refused("unreadable", _("This is not a ticket of the fair."))
    if edition_id != edition.pk:
        raise Refused("other_edition", _("This ticket is for another fair."))
    key = selectors.verifying_key(edition)
    try:
        key.verify(signature, ".".join(parts[:4]).encode())
    except (InvalidSignature, ValueError):
        raise Refused("forged", _("This ticket is forged: its signature is wrong."))
    if day < today:
        raise Refused("expired", _("This ticket was for %(day)s.") % {"day": day.isoformat()})
    if day > today:
        raise Refused("not_yet", _("This ticket is for %(day)s.") % {"day": day.isoformat()})
    return Payload(edition_id=edition_id, code=parts[2], day=day)


def check_in(*, actor: User, device: GateDevice, scan: Scan) -> CheckIn:
    """Admits a ticket once. A ticket already used answers when and at which gate; one
    admitted again by a phone that was offline is also kept as a ``Conflict``.

    The hot path is two queries: the ticket (with its admission, if any) and a conditional
    insert (``ON CONFLICT DO NOTHING``) that two gates racing on one ticket cannot both win."""
    now = timezone.now()
    gate_id = scan.gate_id if scan.gate_id is not None else device.gate_id
    if gate_id is not None and gate_id not in selectors.gates_by_id(device.edition):
        raise ValidationError({"gate": _("This gate is not one of this edition's.")})
    at = now
    if scan.offline and scan.at is not None and plausible(scan.at, now):
        at = scan.at
    typed = scan.payload.strip().upper()
    try:
        if TYPED_CODE.fullmatch(typed):
            # A code typed by hand (a screen that will not scan): the server knows the ticket,
            # so no signature is needed; its day is checked below.
            found = Payload(edition_id=device.edition_id, code=typed, day=fair_day(at))
        else:
            found = read_payload(device.edition, scan.payload, fair_day(at))
    except Refused as refusal:
        return CheckIn(status="refused", reason=refusal.reason, message=str(refusal))
    ticket = selectors.ticket_for_check_in(device.edition_id, found.code)
    if ticket is None:
        return CheckIn(
            status="refused",
            code=found.code,
            reason="unknown",
            message=_("This ticket is not known to the fair."),
        )
    if ticket.day != found.day:
        reason = "expired" if ticket.day < found.day else "not_yet"
        return CheckIn(
            status="refused",
            code=found.code,
            reason=reason,
            message=(
                _("This ticket was for %(day)s.")
                if reason == "expired"
                else _("This ticket is for %(day)s.")
            )
            % {"day": ticket.day.isoformat()},
        )
    if ticket.revoked_at is not None:
        return CheckIn(
            status="refused",
            code=found.code,
            reason="revoked",
            message=_("This ticket has been cancelled."),
        )
    admission = Admission(
        ticket_id=ticket.pk,
        gate_id=gate_id,
        device_id=device.pk,
        at=at,
        received_at=now,
        offline=scan.offline,
    )
    if ticket.admission_id is None and prepared.insert_unless_taken(admission):
        return CheckIn(
            status="admitted",
            code=ticket.code,
            holder=ticket.holder,
            ticket_type=ticket.type_name,
            day=ticket.day,
            at=at,
            gate=selectors.gate_name(device.edition, gate_id),
        )
    first = selectors.admission_of(ticket.pk)
    # A phone keeps one record per ticket, so an offline admission it sends again is its own
    # (a lost answer); online, the same phone scanning again is told the ticket is used.
    same = scan.offline and first.offline and first.device_id == device.pk
    conflict = False
    if scan.offline and not same:
        Conflict.objects.get_or_create(
            ticket_id=ticket.pk, device=device, at=at, defaults={"gate_id": gate_id}
        )
        conflict = True
    if same:  # the phone sent its own admission again
        return CheckIn(
            status="admitted",
            code=ticket.code,
            holder=ticket.holder,
            ticket_type=ticket.type_name,
            day=ticket.day,
            at=first.at,
            gate=selectors.gate_name(device.edition, first.gate_id),
        )
    when = timezone.localtime(first.at)
    gate = selectors.gate_name(device.edition, first.gate_id) or _("an unknown gate")
    return CheckIn(
        status="used",
        code=ticket.code,
        reason="used",
        message=_("Already used at %(time)s, %(day)s, at %(gate)s.")
        % {"time": when.strftime("%H:%M"), "day": when.date().isoformat(), "gate": gate},
        holder=ticket.holder,
        ticket_type=ticket.type_name,
        day=ticket.day,
        at=first.at,
        gate=gate,
        conflict=conflict,
    )


def check_in_batch(*, actor: User, device: GateDevice, scans: list[Scan]) -> list[CheckIn]:
    """What a phone admitted while offline, in the order it scanned."""
    if len(scans) > MAX_BATCH:
        raise ValidationError(_("Send at most %(n)s scans at a time.") % {"n": MAX_BATCH})
    return [check_in(actor=actor, device=device, scan=scan) for scan in scans]


def review_conflict(*, actor: User, conflict: Conflict) -> None:
    _require_organiser(actor, conflict.ticket.edition)
    if conflict.reviewed_at is None:
        conflict.reviewed_at = timezone.now()
        conflict.save(update_fields=["reviewed_at"])


# --- The survey -------------------------------------------------------------------------------

BOUGHT = ("terroir", "handicrafts", "cosmetics", "textiles", "nothing")


def respondent(edition: Edition, phone_id: str) -> str:
    """A phone's random id, hashed with the site's secret: no person behind it."""
    secret = f"{settings.SECRET_KEY}:survey:{edition.pk}:{phone_id}"
    return hashlib.sha256(secret.encode()).hexdigest()


def answer_survey(
    *,
    actor: User | None,
    edition: Edition,
    phone_id: str,
    heard: str,
    province: Province | None,
    bought: list[str],
    spent: str,
    satisfaction: int,
    again: str,
    language: str = "fr",
) -> SurveyAnswer:
    """One answer per phone and fair day; a second one the same day is refused."""
    errors: dict[str, str] = {}
    if heard not in SurveyAnswer.Heard.values:
        errors["heard"] = _("Choose an answer.")
    if spent not in SurveyAnswer.Spent.values:
        errors["spent"] = _("Choose an answer.")
    if again not in SurveyAnswer.Again.values:
        errors["again"] = _("Choose an answer.")
    if not 1 <= satisfaction <= 5:
        errors["satisfaction"] = _("Choose from 1 to 5.")
    if any(b not in BOUGHT for b in bought) or len(bought) > len(BOUGHT):
        errors["bought"] = _("Choose among the answers offered.")
    if len(phone_id) < 16:
        errors["__all__"] = _("Your browser must accept cookies to answer.")
    if errors:
        raise ValidationError(errors)
    day = timezone.localdate()
    try:
        with transaction.atomic():
            return SurveyAnswer.objects.create(
                edition=edition,
                day=day,
                respondent=respondent(edition, phone_id),
                heard=heard,
                province=province,
                bought=sorted(set(bought)),
                spent=spent,
                satisfaction=satisfaction,
                again=again,
                language=language if language in LANGUAGES else "fr",
            )
    except IntegrityError:
        raise ValidationError(_("You have already answered today. Thank you!"))
