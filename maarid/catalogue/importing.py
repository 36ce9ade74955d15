"""Import and export of an organisation's products by spreadsheet (Excel .xlsx; CSV is read too).

Built on the spreadsheet toolkit the registry's import uses (``maarid.core.spreadsheets``): files
are read by ``read_table`` (size cap, Excel or CSV in any usual encoding, zip bombs refused),
problems are reported per row and column as the header was written (warnings apart: a cell
left out, a default taken), every cell passes the checks every import shares (no placeholder
such as "-", no formula, names in the letters of their language), headers and values are
accepted in Arabic, French or English, and the export puts a quote before anything a spreadsheet
could take for a formula (``neutralise``), which the import removes again.

``preview`` only reports; ``commit`` checks again and saves every row, or none if anything is
wrong, unless the user chose to import the rows that are right (``right_rows``): the others are
given back as a file, with the reasons (``spreadsheets.stash_refused``). Both run at once, in
the request, not as background jobs: an organisation has tens of products, not thousands, so a
check takes a fraction of a second (MAX_ROWS caps it).

A row names a product of the organisation (by its French name, else its Arabic name, compared
normalised) or a new one: the first is updated, the second created. So an exported file can be
edited (prices, stock) and imported back without making duplicates.
"""

import io
import re
from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from maarid.core import audit
from maarid.core.models import User
from maarid.core.money import to_money
from maarid.core.spreadsheets import (
    Cell,
    Errors,
    ImportFileError,
    Problem,
    Report,
    RowChecker,
    choice_lookup,
    field_labels,
    integer_cell,
    neutralise,
    read_table,
    script,
    text_cell,
)
from maarid.core.text import normalise
from maarid.fairs.models import Edition
from maarid.registry.models import Organisation

from . import selectors, services
from .models import Category, Label, Product, Stock, Unit

# fmt: off
# The columns of an export, and of an import, in this order.
FIELDS = (
    "name_ar", "name_fr", "description_ar", "description_fr", "category", "labels", "price",
    "unit", "stock",
)
# Header names besides each field's own name and its label in the three languages.
HEADERS = {
    "name_ar": ["nom en arabe", "nom arabe", "arabic name", "الاسم بالعربية", "الاسم العربي",
                "اسم المنتوج بالعربية"],
    "name_fr": ["nom en français", "nom français", "french name", "الاسم بالفرنسية",
                "désignation"],
    "name": ["nom", "name", "produit", "product", "الاسم", "اسم", "المنتوج", "المنتج"],
    "description_ar": ["description en arabe", "arabic description", "الوصف بالعربية"],
    "description_fr": ["description en français", "french description", "الوصف بالفرنسية"],
    "description": ["description", "الوصف"],
    "category": ["catégorie", "category", "famille", "type de produit", "الفئة", "الصنف",
                 "النوع"],
    "labels": ["label", "labels", "signes de qualité", "signe de qualité", "quality labels",
               "العلامات", "علامات الجودة", "العلامة"],
    "price": ["prix", "prix (mad)", "prix (dh)", "prix en dh", "price", "price (mad)",
              "السعر", "الثمن", "السعر (درهم)"],
    "unit": ["unité", "unit", "الوحدة"],
    "stock": ["stock", "quantité", "quantity", "quantité en stock", "المخزون", "الكمية"],
}
# Values of the unit besides its code and its label in the three languages.
UNIT_WORDS = {
    Unit.PIECE: ["pièce", "pièces", "unité", "pcs", "pc", "u", "قطعة", "وحدة"],
    Unit.KG: ["kilo", "kilos", "kilogramme", "kilogrammes", "كلغ", "كيلو", "كيلوغرام"],
    Unit.GRAM: ["gr", "gramme", "grammes", "غرام", "غ"],
    Unit.LITRE: ["litre", "litres", "liter", "لتر"],
    Unit.ML: ["millilitre", "millilitres", "مل"],
    Unit.JAR: ["pot", "pots", "bocal", "برطمان", "علبة زجاجية"],
    Unit.BOX: ["boîte", "boîtes", "coffret", "علبة"],
    Unit.BOTTLE: ["bouteille", "bouteilles", "flacon", "قنينة", "زجاجة"],
    Unit.M2: ["m²", "mètre carré", "متر مربع"],
    Unit.SET: ["lot", "ensemble", "kit", "طقم", "مجموعة"],
}
# fmt: on
LABEL_SEPARATORS = re.compile(r"[,،;؛\n]+")
CURRENCY = re.compile(r"(?i)\s*(mad|dhs?|dirhams?|درهم|د\.?م\.?)\s*$")
MAX_ROWS = 2000
NO_ROWS = gettext_lazy("The file has a header row but no products under it.")


@dataclass
class Item:
    """One row ready to save: the product (new, or a changed copy of the organisation's own)."""

    row: int
    product: Product
    labels: list[Label] | None = None  # None: the file has no labels column
    stock: int | None = None  # None: nothing to change

    @property
    def new(self) -> bool:
        return self.product.pk is None


@dataclass
class ProductReport(Report[Item]):
    updated: int = 0
    edition: Edition | None = None  # the edition the stock column is for

    @property
    def items(self) -> list[Item]:
        """The rows without errors."""
        return self.accepted

    @property
    def new(self) -> int:
        return sum(item.new for item in self.items)

    @property
    def changed(self) -> int:
        return self.ready - self.new


def preview(uploaded_file: File[bytes], organisation: Organisation) -> ProductReport:
    """Reads and checks a file of the organisation's products, saving nothing."""
    table = read_table(uploaded_file, no_rows=str(NO_ROWS))
    if len(table.rows) > MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(max)d products: split it into several files.")
            % {"max": MAX_ROWS}
        )
    return ProductChecker(organisation).check(table)


def commit(
    *,
    actor: User,
    uploaded_file: File[bytes],
    organisation: Organisation,
    right_rows: bool = False,
) -> ProductReport:
    """Saves every row of the file (creating or updating the organisation's products, their
    labels and their stock for the current edition), or none if the report has any error; with
    ``right_rows``, the rows without errors (none if the file as a whole is wrong)."""
    if not selectors.may_manage(actor, organisation):
        raise PermissionDenied
    report = preview(uploaded_file, organisation)
    if not report.may_import(right_rows):
        return report
    edition = report.edition
    try:
        with audit.acting_as(actor), transaction.atomic():
            for item in report.items:
                new = item.new
                services.save_product(
                    actor=actor,
                    product=item.product,
                    labels=item.labels,
                    stock=[(edition, item.stock)]
                    if item.stock is not None and edition is not None
                    else (),
                )
                report.created += new
                report.updated += not new
    except (IntegrityError, ValidationError):  # the products changed meanwhile
        report.created = report.updated = 0
        report.accepted = []
        report.problems.append(
            Problem(
                None,
                "",
                _(
                    "The products changed while importing and nothing was saved: check the file "
                    "again."
                ),
            )
        )
    return report


# Checking rows ---------------------------------------------------------------------------


class ProductChecker(RowChecker[Item, ProductReport]):
    """Turns rows into products, with the lookups every row needs loaded once."""

    fields = FIELDS
    synonyms = HEADERS
    required = ("name", "category")
    defaults = {"unit": lambda: str(Unit.PIECE.label)}
    free_text = frozenset({"description_ar", "description_fr", "description"})
    fallbacks = {
        "name_fr": ("name", "name_ar"),
        "name_ar": ("name", "name_fr"),
        "description_fr": ("description",),
        "description_ar": ("description",),
    }

    def __init__(self, organisation: Organisation) -> None:
        super().__init__()
        self.organisation = organisation
        self.edition = selectors.current_editions(organisation).first()
        self.units = choice_lookup(Unit, UNIT_WORDS)
        self.categories: dict[str, Category] = {}
        for category in Category.objects.select_related("parent"):
            for key in (category.slug, category.name_ar, category.name_fr):
                self.categories.setdefault(normalise(key), category)
        self.quality_labels: dict[str, Label] = {}
        for label in Label.objects.all():
            for key in (label.code, label.name_ar, label.name_fr):
                self.quality_labels.setdefault(normalise(key), label)
        # Normalised name -> the organisation's products of that name.
        self.products: dict[str, list[Product]] = {}
        for product in Product.objects.filter(organisation=organisation):
            for key in {normalise(product.name_fr), normalise(product.name_ar)} - {""}:
                self.products.setdefault(key, []).append(product)

    def labels(self) -> dict[str, str]:
        return header_labels()

    def new_report(self) -> ProductReport:
        return ProductReport(edition=self.edition)

    def check_columns(
        self, report: ProductReport, header_row: int, columns: dict[str, int]
    ) -> bool:
        if not super().check_columns(report, header_row, columns):
            return False
        if "stock" in columns and self.edition is None:
            report.problems.append(
                Problem(
                    header_row,
                    self.titles["stock"],
                    _(
                        "Your organisation exhibits at no coming edition: the stock column is "
                        "ignored."
                    ),
                    error=False,
                )
            )
            del columns["stock"]
        return True

    def build(self, number: int, cells: Mapping[str, Cell]) -> tuple[Item, Errors]:
        names = self._names(cells)
        errors: Errors = []
        matches = {p.pk: p for key in names if key for p in self.products.get(key, ())}
        if len(matches) > 1:
            first, second = list(matches.values())[:2]
            errors.append(
                (
                    "name_fr" if "name_fr" in self.titles else "name_ar",
                    _("This row names two of your products: %(first)s and %(second)s.")
                    % {"first": first, "second": second},
                )
            )
        existing = next(iter(matches.values())) if len(matches) == 1 else None
        if existing is not None:
            product = Product.objects.get(pk=existing.pk)  # a copy: the lookup stays as stored
        else:
            product = Product(organisation=self.organisation)
        item = Item(row=number, product=product)
        errors += self.read_cells(item, cells)
        errors += self.model_errors(
            product, errors, exclude=["slug", "from_application", "organisation"]
        )
        return item, errors

    def _names(self, cells: Mapping[str, Cell]) -> list[str]:
        """The row's names as typed (normalised): French first, then Arabic."""
        name_fr, name_ar = text_cell(cells.get("name_fr")), text_cell(cells.get("name_ar"))
        plain = text_cell(cells.get("name"))
        if plain and script(plain) == "arabic":
            name_ar = name_ar or plain
        elif plain:
            name_fr = name_fr or plain
        return [normalise(name_fr), normalise(name_ar)]

    def read_cell(self, item: Item, name: str, value: Cell) -> None:
        product = item.product
        if name in self.bilingual:
            self.read_bilingual(product, name, value)
        elif name == "category":
            product.category = self._category(value)
        elif name == "labels":
            item.labels = self._labels(value)
        elif name == "price":
            product.price = _price(value)
        elif name == "unit":
            product.unit = self._unit(value, product.unit)
        elif name == "stock":
            item.stock = _stock(value)
        else:
            setattr(product, name, text_cell(value))

    def _category(self, value: Cell) -> Category:
        text = text_cell(value)
        if not text:
            raise ValidationError(_("This cell must be filled in."))
        category = self.categories.get(normalise(text))
        if category is None:
            raise ValidationError(
                _(
                    "Unknown category “%(value)s”: give its name in Arabic or in French, as in "
                    "the product form, or its code, such as huile-argan."
                )
                % {"value": text}
            )
        if category.parent_id is None:
            raise ValidationError(_("Choose a category, not a family."))
        return category

    def _labels(self, value: Cell) -> list[Label]:
        found: list[Label] = []
        unknown: list[str] = []
        for part in LABEL_SEPARATORS.split(text_cell(value)):
            if not part.strip():
                continue
            label = self.quality_labels.get(normalise(part))
            if label is None:
                unknown.append(part.strip())
            elif label not in found:
                found.append(label)
        if unknown:
            codes = sorted({label.code for label in self.quality_labels.values()})
            raise ValidationError(
                _("Unknown label “%(value)s”: use one of %(choices)s.")
                % {"value": "”, “".join(unknown), "choices": ", ".join(codes)}
            )
        return found

    def _unit(self, value: Cell, current: str) -> str:
        text = text_cell(value)
        if not text:
            return current or Unit.PIECE
        if (code := self.units.get(normalise(text))) is None:
            raise ValidationError(
                _("Unknown unit “%(value)s”: use one of %(choices)s.")
                % {"value": text, "choices": ", ".join(str(label) for label in Unit.labels)}
            )
        return code

    def duplicate(
        self, item: Item, number: int, seen: dict[Hashable, int], failed: set[str]
    ) -> Errors:
        """A second row for the same product (the same one of the organisation's, or the same
        name for a new one)."""
        if failed & {"name", "name_ar", "name_fr"}:
            return []
        product = item.product
        keys: list[Hashable]
        if product.pk:
            keys = [("pk", product.pk)]
        else:
            keys = [("name", key) for key in (normalise(product.name_fr),) if key]
            keys += [("name", key) for key in (normalise(product.name_ar),) if key]
        for key in keys:
            first = seen.setdefault(key, number)
            if first != number:
                column = "name_fr" if product.name_fr else "name_ar"
                return [(column, _("Same product as line %(row)d of your file.") % {"row": first})]
        return []


def _price(value: Cell) -> Decimal | None:
    """An amount in MAD: a number, or a text such as 120,50 or 120.50 DH."""
    if value is None:
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        amount = Decimal(str(value))
    else:
        text = CURRENCY.sub("", text_cell(value)).replace("\u00a0", "").replace("\u202f", "")
        text = text.replace(" ", "")
        if not text:
            return None
        if "," in text and "." not in text:
            text = text.replace(",", ".")  # the French decimal comma
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationError(_("Enter an amount, such as 120.50.")) from None
    if not amount.is_finite():
        raise ValidationError(_("Enter an amount, such as 120.50."))
    if amount < 0:
        raise ValidationError(_("The price cannot be negative."))
    return to_money(amount)


def _stock(value: Cell) -> int | None:
    if text_cell(value) == "":
        return None
    if isinstance(value, float) and not value.is_integer():
        raise ValidationError(_("Enter a whole number."))
    quantity = integer_cell(value)
    if quantity < 0:
        raise ValidationError(_("The stock cannot be negative."))
    return quantity


# Export ----------------------------------------------------------------------------------


def header_labels() -> dict[str, str]:
    """Each column's title in the current language (the import reads them in any language)."""
    product_fields = field_labels(Product, [name for name in FIELDS if name != "stock"])
    labels = {name: capfirst(label) for name, label in product_fields.items()}
    labels["stock"] = capfirst(str(Stock._meta.verbose_name))
    return labels


def rows(organisation: Organisation, edition: Edition | None = None) -> Iterator[list[object]]:
    """The organisation's products as export rows; the stock is the one for ``edition``."""
    products = (
        organisation.products.select_related("category")
        .prefetch_related("labels")
        .order_by("name_fr", "name_ar", "pk")
    )
    stock: dict[int, int] = {}
    if edition is not None:
        stock = dict(
            Stock.objects.filter(product__organisation=organisation, edition=edition).values_list(
                "product_id", "quantity"
            )
        )
    for product in products:
        values = {
            "name_ar": product.name_ar,
            "name_fr": product.name_fr,
            "description_ar": product.description_ar,
            "description_fr": product.description_fr,
            "category": product.category.name,
            "labels": ", ".join(label.code for label in product.labels.all()),
            "price": product.price if product.price is not None else "",
            "unit": product.get_unit_display(),
            "stock": stock.get(product.pk, "") if edition is not None else "",
        }
        yield [neutralise(values[name]) for name in FIELDS]


def export_xlsx(organisation: Organisation) -> bytes:
    """The organisation's products in the columns the import reads back, with the stock for
    its current edition."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Products")[:31])
    sheet.sheet_view.rightToLeft = translation.get_language_bidi()
    labels = header_labels()
    sheet.append([labels[name] for name in FIELDS])
    for row in rows(organisation, selectors.current_editions(organisation).first()):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
