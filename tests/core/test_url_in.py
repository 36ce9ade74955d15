"""The language switcher's addresses (``{% url_in %}``): Django's ``translate_url``, the page
resolved once per request."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import translate_url
from django.utils import translation
from django.utils.html import escape

from maarid.core.templatetags import maarid as tags

PATHS = [
    "/fr/search/?q=miel&kind=products",
    "/ar/search/",
    "/en/search/?q=%D8%B2%D9%8A%D8%AA&page=2#results",
    "/fr/no-such-page/?x=1",
    "/api/v1/search?q=miel",
    "/fr/",
]


@pytest.mark.parametrize("path", PATHS)
def test_the_switcher_gives_what_translate_url_gives(path):
    request = RequestFactory().get(path)
    translation.activate(path.split("/")[1] if path.split("/")[1] in "fr ar en" else "fr")
    try:
        rendered = Template(
            "{% load maarid %}{% url_in 'ar' %} {% url_in 'fr' %} {% url_in 'en' %}"
        ).render(Context({"request": request}))
        expected = [
            escape(translate_url(request.get_full_path(), code)) for code in ("ar", "fr", "en")
        ]
    finally:
        translation.deactivate()
    assert rendered.split(" ") == expected


def test_the_page_is_resolved_once_for_the_three_languages(monkeypatch):
    resolved = []
    real = tags.resolve
    monkeypatch.setattr(tags, "resolve", lambda path: resolved.append(path) or real(path))
    request = RequestFactory().get("/fr/search/?q=miel")
    with translation.override("fr"):
        urls = [tags.url_in({"request": request}, code) for code in ("ar", "fr", "en")]
    assert urls == ["/ar/search/?q=miel", "/fr/search/?q=miel", "/en/search/?q=miel"]
    assert resolved == ["/fr/search/"]
