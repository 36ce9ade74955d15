"""Forms of the exhibitor's pages: registering a device, correcting a sale, closing a day."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import MAX_AMOUNT


class DeviceForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the phone or tablet"),
        max_length=60,
        required=False,
        help_text=_("For example “Fatima's phone” or “Tablet at the till”."),
    )


def _amount(label, **kwargs):
    return forms.DecimalField(
        label=label, min_value=0, max_value=MAX_AMOUNT, decimal_places=2, max_digits=12, **kwargs
    )


class CloseForm(forms.Form):
    opening_cash = _amount(_("Cash in the till at opening"), initial=0)
    counted_cash = _amount(_("Cash counted now"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReconcileForm(forms.Form):
    note = forms.CharField(
        label=_("How was the stock difference settled?"),
        max_length=300,
        widget=forms.TextInput,
    )


class CorrectionForm(forms.Form):
    """A void (everything left) or a refund (the quantities given per line)."""

    reason = forms.CharField(label=_("Reason"), max_length=200)
    # Made when the form is shown: sending it twice records the correction once.
    uuid = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, lines=(), left=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = [line for line in lines if (left or {}).get(line.pk, 0) > 0]
        self.fields["uuid"].initial = uuid.uuid4()
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=line.label, min_value=0, max_value=left[line.pk], required=False, initial=0
            )

    def returned(self) -> dict:
        result = {}
        for line in self.lines:
            quantity = self.cleaned_data.get(f"line_{line.pk}") or 0
            if quantity:
                result[line.pk] = quantity
        return result
