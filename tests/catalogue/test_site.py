"""The public site of an edition: the directory, exhibitor and product pages, QR codes, the
printable sheet, and what the pages tell search engines and sharing apps."""

import datetime
import re
from decimal import Decimal
from xml.etree import ElementTree

import pytest
import segno
from django.test import Client
from django.urls import reverse
from django.utils import translation

from maarid.catalogue import taxonomy
from maarid.catalogue.models import Category, Label, Product
from maarid.exhibitors.models import Exhibitor
from maarid.fairs.models import Edition
from maarid.registry.models import Kind, Sector
from tests import documents
from tests.conftest import client_for, make_organisation

pytestmark = pytest.mark.django_db


# --- helpers (also used by test_api.py and the browser tests) --------------------------------


def ensure_taxonomy():
    """Categories and labels come from a data migration; transactional tests flush them."""
    if not Category.objects.exists():
        taxonomy.load(Category, Label)


def make_product(organisation, **fields):
    ensure_taxonomy()
    labels = fields.pop("labels", [])
    defaults = {
        "name_fr": "Miel de thym",
        "name_ar": "عسل الزعتر",
        "description_fr": "Miel récolté dans le Rif.",
        "description_ar": "عسل من جبال الريف.",
        "category": Category.objects.get(slug=fields.pop("category", "miel")),
        "price": Decimal("120.00"),
        "unit": "kg",
    }
    defaults.update(fields)
    product = Product(organisation=organisation, **defaults)
    product.full_clean()
    product.save()
    product.labels.set(Label.objects.filter(code__in=labels))
    return product


def exhibit(edition, organisation, **fields):
    return Exhibitor.objects.create(edition=edition, organisation=organisation, **fields)


def fr(message):
    """A message as French pages show it (the French catalogue may not have it yet)."""
    with translation.override("fr"):
        return translation.gettext(message)


def directory_url(edition, language="fr"):
    return f"/{language}/{edition.series.slug}/{edition.number}/exhibitors/"


def exhibitor_url(edition, organisation, language="fr"):
    return f"{directory_url(edition, language)}{organisation.slug}/"


def names_on(response):
    """The exhibitors' names on a directory page, in the order shown."""
    html = response.content.decode()
    return re.findall(r'<h2><a href="[^"]+/exhibitors/[^"]+/">([^<]+)</a></h2>', html)


def qr_path(svg: str) -> str:
    """The path of a segno SVG: the QR code's modules, whatever the size and attributes."""
    return re.search(r' d="([^"]+)"', svg).group(1)


def segno_path(url: str) -> str:
    return qr_path(segno.make(url, error="m", micro=False).svg_inline(border=2))


@pytest.fixture
def fair(edition, cooperative):
    return build_fair(edition, cooperative)


def build_fair(edition, cooperative):
    """An edition with three exhibitors of different kinds and places, and products."""
    amal = cooperative  # Coopérative Al Amal, Tétouan, terroir, not women-led
    amal.women_led = True
    amal.save()
    atlas = make_organisation(
        kind=Kind.ARTISAN,
        name_fr="Atelier Atlas",
        name_ar="ورشة الأطلس",
        province_id="02.411",
        sector=Sector.HANDICRAFTS,
        craft_at_risk=True,
    )
    nour = make_organisation(
        kind=Kind.ASSOCIATION,
        name_fr="Association Nour Recyclage",
        name_ar="جمعية النور للتدوير",
        sector=Sector.RECYCLING,
        eco_friendly=True,
    )
    gone = make_organisation(name_fr="Coopérative Partie", name_ar="تعاونية غادرت")
    for organisation in (amal, atlas, nour):
        exhibit(edition, organisation)
    exhibit(edition, gone, status=Exhibitor.Status.WITHDRAWN)
    honey = make_product(amal, labels=["bio"])
    make_product(atlas, name_fr="Tapis berbère", name_ar="زربية أمازيغية", category="tissage-tapis")
    make_product(
        nour, name_fr="Sac recyclé", name_ar="حقيبة مدورة", category="recyclage", active=False
    )
    return {
        "edition": edition,
        "amal": amal,
        "atlas": atlas,
        "nour": nour,
        "gone": gone,
        "honey": honey,
    }


# --- the directory ---------------------------------------------------------------------------


def test_the_directory_lists_the_active_exhibitors_in_the_readers_language(fair):
    edition = fair["edition"]
    french = Client().get(directory_url(edition))
    assert french.status_code == 200
    assert names_on(french) == [
        "Association Nour Recyclage",
        "Atelier Atlas",
        "Coopérative Al Amal",
    ]
    arabic = Client().get(directory_url(edition, "ar"))
    assert names_on(arabic) == ["تعاونية الأمل", "جمعية النور للتدوير", "ورشة الأطلس"]
    assert "غادرت" not in arabic.content.decode()


@pytest.mark.parametrize(
    "query, expected",
    [
        ("province=02.411", ["Atelier Atlas"]),
        ("sector=recycling", ["Association Nour Recyclage"]),
        ("kind=artisan", ["Atelier Atlas"]),
        ("women=on", ["Coopérative Al Amal"]),
        ("label=bio", ["Coopérative Al Amal"]),
        ("q=cooperative+amal", ["Coopérative Al Amal"]),
        ("q=الامل", ["Coopérative Al Amal"]),  # the Arabic name is تعاونية الأمل
        ("q=atlas&kind=association", []),
        ("province=01.571&sector=terroir", ["Coopérative Al Amal"]),
        # An unknown value drops that filter, not the whole search.
        ("kind=spaceship&q=nour", ["Association Nour Recyclage"]),
    ],
)
def test_directory_filters(fair, query, expected):
    response = Client().get(f"{directory_url(fair['edition'])}?{query}")
    assert response.status_code == 200
    assert names_on(response) == expected


def test_the_label_filter_ignores_inactive_products(fair):
    make_product(fair["nour"], name_fr="Savon", category="cosmetiques", labels=["fait-main"])
    Product.objects.filter(name_fr="Savon").update(active=False)
    response = Client().get(f"{directory_url(fair['edition'])}?label=fait-main")
    assert names_on(response) == []


def test_the_directory_is_paginated(edition):
    for i in range(26):
        exhibit(edition, make_organisation(name_fr=f"Coopérative {i:02}", name_ar=""))
    first = Client().get(directory_url(edition))
    assert len(names_on(first)) == 24
    assert "page=2" in first.content.decode()
    second = Client().get(f"{directory_url(edition)}?page=2")
    assert names_on(second) == ["Coopérative 24", "Coopérative 25"]
    # The canonical address of page 2 keeps its page number.
    assert f'<link rel="canonical" href="http://testserver{directory_url(edition)}?page=2">' in (
        second.content.decode()
    )


def test_past_editions_stay_browsable_and_drafts_stay_hidden(fair, organiser):
    edition = fair["edition"]
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.CLOSED)
    assert Client().get(directory_url(edition)).status_code == 200
    assert Client().get(exhibitor_url(edition, fair["amal"])).status_code == 200
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.DRAFT)
    assert Client().get(directory_url(edition)).status_code == 404
    assert Client().get(exhibitor_url(edition, fair["amal"])).status_code == 404
    assert client_for(organiser).get(directory_url(edition)).status_code == 200


# --- an exhibitor's page ---------------------------------------------------------------------


def test_the_exhibitor_page_shows_story_products_and_badges(fair):
    amal = fair["amal"]
    amal.description_fr = "Fondée par douze femmes de Tétouan."
    amal.save()
    response = Client().get(exhibitor_url(fair["edition"], amal))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Fondée par douze femmes de Tétouan." in html
    assert "Miel de thym" in html and fair["honey"].get_absolute_url() in html
    assert fr("Women's cooperative") in html
    assert "booth_on_map" not in html  # an empty block until the floor plan exists
    atlas = Client().get(exhibitor_url(fair["edition"], fair["atlas"])).content.decode()
    assert fr("Craft at risk") in atlas


def test_an_inactive_product_is_not_listed_on_the_exhibitor_page(fair):
    html = Client().get(exhibitor_url(fair["edition"], fair["nour"])).content.decode()
    assert "Sac recyclé" not in html


def test_a_withdrawn_exhibitor_has_no_page(fair):
    assert Client().get(exhibitor_url(fair["edition"], fair["gone"])).status_code == 404


def test_contact_details_are_hidden_without_consent(fair):
    amal = fair["amal"]
    amal.contact_name = "Fatima Zahra"
    amal.phone = "+212661234567"
    amal.email = "contact@alamal.ma"
    amal.address = "Derb Sidi Saïdi"
    amal.contact_public = False
    amal.save()
    html = Client().get(exhibitor_url(fair["edition"], amal)).content.decode()
    for secret in ("Fatima Zahra", "661", "contact@alamal.ma", "Derb Sidi"):
        assert secret not in html


def test_contact_details_are_shown_with_consent(fair):
    amal = fair["amal"]
    amal.contact_name = "Fatima Zahra"
    amal.phone = "+212661234567"
    amal.email = "contact@alamal.ma"
    amal.contact_public = True
    amal.save()
    html = Client().get(exhibitor_url(fair["edition"], amal)).content.decode()
    assert "Fatima Zahra" in html
    assert 'href="tel:+212661234567"' in html
    assert 'href="mailto:contact@alamal.ma"' in html


def test_the_exhibitor_page_carries_a_qr_code_of_its_own_address(fair):
    url = exhibitor_url(fair["edition"], fair["amal"], "ar")
    html = Client().get(url).content.decode()
    svg = re.search(r"<svg[^>]*class=\"qr\".*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and "aria-label=" in svg
    assert qr_path(svg) == segno_path(f"http://testserver{url}")


# --- a product's page ------------------------------------------------------------------------


def test_the_product_page(fair):
    honey = fair["honey"]
    response = Client().get(f"/fr/products/{honey.slug}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Miel de thym" in html
    assert "Miel récolté dans le Rif." in html
    assert "Produits du terroir" in html and "Miel" in html  # family and category
    assert "Biologique" in html
    assert "120,00" in html and fr("kilogram") in html
    # The organisation links to its page at the edition where it exhibits.
    assert f'href="{exhibitor_url(fair["edition"], fair["amal"])}"' in html
    arabic = Client().get(f"/ar/products/{honey.slug}/").content.decode()
    assert "<h1>عسل الزعتر" in arabic


def test_the_product_links_to_the_latest_edition_where_its_maker_exhibits(fair, series):
    later = Edition.objects.create(
        series=series,
        number=4,
        name_fr="4e Salon",
        city=fair["edition"].city,
        starts_on=datetime.date(2025, 6, 1),
        ends_on=datetime.date(2025, 6, 8),
        status=Edition.Status.APPLICATIONS,
    )
    exhibit(later, fair["amal"])
    html = Client().get(f"/fr/products/{fair['honey'].slug}/").content.decode()
    assert f'href="{exhibitor_url(later, fair["amal"])}"' in html


def test_an_inactive_product_is_a_404_for_the_public(fair, buyer, exhibitor):
    honey = fair["honey"]
    honey.active = False
    honey.save()
    url = f"/fr/products/{honey.slug}/"
    assert Client().get(url).status_code == 404
    assert client_for(buyer).get(url).status_code == 404
    assert Client().get(f"{url}qr.svg").status_code == 404
    # Its own organisation still sees it, with a note.
    assert client_for(exhibitor).get(url).status_code == 200


# --- QR codes --------------------------------------------------------------------------------


def test_the_product_qr_code_holds_the_product_address(fair):
    slug = fair["honey"].slug
    response = Client().get(f"/ar/products/{slug}/qr.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith("<?xml")
    assert qr_path(svg) == segno_path(f"http://testserver/ar/products/{slug}/")
    assert qr_path(svg) != segno_path(f"http://testserver/fr/products/{slug}/")


def test_the_exhibitor_qr_code_holds_the_exhibitor_address(fair):
    page = exhibitor_url(fair["edition"], fair["atlas"])
    response = Client().get(f"{page}qr.svg")
    assert response.status_code == 200
    assert qr_path(response.content.decode()) == segno_path(f"http://testserver{page}")
    gone = exhibitor_url(fair["edition"], fair["gone"])
    assert Client().get(f"{gone}qr.svg").status_code == 404


def test_the_a4_sheet_is_a_pdf_for_the_series_organisers_only(
    fair, organiser, other_organiser, exhibitor
):
    edition = fair["edition"]
    url = f"/fr/{edition.series.slug}/{edition.number}/qr-codes.pdf"
    # Made in the background: the job's page offers it (tests/catalogue/test_qr_sheet.py).
    response, _job = documents.fetch(client_for(organiser), url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert documents.body(response).startswith(b"%PDF")
    products, _job = documents.fetch(client_for(organiser), f"{url}?products=1")
    assert documents.body(products).startswith(b"%PDF")
    assert client_for(other_organiser).get(url).status_code == 403
    assert client_for(exhibitor).get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_the_printed_codes_send_each_visitor_to_their_own_language(fair):
    """The sheet's codes hold the address without a language prefix; it leads on to the page
    in the visitor's language (their phone's, here Arabic)."""
    slug = fair["honey"].slug
    response = Client().get(f"/products/{slug}/", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 302
    assert response["Location"] == f"/ar/products/{slug}/"
    edition, atlas = fair["edition"], fair["atlas"]
    response = Client().get(
        f"/{edition.series.slug}/{edition.number}/exhibitors/{atlas.slug}/",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response["Location"] == exhibitor_url(edition, atlas, "fr")


# --- sharing and findability -----------------------------------------------------------------


def meta(html, prop):
    found = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', html)
    return found.group(1) if found else None


def alternates(html):
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', html))


def test_product_pages_carry_open_graph_canonical_and_hreflang(fair):
    slug = fair["honey"].slug
    html = Client().get(f"/ar/products/{slug}/").content.decode()
    assert "<title>عسل الزعتر" in html
    assert 'name="description" content="عسل من جبال الريف."' in html
    assert f'<link rel="canonical" href="http://testserver/ar/products/{slug}/">' in html
    assert alternates(html) == {
        "ar": f"http://testserver/ar/products/{slug}/",
        "fr": f"http://testserver/fr/products/{slug}/",
        "en": f"http://testserver/en/products/{slug}/",
        "x-default": f"http://testserver/products/{slug}/",
    }
    assert meta(html, "og:title") == "عسل الزعتر"
    assert meta(html, "og:url") == f"http://testserver/ar/products/{slug}/"
    assert meta(html, "og:locale") == "ar_MA"
    assert meta(html, "og:type") == "product"
    assert meta(html, "og:image") is None  # no photo yet
    assert meta(html, "product:price:amount") == "120.00"
    assert meta(html, "product:price:currency") == "MAD"


def test_a_photo_becomes_the_shared_image(fair):
    from maarid.catalogue.models import ProductPhoto

    photo = ProductPhoto.objects.create(product=fair["honey"], file="x.jpg", thumbnail="x-s.jpg")
    html = Client().get(f"/fr/products/{fair['honey'].slug}/").content.decode()
    assert meta(html, "og:image") == "http://testserver" + reverse(
        "catalogue:photo", args=[photo.pk]
    )
    assert reverse("catalogue:photo", args=[photo.pk]) + "?size=small" in html


def test_exhibitor_directory_and_edition_pages_carry_sharing_tags(fair):
    edition, amal = fair["edition"], fair["amal"]
    for url, title in [
        (exhibitor_url(edition, amal), "Coopérative Al Amal"),
        (directory_url(edition), "3e Salon régional"),
        (edition.get_absolute_url(), "3e Salon régional de l&#x27;ESS"),
    ]:
        html = Client().get(url).content.decode()
        assert f'<link rel="canonical" href="http://testserver{url}">' in html, url
        assert set(alternates(html)) >= {"ar", "fr", "en"}, url
        assert meta(html, "og:url") == f"http://testserver{url}", url
        assert meta(html, "og:locale") == "fr_MA", url
        assert title in meta(html, "og:title"), url
        assert meta(html, "og:description"), url


SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def sitemap_entries(client, url):
    root = ElementTree.fromstring(client.get(url).content)
    return {
        entry.find(f"{SITEMAP}loc").text: {
            link.get("hreflang"): link.get("href") for link in entry.findall(f"{XHTML}link")
        }
        for entry in root.findall(f"{SITEMAP}url")
    }


def test_the_sitemap_lists_the_public_pages_in_three_languages(fair, other_series):
    client = Client()
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    sections = re.findall(
        r"<loc>(http://testserver/sitemap-[a-z]+\.xml)</loc>", index.content.decode()
    )
    assert {s.rsplit("-", 1)[1] for s in sections} == {
        "pages.xml",
        "editions.xml",
        "directories.xml",
        "exhibitors.xml",
        "products.xml",
    }
    products = sitemap_entries(client, "/sitemap-products.xml")
    slug = fair["honey"].slug
    for language in ("ar", "fr", "en"):
        assert f"http://testserver/{language}/products/{slug}/" in products
    assert products[f"http://testserver/ar/products/{slug}/"] == {
        "ar": f"http://testserver/ar/products/{slug}/",
        "fr": f"http://testserver/fr/products/{slug}/",
        "en": f"http://testserver/en/products/{slug}/",
        "x-default": f"http://testserver/products/{slug}/",
    }
    assert not any("sac-recycle" in url for url in products)  # inactive
    exhibitors = sitemap_entries(client, "/sitemap-exhibitors.xml")
    edition = fair["edition"]
    for language in ("ar", "fr", "en"):
        assert f"http://testserver{exhibitor_url(edition, fair['atlas'], language)}" in exhibitors
    assert not any(fair["gone"].slug in url for url in exhibitors)  # withdrawn
    editions = sitemap_entries(client, "/sitemap-editions.xml")
    assert f"http://testserver/ar/{edition.series.slug}/{edition.number}/" in editions


def test_draft_editions_stay_out_of_the_sitemap(fair):
    Edition.objects.filter(pk=fair["edition"].pk).update(status=Edition.Status.DRAFT)
    assert sitemap_entries(Client(), "/sitemap-exhibitors.xml") == {}
    assert sitemap_entries(Client(), "/sitemap-editions.xml") == {}


def test_robots_txt_points_to_the_sitemap_and_keeps_private_pages_out(db):
    response = Client().get("/robots.txt")
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /api/" in body
    assert "Disallow: /ar/accounts/" in body and "Disallow: /fr/organisations/" in body
    assert "Disallow: /fr/products/" not in body


# --- the edition's home page -----------------------------------------------------------------


def test_the_edition_page_links_to_the_directory_and_shows_figures(fair):
    html = Client().get(fair["edition"].get_absolute_url()).content.decode()
    assert f'href="{directory_url(fair["edition"])}"' in html
    # 3 exhibitors, 1 women's cooperative, 2 provinces, 2 active products.
    figures = re.findall(r'<div class="figure">([^<]+)<strong>([^<]+)</strong>', html)
    assert (fr("Exhibitors"), "3") in figures
    assert (fr("Women's cooperatives"), "1") in figures
    assert (fr("Products"), "2") in figures


def test_the_organiser_dashboard_offers_the_qr_sheets(fair, organiser):
    edition = fair["edition"]
    html = client_for(organiser).get(f"{edition.get_absolute_url()}dashboard/").content.decode()
    assert f"/fr/{edition.series.slug}/{edition.number}/qr-codes.pdf?products=1" in html
