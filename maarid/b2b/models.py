"""B2B meetings of an edition: the programme (days, slots, tables), buyers' and sellers'
profiles, meeting requests (bilateral or group), the schedule, check-in and outcomes."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maarid.catalogue.models import Category, Label
from maarid.core.access import Scope
from maarid.fairs.models import Edition
from maarid.registry.models import Bilingual, Organisation

from . import schedule


class Programme(models.Model):
    """The B2B meetings of an edition: when they happen (days, hours, slot length) and whether
    requests are open and the schedule published."""

    edition = models.OneToOneField(Edition, on_delete=models.CASCADE, related_name="b2b")
    days = models.JSONField(_("days"), default=list, help_text=_("ISO dates"))
    starts_at = models.TimeField(_("first meeting at"), default=datetime.time(9, 30))
    ends_at = models.TimeField(_("last meeting ends at"), default=datetime.time(17, 0))
    afternoon_from = models.TimeField(_("afternoon from"), default=datetime.time(13, 0))
    # A pause with no meetings (lunch): slots do not overlap it.
    pause_from = models.TimeField(_("pause from"), null=True, blank=True)
    pause_until = models.TimeField(_("pause until"), null=True, blank=True)
    slot_minutes = models.PositiveSmallIntegerField(
        _("minutes per meeting"), default=20, validators=[MinValueValidator(5)]
    )
    requests_open = models.BooleanField(_("requests open"), default=True)
    max_breaks = models.PositiveSmallIntegerField(
        _("at most this many breaks per person"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(20)],
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("B2B programme")
        verbose_name_plural = _("B2B programmes")

    def __str__(self):
        return str(self.edition)

    def access_scope(self):
        return Scope(series_ids=frozenset({self.edition.series_id}))

    def dates(self) -> list[datetime.date]:
        return [datetime.date.fromisoformat(d) for d in self.days]

    def slots(self) -> list["SlotTime"]:
        """Every slot of every day, numbered from 0 across the days."""
        result: list[SlotTime] = []
        length = datetime.timedelta(minutes=self.slot_minutes)
        for day in self.dates():
            start = datetime.datetime.combine(day, self.starts_at)
            end = datetime.datetime.combine(day, self.ends_at)
            while start + length <= end:
                if self.pause_until is not None and self._in_pause(
                    start.time(), (start + length).time()
                ):
                    start = datetime.datetime.combine(day, self.pause_until)
                    continue
                session = schedule.AM if start.time() < self.afternoon_from else schedule.PM
                result.append(
                    SlotTime(len(result), day, start.time(), (start + length).time(), session)
                )
                start += length
        return result

    def _in_pause(self, start: datetime.time, end: datetime.time) -> bool:
        if self.pause_from is None or self.pause_until is None:
            return False
        return start < self.pause_until and end > self.pause_from


class SlotTime:
    """A slot as people read it: its day and hours."""

    def __init__(
        self,
        index: int,
        day: datetime.date,
        start: datetime.time,
        end: datetime.time,
        session: str,
    ):
        self.index, self.day, self.start, self.end, self.session = index, day, start, end, session

    def __repr__(self):
        return f"SlotTime({self.index}, {self.day} {self.start})"

    def starts(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.day, self.start))

    def ends(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.day, self.end))


class Table(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="tables")
    number = models.PositiveSmallIntegerField(_("number"))
    capacity = models.PositiveSmallIntegerField(
        _("seats"), default=2, validators=[MinValueValidator(2), MaxValueValidator(30)]
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="b2b_table_number")
        ]

    def __str__(self):
        return f"{self.number}"


class Side(models.TextChoices):
    SELLER = "seller", _("Seller")
    BUYER = "buyer", _("Buyer")


class Profile(Bilingual, models.Model):
    """An organisation taking part in the edition's B2B meetings, as a seller or a buyer."""

    class Language(models.TextChoices):
        ARABIC = "ar", _("Arabic")
        FRENCH = "fr", _("French")
        ENGLISH = "en", _("English")
        SPANISH = "es", _("Spanish")
        AMAZIGH = "zgh", _("Amazigh")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="profiles")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="b2b_profiles"
    )
    side = models.CharField(_("taking part as"), max_length=6, choices=Side.choices)
    description_ar = models.TextField(_("presentation in Arabic"), blank=True)
    description_fr = models.TextField(_("presentation in French"), blank=True)
    offers = models.TextField(_("what we offer"), blank=True)
    seeks = models.TextField(_("what we are looking for"), blank=True)
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    categories = models.ManyToManyField(
        Category, verbose_name=_("product categories"), blank=True, related_name="+"
    )
    certifications = models.ManyToManyField(
        Label, verbose_name=_("certifications and labels"), blank=True, related_name="+"
    )
    volumes = models.CharField(_("volumes"), max_length=200, blank=True)
    export_markets = models.CharField(_("export markets"), max_length=200, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    attendees = models.CharField(_("who attends"), max_length=200, blank=True)
    # Slots (indices of Programme.slots()) when nobody of the organisation can meet.
    unavailable = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation__name_fr"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "organisation"], name="b2b_one_profile")
        ]
        verbose_name = _("B2B profile")
        verbose_name_plural = _("B2B profiles")

    def __str__(self):
        return str(self.organisation)

    @property
    def name(self):
        return self.organisation.name

    @property
    def description(self):
        return self.localised("description")

    def access_scope(self):
        # Profiles are read by every participant of the programme (to find whom to meet);
        # see services.may_view_profile.
        return Scope(
            organisation_ids=frozenset({self.organisation_id}),
            series_ids=frozenset({self.programme.edition.series_id}),
        )


class Meeting(models.Model):
    """A meeting asked for by one side (or added by the organisers): one buyer and one seller,
    or, for a group meeting, one buyer and several sellers at a bigger table."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    class Session(models.TextChoices):
        ANY = "", _("Any time")
        MORNING = schedule.AM, _("Morning")
        AFTERNOON = schedule.PM, _("Afternoon")

    class Priority(models.IntegerChoices):
        HIGH = 1, _("High")
        NORMAL = 2, _("Normal")
        LOW = 3, _("Low")

    class Attendance(models.TextChoices):
        UNKNOWN = "", _("Not checked")
        HELD = "held", _("Held")
        MISSED = "missed", _("No-show")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="meetings")
    buyer = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="buying")
    sellers = models.ManyToManyField(Profile, related_name="selling")
    requested_by = models.ForeignKey(
        Profile, on_delete=models.SET_NULL, null=True, blank=True, related_name="asked"
    )
    by_organiser = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    message = models.CharField(_("message"), max_length=300, blank=True)
    session = models.CharField(_("session"), max_length=2, choices=Session.choices, blank=True)
    after = models.ForeignKey(
        "self",
        verbose_name=_("after the meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    pinned_slot = models.PositiveSmallIntegerField(null=True, blank=True)
    pinned_table = models.ForeignKey(
        Table, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The schedule: where the meeting takes place (None: not placed), and whether people were
    # told (announced meetings stay in place when the schedule is run again).
    slot = models.PositiveSmallIntegerField(null=True, blank=True)
    table = models.ForeignKey(
        Table, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    announced = models.BooleanField(default=False)
    unplaced_reason = models.JSONField(default=dict, blank=True)
    attendance = models.CharField(
        _("attendance"), max_length=6, choices=Attendance.choices, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["slot", "table__number", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self):
        return f"{self.buyer} – " + ", ".join(str(s) for s in self.sellers.all())

    def access_scope(self):
        return Scope(
            organisation_ids=frozenset(
                {
                    self.buyer.organisation_id,
                    *self.sellers.values_list("organisation_id", flat=True),
                }
            ),
            series_ids=frozenset({self.programme.edition.series_id}),
        )


class Outcome(models.Model):
    """What came of a meeting, as one of its participants reports it."""

    class Result(models.TextChoices):
        NO_INTEREST = "none", _("No interest")
        LEAD = "lead", _("A lead to follow")
        SAMPLE = "sample", _("Sample order")
        DEAL = "deal", _("Deal")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="outcomes")
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="outcomes")
    result = models.CharField(_("result"), max_length=6, choices=Result.choices)
    amount = models.DecimalField(
        _("amount of the deal (MAD)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    # Empty for outcomes loaded rather than reported (the demo's).
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "profile"], name="b2b_one_outcome")
        ]

    def __str__(self):
        return f"{self.meeting_id}: {self.result}"
