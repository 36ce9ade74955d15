"""Money: MAD amounts as Decimal with two places, never float."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency

CENT = Decimal("0.01")  # every amount is a whole number of these
ZERO = Decimal("0.00")
CURRENCY = "MAD"


def to_money(value: Decimal | int | str) -> Decimal:
    """Parses a decimal string, int or Decimal; floats are refused on purpose."""
    if isinstance(value, float):
        raise TypeError("money never goes through a float")
    try:
        amount = Decimal(str(value).strip().replace(" ", "").replace("\u00a0", ""))
    except (InvalidOperation, ValueError):
        raise ValueError(f"not an amount: {value!r}")
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def format_mad(amount: Decimal | int | str, locale: str) -> str:
    return format_currency(to_money(amount), CURRENCY, locale=babel_locale(locale))


def babel_locale(language: str | None) -> str:
    # Moroccan conventions: Arabic and French as written in Morocco.
    return {"ar": "ar_MA", "fr": "fr_MA", "en": "en"}.get((language or "fr")[:2], "fr_MA")
