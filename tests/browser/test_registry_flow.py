"""A person in a browser: log in, switch to Arabic, create an organisation, find it listed."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, live_server, identifier):
    page.goto(f"{live_server.url}/fr/accounts/login/")
    page.get_by_label("E-mail ou numéro de mobile").fill(identifier)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).not_to_have_url(re.compile("/login/"))


def test_an_organiser_creates_an_organisation_in_arabic_on_a_phone(
    phone, live_server, organiser, edition
):
    page = phone
    log_in(page, live_server, "organiser@example.ma")
    page.locator(".languages a[hreflang=ar]").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    page.goto(f"{live_server.url}/ar/organisations/new/")
    page.get_by_label("النوع").select_option("cooperative")
    page.get_by_label("الاسم بالعربية").fill("تعاونية الزيتونة النسائية")
    page.get_by_label("الاسم بالفرنسية").fill("Coopérative féminine Zitouna")
    page.locator("#id_province").select_option("01.571")
    # The communes of Tétouan arrive in place once the province is chosen.
    expect(page.locator("#id_commune option", has_text="واد لو")).to_have_count(1)
    page.locator("#id_commune").select_option(label="واد لو")
    page.locator("#id_sector").select_option("terroir")
    page.locator("#id_members_women").fill("14")
    page.locator("#id_women_led").check()
    page.locator("#id_phone").fill("0661 23 45 67")
    screenshot(page, "organisation-form-ar-phone")
    page.locator("form.stacked button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("تعاونية الزيتونة النسائية")
    expect(page.locator("dl.facts")).to_contain_text("واد لو")
    page.goto(f"{live_server.url}/ar/organisations/?q=الزيتونه")
    row = page.locator("table tbody tr").filter(has_text="تعاونية الزيتونة النسائية")
    expect(row).to_have_count(1)
    screenshot(page, "organisations-ar-phone")
    # The menu really mirrors: the brand sits at the right edge in Arabic.
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] > 360 / 2


def test_the_edition_page_on_a_desktop_in_three_languages(desktop, live_server, edition):
    for language, title in [
        ("fr", "3e Salon régional de l'ESS"),
        ("ar", "المعرض الجهوي الثالث"),
        ("en", "3e Salon régional de l'ESS"),
    ]:
        desktop.goto(f"{live_server.url}/{language}/{edition.series.slug}/{edition.number}/")
        expect(desktop.locator("h1")).to_have_text(title)
        screenshot(desktop, f"edition-{language}-desktop")
