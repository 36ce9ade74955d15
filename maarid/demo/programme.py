"""The reference fair's programme: eight tracks on the themes the fair announced
(entrepreneurship, innovation and export, clusters, cooperative management, quality and
standards, e-marketing and solidarity marketing, logistics, selling online from a phone), four
rooms (the stage, the workshops tent and the institutions' space are zones of the floor plan
when it is loaded; the Wilaya's training room is not), fifteen speakers of the partner
institutions, 40 sessions over the ten days (``data/programme.json``), a few thousand
registrations (some sessions full with a waiting list, a few cancelled), and who came: the
registered people checked in at the door and the walk-ins; and the certificates issued (the
participation certificates of the people checked in at the first workshops and trainings, and
every speaker's), as records: their PDFs are laid out when first downloaded.

Sessions, rooms, tracks and speakers go through the programme's services (their rules: no room
or speaker booked twice, within the opening hours); registrations and check-ins, thousands of
them, are made with bulk_create so that ``maarid demo`` stays quick (the sessions are in 2024:
registration for them has long closed). Deterministic and idempotent like the rest of the demo:
the edition's programme is rebuilt on each load (its certificates too: their codes are new
ones, drawn by the certificates' service). No message is sent.
"""

import datetime
import random
from zoneinfo import ZoneInfo

from maarid.core.access import Role
from maarid.core.models import Certificate, User
from maarid.fairs.models import Edition, SeriesRole
from maarid.floorplan.models import Zone
from maarid.programme import certificates, services
from maarid.programme.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    CheckIn,
    DoorDevice,
    Holder,
    Registration,
    Room,
    Session,
    Speaker,
    Track,
)
from maarid.registry.models import Organisation

from . import content

SEED = 2024
LOCAL = ZoneInfo("Africa/Casablanca")
_FILE = content.read_json("programme.json")
FILL = _FILE["fill"]


def load(edition: Edition, keyed: dict[str, Organisation] | None = None) -> int:
    """Loads the programme of ``edition``; returns the registrations made."""
    rng = random.Random(SEED)
    keyed = keyed or {}
    clear(edition)
    actor = _organiser(edition)
    tracks = {
        row["key"]: services.create_track(
            actor=actor, edition=edition, name_ar=row["name_ar"], name_fr=row["name_fr"], order=i
        )
        for i, row in enumerate(_FILE["tracks"])
    }
    about = {row["key"]: row for row in _FILE["tracks"]}
    zones = {z.kind: z for z in Zone.objects.filter(venue__edition=edition).order_by("pk")}
    rooms = {
        row["key"]: services.create_room(
            actor=actor,
            edition=edition,
            name_ar=row["name_ar"],
            name_fr=row["name_fr"],
            capacity=row["capacity"],
            zone=zones.get(row["zone"]) if row["zone"] else None,
            order=i,
        )
        for i, row in enumerate(_FILE["rooms"])
    }
    institutions = {i.key: i for i in content.INSTITUTIONS}
    speakers = {}
    for row in _FILE["speakers"]:
        institution = institutions[row["institution"]]
        speakers[row["key"]] = services.create_speaker(
            actor=actor,
            edition=edition,
            name_ar=row["name_ar"],
            name_fr=row["name_fr"],
            organisation=keyed.get(f"institution:{institution.key}"),
            affiliation_ar=institution.name_ar,
            affiliation_fr=institution.name_fr,
            bio_ar=row["bio_ar"],
            bio_fr=row["bio_fr"],
        )
    sessions = []
    for row in _FILE["sessions"]:
        day = datetime.date.fromisoformat(row["day"])
        kind = _FILE["kinds"][row["kind"]]
        track = about.get(row["track"]) if row["track"] else None
        sessions.append(
            services.save_session(
                actor=actor,
                edition=edition,
                speakers=[speakers[key] for key in row["speakers"]],
                kind=row["kind"],
                title_ar=row["title_ar"],
                title_fr=row["title_fr"],
                description_ar=" ".join(filter(None, [track and track["about_ar"], kind["ar"]])),
                description_fr=" ".join(filter(None, [track and track["about_fr"], kind["fr"]])),
                track=tracks[row["track"]] if row["track"] else None,
                room=rooms[row["room"]],
                capacity=row.get("capacity"),
                language="ar-fr",
                starts_at=_at(day, row["start"]),
                ends_at=_at(day, row["end"]),
                published=True,
            )
        )
    made = _registrations(rng, edition, sessions)
    _certificates(edition, actor, sessions)
    return made


# Participation certificates go to the people checked in at this many sessions (the first
# workshops and trainings); every speaker gets theirs.
CERTIFIED_SESSIONS = 4


def _certificates(edition: Edition, actor: User, sessions: list[Session]) -> None:
    """The certificates issued the day after the fair, through the programme's service."""
    certified = [s for s in sessions if s.kind in ("workshop", "training")][:CERTIFIED_SESSIONS]
    certificates.issue(
        actor=actor, edition=edition, kind=certificates.PARTICIPATION, sessions=certified
    )
    certificates.issue(actor=actor, edition=edition, kind=certificates.SPEAKER)
    issued = datetime.datetime.combine(
        edition.ends_on + datetime.timedelta(days=1), datetime.time(10), tzinfo=LOCAL
    )
    Certificate.objects.filter(group=certificates.group_of(edition)).update(issued_at=issued)


def clear(edition: Edition) -> None:
    # Certificates are never deleted in use (revoked, replaced); the demo's are rebuilt.
    issued = Certificate.objects.filter(group=certificates.group_of(edition))
    issued.update(replaced_by=None)
    issued.delete()
    holders = list(
        Registration.objects.filter(edition=edition, holder__user__isnull=True).values_list(
            "holder_id", flat=True
        )
    )
    CheckIn.objects.filter(session__edition=edition).delete()
    Registration.objects.filter(edition=edition).delete()
    Holder.objects.filter(pk__in=holders, registrations__isnull=True).delete()
    Session.objects.filter(edition=edition).delete()
    Speaker.objects.filter(edition=edition).delete()
    Room.objects.filter(edition=edition).delete()
    Track.objects.filter(edition=edition).delete()
    DoorDevice.objects.filter(edition=edition, token__isnull=True).delete()


def _organiser(edition: Edition) -> User:
    """The series' organiser (the demo's organiser account): the programme's services check it."""
    role = (
        SeriesRole.objects.filter(series=edition.series, role=Role.ORGANISER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if role is None:
        raise RuntimeError("The demo's programme needs an organiser of the series.")
    return role.user


def _at(day: datetime.date, text: str) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.fromisoformat(text), tzinfo=LOCAL)


class People:
    """The people who register: a name (in Arabic letters for those who read Arabic, else in
    Latin ones), a phone of their own, their messages' language and the key of their
    registrations; drawn once and reused, since many come to several sessions."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.rows: list[tuple[str, str, str, Holder]] = []
        self.phones: set[str] = set()

    def new(self) -> tuple[str, str, str, Holder]:
        rng = self.rng
        women = rng.random() < 0.55
        first = rng.choice(content.FIRST_NAMES_WOMEN if women else content.FIRST_NAMES_MEN)
        last = rng.choice(content.LAST_NAMES)
        language = "ar" if rng.random() < FILL["language_ar"] else "fr"
        name = f"{first[1]} {last[1]}" if language == "ar" else f"{first[0]} {last[0]}"
        while True:
            prefix = rng.choice(content.MOBILE_PREFIXES)
            phone = f"+212{prefix}{rng.randint(0, 9_999_999):07d}"
            if phone not in self.phones:
                self.phones.add(phone)
                break
        key = "".join(rng.choice("abcdefghijkmnpqrstuvwxyz23456789") for _ in range(24))
        row = (name, phone, language, Holder(key=key, created_at=content.CREATED_AT))
        self.rows.append(row)
        return row

    def draw(self, count: int) -> list[tuple[str, str, str, Holder]]:
        """``count`` different people: some who came to earlier sessions, the others new."""
        chosen: dict[str, tuple[str, str, str, Holder]] = {}
        while len(chosen) < count:
            if self.rows and self.rng.random() < FILL["repeat"]:
                row = self.rng.choice(self.rows)
            else:
                row = self.new()
            chosen.setdefault(row[1], row)
        return list(chosen.values())


def _code(rng: random.Random, taken: set[str]) -> str:
    while True:
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            return code


def _registrations(rng: random.Random, edition: Edition, sessions: list[Session]) -> int:
    people = People(rng)
    planned = []
    for session in sessions:
        wanted = round(session.capacity * rng.uniform(FILL["lowest"], FILL["highest"]))
        planned.append((session, people.draw(wanted)))
    Holder.objects.bulk_create([row[3] for row in people.rows], batch_size=500)
    taken = set(Registration.objects.values_list("code", flat=True))
    registrations: list[Registration] = []
    for session, chosen in planned:
        waiting = 0
        registered = 0
        for name, phone, language, holder in chosen:
            created = max(
                session.starts_at - datetime.timedelta(minutes=rng.randint(60, 14 * 24 * 60)),
                content.CREATED_AT,
            )
            registration = Registration(
                session=session,
                edition=edition,
                holder=holder,
                name=name,
                phone=phone,
                language=language,
                code=_code(rng, taken),
                created_at=created,
            )
            if registered < session.capacity:
                if rng.random() < FILL["cancelled"]:
                    registration.status = Registration.Status.CANCELLED
                    registration.cancelled_at = created + datetime.timedelta(hours=6)
                else:
                    registered += 1
            else:
                waiting += 1
                registration.status = Registration.Status.WAITING
                registration.waiting_position = waiting
            registrations.append(registration)
    Registration.objects.bulk_create(registrations, batch_size=500)
    _attendance(rng, sessions, registrations, people)
    return len(registrations)


def _attendance(
    rng: random.Random,
    sessions: list[Session],
    registrations: list[Registration],
    people: People,
) -> None:
    """Most registered people come, checked in from a little before the start to a little
    after; a few walk in on the spot while there are places."""
    by_session: dict[int, list[Registration]] = {}
    for registration in registrations:
        by_session.setdefault(registration.session_id, []).append(registration)
    check_ins: list[CheckIn] = []
    for session in sessions:
        came = rng.uniform(*FILL["came"])
        mine = by_session.get(session.pk, [])
        registered = [r for r in mine if r.status == Registration.Status.REGISTERED]
        for registration in registered:
            if rng.random() >= came:
                continue
            at = session.starts_at + datetime.timedelta(minutes=rng.randint(-15, 20))
            check_ins.append(
                CheckIn(
                    session=session,
                    registration=registration,
                    key=f"demo-{registration.code}",
                    at=at,
                    received_at=at,
                )
            )
        free = session.capacity - len(registered)
        walk_ins = min(free, round(session.capacity * rng.uniform(*FILL["walk_ins"])))
        for n in range(max(walk_ins, 0)):
            name = people.new()[0]
            at = session.starts_at + datetime.timedelta(minutes=rng.randint(0, 30))
            check_ins.append(
                CheckIn(
                    session=session,
                    walk_in_name=name,
                    key=f"demo-walk-in-{session.pk}-{n}",
                    at=at,
                    received_at=at,
                )
            )
    CheckIn.objects.bulk_create(check_ins, batch_size=500)
