"""Forms of the B2B pages: the programme's settings, a profile, a meeting the organisers add,
an outcome."""

import datetime
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from maarid.catalogue import selectors as catalogue
from maarid.core.formatting import date as format_date
from maarid.core.params import ModelMultipleChoiceField
from maarid.registry.models import Sector

from . import selectors
from .models import Meeting, Outcome, Profile, Programme, Side
from .services import MAX_GROUP


def _slot_choices(programme: Programme) -> list[tuple[int, str]]:
    return [(s.index, f"{format_date(s.day, 'EEE d')} {s.start:%H:%M}") for s in programme.slots()]


class SetUpForm(forms.Form):
    days = forms.TypedMultipleChoiceField(
        label=_("Days of the meetings"),
        coerce=datetime.date.fromisoformat,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_at = forms.TimeField(
        label=_("First meeting at"), widget=forms.TimeInput({"type": "time"})
    )
    ends_at = forms.TimeField(
        label=_("Last meeting ends at"), widget=forms.TimeInput({"type": "time"})
    )
    afternoon_from = forms.TimeField(
        label=_("The afternoon starts at"), widget=forms.TimeInput({"type": "time"})
    )
    pause_from = forms.TimeField(
        label=_("Pause (lunch) from"), required=False, widget=forms.TimeInput({"type": "time"})
    )
    pause_until = forms.TimeField(
        label=_("Pause until"), required=False, widget=forms.TimeInput({"type": "time"})
    )
    slot_minutes = forms.IntegerField(label=_("Minutes per meeting"), min_value=5, max_value=120)
    tables = forms.IntegerField(label=_("Tables for two"), min_value=0, max_value=500)
    big_tables = forms.IntegerField(
        label=_("Big tables for group meetings"), min_value=0, max_value=100, initial=0
    )
    big_capacity = forms.IntegerField(
        label=_("Seats at a big table"), min_value=3, max_value=30, initial=6
    )
    max_breaks = forms.IntegerField(
        label=_("At most this many breaks per participant"),
        min_value=0,
        max_value=20,
        required=False,
        help_text=_("Leave empty for no limit. A break is a wait between two meetings of a day."),
    )
    requests_open = forms.BooleanField(label=_("Participants may ask for meetings"), required=False)

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["days"]).choices = [
            (day.isoformat(), format_date(day, "EEEE d MMMM")) for day in edition.dates()
        ]


class ProfileForm(forms.ModelForm):
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken at the meeting"),
        choices=Profile.Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    categories = ModelMultipleChoiceField(
        label=_("Product categories"),
        queryset=catalogue.leaf_categories(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    certifications = ModelMultipleChoiceField(
        label=_("Certifications and labels"),
        queryset=catalogue.labels(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    unavailable = forms.TypedMultipleChoiceField(
        label=_("When nobody of yours can meet"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For example while your only member staffs your booth."),
    )

    class Meta:
        model = Profile
        fields = [
            "description_fr",
            "description_ar",
            "offers",
            "seeks",
            "volumes",
            "export_markets",
            "attendees",
        ]
        # Each text runs in its own language's direction, whatever the page's: the French
        # description left to right on an Arabic page; free texts follow what is typed.
        widgets = {
            "description_fr": forms.Textarea({"rows": 3, "dir": "ltr"}),
            "description_ar": forms.Textarea({"rows": 3, "dir": "rtl"}),
            "offers": forms.Textarea({"rows": 2, "dir": "auto"}),
            "seeks": forms.Textarea({"rows": 2, "dir": "auto"}),
            "volumes": forms.TextInput({"dir": "auto"}),
            "export_markets": forms.TextInput({"dir": "auto"}),
            "attendees": forms.TextInput({"dir": "auto"}),
        }

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["unavailable"]).choices = _slot_choices(programme)
        if self.instance.pk:
            self.initial.update(
                sectors=self.instance.sectors,
                languages=self.instance.languages,
                unavailable=self.instance.unavailable,
                categories=self.instance.categories.all(),
                certifications=self.instance.certifications.all(),
            )


class RequestForm(forms.Form):
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        coerce=int,
        choices=Meeting.Priority.choices,
        initial=2,
    )
    message = forms.CharField(label=_("Message"), max_length=300, required=False)


class AddMeetingForm(forms.Form):
    # The programme's profiles, given when the form is made.
    buyer: "forms.ModelChoiceField[Profile]" = forms.ModelChoiceField(
        label=_("Buyer"), queryset=None
    )
    sellers = ModelMultipleChoiceField(label=_("Sellers"), queryset=None)
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        coerce=int,
        choices=Meeting.Priority.choices,
        initial=2,
    )
    session = forms.ChoiceField(label=_("Session"), choices=Meeting.Session.choices, required=False)
    pinned_slot = forms.TypedChoiceField(
        label=_("Fixed time"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        fields = cast(dict[str, forms.ModelChoiceField], self.fields)
        fields["buyer"].queryset = selectors.profiles_on_side(programme, Side.BUYER)
        fields["sellers"].queryset = selectors.profiles_on_side(programme, Side.SELLER)
        # Here, not on the class: the text must be in the language of the request.
        self.fields["sellers"].help_text = _(
            "Several sellers make a group meeting (at most %(n)s)."
        ) % {"n": MAX_GROUP}
        cast(forms.ChoiceField, self.fields["pinned_slot"]).choices = [
            ("", "—"),
            *_slot_choices(programme),
        ]


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = Outcome
        fields = ["result", "amount", "note"]
        widgets = {"result": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No empty "---------" radio.
        cast(forms.ChoiceField, self.fields["result"]).choices = Outcome.Result.choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        deal = data.get("result") == Outcome.Result.DEAL
        if deal and not data.get("amount") and "amount" not in self.errors:
            self.add_error("amount", _("Give the amount of the deal."))
        return data
