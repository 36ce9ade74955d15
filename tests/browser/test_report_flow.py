"""The closing report in a browser, on an Arabic phone: the organisers read the draft (charts
drawn on the server, every figure a link to its rows, nothing wider than the phone, no
accessibility fault axe calls serious), follow a day's sales to their rows; once the edition
is closed, anyone reads the frozen report, without the rows."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from maarid.fairs import services as fair_services
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import axe, describe, log_in
from tests.reports.conftest import fair, provinces  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("MAARID_SHOTS", "/tmp/shots/report"))


def shot(page, name):
    screenshot(page, name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_report_on_an_arabic_phone(phone, live_server, fair):  # noqa: F811
    edition = fair["edition"]
    base = f"{live_server.url}/ar/{edition.series.slug}/{edition.number}/report/"
    log_in(phone, live_server, fair["organiser"])
    response = phone.goto(base)
    assert response.status == 200
    assert phone.locator("html").get_attribute("dir") == "rtl"
    expect(phone.locator("#sales")).to_contain_text("1.765,75")
    assert phone.locator("svg.chart").count() == 2  # visitors and sales by day
    assert phone.locator("table.bar-chart").count() >= 6
    assert fits(phone), "the report is wider than the phone"
    violations = axe(phone)
    assert not violations, describe("report", base, violations)
    shot(phone, "report-draft-ar-phone")

    # A day's sales, followed to their rows.
    phone.locator("#sales-by-day a").first.click()
    expect(phone.locator("h1")).to_be_visible()
    assert "/report/rows/sales/" in phone.url and "day=" in phone.url
    assert phone.locator("table.report-table tbody tr").count() >= 1
    shot(phone, "report-rows-ar-phone")

    fair_services.move_edition(actor=fair["organiser"], edition=edition, status="closed")
    public = phone.context.browser.new_context(
        viewport={"width": 360, "height": 780}, device_scale_factor=2, is_mobile=True
    ).new_page()
    public.goto(base)
    expect(public.locator(".report-state.frozen")).to_be_visible()
    expect(public.locator("#sales")).to_contain_text("1.765,75")
    assert public.locator("a[href*='/report/rows/']").count() == 0
    assert fits(public)
    shot(public, "report-frozen-ar-phone")
    public.context.close()
