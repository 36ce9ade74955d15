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


# --- Summaries ------------------------------------------------------------------------------


class Summary(models.Model):
    """What the ledger adds up to for one exhibitor in one slice of the fair: kept by the
    services in the same transaction as every entry they write, so that the turnover, the
    closing report and the observatory read a few thousand rows per edition instead of every
    sale. These rows are data derived from the ledger, not a cache: nothing expires them, and
    ``services.rebuild_summaries`` recomputes an edition's from its ledger for those who
    write the ledger directly (the demo, the benchmarks).

    Each entry of the ledger counts in the slice of its own time (the fair's day and hour in
    Casablanca), payment and place: a void or refund made on Sunday lowers Sunday's figures,
    as it does when the ledger itself is added up.

    - ``total``: the net amount (MAD): sales less voids and refunds, which are negative.
    - ``sales``: the net number of sales: +1 a sale, −1 a void, 0 a refund (it gives money
      back but leaves the sale a sale), as ``selectors.NET_SALES`` counts them.
    - ``items``: the net number of units sold (the lines' quantities, negative on corrections).

    No row is shared by two exhibitors: the 165 stands of a fair selling at once each write
    their own rows, and only two phones of one stand ever wait for each other.
    """

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+", db_index=False)
    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=0)
    sales = models.IntegerField(default=0)
    items = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class DayTotal(Summary):
    """An exhibitor's day by payment method and by whether the sales were made offline.

    Keyed by exhibitor × day × payment × offline: at most exhibitors × days × 4 × 2 rows an
    edition, whatever the number of sales (165 stands over ten days: 13,200 at most; an
    edition of 400,000 sales and 920,000 lines made 12,500), so the observatory's questions
    over 60 such editions read under 800,000 rows. Everything that is not an hour is read
    here: an edition's or an exhibitor's total, by day, payment, offline share, and through
    the exhibitor's organisation by sector, province, kind.
    """

    payment = models.CharField(_("payment"), max_length=8, choices=Payment.choices)
    offline = models.BooleanField(_("made offline"), default=False)

    class Meta:
        constraints = [
            # Leads with the edition: the same index serves the upsert and every read of an
            # edition's (or several editions') rows.
            models.UniqueConstraint(
                fields=["edition", "exhibitor", "day", "payment", "offline"], name="day_total"
            ),
        ]

    def __str__(self):
        return f"{self.exhibitor_id} {self.day} {self.payment}{' offline' if self.offline else ''}"


class HourTotal(Summary):
    """An exhibitor's hour of a day (the fair's time): when people buy.

    Keyed by exhibitor × day × hour: at most exhibitors × days × opening hours rows an edition
    (165 stands, ten days of twelve hours: under 20,000). Payment and offline are left out
    here, or the hours would multiply the rows by eight; the day is kept, so that a report can
    draw a day's hours and an exhibitor's busiest hours. Only questions about hours read this
    table (``selectors.totals_by`` with ``hour``); all others read ``DayTotal``.
    """

    hour = models.PositiveSmallIntegerField()  # 0–23, the fair's time

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "exhibitor", "day", "hour"], name="hour_total"
            ),
        ]

    def __str__(self):
        return f"{self.exhibitor_id} {self.day} {self.hour:02d}h"
