"""Forms of the call's settings and of the applicant's portal. They only parse and check what
was typed; saving goes through ``services``."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from maarid.registry.models import BUYER_KINDS, Kind, Sector

from .models import BoothSize, Call, Criterion, RequiredDocument, SectorQuota
from .services import CALL_SETTINGS

DATE = {"type": "date"}
ARABIC = {"dir": "rtl", "lang": "ar"}
FRENCH = {"dir": "ltr", "lang": "fr"}


# --- The call (organisers) ------------------------------------------------------------------


class CallForm(forms.ModelForm):
    eligible_kinds = forms.MultipleChoiceField(
        label=_("Kinds of organisation that may apply"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
        help_text=_("None ticked: every kind except companies, platforms and institutions."),
    )
    eligible_sectors = forms.MultipleChoiceField(
        label=_("Sectors that may apply"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
        help_text=_("None ticked: every sector."),
    )

    class Meta:
        model = Call
        fields = list(CALL_SETTINGS)
        widgets = {
            "opens_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "aggregation": forms.RadioSelect(attrs={"class": "choices wide"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and not self.is_bound:
            self.initial.setdefault(
                "eligible_kinds", [k for k in Kind.values if k not in BUYER_KINDS]
            )
        for name in ("places", "waitlist_size", "province_max", "first_timer_places"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "min": 0})

    def settings(self) -> dict[str, Any]:
        """The cleaned values as ``services.save_call`` takes them."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class RowsFormSet(forms.BaseInlineFormSet):
    """An inline formset that only parses: the service saves what ``kept`` hands over."""

    def kept(self) -> list[tuple[int | None, dict[str, Any]]]:
        """(id, values) of each row to keep: the existing ones not ticked for deletion (their
        id), and the new ones filled in (None)."""
        deleted = self.deleted_forms if self.can_delete else []
        fields = [name for name in self.form._meta.fields or () if name != self.fk.name]
        rows = []
        for form in self.forms:
            new = form.instance.pk is None
            if form in deleted or (new and not form.has_changed()):
                continue
            values = {name: form.cleaned_data[name] for name in fields}
            rows.append((None if new else form.instance.pk, values))
        return rows


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name_ar", "name_fr", "weight"]
        widgets = {
            "name_ar": forms.TextInput(attrs=ARABIC),
            "name_fr": forms.TextInput(attrs=FRENCH),
            "weight": forms.NumberInput(attrs={"min": 1, "max": 100, "inputmode": "numeric"}),
        }


class RequiredDocumentForm(forms.ModelForm):
    class Meta:
        model = RequiredDocument
        fields = ["name_ar", "name_fr"]
        widgets = {
            "name_ar": forms.TextInput(attrs=ARABIC),
            "name_fr": forms.TextInput(attrs=FRENCH),
        }


class SectorQuotaForm(forms.ModelForm):
    class Meta:
        model = SectorQuota
        fields = ["sector", "minimum", "maximum"]
        widgets = {
            "minimum": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "maximum": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
        }


CriteriaFormSet = forms.inlineformset_factory(
    Call,
    Criterion,
    form=CriterionForm,
    formset=RowsFormSet,
    extra=1,
    can_delete=True,
    min_num=1,
    validate_min=True,
)
DocumentsFormSet = forms.inlineformset_factory(
    Call,
    RequiredDocument,
    form=RequiredDocumentForm,
    formset=RowsFormSet,
    extra=1,
    can_delete=True,
)
QuotasFormSet = forms.inlineformset_factory(
    Call, SectorQuota, form=SectorQuotaForm, formset=RowsFormSet, extra=1, can_delete=True
)


# --- The application (applicants) -----------------------------------------------------------


class AboutForm(forms.Form):
    motivation = forms.CharField(
        label=_("Why do you want to exhibit?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Your products, your story, what you expect from the fair. A few lines."),
    )


class ProductForm(forms.Form):
    name_ar = forms.CharField(
        label=_("Name in Arabic"), max_length=150, required=False, widget=forms.TextInput(ARABIC)
    )
    name_fr = forms.CharField(
        label=_("Name in French"), max_length=150, required=False, widget=forms.TextInput(FRENCH)
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    price = forms.DecimalField(
        label=_("Price (MAD)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal", "dir": "ltr"}),
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        help_text=_("JPEG or PNG, 5 MB at most."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def clean(self) -> dict[str, Any]:
        # Said early here; the rule is the product's (ApplicationProduct.clean).
        data = super().clean() or {}
        if not (data.get("name_ar") or data.get("name_fr")):
            raise ValidationError(_("Give the product's name in Arabic, in French or both."))
        return data


class BoothForm(forms.Form):
    booth_size = forms.TypedChoiceField(
        label=_("Booth size"),
        choices=BoothSize.choices,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "choices"}),
    )
    electricity = forms.BooleanField(label=_("Electricity"), required=False)
    water = forms.BooleanField(label=_("Water"), required=False)
    refrigeration = forms.BooleanField(label=_("Refrigeration"), required=False)


ACCEPT_DOCUMENTS = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


class DocumentsForm(forms.Form):
    """One optional file input per required document still missing, and one for an extra."""

    def __init__(self, *args, requirements=(), form_id="documents-form", **kwargs):
        super().__init__(*args, **kwargs)
        # The inputs sit in the list of documents, outside the <form> (HTML's form="…").
        attrs = {"accept": ACCEPT_DOCUMENTS, "form": form_id}
        self.requirements = {}
        for requirement in requirements:
            name = f"doc_{requirement.pk}"
            self.fields[name] = forms.FileField(
                label=requirement.name, required=False, widget=forms.FileInput(attrs=attrs)
            )
            self.requirements[name] = requirement
        self.fields["extra"] = forms.FileField(
            label=_("Another document (optional)"),
            required=False,
            help_text=_("A label, a certificate, a press article…"),
            widget=forms.FileInput(attrs=attrs),
        )

    def uploads(self):
        """(field name, requirement or None, file) for each file sent."""
        for name in self.fields:
            uploaded = self.cleaned_data.get(name)
            if uploaded:
                yield name, self.requirements.get(name), uploaded


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ChooseOrganisationForm(forms.Form):
    organisation = forms.TypedChoiceField(
        label=_("Apply for"), coerce=int, widget=forms.RadioSelect(attrs={"class": "choices"})
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(o.pk, str(o)) for o in organisations]
