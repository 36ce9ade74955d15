"""The visitors app's tables: the gates of an edition and the phones that count at them, the
counts themselves, the closing of a day's counts, tickets and their admission at a gate, and the
visitor survey.

Counts and admissions come from phones that may have been offline for hours: every row keeps
the phone's clock (``counted_at``, ``at``) and the server's (``received_at``), and the fair's
day it belongs to is decided by the server (Casablanca's day of a sane time). Nothing a phone
sends twice is recorded twice: counts carry a key made on the phone, a ticket is admitted once
(a unique ticket in ``Admission``), and a second admission that reached the server from an
offline phone is kept as a ``Conflict`` for the organisers rather than dropped.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maarid.core.access import Scope
from maarid.core.models import ApiToken
from maarid.fairs.models import Edition
from maarid.floorplan.models import Zone
from maarid.registry.models import Bilingual, Province


class Gate(Bilingual, models.Model):
    """An entrance of the venue where people are counted and tickets checked. It may be one
    of the floor plan's entrance zones."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="gates")
    name_ar = models.CharField(_("name in Arabic"), max_length=100, blank=True)
    name_fr = models.CharField(_("name in French"), max_length=100, blank=True)
    zone = models.ForeignKey(
        Zone, on_delete=models.SET_NULL, null=True, blank=True, related_name="gates"
    )
    counts_exits = models.BooleanField(_("exits are counted"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["edition", "position", "pk"]
        verbose_name = _("gate")
        verbose_name_plural = _("gates")

    def __str__(self):
        return self.name_fr or self.name_ar

    def access_scope(self):
        return Scope(series_ids=frozenset({self.edition.series_id}))


class GateDevice(models.Model):
    """A phone of the gate staff. It signs with a device token (an ``ApiToken`` marked as a
    device's, like a sales phone's) that opens counting and check-in at its edition, nothing
    else: not the point of sale, not the organiser's own API."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="gate_devices")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=60)
    gate = models.ForeignKey(
        Gate, on_delete=models.PROTECT, null=True, blank=True, related_name="devices"
    )
    token = models.OneToOneField(
        ApiToken, on_delete=models.PROTECT, related_name="gate_device", null=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["edition", "number"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "number"], name="gate_device_number"),
        ]
        verbose_name = _("gate phone")
        verbose_name_plural = _("gate phones")

    def __str__(self):
        return self.name

    def access_scope(self):
        return Scope(series_ids=frozenset({self.edition.series_id}))


class Direction(models.TextChoices):
    IN = "in", _("Entries")
    OUT = "out", _("Exits")


class Count(models.Model):
    """Some taps of a gate's counter (+1, +5, or −1 to correct), as one phone sent them.

    ``key`` is made on the phone: the same batch sent again is recorded once. ``day`` is the
    fair's day of ``at``: the phone's clock when it is plausible, else the server's time
    (``clock_wrong`` says so). A count received after its day was closed is kept and flagged
    ``late``, so the closed figure stays what it was and the difference shows."""

    key = models.UUIDField()
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="+")
    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, related_name="counts")
    device = models.ForeignKey(
        GateDevice, on_delete=models.PROTECT, null=True, blank=True, related_name="counts"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.IN)
    amount = models.SmallIntegerField(_("amount"))
    counted_at = models.DateTimeField(null=True, blank=True)  # the phone's clock, as sent
    at = models.DateTimeField(_("time"))
    received_at = models.DateTimeField(default=timezone.now)
    day = models.DateField(_("day"))
    clock_wrong = models.BooleanField(default=False)
    offline = models.BooleanField(default=False)
    late = models.BooleanField(_("after closing"), default=False)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="count_once_per_edition"),
        ]
        indexes = [
            models.Index(fields=["edition", "day", "gate"], name="count_edition_day"),
            models.Index(fields=["gate", "day", "direction"], name="count_gate_day"),
        ]
        verbose_name = _("count")
        verbose_name_plural = _("counts")

    def __str__(self):
        return f"{self.gate} {self.day} {self.direction} {self.amount:+d}"


class DayClosing(models.Model):
    """An organiser's closing of a day's counts: the figures as they stood then."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    entries = models.PositiveIntegerField(_("entries"))
    exits = models.PositiveIntegerField(_("exits"), default=0)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["edition", "day"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "day"], name="day_closed_once"),
        ]
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")

    def __str__(self):
        return f"{self.edition} {self.day}"

    def access_scope(self):
        return Scope(series_ids=frozenset({self.edition.series_id}))


class SigningKey(models.Model):
    """The edition's Ed25519 key pair that signs its tickets. The private key stays in this
    table; gate phones receive the public key and check tickets with it offline."""

    edition = models.OneToOneField(Edition, on_delete=models.PROTECT, related_name="ticket_key")
    private_key = models.BinaryField()
    public_key = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.edition}"


class TicketType(Bilingual, models.Model):
    """A kind of ticket of an edition, with its quota per day (``Quota``)."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("Free registration for a day")
        CEREMONY = "ceremony", _("Opening ceremony invitation")
        B2B = "b2b", _("B2B day pass")
        EVENING = "evening", _("Paid evening")

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="ticket_types")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name_ar = models.CharField(_("name in Arabic"), max_length=100, blank=True)
    name_fr = models.CharField(_("name in French"), max_length=100, blank=True)
    price = models.DecimalField(
        _("price paid on site (MAD)"), max_digits=9, decimal_places=2, default=0
    )
    public = models.BooleanField(_("open to registration"), default=True)

    class Meta:
        ordering = ["edition", "pk"]
        verbose_name = _("ticket type")
        verbose_name_plural = _("ticket types")

    def __str__(self):
        return self.name_fr or self.name_ar

    def access_scope(self):
        return Scope(series_ids=frozenset({self.edition.series_id}), public=self.public)


class Quota(models.Model):
    """How many tickets of a type may be issued for a day (a type is valid on its quotas' days)."""

    type = models.ForeignKey(TicketType, on_delete=models.CASCADE, related_name="quotas")
    day = models.DateField(_("day"))
    places = models.PositiveIntegerField(_("places"))

    class Meta:
        ordering = ["type", "day"]
        constraints = [models.UniqueConstraint(fields=["type", "day"], name="quota_per_day")]
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")

    def __str__(self):
        return f"{self.type} {self.day}: {self.places}"


def ticket_code() -> str:
    """A ticket's code: in its link and typed at a gate when the QR code will not scan."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class Ticket(models.Model):
    """A person's ticket for a day. ``payload`` is what its QR code carries: signed with the
    edition's key, so a gate phone with no network can tell it from a forged one."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="tickets")
    type = models.ForeignKey(TicketType, on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField(_("day"))
    code = models.CharField(max_length=12, unique=True, default=ticket_code)
    holder = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(max_length=2, default="fr")
    payload = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["edition", "day", "type"], name="ticket_edition_day")]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")

    def __str__(self):
        return self.code

    def access_scope(self):
        return Scope(series_ids=frozenset({self.edition.series_id}))


class Admission(models.Model):
    """A ticket let in: once (the ticket is unique here), at a gate, by a phone. ``at`` is when
    the phone scanned it (the server's time when online or when the phone's clock is wrong)."""

    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="admission")
    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, null=True, related_name="+")
    device = models.ForeignKey(GateDevice, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(_("time"))
    received_at = models.DateTimeField(default=timezone.now)
    offline = models.BooleanField(_("offline"), default=False)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("admission")
        verbose_name_plural = _("admissions")

    def __str__(self):
        return f"{self.ticket_id} {self.at:%Y-%m-%d %H:%M}"


class Conflict(models.Model):
    """A ticket admitted again by a phone that was offline: the person is inside twice or
    the ticket was copied. Kept for the organisers, never dropped."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="conflicts")
    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, null=True, related_name="+")
    device = models.ForeignKey(GateDevice, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(_("time"))
    received_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "device", "at"], name="conflict_reported_once"
            ),
        ]
        verbose_name = _("double admission")
        verbose_name_plural = _("double admissions")

    def __str__(self):
        return f"{self.ticket_id} {self.at:%Y-%m-%d %H:%M}"


class SurveyAnswer(models.Model):
    """One anonymous answer to the visitor survey. ``respondent`` is a hash of a random id
    kept in the phone's cookie (no person behind it): one answer per phone and day."""

    class Heard(models.TextChoices):
        FRIENDS = "friends", _("Family or friends")
        SOCIAL = "social", _("Social networks")
        RADIO_TV = "radio_tv", _("Radio or television")
        POSTER = "poster", _("Posters in town")
        PASSING = "passing", _("Passing by")
        OTHER = "other", _("Other")

    class Spent(models.TextChoices):
        NOTHING = "0", _("Nothing")
        UNDER_100 = "1-100", _("Up to 100 MAD")
        UNDER_500 = "100-500", _("100 to 500 MAD")
        UNDER_1000 = "500-1000", _("500 to 1,000 MAD")
        MORE = "1000+", _("More than 1,000 MAD")

    class Again(models.TextChoices):
        YES = "yes", _("Yes")
        MAYBE = "maybe", _("Maybe")
        NO = "no", _("No")

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    respondent = models.CharField(max_length=64)
    heard = models.CharField(_("how they heard"), max_length=10, choices=Heard.choices)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    bought = models.JSONField(_("what they bought"), default=list)
    spent = models.CharField(_("spent"), max_length=10, choices=Spent.choices)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"))
    again = models.CharField(_("would come again"), max_length=5, choices=Again.choices)
    language = models.CharField(max_length=2, default="fr")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "day", "respondent"], name="one_answer_per_phone_day"
            ),
            models.CheckConstraint(
                condition=models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="satisfaction_1_to_5",
            ),
        ]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")

    def __str__(self):
        return f"{self.edition} {self.day}"
