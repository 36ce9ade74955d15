"""Forms of the catalogue: the directory's filters, and the exhibitor's own product pages. They
parse and check what was typed (photos included, so that a refused file stops everything before
anything is saved); what they offer comes from ``selectors``, saving goes through ``services``."""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from maarid.core.params import MAX_COUNT, ModelMultipleChoiceField
from maarid.fairs.models import Edition
from maarid.registry.models import Kind, Province, Sector

from . import selectors, services
from .models import Product
from .selectors import DirectoryFilters

ARABIC = {"dir": "rtl", "lang": "ar"}
FRENCH = {"dir": "ltr", "lang": "fr"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos at once (a list of files, maybe empty), each checked by its content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned = [super(MultiplePhotoField, self).clean(f, initial) for f in files]
        errors = []
        for uploaded in cleaned:
            try:
                services.check_photo(uploaded=uploaded)
            except ValidationError as error:
                name = uploaded.name or ""
                errors += [f"{name}: {message}" if name else message for message in error.messages]
        if errors:
            raise ValidationError(errors)
        return cleaned


class CategoryField(forms.ModelChoiceField):
    """Leaf categories, grouped by family (``<optgroup>``s) in the reader's language."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=selectors.leaf_categories(), **kwargs)

    def grouped_choices(self) -> list[tuple[Any, Any]]:
        groups: dict[Any, list[tuple[int, str]]] = {}
        for category in selectors.leaf_categories():
            groups.setdefault(category.parent, []).append((category.pk, category.name))
        return [("", self.empty_label)] + [
            (family.name, choices) for family, choices in groups.items()
        ]


class ProductForm(forms.ModelForm):
    """The product, its stock at each edition the organisation exhibits at, and its photos
    (new ones to add, stored ones to remove)."""

    category = CategoryField(label=_("Category"), empty_label=_("Choose a category"))
    new_photos = MultiplePhotoField(
        label=_("Add photos"),
        required=False,
        help_text=_(
            "JPEG, PNG or WebP, 5 MB at most each. You can choose several. Their metadata "
            "(such as the place where they were taken) is removed."
        ),
    )
    remove_photos = ModelMultipleChoiceField(
        label=_("Photos to remove"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Product
        fields = [
            "name_ar",
            "name_fr",
            "description_ar",
            "description_fr",
            "category",
            "labels",
            "price",
            "unit",
            "active",
        ]
        field_classes = {"labels": ModelMultipleChoiceField}
        widgets = {
            "name_ar": forms.TextInput(attrs=ARABIC),
            "name_fr": forms.TextInput(attrs=FRENCH),
            "description_ar": forms.Textarea(attrs={**ARABIC, "rows": 4}),
            "description_fr": forms.Textarea(attrs={**FRENCH, "rows": 4}),
            "labels": forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
            "price": forms.NumberInput(
                attrs={"step": "0.01", "min": "0", "inputmode": "decimal", "dir": "ltr"}
            ),
        }
        help_texts = {
            "active": _("Untick to hide the product: it stays in your list and in past sales."),
        }

    def __init__(self, *args, organisation, editions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        category = cast(CategoryField, self.fields["category"])
        category.choices = category.grouped_choices()
        cast(forms.ModelMultipleChoiceField, self.fields["labels"]).queryset = selectors.labels()
        photos = selectors.photos_of(self.instance)
        cast(forms.ModelMultipleChoiceField, self.fields["remove_photos"]).queryset = photos
        self.photos = list(photos)
        stock = selectors.stock_of(self.instance)
        self.editions = list(editions)
        for edition in self.editions:
            self.fields[self.stock_field(edition)] = forms.IntegerField(
                label=_("Stock at %(edition)s") % {"edition": edition},
                min_value=0,
                max_value=MAX_COUNT,
                initial=stock.get(edition.pk, 0),
                widget=forms.NumberInput(attrs={"min": "0", "inputmode": "numeric", "dir": "ltr"}),
            )

    @staticmethod
    def stock_field(edition) -> str:
        return f"stock_{edition.pk}"

    def stock_fields(self):
        return [self[self.stock_field(edition)] for edition in self.editions]

    def stock(self) -> list:
        """(edition, quantity) pairs, once the form is valid."""
        return [(e, self.cleaned_data[self.stock_field(e)]) for e in self.editions]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kept = len(self.photos) - len(data.get("remove_photos") or ())
        added = len(data.get("new_photos") or ())
        if kept + added > services.MAX_PHOTOS:
            self.add_error("new_photos", services.too_many_photos())
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel (.xlsx) or CSV file"),
        help_text=_(
            "The first row gives the column names, in Arabic, French or English. Up to 10 MB."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument"
                ".spreadsheetml.sheet"
            }
        ),
    )


class DirectoryFilter(forms.Form):
    """The directory's filters: choices limited to what the edition's exhibitors have."""

    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    province: forms.ModelChoiceField[Province] = forms.ModelChoiceField(
        label=_("Province"),
        queryset=None,  # the edition's, set in __init__
        required=False,
        empty_label=_("All"),
    )
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    label = forms.ModelChoiceField(
        label=_("Label of their products"),
        queryset=selectors.labels(),
        to_field_name="code",
        required=False,
        empty_label=_("All"),
    )
    women = forms.BooleanField(label=_("Women's cooperatives"), required=False)

    def __init__(self, data: Any, *, edition: Edition) -> None:
        super().__init__(data)
        province = cast(forms.ModelChoiceField[Province], self.fields["province"])
        province.queryset = selectors.provinces_of(edition)
        sectors, kinds = selectors.sectors_and_kinds_of(edition)
        everything = [("", gettext("All"))]
        sector, kind = self.fields["sector"], self.fields["kind"]
        cast(forms.ChoiceField, sector).choices = everything + [
            c for c in Sector.choices if c[0] in sectors
        ]
        cast(forms.ChoiceField, kind).choices = everything + [
            c for c in Kind.choices if c[0] in kinds
        ]

    def filters(self) -> DirectoryFilters:
        """The valid filters (an invalid one is dropped, not the whole search)."""
        self.is_valid()
        data = self.cleaned_data
        return DirectoryFilters(
            q=data.get("q") or "",
            province=data["province"].pk if data.get("province") else "",
            sector=data.get("sector") or "",
            kind=data.get("kind") or "",
            women=bool(data.get("women")),
            label=data["label"].code if data.get("label") else "",
        )
