"""The fairs API's edition changes: what the fuzzer found (tests/test_api_fuzz.py)."""

import json

import pytest
from django.test import Client

from maarid.core.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def patch(edition, organiser):
    _token, raw = ApiToken.issue(organiser, "script")
    url = f"/api/v1/fairs/editions/{edition.series.slug}/{edition.number}"

    def send(body):
        return Client().patch(
            url,
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
            HTTP_ACCEPT_LANGUAGE="en",
        )

    return send


@pytest.mark.parametrize("field", ["name_fr", "venue_ar", "slogan_fr", "starts_on", "opens_at"])
def test_null_is_refused_where_an_edition_always_has_a_value(patch, edition, field):
    response = patch({field: None})  # a 500 for the names: NOT NULL constraint failed
    assert response.status_code == 422
    assert list(response.json()["detail"]) == [field]
    edition.refresh_from_db()
    assert getattr(edition, field) is not None


def test_null_clears_the_area(patch, edition):
    assert patch({"area_m2": None}).json()["area_m2"] is None


def test_opening_hours_are_the_fairs_local_time(patch, edition):
    response = patch({"opens_at": "09:30", "closes_at": "21:00:00"})
    assert response.status_code == 200
    assert (response.json()["opens_at"], response.json()["closes_at"]) == ("09:30:00", "21:00:00")
    refused = patch({"opens_at": "09:30:00+01:00"})  # SQLite cannot store a zone: a 500
    assert refused.status_code == 422
    assert refused.json()["detail"] == {
        "opens_at": ["Expected the fair's local time, without a time zone."]
    }
    assert patch({"area_m2": 10**12}).status_code == 422


def test_an_edition_lasts_a_year_at_most(patch, edition):
    # Found by the fuzzer: the turnover board then listed 3,652,058 days (hours of work).
    response = patch({"starts_on": "1900-01-01", "ends_on": "2999-12-31"})
    assert response.status_code == 422
    assert response.json()["detail"] == {"ends_on": ["An edition lasts a year at most."]}
    assert patch({"ends_on": "2025-05-30"}).status_code == 200


def test_an_edition_in_year_one_is_refused(patch, edition):
    # A day no UTC clock can reach: its first hour overflows (a 500 wherever it is shown).
    response = patch({"starts_on": "0001-01-01"})
    assert response.status_code == 422
    assert response.json()["detail"] == {"starts_on": ["Expected a date between 1900 and 2999."]}
