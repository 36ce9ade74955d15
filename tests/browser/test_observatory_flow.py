"""The observatory on an Arabic phone: the fairs side by side and a fair's trend drawn as SVG
on the server (bars Chromium draws: no length it refuses), nothing wider than the phone, no
serious accessibility fault; then the open data page and one of its files."""

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import axe, describe
from tests.reports.test_observatory import world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_observatory_on_an_arabic_phone(phone, live_server, world):  # noqa: F811
    refused = []
    phone.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)
    url = f"{live_server.url}/ar/observatory/?series=ess-tta&region=01"
    assert phone.goto(url).status == 200
    assert phone.locator("html").get_attribute("dir") == "rtl"
    assert phone.locator("figure.obs-chart svg").count() >= 5
    heights = phone.locator("figure.obs-chart rect").evaluate_all(
        "rects => rects.map(r => r.getBBox().height)"
    )
    assert heights and max(heights) > 100  # the tallest bar is drawn at full height
    assert not refused, refused
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    violations = axe(phone)
    assert not violations, describe("observatory", url, violations)
    screenshot(phone, "observatory-ar-phone")

    phone.locator("a[href$='/observatory/data/']").first.click()
    phone.wait_for_url("**/observatory/data/")
    assert phone.locator("a[rel='license']").count() == 1
    screenshot(phone, "observatory-data-ar-phone")
    response = phone.request.get(f"{live_server.url}/ar/observatory/data/editions.json")
    assert response.ok and response.json()["licence"]["id"] == "ODbL-1.0"
