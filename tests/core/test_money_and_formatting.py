"""Money is Decimal with two places, never float; figures are formatted per language."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maarid.core import formatting
from maarid.core.money import to_money


def test_amounts_round_half_up_to_the_cent():
    assert to_money("125.505") == Decimal("125.51")
    assert to_money("125.504") == Decimal("125.50")
    assert to_money(3) == Decimal("3.00")


def test_floats_are_refused():
    with pytest.raises(TypeError):
        to_money(12.5)


@pytest.mark.parametrize("bad", ["abc", "", "NaN", "Infinity", "1,2,3"])
def test_garbage_is_not_an_amount(bad):
    with pytest.raises(ValueError):
        to_money(bad)


@given(st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, places=4))
def test_rounding_is_stable(value):
    once = to_money(value)
    assert to_money(once) == once
    assert abs(once - value) <= Decimal("0.005")


def test_mad_amounts_per_language():
    assert formatting.money(Decimal("6000000"), "fr") == "6\u202f000\u202f000,00\u00a0MAD"
    assert formatting.money(Decimal("1250.5"), "en") == "MAD1,250.50"
    # Moroccan Arabic writes Latin digits and the dirham sign د.م.
    assert "1.250,50" in formatting.money(Decimal("1250.5"), "ar")
    assert "د.م." in formatting.money(Decimal("1250.5"), "ar")


def test_dates_per_language():
    day = datetime.date(2024, 6, 9)
    assert formatting.date(day, language="fr") == "9 juin 2024"
    assert formatting.date(day, language="en") == "June 9, 2024"
    assert "يونيو" in formatting.date(day, language="ar")


def test_numbers_per_language():
    assert formatting.number(60000, "fr") == "60\u202f000"
    assert formatting.number(60000, "en") == "60,000"


def test_names_are_listed_the_way_each_language_lists_them():
    from django.utils import translation

    from maarid.core.templatetags.maarid import name_list

    with translation.override("fr"):
        assert name_list(["Nour", "<Amal>"]) == "<bdi>Nour</bdi> et <bdi>&lt;Amal&gt;</bdi>"
    with translation.override("ar"):
        assert name_list(["النور", "الأمل", "أطلس"]) == (
            "<bdi>النور</bdi> و<bdi>الأمل</bdi> و<bdi>أطلس</bdi>"
        )
