"""People importing spreadsheets in a browser: errors apart from warnings, the rows that are
right imported when asked, the others downloaded with their reasons."""

import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from maarid.catalogue.models import Product
from maarid.registry.models import Organisation
from tests.browser.conftest import screenshot
from tests.browser.test_registry_flow import log_in
from tests.conftest import ensure_places

pytestmark = pytest.mark.django_db(transaction=True)

ORGANISATIONS = "\r\n".join(
    [
        "النوع;الاسم بالعربية;الاسم بالفرنسية;الإقليم;القطاع;الهاتف;تاريخ التأسيس",
        "تعاونية;تعاونية الزيتونة;Coopérative Zitouna;تطوان;المنتجات المجالية;0539123456;2004",
        "تعاونية;-;;تطوان;المنتجات المجالية;;1800",
        "جمعية;جمعية نساء الريف;Association Femmes du Rif;أطلانتيد;الصناعة التقليدية;;",
        "",
    ]
).encode("cp1256")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_an_organiser_imports_the_rows_that_are_right_on_a_phone(
    phone, live_server, organiser, series, language
):
    page = phone
    log_in(page, live_server, "organiser@example.ma")
    page.goto(f"{live_server.url}/{language}/organisations/import/")
    page.locator("#id_file").set_input_files(
        {"name": "organisations.csv", "mimeType": "text/csv", "buffer": ORGANISATIONS}
    )
    page.locator("#id_rows_right").check()
    page.locator("form.stacked button[type=submit]").click()

    expect(page).to_have_url(re.compile(rf"/{language}/organisations/import/\?job="))
    expect(page.locator("#errors-title")).to_be_visible()
    expect(page.locator("table[aria-labelledby=errors-title] tbody tr")).to_have_count(3)
    expect(page.locator("table[aria-labelledby=warnings-title] tbody tr")).to_have_count(2)
    screenshot(page, f"import-report-{language}-phone")
    page.locator("form.stacked button[type=submit]").first.click()

    expect(page.locator(".message.success")).to_be_visible()
    screenshot(page, f"import-done-{language}-phone")
    assert list(Organisation.objects.values_list("name_fr", flat=True)) == ["Coopérative Zitouna"]
    with page.expect_download() as download:
        page.locator("a[download]").click()
    refused = download.value.path().read_bytes().decode("utf-8-sig")
    header, *rows = refused.splitlines()
    assert [row.split(";")[:4] for row in rows] == [
        ["تعاونية", "'-", "", "تطوان"],
        ["جمعية", "جمعية نساء الريف", "Association Femmes du Rif", "أطلانتيد"],
    ]
    assert len(header.split(";")) == 8  # the file's columns and the reasons


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_an_exhibitor_imports_the_rows_that_are_right_on_a_desktop(
    desktop, live_server, exhibitor, cooperative, language
):
    ensure_places()
    workbook = openpyxl.Workbook()
    for row in [
        ["Nom en arabe", "Nom en français", "Catégorie", "Prix", "Unité"],
        ["عسل الزعتر", "Miel de thym", "Miel", "150", "pot"],
        ["Amlou", "", "Amlou", "n/a", ""],
        ["أملو", "Amlou", "Amlou", "-", "pot"],
    ]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    page = desktop
    log_in(page, live_server, exhibitor.email)
    page.goto(f"{live_server.url}/{language}/organisations/{cooperative.slug}/products/import/")
    page.locator("#id_file").set_input_files(
        {
            "name": "produits.xlsx",
            "mimeType": "application/octet-stream",
            "buffer": buffer.getvalue(),
        }
    )
    page.locator("#id_rows_right").check()
    page.locator("form.stacked button[type=submit]").first.click()

    expect(page.locator("#errors-title")).to_be_visible()
    expect(page.locator("#warnings-title")).to_be_visible()
    screenshot(page, f"product-import-report-{language}-desktop")
    page.locator("form.stacked button[type=submit]").first.click()

    expect(page.locator("a[download]")).to_be_visible()
    screenshot(page, f"product-import-done-{language}-desktop")
    assert sorted(Product.objects.values_list("name_fr", flat=True)) == ["Amlou", "Miel de thym"]
