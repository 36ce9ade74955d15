"""Fair series, their editions, partners, opening hours, and who runs them."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maarid.core.access import Role, Scope
from maarid.registry.models import Bilingual, Commune, Organisation, Region

# Page addresses that an edition's series slug must not shadow (/<lang>/<series-slug>/…).
RESERVED_SLUGS = {
    "pos",
    "receipts",
    "products",
    "search",
    "accounts",
    "about",
    "privacy",
    "people",
    "outbox",
    "organisations",
    "admin",
    "jsi18n",
    "api",
    "static",
    "files",
    "i18n",
    "observatory",
}


def validate_series_slug(value):
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This short name is reserved; choose another one."))


class Series(Bilingual, models.Model):
    """A fair that comes back, e.g. the regional SSE fair of Tanger-Tétouan-Al Hoceima.
    Organiser rights are given per series."""

    slug = models.SlugField(
        _("short name in addresses"), max_length=50, unique=True, validators=[validate_series_slug]
    )
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    name_fr = models.CharField(_("name in French"), max_length=200)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    # The series' own registry: organisations its organisers may manage.
    organisations = models.ManyToManyField(
        Organisation, through="SeriesOrganisation", related_name="series", blank=True
    )

    class Meta:
        ordering = ["slug"]
        verbose_name = _("fair series")
        verbose_name_plural = _("fair series")

    def __str__(self):
        return self.name

    def access_scope(self):
        return Scope(series_ids=frozenset({self.pk}), public=True)


class SeriesOrganisation(models.Model):
    series = models.ForeignKey(Series, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "organisation"], name="unique_series_org")
        ]

    def __str__(self):
        return f"{self.organisation} ∈ {self.series}"


class SeriesRole(models.Model):
    ROLE_CHOICES = [(r.value, r.label) for r in (Role.ORGANISER, Role.REVIEWER, Role.JUROR)]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="series_roles"
    )
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=10, choices=ROLE_CHOICES)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "series", "role"], name="unique_series_role")
        ]
        verbose_name = _("role in a fair series")
        verbose_name_plural = _("roles in fair series")

    def __str__(self):
        return f"{self.user}: {self.get_role_display()} — {self.series}"

    def access_scope(self):
        return Scope(series_ids=frozenset({self.series_id}))


class EditionQuerySet(models.QuerySet["Edition"]):
    def public(self) -> "EditionQuerySet":
        return self.exclude(status=Edition.Status.DRAFT)


MAX_DAYS = 366


def usual_opening():
    return datetime.time(10)


def usual_closing():
    return datetime.time(22)


class Edition(Bilingual, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPLICATIONS = "applications", _("Applications open")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

    # The order an edition moves through; an organiser may also step back one stage.
    FLOW = [Status.DRAFT, Status.APPLICATIONS, Status.RUNNING, Status.CLOSED]

    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="editions")
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    name_ar = models.CharField(_("name in Arabic"), max_length=200, blank=True)
    name_fr = models.CharField(_("name in French"), max_length=200, blank=True)
    city = models.ForeignKey(
        Commune, verbose_name=_("city"), on_delete=models.PROTECT, related_name="+"
    )
    venue_ar = models.CharField(_("venue in Arabic"), max_length=200, blank=True)
    venue_fr = models.CharField(_("venue in French"), max_length=200, blank=True)
    area_m2 = models.PositiveIntegerField(_("area (m²)"), null=True, blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    opens_at = models.TimeField(_("opens at"), default=usual_opening)
    closes_at = models.TimeField(_("closes at"), default=usual_closing)
    directions_ar = models.TextField(_("how to get there, in Arabic"), blank=True)
    directions_fr = models.TextField(_("how to get there, in French"), blank=True)
    slogan_ar = models.CharField(_("slogan in Arabic"), max_length=300, blank=True)
    slogan_fr = models.CharField(_("slogan in French"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["series", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="unique_edition_number"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="edition_dates"
            ),
        ]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")

    def __str__(self):
        return self.name or f"{self.series} #{self.number}"

    def get_absolute_url(self):
        return reverse("fairs:edition", args=[self.series.slug, self.number])

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day comes before the first day.")})
        if self.starts_on and self.ends_on and (self.ends_on - self.starts_on).days >= MAX_DAYS:
            # Every figure lists the edition's days: 9999 years of them would take hours.
            raise ValidationError({"ends_on": _("An edition lasts a year at most.")})
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("Closing time must be after opening time.")})

    @property
    def slogan(self):
        return self.localised("slogan")

    @property
    def venue(self):
        return self.localised("venue")

    @property
    def directions(self):
        return self.localised("directions")

    @property
    def map_url(self):
        """The venue on OpenStreetMap (a link out: no map is embedded, the fair's network is
        often poor)."""
        from urllib.parse import quote

        place = ", ".join(filter(None, [self.venue_fr, self.city.name_fr, "Maroc"]))
        return f"https://www.openstreetmap.org/search?query={quote(place)}"

    @property
    def days(self):
        return (self.ends_on - self.starts_on).days + 1

    def dates(self) -> list[datetime.date]:
        """Every day of the edition, first to last."""
        return [self.starts_on + datetime.timedelta(days=n) for n in range(self.days)]

    def access_scope(self):
        return Scope(
            series_ids=frozenset({self.series_id}), public=self.status != self.Status.DRAFT
        )

    def hours_on(self, day):
        """Opening and closing time on a day: a special row if there is one, else the usual."""
        special = next((h for h in self.opening_hours.all() if h.day == day), None)
        if special:
            return (None, None) if special.closed else (special.opens_at, special.closes_at)
        return self.opens_at, self.closes_at


class OpeningHours(models.Model):
    """Hours that differ from the edition's usual ones on one day (or a day closed)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="opening_hours")
    day = models.DateField(_("day"))
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    closed = models.BooleanField(_("closed all day"), default=False)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "day"], name="unique_hours_per_day")
        ]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self):
        return f"{self.day}: {self.opens_at}–{self.closes_at}"

    def clean(self):
        edition, day = self.edition, self.day
        if (
            day
            and edition.starts_on
            and edition.ends_on
            and not (edition.starts_on <= day <= edition.ends_on)
        ):
            raise ValidationError({"day": _("This day is not one of the edition's days.")})
        if not self.closed:
            if not (self.opens_at and self.closes_at):
                raise ValidationError(_("Give the opening and closing times, or tick closed."))
            if self.closes_at <= self.opens_at:
                raise ValidationError({"closes_at": _("Closing time must be after opening time.")})

    def access_scope(self):
        return self.edition.access_scope()


class Partner(models.Model):
    class Role(models.TextChoices):
        ORGANISER = "organiser", _("Organiser")
        CO_ORGANISER = "co_organiser", _("Co-organiser")
        INSTITUTIONAL = "institutional", _("Institutional partner")
        SPONSOR = "sponsor", _("Sponsor")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="partnerships",
    )
    role = models.CharField(_("role"), max_length=14, choices=Role.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "organisation"], name="unique_partner")
        ]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"

    def access_scope(self):
        return self.edition.access_scope()
