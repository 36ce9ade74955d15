"""PDF documents (reports, certificates, badges) rendered from templates with WeasyPrint.

Templates extend ``core/pdf_base.html``: A4, fonts that carry Arabic (Noto Naskh Arabic,
Amiri) as well as Latin, and ``dir="rtl"`` when the language is Arabic, so that text is shaped
by HarfBuzz and laid out right to left. Rendering never fetches anything from the network or
the disk: everything a document needs is in its template (inline CSS, ``data:`` images).
"""

from django.template.loader import render_to_string
from django.utils import translation


def _fetcher():
    """WeasyPrint's URL fetcher for ``data:`` URLs only: a document built from content people
    typed must not make the server read its files or call addresses (SSRF)."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


def render_pdf(template_name: str, context: dict, language: str) -> bytes:
    """Renders ``template_name`` in ``language`` (its strings, dates, direction) as PDF bytes."""
    from weasyprint import HTML  # slow to import: only when a PDF is asked for

    with translation.override(language):
        html = render_to_string(
            template_name,
            {
                **context,
                "pdf_language": language,
                "pdf_bidi": translation.get_language_bidi(),
            },
        )
        return HTML(string=html, url_fetcher=_fetcher()).write_pdf()
