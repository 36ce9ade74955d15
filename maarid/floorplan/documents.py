"""The floor plan's printables, made in the background and kept until what they show changes
(``core.pdf.Document``): the plan on A3 (landscape) with its legend, zones and who stands
where, and a sign per placed exhibitor (A4: its Arabic and French names, its booth number and a
QR code to its public page)."""

from collections.abc import Mapping
from typing import Any

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from maarid.core import pdf
from maarid.fairs.models import Edition

from . import selectors


def _neutral(path: str) -> str:
    """The address without its language prefix: the printed code opens the page in the
    visitor's language (the same sign serves Arabic and French readers)."""
    codes = {code for code, _name in settings.LANGUAGES}
    parts = path.split("/", 2)
    return "/" + parts[2] if len(parts) == 3 and parts[1] in codes else path


class BoothSigns(pdf.Document):
    """A sign per placed exhibitor, one A4 page each, in booth order."""

    template_name = "floorplan/signs_pdf.html"

    def __init__(self, edition: Edition, *, base_url: str, language: str | None = None) -> None:
        super().__init__(language)
        self.edition = edition
        self.base_url = base_url.rstrip("/")
        self.folder = f"booth-signs/{edition.pk}"
        self.stem = self.language
        self.filename = f"booth-signs-{edition.series.slug}-{edition.number}.pdf"
        with translation.override(self.language):
            self.page = reverse("floorplan:signs", args=[edition.series.slug, edition.number])

    def context(self) -> dict[str, Any]:
        edition = self.edition
        signs = [
            {
                "sign": sign,
                "url": self.base_url
                + _neutral(
                    reverse(
                        "site:exhibitor",
                        args=[edition.series.slug, edition.number, sign.organisation],
                    )
                ),
            }
            for sign in selectors.signs_of(edition)
        ]
        return {"edition": edition, "signs": signs}

    def render(self, context: Mapping[str, Any], progress: pdf.Progress) -> bytes:
        """Draws the codes (from the addresses, which the fingerprint holds), then lays the
        signs out."""
        signs = [
            {**row, "qr": segno.make(row["url"], error="m", micro=False).png_data_uri(scale=4)}
            for row in context["signs"]
        ]
        return pdf.render_pdf(
            self.template_name,
            {**context, "signs": signs},
            self.language,
            progress=progress,
            pages=self.pages(context),
        )

    def pages(self, context: Mapping[str, Any]) -> int:
        return len(context["signs"])


class PlanPdf(pdf.Document):
    """The plan on one A3 landscape page, with the key of booths and exhibitors after it."""

    template_name = "floorplan/plan_pdf.html"

    def __init__(self, edition: Edition, language: str | None = None) -> None:
        super().__init__(language)
        self.edition = edition
        self.folder = f"floor-plans/{edition.pk}"
        self.stem = self.language
        self.filename = f"plan-{edition.series.slug}-{edition.number}.pdf"
        with translation.override(self.language):
            self.page = reverse("floorplan:plan-pdf", args=[edition.series.slug, edition.number])

    def context(self) -> dict[str, Any]:
        venue = selectors.venue_of(self.edition)
        return {"edition": self.edition, "plan": selectors.printed_plan(venue)}

    def pages(self, context: Mapping[str, Any]) -> int:
        return 2
