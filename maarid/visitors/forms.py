"""Forms of the visitors pages: gates and their phones, ticket types and quotas, registering for
a ticket, the survey. They only shape input: the rules live in ``services``."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SurveyAnswer, TicketType


class GateForm(forms.Form):
    name_ar = forms.CharField(label=_("Name in Arabic"), max_length=100, required=False)
    name_fr = forms.CharField(label=_("Name in French"), max_length=100, required=False)
    counts_exits = forms.BooleanField(label=_("Exits are counted here too"), required=False)


class DeviceForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the phone"),
        max_length=60,
        required=False,
        help_text=_("For example “North gate, Youssef's phone”."),
    )
    gate = forms.TypedChoiceField(label=_("Gate"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, gates=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["gate"])
        field.choices = [("", "—"), *((g.pk, g.name) for g in gates)]


class TicketTypeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TicketType.Kind.choices)
    name_ar = forms.CharField(label=_("Name in Arabic"), max_length=100, required=False)
    name_fr = forms.CharField(label=_("Name in French"), max_length=100, required=False)
    price = forms.DecimalField(
        label=_("Price paid on site (MAD)"),
        min_value=0,
        max_value=99999,
        decimal_places=2,
        max_digits=9,
        initial=0,
        required=False,
    )
    public = forms.BooleanField(label=_("Open to registration"), required=False, initial=True)


class QuotaForm(forms.Form):
    type = forms.TypedChoiceField(label=_("Ticket type"), coerce=int)
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    places = forms.IntegerField(label=_("Places"), min_value=0, max_value=1_000_000)

    def __init__(self, *args, types=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["type"]).choices = [(t.pk, t.name) for t in types]


class RegistrationForm(forms.Form):
    type = forms.TypedChoiceField(label=_("Ticket"), coerce=int)
    day = forms.TypedChoiceField(label=_("Day"), coerce=str)
    holder = forms.CharField(label=_("Your name"), max_length=120)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "dir": "ltr"}),
    )
    email = forms.CharField(
        label=_("Or e-mail"),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"type": "email", "dir": "ltr"}),
    )

    def __init__(self, *args, types=(), days=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["type"]).choices = [(t.pk, t.name) for t in types]
        field = cast(forms.ChoiceField, self.fields["day"])
        field.choices = [(d.isoformat(), label) for d, label in days]


def _radios(label, choices):
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect)


class SurveyForm(forms.Form):
    heard = _radios(_("How did you hear of the fair?"), SurveyAnswer.Heard.choices)
    province = forms.TypedChoiceField(
        label=_("Where do you come from?"), coerce=str, required=False
    )
    bought = forms.MultipleChoiceField(
        label=_("What did you buy?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("terroir", _("Terroir food")),
            ("handicrafts", _("Handicrafts")),
            ("cosmetics", _("Cosmetics")),
            ("textiles", _("Textiles and clothes")),
            ("nothing", _("Nothing")),
        ],
    )
    spent = _radios(_("Roughly how much did you spend?"), SurveyAnswer.Spent.choices)
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you? (1 to 5)"),
        coerce=int,
        widget=forms.RadioSelect,
        choices=[(n, str(n)) for n in range(1, 6)],
    )
    again = _radios(_("Would you come again?"), SurveyAnswer.Again.choices)

    def __init__(self, *args, provinces=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["province"])
        field.choices = [("", "—"), *((p.pk, p.name) for p in provinces)]
