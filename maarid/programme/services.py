"""The programme's writes and rules: rooms, speakers and sessions (no room or speaker booked
twice, within the edition's opening hours), registration up to the places then a waiting list,
cancellation that moves the waiting list up exactly once, check-in at the door, door phones,
messages and reminders. The reads are in ``selectors``.

Seats are counted under the session's row lock (``select_for_update``): on PostgreSQL thirty
people asking for the last place at once are served one after the other, so the session is
never over-booked; SQLite serialises writers anyway.
"""

import dataclasses
import datetime
import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypedDict, TypeVar, Unpack

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, QuerySet, Value
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from maarid.core import access, messaging, prepared, uploads
from maarid.core.formatting import datetime_, time
from maarid.core.models import ApiToken, User
from maarid.core.phones import normalise_phone
from maarid.core.services import absolute_url
from maarid.exhibitors.models import Exhibitor
from maarid.fairs.models import Edition
from maarid.floorplan.models import Zone
from maarid.registry.models import Organisation

from .models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    CheckIn,
    DoorDevice,
    Holder,
    Language,
    Registration,
    Room,
    Session,
    Speaker,
    Track,
)

_T = TypeVar("_T")

MAX_NAME = 150
MAX_ORGANISATION = 200
MAX_GROUP = 30  # people an exhibitor's member registers at once
LANGUAGES = ("ar", "fr", "en")


def require_organiser(user: User | None, edition: Edition) -> None:
    if user is None or not access.is_organiser(user, edition.series_id):
        raise PermissionDenied


# The hot paths (registering, the door phones) read through queries compiled once per process
# and prepared once per connection (core.prepared): compiling them cost more than running them.
_LOCK: prepared.Compiled[dict[str, Any]] = prepared.Compiled(
    "maarid_programme_lock",
    lambda pk: Session.objects.select_for_update().filter(pk=pk).order_by().values("pk")[:1],
)
_CHECK_IN_BY_KEY: prepared.Compiled[CheckIn] = prepared.Compiled(
    "maarid_programme_check_in_by_key",
    lambda session, key: CheckIn.objects.filter(session_id=session, key=key).order_by("pk")[:1],
    model=CheckIn,
    related=("registration",),
)
_CHECK_IN_OF: prepared.Compiled[CheckIn] = prepared.Compiled(
    "maarid_programme_check_in_of",
    lambda registration: CheckIn.objects.filter(registration_id=registration).order_by("pk")[:1],
    model=CheckIn,
)
_BY_CODE: prepared.Compiled[Registration] = prepared.Compiled(
    "maarid_programme_registration_by_code",
    # Not the model's ordering: four tables joined to sort one row.
    lambda code: Registration.objects.filter(code=code).order_by("pk")[:1],
    model=Registration,
)


def _seats_query(by_user: bool, by_phone: bool, by_email: bool) -> prepared.Compiled[Any]:
    """What a registration must know once it holds the session's lock, in one statement:
    the places taken, whether this person (known by account, phone or e-mail) already holds a
    place or waits, and the last rank on the waiting list."""

    def build(
        session: Any, user: Any = None, phone: Any = None, email: Any = None
    ) -> QuerySet[Any, Any]:
        same = Q()
        if by_user:
            same |= Q(user_id=user)
        if by_phone:
            same |= Q(phone=phone)
        if by_email:
            same |= Q(email=email)
        return (
            Registration.objects.filter(session_id=session, status__in=Registration.ACTIVE)
            .order_by()
            .values("session_id")
            .annotate(
                registered=Count("pk", filter=Q(status=Registration.Status.REGISTERED)),
                same_person=Count("pk", filter=same) if same else Value(0),
                last_waiting=Max("waiting_position", filter=Q(status=Registration.Status.WAITING)),
            )
            .values("registered", "same_person", "last_waiting")
        )

    shape = "".join("1" if known else "0" for known in (by_user, by_phone, by_email))
    return prepared.Compiled("maarid_programme_seats_" + shape, build)


# One per way a person is known (an account, a phone, an e-mail, several, or none).
_SEATS = {
    (u, p, e): _seats_query(u, p, e)
    for u in (False, True)
    for p in (False, True)
    for e in (False, True)
}


def _lock(session: Session) -> None:
    """Takes the session's row lock until the transaction ends: every change to its seats
    is made by one request at a time."""
    _LOCK.first(pk=session.pk)


# --- Tracks, rooms, speakers ------------------------------------------------------------------


def _names(name_ar: str, name_fr: str, *, limit: int = 120) -> tuple[str, str]:
    name_ar, name_fr = (name_ar or "").strip(), (name_fr or "").strip()
    if not (name_ar or name_fr):
        raise ValidationError(_("Give a name in Arabic or in French."))
    if len(name_ar) > limit or len(name_fr) > limit:
        raise ValidationError(_("This name is too long."))
    return name_ar, name_fr


def create_track(
    *, actor: User, edition: Edition, name_ar: str, name_fr: str, order: int = 0
) -> Track:
    require_organiser(actor, edition)
    name_ar, name_fr = _names(name_ar, name_fr)
    return Track.objects.create(edition=edition, name_ar=name_ar, name_fr=name_fr, order=order)


def create_room(
    *,
    actor: User,
    edition: Edition,
    name_ar: str,
    name_fr: str,
    capacity: int,
    zone: Zone | None = None,
    order: int = 0,
) -> Room:
    require_organiser(actor, edition)
    name_ar, name_fr = _names(name_ar, name_fr)
    if not 1 <= capacity <= 100_000:
        raise ValidationError(_("A room seats between 1 and 100,000 people."))
    if zone is not None and zone.venue.edition_id != edition.pk:
        raise ValidationError(_("This zone is not on this edition's floor plan."))
    return Room.objects.create(
        edition=edition,
        name_ar=name_ar,
        name_fr=name_fr,
        capacity=capacity,
        zone=zone,
        order=order,
    )


class SpeakerFields(TypedDict, total=False):
    organisation: Organisation | None
    affiliation_ar: str
    affiliation_fr: str
    bio_ar: str
    bio_fr: str
    email: str
    phone: str


def create_speaker(
    *,
    actor: User,
    edition: Edition,
    name_ar: str,
    name_fr: str,
    photo: File[bytes] | None = None,
    **fields: Unpack[SpeakerFields],
) -> Speaker:
    """A speaker; a photo is checked by its content and stored cleaned of its metadata."""
    require_organiser(actor, edition)
    name_ar, name_fr = _names(name_ar, name_fr, limit=150)
    speaker = Speaker(edition=edition, name_ar=name_ar, name_fr=name_fr, **fields)
    if speaker.phone:
        speaker.phone = normalise_phone(speaker.phone)
    if speaker.email:
        validate_email(speaker.email)
    speaker.full_clean(exclude=["edition", "organisation", "user"])
    if photo is not None:
        kind = uploads.check_document(photo, kinds=uploads.PHOTO_KINDS)
        speaker.photo = uploads.store(photo, "programme/speakers", kind)
        speaker.thumbnail = uploads.thumbnail(speaker.photo)
    speaker.save()
    return speaker


# --- Sessions ---------------------------------------------------------------------------------


class SessionFields(TypedDict, total=False):
    kind: str
    title_ar: str
    title_fr: str
    description_ar: str
    description_fr: str
    track: Track | None
    room: Room
    capacity: int | None
    language: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    registration_opens_at: datetime.datetime | None
    registration_closes_at: datetime.datetime | None
    published: bool


def _describe(session: Session) -> str:
    start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    return f"« {session.title} » ({datetime_(start, 'short')}–{time(end.time())})"


def clashes(
    *, edition: Edition, session: Session, speaker_ids: Iterable[int]
) -> tuple[list[Session], list[Session]]:
    """The other sessions of the edition at the same time in the same room, and those at the
    same time with one of the same speakers."""
    overlapping = (
        Session.objects.filter(
            edition=edition, starts_at__lt=session.ends_at, ends_at__gt=session.starts_at
        )
        .exclude(pk=session.pk)
        .order_by("starts_at", "pk")
    )
    same_room = list(overlapping.filter(room_id=session.room_id))
    ids = list(speaker_ids)
    same_speaker = list(overlapping.filter(speakers__in=ids).distinct()) if ids else []
    return same_room, same_speaker


def _check_hours(
    edition: Edition, starts_at: datetime.datetime, ends_at: datetime.datetime
) -> None:
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A session ends after it starts.")})
    day = start.date()
    if end.date() != day:
        raise ValidationError({"ends_at": _("A session starts and ends on the same day.")})
    if not edition.starts_on <= day <= edition.ends_on:
        raise ValidationError({"starts_at": _("This day is not one of the edition's days.")})
    opens, closes = edition.hours_on(day)
    if opens is None or closes is None:
        raise ValidationError({"starts_at": _("The fair is closed that day.")})
    if start.time() < opens or end.time() > closes:
        raise ValidationError(
            {
                "starts_at": _(
                    "The fair is open from %(opens)s to %(closes)s that day: "
                    "the session must fit in these hours."
                )
                % {"opens": time(opens), "closes": time(closes)}
            }
        )


@transaction.atomic
def save_session(
    *,
    actor: User,
    edition: Edition,
    session: Session | None = None,
    speakers: Sequence[Speaker] | None = None,
    **fields: Unpack[SessionFields],
) -> Session:
    """Creates or changes a session. Refused, naming the sessions it clashes with, when its
    room or one of its speakers is already taken at that time; refused outside the edition's
    opening hours. The places default to the room's seats; more places than before move the
    waiting list up."""
    require_organiser(actor, edition)
    creating = session is None
    if session is None:
        session = Session(edition=edition)
    elif session.edition_id != edition.pk:
        raise PermissionDenied
    else:
        _lock(session)
    old_capacity = session.capacity if not creating else 0
    capacity_given = "capacity" in fields and fields["capacity"] is not None
    for name, value in fields.items():
        if name == "capacity" and value is None:
            continue
        setattr(session, name, value)
    for text in ("title_ar", "title_fr", "description_ar", "description_fr"):
        setattr(session, text, (getattr(session, text) or "").strip())
    if not (session.title_ar or session.title_fr):
        raise ValidationError({"title_fr": _("Give a title in Arabic or in French.")})
    if session.kind not in Session.Kind.values:
        raise ValidationError({"kind": _("This is not one of the allowed values.")})
    if session.language not in Language.values:
        raise ValidationError({"language": _("This is not one of the allowed values.")})
    room = session.room if session.room_id else None
    if room is None or room.edition_id != edition.pk:
        raise ValidationError({"room": _("Choose a room of this edition.")})
    if session.track is not None and session.track.edition_id != edition.pk:
        raise ValidationError({"track": _("Choose a track of this edition.")})
    if creating and not capacity_given or not session.capacity:
        session.capacity = room.capacity
    if not 1 <= session.capacity <= 100_000:
        raise ValidationError({"capacity": _("A session has between 1 and 100,000 places.")})
    _check_hours(edition, session.starts_at, session.ends_at)
    opens, closes = session.registration_opens_at, session.registration_closes_at
    if opens and closes and closes <= opens:
        raise ValidationError({"registration_closes_at": _("Registration closes after it opens.")})
    if closes and closes > session.ends_at:
        raise ValidationError(
            {"registration_closes_at": _("Registration closes before the session ends.")}
        )
    speaker_list = list(speakers) if speakers is not None else None
    if speaker_list is not None and any(s.edition_id != edition.pk for s in speaker_list):
        raise ValidationError({"speakers": _("Choose speakers of this edition.")})
    speaker_ids = (
        [s.pk for s in speaker_list]
        if speaker_list is not None
        else ([] if creating else list(session.speakers.values_list("pk", flat=True)))
    )
    same_room, same_speaker = clashes(edition=edition, session=session, speaker_ids=speaker_ids)
    problems = []
    if same_room:
        problems.append(
            _("%(room)s is already taken then by %(sessions)s.")
            % {"room": room.name, "sessions": ", ".join(_describe(s) for s in same_room)}
        )
    if same_speaker:
        problems.append(
            _("A speaker already speaks then at %(sessions)s.")
            % {"sessions": ", ".join(_describe(s) for s in same_speaker)}
        )
    if problems:
        raise ValidationError(problems, code="clash")
    session.updated_at = timezone.now()
    session.save()
    if speaker_list is not None:
        session.speakers.set(speaker_list)
    if not creating and session.capacity > old_capacity:
        _fill_places(session)
    return session


def move_session(
    *, actor: User, session: Session, room: Room, starts_at: datetime.datetime
) -> Session:
    """The grid's drag: the same length, another room or time."""
    length = session.ends_at - session.starts_at
    return save_session(
        actor=actor,
        edition=session.edition,
        session=session,
        room=room,
        starts_at=starts_at,
        ends_at=starts_at + length,
    )


# --- Registration -----------------------------------------------------------------------------


def holder_for(*, user: User | None, key: str = "") -> Holder:
    """The holder of a signed-in person's registrations, else the one whose key the browser
    kept, else a new one."""
    if user is not None and user.is_authenticated:
        holder, _created = Holder.objects.get_or_create(user=user)
        return holder
    if key:
        found = Holder.objects.filter(key=key, user__isnull=True).first()
        if found is not None:
            return found
    return Holder.objects.create()


@dataclasses.dataclass(frozen=True)
class Person:
    name: str
    phone: str = ""
    email: str = ""
    organisation_name: str = ""


def clean_person(
    *, name: str, phone: str = "", email: str = "", organisation_name: str = "", user: User | None
) -> Person:
    """A name and a phone or an e-mail, checked; a signed-in person's own by default."""
    name = " ".join((name or "").split())
    phone, email = (phone or "").strip(), (email or "").strip().lower()
    organisation_name = " ".join((organisation_name or "").split())
    if user is not None:
        name = name or user.get_full_name() or user.get_username()
        if not phone and not email:
            phone, email = user.phone or "", user.email or ""
    if not name:
        raise ValidationError({"name": _("Give the person's name.")}, code="required")
    if len(name) > MAX_NAME:
        raise ValidationError(
            {"name": _("A name has at most %(limit)d characters.") % {"limit": MAX_NAME}},
            code="too_long",
        )
    if len(organisation_name) > MAX_ORGANISATION:
        raise ValidationError(
            {
                "organisation_name": _("An organisation's name has at most %(limit)d characters.")
                % {"limit": MAX_ORGANISATION}
            },
            code="too_long",
        )
    if not phone and not email:
        raise ValidationError(
            {"phone": _("Give a phone number or an e-mail address.")}, code="required"
        )
    if phone:
        try:
            phone = normalise_phone(phone)
        except ValidationError as error:
            raise ValidationError({"phone": error.messages}, code="phone") from error
    if email:
        if len(email) > 254:
            raise ValidationError({"email": _("Enter a valid e-mail address.")}, code="email")
        try:
            validate_email(email)
        except ValidationError as error:
            raise ValidationError(
                {"email": _("Enter a valid e-mail address.")}, code="email"
            ) from error
    return Person(name=name, phone=phone, email=email, organisation_name=organisation_name)


def check_open(session: Session, now: datetime.datetime | None = None) -> None:
    """Refuses a registration for a session that ended, whose registration closed or has not
    opened, or that is not published."""
    now = now or timezone.now()
    if not session.published:
        raise ValidationError(_("This session is not open for registration."), code="unpublished")
    if now >= session.ends_at:
        raise ValidationError(_("This session has ended."), code="ended")
    if session.registration_opens_at and now < session.registration_opens_at:
        raise ValidationError(
            _("Registration opens on %(when)s.")
            % {"when": datetime_(session.registration_opens_at, "short")},
            code="not_open",
        )
    if now >= session.registration_closes:
        raise ValidationError(_("Registration for this session is closed."), code="closed")


def _seats(session: Session, person: Person, user: User | None) -> dict[str, Any]:
    values: dict[str, Any] = {"session": session.pk}
    if user is not None:
        values["user"] = user.pk
    if person.phone:
        values["phone"] = person.phone
    if person.email:
        values["email"] = person.email
    shape = (user is not None, bool(person.phone), bool(person.email))
    return _SEATS[shape].first(**values) or {
        "registered": 0,
        "same_person": 0,
        "last_waiting": None,
    }


def _place(
    session: Session,
    person: Person,
    *,
    holder: Holder,
    user: User | None,
    language: str,
    registered_by: User | None = None,
    exhibitor: Exhibitor | None = None,
) -> Registration:
    """Registers one person; the caller holds the session's lock."""
    seats = _seats(session, person, user)
    if seats["same_person"]:
        raise ValidationError(
            _("%(name)s is already registered for this session.") % {"name": person.name},
            code="duplicate",
        )
    registration = Registration(
        session=session,
        edition_id=session.edition_id,
        holder=holder,
        user=user,
        name=person.name,
        phone=person.phone,
        email=person.email,
        organisation_name=person.organisation_name,
        registered_by=registered_by,
        exhibitor=exhibitor,
        language=language if language in LANGUAGES else "fr",
    )
    if seats["registered"] >= session.capacity:
        registration.status = Registration.Status.WAITING
        registration.waiting_position = (seats["last_waiting"] or 0) + 1
    registration.save()
    return registration


CODE_ATTEMPTS = 5


def _drawing_codes_again(place: Callable[[], _T]) -> _T:
    """Runs ``place`` (one transaction) again when a registration's code was drawn twice (one
    in 10^11): the whole transaction, because a savepoint around each insert would cost two
    more round trips on every registration to mend what almost never happens. A person
    registered twice meanwhile is caught by ``_place`` under the session's lock."""
    for _attempt in range(CODE_ATTEMPTS):
        try:
            return place()
        except IntegrityError:
            continue
    raise ValidationError(_("Please try again."))


def register(
    *,
    actor: User | None,
    session: Session,
    name: str = "",
    phone: str = "",
    email: str = "",
    organisation_name: str = "",
    language: str = "",
    holder_key: str = "",
    now: datetime.datetime | None = None,
) -> Registration:
    """Registers someone for a session: a place while there are places, else a place on the
    waiting list (the registration says which). A signed-in person registers themselves with
    one click; anyone else gives a name and a phone or an e-mail."""
    user = actor if actor is not None and actor.is_authenticated else None
    person = clean_person(
        name=name,
        phone=phone,
        email=email,
        organisation_name=organisation_name,
        user=user,
    )
    check_open(session, now)

    @transaction.atomic
    def place() -> Registration:
        holder = holder_for(user=user, key=holder_key)
        _lock(session)
        return _place(
            session,
            person,
            holder=holder,
            user=user,
            language=language or (user.language if user is not None else "") or "fr",
        )

    return _drawing_codes_again(place)


def register_several(
    *,
    actor: User,
    session: Session,
    exhibitor: Exhibitor,
    people: Sequence[Person],
    language: str = "",
    now: datetime.datetime | None = None,
) -> list[Registration]:
    """An exhibitor's member registers people of their cooperative, each with a name and a
    phone or e-mail: all or none (the message names who could not be registered). Each is
    told their code."""
    if exhibitor.edition_id != session.edition_id:
        raise PermissionDenied
    if exhibitor.organisation_id not in access.facts(actor).organisations:
        raise PermissionDenied
    if not people:
        raise ValidationError(_("Give at least one person."), code="required")
    if len(people) > MAX_GROUP:
        raise ValidationError(
            _("Register at most %(limit)d people at once.") % {"limit": MAX_GROUP},
            code="too_many",
        )
    checked = [
        clean_person(
            name=p.name,
            phone=p.phone,
            email=p.email,
            organisation_name=p.organisation_name or exhibitor.organisation.name,
            user=None,
        )
        for p in people
    ]
    check_open(session, now)

    @transaction.atomic
    def place() -> list[Registration]:
        _lock(session)
        made = [
            _place(
                session,
                person,
                holder=Holder.objects.create(),
                user=None,
                language=language or actor.language or "fr",
                registered_by=actor,
                exhibitor=exhibitor,
            )
            for person in checked
        ]
        for registration in made:
            transaction.on_commit(functools.partial(tell_registered, registration=registration))
        return made

    return _drawing_codes_again(place)


def may_manage(user: User | None, registration: Registration, holder_key: str = "") -> bool:
    """The person (by their key or account), who registered them, or an organiser."""
    if holder_key and holder_key == registration.holder.key:
        return True
    if user is None or not user.is_authenticated:
        return False
    if user.pk in (registration.user_id, registration.registered_by_id):
        return True
    return access.is_organiser(user, registration.edition.series_id)


@transaction.atomic
def cancel(
    *,
    actor: User | None,
    registration: Registration,
    holder_key: str = "",
    now: datetime.datetime | None = None,
) -> Registration | None:
    """Cancels a registration. When it held a place, the first person waiting gets it and is
    told — once, however many times the cancellation is sent. Returns who moved up, if anyone."""
    if not may_manage(actor, registration, holder_key):
        raise PermissionDenied
    session = registration.session
    now = now or timezone.now()
    if now >= session.ends_at:
        raise ValidationError(_("This session has ended."), code="ended")
    _lock(session)
    previous = (
        Registration.objects.filter(pk=registration.pk).values_list("status", flat=True).first()
    )
    done = Registration.objects.filter(pk=registration.pk, status__in=Registration.ACTIVE).update(
        status=Registration.Status.CANCELLED, cancelled_at=now, waiting_position=None
    )
    registration.refresh_from_db()
    if not done or previous != Registration.Status.REGISTERED:
        return None
    promoted = _fill_places(session, now=now)
    return promoted[0] if promoted else None


def _fill_places(session: Session, now: datetime.datetime | None = None) -> list[Registration]:
    """Moves the first people waiting up while there are places; the caller holds the lock."""
    now = now or timezone.now()
    registered = Registration.objects.filter(
        session=session, status=Registration.Status.REGISTERED
    ).count()
    free = session.capacity - registered
    if free <= 0 or now >= session.ends_at:
        return []
    moving = list(
        Registration.objects.filter(session=session, status=Registration.Status.WAITING).order_by(
            "waiting_position", "pk"
        )[:free]
    )
    for registration in moving:
        registration.status = Registration.Status.REGISTERED
        registration.waiting_position = None
        registration.promoted_at = now
        registration.save(update_fields=["status", "waiting_position", "promoted_at"])
        transaction.on_commit(functools.partial(tell_promoted, registration=registration))
    return moving


# --- Messages ---------------------------------------------------------------------------------


def registration_path(registration: Registration) -> str:
    with translation.override(registration.language):
        edition = registration.session.edition
        return reverse(
            "programme:mine", args=[edition.series.slug, edition.number, registration.holder.key]
        )


def _send(registration: Registration, subject: str, text: str) -> None:
    series_id = registration.session.edition.series_id
    if registration.email:
        messaging.email(
            registration.email,
            subject,
            text,
            language=registration.language,
            series_id=series_id,
        )
    elif registration.phone:
        messaging.sms(registration.phone, text, language=registration.language, series_id=series_id)
    elif registration.user is not None and registration.user.email:
        messaging.email(
            registration.user.email,
            subject,
            text,
            language=registration.language,
            series_id=series_id,
        )
    elif registration.user is not None and registration.user.phone:
        messaging.sms(
            registration.user.phone, text, language=registration.language, series_id=series_id
        )


def _when(session: Session) -> str:
    return datetime_(session.starts_at, "short")


def tell_registered(*, registration: Registration) -> None:
    """Someone registered by their cooperative learns their code and where to find it."""
    with translation.override(registration.language):
        session = registration.session
        if registration.status == Registration.Status.WAITING:
            text = _(
                "%(name)s, you are on the waiting list of « %(title)s » (%(when)s). "
                "We will tell you if a place frees up: %(url)s"
            )
        else:
            text = _(
                "%(name)s, you are registered for « %(title)s » (%(when)s, %(room)s). "
                "Your code at the door: %(code)s. %(url)s"
            )
        text = text % {
            "name": registration.name,
            "title": session.title,
            "when": _when(session),
            "room": session.room.name,
            "code": registration.code,
            "url": absolute_url(registration_path(registration)),
        }
        _send(registration, _("Your registration"), text)


def tell_promoted(*, registration: Registration) -> None:
    """The person who moved up from the waiting list is told they have a place."""
    with translation.override(registration.language):
        session = registration.session
        text = _(
            "Good news, %(name)s: a place freed up and you are now registered for "
            "« %(title)s » (%(when)s, %(room)s). Your code at the door: %(code)s. %(url)s"
        ) % {
            "name": registration.name,
            "title": session.title,
            "when": _when(session),
            "room": session.room.name,
            "code": registration.code,
            "url": absolute_url(registration_path(registration)),
        }
        _send(registration, _("You have a place"), text)


def message_registrants(
    *,
    actor: User,
    session: Session,
    subject: str,
    body: str,
    include_waiting: bool = False,
) -> int:
    """An organiser writes to everyone registered for a session (and those waiting, if they
    say so), through the outbox. Returns how many were written to."""
    require_organiser(actor, session.edition)
    subject, body = " ".join((subject or "").split()), (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write the message.")})
    if len(body) > 2000 or len(subject) > 200:
        raise ValidationError({"body": _("This message is too long.")})
    statuses = Registration.ACTIVE if include_waiting else (Registration.Status.REGISTERED,)
    count = 0
    for registration in Registration.objects.filter(
        session=session, status__in=statuses
    ).select_related("session__edition", "user", "holder"):
        _send(registration, subject or session.title, body)
        count += 1
    return count


REMINDERS = {
    "reminded_day_before_at": datetime.timedelta(hours=24),
    "reminded_hour_before_at": datetime.timedelta(hours=1),
}


def send_reminders(*, now: datetime.datetime | None = None) -> int:
    """Reminds the people registered for sessions starting within a day, then within an hour,
    once each (a conditional update marks the reminder before it is sent, so two runs at the
    same time do not both send it). Run every few minutes (``maarid programme-reminders``)."""
    now = now or timezone.now()
    sent = 0
    for field, ahead in REMINDERS.items():
        due = Registration.objects.filter(
            status=Registration.Status.REGISTERED,
            session__starts_at__gt=now,
            session__starts_at__lte=now + ahead,
            **{f"{field}__isnull": True},
        ).select_related("session__edition", "session__room", "user", "holder")
        for registration in due:
            marks = {field: now}
            if field == "reminded_hour_before_at":
                marks["reminded_day_before_at"] = registration.reminded_day_before_at or now
            elif registration.session.starts_at <= now + REMINDERS["reminded_hour_before_at"]:
                continue  # the hour's reminder says it
            taken = Registration.objects.filter(pk=registration.pk, **{f"{field}__isnull": True})
            if not taken.update(**marks):
                continue
            _remind(registration, soon=field == "reminded_hour_before_at")
            sent += 1
    return sent


def _remind(registration: Registration, *, soon: bool) -> None:
    session = registration.session
    with translation.override(registration.language):
        if soon:
            text = _("Reminder: « %(title)s » starts at %(time)s, %(room)s. Your code: %(code)s.")
        else:
            text = _(
                "Reminder: « %(title)s » tomorrow, %(when)s, %(room)s. Your code: %(code)s. "
                "Cannot come? Free your place: %(url)s"
            )
        text = text % {
            "title": session.title,
            "time": time(timezone.localtime(session.starts_at).time()),
            "when": _when(session),
            "room": session.room.name,
            "code": registration.code,
            "url": absolute_url(registration_path(registration)),
        }
        _send(registration, _("Reminder"), text)


# --- The door ---------------------------------------------------------------------------------


def normalise_code(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def find_by_code(*, edition: Edition, code: str) -> Registration:
    """The registration a typed code or a scanned QR code names, in this edition. Refused: a
    QR the server did not sign, a code that is not one, a code of another edition."""
    text = (code or "").strip()[:200]
    if ":" in text:  # a QR payload: the code, signed
        found = Registration.code_from_qr(text)
        if found is None:
            raise ValidationError(_("This QR code was not made by this fair."), code="forged")
        text = found
    text = normalise_code(text)
    if len(text) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in text):
        raise ValidationError(_("This is not a registration code."), code="unknown")
    registration = _BY_CODE.first(code=text)
    if registration is None:
        raise ValidationError(_("No registration has this code."), code="unknown")
    if registration.edition_id != edition.pk:
        raise ValidationError(
            _("This code is for another edition of the fair."), code="other_edition"
        )
    return registration


@dataclasses.dataclass(frozen=True)
class Admission:
    check_in: CheckIn
    # Checked in before (by another key: "already checked in at 10:42").
    already: bool = False
    # The same check-in sent again (the same key): counted once, answered the same.
    repeated: bool = False
    warning: str = ""


def _door(actor: User | None, device: DoorDevice | None, session: Session) -> None:
    if device is not None:
        if not device.active or device.edition_id != session.edition_id:
            raise PermissionDenied
        return
    require_organiser(actor, session.edition)


def _check_key(key: str) -> str:
    key = (key or "").strip()
    if not 8 <= len(key) <= 64 or not all(ch.isalnum() or ch in "-_" for ch in key):
        raise ValidationError({"key": _("This value is not in the expected form.")}, code="key")
    return key


def _clock(device_clock: datetime.datetime | None, now: datetime.datetime) -> datetime.datetime:
    """When it happened: the phone's clock if plausible (within the last day, not ahead)."""
    if device_clock is None:
        return now
    if device_clock > now + datetime.timedelta(
        minutes=5
    ) or device_clock < now - datetime.timedelta(days=1):
        return now
    return min(device_clock, now)


def check_in(
    *,
    actor: User | None,
    session: Session,
    code: str,
    key: str,
    device: DoorDevice | None = None,
    device_clock: datetime.datetime | None = None,
    offline: bool = False,
) -> Admission:
    """Lets in the holder of a registration code (typed, ticked or scanned). The same key sent
    again is the same check-in; a registration checked in before says when.

    No lock: the insert does nothing when the key or the registration is already checked in
    (unique constraints), so two phones racing on one person cannot both let them in."""
    _door(actor, device, session)
    key = _check_key(key)
    earlier = _CHECK_IN_BY_KEY.first(session=session.pk, key=key)
    if earlier is not None:
        return Admission(check_in=earlier, repeated=True)
    registration = find_by_code(edition=session.edition, code=code)
    if registration.session_id != session.pk:
        raise ValidationError(
            _("This registration is for another session: %(session)s.")
            % {"session": _describe(registration.session)},
            code="other_session",
        )
    if registration.status == Registration.Status.CANCELLED:
        raise ValidationError(_("This registration was cancelled."), code="cancelled")
    now = timezone.now()
    made = CheckIn(
        session=session,
        registration=registration,
        key=key,
        at=_clock(device_clock, now),
        device_clock=device_clock,
        received_at=now,
        device=device,
        by=actor if actor is not None and actor.is_authenticated else None,
        offline=offline,
    )
    if not prepared.insert_unless_taken(made):
        earlier = _CHECK_IN_BY_KEY.first(session=session.pk, key=key)
        if earlier is not None:  # the same key, sent twice at once
            return Admission(check_in=earlier, repeated=True)
        first = _CHECK_IN_OF.first(registration=registration.pk)
        if first is None:  # no other constraint can refuse it; never seen
            raise ValidationError(_("Please try again."))
        return Admission(check_in=first, already=True, warning=already_said(first))
    warning = ""
    if registration.status == Registration.Status.WAITING:
        warning = _("This person was on the waiting list.")
    return Admission(check_in=made, warning=warning)


def already_said(first: CheckIn) -> str:
    return _("Already checked in at %(time)s.") % {
        "time": time(timezone.localtime(first.at).time())
    }


def places_taken(session: Session) -> int:
    """Places taken at the door: every registered person (come or not yet) and every walk-in."""
    registered = Registration.objects.filter(
        session=session, status=Registration.Status.REGISTERED
    ).count()
    walk_ins = CheckIn.objects.filter(session=session, registration__isnull=True).count()
    return registered + walk_ins


@transaction.atomic
def walk_in(
    *,
    actor: User | None,
    session: Session,
    name: str,
    key: str,
    phone: str = "",
    past_capacity: bool = False,
    device: DoorDevice | None = None,
    device_clock: datetime.datetime | None = None,
    offline: bool = False,
) -> Admission:
    """Lets in someone who did not register, within the places; past them only when the
    volunteer confirms (``past_capacity``), and the check-in says so."""
    _door(actor, device, session)
    key = _check_key(key)
    earlier = CheckIn.objects.filter(session=session, key=key).order_by("pk").first()
    if earlier is not None:
        return Admission(check_in=earlier, repeated=True)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the person's name.")}, code="required")
    if len(name) > MAX_NAME:
        raise ValidationError(
            {"name": _("A name has at most %(limit)d characters.") % {"limit": MAX_NAME}},
            code="too_long",
        )
    if phone:
        try:
            phone = normalise_phone(phone)
        except ValidationError as error:
            raise ValidationError({"phone": error.messages}, code="phone") from error
    _lock(session)
    over = places_taken(session) >= session.capacity
    if over and not past_capacity and not offline:
        raise ValidationError(
            _("The session is full (%(places)d places): let them in anyway?")
            % {"places": session.capacity},
            code="full",
        )
    now = timezone.now()
    made = CheckIn.objects.create(
        session=session,
        walk_in_name=name,
        walk_in_phone=phone,
        key=key,
        at=_clock(device_clock, now),
        device_clock=device_clock,
        received_at=now,
        device=device,
        by=actor if actor is not None and actor.is_authenticated else None,
        over_capacity=over,
        offline=offline,
    )
    return Admission(
        check_in=made,
        warning=_("Let in past the session's places.") if over else "",
    )


# --- Door phones ------------------------------------------------------------------------------


@transaction.atomic
def add_door_device(*, actor: User, edition: Edition, name: str) -> tuple[DoorDevice, str]:
    """A phone for the door: its token (shown once) opens only the door's endpoints."""
    require_organiser(actor, edition)
    name = " ".join((name or "").split())
    if not name or len(name) > 60:
        raise ValidationError({"name": _("Give the phone a name (at most 60 characters).")})
    token, raw = ApiToken.issue(actor, f"{name} — {edition}"[:100], device=True)
    device = DoorDevice.objects.create(edition=edition, name=name, token=token, created_by=actor)
    return device, raw


@transaction.atomic
def revoke_door_device(*, actor: User, device: DoorDevice) -> None:
    require_organiser(actor, device.edition)
    now = timezone.now()
    device.revoked_at = now
    device.save(update_fields=["revoked_at"])
    if device.token_id:
        ApiToken.objects.filter(pk=device.token_id).update(revoked_at=now)


# --- Personal data (law 09-08) ----------------------------------------------------------------

ERASED_NAME = "—"


@transaction.atomic
def erase_person(*, actor: User | None, person: User) -> int:
    """Erases what the programme holds about a person whose account is erased: their
    registrations for sessions still to come are cancelled (the waiting list moves up), every
    registration of theirs loses its name and contacts (the attendance figures stay), their
    registrations' secret key stops working, a speaker record of theirs loses its contacts.
    Returns how many registrations were anonymised."""
    now = timezone.now()
    mine = Registration.objects.filter(user=person)
    coming = mine.filter(status__in=Registration.ACTIVE, session__starts_at__gt=now)
    for registration in coming.select_related("session__edition", "holder"):
        cancel(actor=None, registration=registration, holder_key=registration.holder.key, now=now)
    count = mine.update(name=ERASED_NAME, phone="", email="", organisation_name="", user=None)
    holder = Holder.objects.filter(user=person).first()
    if holder is not None:
        holder.key = Holder._meta.get_field("key").get_default()
        holder.user = None
        holder.save(update_fields=["key", "user"])
    Speaker.objects.filter(user=person).update(user=None, email="", phone="")
    return count
