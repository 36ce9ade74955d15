"""A cooperative asks a buyer for a meeting, the buyer accepts, the organisers schedule and
publish, and the cooperative finds the meeting in its agenda — in Arabic."""

import datetime

import pytest
from playwright.sync_api import expect

from maarid.b2b import services
from maarid.exhibitors.models import Exhibitor
from tests.browser.conftest import screenshot
from tests.browser.test_registry_flow import log_in
from tests.conftest import ensure_places

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def programme(edition, organiser, cooperative, exhibitor, buyer):
    ensure_places()
    Exhibitor.objects.create(edition=edition, organisation=cooperative)
    programme = services.set_up(
        actor=organiser,
        edition=edition,
        days=[edition.starts_on],
        starts_at=datetime.time(10),
        ends_at=datetime.time(12),
        afternoon_from=datetime.time(12),
        slot_minutes=20,
        tables=5,
    )
    services.save_profile(
        actor=exhibitor,
        programme=programme,
        organisation=cooperative,
        offers="زيت الأركان البيولوجي",
        languages=["ar", "fr"],
    )
    company = buyer.memberships.get().organisation
    services.save_profile(
        actor=buyer,
        programme=programme,
        organisation=company,
        seeks="نبحث عن زيت الاركان للتصدير",
        languages=["ar", "fr"],
    )
    return programme


def test_request_accept_schedule_and_read_the_agenda_in_arabic(
    browser, live_server, programme, edition
):
    base = f"{live_server.url}/ar/{edition.series.slug}/{edition.number}/b2b"

    seller = browser.new_context(viewport={"width": 360, "height": 780}).new_page()
    log_in(seller, live_server, "exhibitor@example.ma")
    seller.goto(f"{base}/participants/")
    suggestion = seller.locator(".suggestion", has_text="شركة التوزيع")
    expect(suggestion.locator(".reasons")).to_contain_text("الاركان")  # why it is suggested
    suggestion.get_by_role("button").click()  # one tap, answered in place
    expect(suggestion.locator(".badge")).to_be_visible()

    buyer = browser.new_context().new_page()
    log_in(buyer, live_server, "buyer@example.ma")
    buyer.goto(f"{base}/requests/")
    buyer.locator("button[name=accept][value='1']").click()
    expect(buyer.locator(".badge.accepted")).to_be_visible()

    organiser = browser.new_context().new_page()
    log_in(organiser, live_server, "organiser@example.ma")
    organiser.goto(f"{base}/meetings/")
    organiser.locator("form[action$='/b2b/schedule/'] button").click()
    expect(organiser.locator("form[action$='/b2b/publish/'] button")).to_be_visible(timeout=60000)
    organiser.locator("form[action$='/b2b/publish/'] button").click()
    expect(organiser.locator(".messages")).to_be_visible()

    seller.goto(f"{base}/agenda/")
    item = seller.locator(".agenda-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("شركة التوزيع")
    expect(item).to_contain_text("طاولة")
    assert seller.locator("html").get_attribute("dir") == "rtl"
    screenshot(seller, "b2b-agenda-ar")
