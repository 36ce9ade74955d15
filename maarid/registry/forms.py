from typing import Any, cast

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from maarid.core.forms import ContactField
from maarid.core.phones import normalise_phone

from . import selectors
from .models import Kind, Organisation, Sector


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "kind",
            "name_ar",
            "name_fr",
            "description_ar",
            "description_fr",
            "registration_number",
            "ice",
            "founded_on",
            "province",
            "commune",
            "sector",
            "members_women",
            "members_men",
            "women_led",
            "eco_friendly",
            "craft_at_risk",
            "contact_name",
            "phone",
            "email",
            "website",
            "address",
            "contact_public",
        ]
        widgets = {
            "name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "description_ar": forms.Textarea(attrs={"dir": "rtl", "lang": "ar", "rows": 4}),
            "description_fr": forms.Textarea(attrs={"lang": "fr", "rows": 4}),
            "founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "phone": forms.TextInput(attrs={"type": "tel", "dir": "ltr", "autocomplete": "tel"}),
            "email": forms.EmailInput(attrs={"dir": "ltr"}),
            "website": forms.URLInput(attrs={"dir": "ltr"}),
            "registration_number": forms.TextInput(attrs={"dir": "ltr"}),
            "ice": forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._choices("province").queryset = selectors.provinces()
        # Choosing a province reloads the communes in place (htmx), without JavaScript of ours.
        self.fields["province"].widget.attrs.update(
            {
                "hx-get": reverse_lazy("registry:communes"),
                "hx-target": "#id_commune",
                "hx-trigger": "change",
                "hx-swap": "innerHTML",
            }
        )
        province = self.data.get(self.add_prefix("province")) or (
            self.instance.province_id if self.instance.pk else None
        )
        self._choices("commune").queryset = selectors.communes_of(province)

    def _choices(self, name: str) -> forms.ModelChoiceField:
        return cast(forms.ModelChoiceField, self.fields[name])

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "")
        return normalise_phone(phone) if phone else ""


class OrganisationFilter(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds"))] + Kind.choices
    )
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("All sectors"))] + Sector.choices
    )
    province = forms.ModelChoiceField(
        label=_("Province"),
        required=False,
        queryset=selectors.provinces(),
        empty_label=_("All provinces"),
    )
    women = forms.BooleanField(label=_("Women-led only"), required=False)

    def criteria(self) -> dict[str, Any]:
        """The filters as ``selectors.organisations_for`` takes them; none if the form is not
        valid (or not filled in)."""
        return dict(self.cleaned_data) if self.is_valid() else {}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_(
            "Up to 10 MB. The first row gives the column names, in Arabic, French or English."
        ),
    )


class JoinForm(forms.Form):
    q = forms.CharField(label=_("Name, registration number or ICE"), min_length=2)


class InviteForm(forms.Form):
    contact = ContactField()
    admin = forms.BooleanField(label=_("Administrator of the organisation"), required=False)
