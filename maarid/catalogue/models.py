"""Products of the organisations, their categories and labels, photos, and stock per edition."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from maarid.core.access import Scope
from maarid.core.text import searchable
from maarid.exhibitors.models import ApplicationProduct
from maarid.fairs.models import Edition
from maarid.registry.models import Bilingual, Organisation


class Category(Bilingual, models.Model):
    """A two-level taxonomy: families (terroir products, handicrafts) and their categories."""

    slug = models.SlugField(max_length=60, unique=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    name_ar = models.CharField(_("name in Arabic"), max_length=100)
    name_fr = models.CharField(_("name in French"), max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name_fr"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name


class Label(Bilingual, models.Model):
    """A quality sign: protected geographical indication, designation of origin, agricultural
    label, organic, handmade."""

    code = models.SlugField(max_length=30, unique=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=100)
    name_fr = models.CharField(_("name in French"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("label")
        verbose_name_plural = _("labels")

    def __str__(self):
        return self.name


class Unit(models.TextChoices):
    PIECE = "piece", _("piece")
    KG = "kg", _("kilogram")
    GRAM = "g", _("gram")
    LITRE = "l", _("litre")
    ML = "ml", _("millilitre")
    JAR = "jar", _("jar")
    BOX = "box", _("box")
    BOTTLE = "bottle", _("bottle")
    M2 = "m2", _("square metre")
    SET = "set", _("set")


class ProductQuerySet(models.QuerySet["Product"]):
    def public(self) -> "ProductQuerySet":
        return self.filter(active=True)


class Product(Bilingual, models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="products"
    )
    slug = models.SlugField(max_length=90, unique=True, blank=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=150, blank=True)
    name_fr = models.CharField(_("name in French"), max_length=150, blank=True)
    description_ar = models.TextField(_("description in Arabic"), blank=True)
    description_fr = models.TextField(_("description in French"), blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products"
    )
    labels = models.ManyToManyField(
        Label, verbose_name=_("labels"), blank=True, related_name="products"
    )
    price = models.DecimalField(
        _("price (MAD)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.PIECE)
    active = models.BooleanField(_("shown in the catalogue"), default=True)
    # Where it came from, when an accepted application listed it.
    from_application = models.OneToOneField(
        ApplicationProduct, on_delete=models.SET_NULL, null=True, blank=True, related_name="product"
    )
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name_fr", "id"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self):
        return self.name or self.slug

    def save(self, *args, **kwargs):
        self.search_text = search_text(self)
        if not self.slug:
            self.slug = unique_slug(self)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("catalogue:product", args=[self.slug])

    def clean(self):
        if not (self.name_ar or self.name_fr):
            raise ValidationError({"name_fr": _("Give the name in Arabic, in French or both.")})
        if self.category_id and self.category.parent_id is None:
            raise ValidationError({"category": _("Choose a category, not a family.")})

    @property
    def description(self):
        return self.localised("description")

    def access_scope(self):
        return Scope(organisation_ids=frozenset({self.organisation_id}), public=self.active)


def search_text(product) -> str:
    """Everything a search finds the product by (``core.text.searchable``): its names and
    descriptions, its category's and its family's names."""
    parts = [product.name_ar, product.name_fr, product.description_ar, product.description_fr]
    if product.category_id:
        category = product.category
        parts += [category.name_ar, category.name_fr]
        if category.parent_id:
            parts += [category.parent.name_ar, category.parent.name_fr]
    return searchable(" ".join(filter(None, parts)))


def unique_slug(product) -> str:
    base = slugify(product.name_fr)[:70] or "produit"
    slug, n = base, 1
    while Product.objects.filter(slug=slug).exclude(pk=product.pk).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


class ProductPhoto(models.Model):
    """A photo, checked and cleaned of its metadata, with a thumbnail (core.uploads)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos")
    file = models.CharField(max_length=200)
    thumbnail = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.file


class Stock(models.Model):
    """How many units of a product the exhibitor brings to an edition. Sales lower it."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="stock")
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+")
    quantity = models.IntegerField(_("quantity"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "edition"], name="one_stock_per_edition")
        ]
        verbose_name = _("stock")
        verbose_name_plural = _("stock")

    def __str__(self):
        return f"{self.product} @ {self.edition}: {self.quantity}"

    def access_scope(self):
        return self.product.access_scope()
