"""B2B meetings: who takes part, requests and answers, suggestions, the schedule, the day itself.

Sellers are the edition's exhibitors; buyers are companies, distributors, platforms and
institutions (``registry.BUYER_KINDS``). A participant sees the profiles of the programme (to
choose whom to meet) but only its own requests and its own agenda; the organisers see all.
"""

import datetime
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from maarid.core import access, formatting
from maarid.core.services import absolute_url
from maarid.core.text import normalise
from maarid.exhibitors.models import Exhibitor
from maarid.registry.models import BUYER_KINDS, Membership, Sector

from . import schedule
from .models import Meeting, Outcome, Profile, Programme, Side, Table

DEFAULT_TABLES = 25
MAX_GROUP = 8

# --- Who may do what ----------------------------------------------------------------------


def is_organiser(user, programme: Programme) -> bool:
    return access.is_organiser(user, programme.edition.series_id)


def require_organiser(user, programme: Programme):
    access.require_organiser(user, programme.edition.series_id)


def own_profiles(user, programme: Programme):
    """The profiles of the organisations the user is an active member of."""
    return programme.profiles.filter(organisation_id__in=access.facts(user).organisations)


def own_profile(user, programme: Programme) -> Profile | None:
    return own_profiles(user, programme).select_related("organisation").first()


def speaks_for(user, profile: Profile) -> bool:
    return profile.organisation_id in access.facts(user).organisations


def may_see_meeting(user, meeting: Meeting) -> bool:
    if is_organiser(user, meeting.programme):
        return True
    mine = access.facts(user).organisations
    return (
        meeting.buyer.organisation_id in mine
        or meeting.sellers.filter(organisation_id__in=mine).exists()
    )


def may_take_part(user, programme: Programme) -> bool:
    return own_profiles(user, programme).exists() or bool(eligible_organisations(user, programme))


def eligible_organisations(user, programme: Programme) -> list:
    """The user's organisations that may take part: the edition's exhibitors, as sellers, and
    buying organisations, as buyers."""
    facts = access.facts(user)
    memberships = Membership.objects.filter(
        user=user, status=Membership.Status.ACTIVE, organisation_id__in=facts.organisations
    ).select_related("organisation")
    exhibiting = set(
        Exhibitor.objects.filter(
            edition=programme.edition, status=Exhibitor.Status.ACTIVE
        ).values_list("organisation_id", flat=True)
    )
    return [
        m.organisation
        for m in memberships
        if m.organisation.kind in BUYER_KINDS or m.organisation_id in exhibiting
    ]


def side_of(organisation) -> str:
    return Side.BUYER if organisation.kind in BUYER_KINDS else Side.SELLER


# --- The programme ------------------------------------------------------------------------


def programme_for(edition) -> Programme | None:
    return Programme.objects.filter(edition=edition).first()


@transaction.atomic
def set_up(
    edition,
    user,
    *,
    days,
    starts_at,
    ends_at,
    afternoon_from,
    slot_minutes,
    tables,
    big_tables=0,
    big_capacity=6,
    max_breaks=None,
    requests_open=True,
    pause_from=None,
    pause_until=None,
) -> Programme:
    """Creates or changes the edition's programme and its tables (``tables`` for two,
    ``big_tables`` more for group meetings)."""
    access.require_organiser(user, edition.series_id)
    errors = {}
    if not days:
        errors["days"] = [_("Choose at least one day.")]
    elif any(d < edition.starts_on or d > edition.ends_on for d in days):
        errors["days"] = [_("The days must be days of the fair.")]
    if starts_at >= ends_at:
        errors["ends_at"] = [_("The meetings must end after they start.")]
    if (pause_from is None) != (pause_until is None) or (
        pause_from is not None and not starts_at < pause_from < pause_until < ends_at
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

PROFILE_FIELDS = (
    "description_ar",
    "description_fr",
    "offers",
    "seeks",
    "sectors",
    "volumes",
    "export_markets",
    "languages",
    "attendees",
)


@transaction.atomic
def save_profile(
    programme, organisation, user, *, categories=(), certifications=(), unavailable=(), **fields
) -> Profile:
    """Creates or updates the organisation's profile. Sellers must exhibit at the edition."""
    if organisation not in eligible_organisations(user, programme) and not is_organiser(
        user, programme
    ):
        raise PermissionDenied
    if (
        side_of(organisation) == Side.SELLER
        and not Exhibitor.objects.filter(
            edition=programme.edition, organisation=organisation, status=Exhibitor.Status.ACTIVE
        ).exists()
    ):
        raise ValidationError(_("Only the fair's exhibitors take part as sellers."))
    errors = {}
    if set(fields.get("sectors", ())) - set(Sector.values):
        errors["sectors"] = [_("Unknown sector.")]
    if set(fields.get("languages", ())) - set(Profile.Language.values):
        errors["languages"] = [_("Unknown language.")]
    slots = {s.index for s in programme.slots()}
    unavailable = sorted(set(unavailable))
    if any(i not in slots for i in unavailable):
        errors["unavailable"] = [_("Unknown time slot.")]
    if errors:
        raise ValidationError(errors)
    profile = Profile.objects.filter(programme=programme, organisation=organisation).first()
    profile = profile or Profile(
        programme=programme, organisation=organisation, side=side_of(organisation)
    )
    for name in PROFILE_FIELDS:
        if name in fields:
            setattr(profile, name, fields[name])
    profile.unavailable = unavailable
    profile.full_clean()
    profile.save()
    profile.categories.set(categories)
    profile.certifications.set(certifications)
    return profile


# --- Requests -----------------------------------------------------------------------------


def meetings_of(profile):
    """Every meeting the profile is in, as buyer or as one of the sellers."""
    return Meeting.objects.filter(Q(buyer=profile) | Q(sellers=profile)).distinct()


def incoming(profile):
    """Requests the profile is asked to answer."""
    return (
        meetings_of(profile)
        .filter(status=Meeting.Status.REQUESTED, by_organiser=False)
        .exclude(requested_by=profile)
    )


def partners(profile) -> set:
    """Ids of the profiles it has an open request or an accepted meeting with."""
    pairs = (
        meetings_of(profile)
        .filter(status__in=[Meeting.Status.REQUESTED, Meeting.Status.ACCEPTED])
        .values_list("buyer_id", "sellers")
    )
    return {pk for pair in pairs for pk in pair} - {profile.pk}


def _open_between(buyer, seller):
    return Meeting.objects.filter(
        buyer=buyer,
        sellers=seller,
        status__in=[Meeting.Status.REQUESTED, Meeting.Status.ACCEPTED],
    )


@transaction.atomic
def request_meeting(from_profile, to_profile, user, *, priority=2, message="", session=""):
    """One side asks the other for a meeting; the other accepts or declines."""
    if not speaks_for(user, from_profile):
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
    if _open_between(buyer, seller).exists():
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
        url=absolute_url(requests_path(programme)),
    )
    return meeting


def requests_path(programme) -> str:
    edition = programme.edition
    return reverse("b2b:requests", args=[edition.series.slug, edition.number])


def agenda_path(programme) -> str:
    edition = programme.edition
    return reverse("b2b:agenda", args=[edition.series.slug, edition.number])


@transaction.atomic
def respond(meeting: Meeting, user, accept: bool) -> Meeting:
    """The side that was asked accepts or declines."""
    asked = [p for p in [meeting.buyer, *meeting.sellers.all()] if p.pk != meeting.requested_by_id]
    if not any(speaks_for(user, p) for p in asked):
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
        other = next(p for p in asked if speaks_for(user, p))
        _tell_profile(
            meeting.requested_by,
            msgid,
            who=other.name,
            url=absolute_url(agenda_path(meeting.programme)),
        )
    return meeting


@transaction.atomic
def cancel(meeting: Meeting, user) -> Meeting:
    if not (is_organiser(user, meeting.programme) or may_see_meeting(user, meeting)):
        raise PermissionDenied
    if meeting.status in (Meeting.Status.DECLINED, Meeting.Status.CANCELLED):
        return meeting
    meeting.status = Meeting.Status.CANCELLED
    meeting.slot = meeting.table = None
    meeting.save(update_fields=["status", "slot", "table"])
    return meeting


@transaction.atomic
def add_meeting(
    programme,
    user,
    buyer,
    sellers,
    *,
    priority=2,
    session="",
    pinned_slot=None,
    pinned_table=None,
    after=None,
) -> Meeting:
    """The organisers add a meeting (already accepted): bilateral, or a group meeting of one
    buyer with several sellers at a big table."""
    require_organiser(user, programme)
    sellers = list(dict.fromkeys(sellers))
    if buyer.side != Side.BUYER or any(s.side != Side.SELLER for s in sellers):
        raise ValidationError(_("A meeting is between one buyer and one or more sellers."))
    if not 1 <= len(sellers) <= MAX_GROUP:
        raise ValidationError(_("A group meeting has at most %(n)s sellers.") % {"n": MAX_GROUP})
    if {buyer.programme_id, *(s.programme_id for s in sellers)} != {programme.pk}:
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
    meeting.sellers.set(sellers)
    return meeting


# --- Suggestions --------------------------------------------------------------------------


@dataclass
class Suggestion:
    profile: Profile
    score: float
    reasons: list = field(default_factory=list)


_WORD = re.compile(r"\w{3,}")
STOP = {"les", "des", "une", "pour", "dans", "avec", "and", "the", "for", "من", "في", "على", "إلى"}


def _words(profile) -> Counter:
    text = " ".join([profile.description_ar, profile.description_fr, profile.offers, profile.seeks])
    return Counter(w for w in _WORD.findall(normalise(text)) if w not in STOP)


def _cosine(a: Counter, b: Counter, idf: dict) -> float:
    dot = sum(a[w] * b[w] * idf.get(w, 1.0) ** 2 for w in a.keys() & b.keys())
    if not dot:
        return 0.0
    norm = math.sqrt(sum((c * idf.get(w, 1.0)) ** 2 for w, c in a.items()))
    norm *= math.sqrt(sum((c * idf.get(w, 1.0)) ** 2 for w, c in b.items()))
    return dot / norm


def suggestions(profile: Profile, limit=20) -> list[Suggestion]:
    """The other side's profiles, best matches first, each with the reasons (shared sectors,
    product categories, certifications, a common language, similar words in what they offer
    and seek — Arabic and French text normalised alike). Those already asked are left out."""
    others = list(
        profile.programme.profiles.exclude(side=profile.side)
        .select_related("organisation")
        .prefetch_related("categories", "certifications")
    )
    already = partners(profile)
    bags = {p.pk: _words(p) for p in [profile, *others]}
    documents = len(bags)
    frequency = Counter(w for bag in bags.values() for w in bag)
    idf = {w: math.log(1 + documents / n) for w, n in frequency.items()}
    mine_categories = set(profile.categories.all())
    mine_labels = set(profile.certifications.all())
    result = []
    for other in others:
        if other.pk in already:
            continue
        score, reasons = 0.0, []
        sectors = set(profile.sectors) & set(other.sectors)
        if sectors:
            score += 2 * len(sectors)
            reasons.append(_("same sector"))
        categories = mine_categories & set(other.categories.all())
        if categories:
            score += 3 * len(categories)
            names = formatting.items(sorted(c.name for c in categories)[:3])
            reasons.append(_("products: %(names)s") % {"names": names})
        labels = mine_labels & set(other.certifications.all())
        if labels:
            score += 2 * len(labels)
            names = formatting.items(sorted(label.name for label in labels)[:3])
            reasons.append(_("certified: %(names)s") % {"names": names})
        languages = set(profile.languages) & set(other.languages)
        if languages:
            score += 1
            names = formatting.items(
                Profile.Language(code).label
                for code in sorted(languages)
                if code in Profile.Language.values
            )
            reasons.append(_("speaks %(languages)s") % {"languages": names})
        elif profile.languages and other.languages:
            score -= 2  # no language in common: a meeting would need an interpreter
        similarity = _cosine(bags[profile.pk], bags[other.pk], idf)
        if similarity > 0.05:
            score += 10 * similarity
            common = sorted(
                bags[profile.pk].keys() & bags[other.pk].keys(), key=lambda w: -idf.get(w, 0)
            )[:3]
            reasons.append(_("you both mention %(words)s") % {"words": formatting.items(common)})
        if score > 0:
            result.append(Suggestion(other, round(score, 2), reasons))
    result.sort(key=lambda s: (-s.score, s.profile.name))
    return result[:limit]


# --- The schedule -------------------------------------------------------------------------


def _to_solver(programme):
    """The programme as the scheduler's plain data."""
    slot_times = programme.slots()
    slots = [schedule.Slot(s.index, s.day, s.session) for s in slot_times]
    tables = [schedule.Table(t.pk, t.capacity) for t in programme.tables.all()]
    meetings_qs = programme.meetings.filter(status=Meeting.Status.ACCEPTED).prefetch_related(
        "sellers"
    )
    meetings, keep, people = [], {}, {}
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


def solve(programme, *, progress=None, time_limit=60.0) -> schedule.Schedule:
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


@transaction.atomic
def save_schedule(programme, result: schedule.Schedule) -> dict:
    """Writes the placements and the reasons; returns the figures of the run."""
    placed = 0
    meetings = list(programme.meetings.filter(status=Meeting.Status.ACCEPTED))
    for meeting in meetings:
        placement = result.placements.get(meeting.pk)
        if placement is not None:
            moved = (meeting.slot, meeting.table_id) != (placement.slot, placement.table)
            meeting.slot, meeting.table_id = placement.slot, placement.table
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


def _plain(value):
    """Reason parameters as JSON (ids and slot numbers; tuples and sets become lists)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value if isinstance(value, int | str | float | type(None)) else str(value)


REASONS = {
    schedule.PARTICIPANT_UNAVAILABLE: gettext_noop(
        "the participants are never free at the same time"
    ),
    schedule.SESSION_UNAVAILABLE: gettext_noop(
        "the participants are not free together in the session asked for"
    ),
    schedule.NO_TABLE_BIG_ENOUGH: gettext_noop("no table seats this many people"),
    schedule.PINNED_CONFLICT: gettext_noop(
        "its fixed time clashes with another meeting or an absence"
    ),
    schedule.OVER_SUBSCRIBED: gettext_noop(
        "no room left: meetings of higher priority took the common free times"
    ),
    schedule.NOT_SCHEDULED: gettext_noop("the scheduler found no place for it in time"),
}


def reason_text(meeting: Meeting) -> str:
    code = (meeting.unplaced_reason or {}).get("code")
    return _(REASONS[code]) if code in REASONS else ""


@transaction.atomic
def publish(programme, user) -> int:
    """Announces the schedule: placed meetings are fixed from now on (a later run keeps them),
    and every participant whose agenda is new or changed is told. Returns how many were told."""
    require_organiser(user, programme)
    news = programme.meetings.filter(
        status=Meeting.Status.ACCEPTED, slot__isnull=False, announced=False
    )
    changed = set()
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
            profile, msgid, fair=programme.edition.name, url=absolute_url(agenda_path(programme))
        )
    return len(changed)


def _tell_profile(profile, msgid, **params):
    """Tells the members of the profile's organisation, each in their language."""
    from maarid.core.services import tell

    members = Membership.objects.filter(
        organisation_id=profile.organisation_id, status=Membership.Status.ACTIVE
    ).select_related("user")
    for membership in members:
        tell(membership.user, msgid, series_id=profile.programme.edition.series_id, **params)


# --- Agendas ------------------------------------------------------------------------------


@dataclass
class AgendaItem:
    slot: object  # models.SlotTime
    meeting: Meeting
    others: list


def agenda(profile: Profile) -> list[AgendaItem]:
    """The profile's placed meetings in time order, with whom."""
    slots = {s.index: s for s in profile.programme.slots()}
    meetings = (
        Meeting.objects.filter(
            Q(buyer=profile) | Q(sellers=profile),
            status=Meeting.Status.ACCEPTED,
            slot__isnull=False,
        )
        .distinct()
        .select_related("buyer__organisation", "table")
        .prefetch_related("sellers__organisation")
    )
    items = []
    for meeting in meetings:
        people = [meeting.buyer, *meeting.sellers.all()]
        if meeting.slot in slots:
            items.append(
                AgendaItem(slots[meeting.slot], meeting, [p for p in people if p.pk != profile.pk])
            )
    return sorted(items, key=lambda i: i.slot.index)


def ical(profile: Profile) -> str:
    """The agenda as an iCalendar file (RFC 5545), for phones' calendars."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Maarid//B2B//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    edition = profile.programme.edition
    for item in agenda(profile):
        start = item.slot.starts().astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        end = item.slot.ends().astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        who = formatting.items(p.name for p in item.others)
        table = _("table %(n)s") % {"n": item.meeting.table.number} if item.meeting.table else ""
        lines += [
            "BEGIN:VEVENT",
            f"UID:maarid-b2b-{item.meeting.pk}-{profile.pk}@maarid",
            f"DTSTAMP:{timezone.now().astimezone(datetime.UTC).strftime('%Y%m%dT%H%M%SZ')}",
            f"DTSTART:{start}",
            f"DTEND:{end}",
            "SUMMARY:" + _ical_text(_("B2B meeting: %(who)s") % {"who": who}),
            "LOCATION:" + _ical_text(f"{edition.venue or edition.name}, {table}".strip(", ")),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def _ical_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with a space (RFC 5545, 3.1)."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > 75:
            out.append(current.decode())
            current = b" "
        current += encoded
    out.append(current.decode())
    return "\r\n".join(out)


# --- On the day and after -----------------------------------------------------------------


def check_in(meeting: Meeting, user, attendance: str) -> Meeting:
    """Held or missed, marked by the organisers at the tables."""
    require_organiser(user, meeting.programme)
    if meeting.status != Meeting.Status.ACCEPTED or meeting.slot is None:
        raise ValidationError(_("This meeting is not on the schedule."))
    if attendance not in Meeting.Attendance.values:
        raise ValidationError(_("Unknown attendance."))
    meeting.attendance = attendance
    meeting.save(update_fields=["attendance"])
    return meeting


@transaction.atomic
def record_outcome(meeting: Meeting, profile: Profile, user, *, result, amount=None, note=""):
    """What came of the meeting for ``profile`` (one outcome per participant, updated)."""
    if not speaks_for(user, profile):
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
        defaults={"result": result, "amount": amount, "note": (note or "")[:300], "by": user},
    )
    return outcome


def report(programme) -> dict:
    """The programme in figures, for the organisers and the closing report."""
    meetings = programme.meetings
    outcomes = Outcome.objects.filter(meeting__programme=programme)
    deals = outcomes.filter(result=Outcome.Result.DEAL)
    counts = dict(outcomes.values_list("result").annotate(n=Count("pk")).order_by())
    return {
        "buyers": programme.profiles.filter(side=Side.BUYER).count(),
        "sellers": programme.profiles.filter(side=Side.SELLER).count(),
        "requested": meetings.count(),
        "accepted": meetings.filter(status=Meeting.Status.ACCEPTED).count(),
        "declined": meetings.filter(status=Meeting.Status.DECLINED).count(),
        "scheduled": meetings.filter(status=Meeting.Status.ACCEPTED, slot__isnull=False).count(),
        "held": meetings.filter(attendance=Meeting.Attendance.HELD).count(),
        "missed": meetings.filter(attendance=Meeting.Attendance.MISSED).count(),
        "outcomes": {r.value: counts.get(r.value, 0) for r in Outcome.Result},
        # A deal reported by both sides counts once: the largest amount given per meeting.
        "deals_amount": sum(
            (row["top"] for row in deals.values("meeting").annotate(top=Max("amount")).order_by()),
            Decimal("0.00"),
        ),
    }
