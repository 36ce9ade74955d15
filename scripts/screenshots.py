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
        browser.close()


if __name__ == "__main__":
    main()
