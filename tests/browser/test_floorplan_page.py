"""The organisers' floor plan page on an Arabic phone and a French desktop: the plan drawn from
its data (the SVG fits the screen, north up), a tent drawn with the generator, a booth edited."""

import pytest
from playwright.sync_api import expect

from maarid.floorplan import services
from tests.browser.conftest import screenshot
from tests.browser.test_registry_flow import log_in
from tests.floorplan.conftest import small_plan

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def venue(edition, organiser):
    return services.save_plan(actor=organiser, edition=edition, plan=small_plan())


def _fits(page) -> None:
    """The drawing is as wide as its card, within the screen, and nothing scrolls sideways."""
    box = page.locator(".fp-plan svg").bounding_box()
    width = page.viewport_size["width"]
    assert box and 0 < box["width"] <= width and box["height"] > 50
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_plan_on_an_arabic_phone(phone, live_server, venue, edition):
    page = phone
    log_in(page, live_server, "organiser@example.ma")
    base = f"{live_server.url}/ar/{edition.series.slug}/{edition.number}/floorplan/"
    page.goto(base)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator(".fp-booth")).to_have_count(3)
    _fits(page)
    screenshot(page, "floorplan-ar-phone")
    page.get_by_role("link", name="A2", exact=True).click()
    page.locator("#id_water").check()
    page.locator("form.stacked button[type=submit]").click()
    expect(page).to_have_url(base)
    assert venue.booths.get(number="A2").water


def test_a_tent_drawn_on_a_french_desktop(desktop, live_server, venue, edition):
    page = desktop
    log_in(page, live_server, "organiser@example.ma")
    page.goto(f"{live_server.url}/fr/{edition.series.slug}/{edition.number}/floorplan/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    form = page.locator("form.fp-layout")
    form.locator("#id_name").fill("B")
    form.locator("#id_y").fill("26")
    form.locator("#id_depth").fill("12")
    form.locator("#id_numbering").fill("B")
    form.locator("button[type=submit]").click()
    expect(page.locator(".fp-booth")).to_have_count(3 + 16)
    _fits(page)
    screenshot(page, "floorplan-fr-desktop")
