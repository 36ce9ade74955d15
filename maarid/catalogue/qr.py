"""QR codes (segno) for exhibitor and product pages: inline SVG for the pages, an SVG document
for download, and the printable A4 sheet of them (a PDF made in the background and kept until
the names or addresses on it change), whose codes are PNG ``data:`` URIs (WeasyPrint fetches
nothing else).

Error correction M (15 %) at least: codes are printed, stuck on booths and photographed from
phones in poor light; segno raises it further when that costs no extra size.
"""

import hashlib
import io
from collections.abc import Callable, Mapping
from typing import Any

import segno
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from maarid.core import pdf
from maarid.fairs.models import Edition

from . import selectors
from .links import exhibitor_path, neutral

ERROR = "m"


def make(url: str) -> segno.QRCode:
    return segno.make(url, error=ERROR, micro=False)


def svg_inline(url: str, label: str) -> str:
    """An ``<svg>`` element for a page: scales with CSS (viewBox, no fixed size), announced to
    screen readers as an image with ``label``."""
    svg = make(url).svg_inline(scale=1, border=2, omitsize=True, svgclass="qr", lineclass=None)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def svg_document(url: str) -> bytes:
    """A standalone SVG file (with its XML declaration), to download or print."""
    out = io.BytesIO()
    make(url).save(out, kind="svg", scale=8, border=2, title=url)
    return out.getvalue()


PNG_SCALE, PNG_BORDER = 4, 2
# A code depends on its address only, and takes segno about 10 ms to draw (it tries its eight
# masks): the sheet's codes are kept in the shared cache, so that the sheet made again after a
# change draws only the new ones.
CODES_CACHED_FOR = 30 * 86400


def png_data_uri(url: str) -> str:
    """For the PDF sheet: the code as a small PNG (one module, four pixels) that the sheet
    scales up with ``image-rendering: pixelated``, so printed edges stay sharp. WeasyPrint lays
    out a PNG twice as fast as an SVG, which counts on a sheet of 1,500 products."""
    return make(url).png_data_uri(scale=PNG_SCALE, border=PNG_BORDER)


def png_data_uris(urls: list[str], progress: Callable[[float], None]) -> dict[str, str]:
    """``png_data_uri`` of each address, those drawn before from the cache; ``progress`` is
    told the share drawn."""
    keys = {url: _code_key(url) for url in urls}
    cached = cache.get_many(list(keys.values()))
    codes = {url: cached[key] for url, key in keys.items() if key in cached}
    missing = [url for url in keys if url not in codes]
    for n, url in enumerate(missing, 1):
        codes[url] = png_data_uri(url)
        if n % 50 == 0:
            progress(n / len(missing))
    cache.set_many({keys[url]: codes[url] for url in missing}, CODES_CACHED_FOR)
    progress(1.0)
    return codes


def _code_key(url: str) -> str:
    drawn = f"{ERROR}:{PNG_SCALE}:{PNG_BORDER}:{url}"
    return "qr-png:" + hashlib.sha256(drawn.encode()).hexdigest()[:32]


# --- The printable sheet ------------------------------------------------------------------------

SHEET_JOB = "catalogue.qr_sheet"
COLUMNS = 3
PER_PAGE = 4 * COLUMNS  # four rows of three, when the names fit their cells
# Of the work on a sheet of 1,500 codes, about a third is drawing the codes (segno tries its
# eight masks on each), the rest laying the pages out and writing the file.
CODES_SHARE = 0.3


class Sheet(pdf.Document):
    """An A4 sheet of QR codes with names in Arabic and French, for every active exhibitor of
    an edition (``products``: for their products), to print and stick on the booths. The codes
    hold the address without a language (see ``neutral``): a visitor lands in their own
    language. ``base_url`` is the site's address as the organiser reached it."""

    template_name = "catalogue/site/qr_sheet.html"

    def __init__(
        self, edition: Edition, *, products: bool, base_url: str, language: str | None = None
    ) -> None:
        super().__init__(language)
        self.edition, self.products, self.base_url = edition, products, base_url.rstrip("/")
        variant = "products" if products else "exhibitors"
        self.folder = f"qr-sheets/{edition.pk}"
        self.stem = f"{variant}-{self.language}"
        self.filename = f"qr-{edition.series.slug}-{edition.number}{'-products' * products}.pdf"
        with translation.override(self.language):
            self.page = reverse("site:qr-sheet", args=[edition.series.slug, edition.number])
        self.page += "?products=1" if products else ""

    def entries(self) -> list[dict[str, str]]:
        if self.products:
            return [
                {
                    "name_ar": product.name_ar,
                    "name_fr": product.name_fr,
                    "by": product.organisation.name,
                    "url": self.base_url + neutral(product.get_absolute_url()),
                }
                for product in selectors.products_by_exhibitor(self.edition)
            ]
        return [
            {
                "name_ar": exhibitor.organisation.name_ar,
                "name_fr": exhibitor.organisation.name_fr,
                "by": "",
                "url": self.base_url + neutral(exhibitor_path(exhibitor)),
            }
            for exhibitor in selectors.exhibitors_by_french_name(self.edition)
        ]

    def context(self) -> dict[str, Any]:
        entries = self.entries()
        return {
            "edition": str(self.edition),
            "with_products": self.products,
            "count": len(entries),
            "rows": _rows(entries),
        }

    def render(self, context: Mapping[str, Any], progress: pdf.Progress) -> bytes:
        """Draws the codes, then lays the sheet out."""
        rows = context["rows"]
        count = context["count"]
        progress(0, _("Making the QR codes…"))
        codes = png_data_uris(
            [e["url"] for row in rows for e in row if e], lambda done: progress(CODES_SHARE * done)
        )
        with_codes = [[{**e, "qr": codes[e["url"]]} if e else None for e in row] for row in rows]
        progress(CODES_SHARE, _("Laying out the pages…"))
        return pdf.render_pdf(
            self.template_name,
            {**context, "rows": with_codes},
            self.language,
            progress=lambda done, message=None: progress(
                CODES_SHARE + (1 - CODES_SHARE) * done, message
            ),
            pages=-(-count // PER_PAGE),
        )


def _rows(entries: list[dict[str, str]]) -> list[list[dict[str, str] | None]]:
    """Rows of ``COLUMNS`` cells, the last one filled up with empty cells."""
    rows: list[list[dict[str, str] | None]] = [
        list(entries[i : i + COLUMNS]) for i in range(0, len(entries), COLUMNS)
    ]
    for row in rows:
        row.extend([None] * (COLUMNS - len(row)))
    return rows
