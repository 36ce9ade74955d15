"""Takes the README's screenshots from a running demo (`make demo` in another terminal).

.venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000]
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser.conftest import CHROMIUM, FLAGS  # noqa: E402  (one list of Chromium flags)

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def log_in(page, username, password):
    page.goto(f"{BASE}/fr/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form.stacked button[type=submit]")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        desktop = browser.new_page(viewport={"width": 1280, "height": 860})
        desktop.goto(f"{BASE}/ar/ess-tta/3/")
        desktop.screenshot(path=OUT / "edition-ar.png", full_page=False)
        log_in(desktop, "organiser", "demo-organiser-2024")
        desktop.goto(f"{BASE}/fr/ess-tta/3/dashboard/")
        desktop.screenshot(path=OUT / "dashboard-fr.png", full_page=False)
        phone = browser.new_page(viewport={"width": 360, "height": 760}, device_scale_factor=2)
        log_in(phone, "organiser", "demo-organiser-2024")
        phone.goto(f"{BASE}/ar/organisations/?women=on")
        phone.screenshot(path=OUT / "organisations-ar-phone.png", full_page=False)
        phone.goto(f"{BASE}/en/organisations/")
        phone.screenshot(path=OUT / "organisations-en-phone.png", full_page=False)
        desktop.goto(f"{BASE}/fr/ess-tta/3/sales/")
        desktop.screenshot(path=OUT / "turnover-fr.png", full_page=False)
        desktop.goto(f"{BASE}/fr/ess-tta/3/b2b/meetings/")
        desktop.screenshot(path=OUT / "b2b-meetings-fr.png", full_page=False)
        desktop.goto(f"{BASE}/fr/ess-tta/3/footfall/?day=2024-06-01")
        desktop.screenshot(path=OUT / "footfall-fr.png", full_page=False)
        desktop.goto(f"{BASE}/fr/ess-tta/3/report/")
        desktop.screenshot(path=OUT / "report-fr.png", full_page=False)
        phone.goto(f"{BASE}/ar/observatory/")
        phone.screenshot(path=OUT / "observatory-ar-phone.png", full_page=False)
        phone.goto(f"{BASE}/ar/ess-tta/3/floorplan/map/?q=عسل")
        phone.wait_for_timeout(500)  # the map opens on the booths found
        phone.screenshot(path=OUT / "map-ar-phone.png", full_page=False)
        sales_app(browser)
        browser.close()


def sales_app(browser):
    """The exhibitor registers a phone and puts a few products in a sale, in Arabic; then reads
    its B2B agenda."""
    phone = browser.new_page(
        viewport={"width": 360, "height": 760}, device_scale_factor=2, is_mobile=True
    )
    log_in(phone, "exhibitor", "demo-exhibitor-2024")
    phone.goto(f"{BASE}/ar/ess-tta/3/b2b/agenda/")
    phone.screenshot(path=OUT / "b2b-agenda-ar-phone.png", full_page=False)
    phone.goto(f"{BASE}/ar/ess-tta/3/")  # the edition's page links to the stand's sales
    ledger = phone.evaluate(
        "[...document.querySelectorAll('a')].map(a => a.href)"
        ".find(h => h.includes('/ess-tta/3/sales/'))"
    )
    phone.goto(ledger.rstrip("/") + "/devices/")
    phone.fill("input[name=name]", "هاتف الرواق")
    phone.click("button[name=here]")
    phone.wait_for_selector("#pos-sell:not([hidden])")
    for n in (0, 1, 1, 3):
        phone.locator(".pos-product").nth(n).click()
    phone.screenshot(path=OUT / "sales-app-ar-phone.png", full_page=False)


if __name__ == "__main__":
    main()
