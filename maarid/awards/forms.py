"""Forms of the awards pages: categories, criteria, jurors, crafts at risk, a juror's sheet.
They only shape input: the rules live in ``services``."""

import json
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from maarid.registry.models import Kind, Sector

from .models import MAX_PLACES, AwardCategory, Rule, TieBreak


class CategoryForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=AwardCategory.Kind.choices, widget=forms.RadioSelect
    )
    name_ar = forms.CharField(label=_("Name in Arabic"), max_length=150, required=False)
    name_fr = forms.CharField(label=_("Name in French"), max_length=150, required=False)
    name_en = forms.CharField(label=_("Name in English"), max_length=150, required=False)
    places = forms.IntegerField(
        label=_("Number of winners"), min_value=1, max_value=MAX_PLACES, initial=1
    )
    eligible_kinds = forms.MultipleChoiceField(
        label=_("Kinds of organisation that may win (none ticked: all)"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    eligible_sectors = forms.MultipleChoiceField(
        label=_("Sectors that may win (none ticked: all)"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    first_time_only = forms.BooleanField(label=_("First-time exhibitors only"), required=False)
    rule = forms.ChoiceField(
        label=_("Rule (computed awards)"),
        choices=[("", "—"), *Rule.choices],
        required=False,
    )
    params = forms.CharField(
        label=_("Parameters of the rule"),
        required=False,
        max_length=2000,
        help_text=_(
            'As JSON, for example {"minimum": "1000"} (highest sales), {"kinds": ["cooperative"]} '
            '(oldest organisation) or {"crafts": [1, 2]} (oldest artisan). Empty: the defaults.'
        ),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    tie_break = forms.ChoiceField(
        label=_("Tie-break"), choices=TieBreak.choices, initial=TieBreak.SHARED
    )

    def clean_params(self) -> dict[str, Any] | list[Any]:
        raw = self.cleaned_data.get("params", "").strip()
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except ValueError:
            raise forms.ValidationError(_("Write the parameters as JSON.")) from None
        return cast(dict[str, Any] | list[Any], value)


class RankingForm(forms.Form):
    tie_break = forms.ChoiceField(label=_("Tie-break"), choices=TieBreak.choices)
    normalise = forms.BooleanField(
        label=_("Normalise each juror's totals (z-score)"),
        required=False,
        help_text=_(
            "Each juror's totals have their mean taken off and are divided by their spread, "
            "so that a severe juror and a generous one weigh the same."
        ),
    )


class CriterionForm(forms.Form):
    name_ar = forms.CharField(label=_("Name in Arabic"), max_length=120, required=False)
    name_fr = forms.CharField(label=_("Name in French"), max_length=120, required=False)
    name_en = forms.CharField(label=_("Name in English"), max_length=120, required=False)
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=100, initial=1)
    low = forms.IntegerField(label=_("Lowest mark"), min_value=0, max_value=100, initial=0)
    high = forms.IntegerField(label=_("Highest mark"), min_value=1, max_value=100, initial=10)


class JurorForm(forms.Form):
    username = forms.CharField(
        label=_("User name of the juror"),
        max_length=150,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    chair = forms.BooleanField(label=_("Chair of the jury"), required=False)


class CraftForm(forms.Form):
    name_ar = forms.CharField(label=_("Name in Arabic"), max_length=120, required=False)
    name_fr = forms.CharField(label=_("Name in French"), max_length=120, required=False)


class PracticeForm(forms.Form):
    craft = forms.TypedChoiceField(label=_("Craft"), coerce=int)
    exhibitor = forms.TypedChoiceField(label=_("Exhibitor"), coerce=int)
    since = forms.IntegerField(label=_("Practising since (year)"), min_value=1900, max_value=2100)

    def __init__(self, *args: Any, crafts: Any = (), exhibitors: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["craft"]).choices = [(c.pk, c.name) for c in crafts]
        cast(forms.ChoiceField, self.fields["exhibitor"]).choices = [
            (e.pk, e.organisation.name) for e in exhibitors
        ]


class SheetForm(forms.Form):
    """A juror's marks for one exhibitor: one choice per criterion (buttons on a phone), a note
    and a photo taken at the booth."""

    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def __init__(self, *args: Any, criteria: Any = (), sheet: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        sheet = sheet or {}
        self.criteria = list(criteria)
        for criterion in self.criteria:
            marks = [(v, str(v)) for v in range(criterion.low, criterion.high + 1)]
            current = sheet.get(criterion.pk)
            self.fields[f"c{criterion.pk}"] = forms.TypedChoiceField(
                label=f"{criterion.name} (×{criterion.weight})",
                choices=marks,
                coerce=int,
                required=False,
                initial=current.value if current else None,
                widget=forms.RadioSelect
                if len(marks) <= 11
                else forms.NumberInput(attrs={"min": criterion.low, "max": criterion.high}),
            )
        self.order_fields([*(f"c{c.pk}" for c in self.criteria), "note", "photo"])
        if sheet:
            self.fields["note"].initial = next(iter(sheet.values())).note

    def marks(self) -> dict[int, int]:
        return {
            c.pk: self.cleaned_data[f"c{c.pk}"]
            for c in self.criteria
            if self.cleaned_data.get(f"c{c.pk}") not in (None, "")
        }


class ConflictForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=200, required=False)


class MomentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("speech", _("Speech")), ("other", _("Other"))],
        initial="speech",
    )
    name_ar = forms.CharField(label=_("Title in Arabic"), max_length=200, required=False)
    name_fr = forms.CharField(label=_("Title in French"), max_length=200, required=False)
    person = forms.CharField(label=_("Who speaks or hands over"), max_length=200, required=False)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=120, initial=5)


class CategoryEditForm(CategoryForm):
    """A category's settings, changed (its kind stays)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        del self.fields["kind"]

    @classmethod
    def of(cls, category: AwardCategory, **kwargs: Any) -> "CategoryEditForm":
        return cls(
            initial={
                "name_ar": category.name_ar,
                "name_fr": category.name_fr,
                "name_en": category.name_en,
                "places": category.places,
                "eligible_kinds": category.eligible_kinds,
                "eligible_sectors": category.eligible_sectors,
                "first_time_only": category.first_time_only,
                "rule": category.rule,
                "params": json.dumps(category.params) if category.params else "",
                "tie_break": category.tie_break,
            },
            **kwargs,
        )
