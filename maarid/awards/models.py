"""The awards of an edition: categories judged by a jury or computed from the fair's own data,
the jury's criteria, jurors, their declared conflicts and scores, and each category's result.

A judged category is scored by its jurors, criterion by criterion, on a scale; a computed one
applies a rule (highest sales, oldest cooperative, …) with its parameters. Either kind names its
winners in a ``Result`` that keeps the trail: which rows, which rule, the runner-ups, how ties
were broken. Once the jury's chair locks a result nothing of the category changes any more
(scores, jurors, criteria, the winners); it may then be published on the edition's winners page.

The crafts at risk of disappearing are data the organisers keep per edition, with the artisans
practising them and since when: the rule "oldest artisan in a craft at risk" reads them.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from maarid.core.access import Scope
from maarid.exhibitors.models import Exhibitor
from maarid.fairs.models import Edition, Partner
from maarid.programme.models import Session
from maarid.registry.models import Bilingual

MAX_PLACES = 10


class Trilingual(Bilingual):
    """Names typed in Arabic and French, and in English if the organisers want: English pages
    show the English name when there is one, the French one otherwise."""

    def localised(self, field: str) -> str:
        if translation.get_language() == "en":
            english = getattr(self, f"{field}_en", "")
            if english:
                return english
        return super().localised(field)


class Rule(models.TextChoices):
    """The computed awards' rules (``maarid.awards.rules`` applies them to plain data)."""

    HIGHEST_SALES = "highest_sales", _("Highest sales at the fair")
    OLDEST_COOPERATIVE = "oldest_cooperative", _("Oldest cooperative")
    OLDEST_ARTISAN = "oldest_artisan", _("Oldest artisan in a craft at risk")
    MOST_DEALS = "most_deals", _("Most B2B deals")
    MOST_VISITED_SESSION = "most_visited_session", _("Most visited session")


# What each rule ranks by, and its second measure (the tie-break), as the results page says it.
MEASURES = {
    Rule.HIGHEST_SALES: (
        _("Net turnover at the fair (MAD): sales, less voids and refunds"),
        _("number of sales (voided ones taken off)"),
    ),
    Rule.OLDEST_COOPERATIVE: (
        _("Founding date in the registry (the earliest first)"),
        _("number of members"),
    ),
    Rule.OLDEST_ARTISAN: (_("Years of practice of a craft at risk"), ""),
    Rule.MOST_DEALS: (_("B2B meetings reported as a deal"), _("amount of the deals (MAD)")),
    Rule.MOST_VISITED_SESSION: (_("People checked in at the session"), _("registrations")),
    "jury": (
        _("Mean of the jurors' weighted totals, out of 100"),
        _("mean mark on the heaviest criterion"),
    ),
    "jury-normalised": (
        _("Mean of the jurors' z-scores"),
        _("mean mark on the heaviest criterion"),
    ),
}


class TieBreak(models.TextChoices):
    SHARED = "shared", _("Tied candidates share the place (ex aequo)")
    SECONDARY = (
        "secondary",
        _("The second measure decides (judged: the heaviest criterion; computed: the rule's own)"),
    )


class AwardCategory(Trilingual, models.Model):
    class Kind(models.TextChoices):
        JUDGED = "judged", _("Judged by a jury")
        COMPUTED = "computed", _("Computed from the fair's data")

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="award_categories")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name_ar = models.CharField(_("name in Arabic"), max_length=150, blank=True)
    name_fr = models.CharField(_("name in French"), max_length=150, blank=True)
    name_en = models.CharField(_("name in English"), max_length=150, blank=True)
    places = models.PositiveSmallIntegerField(
        _("number of winners"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PLACES)],
    )
    # Eligibility: empty lists mean every kind, every sector.
    eligible_kinds = models.JSONField(_("eligible kinds"), default=list, blank=True)
    eligible_sectors = models.JSONField(_("eligible sectors"), default=list, blank=True)
    first_time_only = models.BooleanField(_("first-time exhibitors only"), default=False)
    rule = models.CharField(_("rule"), max_length=24, choices=Rule.choices, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    tie_break = models.CharField(
        _("tie-break"), max_length=10, choices=TieBreak.choices, default=TieBreak.SHARED
    )
    normalise = models.BooleanField(_("normalise each juror's scores (z-score)"), default=False)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["edition", "position", "pk"]
        verbose_name = _("award category")
        verbose_name_plural = _("award categories")

    def __str__(self):
        return self.name_fr or self.name_ar or self.name_en

    def access_scope(self):
        return Scope(series_ids=frozenset({self.edition.series_id}))


class Criterion(Trilingual, models.Model):
    """What a judged category's jurors score, on a scale from ``low`` to ``high``; a criterion's
    weight counts in the category's total."""

    category = models.ForeignKey(AwardCategory, on_delete=models.PROTECT, related_name="criteria")
    name_ar = models.CharField(_("name in Arabic"), max_length=120, blank=True)
    name_fr = models.CharField(_("name in French"), max_length=120, blank=True)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    low = models.PositiveSmallIntegerField(_("lowest mark"), default=0)
    high = models.PositiveSmallIntegerField(
        _("highest mark"), default=10, validators=[MaxValueValidator(100)]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["category", "position", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self):
        return self.name_fr or self.name_ar or self.name_en


class Juror(models.Model):
    """A member of a judged category's jury; its chair locks the results."""

    category = models.ForeignKey(AwardCategory, on_delete=models.PROTECT, related_name="jurors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="award_juries"
    )
    chair = models.BooleanField(_("chair of the jury"), default=False)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["category", "-chair", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["category", "user"], name="awards_one_seat"),
        ]
        verbose_name = _("juror")
        verbose_name_plural = _("jurors")

    def __str__(self):
        return str(self.user)


class Conflict(models.Model):
    """A conflict of interest a juror declared with an exhibitor (a relative, a client…). A
    juror who is a member of the exhibiting organisation is recused without declaring it."""

    juror = models.ForeignKey(Juror, on_delete=models.PROTECT, related_name="conflicts")
    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["juror", "exhibitor"], name="awards_one_conflict"),
        ]
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")

    def __str__(self):
        return f"{self.juror} / {self.exhibitor_id}"


class Score(models.Model):
    """One juror's mark for one exhibitor on one criterion, with a note and a photo taken at
    the booth if they want (the photo is checked and stored by ``core.uploads``)."""

    juror = models.ForeignKey(Juror, on_delete=models.PROTECT, related_name="scores")
    category = models.ForeignKey(AwardCategory, on_delete=models.PROTECT, related_name="scores")
    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.PositiveSmallIntegerField(_("mark"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    photo = models.CharField(max_length=200, blank=True)  # storage name (core.uploads)
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["category", "exhibitor", "criterion__position", "juror"]
        constraints = [
            models.UniqueConstraint(
                fields=["juror", "exhibitor", "criterion"], name="awards_one_mark"
            ),
        ]
        verbose_name = _("score")
        verbose_name_plural = _("scores")

    def __str__(self):
        return f"{self.juror} / {self.exhibitor_id} / {self.criterion_id}: {self.value}"


class Result(models.Model):
    """A category's outcome: computed again on demand until the chair (or, for a computed
    award, an organiser) locks it; published on the winners page when the organisers say so."""

    category = models.OneToOneField(AwardCategory, on_delete=models.PROTECT, related_name="result")
    computed_at = models.DateTimeField(default=timezone.now)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    normalised = models.BooleanField(default=False)
    tie_break = models.CharField(max_length=10, choices=TieBreak.choices)
    trail = models.JSONField(default=dict)  # which rows, which rule, runner-ups, ties
    locked = models.BooleanField(_("locked"), default=False)
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self):
        return str(self.category)


class Winner(models.Model):
    """A place of a result: an exhibitor, or a session for the session rule. Tied candidates
    sharing a place have the same rank."""

    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="winners")
    rank = models.PositiveSmallIntegerField(_("rank"))
    exhibitor = models.ForeignKey(
        Exhibitor, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    label = models.CharField(max_length=250)
    measure = models.CharField(max_length=60)  # the figure that placed it, as text

    class Meta:
        ordering = ["result", "rank", "pk"]
        verbose_name = _("winner")
        verbose_name_plural = _("winners")

    def __str__(self):
        return f"{self.rank}. {self.label}"


class CraftAtRisk(Bilingual, models.Model):
    """A craft at risk of disappearing, as the organisers of an edition list them."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="crafts_at_risk")
    name_ar = models.CharField(_("name in Arabic"), max_length=120, blank=True)
    name_fr = models.CharField(_("name in French"), max_length=120, blank=True)

    class Meta:
        ordering = ["edition", "name_fr", "pk"]
        verbose_name = _("craft at risk")
        verbose_name_plural = _("crafts at risk")

    def __str__(self):
        return self.name_fr or self.name_ar


class ArtisanPractice(models.Model):
    """An exhibitor practising a craft at risk, and since which year."""

    craft = models.ForeignKey(CraftAtRisk, on_delete=models.PROTECT, related_name="practices")
    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.PROTECT, related_name="+")
    since = models.PositiveSmallIntegerField(
        _("practising since (year)"), validators=[MinValueValidator(1900)]
    )

    class Meta:
        ordering = ["craft", "since", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["craft", "exhibitor"], name="awards_one_practice"),
        ]
        verbose_name = _("practice of a craft at risk")
        verbose_name_plural = _("practices of crafts at risk")

    def __str__(self):
        return f"{self.exhibitor_id} / {self.craft} ({self.since})"


class CeremonyItem(Bilingual, models.Model):
    """A moment of the closing ceremony, in its running order: a speech, a shield given to a
    partner, an award given to its winners, or anything else the organisers announce."""

    class Kind(models.TextChoices):
        SPEECH = "speech", _("Speech")
        SHIELD = "shield", _("Shield to a partner")
        AWARD = "award", _("Award")
        OTHER = "other", _("Other")

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="ceremony")
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    name_ar = models.CharField(_("title in Arabic"), max_length=200, blank=True)
    name_fr = models.CharField(_("title in French"), max_length=200, blank=True)
    person = models.CharField(_("who speaks or hands over"), max_length=200, blank=True)
    minutes = models.PositiveSmallIntegerField(
        _("minutes"), default=5, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    # A partner removed from the edition leaves the running order with its shield.
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    category = models.ForeignKey(
        AwardCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["edition", "position", "pk"]
        verbose_name = _("moment of the ceremony")
        verbose_name_plural = _("running order of the ceremony")

    def __str__(self):
        return self.name_fr or self.name_ar or self.get_kind_display()
