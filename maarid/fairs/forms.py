from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from maarid.core.forms import ContactField
from maarid.registry.models import Commune, Organisation

from .models import Edition, OpeningHours, Partner, SeriesRole


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
        cities = Commune.objects.filter(is_urban=True)
        if series is not None and series.region_id:
            cities = cities.filter(province__region_id=series.region_id)
        self.fields["city"].queryset = cities
        if series is not None:
            self.instance.series = series


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["organisation", "role"]

    def __init__(self, *args, series=None, **kwargs):
        super().__init__(*args, **kwargs)
        if series is not None:
            self.fields["organisation"].queryset = Organisation.objects.filter(
                series=series
            ).order_by("name_fr")


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

    def clean(self):
        data = super().clean()
        edition = self.instance.edition
        day, opens, closes = data.get("day"), data.get("opens_at"), data.get("closes_at")
        if (
            day
            and edition.starts_on
            and edition.ends_on
            and not (edition.starts_on <= day <= edition.ends_on)
        ):
            self.add_error("day", _("This day is not one of the edition's days."))
        if not data.get("closed"):
            if not (opens and closes):
                raise ValidationError(_("Give the opening and closing times, or tick closed."))
            if closes <= opens:
                self.add_error("closes_at", _("Closing time must be after opening time."))
        return data


OpeningHoursFormSet = forms.inlineformset_factory(
    Edition, OpeningHours, form=OpeningHoursForm, extra=1, can_delete=True
)


class RoleForm(forms.Form):
    contact = ContactField()
    role = forms.ChoiceField(label=_("Role"), choices=SeriesRole.ROLE_CHOICES)
