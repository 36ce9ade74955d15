"""The venue as GeoJSON: the round trip is exact, and every bad file is refused with a 4xx and
a message in the user's language naming the feature, saving nothing; by the page and the API."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from maarid.floorplan import geojson, selectors, services
from maarid.floorplan.models import Booth, Venue
from tests.conftest import api_client, client_for
from tests.floorplan.conftest import document, small_plan, square

pytestmark = pytest.mark.django_db

BOWTIE = [[[8.0, 8.0], [11.0, 11.0], [11.0, 8.0], [8.0, 11.0], [8.0, 8.0]]]


def test_reading_then_writing_gives_the_same_document():
    original = document()
    plan, places = geojson.read(json.loads(json.dumps(original)))
    assert geojson.write(plan) == original
    assert plan == small_plan()
    assert places[plan.booths[2].part] == 4  # the site, tent A, then A1, A2, A3


def test_a_venue_exported_and_imported_again_is_the_same(venue, edition, organiser):
    exported = json.dumps(selectors.geojson_of(venue))
    again = services.import_geojson(actor=organiser, edition=edition, source=exported.encode())
    assert json.dumps(selectors.geojson_of(again)) == exported
    assert json.loads(exported) == document()


def test_a_drawing_tools_file_is_read_with_its_defaults_and_foreign_members():
    """Numbers drawn as numbers, properties left out, members of the tool's own."""
    original = document()
    booth = original["features"][2]
    booth["id"] = 7
    booth["properties"] = {"kind": "booth", "number": 1, "structure": "A", "fid": 3}
    original["crs"] = {"type": "name"}
    plan, _places = geojson.read(original)
    assert (plan.booths[0].number, plan.booths[0].kind, plan.booths[0].water) == (
        "1",
        "standard",
        False,
    )


def _with(feature_index: int, **changes) -> dict:
    data = document()
    feature = data["features"][feature_index]
    for key, value in changes.items():
        if key == "geometry":
            feature[key] = value
        else:
            feature["properties"][key] = value
    return data


def _in_degrees() -> dict:
    data = document()
    for feature in data["features"]:
        rings = feature["geometry"]["coordinates"]
        feature["geometry"]["coordinates"] = [
            [[-5.3684 + x * 1e-5, 35.5785 + y * 1e-5] for x, y in ring] for ring in rings
        ]
    return data


def _overlapping() -> dict:
    data = document()
    data["features"][3]["geometry"]["coordinates"] = square(9.5, 8)
    return data


def _outside() -> dict:
    data = document()
    data["features"][4]["geometry"]["coordinates"] = square(33, 8)
    return data


# (what is sent, the status of the page, the messages that must be said)
BAD = {
    "not JSON": (b"{'type': 'FeatureCollection'", ["The file cannot be read as JSON."]),
    "not UTF-8": (b'{"type": "\xff"}', ["The file cannot be read as JSON."]),
    "not a FeatureCollection": (
        {"type": "Feature", "features": []},
        ["The file is not a GeoJSON FeatureCollection."],
    ),
    "features not a list": (
        {"type": "FeatureCollection", "features": {}},
        ["The file is not a GeoJSON FeatureCollection."],
    ),
    "self-intersecting booth": (
        _with(3, geometry={"type": "Polygon", "coordinates": BOWTIE}),
        ["Booth A2: its outline crosses itself or encloses no area."],
    ),
    "overlapping booths": (_overlapping(), ["Booth A1 and booth A2 overlap."]),
    "booth outside its tent": (_outside(), ["Booth A3 lies outside tent A."]),
    "coordinates in degrees": (_in_degrees(), ["The site: the coordinates are degrees"]),
    "a point": (
        _with(3, geometry={"type": "Point", "coordinates": [1, 2]}),
        ["Booth A2: its geometry must be a Polygon."],
    ),
    "an open ring": (
        _with(3, geometry={"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}),
        ["Booth A2: its coordinates are not closed rings of [x, y] positions."],
    ),
    "an unknown kind": (_with(3, kind="stand"), ["Feature 4: its kind must be one of site,"]),
    "a booth without a number": (
        _with(3, number=""),
        ["Feature 4: the property “number” is missing."],
    ),
    "an unknown booth type": (
        _with(3, type="huge"),
        ["Booth A2: the property “type” must be one of standard,"],
    ),
    "a booth in a tent the plan lacks": (
        _with(3, structure="Z"),
        ["Booth A2: tent or hall Z is not in the plan."],
    ),
    "an amenity that is no flag": (
        _with(3, water="yes"),
        ["Booth A2: the property “water” has a wrong value."],
    ),
    "two booths of one number": (_with(3, number="A1"), ["Booth A1 appears twice."]),
    "a fixed exhibitor who is none": (
        _with(3, fixed="nobody"),
        ["Booth A2: nobody does not exhibit at this edition."],
    ),
    "far away": (
        _with(3, geometry={"type": "Polygon", "coordinates": square(1e6, 0)}),
        ["Booth A2 lies more than 100 km from the plan's origin"],
    ),
}


def _body(sent) -> bytes:
    return sent if isinstance(sent, bytes) else json.dumps(sent).encode()


@pytest.mark.parametrize("case", BAD)
def test_a_bad_file_is_refused_by_the_page_naming_the_feature(case, venue, edition, organiser):
    sent, said = BAD[case]
    before = json.dumps(selectors.geojson_of(venue))
    url = reverse("floorplan:import", args=[edition.series.slug, edition.number])
    upload = SimpleUploadedFile("plan.geojson", _body(sent), "application/geo+json")
    response = client_for(organiser).post(url, {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    for message in said:
        assert message in html.replace("&#x27;", "'").replace("&quot;", '"'), html
    assert json.dumps(selectors.geojson_of(venue)) == before


@pytest.mark.parametrize("case", BAD)
def test_a_bad_file_is_refused_by_the_api_naming_the_feature(case, venue, edition, organiser):
    sent, said = BAD[case]
    before = json.dumps(selectors.geojson_of(venue))
    url = f"/api/v1/floorplan/editions/{edition.series.slug}/{edition.number}/venue"
    response = api_client(organiser).put(url, _body(sent), content_type="application/json")
    assert response.status_code in (400, 422), response.content
    detail = response.json()["detail"]
    text = detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False)
    if case in ("not JSON", "not UTF-8"):  # the API's parser answers, in the user's language
        said = [_("The request body is not valid JSON.")]
    if case == "features not a list":  # the schema's check
        said = [json.dumps({"features": [_("Expected a list.")]}, ensure_ascii=False)]
    for message in said:
        assert message in text, text
    assert json.dumps(selectors.geojson_of(venue)) == before


def test_a_problem_is_keyed_by_its_feature_in_the_api(venue, edition, organiser):
    url = f"/api/v1/floorplan/editions/{edition.series.slug}/{edition.number}/venue"
    response = api_client(organiser).put(url, _outside(), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"] == {"features.4": ["Booth A3 lies outside tent A."]}


def test_a_50_mb_file_is_refused_and_nothing_saved(edition, organiser):
    big = document()
    filler = json.dumps(big).encode()
    body = filler[:-1] + b', "padding": "' + b"x" * (50 * 1024 * 1024) + b'"}'
    url = reverse("floorplan:import", args=[edition.series.slug, edition.number])
    upload = SimpleUploadedFile("plan.geojson", body, "application/geo+json")
    response = client_for(organiser).post(url, {"file": upload})
    assert response.status_code == 413
    assert "The file is too large: 10" in response.content.decode()
    api = f"/api/v1/floorplan/editions/{edition.series.slug}/{edition.number}/venue"
    response = api_client(organiser).put(api, body, content_type="application/json")
    assert response.status_code == 413
    assert not Venue.objects.exists() and not Booth.objects.exists()


def test_the_refusal_is_said_in_the_users_language(venue, edition, organiser):
    url = reverse("floorplan:import", args=[edition.series.slug, edition.number])
    with translation.override("ar"):
        url = reverse("floorplan:import", args=[edition.series.slug, edition.number])
        expected = capfirst(
            _("%(first)s and %(second)s overlap.")
            % {
                "first": _("booth %(number)s") % {"number": "A1"},
                "second": _("booth %(number)s") % {"number": "A2"},
            }
        )
    upload = SimpleUploadedFile("plan.geojson", _body(_overlapping()), "application/geo+json")
    response = client_for(organiser).post(url, {"file": upload})
    assert response.status_code == 400
    assert expected in response.content.decode()
