"""The closing report of an edition, frozen when the edition closes.

While the fair runs the report is a draft, computed from the other apps' data each time its
organisers look at it. When the edition closes its figures are frozen: one ``ClosingReport``
row holds them as a snapshot (plain JSON: counts, amounts as decimal strings, names in Arabic
and French), and that row is never changed or deleted. What changes afterwards in the data (a
sale voided late, a count sent late) is shown beside the frozen figure as a correction, never
folded into it. An edition closed again after being reopened gets a new version; the earlier
ones stay.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maarid.fairs.models import Edition


class ClosingReport(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    figures = models.JSONField()
    frozen_at = models.DateTimeField(_("frozen on"), default=timezone.now)
    # Empty when the report was frozen by the system (an edition found closed with no report).
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["edition", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "version"], name="closing_report_version"),
        ]
        verbose_name = _("closing report")
        verbose_name_plural = _("closing reports")

    def __str__(self):
        return f"{self.edition} v{self.version}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("A frozen report cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A frozen report cannot be deleted."))

    def access_scope(self):
        return self.edition.access_scope()
