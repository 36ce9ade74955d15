"""A visitor searches in Arabic on a phone and opens the product."""

import pytest
from playwright.sync_api import expect

from maarid.catalogue.models import Category, Label, Product
from maarid.catalogue.taxonomy import load as load_taxonomy
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_searching_argan_oil_in_arabic_on_a_phone(phone, live_server, cooperative):
    if not Category.objects.exists():  # transactional tests flush the data migrations' rows
        load_taxonomy(Category, Label)
    argan = Product.objects.create(
        organisation=cooperative,
        name_ar="زيت الأركان",
        name_fr="Huile d'argan",
        category=Category.objects.get(slug="huile-argan"),
        price="250.00",
    )
    Product.objects.create(
        organisation=cooperative,
        name_ar="عسل الزعتر",
        name_fr="Miel de thym",
        category=Category.objects.get(slug="miel"),
    )
    phone.goto(f"{live_server.url}/ar/search/")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    # Typed without the hamza, as people often do on a phone keyboard.
    phone.locator("#search-q").fill("زيت الاركان")
    phone.locator("#search-q").press("Enter")
    results = phone.locator("ul.results li")
    expect(results).to_have_count(1)
    screenshot(phone, "search-ar-phone")
    results.first.get_by_role("link", name="زيت الأركان").click()
    expect(phone).to_have_url(f"{live_server.url}/ar/products/{argan.slug}/")
    expect(phone.locator("h1")).to_contain_text("زيت الأركان")
