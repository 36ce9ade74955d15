"""Awards in a browser: a juror marks booths on an Arabic phone (a row of buttons per
criterion, then on to the next booth), a juror who belongs to an exhibiting cooperative finds it
recused, the chair locks the results on the phone, and once the organisers publish them the
winners page shows them in Arabic, French and English."""

import datetime
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from maarid.awards import services
from maarid.awards.models import Result, Score
from maarid.exhibitors.models import Exhibitor
from maarid.registry.models import Membership
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import axe, describe, log_in
from tests.conftest import Role, ensure_places, make_organisation, make_user, with_role

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("MAARID_SHOTS", "/tmp/shots/awards"))


def shot(page, name):
    screenshot(page, name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def jury(edition):
    ensure_places()
    organiser = with_role(make_user("awards-organiser"), edition.series, Role.ORGANISER)
    stands = {}
    for key, name_ar, name_fr in [
        ("argan", "تعاونية أركان الشمال", "Coopérative Argan du Nord"),
        ("nador", "تعاونية التدوير بالناظور", "Coopérative de recyclage de Nador"),
        ("tanja", "تعاونية طنجة", "Coopérative Tanja"),
    ]:
        organisation = make_organisation(
            name_ar=name_ar, name_fr=name_fr, founded_on=datetime.date(1990, 1, 1)
        )
        edition.series.organisations.add(organisation)
        stands[key] = Exhibitor.objects.create(edition=edition, organisation=organisation)
    category = services.create_category(
        actor=organiser,
        edition=edition,
        kind="judged",
        name_ar="أفضل رواق",
        name_fr="Meilleur stand",
        name_en="Best booth",
    )
    look = services.add_criterion(
        actor=organiser, category=category, name_ar="الديكور", name_fr="Décor", weight=2, high=5
    )
    welcome = services.add_criterion(
        actor=organiser, category=category, name_ar="الاستقبال", name_fr="Accueil", high=5
    )
    chair_user = make_user("chair")
    Membership.objects.create(
        user=chair_user, organisation=stands["tanja"].organisation, status="active"
    )
    chair = services.add_juror(actor=organiser, category=category, user=chair_user, chair=True)
    return {
        "edition": edition,
        "organiser": organiser,
        "stands": stands,
        "category": category,
        "criteria": (look, welcome),
        "chair": chair,
    }


def mark(page, criterion, value):
    """Taps the mark's button (its label: the radio input inside is transparent)."""
    page.locator("label.mark").filter(
        has=page.locator(f"input[name='c{criterion.pk}'][value='{value}']")
    ).tap()


def arabic_phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="ar-MA",
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def test_a_juror_scores_on_an_arabic_phone_the_chair_locks_and_the_winners_show(
    browser, live_server, jury
):
    edition, chair = jury["edition"], jury["chair"]
    base = f"{live_server.url}/ar/{edition.series.slug}/{edition.number}/awards"
    context, page = arabic_phone(browser)
    log_in(page, live_server, chair.user)

    page.goto(f"{base}/jury/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.get_by_role("link", name="أفضل رواق").click()
    # The chair belongs to Tanja's cooperative: it is listed, recused, with no link.
    tanja = page.locator(".booths li", has_text="تعاونية طنجة")
    expect(tanja.locator(".badge")).to_be_visible()
    expect(tanja.get_by_role("link")).to_have_count(0)
    shot(page, "awards-seat-ar-phone")
    violations = axe(page)
    assert not violations, describe("seat", page.url, violations)

    page.get_by_role("link", name="تعاونية أركان الشمال").click()
    look, welcome = jury["criteria"]
    # One thumb: each mark is a button-sized label of a radio input.
    mark(page, look, 5)
    mark(page, welcome, 4)
    page.locator("textarea[name=note]").fill("رواق منظم وجميل")
    shot(page, "awards-sheet-ar-phone")
    violations = axe(page)
    assert not violations, describe("sheet", page.url, violations)
    page.locator("form.sheet button[type=submit]").tap()
    # On to the next booth that has no marks yet: Nador's.
    expect(page.locator("h1")).to_contain_text("تعاونية التدوير بالناظور")
    mark(page, look, 3)
    mark(page, welcome, 5)
    page.locator("form.sheet button[type=submit]").tap()
    # Every booth marked: back to the list, both marked.
    expect(page).to_have_url(re.compile(rf"/awards/jury/{chair.pk}/$"))
    expect(page.locator(".booths .badge")).to_have_count(3)
    assert Score.objects.filter(juror=chair).count() == 4

    # The chair computes and locks on the phone (buttons found by what they do: their words
    # are the translators').
    page.goto(f"{base}/results/{jury['category'].pk}/")
    page.locator("form[action$='/compute/'] button").tap()
    expect(page.locator(".podium").first).to_contain_text("تعاونية أركان الشمال")
    page.locator("form[action$='/lock/'] button").tap()
    expect(page.locator(".badge").first).to_be_visible()
    shot(page, "awards-results-locked-ar-phone")
    violations = axe(page)
    assert not violations, describe("results", page.url, violations)
    assert Result.objects.get().locked
    context.close()

    services.publish(actor=jury["organiser"], category=jury["category"])
    for language, title in [("ar", "أفضل رواق"), ("fr", "Meilleur stand"), ("en", "Best booth")]:
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        public = context.new_page()
        public.goto(f"{live_server.url}/{language}/{edition.series.slug}/{edition.number}/awards/")
        award = public.locator(".award")
        expect(award.locator("h2")).to_have_text(title)
        name = "تعاونية أركان الشمال" if language == "ar" else "Coopérative Argan du Nord"
        expect(award.locator(".podium")).to_contain_text(name)
        shot(public, f"awards-winners-{language}")
        violations = axe(public)
        assert not violations, describe("winners", public.url, violations)
        context.close()


def test_an_organiser_adds_a_computed_award_and_plans_the_ceremony_on_a_desktop(
    desktop, live_server, jury
):
    edition, organiser = jury["edition"], jury["organiser"]
    base = f"{live_server.url}/fr/{edition.series.slug}/{edition.number}/awards"
    log_in(desktop, live_server, organiser)
    desktop.goto(f"{base}/organise/")
    desktop.locator("input[name='category-kind'][value='computed']").check()
    desktop.locator("input[name='category-name_fr']").fill("Coopérative la plus ancienne")
    desktop.locator("select[name='category-rule']").select_option("oldest_cooperative")
    desktop.locator("input[name='category-params']").fill('{"kinds": ["castle"]}')
    desktop.locator("form.card button[type=submit]").click()
    expect(desktop.locator(".errorlist")).to_be_visible()  # the nonsense is said, not saved
    desktop.locator("input[name='category-params']").fill("")
    desktop.locator("form.card button[type=submit]").click()
    expect(desktop.locator("h1")).to_contain_text("Coopérative la plus ancienne")
    violations = axe(desktop)
    assert not violations, describe("category", desktop.url, violations)
    shot(desktop, "awards-category-fr-desktop")

    desktop.goto(f"{base}/organise/ceremony/")
    desktop.locator("input[name='moment-name_fr']").fill("Allocution du président de la Région")
    desktop.locator("input[name='moment-person']").fill("M. le Président")
    desktop.locator("button[value='moment']").click()
    desktop.locator("button[value='shields-awards']").click()
    rows = desktop.locator("tbody tr")
    expect(rows).to_have_count(3)  # the speech, then the two awards (no partner here)
    expect(rows.nth(0)).to_contain_text("0:00")
    violations = axe(desktop)
    assert not violations, describe("ceremony", desktop.url, violations)
    shot(desktop, "awards-ceremony-fr-desktop")
