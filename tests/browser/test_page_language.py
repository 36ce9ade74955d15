"""In Chromium: Arabic pages lay time ranges out left to right like the B2B agenda, the site's
icon loads under the Content-Security-Policy, and a text in the other language is laid out in
its own direction."""

import datetime

import pytest

from maarid.exhibitors.models import Exhibitor
from maarid.fairs.models import OpeningHours
from tests.catalogue.test_site import make_product
from tests.conftest import make_organisation

pytestmark = pytest.mark.django_db(transaction=True)


def left_to_right(page, selector):
    """The x of each of the element's two times, as the page shows them."""
    return page.evaluate(
        """(selector) => {
            const text = document.querySelector(selector).firstChild;
            const at = (start, end) => {
                const range = document.createRange();
                range.setStart(text, start);
                range.setEnd(text, end);
                return range.getBoundingClientRect().left;
            };
            return [at(0, 5), at(text.data.length - 5, text.data.length), text.data];
        }""",
        selector,
    )


def test_arabic_opening_hours_read_from_opening_to_closing_time(desktop, live_server, edition):
    OpeningHours.objects.create(
        edition=edition,
        day=datetime.date(2024, 5, 31),
        opens_at=datetime.time(16),
        closes_at=datetime.time(22),
    )
    desktop.goto(f"{live_server.url}/ar/{edition.series.slug}/{edition.number}/")
    opens, closes, text = left_to_right(desktop, "td span[dir=ltr]")
    assert text == "16:00–22:00" and opens < closes
    assert "5.000 م²" in desktop.locator(".figures").first.inner_text()


def test_the_icon_loads_on_a_page_under_the_policy(desktop, live_server, edition):
    desktop.goto(f"{live_server.url}/fr/")
    for selector in ('link[rel=icon][type="image/svg+xml"]', "link[rel=apple-touch-icon]"):
        href = desktop.locator(selector).get_attribute("href")
        response = desktop.request.get(f"{live_server.url}{href}")
        assert response.status == 200 and response.headers["content-type"].startswith("image/")
    response = desktop.request.get(f"{live_server.url}/favicon.ico")
    assert response.status == 200 and response.headers["content-type"] == "image/x-icon"


def test_an_arabic_description_on_a_french_page_runs_right_to_left(desktop, live_server, edition):
    organisation = make_organisation(name_fr="", name_ar="تعاونية النحل")
    Exhibitor.objects.create(edition=edition, organisation=organisation)
    product = make_product(organisation, description_fr="", description_ar="عسل من جبال الريف.")
    desktop.goto(f"{live_server.url}/fr/products/{product.slug}/")
    story = desktop.locator(".story div[lang=ar]")
    assert story.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert desktop.locator(".story .written-in").is_visible()
