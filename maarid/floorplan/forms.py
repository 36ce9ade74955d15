"""The organisers' forms of the floor plan: they shape input; the services check the plan."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import geometry, selectors
from .models import Booth, Structure, Venue

if TYPE_CHECKING:  # the stubs' type of a lazy translation (not installed in production)
    from django_stubs_ext import StrOrPromise

LIMIT = geometry.LIMIT_M


def _metres(
    label: "StrOrPromise", initial: float, minimum: float, maximum: float
) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        initial=initial,
        min_value=minimum,
        max_value=maximum,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )


class LayoutForm(forms.Form):
    """A rectangular tent filled with rows of booths."""

    name = forms.CharField(label=_("Name of the tent"), max_length=60, initial="A")
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Structure.Kind.choices, initial=Structure.Kind.TENT
    )
    x = _metres(_("West side, from the origin (m)"), 0, -LIMIT, LIMIT)
    y = _metres(_("South side, from the origin (m)"), 0, -LIMIT, LIMIT)
    width = _metres(_("Width, west to east (m)"), 30, 0.5, 1000)
    depth = _metres(_("Depth, south to north (m)"), 20, 0.5, 1000)
    booth_width = _metres(_("Booth width (m)"), 3, 0.5, 1000)
    booth_depth = _metres(_("Booth depth (m)"), 3, 0.5, 1000)
    aisle = _metres(_("Aisle width (m)"), 3, 0, 100)
    numbering = forms.CharField(
        label=_("Booth numbers begin with"), max_length=10, required=False, initial="A"
    )
    electricity = forms.BooleanField(label=_("Electricity in every booth"), required=False)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("GeoJSON file"),
        help_text=_("A FeatureCollection in metres; each feature says its kind."),
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,application/geo+json"}),
    )


class BoothForm(forms.Form):
    """One booth: its number, type, tent, amenities, the exhibitor fixed there, and where it
    stands (a rectangle; left as it is, an outline of another shape is kept)."""

    number = forms.CharField(label=_("Number"), max_length=20)
    kind = forms.ChoiceField(label=_("Type"), choices=Booth.Kind.choices)
    structure = forms.ChoiceField(label=_("Tent or hall"), required=False)
    electricity = forms.BooleanField(label=_("Electricity"), required=False)
    water = forms.BooleanField(label=_("Water"), required=False)
    refrigeration = forms.BooleanField(label=_("Refrigeration"), required=False)
    fixed = forms.ChoiceField(
        label=_("Fixed exhibitor"),
        required=False,
        help_text=_("The allocation leaves this exhibitor in this booth."),
    )
    x = _metres(_("West side, from the origin (m)"), 0, -LIMIT, LIMIT)
    y = _metres(_("South side, from the origin (m)"), 0, -LIMIT, LIMIT)
    width = _metres(_("Width, west to east (m)"), 3, 0.1, 1000)
    depth = _metres(_("Depth, south to north (m)"), 3, 0.1, 1000)

    PLACE = ("x", "y", "width", "depth")

    def __init__(self, *args: Any, booth: Booth, venue: Venue, **kwargs: Any):
        x0, y0, x1, y1 = geometry.bounds(booth.outline)
        kwargs["initial"] = {
            "number": booth.number,
            "kind": booth.kind,
            "structure": booth.structure.name if booth.structure else "",
            "electricity": booth.electricity,
            "water": booth.water,
            "refrigeration": booth.refrigeration,
            "fixed": booth.fixed_exhibitor.organisation.slug if booth.fixed_exhibitor else "",
            "x": round(x0, 3),
            "y": round(y0, 3),
            "width": round(x1 - x0, 3),
            "depth": round(y1 - y0, 3),
        }
        super().__init__(*args, **kwargs)
        open_air = [("", _("None: in the open"))]
        structure = self.fields["structure"]
        assert isinstance(structure, forms.ChoiceField)
        structure.choices = open_air + [(s.name, str(s)) for s in selectors.structures_of(venue)]
        fixed = self.fields["fixed"]
        assert isinstance(fixed, forms.ChoiceField)
        fixed.choices = [("", _("None"))] + [
            (e.organisation.slug, str(e.organisation))
            for e in selectors.exhibitors_of(venue.edition)
        ]

    def changes(self) -> dict[str, Any]:
        """What the booth's service takes (``services.BoothChanges``): a new outline only when
        the place was changed."""
        data = self.cleaned_data
        changes = {
            "number": data["number"],
            "kind": data["kind"],
            "structure": data["structure"] or None,
            "electricity": data["electricity"],
            "water": data["water"],
            "refrigeration": data["refrigeration"],
            "fixed": data["fixed"] or None,
        }
        if set(self.PLACE) & set(self.changed_data):
            changes["outline"] = geometry.rectangle(
                data["x"], data["y"], data["width"], data["depth"]
            )
        return changes


class PublishForm(forms.Form):
    published = forms.BooleanField(required=False)
