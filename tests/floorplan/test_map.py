"""The map: moving an exhibitor on the organisers' map (the hard rules said before saving,
every move audited, organisers only), where exhibitors stand for the catalogue's pages (the
hook, in one query), the public "find a stand" (a 404 until the plan is published) and the
entrances' "you are here"."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maarid.catalogue.models import Category, Product
from maarid.core import hooks
from maarid.core.models import AuditEvent
from maarid.exhibitors.models import Exhibitor
from maarid.floorplan import selectors, services
from maarid.floorplan.geometry import BoothPlan, Plan, StructurePlan, ZonePlan, rectangle
from maarid.floorplan.models import Assignment, Venue
from maarid.registry.models import Sector
from maarid.sales import services as sales_services
from tests.conftest import client_for, make_organisation
from tests.floorplan.conftest import square

pytestmark = pytest.mark.django_db


def zoned_plan() -> Plan:
    """Tent A: A1 (9 m², electricity) and A2 (9 m², water) in the terroir zone, A3 (9 m²,
    refrigeration) in the handicrafts zone; an entrance at the south of the site."""
    return Plan(
        outline=rectangle(0, 0, 60, 40),
        structures=[StructurePlan("A", "tent", rectangle(5, 5, 30, 20))],
        booths=[
            BoothPlan("A1", square(8, 8), structure="A", electricity=True),
            BoothPlan("A2", square(11, 8), structure="A", water=True),
            BoothPlan("A3", square(14, 8), kind="corner", structure="A", refrigeration=True),
        ],
        zones=[
            ZonePlan("terroir", rectangle(7, 7, 7.5, 5), "Terroir"),
            ZonePlan("handicrafts", rectangle(14.5, 7, 3, 5), "Artisanat"),
            ZonePlan("entrance", rectangle(20, 0.5, 6, 3), "Porte Bab Okla"),
        ],
    )


@pytest.fixture
def venue(edition, organiser):
    return services.save_plan(actor=organiser, edition=edition, plan=zoned_plan())


@pytest.fixture
def honey(edition, cooperative):
    """A terroir cooperative that needs water."""
    return Exhibitor.objects.create(edition=edition, organisation=cooperative, water=True)


@pytest.fixture
def potter(edition, series):
    organisation = make_organisation(
        name_fr="Poterie du Rif", name_ar="فخار الريف", sector=Sector.HANDICRAFTS
    )
    series.organisations.add(organisation)
    return Exhibitor.objects.create(edition=edition, organisation=organisation)


def booth(venue, number):
    return venue.booths.get(number=number)


def publish(venue, organiser, *, announce=True):
    services.publish(actor=organiser, edition=venue.edition, published=True)
    if announce:
        Assignment.objects.filter(booth__venue=venue).update(announced=True)


def page(name, edition, *args):
    return reverse(f"floorplan:{name}", args=[edition.series.slug, edition.number, *args])


# --- Moves --------------------------------------------------------------------------------


def test_a_move_that_keeps_every_rule_is_saved_and_audited(venue, honey, organiser):
    a2 = booth(venue, "A2")
    assert services.move_breaks(actor=organiser, exhibitor=honey, booth=a2) == []
    services.move(actor=organiser, exhibitor=honey, booth=a2)
    assert Assignment.objects.get(exhibitor=honey).booth == a2
    event = AuditEvent.objects.get(model="floorplan.assignment", action="create")
    assert event.user == organiser and "reason" not in event.changes


def test_a_move_to_a_booth_of_another_zone_without_water_is_refused_with_both_reasons(
    venue, honey, organiser
):
    with pytest.raises(services.MoveBreaks) as refused:
        services.move(actor=organiser, exhibitor=honey, booth=booth(venue, "A3"))
    said = " ".join(refused.value.breaks)
    assert "Booth A3 is in Artisanat, which does not take the sector of" in said
    assert "Booth A3 has no water, which Coopérative Al Amal needs." in said
    assert not Assignment.objects.exists()


def test_a_confirmed_move_is_saved_and_the_audit_says_what_it_broke(venue, honey, organiser):
    services.move(actor=organiser, exhibitor=honey, booth=booth(venue, "A3"), confirmed=True)
    assert Assignment.objects.get(exhibitor=honey).booth.number == "A3"
    event = AuditEvent.objects.get(model="floorplan.assignment", action="create")
    assert event.user == organiser
    assert "has no water" in event.changes["reason"][1]


def test_a_booth_too_small_is_said_with_both_areas(venue, honey, organiser):
    honey.booth_size = 18
    honey.save()
    breaks = services.move_breaks(actor=organiser, exhibitor=honey, booth=booth(venue, "A2"))
    assert breaks == ["Booth A2 has 9 m²; Coopérative Al Amal needs 18 m²."]


def test_one_exhibitor_a_booth(venue, honey, potter, organiser, edition):
    services.move(actor=organiser, exhibitor=potter, booth=booth(venue, "A3"))
    other = make_organisation(name_fr="Tissage Chefchaouen", sector=Sector.HANDICRAFTS)
    weaver = Exhibitor.objects.create(edition=edition, organisation=other)
    breaks = services.move_breaks(actor=organiser, exhibitor=weaver, booth=booth(venue, "A3"))
    assert breaks == [
        "Booth A3 would hold Tissage Chefchaouen and Poterie du Rif: one exhibitor a booth."
    ]


def test_a_fixed_booth_stays_its_exhibitors(venue, honey, potter, organiser):
    a1 = booth(venue, "A1")
    a1.fixed_exhibitor = potter
    a1.save()
    breaks = services.move_breaks(actor=organiser, exhibitor=honey, booth=a1)
    assert "Booth A1 is fixed for Poterie du Rif." in breaks
    breaks = services.move_breaks(actor=organiser, exhibitor=potter, booth=booth(venue, "A3"))
    assert breaks == ["Poterie du Rif is fixed in booth A1."]


def test_moving_an_exhibitor_already_told_its_booth_is_said(venue, honey, organiser):
    services.move(actor=organiser, exhibitor=honey, booth=booth(venue, "A2"))
    Assignment.objects.update(announced=True)
    breaks = services.move_breaks(actor=organiser, exhibitor=honey, booth=None)
    assert breaks == ["Coopérative Al Amal was told its booth, A2: tell it again after the move."]
    services.move(actor=organiser, exhibitor=honey, booth=None, confirmed=True)
    assert not Assignment.objects.exists()


def test_an_exhibitor_cannot_move_itself(venue, honey, exhibitor, organiser, edition):
    with pytest.raises(PermissionDenied):
        services.move(actor=exhibitor, exhibitor=honey, booth=booth(venue, "A2"))
    response = client_for(exhibitor).post(
        page("move", edition), {"exhibitor": honey.pk, "booth": booth(venue, "A2").pk}
    )
    assert response.status_code == 403
    assert not Assignment.objects.exists()


def test_another_regions_organiser_cannot_move_anyone(venue, honey, other_organiser, edition):
    response = client_for(other_organiser).post(
        page("move", edition), {"exhibitor": honey.pk, "booth": booth(venue, "A2").pk}
    )
    assert response.status_code == 403
    assert not Assignment.objects.exists()


# --- The organisers' map ------------------------------------------------------------------


def test_the_organisers_map_lists_who_is_not_placed(venue, honey, potter, organiser, edition):
    services.move(actor=organiser, exhibitor=potter, booth=booth(venue, "A3"))
    html = client_for(organiser).get(page("arrange", edition)).content.decode()
    assert "Not placed (1)" in html and "Placed (1)" in html
    assert f'data-exhibitor="{honey.pk}"' in html
    assert html.count('role="button"') == 3  # the booths, to pick
    assert "Porte Bab Okla" in html and 'class="qr"' in html  # the entrance's QR code
    assert 'style="' not in html and "<style" not in html


def test_a_move_that_breaks_a_rule_asks_first_then_saves(venue, honey, organiser, edition):
    client = client_for(organiser)
    a3 = booth(venue, "A3")
    response = client.post(page("move", edition), {"exhibitor": honey.pk, "booth": a3.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Moving Coopérative Al Amal to booth A3 breaks:" in html
    assert "has no water" in html and 'name="confirmed" value="1"' in html
    assert not Assignment.objects.exists()
    response = client.post(
        page("move", edition), {"exhibitor": honey.pk, "booth": a3.pk, "confirmed": "1"}
    )
    assert response.status_code == 302
    assert Assignment.objects.get(exhibitor=honey).booth == a3
    html = client.get(response["Location"]).content.decode()
    assert "Coopérative Al Amal is now in booth A3." in html


def test_a_move_that_keeps_the_rules_is_saved_at_once(venue, honey, organiser, edition):
    a2 = booth(venue, "A2")
    response = client_for(organiser).post(
        page("move", edition), {"exhibitor": honey.pk, "booth": a2.pk}
    )
    assert response.status_code == 302
    assert Assignment.objects.get(exhibitor=honey).booth == a2


def test_moves_naming_nothing_known_are_404s(venue, honey, organiser, edition, other_cooperative):
    client = client_for(organiser)
    assert client.post(page("move", edition), {"exhibitor": "x", "booth": ""}).status_code == 404
    stranger = Exhibitor.objects.create(
        edition=edition, organisation=other_cooperative, status=Exhibitor.Status.WITHDRAWN
    )
    answer = client.post(page("move", edition), {"exhibitor": stranger.pk, "booth": ""})
    assert answer.status_code == 404
    answer = client.post(page("move", edition), {"exhibitor": honey.pk, "booth": 999999})
    assert answer.status_code == 404


# --- The public map -----------------------------------------------------------------------


def test_an_unpublished_plan_is_a_404_for_the_public(venue, honey, organiser, exhibitor, edition):
    services.move(actor=organiser, exhibitor=honey, booth=booth(venue, "A2"))
    for user in (None, exhibitor):
        assert client_for(user).get(page("map", edition)).status_code == 404
    preview = client_for(organiser).get(page("map", edition))
    assert preview.status_code == 200
    assert "only the organisers see this map" in preview.content.decode()


def test_a_search_lights_the_booth_and_the_map_opens_on_it(venue, honey, organiser, edition):
    services.move(actor=organiser, exhibitor=honey, booth=booth(venue, "A2"))
    publish(venue, organiser)
    html = client_for(None).get(page("map", edition), {"q": "amal"}).content.decode()
    assert html.count("fp-lit") == 1  # the booth found, the only one
    assert 'class="fp-booth fp-booth-standard fp-placed fp-lit"' in html
    assert 'data-number="A2" aria-current="location"' in html
    whole = selectors.the_map(venue, None).view_box
    assert f'data-whole="{whole}"' in html
    assert f'viewBox="{whole}"' not in html  # opened on the booth, not the whole plan
    exhibitor_page = reverse(
        "site:exhibitor", args=[edition.series.slug, edition.number, honey.organisation.slug]
    )
    assert f'href="{exhibitor_page}"' in html
    assert "1 stand found" in html


def test_a_product_finds_the_stand_that_sells_it(venue, honey, organiser, edition):
    Product.objects.create(
        organisation=honey.organisation,
        name_fr="Miel de thym",
        category=Category.objects.filter(parent__isnull=False).first(),
    )
    services.move(actor=organiser, exhibitor=honey, booth=booth(venue, "A2"))
    publish(venue, organiser)
    html = client_for(None).get(page("map", edition), {"q": "thym"}).content.decode()
    assert 'data-number="A2" aria-current="location"' in html
    assert "Miel de thym" in html


def test_the_public_knows_only_announced_booths(venue, honey, organiser, edition):
    services.move(actor=organiser, exhibitor=honey, booth=booth(venue, "A2"))
    publish(venue, organiser, announce=False)
    html = client_for(None).get(page("map", edition), {"q": "amal"}).content.decode()
    assert "fp-placed" not in html and "No stand found" in html


def test_a_booth_number_is_found_too(venue, organiser, edition):
    publish(venue, organiser)
    html = client_for(None).get(page("map", edition), {"booth": "A3"}).content.decode()
    assert 'class="fp-booth fp-booth-corner fp-lit"' in html


def test_an_entrance_code_opens_the_map_at_you_are_here(venue, organiser, edition):
    publish(venue, organiser)
    entrance = selectors.entrances_of(venue)[0]
    qr = client_for(organiser).get(page("entrance-qr", edition, entrance.pk))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    html = client_for(None).get(page("map", edition), {"here": entrance.pk}).content.decode()
    assert 'class="fp-here"' in html and "You are at Porte Bab Okla" in html
    # Anything else in ?here= is ignored, never a 500.
    for junk in ("x", "-1", "99999999999999999999", str(venue.zones.get(kind="terroir").pk)):
        html = client_for(None).get(page("map", edition), {"here": junk}).content.decode()
        assert 'class="fp-here"' not in html


def test_only_the_organisers_download_an_entrance_code(venue, organiser, exhibitor, edition):
    publish(venue, organiser)
    entrance = selectors.entrances_of(venue)[0]
    assert client_for(exhibitor).get(page("entrance-qr", edition, entrance.pk)).status_code == 403
    terroir = venue.zones.get(kind="terroir")
    assert client_for(organiser).get(page("entrance-qr", edition, terroir.pk)).status_code == 404


# --- Where exhibitors stand, for the catalogue --------------------------------------------


def test_the_hook_answers_a_page_of_exhibitors_in_one_query(
    venue, honey, potter, organiser, edition, django_assert_num_queries
):
    services.move(actor=organiser, exhibitor=honey, booth=booth(venue, "A2"))
    services.move(actor=organiser, exhibitor=potter, booth=booth(venue, "A3"))
    publish(venue, organiser)
    slug, number = edition.series.slug, edition.number
    keys = [
        (slug, number, honey.organisation_id),
        (slug, number, potter.organisation_id),
        (slug, number + 1, honey.organisation_id),  # another edition: not there
        ("other", number, potter.organisation_id),
    ]
    with django_assert_num_queries(1):
        found = hooks.booths_of(keys)
    assert set(found) == set(keys[:2])
    assert found[keys[0]].number == "A2"
    assert found[keys[0]].map_url == page("map", edition) + "?booth=A2"
    with django_assert_num_queries(0):
        assert hooks.booths_of([]) == {}


def test_the_hook_tells_nothing_of_an_unpublished_plan_or_an_unannounced_booth(
    venue, honey, organiser, edition
):
    services.move(actor=organiser, exhibitor=honey, booth=booth(venue, "A2"))
    key = (edition.series.slug, edition.number, honey.organisation_id)
    Assignment.objects.update(announced=True)
    assert hooks.booths_of([key]) == {}
    Venue.objects.update(published_at=timezone.now())
    Assignment.objects.update(announced=False)
    assert hooks.booths_of([key]) == {}


def test_the_exhibitor_page_shows_its_booth_on_a_small_map(venue, honey, organiser, edition):
    url = reverse(
        "site:exhibitor", args=[edition.series.slug, edition.number, honey.organisation.slug]
    )
    assert "fp-booth-block" not in client_for(None).get(url).content.decode()
    services.move(actor=organiser, exhibitor=honey, booth=booth(venue, "A2"))
    publish(venue, organiser)
    html = client_for(None).get(url).content.decode()
    assert "fp-booth-block" in html and "Booth <strong>A2</strong>" in html
    assert 'data-number="A2"' in html and "fp-lit" in html
    assert page("map", edition) + "?booth=A2" in html


def test_search_results_say_where_the_stand_is(venue, honey, organiser, edition):
    Product.objects.create(
        organisation=honey.organisation,
        name_fr="Miel de thym",
        category=Category.objects.filter(parent__isnull=False).first(),
    )
    services.move(actor=organiser, exhibitor=honey, booth=booth(venue, "A2"))
    publish(venue, organiser)
    html = client_for(None).get(reverse("catalogue:search"), {"q": "miel"}).content.decode()
    assert "Booth A2" in html and page("map", edition) + "?booth=A2" in html
    html = (
        client_for(None)
        .get(reverse("catalogue:search"), {"q": "amal", "kind": "organisations"})
        .content.decode()
    )
    assert "Booth A2" in html


def test_the_sales_app_knows_its_booth_number(venue, honey, organiser, exhibitor):

    _device, raw = sales_services.register_device(
        actor=exhibitor, exhibitor=honey, name="Téléphone"
    )
    client = client_for(None)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/sales/device", **auth).json()["booth"] == ""
    services.move(actor=organiser, exhibitor=honey, booth=booth(venue, "A2"))
    assert client.get("/api/v1/sales/device", **auth).json()["booth"] == "A2"


def test_the_edition_page_links_to_the_map_once_published(venue, organiser, edition):
    map_url = page("map", edition)
    assert map_url not in client_for(None).get(edition.get_absolute_url()).content.decode()
    dashboard = reverse("fairs:dashboard", args=[edition.series.slug, edition.number])
    assert page("arrange", edition) in client_for(organiser).get(dashboard).content.decode()
    publish(venue, organiser)
    assert map_url in client_for(None).get(edition.get_absolute_url()).content.decode()


def test_a_query_of_no_word_lights_nothing(venue, honey, organiser, edition):
    services.move(actor=organiser, exhibitor=honey, booth=booth(venue, "A2"))
    publish(venue, organiser)
    for query in ("…", " - ", "%", "_"):
        html = client_for(None).get(page("map", edition), {"q": query}).content.decode()
        assert " fp-lit" not in html, query


def test_the_search_page_asks_the_booths_once_whatever_the_number_of_results(
    venue, honey, potter, organiser, edition
):
    category = Category.objects.filter(parent__isnull=False).first()
    for exhibitor, names in [(honey, ["Miel de thym", "Miel d'euphorbe"]), (potter, ["Miel"])]:
        for name in names:
            Product.objects.create(
                organisation=exhibitor.organisation, name_fr=name, category=category
            )
    services.move(actor=organiser, exhibitor=honey, booth=booth(venue, "A2"))
    services.move(actor=organiser, exhibitor=potter, booth=booth(venue, "A3"))
    publish(venue, organiser)
    client = client_for(None)
    search = reverse("catalogue:search")
    client.get(search, {"q": "thym"})  # the engine's index, made on the first search
    with CaptureQueriesContext(connection) as one:
        assert "Booth A2" in client.get(search, {"q": "thym"}).content.decode()
    with CaptureQueriesContext(connection) as three:
        html = client.get(search, {"q": "miel"}).content.decode()
    assert html.count("Booth A2") == 2 and html.count("Booth A3") == 1
    assert len(three) == len(one)
    assert sum("floorplan_assignment" in q["sql"] for q in three.captured_queries) == 1
