"""Numbers read from addresses and forms: parsed without raising, within what a database holds;
and the paged pages, whatever page number they are given."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from maarid.core.params import MAX_INT, ModelMultipleChoiceField, id_or_404, to_int
from maarid.registry.models import Organisation
from tests.conftest import client_for

HUGE = str(MAX_INT + 1)  # 9223372036854775808


@pytest.mark.parametrize(
    "value, expected",
    [
        ("42", 42),
        (" 42 ", 42),
        ("-7", -7),
        (42, 42),
        (str(MAX_INT), MAX_INT),
        (HUGE, None),
        ("99999999999999999999999", None),
        ("²", None),
        ("1²", None),
        ("٣", None),  # an Arabic-Indic digit: int() reads it, an id in an address never has it
        ("1.5", None),
        ("1e3", None),
        ("", None),
        (None, None),
        (True, None),
        ("9" * 5000, None),  # int() refuses more than 4300 digits
    ],
)
def test_to_int_never_raises(value, expected):
    assert to_int(value) == expected


def test_to_int_keeps_within_the_bounds_given():
    assert to_int("5", 0, minimum=0, maximum=3) == 0
    assert to_int("-1", 0, minimum=0) == 0
    assert to_int("3", 0, minimum=0, maximum=3) == 3


@pytest.mark.parametrize("value", ["0", "-1", HUGE, "²", "abc", "", None])
def test_an_id_that_is_no_id_is_not_found(value):
    with pytest.raises(Http404):
        id_or_404(value)


def test_id_or_404_returns_the_id():
    assert id_or_404("17") == 17 and id_or_404(str(MAX_INT)) == MAX_INT


@pytest.mark.django_db
def test_the_choice_of_several_ids_refuses_one_past_64_bits(cooperative):
    field = ModelMultipleChoiceField(queryset=Organisation.objects.all())
    assert list(field.clean([str(cooperative.pk)])) == [cooperative]
    for wrong in ([HUGE], [str(cooperative.pk), "-" + HUGE + "1"], ["²"]):
        with pytest.raises(ValidationError) as error:
            field.clean(wrong)
        assert error.value.code == "invalid_pk_value", wrong


@pytest.mark.django_db
def test_the_choice_of_several_slugs_takes_digits_as_text(cooperative):
    Organisation.objects.filter(pk=cooperative.pk).update(slug=HUGE)
    field = ModelMultipleChoiceField(queryset=Organisation.objects.all(), to_field_name="slug")
    assert list(field.clean([HUGE])) == [cooperative]


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["2282589375379155456", HUGE, "²", "-1", "0"])
def test_the_paged_pages_show_a_page_whatever_number_they_are_given(
    number, organiser, cooperative, edition
):
    """Django's ``Paginator.get_page`` (the Python side of core/pager.html) brings any page
    number within the pages there are; the search page refuses one past 500."""
    client = client_for(organiser)
    edition_pages = f"/fr/{edition.series.slug}/{edition.number}"
    for address, query in (
        (reverse("registry:list"), {}),
        (f"{edition_pages}/exhibitors/", {}),
        ("/fr/search/", {"q": "amal", "kind": "organisations"}),
    ):
        response = client.get(address, {**query, "page": number})
        assert response.status_code == 200, address
