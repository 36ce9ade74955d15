"""The call for exhibitors of an edition, applications, reviews, the selection, and the
exhibitor record that the floor plan, catalogue and point of sale build on."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maarid.core.access import Scope
from maarid.fairs.models import Edition
from maarid.registry.models import Bilingual, Kind, Organisation, Sector


class Call(models.Model):
    """The call for exhibitors of one edition: dates, places, eligibility, rubric, quotas."""

    class Aggregation(models.TextChoices):
        MEAN = "mean", _("Mean of the reviewers' scores")
        NORMALISED = "normalised", _("Mean of scores normalised per reviewer")

    edition = models.OneToOneField(Edition, on_delete=models.CASCADE, related_name="call")
    opens_on = models.DateField(_("applications open on"))
    closes_on = models.DateField(_("applications close on"))
    places = models.PositiveIntegerField(_("number of places"), validators=[MinValueValidator(1)])
    waitlist_size = models.PositiveIntegerField(
        _("length of the waiting list"),
        default=30,
        help_text=_("Eligible applicants beyond the waiting list are declined."),
    )
    eligible_kinds = models.JSONField(_("eligible kinds"), default=list, blank=True)
    eligible_sectors = models.JSONField(_("eligible sectors"), default=list, blank=True)
    women_min_share = models.PositiveSmallIntegerField(
        _("minimum share of women's cooperatives (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    province_max = models.PositiveIntegerField(_("maximum per province"), null=True, blank=True)
    first_timer_places = models.PositiveIntegerField(
        _("places reserved for first-time exhibitors"),
        default=0,
        help_text=_("Released to everyone when fewer first-time exhibitors apply."),
    )
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"), default=2, validators=[MinValueValidator(2)]
    )
    aggregation = models.CharField(
        _("how reviewers' scores are combined"),
        max_length=10,
        choices=Aggregation.choices,
        default=Aggregation.MEAN,
    )
    disagreement = models.DecimalField(
        _("spread between reviewers shown as a disagreement"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("2.50"),
        help_text=_("On the 0–10 scale of the total score."),
    )
    decisions_published_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("call for exhibitors")
        verbose_name_plural = _("calls for exhibitors")

    def __str__(self):
        return f"{self.edition}"

    def clean(self):
        errors = {}
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = _("The call closes before it opens.")
        if self.places is not None and (self.first_timer_places or 0) > self.places:
            errors["first_timer_places"] = _("More places are reserved than the call has places.")
        if errors:
            raise ValidationError(errors)
        unknown = set(self.eligible_kinds or []) - set(Kind.values)
        unknown |= set(self.eligible_sectors or []) - set(Sector.values)
        if unknown:
            raise ValidationError(
                _("Unknown kinds or sectors: %(values)s") % {"values": ", ".join(sorted(unknown))}
            )

    def access_scope(self):
        return Scope(
            series_ids=frozenset({self.edition.series_id}),
            public=self.edition.status != Edition.Status.DRAFT,
            assessed=True,
        )

    def is_open(self, day=None):
        day = day or timezone.localdate()
        return self.opens_on <= day <= self.closes_on

    def is_eligible(self, organisation) -> bool:
        return (not self.eligible_kinds or organisation.kind in self.eligible_kinds) and (
            not self.eligible_sectors or organisation.sector in self.eligible_sectors
        )


class SectorQuota(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="sector_quotas")
    sector = models.CharField(_("sector"), max_length=14, choices=Sector.choices)
    minimum = models.PositiveIntegerField(_("at least"), null=True, blank=True)
    maximum = models.PositiveIntegerField(_("at most"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "sector"], name="unique_sector_quota")
        ]
        verbose_name = _("sector quota")
        verbose_name_plural = _("sector quotas")

    def __str__(self):
        return f"{self.get_sector_display()}: {self.minimum or 0}–{self.maximum or '∞'}"

    def clean(self):
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValidationError(_("The minimum is above the maximum."))


class Criterion(Bilingual, models.Model):
    """One line of the scoring rubric. Reviewers mark each criterion from 0 to 10; the total
    is the weighted mean, also on 0–10."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    name_ar = models.CharField(_("name in Arabic"), max_length=120)
    name_fr = models.CharField(_("name in French"), max_length=120)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self):
        return self.name


class RequiredDocument(Bilingual, models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="required_documents")
    name_ar = models.CharField(_("name in Arabic"), max_length=120)
    name_fr = models.CharField(_("name in French"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")

    def __str__(self):
        return self.name


class BoothSize(models.IntegerChoices):
    SMALL = 9, _("9 m² (3 × 3)")
    MEDIUM = 12, _("12 m² (3 × 4)")
    LARGE = 18, _("18 m² (3 × 6)")


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Decision(models.TextChoices):
        PENDING = "pending", _("Under review")
        ACCEPTED = "accepted", _("Accepted")
        WAITLISTED = "waitlisted", _("On the waiting list")
        REJECTED = "rejected", _("Not selected")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="applications"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    motivation = models.TextField(_("why you want to exhibit"), blank=True)
    booth_size = models.PositiveSmallIntegerField(
        _("booth size"), choices=BoothSize.choices, default=BoothSize.SMALL
    )
    electricity = models.BooleanField(_("electricity"), default=False)
    water = models.BooleanField(_("water"), default=False)
    refrigeration = models.BooleanField(_("refrigeration"), default=False)
    first_time = models.BooleanField(_("first time at this fair"), default=False, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The selection's outcome, kept so that anyone can read why (see exhibitors/select.py).
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    reason = models.JSONField(default=dict, blank=True)
    # An organiser's override of the computed decision, with the reason they gave.
    pinned = models.BooleanField(null=True, blank=True)
    override_reason = models.TextField(blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    notified_decision = models.CharField(max_length=10, blank=True, editable=False)

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "organisation"], name="one_application")
        ]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self):
        return f"{self.organisation} → {self.call}"

    def get_absolute_url(self):
        edition = self.call.edition
        return reverse(
            "exhibitors:application", args=[edition.series.slug, edition.number, self.pk]
        )

    def access_scope(self):
        """The applicant's members and the series' organisers; the reviewers assigned to it
        may read it. Other reviewers may not."""
        return Scope(
            organisation_ids=frozenset({self.organisation_id}),
            series_ids=frozenset({self.call.edition.series_id}),
            reader_ids=frozenset(self.reviews.values_list("reviewer_id", flat=True)),
        )

    @property
    def editable(self):
        return self.status == self.Status.DRAFT


class ApplicationProduct(models.Model):
    """A product the applicant will bring. The application's own row: on acceptance the
    catalogue turns it into one of the organisation's products."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="products")
    name_ar = models.CharField(_("name in Arabic"), max_length=150, blank=True)
    name_fr = models.CharField(_("name in French"), max_length=150, blank=True)
    description = models.TextField(_("description"), blank=True)
    price = models.DecimalField(
        _("price (MAD)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    photo = models.CharField(max_length=200, blank=True)  # storage name (core.uploads)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("product to bring")
        verbose_name_plural = _("products to bring")

    def __str__(self):
        return self.name_fr or self.name_ar

    def clean(self):
        if not (self.name_ar or self.name_fr):
            raise ValidationError(_("Give the product's name in Arabic, in French or both."))


class ApplicationDocument(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    requirement = models.ForeignKey(
        RequiredDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file = models.CharField(max_length=200)  # storage name (core.uploads)
    kind = models.CharField(max_length=5)  # pdf, jpeg, png: detected from the content
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.original_name


class Review(models.Model):
    """One reviewer's assessment of one application: assigned, then scored."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    total = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="one_review")
        ]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self):
        return f"{self.reviewer} → {self.application}"


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(10)]
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="one_score")]

    def __str__(self):
        return f"{self.criterion}: {self.value}"


class SelectionRun(models.Model):
    """One run of the selection: what went in, what came out, kept for traceability."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="runs")
    run_at = models.DateTimeField(default=timezone.now)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    aggregation = models.CharField(max_length=10, choices=Call.Aggregation.choices)
    candidates = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    total_score = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    optimal = models.BooleanField(default=False)
    seconds = models.DecimalField(max_digits=8, decimal_places=3, default=0)
    shortfalls = models.JSONField(default=list)

    class Meta:
        ordering = ["-run_at"]
        get_latest_by = "run_at"

    def __str__(self):
        return f"{self.call} @ {self.run_at:%Y-%m-%d %H:%M}"


class Exhibitor(models.Model):
    """An organisation exhibiting at an edition: what the floor plan, the catalogue and the
    point of sale build on."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Exhibiting")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="exhibitors")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="exhibitions"
    )
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="exhibitor"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    booth_size = models.PositiveSmallIntegerField(
        _("booth size"), choices=BoothSize.choices, default=BoothSize.SMALL
    )
    electricity = models.BooleanField(_("electricity"), default=False)
    water = models.BooleanField(_("water"), default=False)
    refrigeration = models.BooleanField(_("refrigeration"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__name_fr"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "organisation"], name="one_exhibitor")
        ]
        verbose_name = _("exhibitor")
        verbose_name_plural = _("exhibitors")

    def __str__(self):
        return f"{self.organisation} @ {self.edition}"

    def access_scope(self):
        return Scope(
            organisation_ids=frozenset({self.organisation_id}),
            series_ids=frozenset({self.edition.series_id}),
            public=self.status == self.Status.ACTIVE,
        )
