"""Time ranges and areas written one way per language: the B2B agenda's '16:30–22:00' on
Arabic pages, kept left to right; square metres as 'م²' in Arabic (formatting.time_range,
formatting.area, the time_range tag and the area filter)."""

import datetime

import pytest
from django.utils import translation

from maarid.core import formatting
from maarid.fairs.models import OpeningHours

pytestmark = pytest.mark.django_db


def page(client, url_of, language):
    with translation.override(language):
        response = client.get(url_of())
    assert response.status_code == 200
    return response.content.decode()


def test_a_time_range_is_written_the_b2b_agendas_way_in_arabic_and_cldrs_way_in_french():
    start, end = datetime.time(16, 30), datetime.time(22)
    assert formatting.time_range(start, end, "ar") == "16:30–22:00"
    assert formatting.time_range(start, end, "fr") == "16:30\u2009–\u200922:00"


def test_an_area_is_in_square_metres_written_in_the_pages_language():
    assert formatting.area(5000, "ar") == "5.000 م²"
    assert formatting.area(5000, "fr") == "5\u202f000\u202fm²"
    assert formatting.area(None, "ar") == ""


def test_the_arabic_edition_page_shows_its_area_in_arabic_and_its_hours_left_to_right(
    client, edition
):
    OpeningHours.objects.create(
        edition=edition,
        day=datetime.date(2024, 5, 31),
        opens_at=datetime.time(16),
        closes_at=datetime.time(22),
    )
    html = page(client, edition.get_absolute_url, "ar")
    assert "5.000 م²" in html and "m²" not in html
    # The agenda's form, kept left to right: else the dash between two numbers reads right to
    # left and the hours show as 22:00–16:00.
    assert '<span dir="ltr">16:00–22:00</span>' in html
    assert '<span dir="ltr">10:00–22:00</span>' in html  # the edition's usual hours
    assert " – 22:00" not in html

    html = page(client, edition.get_absolute_url, "fr")
    assert "5\u202f000\u202fm²" in html
    assert '<span dir="ltr">16:00\u2009–\u200922:00</span>' in html
