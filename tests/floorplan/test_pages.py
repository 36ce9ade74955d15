"""The organisers' floor plan page: the plan drawn, the generator, the upload and download,
last edition's plan, publishing, one booth edited, and the dashboard's panel."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maarid.exhibitors.models import Exhibitor
from maarid.fairs.models import Edition
from maarid.floorplan import selectors
from tests.conftest import client_for
from tests.floorplan.conftest import document
from tests.floorplan.test_plans import next_edition

pytestmark = pytest.mark.django_db


def url(name, edition, *args):
    return reverse(f"floorplan:{name}", args=[edition.series.slug, edition.number, *args])


def test_the_page_draws_the_plan_and_lists_the_booths(venue, edition, organiser):
    response = client_for(organiser).get(url("venue", edition))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="fp-booth fp-booth-') == 3
    assert 'class="fp-zone fp-zone-stage"' in html
    assert "<title>Grande scène</title>" in html
    assert url("booth", edition, venue.booths.get(number="A2").pk) in html
    assert 'style="' not in html and "<style" not in html  # the CSP refuses inline styles
    assert "openstreetmap.org/?mlat=35.578500" in html


def test_an_empty_page_offers_the_three_ways_to_a_plan(edition, organiser):
    html = client_for(organiser).get(url("venue", edition)).content.decode()
    assert "No plan yet" in html
    assert url("generate", edition) in html and url("import", edition) in html


def test_the_generator_form_draws_a_tent(edition, organiser):
    form = {
        "name": "A",
        "kind": "tent",
        "x": "0",
        "y": "0",
        "width": "30",
        "depth": "20",
        "booth_width": "3",
        "booth_depth": "3",
        "aisle": "3",
        "numbering": "A",
        "electricity": "on",
    }
    client = client_for(organiser)
    response = client.post(url("generate", edition), form)
    assert response.status_code == 302
    venue = selectors.venue_of(edition)
    assert venue.booths.count() == 32
    response = client.post(
        url("generate", edition), {**form, "name": "B", "x": "10", "numbering": "B"}
    )
    assert response.status_code == 400
    assert "Tent A and tent B overlap." in response.content.decode()
    response = client.post(url("generate", edition), {**form, "width": "nan"})
    assert response.status_code == 400
    assert venue.structures.count() == 1


def test_upload_and_download_give_the_same_plan(edition, organiser):
    client = client_for(organiser)
    body = json.dumps(document()).encode()
    upload = SimpleUploadedFile("plan.geojson", body, "application/geo+json")
    assert client.post(url("import", edition), {"file": upload}).status_code == 302
    response = client.get(url("export", edition))
    assert response["Content-Type"] == "application/geo+json"
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content) == document()
    assert client.post(url("import", edition), {}).status_code == 400  # no file


def test_last_editions_plan_is_copied_from_the_page(venue, edition, organiser):
    following = next_edition(edition)
    client = client_for(organiser)
    page = client.get(url("venue", following)).content.decode()
    assert url("copy", following) in page
    assert client.post(url("copy", following)).status_code == 302
    assert selectors.venue_of(following).booths.count() == 3
    assert client.post(url("copy", edition)).status_code == 400  # no earlier plan


def test_publishing_from_the_page(venue, edition, organiser):
    client = client_for(organiser)
    assert client.post(url("publish", edition), {"published": "on"}).status_code == 302
    venue.refresh_from_db()
    assert venue.published
    assert client.post(url("publish", edition)).status_code == 302
    venue.refresh_from_db()
    assert not venue.published
    empty = next_edition(edition)
    assert client.post(url("publish", empty), {"published": "on"}).status_code == 400


def test_one_booth_is_edited_on_its_page(venue, edition, organiser, cooperative):
    Exhibitor.objects.create(edition=edition, organisation=cooperative)
    booth = venue.booths.get(number="A2")
    client = client_for(organiser)
    page = client.get(url("booth", edition, booth.pk))
    assert page.status_code == 200
    form = {
        "number": "A2",
        "kind": "food",
        "structure": "A",
        "water": "on",
        "fixed": cooperative.slug,
        "x": "11",
        "y": "8",
        "width": "3",
        "depth": "3",
    }
    assert client.post(url("booth", edition, booth.pk), form).status_code == 302
    booth.refresh_from_db()
    assert (booth.kind, booth.water, booth.electricity) == ("food", True, False)
    assert booth.fixed_exhibitor.organisation == cooperative
    assert booth.outline == [[[11, 8], [14, 8], [14, 11], [11, 11], [11, 8]]]  # kept
    response = client.post(url("booth", edition, booth.pk), {**form, "x": "12.5"})
    assert response.status_code == 400
    assert "Booth A2 and booth A3 overlap." in response.content.decode()
    response = client.post(url("booth", edition, booth.pk), {**form, "fixed": "nobody"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("role", "status"),
    [("public", 302), ("exhibitor", 403), ("other_organiser", 403), ("organiser", 200)],
)
def test_a_booths_page_is_for_the_organisers_only(role, status, request, venue, edition):
    user = None if role == "public" else request.getfixturevalue(role)
    booth = venue.booths.first()
    assert client_for(user).get(url("booth", edition, booth.pk)).status_code == status
    if role == "organiser":
        assert client_for(user).get(url("booth", edition, 10**30)).status_code == 404


def test_a_booth_of_another_edition_is_not_found(venue, edition, organiser):
    following = next_edition(edition)
    booth = venue.booths.first()
    assert client_for(organiser).get(url("booth", following, booth.pk)).status_code == 404


def test_the_dashboard_shows_the_floor_plan_panel(venue, edition, organiser):
    html = (
        client_for(organiser)
        .get(reverse("fairs:dashboard", args=[edition.series.slug, edition.number]))
        .content.decode()
    )
    assert url("venue", edition) in html
    assert "Floor plan" in html or "Plan" in html


def test_a_draft_editions_plan_is_hidden_from_the_public(venue, edition, organiser):
    edition.status = Edition.Status.DRAFT
    edition.save()
    api = f"/api/v1/floorplan/editions/{edition.series.slug}/{edition.number}/map"
    assert client_for(None).get(api).status_code == 404
