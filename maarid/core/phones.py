"""Moroccan phone numbers, validated and normalised to +212 with ``phonenumbers``."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def normalise_phone(value: str, mobile_only: bool = False) -> str:
    """Returns the E.164 form (+212…) of a Moroccan number, or raises ValidationError."""
    raw = (value or "").strip()
    if not raw:
        raise ValidationError(_("Enter a phone number."), code="required")
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    try:
        number = phonenumbers.parse(raw, "MA")
    except phonenumbers.NumberParseException:
        raise ValidationError(_("This is not a phone number."), code="invalid")
    if number.country_code != 212 or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a valid Moroccan number, such as 0612345678 or +212 612 345 678."),
            code="invalid",
        )
    if mobile_only and phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValidationError(_("Enter a Moroccan mobile number (06… or 07…)."), code="mobile")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def looks_like_phone(value: str) -> bool:
    digits = value.replace(" ", "").replace("-", "").replace(".", "")
    return bool(digits) and digits.lstrip("+").isdigit()


def display_phone(e164: str) -> str:
    try:
        number = phonenumbers.parse(e164, "MA")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
