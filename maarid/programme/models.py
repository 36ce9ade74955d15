"""The programme app's tables: tracks, rooms, speakers, sessions, registrations, check-ins at the
door and the door phones.

A session's seats are guarded by its row: every registration, cancellation and walk-in locks the
session (``select_for_update``) before counting, so thirty people asking for the last place at
once get one answer each and the room is never over-booked by the server. The waiting list is
ordered by ``waiting_position``; a cancellation moves up exactly one person, under the same lock.

A registration is found at the door by its ``code`` (eight characters of an alphabet without 0/O,
1/I/L, so it can be read aloud and typed on a phone) or by its QR code, which carries the code
signed by the server (a forged QR is recognised without looking anything up). A check-in carries
a key made by the door phone: sent three times (the network dropped, the volunteer tapped again),
it counts once.
"""

import secrets

from django.conf import settings
from django.core import signing
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maarid.core.access import Scope
from maarid.core.models import ApiToken
from maarid.exhibitors.models import Exhibitor
from maarid.fairs.models import Edition
from maarid.floorplan.models import Zone
from maarid.registry.models import Bilingual, Organisation

# Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L), upper case only.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
QR_PREFIX = "MRDP1"
_QR_SALT = "maarid.programme.registration"


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_key() -> str:
    return secrets.token_urlsafe(18)


class Language(models.TextChoices):
    ARABIC = "ar", _("Arabic")
    FRENCH = "fr", _("French")
    BOTH = "ar-fr", _("Arabic and French")
    ENGLISH = "en", _("English")


class Track(Bilingual, models.Model):
    """A theme the programme is read by (entrepreneurship, e-marketing, cooperatives …)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="tracks")
    name_ar = models.CharField(_("name in Arabic"), max_length=120)
    name_fr = models.CharField(_("name in French"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["edition", "order", "pk"]
        verbose_name = _("track")
        verbose_name_plural = _("tracks")

    def __str__(self):
        return self.name

    def access_scope(self):
        return self.edition.access_scope()


class Room(Bilingual, models.Model):
    """A room or a tent of the edition where sessions take place, with its seats; a zone of the
    floor plan when there is one (the session is then shown on the map)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="rooms")
    name_ar = models.CharField(_("name in Arabic"), max_length=120)
    name_fr = models.CharField(_("name in French"), max_length=120)
    capacity = models.PositiveIntegerField(_("seats"))
    zone = models.ForeignKey(
        Zone,
        verbose_name=_("zone of the floor plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programme_rooms",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["edition", "order", "pk"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")

    def __str__(self):
        return self.name

    def access_scope(self):
        return self.edition.access_scope()


class Speaker(Bilingual, models.Model):
    """Someone who leads or speaks at sessions: their name in Arabic and in Latin letters, their
    organisation (an organisation of the registry, or its name as typed), a short bio, a photo
    checked and cleaned by ``core.uploads``."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="speakers")
    name_ar = models.CharField(_("name in Arabic"), max_length=150, blank=True)
    name_fr = models.CharField(_("name in Latin letters"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programme_speakers",
    )
    affiliation_ar = models.CharField(_("organisation in Arabic"), max_length=200, blank=True)
    affiliation_fr = models.CharField(_("organisation in French"), max_length=200, blank=True)
    bio_ar = models.TextField(_("short bio in Arabic"), max_length=800, blank=True)
    bio_fr = models.TextField(_("short bio in French"), max_length=800, blank=True)
    photo = models.CharField(max_length=200, blank=True)
    thumbnail = models.CharField(max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True)  # E.164
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programme_speakers",
    )

    class Meta:
        ordering = ["edition", "name_fr", "name_ar", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(name_ar="", name_fr=""), name="speaker_has_a_name"
            ),
        ]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self):
        return self.name

    @property
    def affiliation(self) -> str:
        if self.organisation is not None:
            return self.organisation.name
        return self.localised("affiliation")

    def access_scope(self):
        return self.edition.access_scope()


class Session(Bilingual, models.Model):
    """A seminar, workshop, training, awareness session, ceremony or partner's talk: when and
    where, who speaks, how many may come and when they may register."""

    class Kind(models.TextChoices):
        SEMINAR = "seminar", _("Seminar")
        WORKSHOP = "workshop", _("Workshop")
        TRAINING = "training", _("Training")
        AWARENESS = "awareness", _("Awareness session")
        CEREMONY = "ceremony", _("Ceremony")
        PARTNER_TALK = "partner_talk", _("Talk by a partner institution")

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="sessions")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title_ar = models.CharField(_("title in Arabic"), max_length=200, blank=True)
    title_fr = models.CharField(_("title in French"), max_length=200, blank=True)
    description_ar = models.TextField(_("description in Arabic"), max_length=3000, blank=True)
    description_fr = models.TextField(_("description in French"), max_length=3000, blank=True)
    speakers = models.ManyToManyField(
        Speaker, verbose_name=_("speakers"), blank=True, related_name="sessions"
    )
    track = models.ForeignKey(
        Track,
        verbose_name=_("track"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
    )
    room = models.ForeignKey(
        Room, verbose_name=_("room"), on_delete=models.PROTECT, related_name="sessions"
    )
    # The room's seats unless the organiser says fewer (a workshop round a table) or more.
    capacity = models.PositiveIntegerField(_("places"))
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.BOTH
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    # Empty: registration opens when the session is published / closes when it starts.
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "room", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after"
            ),
            models.CheckConstraint(
                condition=~models.Q(title_ar="", title_fr=""), name="session_has_a_title"
            ),
        ]
        indexes = [models.Index(fields=["edition", "starts_at"], name="session_edition_time")]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return self.localised("title")

    @property
    def description(self) -> str:
        return self.localised("description")

    @property
    def registration_closes(self):
        """When registration closes: the organiser's time, else the session's start."""
        return self.registration_closes_at or self.starts_at

    def access_scope(self):
        return Scope(
            series_ids=frozenset({self.edition.series_id}),
            public=self.published and self.edition.status != Edition.Status.DRAFT,
        )


class Holder(models.Model):
    """Whoever holds registrations: a signed-in person, or someone who registered with a name
    and a phone or e-mail from a browser. Its secret key opens their registrations and their
    calendar feed; a stranger typing someone's phone gets a holder of their own, never theirs."""

    key = models.CharField(max_length=32, unique=True, default=new_key)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="programme_holder",
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.key[:6]}…"


class Registration(models.Model):
    """One person's place (or place in the queue) at a session."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE = (Status.REGISTERED, Status.WAITING)

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="registrations")
    # Copied from the session: a code of another edition is recognised as such at the door.
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(Holder, on_delete=models.PROTECT, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programme_registrations",
    )
    name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=16, blank=True)  # E.164
    email = models.EmailField(_("e-mail"), blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    # An exhibitor's member registering people of their cooperative.
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programme_registrations_made",
    )
    exhibitor = models.ForeignKey(
        Exhibitor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programme_registrations",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REGISTERED
    )
    waiting_position = models.PositiveIntegerField(null=True, blank=True)
    code = models.CharField(_("code"), max_length=CODE_LENGTH, unique=True, default=new_code)
    language = models.CharField(_("language for messages"), max_length=2, default="fr")
    created_at = models.DateTimeField(default=timezone.now)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_day_before_at = models.DateTimeField(null=True, blank=True)
    reminded_hour_before_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "status", "waiting_position", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=models.Q(user__isnull=False, status__in=["registered", "waiting"]),
                name="registration_once_per_user",
            ),
            models.UniqueConstraint(
                fields=["session", "phone"],
                condition=~models.Q(phone="") & models.Q(status__in=["registered", "waiting"]),
                name="registration_once_per_phone",
            ),
            models.UniqueConstraint(
                fields=["session", "email"],
                condition=~models.Q(email="") & models.Q(status__in=["registered", "waiting"]),
                name="registration_once_per_email",
            ),
            models.UniqueConstraint(
                fields=["session", "waiting_position"],
                condition=models.Q(status="waiting"),
                name="registration_waiting_place",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status"], name="registration_session_status"),
            models.Index(fields=["edition", "exhibitor"], name="registration_exhibitor"),
        ]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self):
        return f"{self.name} — {self.code}"

    @property
    def qr_payload(self) -> str:
        """What the QR code of the registration says: the code, signed by the server."""
        return signing.Signer(salt=_QR_SALT).sign(f"{QR_PREFIX}:{self.code}")

    @staticmethod
    def code_from_qr(payload: str) -> str | None:
        """The code a QR payload carries, or None for one the server did not sign."""
        try:
            value = signing.Signer(salt=_QR_SALT).unsign(payload.strip())
        except signing.BadSignature:
            return None
        prefix, _sep, code = value.partition(":")
        return code if prefix == QR_PREFIX else None

    def access_scope(self):
        return Scope(
            organisation_ids=(
                frozenset({self.exhibitor.organisation_id})
                if self.exhibitor is not None
                else frozenset()
            ),
            series_ids=frozenset({self.edition.series_id}),
            reader_ids=frozenset(u for u in (self.user_id, self.registered_by_id) if u),
        )


class DoorDevice(models.Model):
    """A volunteer's phone at the door of the edition's sessions. It signs its requests with a
    device token (``core.ApiToken`` with ``device=True``, as the sales phones do): the token opens
    only the door's endpoints, and only for this edition, so a lost phone is not a lost account."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="door_devices")
    name = models.CharField(_("name"), max_length=60)
    token = models.OneToOneField(
        ApiToken, on_delete=models.PROTECT, related_name="door_device", null=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["edition", "pk"]
        verbose_name = _("door phone")
        verbose_name_plural = _("door phones")

    def __str__(self):
        return self.name

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def access_scope(self):
        return Scope(series_ids=frozenset({self.edition.series_id}))


class CheckIn(models.Model):
    """Someone let in at a session: a registration, or a walk-in by name. ``key`` is made by the
    door phone (or the page) and unique per session: the same check-in sent again is found, not
    doubled. A registration is checked in once; the second time says when the first was."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="check_ins")
    registration = models.OneToOneField(
        Registration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="check_in",
    )
    walk_in_name = models.CharField(_("name"), max_length=150, blank=True)
    walk_in_phone = models.CharField(_("phone"), max_length=16, blank=True)
    key = models.CharField(max_length=64)
    at = models.DateTimeField(_("checked in at"), default=timezone.now)
    device_clock = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    device = models.ForeignKey(
        DoorDevice, on_delete=models.PROTECT, null=True, blank=True, related_name="check_ins"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A walk-in let in past the session's places, after the volunteer was warned.
    over_capacity = models.BooleanField(_("past capacity"), default=False)
    offline = models.BooleanField(_("made offline"), default=False)

    class Meta:
        ordering = ["session", "at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "key"], name="check_in_once_per_key"),
            # A registration is let in once: the door's insert relies on it, not on a lock.
            models.UniqueConstraint(
                fields=["registration"],
                condition=models.Q(registration__isnull=False),
                name="check_in_once_per_registration",
            ),
            models.CheckConstraint(
                condition=models.Q(registration__isnull=False) | ~models.Q(walk_in_name=""),
                name="check_in_names_someone",
            ),
        ]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.registration.name if self.registration is not None else self.walk_in_name

    def access_scope(self):
        return Scope(series_ids=frozenset({self.session.edition.series_id}))
