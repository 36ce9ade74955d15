"""Organisations (cooperatives, artisans, buyers, institutions) and the places of Morocco."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from maarid.core import formatting, hooks
from maarid.core.access import Scope
from maarid.core.text import searchable


class Bilingual:
    """Content typed in Arabic and French: Arabic pages show Arabic, the others French."""

    def localised(self, field: str) -> str:
        # The rule and the language the text is in: core.formatting (templates' |written).
        return formatting.written(self, field).text

    @property
    def name(self):
        return self.localised("name")


class Place(Bilingual, models.Model):
    """A place of Morocco (region, province or prefecture, commune): its names and its
    population at the 2024 census, as ``places.py`` loads them."""

    name_fr = models.CharField(_("name (French)"), max_length=100)
    name_ar = models.CharField(_("name (Arabic)"), max_length=100)
    population = models.PositiveIntegerField(_("population (2024)"), default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name


class Region(Place):
    code = models.CharField(_("code"), max_length=2, primary_key=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class Province(Place):
    """A province or prefecture (Casablanca's prefectures of arrondissements are left out)."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="provinces")
    is_prefecture = models.BooleanField(_("prefecture"), default=False)

    class Meta:
        ordering = ["region_id", "name_fr"]
        verbose_name = _("province or prefecture")
        verbose_name_plural = _("provinces and prefectures")


class Commune(Place):
    code = models.CharField(_("code"), max_length=12, primary_key=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="communes")
    is_urban = models.BooleanField(_("urban"), default=False)

    class Meta:
        ordering = ["province_id", "name_fr"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")


class Kind(models.TextChoices):
    COOPERATIVE = "cooperative", _("Cooperative")
    ASSOCIATION = "association", _("Association")
    GIE = "gie", _("Economic interest group (GIE)")
    ARTISAN = "artisan", _("Individual artisan")
    COMPANY = "company", _("Company")
    PLATFORM = "platform", _("Marketing or e-commerce platform")
    INSTITUTION = "institution", _("Public institution")


# Organisations of these kinds take part as buyers and partners, not as exhibitors.
BUYER_KINDS = {Kind.COMPANY, Kind.PLATFORM, Kind.INSTITUTION}


class Sector(models.TextChoices):
    TERROIR = "terroir", _("Terroir products")
    HANDICRAFTS = "handicrafts", _("Handicrafts")
    COSMETICS = "cosmetics", _("Natural cosmetics")
    AGRICULTURE = "agriculture", _("Agriculture and livestock")
    FISHERIES = "fisheries", _("Fisheries")
    TEXTILES = "textiles", _("Textiles and clothing")
    RECYCLING = "recycling", _("Recycling and environment")
    TOURISM = "tourism", _("Rural and solidarity tourism")
    SERVICES = "services", _("Services")
    DISTRIBUTION = "distribution", _("Trade and distribution")
    PUBLIC = "public", _("Public service")


cooperative_number_validator = RegexValidator(
    r"^\d{1,8}(/[0-9A-Z]{1,6})?$",
    _(
        "A cooperative registration number is up to 8 digits, optionally followed by / and a "
        "year or a city code, for example 12345 or 2345/2019."
    ),
)
ice_validator = RegexValidator(
    r"^\d{15}$", _("An ICE (common company identifier) is exactly 15 digits.")
)


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, user) -> "OrganisationQuerySet":
        """The organisations a user may open: their own, and those of their series' registries."""
        from maarid.core.access import facts

        f = facts(user)
        if f.superuser:
            return self
        return self.filter(
            models.Q(pk__in=f.organisations) | models.Q(pk__in=f.managed_organisations)
        )


class Organisation(Bilingual, models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name_ar = models.CharField(_("name in Arabic"), max_length=200, blank=True)
    name_fr = models.CharField(_("name in French"), max_length=200, blank=True)
    description_ar = models.TextField(_("description in Arabic"), blank=True)
    description_fr = models.TextField(_("description in French"), blank=True)
    slug = models.SlugField(max_length=80, unique=True, blank=True)
    registration_number = models.CharField(
        _("cooperative registration number"),
        max_length=20,
        blank=True,
        validators=[cooperative_number_validator],
    )
    ice = models.CharField(_("ICE"), max_length=15, blank=True, validators=[ice_validator])
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    province = models.ForeignKey(
        Province,
        verbose_name=_("province or prefecture"),
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    sector = models.CharField(_("sector"), max_length=14, choices=Sector.choices)
    members_women = models.PositiveIntegerField(_("women members"), default=0)
    members_men = models.PositiveIntegerField(_("men members"), default=0)
    women_led = models.BooleanField(_("led by women"), default=False)
    eco_friendly = models.BooleanField(_("eco-friendly or recycling"), default=False)
    craft_at_risk = models.BooleanField(_("craft at risk of disappearing"), default=False)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    contact_public = models.BooleanField(
        _("the contact person agreed to show these contact details publicly"), default=False
    )
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name_fr", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["registration_number"],
                condition=~models.Q(registration_number=""),
                name="organisation_unique_registration_number",
            ),
            models.UniqueConstraint(
                fields=["ice"], condition=~models.Q(ice=""), name="organisation_unique_ice"
            ),
        ]

    def __str__(self):
        return self.name or self.slug

    def save(self, *args, **kwargs):
        self.search_text = search_text(self)
        if not self.slug:
            self.slug = unique_slug(self)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("registry:detail", args=[self.slug])

    def clean(self):
        errors = {}
        if not (self.name_ar or self.name_fr):
            errors["name_fr"] = _("Give the name in Arabic, in French or both.")
        commune = self.commune if self.commune_id else None
        if commune is not None and self.province_id and commune.province_id != self.province_id:
            errors["commune"] = _("This commune is not in the chosen province.")
        if self.kind == Kind.COMPANY and not self.ice:
            errors["ice"] = _("A company must give its ICE.")
        if self.founded_on and self.founded_on > timezone.localdate():
            errors["founded_on"] = _("The founding date cannot be in the future.")
        if errors:
            raise ValidationError(errors)

    @property
    def description(self):
        return self.localised("description")

    @property
    def members(self):
        return self.members_women + self.members_men

    @property
    def is_buyer(self):
        return self.kind in BUYER_KINDS

    @property
    def is_womens_cooperative(self):
        return self.kind == Kind.COOPERATIVE and self.women_led

    def access_scope(self):
        series = hooks.organisation_series(self.pk)
        return Scope(organisation_ids=frozenset({self.pk}), series_ids=frozenset(series))


def search_text(organisation: Organisation) -> str:
    """Everything a search finds the organisation by (``core.text.searchable``): its names and
    identifiers."""
    parts = [
        organisation.name_ar,
        organisation.name_fr,
        organisation.registration_number,
        organisation.ice,
    ]
    return searchable(" ".join(filter(None, parts)))


def unique_slug(organisation) -> str:
    """A readable ASCII slug from the French name (an Arabic-only name gets the kind and a
    number): ASCII URLs survive being pasted into SMS and WhatsApp messages intact."""
    base = slugify(organisation.name_fr)[:60] or f"{organisation.kind}"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exclude(pk=organisation.pk).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


class Membership(models.Model):
    """A user belonging to an organisation. Asked for by the user, confirmed by an organiser
    or by one of the organisation's administrators; or created by an invitation."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        ACTIVE = "active", _("active")
        DECLINED = "declined", _("declined")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    is_admin = models.BooleanField(_("administrator of the organisation"), default=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="unique_membership")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} — {self.organisation}"

    def access_scope(self):
        return self.organisation.access_scope()
