"""Forms of the reviewers' pages, the review board and the selection."""

from django import forms
from django.utils.translation import gettext_lazy as _

from maarid.registry.models import Province, Sector

from .models import Application
from .selectors import BoardFilters

MARKS = [(n, str(n)) for n in range(11)]


class ReviewForm(forms.Form):
    """One mark per criterion of the call's rubric, and a comment."""

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only the organisers read it; the applicant does not."),
    )

    def __init__(self, *args, criteria, initial_marks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        marks = initial_marks or {}
        fields = {}
        for criterion in self.criteria:
            fields[self.field_name(criterion)] = forms.TypedChoiceField(
                label=criterion.name,
                choices=MARKS,
                coerce=int,
                widget=forms.RadioSelect,  # a row of big buttons (review.html)
                initial=marks.get(criterion.pk),
                error_messages={"required": _("Give a mark from 0 to 10.")},
            )
        # The criteria first, then the comment.
        self.fields = {**fields, "comment": self.fields["comment"]}

    @staticmethod
    def field_name(criterion) -> str:
        return f"criterion_{criterion.pk}"

    def marks(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[self.field_name(c)] for c in self.criteria}

    def criterion_fields(self):
        """(criterion, bound field) pairs, for the template."""
        return [(c, self[self.field_name(c)]) for c in self.criteria]


class BoardFilterForm(forms.Form):
    """Filters of the review board. Without a status, only submitted applications show."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Submitted"))]
        + [(v, label) for v, label in Application.Status.choices if v != "submitted"]
        + [("all", _("All"))],
    )
    decision = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=[("", _("Any decision"))] + list(Application.Decision.choices),
    )
    # The provinces of the call's applicants, given when the form is made.
    province: "forms.ModelChoiceField[Province]" = forms.ModelChoiceField(
        label=_("Province"), required=False, queryset=None, empty_label=None
    )
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("Any sector"))] + list(Sector.choices)
    )
    disagreement = forms.BooleanField(label=_("Disagreements only"), required=False)

    def __init__(self, *args, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        province = self.fields["province"]
        assert isinstance(province, forms.ModelChoiceField)
        province.queryset = provinces
        province.empty_label = _("Any province")

    def filters(self) -> BoardFilters:
        """What the board shows: submitted applications when the filters do not parse."""
        if not self.is_valid():
            return BoardFilters()
        data = self.cleaned_data
        return BoardFilters(
            status=data["status"],
            decision=data["decision"],
            province=data["province"],
            sector=data["sector"],
            disagreements_only=data["disagreement"],
        )


class AssignForm(forms.Form):
    """One reviewer for one application (the board's row form)."""

    application = forms.IntegerField(widget=forms.HiddenInput)
    reviewer = forms.IntegerField(label=_("Reviewer"))


class OverrideForm(forms.Form):
    """The organiser forces an applicant in or out, or lifts a previous override."""

    FORCE_IN, FORCE_OUT, LIFT = "in", "out", "lift"
    ACTIONS = {FORCE_IN: True, FORCE_OUT: False, LIFT: None}

    action = forms.ChoiceField(
        label=_("Override"),
        choices=[
            (FORCE_IN, _("Force in")),
            (FORCE_OUT, _("Force out")),
            (LIFT, _("Lift the override")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        help_text=_("Required to force in or out; kept with the decision."),
    )

    def accept(self):
        return self.ACTIONS[self.cleaned_data["action"]]


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked the list: tell every applicant their decision now."),
        error_messages={"required": _("Tick the box to confirm.")},
    )
