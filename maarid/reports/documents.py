"""The closing report as a PDF, in Arabic or French (``core.pdf.Document``): made in the
background and kept until what it shows changes (a frozen report's PDF is made once, unless a
correction comes)."""

from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils import timezone

from maarid.core import pdf
from maarid.fairs.models import Edition

from . import present, selectors, services
from .selectors import Reader

LANGUAGES = ("ar", "fr")


class ClosingReportPdf(pdf.Document):
    template_name = "reports/report_pdf.html"

    def __init__(self, edition: Edition, reader: Reader, language: str | None = None) -> None:
        super().__init__(language)
        self.edition = edition
        self.reader = reader
        self.folder = f"closing-reports/{edition.pk}"
        self.stem = f"{self.language}-{reader}"
        self.filename = f"report-{edition.series.slug}-{edition.number}-{self.language}.pdf"
        page = reverse("reports:pdf", args=[edition.series.slug, edition.number])
        self.page = f"{page}?lang={self.language}"

    def context(self) -> dict[str, Any]:
        report, fresh = services.frozen_or_freeze(self.edition)
        figures, live = selectors.figures_of(self.edition, report, fresh=fresh)
        return {
            "edition": self.edition,
            "report": present.present(
                self.edition,
                figures,
                reader=self.reader,
                language=self.language,
                frozen=report,
                live=live,
            ),
        }

    def extras(self, context: Mapping[str, Any]) -> dict[str, Any]:
        """When it was printed: no change to what it shows."""
        return {"generated_at": timezone.now()}

    def pages(self, context: Mapping[str, Any]) -> int:
        return 2 + len(context["report"].sections)
