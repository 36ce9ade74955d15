"""Every write and every rule of the catalogue: products, their photos and their stock, and the
products an accepted application brings.

Who may change an organisation's products: its members (active membership) and the organisers
of a fair series whose registry holds it (``selectors.may_manage``). Anyone else gets
PermissionDenied; views turn that into a 404 beforehand, so that nobody learns which products
another organisation keeps hidden. The audit trail's actor is set where the request is
authenticated, or by the task or command (``core.audit``), not here.
"""

import logging
import re
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maarid.core import uploads
from maarid.core.models import User
from maarid.core.text import normalise
from maarid.exhibitors.models import Application
from maarid.exhibitors.selectors import active_exhibitors
from maarid.fairs.models import Edition
from maarid.registry.models import Organisation, Sector

from . import selectors
from .models import Category, Label, Product, ProductPhoto, Stock

log = logging.getLogger(__name__)

# A product page shows a few photos; more would only slow a phone down at the fair.
MAX_PHOTOS = 8
# The thumbnail shown in lists and on cards (core.uploads names it <stem>_480x480.<ext>).
THUMBNAIL = (480, 480)

# The family of categories an organisation's sector points to, and the category its products
# get when no word of their name matches one (None: the family's first category).
SECTOR_FAMILIES: dict[str, tuple[str, str | None]] = {
    Sector.TERROIR: ("terroir", None),
    Sector.AGRICULTURE: ("terroir", None),
    Sector.FISHERIES: ("terroir", "conserves"),
    Sector.COSMETICS: ("terroir", "cosmetiques"),
    Sector.HANDICRAFTS: ("artisanat", None),
    Sector.TEXTILES: ("artisanat", "tissage-tapis"),
    Sector.RECYCLING: ("artisanat", "recyclage"),
    Sector.TOURISM: ("services", "tourisme-solidaire"),
    Sector.SERVICES: ("services", None),
}
# Words too common to tell categories apart ("huile de …", "produits …").
_ARABIC_ARTICLE = re.compile(r"^(?:و|ب|ف|ك|ل)?ال(?=..)")
_STOP_WORDS = frozenset(
    normalise(word)
    for word in (
        *("des", "les", "aux", "produit", "produits", "naturel", "naturels", "naturelle"),
        *("traditionnel", "traditionnelle", "artisanal", "artisanale", "منتجات", "منتوج"),
    )
)


# --- Who may manage ---------------------------------------------------------------------------


def _require_manager(actor: User, organisation: Organisation) -> None:
    if not selectors.may_manage(actor, organisation):
        raise PermissionDenied


def _require_product_manager(actor: User, product: Product) -> None:
    """The product's organisation as stored, not as set on the object: a product never moves
    to another organisation."""
    _require_manager(actor, product.organisation)
    if product.pk:
        stored = Product.objects.filter(pk=product.pk).values_list("organisation_id", flat=True)
        if stored.first() not in (None, product.organisation_id):
            raise PermissionDenied


# --- Products ---------------------------------------------------------------------------------


def save_product(
    *,
    actor: User,
    product: Product,
    labels: Iterable[Label] | None = None,
    stock: Iterable[tuple[Edition, int]] = (),
    remove_photos: Iterable[ProductPhoto] = (),
    new_photos: Iterable[File[bytes]] = (),
) -> Product:
    """Checks and saves a product (new or changed) as a whole or not at all: ``labels``, when
    given, replace its labels; ``stock`` gives (edition, quantity) pairs; photos are removed
    and added. A refused photo or quantity leaves nothing behind, a new product unsaved."""
    creating = product.pk is None
    added: list[ProductPhoto] = []
    try:
        with transaction.atomic():
            _require_product_manager(actor, product)
            product.full_clean(exclude=["slug", "from_application"])
            product.save()
            if labels is not None:
                product.labels.set(labels)
            for edition, quantity in stock:
                set_stock(actor=actor, product=product, edition=edition, quantity=quantity)
            for photo in remove_photos:
                remove_photo(actor=actor, photo=photo)
            for uploaded in new_photos:
                added.append(add_photo(actor=actor, product=product, uploaded=uploaded))
    except ValidationError:
        for photo in added:  # stored, but their rows were rolled back
            _delete_files([photo.file, photo.thumbnail])
        if creating:
            product.pk, product.slug = None, ""
        raise
    return product


def deactivate(*, actor: User, product: Product) -> Product:
    """Hides a product from the catalogue. Products are never deleted: sales refer to them."""
    _require_product_manager(actor, product)
    if product.active:
        product.active = False
        product.save(update_fields=["active", "updated_at"])
    return product


# --- Photos -----------------------------------------------------------------------------------


def check_photo(*, uploaded: File[bytes]) -> str:
    """The photo's kind (JPEG, PNG or WebP, by content, 5 MB and 40 megapixels at most), or a
    ValidationError that says why it is refused."""
    return uploads.check_document(uploaded, kinds=uploads.PHOTO_KINDS)


def add_photo(*, actor: User, product: Product, uploaded: File[bytes]) -> ProductPhoto:
    """Checks a photo by its content, stores it re-encoded (its metadata, GPS position
    included, dropped) and makes its thumbnail. A refused file leaves nothing behind."""
    _require_product_manager(actor, product)
    if product.pk is None:
        raise ValueError("save the product before adding photos")
    kind = check_photo(uploaded=uploaded)
    if product.photos.count() >= MAX_PHOTOS:
        raise ValidationError(too_many_photos(), code="too_many")
    return _store_photo(product, uploaded, kind)


def too_many_photos() -> str:
    """Why a photo more is refused (the service and the product form say it alike)."""
    return ngettext(
        "A product has at most %(max)d photo.",
        "A product has at most %(max)d photos.",
        MAX_PHOTOS,
    ) % {"max": MAX_PHOTOS}


def _store_photo(product: Product, file: File[bytes], kind: str) -> ProductPhoto:
    stored: list[str] = []
    try:
        stored.append(uploads.store(file, f"products/{product.pk}", kind))
        stored.append(uploads.thumbnail(stored[0], THUMBNAIL))
        order = (product.photos.aggregate(last=Max("order"))["last"] or 0) + 1
        return ProductPhoto.objects.create(
            product=product, file=stored[0], thumbnail=stored[1], order=order
        )
    except BaseException:
        _delete_files(stored)
        raise


def remove_photo(*, actor: User, photo: ProductPhoto) -> None:
    _require_product_manager(actor, photo.product)
    names = [photo.file, photo.thumbnail]
    photo.delete()
    transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names: Iterable[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


# --- Stock ------------------------------------------------------------------------------------


def set_stock(*, actor: User, product: Product, edition: Edition, quantity: int) -> Stock:
    """How many units the organisation brings to an edition it exhibits at (0 or more)."""
    _require_product_manager(actor, product)
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        raise ValidationError(
            {"quantity": _("The stock is a whole number, 0 or more.")}, code="negative"
        )
    exhibits = active_exhibitors(edition).filter(organisation_id=product.organisation_id).exists()
    if not exhibits:
        raise ValidationError(
            _("%(organisation)s does not exhibit at %(edition)s.")
            % {"organisation": product.organisation, "edition": edition},
            code="not_exhibitor",
        )
    with transaction.atomic():
        stock = Stock.objects.select_for_update().filter(product=product, edition=edition).first()
        if stock is None:
            return Stock.objects.create(product=product, edition=edition, quantity=quantity)
        if stock.quantity != quantity:
            stock.quantity = quantity
            stock.save(update_fields=["quantity"])
    return stock


# --- From an accepted application -------------------------------------------------------------


def products_from_application(*, application: Application) -> list[Product]:
    """Turns the products an accepted application listed into the organisation's products,
    once each (``Product.from_application``): calling it again creates nothing. Each gets a
    category guessed from its name and the organisation's sector, a copy of its photo, and a
    stock of 0 for the edition, which the exhibitor then fills in."""
    organisation = application.organisation
    edition = application.call.edition
    created: list[Product] = []
    listed = application.products.filter(product__isnull=True)
    for item in listed:
        if not (item.name_ar or item.name_fr):
            continue
        description = (item.description or "").strip()
        arabic = bool(re.search("[\u0621-\u064a]", description))
        product = Product(
            organisation=organisation,
            name_ar=item.name_ar,
            name_fr=item.name_fr,
            description_ar=description if arabic else "",
            description_fr="" if arabic else description,
            category=default_category(
                sector=organisation.sector, name_ar=item.name_ar, name_fr=item.name_fr
            ),
            price=item.price,
            from_application=item,
        )
        try:
            with transaction.atomic():
                product.save()
        except IntegrityError:  # made meanwhile by another save of the same exhibitor
            continue
        Stock.objects.get_or_create(product=product, edition=edition)
        if item.photo:
            _copy_photo(product, item.photo)
        created.append(product)
    return created


def _copy_photo(product: Product, name: str) -> None:
    """Stores the application's photo again for the product. A photo that cannot be read is
    skipped (and logged): it must not stop the decisions from being published."""
    try:
        with default_storage.open(name, "rb") as source:
            kind = check_photo(uploaded=source)
            _store_photo(product, source, kind)
    except (OSError, ValueError, ValidationError):
        log.warning("Photo %s of application product could not be copied", name, exc_info=True)


def default_category(*, sector: str, name_ar: str = "", name_fr: str = "") -> Category:
    """The category a product most likely belongs to: the leaf category of the sector's family
    sharing the most words with the product's name (Arabic and French, normalised), else the
    sector's usual category, else the family's first."""
    family_slug, fallback = SECTOR_FAMILIES.get(sector, ("terroir", None))
    leaves = list(selectors.leaf_categories())
    if not leaves:
        raise Category.DoesNotExist("the taxonomy has not been loaded")
    words = _words(f"{name_ar} {name_fr}")
    family = [c for c in leaves if c.parent and c.parent.slug == family_slug] or leaves
    for pool in (family, leaves):
        scored = [(_overlap(words, _words(f"{c.name_ar} {c.name_fr}")), c) for c in pool]
        best = max(scored, key=lambda pair: pair[0])  # the first of the best
        if best[0] > 0:
            return best[1]
    return next((c for c in family if c.slug == fallback), family[0])


def _words(text: str) -> set[str]:
    found: set[str] = set()
    for word in normalise(text).split():
        word = _ARABIC_ARTICLE.sub("", word)
        if len(word) > 2 and word not in _STOP_WORDS:
            found.add(word)
    return found


def _overlap(product_words: set[str], category_words: set[str]) -> int:
    """Words in common; a word also matches its plural or a longer form (4 letters at least:
    "cosmetique" finds "cosmetiques", "تمر" does not find everything)."""
    return sum(
        any(
            p == c or (min(len(p), len(c)) >= 4 and (p.startswith(c) or c.startswith(p)))
            for c in category_words
        )
        for p in product_words
    )
