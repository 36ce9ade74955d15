"""Whole numbers read from addresses and forms (``?as=``, ``?page=``, a button's ``remove``, the
ids a form's checkboxes send), parsed so that they cannot raise.

``str.isdigit()`` is no guard: it accepts "²", which ``int()`` refuses. And a number past 64 bits
(9223372036854775808) makes SQLite raise OverflowError in a query (Django guards ``pk=`` against
it, not ``pk__in=``), so it is out of range here.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404

MAX_INT = 2**63 - 1  # the largest integer a database column holds (and the largest id)
MIN_INT = -(2**63)
MAX_COUNT = 2**31 - 1  # the largest value of a (positive) integer column on every database
_WHOLE = re.compile(r"-?[0-9]{1,19}")  # ASCII digits only: no "²", no "٣"


def to_int(value, default=None, *, minimum=MIN_INT, maximum=MAX_INT):
    """``value`` (text in ASCII digits, or an int) as an int between ``minimum`` and
    ``maximum``, else ``default``. Never raises."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return default
    if not minimum <= number <= maximum:
        return default
    return number


def id_or_404(value) -> int:
    """A database id from the address or a form; anything else is a page not found."""
    number = to_int(value, minimum=1)
    if number is None:
        raise Http404
    return number


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing an id no database column holds as it refuses any wrong id, before
    ``pk__in=[…]`` makes SQLite raise OverflowError."""

    def _check_values(self, value):
        assert self.queryset is not None
        meta = self.queryset.model._meta
        field = (
            meta.pk if (self.to_field_name or "pk") == "pk" else meta.get_field(self.to_field_name)
        )
        while field.is_relation:
            field = field.target_field
        if not isinstance(field, models.IntegerField):
            return super()._check_values(value)  # type: ignore[misc]
        for pk in value or ():
            try:
                number = int(pk)
            except (TypeError, ValueError):
                continue  # not a number: Django refuses it
            if not MIN_INT <= number <= MAX_INT:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]
