"""The venue of an edition: its site, tents and halls, booths and zones, drawn in metres on a
local plane (x east, y north, from a point of the site that may be anchored to a latitude and
longitude), and which exhibitor stands in which booth.

Outlines are GeoJSON polygon coordinates in JSON fields; the rules they keep (valid polygons,
booths inside their tent and never overlapping) are checked on the whole plan by the services
(``geometry.problems``) before anything is saved.
"""

from decimal import Decimal
from urllib.parse import urlencode

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from maarid.core.access import Scope
from maarid.exhibitors.models import Exhibitor
from maarid.fairs.models import Edition


class Venue(models.Model):
    """The floor plan of one edition."""

    edition = models.OneToOneField(Edition, on_delete=models.CASCADE, related_name="floor_plan")
    # The site's outline; an empty list while it is not drawn.
    outline = models.JSONField(_("site outline"), default=list, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
        help_text=_("Of the plan's origin, for the “how to get there” link."),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")

    def __str__(self):
        return str(self.edition)

    @property
    def published(self) -> bool:
        return self.published_at is not None

    @property
    def directions_url(self) -> str:
        """The plan's origin on OpenStreetMap, when it is anchored (a link out: the fair's
        network is often poor)."""
        if self.latitude is None or self.longitude is None:
            return ""
        query = urlencode({"mlat": self.latitude, "mlon": self.longitude})
        return f"https://www.openstreetmap.org/?{query}#map=19/{self.latitude}/{self.longitude}"

    def access_scope(self):
        # The organisers of the series write; the public reads a published plan of a public
        # edition. An exhibitor has no say: it never moves itself.
        edition = self.edition
        return Scope(
            series_ids=frozenset({edition.series_id}),
            public=self.published and edition.status != Edition.Status.DRAFT,
        )


class Structure(models.Model):
    """A tent or a hall, which booths stand in."""

    class Kind(models.TextChoices):
        TENT = "tent", _("Tent")
        HALL = "hall", _("Hall")

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="structures")
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TENT)
    outline = models.JSONField(_("outline"))

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "name"], name="unique_structure_name")
        ]
        verbose_name = _("tent or hall")
        verbose_name_plural = _("tents and halls")

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"

    def access_scope(self):
        return self.venue.access_scope()


class Booth(models.Model):
    class Kind(models.TextChoices):
        STANDARD = "standard", _("Standard")
        DOUBLE = "double", _("Double")
        CORNER = "corner", _("Corner")
        PAVILION = "pavilion", _("Institutional pavilion")
        FOOD = "food", _("Food")

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="booths")
    structure = models.ForeignKey(
        Structure,
        verbose_name=_("tent or hall"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="booths",
    )
    number = models.CharField(_("number"), max_length=20)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.STANDARD)
    outline = models.JSONField(_("outline"))
    # Computed from the outline when saved (services), for lists and the allocation.
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=14, decimal_places=2, default=0)
    electricity = models.BooleanField(_("electricity"), default=False)
    water = models.BooleanField(_("water"), default=False)
    refrigeration = models.BooleanField(_("refrigeration"), default=False)
    # An exhibitor the organisers placed here for good: the allocation leaves it there.
    fixed_exhibitor = models.ForeignKey(
        Exhibitor,
        verbose_name=_("fixed exhibitor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fixed_booths",
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "number"], name="unique_booth_number")
        ]
        verbose_name = _("booth")
        verbose_name_plural = _("booths")

    def __str__(self):
        return self.number

    def access_scope(self):
        return self.venue.access_scope()


class Zone(models.Model):
    """A part of the site with a purpose: where the food, the crafts or the stage are."""

    class Kind(models.TextChoices):
        TERROIR = "terroir", _("Terroir food")
        HANDICRAFTS = "handicrafts", _("Handicrafts")
        INSTITUTIONS = "institutions", _("Institutions")
        WORKSHOPS = "workshops", _("Workshops tent")
        STAGE = "stage", _("Stage")
        B2B = "b2b", _("B2B tables")
        ENTRANCE = "entrance", _("Entrance")
        FIRST_AID = "first_aid", _("First aid")
        PRAYER = "prayer", _("Prayer room")

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="zones")
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    outline = models.JSONField(_("outline"))

    class Meta:
        ordering = ["kind", "name", "pk"]
        verbose_name = _("zone")
        verbose_name_plural = _("zones")

    def __str__(self):
        return self.name or self.get_kind_display()

    def access_scope(self):
        return self.venue.access_scope()


class Assignment(models.Model):
    """An exhibitor of the edition placed in a booth; announced once the exhibitor was told
    (a later run of the allocation keeps it where it can)."""

    booth = models.ForeignKey(Booth, on_delete=models.CASCADE, related_name="assignments")
    exhibitor = models.OneToOneField(
        Exhibitor, on_delete=models.CASCADE, related_name="booth_assignment"
    )
    announced = models.BooleanField(_("announced"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["booth__number"]
        verbose_name = _("booth assignment")
        verbose_name_plural = _("booth assignments")

    def __str__(self):
        return f"{self.booth} — {self.exhibitor.organisation}"

    def access_scope(self):
        # The public sees who stands where once it is announced on a published plan; the
        # exhibitor is not an owner: moving is the organisers' decision.
        scope = self.booth.venue.access_scope()
        return Scope(series_ids=scope.series_ids, public=scope.public and self.announced)


class NeighbourRequest(models.Model):
    """An exhibitor asks to stand next to another of the same edition (the cooperatives of one
    union together): a soft goal of the allocation, which says how many it could not honour."""

    exhibitor = models.ForeignKey(
        Exhibitor, on_delete=models.CASCADE, related_name="neighbour_requests"
    )
    neighbour = models.ForeignKey(
        Exhibitor,
        verbose_name=_("next to"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["exhibitor", "neighbour"], name="unique_neighbour"),
            models.CheckConstraint(
                condition=~models.Q(exhibitor=models.F("neighbour")), name="neighbour_not_self"
            ),
        ]
        verbose_name = _("neighbour request")
        verbose_name_plural = _("neighbour requests")

    def __str__(self):
        return f"{self.exhibitor.organisation} → {self.neighbour.organisation}"

    def access_scope(self):
        return Scope(series_ids=frozenset({self.exhibitor.edition.series_id}))
