"""The floor plan's API: the venue as GeoJSON in and out, booths, who stands where and the map;
organisers write, everyone reads what is published, an exhibitor never moves itself."""

import json

import pytest
from django.test import Client

from maarid.core.audit import history
from maarid.exhibitors.models import Exhibitor
from maarid.floorplan import services
from maarid.floorplan.models import Assignment
from tests.conftest import api_client
from tests.floorplan.conftest import document, square

pytestmark = pytest.mark.django_db


def base(edition):
    return f"/api/v1/floorplan/editions/{edition.series.slug}/{edition.number}"


@pytest.fixture
def placed(venue, edition, organiser, cooperative, other_cooperative):
    """The cooperative announced in A1; another one placed in A2, not yet announced."""
    stand = Exhibitor.objects.create(edition=edition, organisation=cooperative)
    services.place(actor=organiser, exhibitor=stand, booth=venue.booths.get(number="A1"))
    Assignment.objects.filter(exhibitor=stand).update(announced=True)
    other = Exhibitor.objects.create(edition=edition, organisation=other_cooperative)
    services.place(actor=organiser, exhibitor=other, booth=venue.booths.get(number="A2"))
    return stand


def test_an_unpublished_plan_is_for_its_organisers_only(venue, edition, organiser, exhibitor):
    for path in ("/venue", "/booths", "/assignments", "/map"):
        assert Client().get(base(edition) + path).status_code == 404, path
        assert api_client(exhibitor).get(base(edition) + path).status_code == 404, path
        assert api_client(organiser).get(base(edition) + path).status_code == 200, path


def test_the_organisers_read_and_replace_the_venue(venue, edition, organiser):
    client = api_client(organiser)
    assert client.get(base(edition) + "/venue").json() == document()
    changed = document()
    changed["features"][2]["properties"]["water"] = True
    response = client.put(base(edition) + "/venue", changed, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json() == changed
    assert venue.booths.get(number="A1").water


def test_nobody_else_writes(venue, edition, exhibitor, other_organiser):
    for client, status in [
        (Client(), 401),
        (api_client(exhibitor), 403),
        (api_client(other_organiser), 403),
    ]:
        put = client.put(base(edition) + "/venue", document(), content_type="application/json")
        assert put.status_code == status
        booth = venue.booths.first()
        patch = client.patch(
            f"{base(edition)}/booths/{booth.pk}", {"water": True}, content_type="application/json"
        )
        assert patch.status_code == status
        publish = client.post(
            base(edition) + "/venue/publish", {"published": True}, content_type="application/json"
        )
        assert publish.status_code == status
    assert not venue.booths.filter(water=True).exclude(number="A2").exists()


def test_a_booth_is_edited_through_the_api(venue, edition, organiser, cooperative):
    Exhibitor.objects.create(edition=edition, organisation=cooperative)
    booth = venue.booths.get(number="A3")
    client = api_client(organiser)
    url = f"{base(edition)}/booths/{booth.pk}"
    response = client.patch(
        url,
        {"type": "food", "structure": None, "fixed": cooperative.slug, "outline": square(45, 30)},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["type"], body["structure"], body["fixed"], body["area_m2"]) == (
        "food",
        None,
        cooperative.slug,
        9.0,
    )
    response = client.patch(url, {"outline": square(10, 8)}, content_type="application/json")
    assert response.status_code == 422
    assert "Booth A3 and tent A overlap." in json.dumps(response.json(), ensure_ascii=False)
    response = client.patch(url, {"number": None}, content_type="application/json")
    assert response.status_code == 422
    assert (
        client.patch(
            f"{base(edition)}/booths/999999", {}, content_type="application/json"
        ).status_code
        == 404
    )


def test_an_exhibitor_cannot_place_itself_through_the_api(placed, venue, edition, exhibitor):
    client = api_client(exhibitor)
    a3 = venue.booths.get(number="A3")
    response = client.patch(
        f"{base(edition)}/booths/{a3.pk}",
        {"fixed": placed.organisation.slug},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Assignment.objects.get(exhibitor=placed).booth.number == "A1"
    assert a3.fixed_exhibitor_id is None


def test_the_public_sees_what_was_announced_on_a_published_plan(placed, edition, organiser):
    services.publish(actor=organiser, edition=edition, published=True)
    public = Client().get(base(edition) + "/assignments").json()
    assert [(a["booth"], a["organisation"]) for a in public] == [("A1", placed.organisation.slug)]
    assert len(api_client(organiser).get(base(edition) + "/assignments").json()) == 2
    drawn = Client().get(base(edition) + "/map").json()
    assert [b["number"] for b in drawn["booths"]] == ["A1", "A2", "A3"]
    assert drawn["booths"][0]["exhibitors"] == [
        {"name": str(placed.organisation), "organisation": placed.organisation.slug}
    ]
    assert drawn["booths"][1]["exhibitors"] == []  # not announced yet
    assert drawn["zones"] == [
        {
            "kind": "stage",
            "name": "Grande scène",
            "outline": document()["features"][5]["geometry"]["coordinates"],
        }
    ]
    assert (drawn["latitude"], drawn["longitude"]) == (35.5785, -5.3684)
    assert Client().get(base(edition) + "/venue").status_code == 200


def test_publishing_through_the_api(venue, edition, organiser):
    client = api_client(organiser)
    response = client.post(
        base(edition) + "/venue/publish", {"published": True}, content_type="application/json"
    )
    assert response.json() == {"published": True}
    assert Client().get(base(edition) + "/booths").status_code == 200


def test_a_venue_replaced_with_a_token_is_audited_as_its_organiser(venue, edition, organiser):
    changed = document()
    changed["features"][3]["properties"]["water"] = False
    response = api_client(organiser).put(
        base(edition) + "/venue", changed, content_type="application/json"
    )
    assert response.status_code == 200
    change = history(venue.booths.get(number="A2")).order_by("-pk").first()
    assert (change.user, change.action) == (organiser, "update")
