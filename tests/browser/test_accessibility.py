"""Accessibility: axe-core (from the repository's node_modules, never a CDN) checks the main
pages in French on a desktop and in Arabic on a phone against WCAG 2 A and AA; serious and
critical violations fail. Keyboard use: the skip link comes first and focus is visible."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image, ImageDraw

from maarid.catalogue import services
from tests.browser.conftest import screenshot
from tests.catalogue.test_site import build_fair
from tests.conftest import make_organisation

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa"]
BLOCKING = {"serious", "critical"}


def solid_photo(colour, letter) -> SimpleUploadedFile:
    """A generated photo: a solid colour with the product's initial (nothing from the web)."""
    image = Image.new("RGB", (480, 480), colour)
    ImageDraw.Draw(image).text((220, 220), letter, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return SimpleUploadedFile(f"{letter}.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def site(edition, cooperative, organiser, exhibitor):
    fair = build_fair(edition, cooperative)
    amal = fair["amal"]
    amal.description_fr = "Douze femmes de Tétouan récoltent le miel du Rif depuis 2009."
    amal.description_ar = "اثنتا عشرة امرأة من تطوان يجنين عسل الريف منذ 2009."
    amal.contact_name = "Fatima Zahra"
    amal.phone = "+212661234567"
    amal.email = "contact@alamal.ma"
    amal.contact_public = True
    amal.save()
    services.add_photo(
        actor=exhibitor, product=fair["honey"], uploaded=solid_photo((150, 90, 20), "M")
    )
    for i in range(3):
        other = make_organisation(
            name_fr=f"Coopérative Tilila {i}", name_ar=f"تعاونية تيليلا {i}", women_led=True
        )
        edition.exhibitors.create(organisation=other)
    fair["organiser"] = organiser
    return fair


def pages(fair, language):
    edition, amal = fair["edition"], fair["amal"]
    base = f"/{language}/{edition.series.slug}/{edition.number}"
    return [
        ("home", f"/{language}/", None),
        ("edition", f"{base}/", None),
        ("directory", f"{base}/exhibitors/", None),
        ("directory-filtered", f"{base}/exhibitors/?women=on&q=tilila", None),
        ("exhibitor", f"{base}/exhibitors/{amal.slug}/", None),
        ("product", f"/{language}/products/{fair['honey'].slug}/", None),
        ("search", f"/{language}/search/?q=miel", None),
        ("login", f"/{language}/accounts/login/", None),
        ("signup", f"/{language}/accounts/signup/", None),
        ("sales-app", f"/{language}/pos/", None),
        ("organisations", f"/{language}/organisations/", fair["organiser"]),
        ("turnover", f"{base}/sales/", fair["organiser"]),
        ("sales-ledger", f"{base}/sales/{amal.slug}/", fair["organiser"]),
        ("b2b-settings", f"{base}/b2b/setup/", fair["organiser"]),
    ]


def log_in(page, live_server, user):
    """Shares a session made by Django's test client with the browser: no login form."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )


def axe(page) -> list[dict]:
    # Evaluated by Playwright (DevTools), not added as a <script> element: the page's
    # Content-Security-Policy refuses inline scripts, and must not be relaxed for a test.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(name, url, violations) -> str:
    lines = [f"{name} ({url}):"]
    for v in violations:
        targets = ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} — {targets}")
    return "\n".join(lines)


def walk(page, live_server, fair, language, shots=False):
    failures = []
    for name, url, user in pages(fair, language):
        if user is not None:
            log_in(page, live_server, user)
        response = page.goto(live_server.url + url)
        assert response.status == 200, f"{url} → {response.status}"
        assert page.locator("html").get_attribute("lang") == language
        violations = axe(page)
        if violations:
            failures.append(describe(name, url, violations))
        if shots:
            screenshot(page, f"a11y-{name}-{language}-{page.viewport_size['width']}")
    return failures


def test_the_main_pages_in_french_on_a_desktop(desktop, live_server, site):
    failures = walk(desktop, live_server, site, "fr", shots=True)
    assert not failures, "\n".join(failures)


def test_the_main_pages_in_arabic_on_a_phone(phone, live_server, site):
    failures = walk(phone, live_server, site, "ar", shots=True)
    assert phone.locator("html").get_attribute("dir") == "rtl"
    assert not failures, "\n".join(failures)


def test_the_public_site_fits_a_phone_in_arabic(phone, live_server, site):
    """Nothing wider than the screen on the directory and the exhibitor page."""
    edition = site["edition"]
    base = f"{live_server.url}/ar/{edition.series.slug}/{edition.number}/exhibitors/"
    for name, url in [
        ("directory", base),
        ("exhibitor", f"{base}{site['amal'].slug}/"),
        ("product", f"{live_server.url}/ar/products/{site['honey'].slug}/"),
    ]:
        phone.goto(url)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{name}: {width}px wide"
        screenshot(phone, f"site-{name}-ar-phone")


def test_keyboard_users_skip_to_the_content_and_see_where_they_are(desktop, live_server, site):
    edition = site["edition"]
    desktop.goto(f"{live_server.url}/fr/{edition.series.slug}/{edition.number}/exhibitors/")
    desktop.keyboard.press("Tab")
    focused = desktop.evaluate("document.activeElement.className")
    assert focused == "skip"
    box = desktop.locator(".skip").bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0  # on screen once focused
    outline = desktop.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    desktop.keyboard.press("Enter")
    assert desktop.evaluate("location.hash") == "#main"
    # The search box, then its filters, are reachable by keyboard, each with a name.
    desktop.locator("#id_q").focus()
    desktop.keyboard.type("tilila")
    desktop.keyboard.press("Enter")
    desktop.wait_for_url("**q=tilila**")
    assert desktop.locator(".cards > li").count() == 3
