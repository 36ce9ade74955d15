"""The sales ledger: the devices an exhibitor sells with, the sales they record, and the day's
cash count.

The ledger is append-only. A sale and its lines are never changed or deleted; a void or a refund
is a new entry (negative amounts) pointing at the sale it corrects, with a reason and who made it.
Turnover, the award for the highest sales and the sales side of stock all add up entries.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maarid.catalogue.models import Product
from maarid.core.access import Scope
from maarid.core.models import ApiToken
from maarid.exhibitors.models import Exhibitor
from maarid.fairs.models import Edition


class Payment(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Card terminal")
    MOBILE = "mobile", _("Mobile payment")
    TRANSFER = "transfer", _("Bank transfer")


class Device(models.Model):
    """A phone or tablet an exhibitor sells with. It signs its requests with a device token
    (an ``ApiToken`` of the person who registered it) and numbers its own receipts."""

    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.PROTECT, related_name="devices")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=60)
    token = models.OneToOneField(
        ApiToken, on_delete=models.PROTECT, related_name="sales_device", null=True
    )
    # Empty for devices loaded rather than registered (the demo's).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["exhibitor", "number"]
        constraints = [
            models.UniqueConstraint(fields=["exhibitor", "number"], name="device_number"),
        ]
        verbose_name = _("device")
        verbose_name_plural = _("devices")

    def __str__(self):
        return f"{self.name} ({self.exhibitor})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def access_scope(self):
        return Scope(
            organisation_ids=frozenset({self.exhibitor.organisation_id}),
            series_ids=frozenset({self.exhibitor.edition.series_id}),
        )


class Immutable(models.Model):
    """Ledger rows are written once: corrections are new rows, never updates or deletions."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("Ledger entries cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Ledger entries cannot be deleted."))


def receipt_key() -> str:
    return secrets.token_urlsafe(12)


class Sale(Immutable):
    """One entry of the ledger: a sale, or a void or refund of an earlier sale.

    ``uuid`` is made on the device, so a retried or re-synced sale is recorded once: it is
    unique per edition, so the same queue sent again by a re-paired phone or by another device
    of the stand is recognised too. ``sold_at`` is when the sale happened (the device's clock,
    unless it is implausible); ``received_at`` is when the server got it.
    """

    class Kind(models.TextChoices):
        SALE = "sale", _("Sale")
        VOID = "void", _("Void")
        REFUND = "refund", _("Refund")

    uuid = models.UUIDField()
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="sales")
    # Copied from the device so that turnover queries need no joins.
    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.PROTECT, related_name="sales")
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.SALE)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    sequence = models.PositiveIntegerField(null=True, blank=True)  # none on corrections
    number = models.CharField(_("receipt number"), max_length=32)
    payment = models.CharField(_("payment"), max_length=8, choices=Payment.choices)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    discount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    buyer_phone = models.CharField(max_length=16, blank=True)
    language = models.CharField(max_length=2, default="fr")
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    offline = models.BooleanField(_("made offline"), default=False)
    device_clock = models.DateTimeField(null=True, blank=True)
    sold_at = models.DateTimeField(_("time"))
    received_at = models.DateTimeField(default=timezone.now)
    # An offline sale of more than was left: accepted (the goods are gone), to be reconciled.
    oversold = models.BooleanField(_("oversold"), default=False)
    receipt_key = models.CharField(max_length=20, unique=True, default=receipt_key)

    class Meta:
        ordering = ["-sold_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "uuid"], name="sale_once_per_edition"),
            models.UniqueConstraint(fields=["device", "sequence"], name="receipt_sequence"),
        ]
        indexes = [
            models.Index(fields=["edition", "sold_at"], name="sale_edition_time"),
            models.Index(fields=["exhibitor", "sold_at"], name="sale_exhibitor_time"),
        ]
        verbose_name = _("sale")
        verbose_name_plural = _("sales")

    def __str__(self):
        return self.number

    def access_scope(self):
        return Scope(
            organisation_ids=frozenset({self.exhibitor.organisation_id}),
            series_ids=frozenset({self.edition.series_id}),
        )


class SaleLine(Immutable):
    """A product (or a free amount) on a sale. Quantities and totals are negative on voids and
    refunds. ``label`` keeps the name as it was sold."""

    sale = models.ForeignKey(Sale, on_delete=models.PROTECT, related_name="lines")
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="sale_lines"
    )
    label = models.CharField(max_length=150)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    quantity = models.IntegerField()
    total = models.DecimalField(max_digits=12, decimal_places=2)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.quantity} × {self.label}"


class Reconciliation(models.Model):
    """The exhibitor's note on an oversold sale: how the stock difference was settled."""

    sale = models.OneToOneField(Sale, on_delete=models.PROTECT, related_name="reconciliation")
    note = models.CharField(_("note"), max_length=300)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.note


class DayClose(models.Model):
    """An exhibitor's count of the cash at the end of a day, against what the ledger expects.
    Counting again makes a new row; the latest one counts."""

    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.PROTECT, related_name="day_closes")
    day = models.DateField(_("day"))
    opening_cash = models.DecimalField(
        _("cash at opening"), max_digits=12, decimal_places=2, default=0
    )
    expected_cash = models.DecimalField(max_digits=12, decimal_places=2)
    counted_cash = models.DecimalField(_("cash counted"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "-at"]
        verbose_name = _("day close")
        verbose_name_plural = _("day closes")

    def __str__(self):
        return f"{self.exhibitor} {self.day}"

    @property
    def difference(self):
        return self.counted_cash - self.expected_cash
