"""The map in a browser: a visitor at an entrance searches an exhibitor on an Arabic phone
(390 × 844), another a product on a French desktop; the right booth lights up, the map opens
on it, and its link leads to the exhibitor's page, which shows the booth. An organiser moves
an exhibitor by picking it and then its booth, and confirms a move that breaks a rule."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from maarid.catalogue.models import Category, Product
from maarid.exhibitors.models import Exhibitor
from maarid.floorplan import selectors, services
from maarid.floorplan.geometry import ZonePlan, rectangle
from maarid.floorplan.models import Assignment
from maarid.registry.models import Sector
from maarid.sales import services as sales_services
from tests.browser.test_accessibility import axe, describe
from tests.browser.test_registry_flow import log_in
from tests.conftest import make_organisation

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path("/tmp/shots/fpmap")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def fair(edition, series, organiser, cooperative):
    """Tent A of 32 booths (A1…A32) on a 60 × 40 m site, terroir and crafts zones, an entrance
    and a stage; three exhibitors placed and announced, one not placed; the plan published."""
    services.generate_layout(
        actor=organiser, edition=edition, name="A", x=5, y=5, width=30, depth=20,
        booth_width=3, booth_depth=3, aisle=3, numbering="A", electricity=True,
    )  # fmt: skip
    venue = selectors.venue_of(edition)
    plan = selectors.plan_of(venue)
    plan.outline = rectangle(0, 0, 60, 40)
    plan.zones = [
        ZonePlan("terroir", rectangle(4, 4, 16, 22), "Terroir"),
        ZonePlan("handicrafts", rectangle(20, 4, 16, 22), "Artisanat"),
        ZonePlan("entrance", rectangle(24, 0.5, 8, 3), "Bab Okla"),
        ZonePlan("stage", rectangle(42, 10, 12, 10), "Scène"),
    ]
    venue = services.save_plan(actor=organiser, edition=edition, plan=plan)
    honey = Exhibitor.objects.create(edition=edition, organisation=cooperative)
    Product.objects.create(
        organisation=cooperative,
        name_fr="Miel de thym",
        name_ar="عسل الزعتر",
        category=Category.objects.filter(parent__isnull=False).first(),
    )
    others = []
    for name_fr, name_ar, sector in [
        ("Poterie du Rif", "فخار الريف", Sector.HANDICRAFTS),
        ("Tissage Chefchaouen", "نسيج شفشاون", Sector.HANDICRAFTS),
        ("Argan Tamount", "أركان تامونت", Sector.TERROIR),
    ]:
        organisation = make_organisation(name_fr=name_fr, name_ar=name_ar, sector=sector)
        series.organisations.add(organisation)
        others.append(Exhibitor.objects.create(edition=edition, organisation=organisation))
    booths = {b.number: b for b in venue.booths.all()}
    services.move(actor=organiser, exhibitor=honey, booth=booths["A10"])
    services.move(actor=organiser, exhibitor=others[0], booth=booths["A21"])
    services.move(actor=organiser, exhibitor=others[1], booth=booths["A22"])
    Assignment.objects.update(announced=True)
    services.publish(actor=organiser, edition=edition, published=True)
    return {"venue": venue, "honey": honey, "argan": others[2], "booths": booths}


def _lit_in_view(page, number):
    """The booth ``number`` is the only one lit, and the map shows it near its centre."""
    lit = page.locator("svg.fp-map-svg .fp-lit")
    expect(lit).to_have_count(1)
    expect(lit).to_have_attribute("data-number", number)
    svg = page.locator("svg.fp-map-svg").bounding_box()
    booth = lit.locator("path").bounding_box()
    centre = (booth["x"] + booth["width"] / 2, booth["y"] + booth["height"] / 2)
    assert svg["x"] + svg["width"] * 0.2 < centre[0] < svg["x"] + svg["width"] * 0.8
    assert svg["y"] + svg["height"] * 0.2 < centre[1] < svg["y"] + svg["height"] * 0.8
    assert booth["width"] > 30  # zoomed in: a 3 m booth is more than a speck


def _pinch(cdp, box):
    """Two fingers on the middle of ``box`` moving apart, as a phone's touch screen says it."""
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    def touch(kind, gap):
        points = [] if kind == "touchEnd" else [
            {"x": cx - gap, "y": cy, "id": 0}, {"x": cx + gap, "y": cy, "id": 1}
        ]  # fmt: skip
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", 20)
    for gap in range(30, 100, 10):
        touch("touchMove", gap)
    touch("touchEnd", 0)


def test_an_exhibitor_found_on_an_arabic_phone_from_an_entrance(
    browser, live_server, fair, edition
):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
        has_touch=True, locale="ar-MA",
    )  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(15000)
    entrance = selectors.entrances_of(fair["venue"])[0]
    base = f"{live_server.url}/ar/{edition.series.slug}/{edition.number}/floorplan/map/"
    page.goto(f"{base}?here={entrance.pk}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator(".fp-here")).to_have_count(1)
    expect(page.locator(".fp-zoom")).to_be_visible()  # the script took the map
    shot(page, "map-ar-phone-here")
    page.locator("#fp-q").fill("الأمل")
    page.locator("#fp-q").press("Enter")
    expect(page.locator(".fp-found li")).to_have_count(1)
    _lit_in_view(page, "A10")
    expect(page.locator(".fp-here")).to_have_count(1)  # still "you are here"
    assert "q=" in page.url  # the address is the search's: shared, reloaded, kept
    violations = axe(page)  # WCAG 2 A and AA, serious and critical
    assert not violations, describe("map", page.url, violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "map-ar-phone-found")
    # Two fingers spread over the map: it zooms in.
    before = page.locator("svg.fp-map-svg .fp-lit path").bounding_box()["width"]
    _pinch(context.new_cdp_session(page), page.locator("svg.fp-map-svg").bounding_box())
    after = page.locator("svg.fp-map-svg .fp-lit path").bounding_box()["width"]
    assert after > before * 1.5
    page.locator(".fp-found li a").nth(1).click()
    expect(page.locator(".fp-booth-block")).to_be_visible()
    expect(page.locator(".fp-booth-number")).to_contain_text("A10")
    shot(page, "exhibitor-ar-phone-booth")
    violations = axe(page)
    assert not violations, describe("exhibitor", page.url, violations)
    # A tap on a booth of the map opens its exhibitor's page (a pan is not a tap).
    page.goto(f"{base}?q=فخار")
    page.locator('svg.fp-map-svg a[data-number="A21"]').tap()
    expect(page.locator("h1")).to_contain_text("فخار الريف")
    context.close()


def test_a_product_found_on_a_french_desktop(desktop, live_server, fair, edition):
    page = desktop
    page.goto(f"{live_server.url}/fr/{edition.series.slug}/{edition.number}/floorplan/map/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("svg.fp-map-svg .fp-lit")).to_have_count(0)
    page.locator("#fp-q").fill("thym")
    page.locator(".fp-find button[type=submit]").click()
    expect(page.locator(".fp-found")).to_contain_text("Miel de thym")
    _lit_in_view(page, "A10")
    shot(page, "map-fr-desktop-found")
    zoomed = page.locator("svg.fp-map-svg .fp-lit path").bounding_box()["width"]
    page.locator("[data-zoom=whole]").click()
    # The whole plan again (waited for: the zoom is drawn on the next frame).
    page.wait_for_function(
        "w => document.querySelector('svg.fp-map-svg .fp-lit path')"
        ".getBoundingClientRect().width < w * 0.9",
        arg=zoomed,
        timeout=5000,
    )
    page.locator('svg.fp-map-svg a[data-number="A21"]').click()
    expect(page.locator("h1")).to_contain_text("Poterie du Rif")
    expect(page.locator(".fp-booth-number")).to_contain_text("A21")
    shot(page, "exhibitor-fr-desktop-booth")


def test_without_javascript_the_search_still_lights_the_booth(browser, live_server, fair, edition):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    base = f"{live_server.url}/fr/{edition.series.slug}/{edition.number}/floorplan/map/"
    page.goto(f"{base}?q=poterie")
    lit = page.locator("svg.fp-map-svg .fp-lit")
    expect(lit).to_have_count(1)
    expect(lit).to_have_attribute("data-number", "A21")
    shot(page, "map-fr-desktop-nojs")
    context.close()


def test_an_organiser_moves_an_exhibitor_by_picking_then_confirms(
    desktop, live_server, fair, edition
):
    page = desktop
    log_in(page, live_server, "organiser@example.ma")
    page.goto(f"{live_server.url}/fr/{edition.series.slug}/{edition.number}/floorplan/arrange/")
    argan = fair["argan"]
    expect(page.locator(".fp-picks").first).to_contain_text("Argan Tamount")
    page.locator(f'.fp-pick[data-exhibitor="{argan.pk}"]').first.click()
    # A booth of the crafts zone, taken: the move breaks two rules, said before saving.
    page.locator('svg.fp-map-svg [data-number="A22"]').click()
    dialog = page.locator(".fp-confirm")
    expect(dialog).to_contain_text("Argan Tamount")
    expect(dialog.locator("h2")).to_contain_text("A22")
    expect(dialog.locator("li")).to_have_count(2)  # the zone of its sector; one a booth
    shot(page, "arrange-fr-desktop-confirm")
    violations = axe(page)
    assert not violations, describe("arrange", page.url, violations)
    assert not Assignment.objects.filter(exhibitor=argan).exists()
    dialog.locator("a.button").click()
    # Dragged onto a free booth of its zone: saved at once.
    page.locator(f'.fp-pick[data-exhibitor="{argan.pk}"]').first.drag_to(
        page.locator('svg.fp-map-svg [data-number="A3"]')
    )
    expect(page.locator(".fp-status")).to_contain_text("Argan Tamount")
    expect(page.locator(".fp-status")).to_contain_text("A3")
    assert Assignment.objects.get(exhibitor=argan).booth.number == "A3"
    shot(page, "arrange-fr-desktop-moved")


def test_the_sales_app_shows_the_booth_number(browser, live_server, fair, exhibitor):

    _device, raw = sales_services.register_device(
        actor=exhibitor, exhibitor=fair["honey"], name="Téléphone de Fatima"
    )
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
        has_touch=True,
    )  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/ar/pos/#pair={raw}")
    expect(page.locator("#pos-booth")).to_be_visible()
    expect(page.locator("#pos-booth-number")).to_have_text("A10")
    shot(page, "sales-ar-phone-header")
    context.close()
