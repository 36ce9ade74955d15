"""Reads of the visitors app: the signed-in gate phone, gates, footfall, tickets, the survey."""

import datetime
import time
import uuid as uuidlib
from collections import Counter as Tally
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.exceptions import PermissionDenied
from django.db.models import Count as Rows
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import ExtractHour
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language

from maarid.core import access, prepared
from maarid.core.models import User
from maarid.fairs.models import Edition
from maarid.floorplan.models import Zone

from .models import (
    Admission,
    Conflict,
    Count,
    DayClosing,
    Direction,
    Gate,
    GateDevice,
    Quota,
    SurveyAnswer,
    Ticket,
    TicketType,
)

# --- The gate phone ---------------------------------------------------------------------------

# Phones found recently, per process: token digest -> (until, device with its edition and
# gates). The token itself is checked on every request (revoking it stops the phone at once);
# an organiser who leaves the series stops their phones within DEVICE_CACHE_SECONDS.
_devices: dict[str, tuple[float, GateDevice]] = {}
DEVICE_CACHE_SECONDS = 30


def device_for(user: User) -> GateDevice:
    """The gate phone whose token signed the request, or PermissionDenied. A sales phone's
    token, or a person's, opens nothing here."""
    token = getattr(user, "api_token", None)
    if token is None or not token.device:
        raise PermissionDenied
    cached = _devices.get(token.digest)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    device = (
        GateDevice.objects.select_related("edition__series", "created_by")
        .filter(token_id=token.pk, revoked_at__isnull=True)
        .first()
    )
    if (
        device is None
        or device.created_by is None
        or not access.is_organiser(device.created_by, device.edition.series_id)
    ):
        _devices.pop(token.digest, None)
        raise PermissionDenied
    _load_gates(device)
    _devices[token.digest] = (time.monotonic() + DEVICE_CACHE_SECONDS, device)
    return device


def forget_device(device: GateDevice) -> None:
    for digest, (_until, cached) in list(_devices.items()):
        if cached.pk == device.pk:
            _devices.pop(digest, None)


def _load_gates(device: GateDevice) -> dict[int, Gate]:
    gates = {g.pk: g for g in Gate.objects.filter(edition_id=device.edition_id)}
    device.edition._gates = gates  # type: ignore[attr-defined]
    return gates


def gates_by_id(edition: Edition) -> dict[int, Gate]:
    """The edition's gates by id (kept on the edition object for the request or the cached
    phone's lifetime)."""
    gates: dict[int, Gate] | None = getattr(edition, "_gates", None)
    if gates is None:
        gates = {g.pk: g for g in Gate.objects.filter(edition=edition)}
        edition._gates = gates  # type: ignore[attr-defined]
    return gates


def gate_name(edition: Edition, gate_id: int | None) -> str:
    gate = gates_by_id(edition).get(gate_id) if gate_id is not None else None
    return gate.name if gate is not None else ""


def gates_of(edition: Edition) -> QuerySet[Gate]:
    return Gate.objects.filter(edition=edition).select_related("zone")


def gate_of(edition: Edition, pk: int) -> Gate:
    return get_object_or_404(Gate, edition=edition, pk=pk)


def devices_of(edition: Edition) -> QuerySet[GateDevice]:
    return GateDevice.objects.filter(edition=edition).select_related("gate")


def device_of(edition: Edition, pk: int) -> GateDevice:
    return get_object_or_404(GateDevice.objects.select_related("edition"), edition=edition, pk=pk)


def entrances_without_gate(edition: Edition) -> QuerySet[Zone]:
    return Zone.objects.filter(
        venue__edition=edition, kind=Zone.Kind.ENTRANCE, gates__isnull=True
    ).order_by("pk")


def entrances(edition: Edition) -> QuerySet[Zone]:
    return Zone.objects.filter(venue__edition=edition, kind=Zone.Kind.ENTRANCE).order_by("pk")


def verifying_key(edition: Edition) -> Ed25519PublicKey:
    """The edition's public key (kept on the edition object, as the gates are)."""
    key: Ed25519PublicKey | None = getattr(edition, "_verifying_key", None)
    if key is None:
        from .services import signing_key

        key = Ed25519PublicKey.from_public_bytes(bytes(signing_key(edition).public_key))
        edition._verifying_key = key  # type: ignore[attr-defined]
    return key


# --- Counts -----------------------------------------------------------------------------------


def gate_day_total(gate_id: int, day: datetime.date, direction: str) -> int:
    total: int | None = Count.objects.filter(
        gate_id=gate_id, day=day, direction=direction
    ).aggregate(n=Sum("amount"))["n"]
    return total or 0


def closed_days(edition: Edition) -> set[datetime.date]:
    return set(DayClosing.objects.filter(edition=edition).values_list("day", flat=True))


def closings(edition: Edition) -> dict[datetime.date, DayClosing]:
    return {c.day: c for c in DayClosing.objects.filter(edition=edition).select_related("by")}


def known_counts(edition: Edition, keys: list[uuidlib.UUID]) -> dict[uuidlib.UUID, Count]:
    return {c.key: c for c in Count.objects.filter(edition=edition, key__in=keys).order_by()}


@dataclass
class Totals:
    entries: int = 0
    exits: int = 0
    late: int = 0


def day_totals(edition: Edition, day: datetime.date) -> Totals:
    rows = (
        Count.objects.filter(edition=edition, day=day)
        .values("direction")
        .annotate(n=Sum("amount"))
        .order_by()
    )
    totals = Totals()
    for row in rows:
        if row["direction"] == Direction.OUT:
            totals.exits = row["n"] or 0
        else:
            totals.entries = row["n"] or 0
    return totals


@dataclass
class GateFigures:
    gate: Gate
    entries: int = 0
    exits: int = 0


@dataclass
class Footfall:
    """An edition's counts: per day (all gates), per gate for the chosen day, per hour of it."""

    day: datetime.date
    days: list[tuple[datetime.date, int]]
    gates: list[GateFigures]
    hours: list[tuple[int, int]]
    total: int
    day_entries: int
    day_exits: int
    inside: int | None  # people inside now, when exits are counted
    closing: DayClosing | None
    late: int  # what came in after the day was closed
    counts_exits: bool = False
    closed: dict[datetime.date, DayClosing] = field(default_factory=dict)


def footfall(edition: Edition, day: datetime.date) -> Footfall:
    counts = Count.objects.filter(edition=edition).order_by()
    by_day: dict[datetime.date, int] = {}
    for day_row in counts.filter(direction=Direction.IN).values("day").annotate(n=Sum("amount")):
        by_day[day_row["day"]] = day_row["n"] or 0
    all_days = []
    current = edition.starts_on
    while current <= edition.ends_on:
        all_days.append(current)
        current += datetime.timedelta(days=1)
    for extra in sorted(set(by_day) - set(all_days)):
        all_days.append(extra)
    all_days.sort()
    gates = list(gates_of(edition))
    per_gate: dict[tuple[int, str], int] = {}
    for row in counts.filter(day=day).values("gate_id", "direction").annotate(n=Sum("amount")):
        per_gate[(row["gate_id"], row["direction"])] = row["n"] or 0
    figures = [
        GateFigures(
            gate=g, entries=per_gate.get((g.pk, "in"), 0), exits=per_gate.get((g.pk, "out"), 0)
        )
        for g in gates
    ]
    hourly: Tally[int] = Tally()
    local = timezone.get_current_timezone()
    for hour_row in (
        counts.filter(day=day, direction=Direction.IN)
        .annotate(hour=ExtractHour("at", tzinfo=local))
        .values("hour")
        .annotate(n=Sum("amount"))
    ):
        hourly[hour_row["hour"]] += hour_row["n"] or 0
    closed = closings(edition)
    closing = closed.get(day)
    entries = sum(f.entries for f in figures)
    exits = sum(f.exits for f in figures)
    counts_exits = any(g.counts_exits for g in gates)
    # Where only some gates count exits, the share of those who left through them is taken
    # for everyone (people come in by one gate and leave by another).
    watched_in = sum(f.entries for f in figures if f.gate.counts_exits)
    watched_out = sum(f.exits for f in figures if f.gate.counts_exits)
    inside: int | None = None
    if counts_exits and all(g.counts_exits for g in gates):
        inside = max(watched_in - watched_out, 0)
    elif counts_exits and watched_in > 0:
        inside = max(round(sum(f.entries for f in figures) * (1 - watched_out / watched_in)), 0)
    late = 0
    if closing is not None:
        late = (
            counts.filter(day=day, late=True, direction=Direction.IN).aggregate(n=Sum("amount"))[
                "n"
            ]
            or 0
        )
    return Footfall(
        day=day,
        days=[(d, by_day.get(d, 0)) for d in all_days],
        gates=figures,
        hours=[(h, hourly.get(h, 0)) for h in range(24)],
        total=sum(by_day.values()),
        day_entries=entries,
        day_exits=exits,
        inside=inside,
        closing=closing,
        late=late,
        counts_exits=counts_exits,
        closed=closed,
    )


def edition_visitors(edition: Edition) -> int:
    total: int | None = Count.objects.filter(edition=edition, direction=Direction.IN).aggregate(
        n=Sum("amount")
    )["n"]
    return total or 0


# --- Tickets ----------------------------------------------------------------------------------


@dataclass
class TicketRow:
    pk: int
    code: str
    holder: str
    day: datetime.date
    revoked_at: datetime.datetime | None
    admission_id: int | None
    type_name: str


def _ticket(edition: Any, code: Any) -> QuerySet[Ticket, Any]:
    return Ticket.objects.filter(edition_id=edition, code=code).values(
        "pk",
        "code",
        "holder",
        "day",
        "revoked_at",
        "admission__id",
        "type__name_ar",
        "type__name_fr",
    )[:1]


# Asked at every scan: compiled once per process, prepared once per connection.
_TICKET: prepared.Compiled[dict[str, Any]] = prepared.Compiled(
    "maarid_ticket_for_check_in", _ticket
)


def ticket_for_check_in(edition_id: int, code: str) -> TicketRow | None:
    """The ticket a scanned code names, with whether it was admitted: one query."""
    row = _TICKET.first(edition=edition_id, code=code)
    if row is None:
        return None
    arabic = (get_language() or "fr").startswith("ar")
    names = (row["type__name_ar"], row["type__name_fr"])
    return TicketRow(
        pk=row["pk"],
        code=row["code"],
        holder=row["holder"],
        day=row["day"],
        revoked_at=row["revoked_at"],
        admission_id=row["admission__id"],
        type_name=(names[0] or names[1]) if arabic else (names[1] or names[0]),
    )


def admission_of(ticket_id: int) -> Admission:
    return Admission.objects.get(ticket_id=ticket_id)


def ticket_by_code(edition: Edition, code: str) -> Ticket:
    """A ticket's page: whoever has its link (the code is unguessable) may see it."""
    return get_object_or_404(
        Ticket.objects.select_related("type", "edition__series"), edition=edition, code=code
    )


def ticket_types(edition: Edition) -> QuerySet[TicketType]:
    return TicketType.objects.filter(edition=edition).prefetch_related("quotas")


def public_ticket_types(edition: Edition) -> QuerySet[TicketType]:
    return ticket_types(edition).filter(public=True, quotas__places__gt=0).distinct()


def registration_open(edition: Edition) -> bool:
    """Whether some public ticket type still has a day to come with places (quick: no count)."""
    return Quota.objects.filter(
        type__edition=edition, type__public=True, places__gt=0, day__gte=timezone.localdate()
    ).exists()


def ticket_type_of(edition: Edition, pk: int) -> TicketType:
    return get_object_or_404(TicketType.objects.select_related("edition"), edition=edition, pk=pk)


@dataclass
class QuotaFigures:
    type: TicketType
    day: datetime.date
    places: int
    issued: int
    admitted: int

    @property
    def left(self) -> int:
        return max(self.places - self.issued, 0)


def quota_figures(edition: Edition) -> list[QuotaFigures]:
    issued = {
        (r["type_id"], r["day"]): (r["n"], r["a"])
        for r in Ticket.objects.filter(edition=edition, revoked_at__isnull=True)
        .values("type_id", "day")
        .annotate(n=Rows("pk"), a=Rows("admission"))
        .order_by()
    }
    result = []
    for quota in Quota.objects.filter(type__edition=edition).select_related("type"):
        n, a = issued.get((quota.type_id, quota.day), (0, 0))
        result.append(QuotaFigures(quota.type, quota.day, quota.places, n, a))
    return result


def open_days(ticket_type: TicketType) -> list[datetime.date]:
    """The days a type can still be registered for: a quota with places left, not past."""
    today = timezone.localdate()
    issued = dict(
        Ticket.objects.filter(type=ticket_type, revoked_at__isnull=True)
        .values("day")
        .annotate(n=Rows("pk"))
        .values_list("day", "n")
        .order_by()
    )
    return [
        q.day
        for q in ticket_type.quotas.all()
        if q.day >= today and q.places > issued.get(q.day, 0)
    ]


def tickets_of(edition: Edition, query: str = "") -> QuerySet[Ticket]:
    tickets = Ticket.objects.filter(edition=edition).select_related("type", "admission")
    if query:
        tickets = tickets.filter(
            Q(code__iexact=query) | Q(holder__icontains=query) | Q(phone__contains=query)
        )
    return tickets


def ticket_of(edition: Edition, pk: int) -> Ticket:
    return get_object_or_404(Ticket.objects.select_related("edition"), edition=edition, pk=pk)


def open_conflicts(edition: Edition) -> QuerySet[Conflict]:
    return (
        Conflict.objects.filter(ticket__edition=edition, reviewed_at__isnull=True)
        .select_related("ticket__admission", "device")
        .order_by("-received_at")
    )


def conflict_of(edition: Edition, pk: int) -> Conflict:
    return get_object_or_404(
        Conflict.objects.select_related("ticket__edition"), ticket__edition=edition, pk=pk
    )


@dataclass
class GateState:
    revoked: list[str]
    admitted: list[str]


def gate_state(edition: Edition) -> GateState:
    """What a gate phone keeps for scanning offline: cancelled tickets and today's admissions
    (so a ticket let in at another gate is known as used)."""
    today = timezone.localdate()
    revoked = list(
        Ticket.objects.filter(edition=edition, revoked_at__isnull=False, day__gte=today)
        .values_list("code", flat=True)
        .order_by()
    )
    admitted = list(
        Admission.objects.filter(ticket__edition=edition, ticket__day=today)
        .values_list("ticket__code", flat=True)
        .order_by()
    )
    return GateState(revoked=revoked, admitted=admitted)


# --- The survey -------------------------------------------------------------------------------

# Rough amounts of the ranges, for an estimate of what visitors spent (never shown as exact).
SPENT_MIDPOINT = {
    SurveyAnswer.Spent.NOTHING: Decimal("0"),
    SurveyAnswer.Spent.UNDER_100: Decimal("50"),
    SurveyAnswer.Spent.UNDER_500: Decimal("300"),
    SurveyAnswer.Spent.UNDER_1000: Decimal("750"),
    SurveyAnswer.Spent.MORE: Decimal("1500"),
}


@dataclass
class SurveyResults:
    answers: int
    heard: list[tuple[str, int]]
    provinces: list[tuple[str, int]]
    bought: list[tuple[str, int]]
    spent: list[tuple[str, int]]
    satisfaction: Decimal | None
    again: list[tuple[str, int]]
    estimated_spend: Decimal


def survey_results(edition: Edition) -> SurveyResults:
    answers = SurveyAnswer.objects.filter(edition=edition).order_by()

    def tally(field_name: str) -> dict[str, int]:
        return {
            r[field_name]: r["n"]
            for r in answers.values(field_name).annotate(n=Rows("pk")).order_by()
        }

    heard, spent, again = tally("heard"), tally("spent"), tally("again")
    arabic = (get_language() or "fr").startswith("ar")
    provinces: Tally[str] = Tally()
    for r in (
        answers.filter(province__isnull=False)
        .values("province__name_fr", "province__name_ar")
        .annotate(n=Rows("pk"))
    ):
        provinces[r["province__name_ar" if arabic else "province__name_fr"]] += r["n"]
    bought: Tally[str] = Tally()
    for items in answers.values_list("bought", flat=True):
        for item in items or []:
            bought[str(item)] += 1
    n = sum(heard.values())
    stats = answers.aggregate(s=Sum("satisfaction"))
    satisfaction = (Decimal(stats["s"]) / n).quantize(Decimal("0.1")) if n and stats["s"] else None
    estimated = sum(
        (SPENT_MIDPOINT[SurveyAnswer.Spent(k)] * v for k, v in spent.items()), Decimal("0")
    )
    return SurveyResults(
        answers=n,
        heard=[(str(c.label), heard.get(c.value, 0)) for c in SurveyAnswer.Heard],
        provinces=provinces.most_common(10),
        bought=bought.most_common(),
        spent=[(str(c.label), spent.get(c.value, 0)) for c in SurveyAnswer.Spent],
        satisfaction=satisfaction,
        again=[(str(c.label), again.get(c.value, 0)) for c in SurveyAnswer.Again],
        estimated_spend=estimated,
    )
