"""The reference fair's visitors: three gates counting a little over 60,000 entries over the ten
days (weekends and evenings busier, the opening ceremony and the closing evening visible), the
main gate counting exits too; every day but the last closed by an organiser; about 3,600
tickets (opening ceremony invitations, B2B day passes, a paid evening, group visits) signed
with the edition's key, most of them admitted at the gates; some 1,200 survey answers.

Deterministic and idempotent like the rest of the demo (its visitors' rows are rebuilt on each
load); rows are made with bulk_create so that ``maarid demo`` stays quick.
"""

import datetime
import hashlib
import random
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

from maarid.core.access import Role
from maarid.fairs.models import SeriesRole
from maarid.registry.models import Province
from maarid.visitors import services
from maarid.visitors.models import (
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

from . import content

SEED = 2024
LOCAL = ZoneInfo("Africa/Casablanca")
SLOT_MINUTES = 10
_FILE = content.read_json("visitors.json")


def load(edition) -> int:
    """Loads the visitors of ``edition``; returns the entries counted."""
    rng = random.Random(SEED)
    clear(edition)
    gates = [
        Gate(
            edition=edition,
            name_fr=row["name_fr"],
            name_ar=row["name_ar"],
            counts_exits=row["counts_exits"],
            position=index,
        )
        for index, row in enumerate(_FILE["gates"])
    ]
    Gate.objects.bulk_create(gates)
    gates = list(Gate.objects.filter(edition=edition).order_by("position"))
    entries = _counts(rng, edition, gates)
    _close_days(edition)
    _tickets(rng, edition, gates)
    _survey(rng, edition)
    return entries


def clear(edition) -> None:
    Conflict.objects.filter(ticket__edition=edition).delete()
    Admission.objects.filter(ticket__edition=edition).delete()
    Ticket.objects.filter(edition=edition).delete()
    Quota.objects.filter(type__edition=edition).delete()
    TicketType.objects.filter(edition=edition).delete()
    Count.objects.filter(edition=edition).delete()
    DayClosing.objects.filter(edition=edition).delete()
    GateDevice.objects.filter(edition=edition).delete()
    Gate.objects.filter(edition=edition).delete()
    SurveyAnswer.objects.filter(edition=edition).delete()
    SigningKey.objects.filter(edition=edition).delete()


def _split(rng: random.Random, total: int, weights: dict[str, float]) -> dict[str, int]:
    """``total`` shared in proportion to ``weights`` (with a little noise), summing exactly."""
    noisy = {k: w * rng.uniform(0.95, 1.05) for k, w in weights.items()}
    scale = total / sum(noisy.values())
    shares = {k: int(w * scale) for k, w in noisy.items()}
    keys = list(shares)
    for index in range(total - sum(shares.values())):
        shares[keys[index % len(keys)]] += 1
    return shares


def _slot(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LOCAL)


def _counts(rng: random.Random, edition, gates: list[Gate]) -> int:
    """Per gate and ten minutes, the entries (and the main gate's exits, an hour behind)."""
    per_day = _split(rng, _FILE["total"], _FILE["days"])
    rows: list[Count] = []
    for day_text, day_total in per_day.items():
        day = datetime.date.fromisoformat(day_text)
        hours = {int(h): float(w) for h, w in _FILE["hours"].items()}
        for hour, extra in _FILE["ceremonies"].get(day_text, {}).items():
            hours[int(hour)] += extra
        per_hour = _split(rng, day_total, {str(h): w for h, w in hours.items()})
        shares = {str(i): row["share"] for i, row in enumerate(_FILE["gates"])}
        for hour_text, hour_total in per_hour.items():
            hour = int(hour_text)
            for gate_index, gate_total in _split(rng, hour_total, shares).items():
                gate = gates[int(gate_index)]
                slots = _split(rng, gate_total, {str(m): 1.0 for m in range(0, 60, SLOT_MINUTES)})
                for minute_text, amount in slots.items():
                    if amount <= 0:
                        continue
                    at = _slot(day, hour, int(minute_text)) + datetime.timedelta(
                        minutes=rng.randint(0, SLOT_MINUTES - 1)
                    )
                    rows.append(_count(rng, edition, gate, Direction.IN, amount, at, day))
                    if gate.counts_exits:
                        # Those who came in leave by the main gate, about an hour and a half later
                        # (the others' exits are not counted); the last leave at closing.
                        out = min(
                            at + datetime.timedelta(minutes=rng.randint(60, 120)),
                            _slot(day, 22, 0) + datetime.timedelta(minutes=rng.randint(0, 20)),
                        )
                        leaving = round(amount * rng.uniform(0.9, 1.0))
                        if leaving:
                            rows.append(
                                _count(rng, edition, gate, Direction.OUT, leaving, out, day)
                            )
    Count.objects.bulk_create(rows, batch_size=2000)
    return sum(per_day.values())


def _count(rng, edition, gate, direction, amount, at, day) -> Count:
    return Count(
        key=uuid.UUID(int=rng.getrandbits(128), version=4),
        edition=edition,
        gate=gate,
        direction=direction,
        amount=amount,
        counted_at=at,
        at=at,
        received_at=at + datetime.timedelta(seconds=rng.randint(1, 40)),
        day=day,
    )


def _organiser(edition):
    role = (
        SeriesRole.objects.filter(series=edition.series, role=Role.ORGANISER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return role.user if role else None


def _close_days(edition) -> None:
    """Every day but the last was closed by an organiser at 22:30."""
    organiser = _organiser(edition)
    if organiser is None:
        return
    closings = []
    day = edition.starts_on
    while day < edition.ends_on:
        totals = {"in": 0, "out": 0}
        for direction, amount in Count.objects.filter(edition=edition, day=day).values_list(
            "direction", "amount"
        ):
            totals[direction] += amount
        closings.append(
            DayClosing(
                edition=edition,
                day=day,
                entries=totals["in"],
                exits=totals["out"],
                by=organiser,
                at=_slot(day, 22, 30),
            )
        )
        day += datetime.timedelta(days=1)
    DayClosing.objects.bulk_create(closings)


def _code(rng: random.Random) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(rng.choice(alphabet) for _ in range(10))


def _tickets(rng: random.Random, edition, gates: list[Gate]) -> None:
    names = _FILE["holders"]
    tickets: list[Ticket] = []
    admitted_share: dict[int, float] = {}
    for row in _FILE["ticket_types"]:
        kind = TicketType.objects.create(
            edition=edition,
            kind=row["kind"],
            name_fr=row["name_fr"],
            name_ar=row["name_ar"],
            price=Decimal(row.get("price", "0.00")),
            public=row["public"],
        )
        Quota.objects.bulk_create(
            Quota(type=kind, day=datetime.date.fromisoformat(d), places=n)
            for d, n in row["days"].items()
        )
        admitted_share[kind.pk] = row["admitted"]
        days = _split(rng, row["issued"], dict.fromkeys(row["days"], 1.0))
        for day_text, issued in days.items():
            day = datetime.date.fromisoformat(day_text)
            for _ in range(issued):
                code = _code(rng)
                holder = f"{rng.choice(names['first_fr'])} {rng.choice(names['last_fr'])}"
                tickets.append(
                    Ticket(
                        edition=edition,
                        type=kind,
                        day=day,
                        code=code,
                        holder=holder,
                        phone=f"+2126{rng.randint(10_000_000, 99_999_999)}",
                        language=rng.choice(["ar", "ar", "fr"]),
                        payload=services.sign(edition, code, day),
                        created_at=_slot(day, 10, 0) - datetime.timedelta(days=rng.randint(1, 20)),
                    )
                )
    Ticket.objects.bulk_create(tickets, batch_size=1000)
    admissions = []
    for ticket in Ticket.objects.filter(edition=edition).select_related("type").order_by("pk"):
        if rng.random() >= admitted_share[ticket.type_id]:
            continue
        opening = 16 if ticket.type.kind == TicketType.Kind.CEREMONY else 10
        at = _slot(ticket.day, opening, 0) - datetime.timedelta(minutes=rng.randint(0, 90))
        if ticket.type.kind == TicketType.Kind.EVENING:
            at = _slot(ticket.day, 19, 0) + datetime.timedelta(minutes=rng.randint(-45, 30))
        gate = gates[0] if rng.random() < 0.7 else rng.choice(gates)
        admissions.append(
            Admission(
                ticket=ticket,
                gate=gate,
                at=at,
                received_at=at + datetime.timedelta(seconds=1),
                offline=rng.random() < 0.08,
            )
        )
    Admission.objects.bulk_create(admissions, batch_size=1000)


def _survey(rng: random.Random, edition) -> None:
    survey = _FILE["survey"]
    region = edition.series.region_id
    home = list(Province.objects.filter(region_id=region).order_by("pk"))
    elsewhere = list(Province.objects.exclude(region_id=region).order_by("pk"))

    def pick(weights: dict[str, float]) -> str:
        return rng.choices(list(weights), weights=list(weights.values()))[0]

    days = list(_FILE["days"])
    answers = []
    for index in range(survey["answers"]):
        day = datetime.date.fromisoformat(
            rng.choices(days, weights=list(_FILE["days"].values()))[0]
        )
        bought = [b for b, share in survey["bought"].items() if rng.random() < share / 100]
        if "nothing" in bought and len(bought) > 1:
            bought.remove("nothing")
        pool = home if home and rng.random() < survey["home_province_share"] else elsewhere
        answers.append(
            SurveyAnswer(
                edition=edition,
                day=day,
                respondent=hashlib.sha256(f"demo-{index}".encode()).hexdigest(),
                heard=pick(survey["heard"]),
                province=rng.choice(pool) if pool and rng.random() < 0.95 else None,
                bought=sorted(bought),
                spent=pick(survey["spent"]),
                satisfaction=int(pick(survey["satisfaction"])),
                again=pick(survey["again"]),
                language=rng.choice(["ar", "ar", "fr"]),
                created_at=_slot(day, rng.randint(11, 21), rng.randint(0, 59)),
            )
        )
    SurveyAnswer.objects.bulk_create(answers, batch_size=1000)
