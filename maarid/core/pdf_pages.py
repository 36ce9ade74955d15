"""Laying out one HTML of many one-page documents (certificates, badges) and writing each page
as a PDF of its own. Imports no Django: worker processes run it without setting Django up.

WeasyPrint spends most of a one-page document on setting up (fonts, the stylesheet): laid out
together, fifty certificates cost about what five do alone. Fonts are kept from one call to the
next in the same process.
"""

from typing import Any

_fonts: Any = None


def _fetcher() -> Any:
    """``data:`` URLs only, as ``core.pdf`` (nothing read from the disk or the network)."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


def split(html: str, count: int) -> list[bytes] | None:
    """The PDF of each page of ``html``, which must lay out as ``count`` pages; None if it did
    not (a name so long it ran onto another page)."""
    global _fonts
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    if _fonts is None:
        _fonts = FontConfiguration()
    document = HTML(string=html, url_fetcher=_fetcher()).render(font_config=_fonts)
    if len(document.pages) != count:
        return None
    return [bytes(document.copy([page]).write_pdf()) for page in document.pages]


def whole(html: str) -> bytes:
    """``html`` as one PDF, however many pages it takes."""
    from weasyprint import HTML

    return bytes(HTML(string=html, url_fetcher=_fetcher()).write_pdf())
