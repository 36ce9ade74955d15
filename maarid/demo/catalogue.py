"""The catalogue of the reference fair: about 1,500 products of its 165 exhibitors, with prices,
labels, stock for the edition and a generated photo each.

Each exhibitor's products are the ones its accepted application listed (exhibitors.py), then
others drawn from lists that fit its activity, until the fair holds ``TOTAL`` products. Photos
are drawn here, never fetched: a square in the colour of the category with the product's
initials, Latin and Arabic.

The rules of loader.py hold here too:

- Deterministic. Everything is drawn from ``random.Random(2024)`` (an instance of its own) and
  the fixed lists of ``data/``, going through the exhibitors in the order of their slugs.
- Idempotent. Products are keyed by their slug, made from the French name like
  ``catalogue.models.unique_slug`` would (``miel-de-thym``, ``miel-de-thym-2`` …) but among the
  demo's own products only, so the same product gets the same slug on every load. Stock is keyed
  by product and edition, the demo photo by its folder; an image is drawn only if its file is not
  there yet, under a name that changes when the picture would.

The products an application listed are linked to its rows (``Product.from_application``): if
the catalogue turned them into products already on acceptance, those rows are taken over rather
than duplicated.
"""

import functools
import hashlib
import io
import random
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from maarid.catalogue import taxonomy
from maarid.catalogue.models import Category, Label, Product, ProductPhoto, Stock, Unit
from maarid.catalogue.models import search_text as product_search_text
from maarid.exhibitors.models import ApplicationProduct, Exhibitor
from maarid.exhibitors.selectors import active_exhibitors
from maarid.fairs.models import Edition
from maarid.registry.models import Kind

from . import content, exhibitors

SEED = 2024
TOTAL = 1500
CREATED_AT = exhibitors.PUBLISHED_AT  # the products come with the acceptance
PHOTO_FOLDER = "products/demo"
PHOTO_SIZE = 480
# The search example: "زيت الاركان", "زيت الأركان" and "huile d'argan" all find it.
ARGAN_OIL = ("Huile d'argan", "زيت الأركان")

# Where the protected names apply (province and region codes of registry.places).
ARGAN_REGIONS = {"07", "09", "10"}  # IGP Argane: Essaouira, Souss-Massa, Guelmim
SAFFRON_REGION = "09"  # AOP Safran de Taliouine
ROSE_REGION = "08"  # IGP Rose de Kelâat M'gouna-Dadès
CHEFCHAOUEN = "01.151"  # IGP Fromage de chèvre de Chefchaouen
OUEZZANE = "01.405"  # AOP Huile d'olive d'Ouezzane
# Activities whose cooperatives may be certified organic, and how often.
ORGANIC_ACTIVITIES = {
    "olive_oil", "honey", "aromatic", "argan", "cosmetics", "figs", "saffron", "rose", "dates",
    "goat_cheese",
}  # fmt: skip
ORGANIC_SHARE = 0.2


class PoolProduct(NamedTuple):
    """A product of the lists an exhibitor's other products are drawn from."""

    name_fr: str
    name_ar: str
    category: str
    low: int  # the lowest and highest price in MAD
    high: int
    unit: str  # "" when the name tells it (see unit_of)


# The product lists by theme; each activity and craft names the themes it draws from.
POOLS: dict[str, list[PoolProduct]] = {}
for _row in content.read_csv("catalogue_products.csv"):
    POOLS.setdefault(_row["theme"], []).append(
        PoolProduct(
            _row["name_fr"],
            _row["name_ar"],
            _row["category"],
            int(_row["low"]),
            int(_row["high"]),
            _row["unit"],
        )
    )
# The activities of organisations and the crafts of artisans.
_TRADES: dict[str, content.Activity | content.Craft] = {**content.ACTIVITIES, **content.CRAFTS}
# The themes each activity (exhibitors.activity_of) draws its products from, the first one most.
ACTIVITY_POOLS = {key: about.themes for key, about in _TRADES.items()}
# Always among the products of an exhibitor of this activity.
FEATURED = {"argan": [ARGAN_OIL[0]]}

# The category of the products listed in applications (exhibitors.PRODUCTS): the activity's,
# unless the name says otherwise.
ACTIVITY_CATEGORY = {key: about.category for key, about in _TRADES.items()}
NAME_CATEGORY = exhibitors.NAME_CATEGORY

# One sentence of description per category (two to choose from), French then Arabic.
TEXTS: dict[str, list[tuple[str, str]]] = {}
for _row in content.read_csv("catalogue_texts.csv"):
    TEXTS.setdefault(_row["category"], []).append(content.pair(_row))

# The colour of each category's photos.
COLOURS: dict[str, str] = content.read_json("catalogue.json")["colours"]

FAMILY = {slug: family for family, _, _, leaves in taxonomy.FAMILIES for slug, _, _ in leaves}
JARRED = {"miel", "amlou", "conserves", "laitiers-fromage"}
_VOLUME = re.compile(r"\((\d+(?:,\d+)?) ?(L|cl|ml)\)")
_WEIGHT = re.compile(r"\((\d+(?:,\d+)?) ?(kg|g)\)")


@dataclass(frozen=True)
class Item:
    """A product an exhibitor may bring: from its application (``brought``) or from the lists."""

    name_fr: str
    name_ar: str
    category: str
    unit: str
    low: int = 0
    high: int = 0
    brought: ApplicationProduct | None = None


@dataclass(frozen=True)
class Stand:
    """An active exhibitor and the products its application listed."""

    exhibitor: Exhibitor
    brought: list[ApplicationProduct]


@dataclass
class Spec:
    """A product of the demo as plain values, before it is written."""

    slug: str
    organisation_id: int
    item: Item
    price: Decimal
    labels: tuple[str, ...]
    quantity: int
    description_fr: str
    description_ar: str


def load(edition: Edition) -> int:
    """Loads or refreshes the catalogue of ``edition`` (the reference fair); returns the number
    of its products."""
    rng = random.Random(SEED)
    specs = draw(rng, exhibitors_of(edition))
    products = save_products(specs)
    save_labels(specs, products)
    save_stock(specs, products, edition)
    save_photos(specs, products)
    return len(specs)


def exhibitors_of(edition: Edition) -> list[Stand]:
    """The active exhibitors, in the order of their slugs, each with its application's products."""
    rows = list(
        active_exhibitors(edition)
        .select_related("organisation__commune", "organisation__province")
        .order_by("organisation__slug")
    )
    brought: dict[int | None, list[ApplicationProduct]] = {}
    listed = ApplicationProduct.objects.filter(
        application_id__in=[e.application_id for e in rows if e.application_id]
    ).order_by("application_id", "order", "id")
    for product in listed:
        brought.setdefault(product.application_id, []).append(product)
    return [Stand(exhibitor, brought.get(exhibitor.application_id, [])) for exhibitor in rows]


# --- Drawing ---------------------------------------------------------------------------------


def draw(rng: random.Random, stands: list[Stand]) -> list[Spec]:
    """The products of every exhibitor: those of its application, then others of its activity
    drawn at random, so that the fair holds TOTAL products. Touches no database."""
    plans = []
    for stand in stands:
        organisation = stand.exhibitor.organisation
        activity = exhibitors.activity_of(organisation)
        own = [from_application(activity, p) for p in stand.brought]
        plans.append((organisation, activity, own, candidates(rng, activity, own)))
    counts = allocate(rng, plans)
    specs: list[Spec] = []
    slugs: set[str] = set()
    for (organisation, activity, own, more), count in zip(plans, counts, strict=True):
        organic = activity in ORGANIC_ACTIVITIES and rng.random() < ORGANIC_SHARE
        for item in own + more[: count - len(own)]:
            specs.append(spec(rng, organisation, item, organic, slugs))
    if not any(s.item.name_fr == ARGAN_OIL[0] for s in specs):
        add_argan_oil(rng, specs, plans, slugs)
    return specs


def from_application(activity: str, product: ApplicationProduct) -> Item:
    category = NAME_CATEGORY.get(product.name_fr, ACTIVITY_CATEGORY.get(activity, "conserves"))
    return Item(
        product.name_fr,
        product.name_ar,
        category,
        unit_of(product.name_fr, category),
        brought=product,
    )


def candidates(rng: random.Random, activity: str, own: list[Item]) -> list[Item]:
    """The other products the exhibitor could bring, most likely first: the featured ones, then
    a weighted shuffle (the activity's own list and its main theme weigh more)."""
    weighted: dict[str, tuple[Item, float]] = {}
    category = ACTIVITY_CATEGORY.get(activity, "conserves")
    for name_fr, name_ar, low, high in exhibitors.PRODUCTS.get(activity, []):
        item_category = NAME_CATEGORY.get(name_fr, category)
        item = Item(name_fr, name_ar, item_category, unit_of(name_fr, item_category), low, high)
        weighted.setdefault(name_fr, (item, 3.0))
    for position, pool in enumerate(ACTIVITY_POOLS.get(activity, ())):
        for row in POOLS[pool]:
            unit = row.unit or unit_of(row.name_fr, row.category)
            item = Item(row.name_fr, row.name_ar, row.category, unit, row.low, row.high)
            weighted.setdefault(row.name_fr, (item, 3.0 if position == 0 else 1.0))
    taken = {item.name_fr for item in own}
    featured = [weighted[n][0] for n in FEATURED.get(activity, []) if n not in taken]
    taken.update(item.name_fr for item in featured)
    # Weighted sampling without replacement (Efraimidis–Spirakis): sort by u ** (1 / weight).
    keyed = [
        (rng.random() ** (1 / weight), item)
        for name, (item, weight) in weighted.items()
        if name not in taken
    ]
    keyed.sort(key=lambda pair: pair[0], reverse=True)
    return featured + [item for _, item in keyed]


def allocate(rng: random.Random, plans) -> list[int]:
    """How many products each exhibitor shows: about nine, fewer for artisans, never fewer than
    its application listed nor more than its lists hold; TOTAL in all."""
    weights = [
        rng.uniform(0.4, 0.8) if organisation.kind == Kind.ARTISAN else rng.uniform(0.8, 1.4)
        for organisation, *_ in plans
    ]
    scale = TOTAL / sum(weights)
    lows = [max(len(own), 3) for _, _, own, _ in plans]
    highs = [len(own) + len(more) for _, _, own, more in plans]
    counts = [
        min(high, max(low, round(weight * scale)))
        for weight, low, high in zip(weights, lows, highs, strict=True)
    ]
    order = list(range(len(plans)))
    rng.shuffle(order)
    while (gap := TOTAL - sum(counts)) and any(
        counts[i] < highs[i] if gap > 0 else counts[i] > lows[i] for i in order
    ):
        for i in order:
            if gap > 0 and counts[i] < highs[i]:
                counts[i], gap = counts[i] + 1, gap - 1
            elif gap < 0 and counts[i] > lows[i]:
                counts[i], gap = counts[i] - 1, gap + 1
            if not gap:
                break
    return counts


def add_argan_oil(rng, specs, plans, slugs):
    """The search example must exist: if the argan cooperative is not exhibiting, the first
    exhibitor whose lists hold argan oil (or else the first one) sells it."""
    oil = POOLS["argan_oil"][0]
    organisation = next(
        (o for o, activity, *_ in plans if "argan_oil" in ACTIVITY_POOLS.get(activity, ())),
        plans[0][0],
    )
    item = Item(oil.name_fr, oil.name_ar, oil.category, oil.unit, oil.low, oil.high)
    specs.append(spec(rng, organisation, item, False, slugs))


def spec(rng, organisation, item: Item, organic: bool, slugs: set[str]) -> Spec:
    if item.brought is not None and item.brought.price:
        price = Decimal(item.brought.price).quantize(Decimal("0.01"))
    else:
        price = draw_price(rng, item.low, item.high)
    sentence_fr, sentence_ar = rng.choice(TEXTS.get(item.category, TEXTS["conserves"]))
    commune = organisation.commune or organisation.province
    return Spec(
        slug=make_slug(item.name_fr, slugs),
        organisation_id=organisation.pk,
        item=item,
        price=price,
        labels=labels_for(item, organisation, organic),
        quantity=quantity(rng, price),
        description_fr=f"{sentence_fr} Origine : {organisation.name_fr}, {commune.name_fr}.",
        description_ar=f"{sentence_ar} المصدر: {organisation.name_ar}، {commune.name_ar}.",
    )


def make_slug(name_fr: str, slugs: set[str]) -> str:
    """What catalogue.models.unique_slug would give, made unique among the demo's products."""
    base = slugify(name_fr)[:70] or "produit"
    value, n = base, 1
    while value in slugs:
        n += 1
        value = f"{base}-{n}"
    slugs.add(value)
    return value


def unit_of(name_fr: str, category: str) -> str:
    """The unit a price is for, read from the name: "(1 L)" is a litre, "(250 ml)" a bottle,
    "(1 kg)" a kilogram, "(500 g)" a jar of honey or a box of herbs, "(lot de 6)" a set."""
    if "(lot de" in name_fr:
        return Unit.SET
    if volume := _VOLUME.search(name_fr):
        return Unit.LITRE if volume.groups() == ("1", "L") else Unit.BOTTLE
    if weight := _WEIGHT.search(name_fr):
        if weight.groups() == ("1", "kg"):
            return Unit.KG
        return Unit.JAR if category in JARRED else Unit.BOX
    if "(1 m²)" in name_fr:
        return Unit.M2
    return Unit.PIECE


def draw_price(rng, low: int, high: int) -> Decimal:
    """Round figures as on a price tag: to 50 dirhams above 1,000, to 5 above 200, and small
    items to the half dirham."""
    value = Decimal(rng.randint(low, high))
    if high > 1000:
        value = max(Decimal(low), (value / 50).quantize(Decimal("1")) * 50)
    elif high > 200:
        value = max(Decimal(low), (value / 5).quantize(Decimal("1")) * 5)
    elif high <= 100 and rng.random() < 0.5:
        value += Decimal("0.50")
    return value.quantize(Decimal("0.01"))


def quantity(rng, price: Decimal) -> int:
    """What the exhibitor brings for the ten days: hundreds of small items, tens of most
    things, a few carpets, caftans or lustres."""
    if price < 50:
        return rng.randint(100, 400)
    if price < 200:
        return rng.randint(30, 120)
    if price < 1000:
        return rng.randint(10, 50)
    if price < 5000:
        return rng.randint(3, 20)
    return rng.randint(1, 8)


def labels_for(item: Item, organisation, organic: bool) -> tuple[str, ...]:
    """Handmade for every craft; the protected names only where they apply (the product and its
    place of origin); organic for the food and cosmetics of a certified cooperative."""
    codes = []
    family = FAMILY.get(item.category)
    province = organisation.province_id or ""
    region = province[:2]
    if family == "artisanat":
        codes.append("fait-main")
    category, name = item.category, item.name_fr
    if (
        (category == "huile-argan" and region in ARGAN_REGIONS)
        or (category == "laitiers-fromage" and province == CHEFCHAOUEN and "chèvre" in name)
        or (category == "cosmetiques" and region == ROSE_REGION and "rose" in name)
    ):
        codes.append("igp")
    flavoured = any(word in name for word in ("aromatisée", "citron", "Coffret"))
    if (category == "safran" and region == SAFFRON_REGION and "filaments" in name) or (
        category == "huile-olive" and province == OUEZZANE and not flavoured
    ):
        codes.append("aop")
    if organic and family == "terroir":
        codes.append("bio")
    return tuple(codes)


# --- Writing ---------------------------------------------------------------------------------

# Product fields a new load refreshes: all but the key (``slug``), ``id`` and ``created_at``.
FIELDS = [
    f.name for f in Product._meta.concrete_fields if f.name not in ("id", "slug", "created_at")
]


def save_products(specs: list[Spec]) -> dict[str, int]:
    """Inserts or refreshes the products in a few queries; returns their ids by slug."""
    take_over_accepted_products(specs)
    categories = {c.slug: c for c in Category.objects.select_related("parent")}
    rows = []
    for s in specs:
        brought = s.item.brought
        product = Product(
            organisation_id=s.organisation_id,
            slug=s.slug,
            name_ar=s.item.name_ar,
            name_fr=s.item.name_fr,
            description_ar=s.description_ar,
            description_fr=s.description_fr,
            category=categories[s.item.category],
            price=s.price,
            unit=s.item.unit,
            active=True,
            from_application_id=brought.pk if brought else None,
            created_at=CREATED_AT,
        )
        product.search_text = product_search_text(product)
        rows.append(product)
    Product.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["slug"], update_fields=FIELDS, batch_size=300
    )
    organisations = {s.organisation_id for s in specs}
    return dict(Product.objects.filter(organisation_id__in=organisations).values_list("slug", "pk"))


def take_over_accepted_products(specs: list[Spec]):
    """The catalogue may have made products of the accepted applications already, with slugs
    of its own: those rows get the demo's slugs, unless the demo's product is there from an
    earlier load, in which case the new row is a duplicate and goes."""
    wanted = {s.item.brought.pk: s.slug for s in specs if s.item.brought is not None}
    slugs = {s.slug for s in specs}
    existing = list(
        Product.objects.filter(Q(from_application_id__in=wanted) | Q(slug__in=slugs)).values_list(
            "pk", "slug", "from_application_id"
        )
    )
    linked = {pk for pk, _, application_product in existing if application_product in wanted}
    holders = {slug: pk for pk, slug, _ in existing if pk not in linked}
    renames, duplicates = {}, []
    for pk, current, application_product in existing:
        if pk not in linked or current == wanted[application_product]:
            continue
        if wanted[application_product] in holders:
            duplicates.append(pk)
        else:
            renames[pk] = wanted[application_product]
    if duplicates:
        Product.objects.filter(pk__in=duplicates).delete()
    # Two steps, so that two rows may swap slugs without breaking the unique constraint.
    for step in ("temporary", "final"):
        for pk, new in renames.items():
            Product.objects.filter(pk=pk).update(slug=f"demo-{pk}" if step == "temporary" else new)


def save_labels(specs: list[Spec], products: dict[str, int]):
    through = Product.labels.through
    labels = dict(Label.objects.values_list("code", "pk"))
    wanted = {
        (products[s.slug], labels[code]) for s in specs for code in s.labels if code in labels
    }
    pks = [products[s.slug] for s in specs]
    existing = set(through.objects.filter(product_id__in=pks).values_list("product_id", "label_id"))
    stale = existing - wanted
    if stale:
        through.objects.filter(product_id__in={pk for pk, _ in stale}).delete()
        existing -= {pair for pair in existing if pair[0] in {pk for pk, _ in stale}}
    through.objects.bulk_create(
        [through(product_id=p, label_id=lbl) for p, lbl in sorted(wanted - existing)],
        batch_size=500,
    )


def save_stock(specs: list[Spec], products: dict[str, int], edition):
    Stock.objects.bulk_create(
        [Stock(product_id=products[s.slug], edition=edition, quantity=s.quantity) for s in specs],
        update_conflicts=True,
        unique_fields=["product", "edition"],
        update_fields=["quantity"],
        batch_size=500,
    )


# --- Photos ----------------------------------------------------------------------------------


def save_photos(specs: list[Spec], products: dict[str, int]):
    """One photo per product, stored like core.uploads stores one (the picture, and a thumbnail
    named ``<stem>_480x480``); files already there are not drawn again."""
    try:
        stored = set(default_storage.listdir(PHOTO_FOLDER)[1])
    except (FileNotFoundError, NotImplementedError):
        stored = set()
    pictures: dict[tuple, bytes] = {}  # many products share a colour and initials
    wanted = {}
    for s in specs:
        look = appearance(s.item)
        stem = f"{PHOTO_FOLDER}/{s.slug}-{fingerprint(look)}"
        file, thumb = f"{stem}.png", f"{stem}_{PHOTO_SIZE}x{PHOTO_SIZE}.png"
        for name in (file, thumb):
            if name.rsplit("/", 1)[1] not in stored:
                if look not in pictures:
                    pictures[look] = render(*look)
                default_storage.save(name, ContentFile(pictures[look]))
        wanted[products[s.slug]] = (file, thumb)
    existing = ProductPhoto.objects.filter(
        product_id__in=wanted, file__startswith=f"{PHOTO_FOLDER}/"
    ).order_by("product_id", "order", "id")
    seen, changed, extra = set(), [], []
    for photo in existing:
        if photo.product_id in seen:
            extra.append(photo.pk)
            continue
        seen.add(photo.product_id)
        if (photo.file, photo.thumbnail) != wanted[photo.product_id]:
            photo.file, photo.thumbnail = wanted[photo.product_id]
            changed.append(photo)
    ProductPhoto.objects.filter(pk__in=extra).delete()
    ProductPhoto.objects.bulk_update(changed, ["file", "thumbnail"], batch_size=500)
    ProductPhoto.objects.bulk_create(
        [
            ProductPhoto(product_id=pk, file=file, thumbnail=thumb, order=0)
            for pk, (file, thumb) in wanted.items()
            if pk not in seen
        ],
        batch_size=500,
    )


def appearance(item: Item) -> tuple[str, str, str]:
    """The colour of the category and the first letters of the French and Arabic names."""
    latin = next((c for c in item.name_fr if c.isalpha()), "?").upper()
    arabic = next((c for c in item.name_ar if "\u0621" <= c <= "\u064a"), "")
    return COLOURS.get(item.category, "#4A5568"), latin, arabic


def fingerprint(look: tuple) -> str:
    """Part of the file name: a product whose picture would change gets a new file."""
    latin_font, arabic_font = fonts()
    key = "|".join([*look, font_name(latin_font), font_name(arabic_font), str(PHOTO_SIZE)])
    return hashlib.md5(key.encode(), usedforsecurity=False).hexdigest()[:8]


def render(colour: str, latin: str, arabic: str) -> bytes:
    """A square of the colour with the initials, in white or in ink, whichever reads better."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    light = 0.2126 * red + 0.7152 * green + 0.0722 * blue > 150
    ink = "#1F2933" if light else "#FFFFFF"
    image = Image.new("RGB", (PHOTO_SIZE, PHOTO_SIZE), colour)
    pen = ImageDraw.Draw(image)
    latin_font, arabic_font = fonts()
    middle = PHOTO_SIZE // 2
    if not isinstance(latin_font, ImageFont.FreeTypeFont):  # the bitmap font has no anchors
        pen.text((middle, middle), latin, font=latin_font, fill=ink)
    elif arabic and arabic_font is not None:
        pen.text((middle - 90, middle), latin, font=latin_font, fill=ink, anchor="mm")
        pen.text((middle + 90, middle), arabic, font=arabic_font, fill=ink, anchor="mm")
        pen.line((middle, middle - 90, middle, middle + 90), fill=ink, width=4)
    else:
        pen.text((middle, middle), latin, font=latin_font, fill=ink, anchor="mm")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


LATIN_FONTS = ["DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "Arial Bold.ttf", "arialbd.ttf"]
ARABIC_FONTS = [
    "NotoSansArabic-Bold.ttf",
    "NotoNaskhArabic-Bold.ttf",
    "Amiri-Bold.ttf",
    "Amiri-Regular.ttf",
    "DejaVuSans-Bold.ttf",  # has the Arabic letters too
]
FONT_DIRS = [
    "/usr/share/fonts/truetype/noto/",
    "/usr/share/fonts/truetype/dejavu/",
    "/usr/share/fonts/opentype/fonts-hosny-amiri/",
]


@functools.cache
def fonts():
    """A bold Latin font and one with Arabic letters, from the system; without an Arabic font
    the photos carry the French initial only, without any font Pillow's own."""
    return find_font(LATIN_FONTS) or default_font(), find_font(ARABIC_FONTS)


def find_font(names: list[str]):
    size = PHOTO_SIZE * 2 // 5
    for name in names:
        # The usual Debian/Ubuntu places first; Pillow then searches the system's font folders.
        for path in [folder + name for folder in FONT_DIRS] + [name]:
            try:
                return ImageFont.truetype(path, size)
            except OSError:
                continue
    return None


def default_font():
    try:
        return ImageFont.load_default(size=PHOTO_SIZE * 2 // 5)
    except (TypeError, ImportError, OSError):  # Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()


def font_name(font) -> str:
    if font is None:
        return "-"
    names = getattr(font, "getname", lambda: ("default", ""))()
    return " ".join(filter(None, names))
