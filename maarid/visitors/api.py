"""The visitors API, under /api/v1/visitors/: what a gate phone calls (counting and check-in,
with its device token), the footfall for organisers, ticket types and registration, the survey.

A gate phone signs with its device token (``Authorization: Bearer mrd_…``, shown as a QR code
when an organiser registers the phone); that token opens the ``/gate``, ``/counts`` and
``/checkin`` endpoints of its edition and nothing else. Counts carry a key made on the phone:
a batch sent again answers ``"created": false`` and counts once. A check-in answers 200 with a
``status``: ``admitted``, ``used`` (when and at which gate) or ``refused`` (``reason``:
``unreadable``, ``forged``, ``other_edition``, ``expired``, ``not_yet``, ``unknown``,
``revoked``), with a message in the phone's language.
"""

import datetime
import uuid as uuidlib

from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import AwareDatetime, StrictBool, StrictInt

from maarid.api.api import DEVICE_AUTH, OPTIONAL_AUTH, InputSchema
from maarid.api.schemas import Day, Error, FieldErrors
from maarid.core.params import MAX_INT
from maarid.core.services import absolute_url
from maarid.fairs.selectors import with_edition

from . import selectors, services

ZERO_OFFSET = datetime.timedelta(0)
router = Router(tags=["visitors"], auth=OPTIONAL_AUTH)


# Any aware clock is taken: the server decides whether it believes it (a wrong one is flagged
# and never stored), so year 1 or 9999 is an answer, not a 500.
PhoneClock = AwareDatetime


# --- The gate phone ---------------------------------------------------------------------------


class GateOut(Schema):
    id: int
    name: str
    counts_exits: bool


class GatePhoneOut(Schema):
    device: int
    name: str
    edition: int
    edition_name: str
    gate: int | None = Field(description="the gate this phone stands at, if set")
    gates: list[GateOut]
    public_key: str = Field(description="Ed25519, raw, base64url: checks tickets offline")
    today: datetime.date = Field(description="the fair's day as the server counts it")
    now: datetime.datetime = Field(
        description="the server's clock: the phone counts the fair's day by it, offline too"
    )
    utc_offset: int = Field(description="seconds the fair's time is ahead of UTC now")
    revoked: list[str] = Field(description="codes of cancelled tickets")
    admitted: list[str] = Field(description="codes of tickets admitted today, at any gate")


@router.get(
    "/gate",
    response={200: GatePhoneOut, 403: Error},
    auth=DEVICE_AUTH,
    summary="The signed-in gate phone",
)
def gate_phone(request):
    """What a gate phone keeps to count and scan with no network."""
    device = selectors.device_for(request.user)
    state = selectors.gate_state(device.edition)
    return {
        "device": device.number,
        "name": device.name,
        "edition": device.edition_id,
        "edition_name": device.edition.name,
        "gate": device.gate_id,
        "gates": [
            {"id": g.pk, "name": g.name, "counts_exits": g.counts_exits}
            for g in selectors.gates_by_id(device.edition).values()
        ],
        "public_key": services.public_key(device.edition),
        "today": timezone.localdate(),
        "now": timezone.now(),
        "utc_offset": int((timezone.localtime().utcoffset() or ZERO_OFFSET).total_seconds()),
        "revoked": state.revoked,
        "admitted": state.admitted,
    }


class CountIn(InputSchema):
    key: uuidlib.UUID = Field(description="made on the phone; a count is recorded once")
    gate: StrictInt = Field(ge=1, le=MAX_INT)
    amount: StrictInt = Field(ge=-32768, le=32767, description="+1, +5, −1…")
    direction: str = Field("in", max_length=3, description="in or out")
    counted_at: PhoneClock | None = Field(None, description="the phone's clock")
    offline: StrictBool = False


class CountsIn(InputSchema):
    counts: list[CountIn] = Field(max_length=services.MAX_BATCH)


class CountOut(Schema):
    key: uuidlib.UUID
    created: bool = Field(description="false: the server already had this count")
    day: datetime.date
    late: bool = Field(description="the day was closed when it arrived")
    clock_wrong: bool = Field(description="the phone's clock was not believed")


class CountsOut(Schema):
    results: list[CountOut]


@router.post(
    "/counts",
    response={200: CountsOut, 403: Error, 422: FieldErrors},
    auth=DEVICE_AUTH,
    summary="Send a gate's counts",
)
def counts(request, payload: CountsIn):
    """Records the taps of a gate's counter (at most 500 a batch), each once. If any is
    refused (out of bounds, a correction below zero, a gate of another fair), none is."""
    device = selectors.device_for(request.user)
    results = services.record_counts(
        actor=request.user,
        device=device,
        counts=[
            services.CountIn(
                key=c.key,
                gate_id=c.gate,
                amount=c.amount,
                direction=c.direction,
                counted_at=c.counted_at,
                offline=c.offline,
            )
            for c in payload.counts
        ],
    )
    return {"results": results}


class ScanIn(InputSchema):
    payload: str = Field(max_length=400, description="what the ticket's QR code says")
    gate: StrictInt | None = Field(None, ge=1, le=MAX_INT)
    at: PhoneClock | None = Field(None, description="when it was scanned (offline)")
    offline: StrictBool = False


class AdmissionOut(Schema):
    status: str = Field(description="admitted, used or refused")
    code: str
    reason: str
    message: str
    holder: str
    ticket_type: str
    day: datetime.date | None
    at: datetime.datetime | None = Field(description="of the (first) admission")
    gate: str
    conflict: bool = Field(description="an offline double admission, reported to organisers")


@router.post(
    "/checkin",
    response={200: AdmissionOut, 403: Error, 422: FieldErrors},
    auth=DEVICE_AUTH,
    summary="Admit a ticket",
)
def checkin(request, payload: ScanIn):
    """Admits the ticket once; a second scan answers ``used`` with when and where."""
    device = selectors.device_for(request.user)
    return services.check_in(
        actor=request.user,
        device=device,
        scan=services.Scan(
            payload=payload.payload, gate_id=payload.gate, at=payload.at, offline=payload.offline
        ),
    )


class ScansIn(InputSchema):
    scans: list[ScanIn] = Field(max_length=services.MAX_BATCH)


class ScansOut(Schema):
    results: list[AdmissionOut]


@router.post(
    "/checkin/sync",
    response={200: ScansOut, 403: Error, 422: FieldErrors},
    auth=DEVICE_AUTH,
    summary="Send the admissions made offline",
)
def checkin_sync(request, payload: ScansIn):
    """What the phone admitted with no network. A ticket another gate admitted first answers
    ``used`` with ``conflict: true``: the organisers see it on their board."""
    device = selectors.device_for(request.user)
    results = services.check_in_batch(
        actor=request.user,
        device=device,
        scans=[
            services.Scan(payload=s.payload, gate_id=s.gate, at=s.at, offline=s.offline)
            for s in payload.scans
        ],
    )
    return {"results": results}


# --- Organisers -------------------------------------------------------------------------------


class GateFootfallOut(Schema):
    gate: int
    name: str
    entries: int
    exits: int


class DayFootfallOut(Schema):
    day: datetime.date
    entries: int


class FootfallOut(Schema):
    day: datetime.date
    total: int = Field(description="entries over the whole fair")
    day_entries: int
    day_exits: int
    inside: int | None = Field(description="people inside, when exits are counted")
    closed: bool
    late: int
    gates: list[GateFootfallOut]
    days: list[DayFootfallOut]
    hours: list[int] = Field(description="entries of the day per hour, 0 to 23")


@router.get(
    "/editions/{series}/{number}/footfall",
    response={200: FootfallOut, 403: Error, 404: Error},
    summary="An edition's footfall",
)
@with_edition(need="organise")
def footfall(request, series: str, number: int, day: Day | None = None):
    """Entries per day, per gate and per hour of a day (today by default)."""
    figures = selectors.footfall(request.edition, day or timezone.localdate())
    return {
        "day": figures.day,
        "total": figures.total,
        "day_entries": figures.day_entries,
        "day_exits": figures.day_exits,
        "inside": figures.inside,
        "closed": figures.closing is not None,
        "late": figures.late,
        "gates": [
            {"gate": f.gate.pk, "name": f.gate.name, "entries": f.entries, "exits": f.exits}
            for f in figures.gates
        ],
        "days": [{"day": d, "entries": n} for d, n in figures.days],
        "hours": [n for _h, n in figures.hours],
    }


# --- Tickets ----------------------------------------------------------------------------------


class TicketTypeOut(Schema):
    id: int
    kind: str
    name: str
    price: str
    days: list[datetime.date] = Field(description="days with places left")


@router.get(
    "/editions/{series}/{number}/ticket-types",
    response={200: list[TicketTypeOut], 404: Error},
    summary="Tickets one may register for",
)
@with_edition(need="view")
def ticket_types(request, series: str, number: int):
    return [
        {
            "id": t.pk,
            "kind": t.kind,
            "name": t.name,
            "price": str(t.price),
            "days": selectors.open_days(t),
        }
        for t in selectors.public_ticket_types(request.edition)
    ]


class TicketRegistrationIn(InputSchema):
    type: StrictInt = Field(ge=1, le=MAX_INT)
    day: Day
    holder: str = Field(max_length=120)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    language: str = Field("fr", max_length=2)


class TicketOut(Schema):
    code: str
    day: datetime.date
    url: str


@router.post(
    "/editions/{series}/{number}/tickets",
    response={201: TicketOut, 403: Error, 404: Error, 422: FieldErrors},
    summary="Register for a ticket",
)
@with_edition(need="view")
def register(request, series: str, number: int, payload: TicketRegistrationIn):
    """Issues a ticket within the day's quota and sends its link by SMS or e-mail."""
    ticket = services.issue_ticket(
        actor=request.user if request.user.is_authenticated else None,
        type=selectors.ticket_type_of(request.edition, payload.type),
        day=payload.day,
        holder=payload.holder,
        phone=payload.phone,
        email=payload.email,
        language=payload.language,
    )
    return Status(
        201,
        {
            "code": ticket.code,
            "day": ticket.day,
            "url": absolute_url(services.ticket_path(ticket)),
        },
    )
