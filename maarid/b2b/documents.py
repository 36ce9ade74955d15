"""The B2B documents made in the background and kept until what they show changes
(``core.pdf.Document``): the organisers' table signs."""

from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils import translation

from maarid.core import pdf

from . import selectors
from .models import Programme


class TableSigns(pdf.Document):
    """A sign per table (A4, its number large) with the meetings placed at it, in time order."""

    template_name = "b2b/table_signs_pdf.html"

    def __init__(self, programme: Programme, language: str | None = None) -> None:
        super().__init__(language)
        edition = programme.edition
        self.programme = programme
        self.folder = f"table-signs/{programme.pk}"
        self.stem = self.language
        self.filename = f"tables-{edition.series.slug}-{edition.number}.pdf"
        with translation.override(self.language):
            self.page = reverse("b2b:table-signs", args=[edition.series.slug, edition.number])

    def context(self) -> dict[str, Any]:
        return {
            "edition": self.programme.edition,
            "tables": selectors.table_signs(self.programme),
        }

    def pages(self, context: Mapping[str, Any]) -> int:
        return len(context["tables"])  # a page a sign, unless its meetings run over
