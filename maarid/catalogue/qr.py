"""QR codes (segno) for exhibitor and product pages: inline SVG for the pages, an SVG document
for download, and PNG ``data:`` URIs for the printable A4 sheet (WeasyPrint fetches nothing
else).

Error correction M (15 %) at least: codes are printed, stuck on booths and photographed from
phones in poor light; segno raises it further when that costs no extra size.
"""

import io

import segno
from django.utils.html import escape

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


def png_data_uri(url: str) -> str:
    """For the PDF sheet: the code as a small PNG (one module, four pixels) that the sheet
    scales up with ``image-rendering: pixelated``, so printed edges stay sharp. WeasyPrint lays
    out a PNG twice as fast as an SVG, which counts on a sheet of 1,500 products."""
    return make(url).png_data_uri(scale=4, border=2)
