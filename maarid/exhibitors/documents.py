"""The call's documents made in the background and kept until what they show changes
(``core.pdf.Document``): the selection report."""

from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils import timezone, translation

from maarid.core import pdf

from . import reports
from .models import Call

# The report's languages (``?lang=``).
LANGUAGES = ("ar", "fr")


class SelectionReport(pdf.Document):
    """The selection report of a call, in Arabic or French: quotas, the accepted, the waiting
    list and why some quotas fell short."""

    template_name = "exhibitors/report.html"

    def __init__(self, call: Call, language: str | None = None) -> None:
        super().__init__(language)
        edition = call.edition
        self.call = call
        self.folder = f"selection-reports/{call.pk}"
        self.stem = self.language
        self.filename = f"selection-{edition.series.slug}-{edition.number}-{self.language}.pdf"
        page = reverse("exhibitors:selection-report", args=[edition.series.slug, edition.number])
        self.page = f"{page}?lang={self.language}"

    def context(self) -> dict[str, Any]:
        with translation.override(self.language):  # its sentences are in the report's language
            return reports.report_context(self.call)

    def extras(self, context: Mapping[str, Any]) -> dict[str, Any]:
        """When it was printed: no change to what it shows."""
        return {"generated_at": timezone.now()}
