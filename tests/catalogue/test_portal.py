"""The exhibitor's own product pages: who may open them (everyone else gets a 404), the form
with its photos and stock, and the photos as served."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from maarid.catalogue import services
from maarid.catalogue.models import Label, Product, ProductPhoto, Stock
from maarid.core.audit import history
from tests.catalogue.conftest import category, huge_png, jpeg, make_product, png, upload
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def url(name, organisation, *args):
    return reverse(f"catalogue:{name}", args=[organisation.slug, *args])


def edit_url(product):
    return url("product-edit", product.organisation, product.slug)


def form_data(edition=None, **fields):
    data = {
        "name_ar": "عسل الزعتر",
        "name_fr": "Miel de thym",
        "description_ar": "",
        "description_fr": "Miel des montagnes du Rif",
        "category": category("miel").pk,
        "labels": [Label.objects.get(code="bio").pk],
        "price": "150.50",
        "unit": "jar",
        "active": "on",
    }
    if edition is not None:
        data[f"stock_{edition.pk}"] = "40"
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- Who may open the pages ---------------------------------------------------------------------


def test_the_pages_ask_to_log_in(cooperative):
    response = client_for(None).get(url("my-products", cooperative))
    assert response.status_code == 302 and "login" in response["Location"]


def test_an_exhibitor_cannot_open_or_edit_another_organisations_products(
    product, other_exhibitor, other_cooperative, exhibitor, edition
):
    client = client_for(other_exhibitor)
    organisation = product.organisation
    for page in (
        url("my-products", organisation),
        url("product-create", organisation),
        url("product-import", organisation),
        url("product-export", organisation),
        edit_url(product),
    ):
        assert client.get(page).status_code == 404, page
        assert client.post(page, form_data()).status_code == 404, page
    # Nor through their own organisation's pages.
    assert client.get(url("product-edit", other_cooperative, product.slug)).status_code == 404
    response = client.post(url("product-edit", other_cooperative, product.slug), form_data())
    assert response.status_code == 404
    product.refresh_from_db()
    assert product.name_fr == "Huile d'argan" and product.organisation == organisation
    # And a product of theirs is not reachable under this organisation either.
    theirs = make_product(other_cooperative, name_fr="Miel")
    mine = client_for(exhibitor)
    assert mine.get(url("product-edit", organisation, theirs.slug)).status_code == 404


def test_unknown_organisation_and_not_a_member_look_the_same(product, other_exhibitor):
    client = client_for(other_exhibitor)
    assert client.get(url("my-products", product.organisation)).status_code == 404
    assert client.get("/en/organisations/nowhere/products/").status_code == 404


def test_the_organisers_of_the_series_may_manage_not_those_of_another(
    product, organiser, other_organiser
):
    assert client_for(organiser).get(url("my-products", product.organisation)).status_code == 200
    assert client_for(organiser).get(edit_url(product)).status_code == 200
    assert client_for(other_organiser).get(edit_url(product)).status_code == 404


# --- The list -----------------------------------------------------------------------------------


def test_the_list_shows_the_products_with_their_stock_at_the_current_edition(
    product, exhibitor, exhibiting
):
    services.set_stock(actor=exhibitor, product=product, edition=exhibiting.edition, quantity=12)
    hidden = make_product(product.organisation, name_fr="Amlou", active=False)
    response = client_for(exhibitor).get(url("my-products", product.organisation))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Huile d&#x27;argan" in page and "Amlou" in page
    assert escape(f"Stock at {exhibiting.edition}") in page and ">12<" in page
    assert edit_url(product) in page and edit_url(hidden) in page
    hidden_only = client_for(exhibitor).get(
        url("my-products", product.organisation) + "?show=hidden"
    )
    assert "Amlou" in hidden_only.content.decode()
    assert edit_url(product) not in hidden_only.content.decode()


def test_the_list_says_when_no_edition_is_coming(product, exhibitor):
    page = client_for(exhibitor).get(url("my-products", product.organisation)).content.decode()
    assert "exhibits at no coming edition" in page


# --- The form -----------------------------------------------------------------------------------


def test_the_form_groups_categories_by_family_and_has_the_labels(cooperative, exhibitor, taxonomy):
    page = client_for(exhibitor).get(url("product-create", cooperative)).content.decode()
    assert '<optgroup label="Produits du terroir">' in page
    assert '<optgroup label="Artisanat">' in page
    assert 'value="terroir"' not in page  # families are not choices
    assert 'type="checkbox" name="labels"' in page
    with translation.override("ar"):
        arabic = client_for(exhibitor).get(url("product-create", cooperative)).content.decode()
    assert 'dir="rtl"' in arabic and '<optgroup label="المنتجات المجالية">' in arabic
    assert 'name="name_ar"' in arabic and 'lang="ar"' in arabic


def test_a_member_adds_a_product_with_photos_and_stock(
    cooperative, exhibitor, exhibiting, settings
):
    data = form_data(exhibiting.edition, new_photos=[jpeg("one.jpg"), png("two.png")])
    response = client_for(exhibitor).post(url("product-create", cooperative), data)
    assert response.status_code == 302
    assert response["Location"] == url("my-products", cooperative)
    product = Product.objects.get()
    assert product.organisation == cooperative and product.price == Decimal("150.50")
    assert product.name_ar == "عسل الزعتر" and product.unit == "jar" and product.active
    assert list(product.labels.values_list("code", flat=True)) == ["bio"]
    assert Stock.objects.get(product=product, edition=exhibiting.edition).quantity == 40
    assert product.photos.count() == 2 and len(stored_files(settings)) == 4
    # The request's user is the audit trail's actor (the service does not set it).
    assert [(e.user, e.action) for e in history(product)] == [(exhibitor, "create")]
    stock = Stock.objects.get(product=product)
    assert [(e.user, e.action) for e in history(stock)] == [(exhibitor, "create")]


def test_a_member_edits_removes_a_photo_and_hides_the_product(
    product, exhibitor, exhibiting, settings, django_capture_on_commit_callbacks
):
    first = services.add_photo(actor=exhibitor, product=product, uploaded=jpeg())
    second = services.add_photo(actor=exhibitor, product=product, uploaded=jpeg())
    page = client_for(exhibitor).get(edit_url(product)).content.decode()
    assert reverse("catalogue:photo", args=[first.pk]) + "?size=small" in page
    data = form_data(exhibiting.edition, remove_photos=[first.pk], price="99", active=None)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(exhibitor).post(edit_url(product), data)
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.price == Decimal("99.00") and not product.active
    assert list(product.photos.all()) == [second]
    assert len(stored_files(settings)) == 2


def test_stock_cannot_go_negative_through_the_form(product, exhibitor, exhibiting):
    services.set_stock(actor=exhibitor, product=product, edition=exhibiting.edition, quantity=5)
    data = form_data(exhibiting.edition, **{f"stock_{exhibiting.edition.pk}": "-3"})
    response = client_for(exhibitor).post(edit_url(product), data)
    assert response.status_code == 400
    assert "Ensure this value is greater than or equal to 0." in response.content.decode()
    product.refresh_from_db()
    assert product.name_fr == "Huile d'argan"  # nothing saved
    assert Stock.objects.get(product=product).quantity == 5


@pytest.mark.parametrize(
    "field", ["stock", "labels", "remove_photos"], ids=["stock", "label", "photo to remove"]
)
def test_a_number_past_what_a_database_holds_is_refused_by_the_form(
    product, exhibitor, exhibiting, field
):
    """SQLite cannot store nor even look up an integer past 64 bits (OverflowError)."""
    services.set_stock(actor=exhibitor, product=product, edition=exhibiting.edition, quantity=5)
    name = f"stock_{exhibiting.edition.pk}" if field == "stock" else field
    data = form_data(exhibiting.edition, **{name: "9223372036854775808"})
    response = client_for(exhibitor).post(edit_url(product), data)
    assert response.status_code == 400
    assert name in response.context["form"].errors
    assert Stock.objects.get(product=product).quantity == 5


def test_a_negative_price_is_refused_by_the_form(cooperative, exhibitor, taxonomy):
    response = client_for(exhibitor).post(url("product-create", cooperative), form_data(price="-1"))
    assert response.status_code == 400
    assert "Ensure this value is greater than or equal to 0." in response.content.decode()
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    "name, data",
    [
        ("catalogue.pdf", b"%PDF-1.4\n%%EOF\n"),
        ("argan.jpg", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 400),
    ],
)
def test_a_non_image_photo_is_refused_with_a_message_and_nothing_is_saved(
    cooperative, exhibitor, taxonomy, settings, name, data
):
    files = [jpeg("good.jpg"), upload(name, data)]
    response = client_for(exhibitor).post(
        url("product-create", cooperative), form_data(new_photos=files)
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"{name}: This type of file is not accepted. Accepted: JPEG, PNG, WebP." in page
    assert "nothing has been saved" in page
    assert not Product.objects.exists() and not ProductPhoto.objects.exists()
    assert stored_files(settings) == []


def test_a_huge_image_is_refused_through_the_form(product, exhibitor, settings):
    response = client_for(exhibitor).post(
        edit_url(product), form_data(new_photos=[upload("huge.png", huge_png(), "image/png")])
    )
    assert response.status_code == 400
    assert "The image is too large: at most 40 megapixels." in response.content.decode()
    assert not product.photos.exists() and stored_files(settings) == []


def test_the_photo_limit_holds_in_the_form(product, exhibitor):
    for _n in range(services.MAX_PHOTOS - 1):
        services.add_photo(actor=exhibitor, product=product, uploaded=jpeg(size=(20, 20)))
    files = [jpeg(size=(20, 20)), jpeg(size=(20, 20))]
    response = client_for(exhibitor).post(edit_url(product), form_data(new_photos=files))
    assert response.status_code == 400
    assert product.photos.count() == services.MAX_PHOTOS - 1


# --- Photos as served ---------------------------------------------------------------------------


def test_photos_of_a_shown_product_are_public_a_hidden_ones_only_to_its_managers(
    product, exhibitor, other_exhibitor
):
    photo = services.add_photo(actor=exhibitor, product=product, uploaded=jpeg(size=(1200, 900)))
    address = reverse("catalogue:photo", args=[photo.pk])
    response = client_for(None).get(address)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    small = client_for(None).get(address + "?size=small")
    assert small.status_code == 200
    assert len(b"".join(small.streaming_content)) < len(b"".join(response.streaming_content))

    services.deactivate(actor=exhibitor, product=product)
    assert client_for(None).get(address).status_code == 404
    assert client_for(other_exhibitor).get(address).status_code == 404
    assert client_for(exhibitor).get(address).status_code == 200
    assert client_for(None).get(reverse("catalogue:photo", args=[9999])).status_code == 404


def test_the_organisation_page_links_to_its_products_for_those_who_manage_it(
    exhibitor, cooperative, organiser
):
    from django.urls import reverse

    page = reverse("registry:detail", args=[cooperative.slug])
    products = reverse("catalogue:my-products", args=[cooperative.slug])
    assert products in client_for(exhibitor).get(page).content.decode()
    assert products in client_for(organiser).get(page).content.decode()
