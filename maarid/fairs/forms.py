from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from maarid.core.forms import ContactField

from . import selectors
from .models import Edition, OpeningHours, Partner, SeriesRole
from .services import SpecialDay


class EditionForm(forms.ModelForm):
    class Meta:
        model = Edition
        fields = [
            "number",
            "name_ar",
            "name_fr",
            "city",
            "venue_ar",
            "venue_fr",
            "area_m2",
            "directions_ar",
            "directions_fr",
            "starts_on",
            "ends_on",
            "opens_at",
            "closes_at",
            "slogan_ar",
            "slogan_fr",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "directions_ar": forms.Textarea(attrs={"dir": "rtl", "lang": "ar", "rows": 3}),
            "directions_fr": forms.Textarea(attrs={"lang": "fr", "rows": 3}),
            "venue_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "slogan_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
        }

    def __init__(self, *args, series=None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["city"]).queryset = selectors.cities_for(series)
        if series is not None:
            self.instance.series = series


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["organisation", "role"]

    def __init__(self, *args, series=None, **kwargs):
        super().__init__(*args, **kwargs)
        if series is not None:
            organisation = cast(forms.ModelChoiceField, self.fields["organisation"])
            organisation.queryset = selectors.organisations_of(series)


class OpeningHoursForm(forms.ModelForm):
    """A day whose hours differ from the edition's usual ones (or a day closed)."""

    class Meta:
        model = OpeningHours
        fields = ["day", "opens_at", "closes_at", "closed"]
        widgets = {
            "day": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }


class SpecialDaysFormSet(forms.BaseInlineFormSet[OpeningHours, Edition, OpeningHoursForm]):
    """The edition's days with other hours; the rules are the model's (OpeningHours.clean)."""

    def special_days(self) -> list[SpecialDay]:
        """The days as the organiser left them (those ticked for deletion left out)."""
        return [
            SpecialDay(
                day=form.cleaned_data["day"],
                opens_at=form.cleaned_data.get("opens_at"),
                closes_at=form.cleaned_data.get("closes_at"),
                closed=form.cleaned_data.get("closed", False),
            )
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


OpeningHoursFormSet = cast(
    type[SpecialDaysFormSet],
    forms.inlineformset_factory(
        Edition,
        OpeningHours,
        form=OpeningHoursForm,
        formset=SpecialDaysFormSet,
        extra=1,
        can_delete=True,
    ),
)


class RoleForm(forms.Form):
    contact = ContactField()
    role = forms.ChoiceField(label=_("Role"), choices=SeriesRole.ROLE_CHOICES)
