"""Importing and exporting an organisation's products by spreadsheet: headers in three
languages, a report per row and column, nothing saved unless every row is right, and an export
that reads back (formulas neutralised)."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from maarid.catalogue import importing, services
from maarid.catalogue.models import Product, Stock
from maarid.core.spreadsheets import ImportFileError
from tests.catalogue.conftest import make_product
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages in English, whatever the catalogues translate."""
    with translation.override("en"):
        yield


HEADER = [
    "name_ar",
    "name_fr",
    "description_ar",
    "description_fr",
    "category",
    "labels",
    "price",
    "unit",
    "stock",
]
GOOD = [
    ["عسل الزعتر", "Miel de thym", "", "Miel du Rif", "miel", "bio, IGP", 150, "jar", 40],
    ["أملو", "Amlou", "", "", "أملو", "", "85,50", "pot", 12],
    ["", "Tajine décoré", "", "", "Poterie", "Fait main", "120.5 DH", "pièce", ""],
]


def xlsx(rows, name="produits.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def read_xlsx(data: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def problems(report):
    return [(p.row, p.column, p.message) for p in report.problems]


# --- A good file --------------------------------------------------------------------------------


def test_a_good_file_is_previewed_then_committed(cooperative, exhibitor, exhibiting, taxonomy):
    report = importing.preview(xlsx([HEADER, *GOOD]), cooperative)
    assert report.ok and report.rows == 3 and report.ready == 3 and report.new == 3
    assert report.edition == exhibiting.edition
    assert not Product.objects.exists()  # a preview saves nothing

    report = importing.commit(
        actor=exhibitor, uploaded_file=xlsx([HEADER, *GOOD]), organisation=cooperative
    )
    assert report.created == 3 and report.updated == 0
    honey = Product.objects.get(name_fr="Miel de thym")
    assert honey.organisation == cooperative and honey.category.slug == "miel"
    assert honey.price == Decimal("150.00") and honey.unit == "jar"
    assert honey.description_fr == "Miel du Rif"
    assert set(honey.labels.values_list("code", flat=True)) == {"bio", "igp"}
    amlou = Product.objects.get(name_fr="Amlou")
    assert amlou.category.slug == "amlou" and amlou.price == Decimal("85.50")
    tajine = Product.objects.get(name_fr="Tajine décoré")
    assert tajine.price == Decimal("120.50") and tajine.unit == "piece"
    assert list(tajine.labels.values_list("code", flat=True)) == ["fait-main"]
    stock = dict(Stock.objects.values_list("product__name_fr", "quantity"))
    assert stock == {"Miel de thym": 40, "Amlou": 12}


def test_headers_and_values_in_arabic_and_french(cooperative, exhibitor, taxonomy):
    rows = [
        ["الاسم بالعربية", "Nom en français", "الفئة", "العلامات", "السعر", "الوحدة"],
        ["زيت الأركان", "Huile d'argan", "زيت الأركان", "منتوج بيولوجي، صنع يدوي", "180", "لتر"],
        ["", "Safran de Taliouine", "Safran", "AOP", "60", "gramme"],
    ]
    report = importing.commit(actor=exhibitor, uploaded_file=xlsx(rows), organisation=cooperative)
    assert report.created == 2, problems(report)
    argan = Product.objects.get(name_fr="Huile d'argan")
    assert argan.category.slug == "huile-argan" and argan.unit == "l"
    assert set(argan.labels.values_list("code", flat=True)) == {"bio", "fait-main"}
    assert Product.objects.get(name_fr="Safran de Taliouine").unit == "g"


def test_a_row_naming_an_existing_product_updates_it(cooperative, exhibitor, exhibiting):
    argan = make_product(cooperative)
    rows = [["Nom", "Catégorie", "Prix", "Stock"], ["Huile d'argan", "huile-argan", "200", "7"]]
    report = importing.commit(actor=exhibitor, uploaded_file=xlsx(rows), organisation=cooperative)
    assert (report.created, report.updated) == (0, 1)
    argan.refresh_from_db()
    assert argan.price == Decimal("200.00") and argan.name_ar == "زيت الأركان"
    assert Stock.objects.get(product=argan, edition=exhibiting.edition).quantity == 7
    assert Product.objects.count() == 1


def test_a_stock_column_is_ignored_with_a_warning_when_no_edition_is_coming(
    cooperative, exhibitor, taxonomy
):
    report = importing.commit(
        actor=exhibitor, uploaded_file=xlsx([HEADER, *GOOD]), organisation=cooperative
    )
    assert report.created == 3 and not Stock.objects.exists()
    assert problems(report) == [
        (
            1,
            "stock",
            "Your organisation exhibits at no coming edition: the stock column is ignored.",
        )
    ]


# --- Bad rows -----------------------------------------------------------------------------------


def test_bad_rows_are_reported_with_row_and_column_and_nothing_is_saved(
    cooperative, exhibitor, exhibiting, taxonomy
):
    rows = [
        ["Nom en français", "Catégorie", "Labels", "Prix", "Unité", "Stock"],
        ["Miel de thym", "Miel", "bio", "150", "pot", "10"],
        ["Savon noir", "Savonnerie", "", "30", "", ""],
        ["Couscous", "Couscous et pâtes", "", "-5", "kg", ""],
        ["Dattes", "Produits du terroir", "halal", "abc", "tonne", "-2"],
        ["", "Miel", "", "10", "", ""],
        ["Miel de thym", "Miel", "", "150", "", ""],
    ]
    report = importing.commit(actor=exhibitor, uploaded_file=xlsx(rows), organisation=cooperative)
    assert not report.ok and report.created == 0
    assert problems(report) == [
        (
            3,
            "Catégorie",
            "Unknown category “Savonnerie”: give its name in Arabic or in French, as in the "
            "product form, or its code, such as huile-argan.",
        ),
        (4, "Prix", "The price cannot be negative."),
        (5, "Catégorie", "Choose a category, not a family."),
        (
            5,
            "Labels",
            "Unknown label “halal”: use one of aop, bio, fait-main, igp, label-agricole.",
        ),
        (5, "Prix", "Enter an amount, such as 120.50."),
        (5, "Unité", "Unknown unit “tonne”: use one of " + unit_labels() + "."),
        (5, "Stock", "The stock cannot be negative."),
        (6, "Nom en français", "Give the name in Arabic, in French or both."),
        (7, "Nom en français", "Same product as line 2 of your file."),
    ]
    assert report.ready == 1 and report.rows == 6
    assert not Product.objects.exists() and not Stock.objects.exists()


def unit_labels():
    from maarid.catalogue.models import Unit

    return ", ".join(str(label) for label in Unit.labels)


def test_a_file_without_a_name_or_a_category_column(cooperative, taxonomy):
    report = importing.preview(xlsx([["Prix", "Unité"], ["12", "kg"]]), cooperative)
    assert [p.message for p in report.errors] == [
        "The file has no name column: give the name in Arabic, in French or both.",
        "The file has no “Category” column.",
    ]


def test_unreadable_files_say_why(cooperative, taxonomy):
    with pytest.raises(ImportFileError, match="no products under it"):
        importing.preview(xlsx([HEADER]), cooperative)
    with pytest.raises(ImportFileError, match="neither a CSV file nor an Excel"):
        importing.preview(SimpleUploadedFile("x.xlsx", b"\x7fELF\x00\x01" * 100), cooperative)


def test_only_those_who_manage_the_organisation_may_commit(
    cooperative, other_exhibitor, organiser, taxonomy
):
    with pytest.raises(PermissionDenied):
        importing.commit(
            actor=other_exhibitor, uploaded_file=xlsx([HEADER, *GOOD]), organisation=cooperative
        )
    assert not Product.objects.exists()
    assert (
        importing.commit(
            actor=organiser, uploaded_file=xlsx([HEADER, *GOOD]), organisation=cooperative
        ).created
        == 3
    )


# --- Export -------------------------------------------------------------------------------------


def test_export_round_trip(cooperative, exhibitor, exhibiting, taxonomy):
    importing.commit(actor=exhibitor, uploaded_file=xlsx([HEADER, *GOOD]), organisation=cooperative)
    before = {
        p.name_fr: (p.name_ar, p.category_id, p.price, p.unit, set(p.labels.all()))
        for p in Product.objects.all()
    }
    exported = importing.export_xlsx(cooperative)
    rows = read_xlsx(exported)
    assert rows[0] == [
        "Name in Arabic",
        "Name in French",
        "Description in Arabic",
        "Description in French",
        "Category",
        "Labels",
        "Price (MAD)",
        "Unit",
        "Stock",
    ]
    assert rows[1][:2] == ["أملو", "Amlou"] and rows[1][-1] == 12
    report = importing.commit(
        actor=exhibitor,
        uploaded_file=SimpleUploadedFile("back.xlsx", exported),
        organisation=cooperative,
    )
    assert (report.created, report.updated) == (0, 3), problems(report)
    after = {
        p.name_fr: (p.name_ar, p.category_id, p.price, p.unit, set(p.labels.all()))
        for p in Product.objects.all()
    }
    assert after == before
    assert dict(Stock.objects.values_list("product__name_fr", "quantity")) == {
        "Miel de thym": 40,
        "Amlou": 12,
    }


def test_export_in_arabic_reads_back(cooperative, exhibitor, taxonomy):
    make_product(cooperative)
    with translation.override("ar"):
        exported = importing.export_xlsx(cooperative)
    workbook = openpyxl.load_workbook(io.BytesIO(exported))
    assert workbook.active.sheet_view.rightToLeft
    assert read_xlsx(exported)[1][4] == "زيت الأركان"  # the category, in Arabic
    report = importing.commit(
        actor=exhibitor,
        uploaded_file=SimpleUploadedFile("ar.xlsx", exported),
        organisation=cooperative,
    )
    assert (report.created, report.updated) == (0, 1), problems(report)


def test_export_neutralises_formulas_and_the_import_reads_them_back(
    cooperative, exhibitor, taxonomy
):
    product = make_product(
        cooperative, description_fr='=HYPERLINK("http://evil.example","cliquez")'
    )
    rows = read_xlsx(importing.export_xlsx(cooperative))
    assert rows[1][3] == '\'=HYPERLINK("http://evil.example","cliquez")'
    importing.commit(
        actor=exhibitor,
        uploaded_file=SimpleUploadedFile("back.xlsx", importing.export_xlsx(cooperative)),
        organisation=cooperative,
    )
    product.refresh_from_db()
    assert product.description_fr == '=HYPERLINK("http://evil.example","cliquez")'


# --- The pages ----------------------------------------------------------------------------------


def page_url(name, organisation):
    return reverse(f"catalogue:{name}", args=[organisation.slug])


def test_import_page_preview_then_commit(cooperative, exhibitor, exhibiting, taxonomy):
    client = client_for(exhibitor)
    address = page_url("product-import", cooperative)
    assert client.get(address).status_code == 200
    response = client.post(address, {"action": "preview", "file": xlsx([HEADER, *GOOD])})
    page = response.content.decode()
    assert response.status_code == 200 and "Rows ready to import: 3 of 3." in page
    assert "New products: 3. Products updated: 0." in page
    assert not Product.objects.exists()
    token = response.context["token"]

    # Another session (another browser) cannot commit this file, even knowing its token.
    other = client_for(exhibitor)
    other_response = other.post(address, {"action": "commit", "token": token})
    assert other_response.status_code == 400 and not Product.objects.exists()

    response = client.post(address, {"action": "commit", "token": token})
    assert response.status_code == 302
    assert response["Location"] == page_url("my-products", cooperative)
    assert Product.objects.count() == 3
    again = client.post(address, {"action": "commit", "token": token})  # only once
    assert again.status_code == 400 and Product.objects.count() == 3


def test_import_page_shows_bad_rows_and_offers_no_commit(cooperative, exhibitor, taxonomy):
    rows = [HEADER, ["", "Miel", "", "", "Inconnue", "", "-1", "", ""]]
    response = client_for(exhibitor).post(
        page_url("product-import", cooperative), {"action": "preview", "file": xlsx(rows)}
    )
    page = response.content.decode()
    assert "Unknown category" in page and "The price cannot be negative." in page
    assert "Nothing has been saved." in page and 'name="token"' not in page


def test_import_page_says_when_a_file_cannot_be_read(cooperative, exhibitor, taxonomy):
    response = client_for(exhibitor).post(
        page_url("product-import", cooperative),
        {"action": "preview", "file": SimpleUploadedFile("x.xlsx", b"\x7fELF\x00\x01" * 100)},
    )
    assert response.status_code == 400
    assert "neither a CSV file nor an Excel" in response.content.decode()


def test_export_page(cooperative, exhibitor, other_exhibitor, taxonomy):
    make_product(cooperative)
    response = client_for(exhibitor).get(page_url("product-export", cooperative))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="products-')
    assert read_xlsx(response.content)[1][1] == "Huile d'argan"
    assert (
        client_for(other_exhibitor).get(page_url("product-export", cooperative)).status_code == 404
    )


def test_stock_set_by_service_is_exported(cooperative, exhibitor, exhibiting, taxonomy):
    product = make_product(cooperative)
    services.set_stock(actor=exhibitor, product=product, edition=exhibiting.edition, quantity=9)
    assert read_xlsx(importing.export_xlsx(cooperative))[1][-1] == 9


# --- Field quality ----------------------------------------------------------------------------


def test_a_missing_unit_column_takes_the_default_and_says_so(cooperative, taxonomy):
    report = importing.preview(xlsx([["Nom", "Catégorie"], ["Miel de thym", "Miel"]]), cooperative)

    assert report.ok and report.items[0].product.unit == "piece"
    assert [(p.row, p.column, p.message, p.error) for p in report.problems] == [
        (None, "Unit", "The file has no such column: each new row takes “piece”.", False)
    ]


def test_product_names_prices_and_descriptions_are_checked_like_any_import(
    cooperative, exhibitor, taxonomy
):
    rows = [
        ["Nom en arabe", "Nom en français", "Description en français", "Catégorie", "Prix"],
        ["+cmd|' /C calc'!A0", "Miel de thym", "", "Miel", "150"],
        ["Miel de thym", "", "", "Miel", "150"],
        ["أملو", "Amlou", "@SUM(A1)", "Amlou", "-"],
        ["", "n/a", "", "Miel", "20"],
    ]

    report = importing.commit(actor=exhibitor, uploaded_file=xlsx(rows), organisation=cooperative)

    assert [(p.row, p.column, p.message, p.error) for p in report.problems] == [
        (None, "Unit", "The file has no such column: each new row takes “piece”.", False),
        (2, "Nom en arabe", "A name cannot start with “+”: a spreadsheet would run it.", True),
        (3, "Nom en arabe", "A name in Arabic is written in Arabic letters, mostly.", True),
        (
            4,
            "Description en français",
            "This text starts with “@” as a formula does: the cell is left empty.",
            False,
        ),
        (4, "Prix", "“-” stands for no value: the cell is left empty.", False),
        (5, "Nom en français", "Give the name in Arabic, in French or both.", True),
        (5, "Nom en français", "“n/a” stands for no value: the cell is left empty.", False),
    ]
    assert report.created == 0 and not Product.objects.exists()
    report = importing.commit(
        actor=exhibitor, uploaded_file=xlsx(rows), organisation=cooperative, right_rows=True
    )
    amlou = Product.objects.get()
    assert report.created == 1 and (amlou.name_fr, amlou.description_fr, amlou.price) == (
        "Amlou",
        "",
        None,
    )


def test_the_portal_imports_the_rows_that_are_right_when_asked_and_gives_the_others_back(
    cooperative, exhibitor, taxonomy
):
    client = client_for(exhibitor)
    address = page_url("product-import", cooperative)
    rows = [HEADER, GOOD[0], ["", "Savon", "", "", "Savonnerie", "", "30", "", ""]]

    response = client.post(address, {"action": "preview", "file": xlsx(rows)})
    assert "token" not in response.context and response.context["refused"] is None
    response = client.post(address, {"action": "preview", "file": xlsx(rows), "rows": "right"})

    page = response.content.decode()
    assert "Import the rows that are right" in page and "Download the refused rows" in page
    token = response.context["token"]
    response = client.post(address, {"action": "commit", "token": token, "rows": "right"})

    assert response.status_code == 302 and response["Location"] == address
    assert list(Product.objects.values_list("name_fr", flat=True)) == ["Miel de thym"]
    page = client.get(address)
    assert "1 row was refused: download it, with the reason, from the import page." in (
        page.content.decode()
    )
    download = client.get(page.context["refused"])
    assert download["Content-Disposition"].startswith('attachment; filename="refused-rows-')
    assert read_xlsx(download.content) == [
        [*rows[0], "Why it was refused"],
        [
            None,
            "Savon",
            None,
            None,
            "Savonnerie",
            None,
            "30",
            None,
            None,
            "Line 3 of your file — category: Unknown category “Savonnerie”: give its name in "
            "Arabic or in French, as in the product form, or its code, such as huile-argan.",
        ],
    ]
    elsewhere = client_for(exhibitor).get(page.context["refused"])  # another session
    assert elsewhere.status_code == 200 and "Content-Disposition" not in elsewhere
