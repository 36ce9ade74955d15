"""Reads of the programme: the public programme by day and by track, a session as the user may
see it (an unpublished one is a 404 to the public), the organisers' grid and lists, a person's
registrations by their key, what is on now, the door's lists and the door phone of a token."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from maarid.core import access, prepared
from maarid.core.models import User
from maarid.exhibitors.models import Exhibitor
from maarid.fairs.models import Edition

from .models import CheckIn, DoorDevice, Holder, Registration, Room, Session, Speaker, Track


def is_organiser(user: Any, edition: Edition) -> bool:
    return bool(user.is_authenticated and access.is_organiser(user, edition.series_id))


def _counted(sessions: QuerySet[Session]) -> QuerySet[Session]:
    return (
        sessions.select_related("room", "track", "room__zone__venue")
        .annotate(
            registered=Count("registrations", filter=Q(registrations__status="registered")),
            waiting=Count("registrations", filter=Q(registrations__status="waiting")),
        )
        .annotate(places_left=F("capacity") - F("registered"))
    )


def sessions_of(edition: Edition, user: Any, *, everything: bool = False) -> QuerySet[Session]:
    """The edition's sessions the user may see: the published ones; every one for its
    organisers when ``everything``. With their room, track, speakers and counts."""
    sessions = Session.objects.filter(edition=edition)
    if not (everything and is_organiser(user, edition)):
        sessions = sessions.filter(published=True)
    return (
        _counted(sessions).prefetch_related("speakers").order_by("starts_at", "room__order", "pk")
    )


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    return start, datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )


def on_day(sessions: QuerySet[Session], day: datetime.date) -> QuerySet[Session]:
    start, end = day_bounds(day)
    return sessions.filter(starts_at__gte=start, starts_at__lt=end)


@dataclass
class Day:
    day: datetime.date
    sessions: list[Session] = field(default_factory=list)


def by_day(sessions: Iterable[Session]) -> list[Day]:
    days: dict[datetime.date, Day] = {}
    for session in sessions:
        d = local_day(session.starts_at)
        days.setdefault(d, Day(d)).sessions.append(session)
    return sorted(days.values(), key=lambda d: d.day)


@dataclass
class TrackGroup:
    track: Track | None
    sessions: list[Session] = field(default_factory=list)


def by_track(sessions: Iterable[Session]) -> list[TrackGroup]:
    groups: dict[int | None, TrackGroup] = {}
    for session in sessions:
        key = session.track_id
        groups.setdefault(key, TrackGroup(session.track)).sessions.append(session)
    return sorted(
        groups.values(),
        key=lambda g: (
            g.track is None,
            g.track.order if g.track else 0,
            g.track.pk if g.track else 0,
        ),
    )


def session_for(user: Any, edition: Edition, pk: int) -> Session:
    """The session a URL names, as the user may see it: an unpublished session is a 404 to
    all but the edition's organisers."""
    session = (
        _counted(Session.objects.filter(edition=edition, pk=pk))
        .prefetch_related(
            Prefetch("speakers", queryset=Speaker.objects.select_related("organisation"))
        )
        .order_by("pk")
        .first()
    )
    if session is None or not (session.published or is_organiser(user, edition)):
        raise Http404
    session.edition = edition
    return session


# The hot paths (registering, the door phones): compiled once per process (core.prepared).
_SESSION: prepared.Compiled[Session] = prepared.Compiled(
    "maarid_programme_session",
    lambda edition, pk: Session.objects.filter(edition_id=edition, pk=pk)[:1],
    model=Session,
)
_DOOR_SESSION: prepared.Compiled[Session] = prepared.Compiled(
    "maarid_programme_door_session",
    lambda edition, pk: Session.objects.filter(edition_id=edition, pk=pk)[:1],
    model=Session,
    related=("room",),
)
_DOOR_DEVICE: prepared.Compiled[DoorDevice] = prepared.Compiled(
    "maarid_programme_door_device",
    lambda token: DoorDevice.objects.filter(token_id=token, revoked_at__isnull=True).order_by("pk")[
        :1
    ],
    model=DoorDevice,
    related=("edition", "edition__series"),
)


def session_to_register(user: Any, edition: Edition, pk: int) -> Session:
    """The session someone registers for, as ``session_for`` finds it but without its figures
    and speakers (the registration counts the places itself, under the session's lock)."""
    session = _SESSION.first(edition=edition.pk, pk=pk)
    if session is None or not (session.published or is_organiser(user, edition)):
        raise Http404
    session.edition = edition
    return session


def organised_session(user: Any, edition: Edition, pk: int) -> Session:
    session = session_for(user, edition, pk)
    if not is_organiser(user, edition):
        raise PermissionDenied
    return session


def rooms_of(edition: Edition) -> QuerySet[Room]:
    return Room.objects.filter(edition=edition).select_related("zone")


def tracks_of(edition: Edition) -> QuerySet[Track]:
    return Track.objects.filter(edition=edition)


def speakers_of(edition: Edition) -> QuerySet[Speaker]:
    return Speaker.objects.filter(edition=edition).select_related("organisation")


def room_of(edition: Edition, pk: int) -> Room | None:
    return Room.objects.filter(edition=edition, pk=pk).first()


@dataclass
class GridCell:
    room: Room
    sessions: list[Session]


@dataclass
class Grid:
    day: datetime.date
    rooms: list[Room]
    columns: list[GridCell]


def grid(edition: Edition, user: Any, day: datetime.date) -> Grid:
    """The organisers' grid of a day: a column per room, its sessions in order."""
    rooms = list(rooms_of(edition))
    sessions = list(on_day(sessions_of(edition, user, everything=True), day))
    return Grid(
        day=day,
        rooms=rooms,
        columns=[GridCell(room, [s for s in sessions if s.room_id == room.pk]) for room in rooms],
    )


def registrants(session: Session) -> QuerySet[Registration]:
    """A session's registrations, those with a place first, then the waiting list in order,
    then the cancelled; with their check-in."""
    return (
        Registration.objects.filter(session=session)
        .select_related("check_in", "exhibitor__organisation")
        .order_by("status", "waiting_position", "created_at", "pk")
    )


def exhibitor_of(user: Any, edition: Edition) -> Exhibitor | None:
    """The edition's exhibitor the user is a member of (the first), if any."""
    if not user.is_authenticated:
        return None
    organisations = access.facts(user).organisations
    return (
        Exhibitor.objects.filter(
            edition=edition, organisation_id__in=organisations, status=Exhibitor.Status.ACTIVE
        )
        .select_related("organisation")
        .order_by("pk")
        .first()
    )


def registrations_of_exhibitor(exhibitor: Exhibitor) -> QuerySet[Registration]:
    """The registrations an exhibitor's members made: theirs alone."""
    return (
        Registration.objects.filter(exhibitor=exhibitor)
        .select_related("session__room")
        .order_by("session__starts_at", "name", "pk")
    )


def holder_by_key(key: str) -> Holder:
    holder = Holder.objects.filter(key=key).first() if key and len(key) <= 32 else None
    if holder is None:
        raise Http404
    return holder


def holder_of(user: Any) -> Holder | None:
    if not user.is_authenticated:
        return None
    return Holder.objects.filter(user=user).first()


def registrations_of(holder: Holder, edition: Edition | None = None) -> QuerySet[Registration]:
    registrations = Registration.objects.filter(holder=holder)
    if edition is not None:
        registrations = registrations.filter(edition=edition)
    return registrations.select_related(
        "session__room", "session__edition__series", "check_in"
    ).order_by("session__starts_at", "pk")


def registration_of(holder: Holder, pk: int) -> Registration:
    registration = registrations_of(holder).filter(pk=pk).first()
    if registration is None:
        raise Http404
    return registration


def registration_by_pk(user: Any, edition: Edition, pk: int) -> Registration:
    """A registration an organiser, its person or who registered them opens by its number."""
    registration = (
        Registration.objects.filter(edition=edition, pk=pk)
        .select_related("session__edition", "holder")
        .first()
    )
    if registration is None or not access.can_view(user, registration):
        raise Http404
    return registration


def registration_with_code(edition: Edition, code: str) -> Registration | None:
    return Registration.objects.filter(edition=edition, code=code).select_related("session").first()


def own_registration(user: Any, session: Session) -> Registration | None:
    """The signed-in person's own active registration for the session, if any."""
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(
        session=session, user=user, status__in=Registration.ACTIVE
    ).first()


def waiting_rank(registration: Registration) -> int:
    """Where someone waiting stands in the queue (1: next to move up)."""
    if registration.status != Registration.Status.WAITING or registration.waiting_position is None:
        return 0
    return (
        Registration.objects.filter(
            session_id=registration.session_id,
            status=Registration.Status.WAITING,
            waiting_position__lt=registration.waiting_position,
        ).count()
        + 1
    )


def now_on(
    edition: Edition, now: datetime.datetime | None = None
) -> tuple[list[Session], list[Session]]:
    """What is on now and what starts next today (the published sessions)."""
    now = now or timezone.now()
    sessions = _counted(Session.objects.filter(edition=edition, published=True))
    running = list(sessions.filter(starts_at__lte=now, ends_at__gt=now).order_by("starts_at", "pk"))
    _start, end = day_bounds(local_day(now))
    later = list(
        sessions.filter(starts_at__gt=now, starts_at__lt=end).order_by("starts_at", "pk")[:3]
    )
    return running, later


# --- The door ---------------------------------------------------------------------------------


def door_list(session: Session) -> QuerySet[Registration]:
    """Who may come in: those registered (and those waiting, after), with their check-in."""
    return (
        Registration.objects.filter(session=session, status__in=Registration.ACTIVE)
        .select_related("check_in")
        .order_by("status", "name", "pk")
    )


def walk_ins(session: Session) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(session=session, registration__isnull=True).order_by("at", "pk")


@dataclass(frozen=True)
class DoorFigures:
    capacity: int
    registered: int
    checked_in: int
    walk_ins: int


def door_figures(session: Session) -> DoorFigures:
    registered = Registration.objects.filter(
        session=session, status=Registration.Status.REGISTERED
    ).count()
    counts = CheckIn.objects.filter(session=session).aggregate(
        all=Count("pk"), walk=Count("pk", filter=Q(registration__isnull=True))
    )
    return DoorFigures(
        capacity=session.capacity,
        registered=registered,
        checked_in=counts["all"],
        walk_ins=counts["walk"],
    )


def door_device_for(user: User) -> DoorDevice:
    """The door phone a device token belongs to; refused for any other token."""
    token = getattr(user, "api_token", None)
    device = _DOOR_DEVICE.first(token=token.pk) if token is not None else None
    if device is None:
        raise PermissionDenied
    return device


def door_devices_of(edition: Edition) -> QuerySet[DoorDevice]:
    return (
        DoorDevice.objects.filter(edition=edition)
        .annotate(check_in_count=Count("check_ins"))
        .order_by("-created_at", "pk")
    )


def door_session(edition: Edition, pk: int) -> Session:
    """A session of the edition for the door (published or not: the organisers decide)."""
    session = _DOOR_SESSION.first(edition=edition.pk, pk=pk)
    if session is None:
        raise Http404
    session.edition = edition
    return session


def door_device_of(edition: Edition, pk: int) -> DoorDevice:
    device = DoorDevice.objects.filter(edition=edition, pk=pk).first()
    if device is None:
        raise Http404
    return device


def door_phone_of(user: User, edition: Edition) -> DoorDevice:
    """The door phone a device token belongs to, for this edition only."""
    device = door_device_for(user)
    if device.edition_id != edition.pk:
        raise PermissionDenied
    return device


def door_sessions(edition: Edition) -> QuerySet[Session]:
    """The sessions a door phone may check people in at: all the edition's, with their room."""
    return (
        Session.objects.filter(edition=edition)
        .select_related("room")
        .order_by("starts_at", "room__order", "pk")
    )


def map_url(session: Session) -> str:
    """The floor plan's public map, when the session's room is a zone of a published plan.

    The map (``floorplan:map``) lights booths (``?booth=``, ``?q=``) and marks an entrance
    (``?here=``); it has no parameter for a zone yet, so the link opens the whole map."""
    room = session.room
    zone = room.zone if room.zone_id else None
    if zone is None or not zone.venue.published:
        return ""
    edition = session.edition
    try:
        return reverse("floorplan:map", args=[edition.series.slug, edition.number])
    except NoReverseMatch:
        return ""


def has_programme(edition: Edition) -> bool:
    return Session.objects.filter(edition=edition, published=True).exists()


def edition_figures(edition: Edition) -> dict[str, int]:
    """Sessions, registrations with a place, and people let in at the edition."""
    return {
        "sessions": Session.objects.filter(edition=edition).count(),
        "registrations": Registration.objects.filter(
            edition=edition, status=Registration.Status.REGISTERED
        ).count(),
        "check_ins": CheckIn.objects.filter(session__edition=edition).count(),
    }


def personal_registrations(user: User) -> list[dict[str, Any]]:
    """A person's registrations for a law 09-08 export: theirs, and those they made for people
    of their cooperative, with when they were let in."""
    rows = (
        Registration.objects.filter(Q(user=user) | Q(registered_by=user))
        .select_related("session__edition", "check_in")
        .order_by("created_at", "pk")
    )
    return [
        {
            "edition": str(r.session.edition),
            "session": r.session.title,
            "starts_at": r.session.starts_at.isoformat(),
            "name": r.name,
            "phone": r.phone,
            "email": r.email,
            "organisation": r.organisation_name,
            "status": r.status,
            "code": r.code,
            "registered_by_them_for_someone_else": r.user_id != user.pk,
            "created_at": r.created_at.isoformat(),
            "checked_in_at": (
                r.check_in.at.isoformat() if getattr(r, "check_in", None) is not None else None
            ),
        }
        for r in rows
    ]
