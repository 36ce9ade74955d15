"""B2B meetings: who takes part, requests and answers, the schedule, the day itself. Every
write and the rules it keeps; the reads are in ``selectors``.

Sellers are the edition's exhibitors; buyers are companies, distributors, platforms and
institutions (``registry.BUYER_KINDS``).
"""

import datetime
from collections.abc import Callable, Hashable, Iterable, Sequence
from decimal import Decimal
from typing import TypedDict, Unpack, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from maarid.catalogue.models import Category, Label
from maarid.core import access
from maarid.core.models import User
from maarid.core.services import absolute_url, tell
from maarid.fairs.models import Edition
from maarid.registry.models import BUYER_KINDS, Organisation, Sector

from . import schedule, selectors
from .models import Meeting, Outcome, Profile, Programme, Side, Table

MAX_GROUP = 8

# --- Who may do what ----------------------------------------------------------------------


def require_organiser(user: User, programme: Programme) -> None:
    access.require_organiser(user, programme.edition.series_id)


def speaks_for(user: User, profile: Profile) -> bool:
    return profile.organisation_id in access.facts(user).organisations


def side_of(organisation: Organisation) -> str:
    return Side.BUYER if organisation.kind in BUYER_KINDS else Side.SELLER


# --- The programme ------------------------------------------------------------------------


@transaction.atomic
def set_up(
    *,
    actor: User,
    edition: Edition,
    days: Sequence[datetime.date],
    starts_at: datetime.time,
    ends_at: datetime.time,
    afternoon_from: datetime.time,
    slot_minutes: int,
    tables: int,
    big_tables: int = 0,
    big_capacity: int = 6,
    max_breaks: int | None = None,
    requests_open: bool = True,
    pause_from: datetime.time | None = None,
    pause_until: datetime.time | None = None,
) -> Programme:
    """Creates or changes the edition's programme and its tables (``tables`` for two,
    ``big_tables`` more for group meetings)."""
    access.require_organiser(actor, edition.series_id)
    errors = {}
    if not days:
        errors["days"] = [_("Choose at least one day.")]
    elif any(d < edition.starts_on or d > edition.ends_on for d in days):
        errors["days"] = [_("The days must be days of the fair.")]
    if starts_at >= ends_at:
        errors["ends_at"] = [_("The meetings must end after they start.")]
    if (pause_from is None) != (pause_until is None) or (
        pause_from is not None
        and pause_until is not None
        and not starts_at < pause_from < pause_until < ends_at
    ):
        errors["pause_until"] = [_("A pause starts and ends within the day, in that order.")]
    if not 1 <= tables + big_tables <= 500:
        errors["tables"] = [_("Between 1 and 500 tables.")]
    if errors:
        raise ValidationError(errors)
    programme, _created = Programme.objects.get_or_create(edition=edition)
    programme.days = sorted(d.isoformat() for d in set(days))
    programme.starts_at, programme.ends_at = starts_at, ends_at
    programme.afternoon_from, programme.slot_minutes = afternoon_from, slot_minutes
    programme.max_breaks, programme.requests_open = max_breaks, requests_open
    programme.pause_from, programme.pause_until = pause_from, pause_until
    programme.full_clean()
    programme.save()
    wanted = [2] * tables + [big_capacity] * big_tables
    existing = list(programme.tables.order_by("number"))
    for number, capacity in enumerate(wanted, start=1):
        if number <= len(existing):
            table = existing[number - 1]
            if table.capacity != capacity:
                table.capacity = capacity
                table.save(update_fields=["capacity"])
        else:
            Table.objects.create(programme=programme, number=number, capacity=capacity)
    for table in existing[len(wanted) :]:
        # A table taken away frees its meetings: the next run of the schedule places them.
        Meeting.objects.filter(table=table).update(table=None, slot=None, announced=False)
        table.delete()
    return programme


# --- Profiles -----------------------------------------------------------------------------


class ProfileFields(TypedDict, total=False):
    """What a participant says of itself; a field left out keeps its value."""

    description_ar: str
    description_fr: str
    offers: str
    seeks: str
    sectors: list[str]
    volumes: str
    export_markets: str
    languages: list[str]
    attendees: str


PROFILE_FIELDS = tuple(ProfileFields.__annotations__)


@transaction.atomic
def save_profile(
    *,
    actor: User,
    programme: Programme,
    organisation: Organisation,
    categories: Iterable[Category] = (),
    certifications: Iterable[Label] = (),
    unavailable: Iterable[int] = (),
    **fields: Unpack[ProfileFields],
) -> Profile:
    """Creates or updates the organisation's profile. Sellers must exhibit at the edition."""
    if organisation not in selectors.eligible_organisations(
        actor, programme
    ) and not selectors.is_organiser(actor, programme):
        raise PermissionDenied
    if side_of(organisation) == Side.SELLER and not selectors.exhibits(programme, organisation):
        raise ValidationError(_("Only the fair's exhibitors take part as sellers."))
    errors = {}
    if set(fields.get("sectors", ())) - set(Sector.values):
        errors["sectors"] = [_("Unknown sector.")]
    if set(fields.get("languages", ())) - set(Profile.Language.values):
        errors["languages"] = [_("Unknown language.")]
    slots = {s.index for s in programme.slots()}
    absent = sorted(set(unavailable))
    if any(i not in slots for i in absent):
        errors["unavailable"] = [_("Unknown time slot.")]
    if errors:
        raise ValidationError(errors)
    profile = selectors.profile_of(programme, organisation) or Profile(
        programme=programme, organisation=organisation, side=side_of(organisation)
    )
    for name, value in fields.items():
        if name in PROFILE_FIELDS:
            setattr(profile, name, value)
    profile.unavailable = absent
    profile.full_clean()
    profile.save()
    profile.categories.set(categories)
    profile.certifications.set(certifications)
    return profile


# --- Requests -----------------------------------------------------------------------------


@transaction.atomic
def request_meeting(
    *,
    actor: User,
    from_profile: Profile,
    to_profile: Profile,
    priority: int = 2,
    message: str = "",
    session: str = "",
) -> Meeting:
    """One side asks the other for a meeting; the other accepts or declines."""
    if not speaks_for(actor, from_profile):
        raise PermissionDenied
    programme = from_profile.programme
    if to_profile.programme_id != programme.pk:
        raise ValidationError(_("This participant is not in the programme."))
    if not programme.requests_open:
        raise ValidationError(_("Requests are closed."))
    if from_profile.side == to_profile.side:
        raise ValidationError(_("A buyer meets sellers, and a seller meets buyers."))
    if priority not in (1, 2, 3):
        raise ValidationError({"priority": [_("The priority is 1, 2 or 3.")]})
    buyer, seller = (
        (from_profile, to_profile)
        if from_profile.side == Side.BUYER
        else (to_profile, from_profile)
    )
    # One open request per pair, whoever asks: the lock makes two quick taps ask once.
    Profile.objects.select_for_update().filter(pk=buyer.pk).order_by().values_list("pk").first()
    if selectors.open_between(buyer, seller):
        raise ValidationError(_("You have already asked for this meeting."))
    meeting = Meeting.objects.create(
        programme=programme,
        buyer=buyer,
        requested_by=from_profile,
        priority=priority,
        message=(message or "").strip()[:300],
        session=session if session in Meeting.Session.values else "",
    )
    meeting.sellers.set([seller])
    _tell_profile(
        to_profile,
        gettext_noop("%(who)s asks to meet you at %(fair)s. Answer here: %(url)s"),
        who=from_profile.name,
        fair=programme.edition.name,
        url=absolute_url(_path("requests", programme)),
    )
    return meeting


def _path(name: str, programme: Programme) -> str:
    edition = programme.edition
    return reverse(f"b2b:{name}", args=[edition.series.slug, edition.number])


@transaction.atomic
def respond(*, actor: User, meeting: Meeting, accept: bool) -> Meeting:
    """The side that was asked accepts or declines."""
    asked = [p for p in [meeting.buyer, *meeting.sellers.all()] if p.pk != meeting.requested_by_id]
    if not any(speaks_for(actor, p) for p in asked):
        raise PermissionDenied
    if meeting.status != Meeting.Status.REQUESTED:
        raise ValidationError(_("This request has already been answered."))
    meeting.status = Meeting.Status.ACCEPTED if accept else Meeting.Status.DECLINED
    meeting.decided_at = timezone.now()
    meeting.save(update_fields=["status", "decided_at"])
    if meeting.requested_by:
        msgid = (
            gettext_noop("%(who)s accepted to meet you. Your agenda: %(url)s")
            if accept
            else gettext_noop("%(who)s declined your request for a meeting.")
        )
        other = next(p for p in asked if speaks_for(actor, p))
        _tell_profile(
            meeting.requested_by,
            msgid,
            who=other.name,
            url=absolute_url(_path("agenda", meeting.programme)),
        )
    return meeting


@transaction.atomic
def cancel(*, actor: User, meeting: Meeting) -> Meeting:
    if not selectors.may_see_meeting(actor, meeting):
        raise PermissionDenied
    if meeting.status in (Meeting.Status.DECLINED, Meeting.Status.CANCELLED):
        return meeting
    meeting.status = Meeting.Status.CANCELLED
    meeting.slot = meeting.table = None
    meeting.save(update_fields=["status", "slot", "table"])
    return meeting


@transaction.atomic
def add_meeting(
    *,
    actor: User,
    programme: Programme,
    buyer: Profile,
    sellers: Iterable[Profile],
    priority: int = 2,
    session: str = "",
    pinned_slot: int | None = None,
    pinned_table: Table | None = None,
    after: Meeting | None = None,
) -> Meeting:
    """The organisers add a meeting (already accepted): bilateral, or a group meeting of one
    buyer with several sellers at a big table."""
    require_organiser(actor, programme)
    group = list(dict.fromkeys(sellers))
    if buyer.side != Side.BUYER or any(s.side != Side.SELLER for s in group):
        raise ValidationError(_("A meeting is between one buyer and one or more sellers."))
    if not 1 <= len(group) <= MAX_GROUP:
        raise ValidationError(_("A group meeting has at most %(n)s sellers.") % {"n": MAX_GROUP})
    if {buyer.programme_id, *(s.programme_id for s in group)} != {programme.pk}:
        raise ValidationError(_("This participant is not in the programme."))
    slots = {s.index for s in programme.slots()}
    if pinned_slot is not None and pinned_slot not in slots:
        raise ValidationError({"pinned_slot": [_("Unknown time slot.")]})
    if pinned_table is not None and pinned_table.programme_id != programme.pk:
        raise ValidationError({"pinned_table": [_("Unknown table.")]})
    if priority not in (1, 2, 3):
        raise ValidationError({"priority": [_("The priority is 1, 2 or 3.")]})
    if session not in Meeting.Session.values:
        raise ValidationError({"session": [_("Unknown session.")]})
    if after is not None and after.programme_id != programme.pk:
        raise ValidationError({"after": [_("Unknown meeting.")]})
    meeting = Meeting.objects.create(
        programme=programme,
        buyer=buyer,
        by_organiser=True,
        status=Meeting.Status.ACCEPTED,
        priority=priority,
        session=session,
        pinned_slot=pinned_slot,
        pinned_table=pinned_table,
        after=after,
        decided_at=timezone.now(),
    )
    meeting.sellers.set(group)
    return meeting


# --- The schedule -------------------------------------------------------------------------


Problem = tuple[
    list[schedule.Participant],
    list[schedule.Slot],
    list[schedule.Table],
    list[schedule.Meeting],
    dict[Hashable, schedule.Placement],
]


def _to_solver(programme: Programme) -> Problem:
    """The programme as the scheduler's plain data."""
    slot_times = programme.slots()
    slots = [schedule.Slot(s.index, s.day, s.session) for s in slot_times]
    tables = [schedule.Table(t.pk, t.capacity) for t in programme.tables.all()]
    meetings_qs = programme.meetings.filter(status=Meeting.Status.ACCEPTED).prefetch_related(
        "sellers"
    )
    meetings: list[schedule.Meeting] = []
    keep: dict[Hashable, schedule.Placement] = {}
    people: dict[Hashable, schedule.Participant] = {}
    for profile in programme.profiles.all():
        people[profile.pk] = schedule.Participant(profile.pk, frozenset(profile.unavailable))
    for m in meetings_qs:
        meetings.append(
            schedule.Meeting(
                id=m.pk,
                participants=(m.buyer_id, *sorted(s.pk for s in m.sellers.all())),
                weight=4 - m.priority,  # priority 1 is the most wanted
                pinned_slot=m.pinned_slot,
                pinned_table=m.pinned_table_id,
                session=m.session or None,
                after=(m.after_id,) if m.after_id else (),
            )
        )
        if m.announced and m.slot is not None:
            keep[m.pk] = schedule.Placement(m.slot, m.table_id)
    return list(people.values()), slots, tables, meetings, keep


def solve(
    *,
    programme: Programme,
    progress: Callable[[float, str], None] | None = None,
    time_limit: float = 60.0,
) -> schedule.Schedule:
    """Places the accepted meetings, with the programme's cap on breaks per person; meetings
    already announced stay where they are. One worker and a deterministic limit: the same
    meetings give the same schedule."""
    participants, slots, tables, meetings, keep = _to_solver(programme)
    options = schedule.Options(
        fairness=programme.max_breaks,
        time_limit=time_limit,
        deterministic_limit=max(5.0, time_limit / 2),
        seed=0,
        workers=1,
        keep=keep,
        progress=progress,
    )
    return schedule.solve(participants, slots, tables, meetings, options)


class RunFigures(TypedDict):
    status: str
    placed: int
    unplaced: int
    breaks: int | None
    bound: int | None
    table_changes: int | None
    seconds: float


@transaction.atomic
def save_schedule(*, programme: Programme, result: schedule.Schedule) -> RunFigures:
    """Writes the placements and the reasons; returns the figures of the run."""
    placed = 0
    meetings = list(programme.meetings.filter(status=Meeting.Status.ACCEPTED))
    for meeting in meetings:
        placement = result.placements.get(meeting.pk)
        if placement is not None:
            moved = (meeting.slot, meeting.table_id) != (placement.slot, placement.table)
            # The tables went to the scheduler by their ids: what comes back is one of them.
            meeting.slot, meeting.table_id = placement.slot, cast(int | None, placement.table)
            meeting.unplaced_reason = {}
            if moved:
                meeting.announced = False
            placed += 1
        else:
            reason = result.unscheduled.get(meeting.pk)
            meeting.slot = meeting.table_id = None
            meeting.announced = False
            meeting.unplaced_reason = (
                {"code": reason.code, "params": _plain(reason.params)} if reason else {}
            )
    Meeting.objects.bulk_update(meetings, ["slot", "table", "unplaced_reason", "announced"])
    return {
        "status": result.status,
        "placed": placed,
        "unplaced": len(result.unscheduled),
        "breaks": result.breaks,
        "bound": result.bound,
        "table_changes": result.table_changes,
        "seconds": round(result.seconds, 1),
    }


def _plain(value: object) -> object:
    """Reason parameters as JSON (ids and slot numbers; tuples and sets become lists)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value if isinstance(value, int | str | float | type(None)) else str(value)


@transaction.atomic
def publish(*, actor: User, programme: Programme) -> int:
    """Announces the schedule: placed meetings are fixed from now on (a later run keeps them),
    and every participant whose agenda is new or changed is told. Returns how many were told."""
    require_organiser(actor, programme)
    news = programme.meetings.filter(
        status=Meeting.Status.ACCEPTED, slot__isnull=False, announced=False
    )
    changed: set[int] = set()
    for buyer, seller in news.values_list("buyer_id", "sellers"):
        changed.update([buyer, seller])
    news.update(announced=True)
    first = programme.published_at is None
    programme.published_at = timezone.now()
    programme.save(update_fields=["published_at"])
    msgid = (
        gettext_noop("Your B2B meetings at %(fair)s are scheduled: %(url)s")
        if first
        else gettext_noop("Your B2B agenda at %(fair)s has changed: %(url)s")
    )
    profiles = Profile.objects.filter(pk__in=changed).select_related("organisation")
    for profile in profiles:
        _tell_profile(
            profile,
            msgid,
            fair=programme.edition.name,
            url=absolute_url(_path("agenda", programme)),
        )
    return len(changed)


def _tell_profile(profile: Profile, msgid: str, **params: object) -> None:
    """Tells the members of the profile's organisation, each in their language."""
    for membership in selectors.members_of(profile):
        tell(membership.user, msgid, series_id=profile.programme.edition.series_id, **params)


# --- On the day and after -----------------------------------------------------------------


def check_in(*, actor: User, meeting: Meeting, attendance: str) -> Meeting:
    """Held or missed, marked by the organisers at the tables."""
    require_organiser(actor, meeting.programme)
    if meeting.status != Meeting.Status.ACCEPTED or meeting.slot is None:
        raise ValidationError(_("This meeting is not on the schedule."))
    if attendance not in Meeting.Attendance.values:
        raise ValidationError(_("Unknown attendance."))
    meeting.attendance = attendance
    meeting.save(update_fields=["attendance"])
    return meeting


@transaction.atomic
def record_outcome(
    *,
    actor: User,
    meeting: Meeting,
    profile: Profile,
    result: str,
    amount: Decimal | None = None,
    note: str = "",
) -> Outcome:
    """What came of the meeting for ``profile`` (one outcome per participant, updated)."""
    if not speaks_for(actor, profile):
        raise PermissionDenied
    if profile.pk not in [meeting.buyer_id, *meeting.sellers.values_list("pk", flat=True)]:
        raise PermissionDenied
    if meeting.status != Meeting.Status.ACCEPTED or meeting.slot is None:
        raise ValidationError(_("This meeting did not take place."))
    if result not in Outcome.Result.values:
        raise ValidationError({"result": [_("Choose a result.")]})
    if result == Outcome.Result.DEAL:
        if amount is None or amount <= 0 or amount > Decimal("9999999999.99"):
            raise ValidationError({"amount": [_("Give the amount of the deal.")]})
    else:
        amount = None
    outcome, _created = Outcome.objects.update_or_create(
        meeting=meeting,
        profile=profile,
        defaults={"result": result, "amount": amount, "note": (note or "")[:300], "by": actor},
    )
    return outcome
