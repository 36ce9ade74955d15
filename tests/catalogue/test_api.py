"""The public read API of the catalogue: editions with figures, exhibitors, products."""

import pytest
from django.test import Client

from maarid.catalogue.models import Product
from maarid.exhibitors.models import Exhibitor
from maarid.fairs.models import Edition
from tests.catalogue.test_site import build_fair, exhibit, make_product
from tests.conftest import make_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def fair(edition, cooperative):
    return build_fair(edition, cooperative)


API = "/api/v1/catalogue"


def get(url, **extra):
    response = Client().get(url, **extra)
    assert response.status_code == 200, response.content
    return response.json()


def slugs(body):
    return [item["slug"] for item in body["items"]]


def exhibitors_url(edition):
    return f"{API}/editions/{edition.series.slug}/{edition.number}/exhibitors"


def test_editions_come_with_their_figures(fair):
    body = get(f"{API}/editions")
    assert body["count"] == 1
    edition = body["items"][0]
    assert (edition["series"], edition["number"]) == ("ess-tta", 3)
    assert edition["figures"] == {
        "exhibitors": 3,
        "womens_cooperatives": 1,
        "provinces": 2,
        "products": 2,
    }
    assert edition["url"] == "http://testserver/fr/ess-tta/3/"
    assert edition["directory"] == "http://testserver/fr/ess-tta/3/exhibitors/"
    one = get(f"{API}/editions/ess-tta/3", HTTP_ACCEPT_LANGUAGE="ar")
    assert one["url"] == "http://testserver/ar/ess-tta/3/"


def test_draft_editions_are_hidden(fair):
    Edition.objects.filter(pk=fair["edition"].pk).update(status=Edition.Status.DRAFT)
    assert get(f"{API}/editions")["count"] == 0
    assert Client().get(f"{API}/editions/ess-tta/3").status_code == 404
    assert Client().get(exhibitors_url(fair["edition"])).status_code == 404
    assert Client().get(f"{API}/products?edition=ess-tta/3").status_code == 404


def test_the_exhibitors_of_an_edition(fair):
    body = get(exhibitors_url(fair["edition"]))
    assert body["count"] == 3  # the withdrawn one is left out
    assert slugs(body) == [fair["nour"].slug, fair["atlas"].slug, fair["amal"].slug]
    amal = body["items"][2]
    assert amal["name_ar"] == "تعاونية الأمل"
    assert amal["womens_cooperative"] is True
    assert amal["products"] == 1
    assert amal["url"] == f"http://testserver/fr/ess-tta/3/exhibitors/{fair['amal'].slug}/"
    assert body["items"][0]["products"] == 0  # its only product is inactive


@pytest.mark.parametrize(
    "query, expected",
    [
        ("province=02.411", ["atlas"]),
        ("sector=recycling", ["nour"]),
        ("kind=artisan", ["atlas"]),
        ("women=true", ["amal"]),
        ("label=bio", ["amal"]),
        ("q=الامل", ["amal"]),
        ("q=ATELIER", ["atlas"]),
        ("q=atlas&kind=association", []),
    ],
)
def test_exhibitor_filters(fair, query, expected):
    body = get(f"{exhibitors_url(fair['edition'])}?{query}")
    assert slugs(body) == [fair[name].slug for name in expected]


def test_an_unknown_filter_value_is_a_422_not_a_500(fair):
    response = Client().get(f"{exhibitors_url(fair['edition'])}?kind=spaceship")
    assert response.status_code == 422


def test_exhibitors_are_paginated(edition):
    for i in range(52):
        exhibit(edition, make_organisation(name_fr=f"Coopérative {i:02}", name_ar=""))
    first = get(exhibitors_url(edition))
    assert first["count"] == 52 and len(first["items"]) == 50
    second = get(f"{exhibitors_url(edition)}?page=2")
    assert [item["name_fr"] for item in second["items"]] == ["Coopérative 50", "Coopérative 51"]


def _with_contact(organisation, public):
    organisation.contact_name = "Fatima Zahra"
    organisation.phone = "+212661234567"
    organisation.email = "contact@alamal.ma"
    organisation.address = "Derb Sidi Saïdi"
    organisation.contact_public = public
    organisation.save()


def test_no_contact_details_without_consent(fair):
    _with_contact(fair["amal"], public=False)
    listed = Client().get(exhibitors_url(fair["edition"])).content.decode()
    one = Client().get(f"{exhibitors_url(fair['edition'])}/{fair['amal'].slug}")
    products = Client().get(f"{API}/products").content.decode()
    for body in (listed, one.content.decode(), products):
        for secret in ("Fatima", "661234567", "contact@alamal.ma", "Derb Sidi"):
            assert secret not in body
    assert one.json()["contact"] is None


def test_contact_details_with_consent(fair):
    _with_contact(fair["amal"], public=True)
    one = get(f"{exhibitors_url(fair['edition'])}/{fair['amal'].slug}")
    assert one["contact"] == {
        "contact_name": "Fatima Zahra",
        "phone": "+212661234567",
        "email": "contact@alamal.ma",
        "website": "",
        "address": "Derb Sidi Saïdi",
    }
    assert one["product_slugs"] == [fair["honey"].slug]
    listed = get(exhibitors_url(fair["edition"]))
    contacts = {item["slug"]: item["contact"] for item in listed["items"]}
    assert contacts[fair["amal"].slug]["phone"] == "+212661234567"
    assert contacts[fair["atlas"].slug] is None


def test_a_withdrawn_exhibitor_is_a_404(fair):
    response = Client().get(f"{exhibitors_url(fair['edition'])}/{fair['gone'].slug}")
    assert response.status_code == 404


def test_products_and_their_filters(fair, other_series):
    honey, amal, atlas = fair["honey"], fair["amal"], fair["atlas"]
    elsewhere = make_organisation(name_fr="Coopérative Ailleurs", province_id="02.411")
    make_product(elsewhere, name_fr="Huile d'argan", name_ar="زيت الأركان", category="huile-argan")
    everything = get(f"{API}/products")
    assert everything["count"] == 3  # the inactive recycled bag is left out
    assert get(f"{API}/products?edition=ess-tta/3")["count"] == 2
    assert slugs(get(f"{API}/products?organisation={amal.slug}")) == [honey.slug]
    assert slugs(get(f"{API}/products?category=miel")) == [honey.slug]
    assert len(slugs(get(f"{API}/products?category=artisanat"))) == 1  # a family
    assert [p["organisation"] for p in get(f"{API}/products?category=artisanat")["items"]] == [
        atlas.slug
    ]
    assert slugs(get(f"{API}/products?label=bio")) == [honey.slug]
    argan = get(f"{API}/products?q=زيت الاركان")
    assert [p["name_fr"] for p in argan["items"]] == ["Huile d'argan"]
    assert get(f"{API}/products?q=huile argan")["count"] == 1
    assert get(f"{API}/products?edition=nowhere")["count"] == 0


def test_products_are_paginated(cooperative):
    for i in range(51):
        make_product(cooperative, name_fr=f"Produit {i:02}", name_ar="")
    first = get(f"{API}/products")
    assert first["count"] == 51 and len(first["items"]) == 50
    assert [p["name_fr"] for p in get(f"{API}/products?page=2")["items"]] == ["Produit 50"]


def test_one_product(fair):
    honey = fair["honey"]
    body = get(f"{API}/products/{honey.slug}")
    assert body["price"] == "120.00"
    assert body["unit"] == "kg"
    assert body["category"] == "miel" and body["family"] == "terroir"
    assert body["labels"] == ["bio"]
    assert body["organisation"] == fair["amal"].slug
    assert body["url"] == f"http://testserver/fr/products/{honey.slug}/"
    assert body["photos"] == []


def test_an_inactive_product_is_a_404(fair):
    bag = Product.objects.get(name_fr="Sac recyclé")
    assert Client().get(f"{API}/products/{bag.slug}").status_code == 404


def test_the_api_needs_no_login_but_accepts_one(fair, exhibitor):
    client = Client()
    client.force_login(exhibitor)
    assert client.get(f"{API}/products").status_code == 200
    Exhibitor.objects.all().delete()
    assert get(f"{API}/editions")["items"][0]["figures"]["exhibitors"] == 0


@pytest.mark.parametrize("value", ["ess-tta/²", "ess-tta/٣", "ess-tta/-3", "ess-tta/3 "])
def test_an_edition_filter_that_is_not_a_series_and_a_number_finds_nothing(fair, value):
    assert get(f"{API}/products", data={"edition": value})["count"] == 0


def test_a_search_in_an_edition_no_database_can_number_is_a_422(fair):
    response = Client().get(
        "/api/v1/search", {"q": "miel", "edition": 10**30}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 422
    assert response.json() == {"detail": {"edition": ["Ce nombre est trop grand."]}}
