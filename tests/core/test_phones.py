import pytest
from django.core.exceptions import ValidationError

from maarid.core.phones import normalise_phone


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("0612345678", "+212612345678"),
        ("06 12 34 56 78", "+212612345678"),
        ("+212 6 12 34 56 78", "+212612345678"),
        ("00212712345678", "+212712345678"),
        ("0537123456", "+212537123456"),
    ],
)
def test_moroccan_numbers_are_normalised_to_plus_212(written, stored):
    assert normalise_phone(written) == stored


@pytest.mark.parametrize("bad", ["12345", "+33612345678", "hello", "06123"])
def test_other_numbers_are_refused(bad):
    with pytest.raises(ValidationError):
        normalise_phone(bad)


def test_a_landline_is_not_a_mobile():
    with pytest.raises(ValidationError):
        normalise_phone("0537123456", mobile_only=True)
