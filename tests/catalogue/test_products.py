"""Products as services: who may change them, photos (checked by content, cleaned, with a
thumbnail), stock per edition, hiding, and the products an accepted application brings."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from PIL import Image

from maarid.catalogue import selectors, services
from maarid.catalogue.models import Category, Label, Product, ProductPhoto, Stock
from maarid.exhibitors import services as exhibitors
from maarid.exhibitors.models import Application, Exhibitor
from maarid.registry.models import Membership, Sector
from tests.catalogue.conftest import (
    category,
    huge_png,
    image_bytes,
    jpeg,
    make_product,
    png,
    upload,
)
from tests.conftest import make_organisation, make_user

pytestmark = pytest.mark.django_db


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- Who may change a product ------------------------------------------------------------------


def test_a_member_saves_the_organisations_product_with_its_labels(cooperative, exhibitor):
    product = Product(
        organisation=cooperative,
        name_fr="Miel de thym",
        category=category("miel"),
        price=Decimal("150.00"),
        unit="jar",
    )
    labels = list(Label.objects.filter(code__in=["bio", "igp"]))
    services.save_product(actor=exhibitor, product=product, labels=labels)
    product.refresh_from_db()
    assert product.slug == "miel-de-thym" and product.active
    assert set(product.labels.values_list("code", flat=True)) == {"bio", "igp"}
    assert "miel" in product.search_text


def test_an_exhibitor_cannot_change_another_organisations_product(
    product, other_exhibitor, other_cooperative, edition, exhibiting
):
    product.price = Decimal("1.00")
    with pytest.raises(PermissionDenied):
        services.save_product(actor=other_exhibitor, product=product)
    with pytest.raises(PermissionDenied):
        services.add_photo(actor=other_exhibitor, product=product, uploaded=jpeg())
    with pytest.raises(PermissionDenied):
        services.set_stock(actor=other_exhibitor, product=product, edition=edition, quantity=10)
    with pytest.raises(PermissionDenied):
        services.deactivate(actor=other_exhibitor, product=product)
    product.refresh_from_db()
    assert product.price == Decimal("180.00") and product.active
    assert not product.photos.exists() and not Stock.objects.exists()


def test_a_product_does_not_move_to_another_organisation(product, exhibitor, other_cooperative):
    Membership.objects.create(
        user=exhibitor, organisation=other_cooperative, status=Membership.Status.ACTIVE
    )
    product.organisation = other_cooperative
    with pytest.raises(PermissionDenied):
        services.save_product(actor=exhibitor, product=product)


def test_the_organisers_of_its_series_may_manage_an_organisations_products(
    product, organiser, other_organiser
):
    assert selectors.may_manage(organiser, product.organisation)
    assert not selectors.may_manage(other_organiser, product.organisation)
    product.price = Decimal("200")
    services.save_product(actor=organiser, product=product)
    with pytest.raises(PermissionDenied):
        services.save_product(actor=other_organiser, product=product)


def test_a_product_needs_a_name_and_a_category_not_a_family(cooperative, exhibitor, taxonomy):
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            services.save_product(
                actor=exhibitor,
                product=Product(organisation=cooperative, category=category("miel")),
            )
        assert "Give the name in Arabic, in French or both." in error.value.messages
        family = Category.objects.get(slug="terroir")
        with pytest.raises(ValidationError) as error:
            services.save_product(
                actor=exhibitor,
                product=Product(organisation=cooperative, name_fr="Miel", category=family),
            )
        assert "Choose a category, not a family." in error.value.messages
    assert not Product.objects.exists()


def test_a_negative_price_is_refused(product, exhibitor):
    product.price = Decimal("-5")
    with pytest.raises(ValidationError) as error:
        services.save_product(actor=exhibitor, product=product)
    assert "price" in error.value.message_dict


def test_a_product_is_hidden_never_deleted(product, exhibitor):
    services.deactivate(actor=exhibitor, product=product)
    product.refresh_from_db()
    assert not product.active
    assert Product.objects.public().count() == 0 and Product.objects.count() == 1


# --- Photos -------------------------------------------------------------------------------------


def test_a_photo_is_stored_with_a_thumbnail(product, exhibitor, settings):
    photo = services.add_photo(actor=exhibitor, product=product, uploaded=jpeg(size=(2000, 1500)))
    assert photo.file.startswith(f"products/{product.pk}/") and photo.file.endswith(".jpg")
    with default_storage.open(photo.thumbnail) as thumb:
        assert max(Image.open(thumb).size) == 480
    with default_storage.open(photo.file) as full:
        assert Image.open(full).size == (2000, 1500)
    second = services.add_photo(actor=exhibitor, product=product, uploaded=png())
    assert second.file.endswith(".png") and second.order > photo.order
    assert list(product.photos.all()) == [photo, second]
    assert len(stored_files(settings)) == 4


def test_exif_metadata_is_removed(product, exhibitor):
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    exif[0x013B] = "Fatima Zahra"  # Artist
    exif[0x8825] = {1: "N", 2: (35.0, 34.0, 12.0), 3: "W", 4: (5.0, 22.0, 5.0)}  # GPS
    data = image_bytes("JPEG", exif=exif.tobytes())
    assert b"secret description" in data and b"Exif" in data
    photo = services.add_photo(actor=exhibitor, product=product, uploaded=upload("phone.jpg", data))
    for name in (photo.file, photo.thumbnail):
        with default_storage.open(name) as stored:
            content = stored.read()
        assert b"secret description" not in content and b"Fatima" not in content
        assert not Image.open(io.BytesIO(content)).getexif()


@pytest.mark.parametrize(
    "name, data, message",
    [
        (
            "fiche.pdf",
            b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n",
            "This type of file is not accepted. Accepted: JPEG, PNG, WebP.",
        ),
        (
            "argan.jpg",
            b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 400,
            "This type of file is not accepted. Accepted: JPEG, PNG, WebP.",
        ),
        ("huge.png", huge_png(), "The image is too large: at most 40 megapixels."),
        (
            "cut.jpg",
            image_bytes("JPEG", size=(800, 600))[:3000],
            "The file is damaged or incomplete. Please save or scan it again and resend it.",
        ),
    ],
)
def test_a_photo_that_is_not_a_usable_image_is_refused_and_nothing_is_stored(
    product, exhibitor, settings, name, data, message
):
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            services.add_photo(actor=exhibitor, product=product, uploaded=upload(name, data))
        assert error.value.messages == [message]
    assert not ProductPhoto.objects.exists()
    assert stored_files(settings) == []


def test_a_photo_over_5_mb_is_refused(product, exhibitor, settings):
    data = image_bytes("PNG") + b"\x00" * (5 * 1024 * 1024)
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            services.add_photo(
                actor=exhibitor, product=product, uploaded=upload("big.png", data, "image/png")
            )
        assert error.value.messages == ["The file is too big: at most 5.0\xa0MB."]
    assert stored_files(settings) == []


def test_a_product_has_a_limited_number_of_photos(product, exhibitor, settings):
    settings_max = services.MAX_PHOTOS
    for _n in range(settings_max):
        services.add_photo(actor=exhibitor, product=product, uploaded=jpeg(size=(40, 30)))
    with pytest.raises(ValidationError):
        services.add_photo(actor=exhibitor, product=product, uploaded=jpeg(size=(40, 30)))
    assert product.photos.count() == settings_max
    assert len(stored_files(settings)) == 2 * settings_max


def test_removing_a_photo_removes_its_files_once_committed(
    product, exhibitor, other_exhibitor, settings, django_capture_on_commit_callbacks
):
    photo = services.add_photo(actor=exhibitor, product=product, uploaded=jpeg())
    with pytest.raises(PermissionDenied):
        services.remove_photo(actor=other_exhibitor, photo=photo)
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_photo(actor=exhibitor, photo=photo)
        assert len(stored_files(settings)) == 2  # until the removal is committed
    assert not ProductPhoto.objects.exists() and stored_files(settings) == []


# --- Stock --------------------------------------------------------------------------------------


def test_stock_is_set_per_edition_the_organisation_exhibits_at(product, exhibitor, exhibiting):
    edition = exhibiting.edition
    stock = services.set_stock(actor=exhibitor, product=product, edition=edition, quantity=24)
    assert stock.quantity == 24
    services.set_stock(actor=exhibitor, product=product, edition=edition, quantity=0)
    assert Stock.objects.get(product=product, edition=edition).quantity == 0
    assert list(selectors.current_editions(product.organisation)) == [edition]


def test_stock_cannot_go_negative(product, exhibitor, exhibiting):
    with pytest.raises(ValidationError):
        services.set_stock(
            actor=exhibitor, product=product, edition=exhibiting.edition, quantity=-1
        )
    assert not Stock.objects.exists()


def test_stock_only_for_an_edition_the_organisation_exhibits_at(product, exhibitor, edition):
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            services.set_stock(actor=exhibitor, product=product, edition=edition, quantity=5)
        assert "does not exhibit at" in error.value.messages[0]
    Exhibitor.objects.create(
        edition=edition, organisation=product.organisation, status=Exhibitor.Status.WITHDRAWN
    )
    with pytest.raises(ValidationError):
        services.set_stock(actor=exhibitor, product=product, edition=edition, quantity=5)
    assert list(selectors.current_editions(product.organisation)) == []


# --- From an accepted application ---------------------------------------------------------------


@pytest.fixture
def call(organiser, edition, taxonomy):
    today = timezone.localdate()
    return exhibitors.open_call(
        actor=organiser,
        edition=edition,
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=10),
        places=3,
    )


@pytest.fixture
def accepted(call, cooperative, exhibitor):
    """The cooperative's application, listing three products (one with a photo), accepted."""
    application = exhibitors.start_application(actor=exhibitor, call=call, organisation=cooperative)
    exhibitors.add_product(
        actor=exhibitor,
        application=application,
        name_fr="Miel de thym",
        price=Decimal("150"),
        photo=png(),
    )
    exhibitors.add_product(
        actor=exhibitor, application=application, name_ar="زيت الأركان", description="زيت أركان بكر"
    )
    exhibitors.add_product(actor=exhibitor, application=application, name_fr="Coffret découverte")
    application.status = Application.Status.SUBMITTED
    application.submitted_at = timezone.now()
    application.decision = Application.Decision.ACCEPTED
    application.save()
    return application


def test_accepted_application_products_become_the_organisations_products_once(
    accepted, call, organiser, cooperative
):
    exhibitors.publish_decisions(actor=organiser, call=call)
    exhibitors.publish_decisions(actor=organiser, call=call)  # again: nothing more
    exhibitors.make_exhibitor(application=accepted)
    products = {p.name: p for p in Product.objects.filter(organisation=cooperative)}
    assert len(products) == 3 == Product.objects.count()
    listed = {p.pk for p in accepted.products.all()}
    assert {p.from_application_id for p in products.values()} == listed

    honey = products["Miel de thym"]
    assert honey.category.slug == "miel" and honey.price == Decimal("150.00") and honey.active
    (photo,) = honey.photos.all()
    source = accepted.products.get(name_fr="Miel de thym").photo
    assert photo.file != source and photo.file.startswith(f"products/{honey.pk}/")
    assert default_storage.exists(photo.file) and default_storage.exists(photo.thumbnail)
    assert default_storage.exists(source)  # the application keeps its own

    argan = products["زيت الأركان"]
    assert argan.category.slug == "huile-argan" and argan.description_ar == "زيت أركان بكر"
    assert not argan.photos.exists()
    assert products["Coffret découverte"].category.slug == "huile-argan"  # the family's first

    edition = call.edition
    assert set(Stock.objects.values_list("product_id", "edition_id", "quantity")) == {
        (p.pk, edition.pk, 0) for p in products.values()
    }


def test_products_are_made_only_when_the_exhibitor_is_active(accepted, call, cooperative):
    Exhibitor.objects.create(
        edition=call.edition,
        organisation=cooperative,
        application=accepted,
        status=Exhibitor.Status.WITHDRAWN,
    )
    assert not Product.objects.exists()
    Exhibitor.objects.create(edition=call.edition, organisation=make_organisation(name_fr="X"))
    assert not Product.objects.exists()


def test_a_damaged_application_photo_does_not_stop_the_publication(
    accepted, call, organiser, settings
):
    item = accepted.products.get(name_fr="Miel de thym")
    with default_storage.open(item.photo, "wb") as broken:
        broken.write(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    exhibitors.publish_decisions(actor=organiser, call=call)
    product = Product.objects.get(from_application=item)
    assert not product.photos.exists()
    assert Exhibitor.objects.filter(application=accepted).exists()


@pytest.mark.parametrize(
    "sector, name_ar, name_fr, expected",
    [
        (Sector.TERROIR, "", "Miel de thym", "miel"),
        (Sector.TERROIR, "عسل الزعتر", "", "miel"),
        (Sector.TERROIR, "زيت الزيتون البكر", "", "huile-olive"),
        (Sector.TERROIR, "", "Huile d'olive extra vierge", "huile-olive"),
        (Sector.TERROIR, "", "Dattes Majhoul", "dattes"),
        (Sector.TERROIR, "", "Couscous d'orge", "couscous-pates"),
        (Sector.TERROIR, "", "Confiture de figues", "conserves"),
        (Sector.TERROIR, "", "Panier garni", "huile-argan"),
        (Sector.COSMETICS, "", "Savon noir", "cosmetiques"),
        (Sector.HANDICRAFTS, "", "Tapis berbère", "tissage-tapis"),
        (Sector.HANDICRAFTS, "الفخار المطلي", "", "poterie"),
        (Sector.HANDICRAFTS, "", "Babouches", "poterie"),
        (Sector.RECYCLING, "", "Sacs", "recyclage"),
        (Sector.TOURISM, "", "Séjour à la ferme", "tourisme-solidaire"),
        (Sector.HANDICRAFTS, "", "Miel", "miel"),  # no match in the family: any category
    ],
)
def test_a_default_category_is_guessed_from_the_name_and_the_sector(
    taxonomy, sector, name_ar, name_fr, expected
):
    assert (
        services.default_category(sector=sector, name_ar=name_ar, name_fr=name_fr).slug == expected
    )


def test_a_membership_waiting_for_confirmation_gives_no_right(cooperative, taxonomy):
    newcomer = make_user("newcomer")
    Membership.objects.create(user=newcomer, organisation=cooperative)  # pending
    assert not selectors.may_manage(newcomer, cooperative)
    with pytest.raises(PermissionDenied):
        services.save_product(actor=newcomer, product=make_product(cooperative))
