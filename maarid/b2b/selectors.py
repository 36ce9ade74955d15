"""Reads of the B2B meetings: the programme of an edition, who takes part and as whom, the
requests, suggestions and agendas of a participant, the organisers' lists and figures.

A participant sees the programme's profiles but only its own requests and agenda; anything
else it asks for is a 404, as for what does not exist.
"""

import datetime
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypedDict

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from maarid.catalogue import selectors as catalogue
from maarid.catalogue.models import Category, Label
from maarid.core import access, formatting
from maarid.core.models import Job, User
from maarid.core.params import id_or_404
from maarid.core.text import normalise
from maarid.fairs.models import Edition
from maarid.registry.models import BUYER_KINDS, Membership, Organisation

from . import schedule
from .models import Meeting, Outcome, Profile, Programme, Side, SlotTime, Table

DEFAULT_TABLES = 25

# --- The programme ------------------------------------------------------------------------


def programme_for(edition: Edition) -> Programme | None:
    """The edition's programme, if the organisers have set one up."""
    programme = Programme.objects.filter(edition=edition).first()
    if programme is not None:
        programme.edition = edition  # already looked up (and checked) by the caller
    return programme


def programme_of(edition: Edition) -> Programme:
    """The edition's programme, or 404."""
    programme = programme_for(edition)
    if programme is None:
        raise Http404
    return programme


def programme_by_pk(pk: int) -> Programme:
    return Programme.objects.select_related("edition__series").get(pk=pk)


def setup_initial(edition: Edition, programme: Programme | None) -> dict[str, object]:
    """What the settings form starts from: the programme as it is, or the usual day."""
    if programme is None:
        return {
            "starts_at": "09:30",
            "ends_at": "17:00",
            "afternoon_from": "13:00",
            "slot_minutes": 20,
            "tables": DEFAULT_TABLES,
            "requests_open": True,
            "days": [edition.starts_on.isoformat()],
        }
    tables = list(programme.tables.all())
    big = [t for t in tables if t.capacity > 2]
    return {
        "days": programme.days,
        "starts_at": programme.starts_at,
        "ends_at": programme.ends_at,
        "afternoon_from": programme.afternoon_from,
        "pause_from": programme.pause_from,
        "pause_until": programme.pause_until,
        "slot_minutes": programme.slot_minutes,
        "tables": len(tables) - len(big),
        "big_tables": len(big),
        "big_capacity": big[0].capacity if big else 6,
        "max_breaks": programme.max_breaks,
        "requests_open": programme.requests_open,
    }


# --- Who takes part, as whom --------------------------------------------------------------


def is_organiser(user: User, programme: Programme) -> bool:
    return access.is_organiser(user, programme.edition.series_id)


def own_profiles(user: User, programme: Programme) -> QuerySet[Profile]:
    """The profiles of the organisations the user is an active member of."""
    return programme.profiles.filter(organisation_id__in=access.facts(user).organisations)


def own_profile(user: User, programme: Programme) -> Profile | None:
    return own_profiles(user, programme).select_related("organisation").first()


def participant(user: User, programme: Programme, wanted: str | None = None) -> Profile:
    """The user's own profile in the programme: the one ``wanted`` (an id as the address gives
    it, for people who speak for several organisations), else the first; 404 if none."""
    profiles = own_profiles(user, programme).select_related("organisation")
    if wanted:
        profiles = profiles.filter(pk=id_or_404(wanted))
    profile = profiles.first()
    if profile is None:
        raise Http404
    return profile


def agenda_owner(
    user: User, programme: Programme, *, wanted: str | None, own: str | None = None
) -> Profile:
    """Whose agenda: for the organisers, anyone's (``wanted``); else one's own."""
    if wanted and is_organiser(user, programme):
        return profile_in(programme, id_or_404(wanted))
    return participant(user, programme, own)


def participants_for(user: User, programme: Programme) -> QuerySet[Profile]:
    """The programme's profiles, for its participants and organisers; 404 for anyone else."""
    if not (is_organiser(user, programme) or own_profile(user, programme)):
        raise Http404
    return programme.profiles.select_related("organisation").prefetch_related(
        "categories", "certifications"
    )


def eligible_organisations(user: User, programme: Programme) -> list[Organisation]:
    """The user's organisations that may take part: the edition's exhibitors, as sellers, and
    buying organisations, as buyers."""
    facts = access.facts(user)
    memberships = Membership.objects.filter(
        user=user, status=Membership.Status.ACTIVE, organisation_id__in=facts.organisations
    ).select_related("organisation")
    exhibiting = set(
        catalogue.exhibitors_of(programme.edition).values_list("organisation_id", flat=True)
    )
    return [
        m.organisation
        for m in memberships
        if m.organisation.kind in BUYER_KINDS or m.organisation_id in exhibiting
    ]


def exhibits(programme: Programme, organisation: Organisation) -> bool:
    return catalogue.exhibitors_of(programme.edition).filter(organisation=organisation).exists()


def members_of(profile: Profile) -> QuerySet[Membership]:
    """The active members of the profile's organisation, who are told of its meetings."""
    return Membership.objects.filter(
        organisation_id=profile.organisation_id, status=Membership.Status.ACTIVE
    ).select_related("user")


# --- Profiles -----------------------------------------------------------------------------


def profile_in(programme: Programme, pk: int) -> Profile:
    """A profile of the programme, or 404."""
    return get_object_or_404(
        Profile.objects.select_related("organisation"), pk=pk, programme=programme
    )


def profile_of(programme: Programme, organisation: Organisation) -> Profile | None:
    return Profile.objects.filter(programme=programme, organisation=organisation).first()


def profiles_on_side(programme: Programme, side: str) -> QuerySet[Profile]:
    return programme.profiles.filter(side=side).select_related("organisation")


def other_side(profile: Profile, *, besides: Iterable[int] = ()) -> QuerySet[Profile]:
    """The profiles the participant may meet, but those in ``besides``."""
    return (
        profile.programme.profiles.exclude(side=profile.side)
        .exclude(pk__in=list(besides))
        .select_related("organisation")
    )


def categories_by_slug(slugs: Iterable[str]) -> list[Category]:
    return list(Category.objects.filter(slug__in=list(slugs)))


def labels_by_code(codes: Iterable[str]) -> list[Label]:
    return list(Label.objects.filter(code__in=list(codes)))


# --- Requests and meetings ----------------------------------------------------------------


def meetings_of(profile: Profile) -> QuerySet[Meeting]:
    """Every meeting the profile is in, as buyer or as one of the sellers."""
    return Meeting.objects.filter(Q(buyer=profile) | Q(sellers=profile)).distinct()


def incoming(profile: Profile) -> QuerySet[Meeting]:
    """Requests the profile is asked to answer."""
    return (
        meetings_of(profile)
        .filter(status=Meeting.Status.REQUESTED, by_organiser=False)
        .exclude(requested_by=profile)
    )


def partners(profile: Profile) -> set[int]:
    """Ids of the profiles it has an open request or an accepted meeting with."""
    pairs = (
        meetings_of(profile)
        .filter(status__in=[Meeting.Status.REQUESTED, Meeting.Status.ACCEPTED])
        .values_list("buyer_id", "sellers")
    )
    return {pk for pair in pairs for pk in pair} - {profile.pk}


def open_between(buyer: Profile, seller: Profile) -> bool:
    """Whether the pair has a request waiting or a meeting accepted."""
    return Meeting.objects.filter(
        buyer=buyer,
        sellers=seller,
        status__in=[Meeting.Status.REQUESTED, Meeting.Status.ACCEPTED],
    ).exists()


def requests_of(profile: Profile) -> QuerySet[Meeting]:
    """The profile's meetings, the latest asked first: by it, of it, or by the organisers."""
    return (
        meetings_of(profile)
        .select_related("buyer__organisation", "requested_by__organisation", "table")
        .prefetch_related("sellers__organisation")
        .order_by("-created_at")
    )


@dataclass
class RequestRow:
    """A meeting on the participant's list of requests: with whom, and whether it is theirs
    to answer."""

    meeting: Meeting
    others: list[Profile]
    to_answer: bool


def request_rows(profile: Profile) -> list[RequestRow]:
    to_answer = set(incoming(profile).values_list("pk", flat=True))
    return [
        RequestRow(
            meeting,
            [p for p in [meeting.buyer, *meeting.sellers.all()] if p.pk != profile.pk],
            meeting.pk in to_answer,
        )
        for meeting in requests_of(profile)
    ]


def may_see_meeting(user: User, meeting: Meeting) -> bool:
    if is_organiser(user, meeting.programme):
        return True
    mine = access.facts(user).organisations
    return (
        meeting.buyer.organisation_id in mine
        or meeting.sellers.filter(organisation_id__in=mine).exists()
    )


def meeting_for(user: User, pk: int, *, programme: Programme | None = None) -> Meeting:
    """A meeting the user may see (of ``programme``, if given), or 404."""
    meetings = Meeting.objects.select_related("programme__edition", "buyer")
    if programme is not None:
        meetings = meetings.filter(programme=programme)
    meeting = get_object_or_404(meetings, pk=pk)
    if not may_see_meeting(user, meeting):
        raise Http404
    return meeting


def own_profile_in(user: User, meeting: Meeting) -> Profile | None:
    """The profile the user speaks for among the meeting's participants."""
    return (
        own_profiles(user, meeting.programme)
        .filter(pk__in=[meeting.buyer_id, *meeting.sellers.values_list("pk", flat=True)])
        .first()
    )


def outcome_of(meeting: Meeting, profile: Profile) -> Outcome | None:
    return meeting.outcomes.filter(profile=profile).first()


# --- The organisers' lists ----------------------------------------------------------------


def listed_meetings(programme: Programme) -> QuerySet[Meeting]:
    """The organisers' list: every meeting but the cancelled, the placed first by time."""
    return (
        programme.meetings.exclude(status=Meeting.Status.CANCELLED)
        .select_related("buyer__organisation", "table")
        .prefetch_related("sellers__organisation")
        .order_by("status", "slot", "table__number", "pk")
    )


@dataclass
class MeetingRow:
    """A meeting on the organisers' list: when it is, or why it is not placed."""

    meeting: Meeting
    slot: SlotTime | None
    reason: str


def meeting_rows(programme: Programme, meetings: Iterable[Meeting]) -> list[MeetingRow]:
    slots = {s.index: s for s in programme.slots()}
    return [
        MeetingRow(m, slots.get(m.slot) if m.slot is not None else None, reason_text(m))
        for m in meetings
    ]


def placed_meetings(programme: Programme) -> QuerySet[Meeting]:
    """Every accepted meeting with its place (or none), in time order."""
    return (
        programme.meetings.filter(status=Meeting.Status.ACCEPTED)
        .select_related("table")
        .prefetch_related("sellers")
        .order_by("slot", "table__number", "pk")
    )


@dataclass
class AtTable:
    """A meeting with everyone at its table, the buyer first."""

    meeting: Meeting
    people: list[Profile]


def at_table(meeting: Meeting) -> AtTable:
    return AtTable(meeting, [meeting.buyer, *meeting.sellers.all()])


def at_tables(programme: Programme, slot: int) -> list[AtTable]:
    """The accepted meetings of a slot, table by table, for the check-in."""
    meetings = (
        programme.meetings.filter(status=Meeting.Status.ACCEPTED, slot=slot)
        .select_related("buyer__organisation", "table")
        .prefetch_related("sellers__organisation")
        .order_by("table__number")
    )
    return [at_table(m) for m in meetings]


def table_signs(programme: Programme) -> list[tuple[Table, list[tuple[SlotTime | None, AtTable]]]]:
    """Each table with the meetings placed at it, in time order."""
    slots = {s.index: s for s in programme.slots()}
    tables = []
    for table in programme.tables.all():
        meetings = (
            table.meetings.filter(status=Meeting.Status.ACCEPTED, slot__isnull=False)
            .select_related("buyer__organisation")
            .prefetch_related("sellers__organisation")
            .order_by("slot")
        )
        placed = [
            (slots.get(m.slot) if m.slot is not None else None, at_table(m)) for m in meetings
        ]
        tables.append((table, placed))
    return tables


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
    """Why the scheduler left the meeting out, in the reader's language ("" if it did not)."""
    code = (meeting.unplaced_reason or {}).get("code")
    return _(REASONS[code]) if code in REASONS else ""


class Report(TypedDict):
    buyers: int
    sellers: int
    requested: int
    accepted: int
    declined: int
    scheduled: int
    held: int
    missed: int
    outcomes: dict[str, int]
    deals_amount: Decimal


def report(programme: Programme) -> Report:
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


def deal_meetings(programme: Programme) -> int:
    """The meetings of which at least one side reported a deal (a deal reported by both sides
    is one deal, as in ``report``'s amount)."""
    deals = Outcome.objects.filter(meeting__programme=programme, result=Outcome.Result.DEAL)
    return deals.values("meeting").distinct().count()


class ScheduleRun(TypedDict):
    """The last scheduling run's figures: ``gap`` is how many breaks more than the best
    possible it may have (the prover's bound), 0 when ``optimal``; None when unknown."""

    status: str
    breaks: int | None
    bound: int | None
    optimal: bool
    gap: int | None


def last_schedule_run(programme: Programme) -> ScheduleRun | None:
    """The figures of the programme's last finished scheduling run (``tasks.run_schedule``)."""
    job = (
        Job.objects.filter(
            kind="b2b.schedule",  # tasks.SCHEDULE_JOB (tasks import this module)
            series_id=programme.edition.series_id,
            status=Job.Status.DONE,
            result__programme=programme.pk,
        )
        .order_by("-finished_at")
        .first()
    )
    if job is None:
        return None
    figures = job.result
    breaks, bound = figures.get("breaks"), figures.get("bound")
    optimal = figures.get("status") == schedule.OPTIMAL
    gap = None
    if isinstance(breaks, int) and isinstance(bound, int):
        gap = 0 if optimal else max(0, breaks - bound)
    return {
        "status": str(figures.get("status", "")),
        "breaks": breaks if isinstance(breaks, int) else None,
        "bound": bound if isinstance(bound, int) else None,
        "optimal": optimal,
        "gap": gap,
    }


# --- Suggestions --------------------------------------------------------------------------


@dataclass
class Suggestion:
    profile: Profile
    score: float
    reasons: list[str] = field(default_factory=list)


_WORD = re.compile(r"\w{3,}")
STOP = {"les", "des", "une", "pour", "dans", "avec", "and", "the", "for", "من", "في", "على", "إلى"}


def _words(profile: Profile) -> Counter[str]:
    text = " ".join([profile.description_ar, profile.description_fr, profile.offers, profile.seeks])
    return Counter(w for w in _WORD.findall(normalise(text)) if w not in STOP)


def _cosine(a: Counter[str], b: Counter[str], idf: dict[str, float]) -> float:
    dot = sum(a[w] * b[w] * idf.get(w, 1.0) ** 2 for w in a.keys() & b.keys())
    if not dot:
        return 0.0
    norm = math.sqrt(sum((c * idf.get(w, 1.0)) ** 2 for w, c in a.items()))
    norm *= math.sqrt(sum((c * idf.get(w, 1.0)) ** 2 for w, c in b.items()))
    return float(dot / norm)


def suggestions(profile: Profile, limit: int = 20) -> list[Suggestion]:
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


# --- Agendas ------------------------------------------------------------------------------


@dataclass
class AgendaItem:
    slot: SlotTime
    meeting: Meeting
    others: list[Profile]


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


def upcoming(profile: Profile, *, limit: int) -> list[AgendaItem]:
    """The next meetings of the agenda, those not over yet."""
    now = timezone.now()
    return [item for item in agenda(profile) if item.slot.ends() > now][:limit]


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
