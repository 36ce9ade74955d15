"""PDFs from templates: Arabic shaped right to left, French left to right, nothing fetched."""

import re
import shutil
import subprocess

import pytest

from maarid.core.pdf import render_pdf
from tests.documents import template_file, text_of

TEMPLATE = """{% extends "core/pdf_base.html" %}{% load i18n %}
{% block content %}<h1>{{ title }}</h1><p id="who">{{ name }}</p>
<img src="file:///etc/passwd" alt=""><img src="http://127.0.0.1:9/x.png" alt="">
{% endblock %}"""


@pytest.fixture
def template(settings, tmp_path):
    return template_file(settings, tmp_path, "pdf_test.html", TEMPLATE)


def fonts_of(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdffonts", str(path)], capture_output=True, check=True, text=True
    ).stdout


pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")


def test_an_arabic_pdf_is_right_to_left_with_an_arabic_font(template, tmp_path):
    pdf = render_pdf(template, {"title": "تقرير الانتقاء", "name": "تعاونية الأمل"}, "ar")
    assert pdf.startswith(b"%PDF")
    text = text_of(pdf)
    assert re.search("[\u0621-\u064a]", text)
    # pdftotext may give Arabic in logical or in visual order: accept either per word.
    for word in ("تقرير", "الانتقاء", "تعاونية", "الأمل"):
        assert word in text or word[::-1] in text, text
    assert "معارض" in text or "معارض"[::-1] in text  # the brand, translated
    assert "Arabic" in fonts_of(pdf, tmp_path) or "Amiri" in fonts_of(pdf, tmp_path)


def test_a_french_pdf_keeps_accents(template):
    pdf = render_pdf(template, {"title": "Rapport de sélection", "name": "Coopérative"}, "fr")
    text = text_of(pdf)
    assert "Rapport de sélection" in text and "Coopérative" in text


def test_the_html_direction_follows_the_language(template, monkeypatch):
    import weasyprint

    seen = []
    original = weasyprint.HTML

    def spy(*args, **kwargs):
        seen.append(kwargs["string"])
        return original(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    render_pdf(template, {"title": "x", "name": "y"}, "ar")
    render_pdf(template, {"title": "x", "name": "y"}, "fr")
    assert '<html lang="ar" dir="rtl">' in seen[0]
    assert '<html lang="fr" dir="ltr">' in seen[1]


def test_nothing_outside_the_document_is_fetched(template, caplog):
    """Files and network addresses in a template are refused (only data: URLs load)."""
    with caplog.at_level("WARNING", logger="weasyprint"):
        pdf = render_pdf(template, {"title": "x", "name": "y"}, "fr")
    assert pdf.startswith(b"%PDF")
    refused = [r.getMessage() for r in caplog.records if "disallowed protocol" in r.getMessage()]
    assert any("file:///etc/passwd" in m for m in refused), caplog.text
    assert any("http://127.0.0.1:9/x.png" in m for m in refused), caplog.text
