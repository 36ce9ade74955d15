"""The awards pages: an organiser sets up a judged award and a computed one, a juror marks an
exhibitor on a phone page (recused where they belong), the chair locks, the organisers publish
and the winners page shows them in Arabic, French and English."""

from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from maarid.awards import services
from maarid.awards.models import AwardCategory, Juror, Score
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db


def url(name, edition, *args, language="en"):
    with translation.override(language):
        return reverse(f"awards:{name}", args=[edition.series.slug, edition.number, *args])


@pytest.fixture
def best_booth(organiser, edition, stands, exhibitor):
    category = services.create_category(
        actor=organiser,
        edition=edition,
        kind="judged",
        name_ar="أفضل رواق",
        name_fr="Meilleur stand",
        name_en="Best booth",
    )
    category.look = services.add_criterion(
        actor=organiser, category=category, name_fr="Décor", weight=3, low=0, high=5
    )
    category.chair = services.add_juror(
        actor=organiser, category=category, user=make_user("chair"), chair=True
    )
    category.member = services.add_juror(actor=organiser, category=category, user=exhibitor)
    return category


def test_an_organiser_adds_a_computed_award_and_a_senseless_rule_is_refused(
    organiser, edition, stands
):
    client = client_for(organiser)
    page = url("categories", edition)
    body = {
        "category-kind": "computed",
        "category-name_fr": "Plus gros chiffre d'affaires",
        "category-places": "1",
        "category-rule": "highest_sales",
        "category-params": '{"minimum": "lots"}',
        "category-tie_break": "shared",
    }
    response = client.post(page, body)
    assert response.status_code == 200
    assert "The minimum must be an amount in MAD" in response.content.decode()
    assert not AwardCategory.objects.exists()
    response = client.post(page, {**body, "category-params": "{not json"})
    assert "Write the parameters as JSON." in response.content.decode()
    response = client.post(page, {**body, "category-params": '{"minimum": "100"}'})
    category = AwardCategory.objects.get()
    assert response["Location"] == url("category", edition, category.pk)
    assert category.params == {"minimum": "100"}


def test_an_organiser_sets_up_a_jury_on_the_categorys_page(organiser, edition, stands, juror):
    category = services.create_category(
        actor=organiser, edition=edition, kind="judged", name_fr="Innovation", places=2
    )
    client = client_for(organiser)
    page = url("category", edition, category.pk)
    client.post(
        page,
        {
            "action": "criterion",
            "criterion-name_fr": "Idée",
            "criterion-weight": "2",
            "criterion-low": "0",
            "criterion-high": "10",
        },
    )
    client.post(page, {"action": "juror", "juror-username": "juror", "juror-chair": "on"})
    response = client.post(page, {"action": "juror", "juror-username": "nobody"})
    assert "Nobody has this user name." in response.content.decode()
    client.post(
        page, {"action": "ranking", "ranking-tie_break": "secondary", "ranking-normalise": "on"}
    )
    category.refresh_from_db()
    assert (category.tie_break, category.normalise) == ("secondary", True)
    computed = services.create_category(
        actor=organiser, edition=edition, kind="computed", name_fr="Ventes", rule="highest_sales"
    )
    computed_page = client.get(url("category", edition, computed.pk)).content.decode()
    assert "ranking-tie_break" in computed_page and "ranking-normalise" not in computed_page
    client.post(
        url("category", edition, computed.pk),
        {"action": "ranking", "ranking-tie_break": "secondary"},
    )
    computed.refresh_from_db()
    assert computed.tie_break == "secondary"
    assert category.criteria.get().weight == 2
    assert Juror.objects.get(category=category).chair
    assert client.get(page).status_code == 200


def test_a_juror_marks_on_a_phone_page_then_goes_to_the_next_booth(best_booth, edition, stands):
    chair = best_booth.chair
    client = client_for(chair.user)
    assert client.get(url("jury", edition)).status_code == 200
    seat = client.get(url("seat", edition, chair.pk)).content.decode()
    assert "Coopérative Tanja 1955" in seat
    sheet = url("sheet", edition, chair.pk, stands["tanja"].pk)
    page = client.get(sheet).content.decode()
    assert 'type="radio"' in page and "Décor (×3)" in page
    response = client.post(sheet, {f"c{best_booth.look.pk}": "4", "note": "Très soigné"})
    assert response.status_code == 302
    assert "/awards/jury/" in response["Location"] and response["Location"] != sheet
    score = Score.objects.get()
    assert (score.value, score.note, score.exhibitor_id) == (4, "Très soigné", stands["tanja"].pk)


def test_a_mark_off_the_scale_is_a_clear_400_and_nothing_saved(best_booth, edition, stands):
    client = client_for(best_booth.chair.user)
    sheet = url("sheet", edition, best_booth.chair.pk, stands["tanja"].pk)
    response = client.post(sheet, {f"c{best_booth.look.pk}": "9"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Score.objects.exists()


def test_a_recused_juror_sees_why_and_cannot_post_a_mark(best_booth, edition, stands):
    member = best_booth.member
    client = client_for(member.user)
    seat = client.get(url("seat", edition, member.pk)).content.decode()
    assert "recused: you are a member" in seat
    sheet = url("sheet", edition, member.pk, stands["amal"].pk)
    assert "you cannot score it" in client.get(sheet).content.decode()
    response = client.post(sheet, {f"c{best_booth.look.pk}": "5"})
    assert response.status_code == 400
    assert not Score.objects.exists()


def test_a_juror_declares_a_conflict_from_the_sheet(best_booth, edition, stands):
    chair = best_booth.chair
    client = client_for(chair.user)
    client.post(url("conflict", edition, chair.pk, stands["nador"].pk), {"reason": "voisin"})
    assert chair.conflicts.get().reason == "voisin"
    assert "conflict declared" in client.get(url("seat", edition, chair.pk)).content.decode()


def test_nobody_opens_another_jurors_seat_or_a_categorys_results(
    best_booth, edition, stands, juror, other_organiser
):
    for user in (juror, other_organiser, best_booth.member.user):
        client = client_for(user)
        assert client.get(url("seat", edition, best_booth.chair.pk)).status_code == 404
        sheet = url("sheet", edition, best_booth.chair.pk, stands["tanja"].pk)
        assert client.get(sheet).status_code == 404
    assert client_for(juror).get(url("results", edition, best_booth.pk)).status_code == 404
    assert client_for(juror).get(url("category", edition, best_booth.pk)).status_code == 403
    # A member of the jury reads the results, without the chair's button.
    page = client_for(best_booth.member.user).get(url("results", edition, best_booth.pk))
    assert page.status_code == 200 and "Lock the results" not in page.content.decode()


def test_the_chair_locks_the_organisers_publish_and_the_winners_page_shows_them(
    best_booth, edition, stands, organiser
):
    chair = client_for(best_booth.chair.user)
    chair.post(
        url("sheet", edition, best_booth.chair.pk, stands["tanja"].pk),
        {f"c{best_booth.look.pk}": "5"},
    )
    chair.post(
        url("sheet", edition, best_booth.chair.pk, stands["nador"].pk),
        {f"c{best_booth.look.pk}": "3"},
    )
    winners = url("winners", edition)
    assert "not announced yet" in client_for(None).get(winners).content.decode()
    chair.post(url("compute", edition, best_booth.pk))
    page = chair.get(url("results", edition, best_booth.pk)).content.decode()
    assert "2 of 5 exhibitors marked" in page  # the chair sees how far the jury is
    assert "Raw scores: the mean of the jurors' weighted totals" in page
    assert "Ties are shared" in page
    assert "Lock the results" in page
    chair.post(url("lock", edition, best_booth.pk))
    # Locked: no more marks, and the results page says so.
    response = chair.post(
        url("sheet", edition, best_booth.chair.pk, stands["tanja"].pk),
        {f"c{best_booth.look.pk}": "0"},
    )
    assert response.status_code == 400
    assert Score.objects.get(exhibitor=stands["tanja"]).value == 5
    # Not published yet: the public sees nothing.
    assert "Coopérative Tanja 1955" not in client_for(None).get(winners).content.decode()
    client_for(organiser).post(url("publish", edition, best_booth.pk))
    for language, title in [("ar", "أفضل رواق"), ("fr", "Meilleur stand"), ("en", "Best booth")]:
        page = client_for(None).get(url("winners", edition, language=language)).content.decode()
        assert title in page
        assert "Coopérative Tanja 1955" in page  # its name is the same in both languages
    api = client_for(None).get(
        f"/api/v1/awards/editions/{edition.series.slug}/{edition.number}/winners"
    )
    [award] = api.json()
    assert [w["exhibitor"] for w in award["winners"]] == [stands["tanja"].pk]


def test_the_organisers_api_lists_the_categories(best_booth, edition, organiser, juror):
    path = f"/api/v1/awards/editions/{edition.series.slug}/{edition.number}/categories"
    found = client_for(organiser).get(path).json()
    assert [(c["name"], c["jurors"], c["locked"]) for c in found] == [("Best booth", 2, False)]
    assert client_for(juror).get(path).status_code == 403


def test_the_organisers_issue_the_winners_certificates_and_the_pdf_names_the_award(
    best_booth, edition, stands, organiser
):
    from tests.documents import text_of

    chair = client_for(best_booth.chair.user)
    chair.post(
        url("sheet", edition, best_booth.chair.pk, stands["tanja"].pk),
        {f"c{best_booth.look.pk}": "5"},
    )
    chair.post(url("compute", edition, best_booth.pk))
    chair.post(url("lock", edition, best_booth.pk))
    client = client_for(organiser)
    page = url("certificates", edition)
    assert "No certificate issued yet." in client.get(page).content.decode()
    response = client.post(url("certificates-make", edition), follow=True)
    assert "1 winner's certificate in force." in unescape(response.content.decode())
    html = unescape(client.get(page).content.decode())
    assert "Coopérative Tanja 1955" in html and "lauréat du prix « Meilleur stand »" in html
    [link] = [part.split('"')[0] for part in html.split('href="')[1:] if "/pdf/" in part]
    pdf = client.get(link)
    assert pdf.status_code == 200
    text = text_of(b"".join(pdf.streaming_content) if pdf.streaming else pdf.content)
    assert "Meilleur stand" in text
    assert "أفضل رواق" in text


def test_the_jurors_list_and_sheet_say_where_the_booth_is_once_the_plan_is_published(
    best_booth, edition, stands, organiser
):
    from maarid.floorplan import services as floorplan
    from maarid.floorplan.models import Assignment
    from tests.floorplan.test_map import zoned_plan

    venue = floorplan.save_plan(actor=organiser, edition=edition, plan=zoned_plan())
    floorplan.move(actor=organiser, exhibitor=stands["tanja"], booth=venue.booths.get(number="A1"))
    client = client_for(best_booth.chair.user)
    seat = url("seat", edition, best_booth.chair.pk)
    assert "Booth A1" not in client.get(seat).content.decode()  # not published yet
    floorplan.publish(actor=organiser, edition=edition, published=True)
    Assignment.objects.update(announced=True)
    assert "Booth A1" in client.get(seat).content.decode()
    sheet = client.get(url("sheet", edition, best_booth.chair.pk, stands["tanja"].pk))
    assert "Booth A1" in sheet.content.decode()


def test_notes_and_photos_from_the_booths_are_shown_to_the_organisers_and_the_jury_only(
    best_booth, edition, stands, organiser, juror, other_organiser
):
    from tests.catalogue.conftest import jpeg

    chair = client_for(best_booth.chair.user)
    chair.post(
        url("sheet", edition, best_booth.chair.pk, stands["tanja"].pk),
        {f"c{best_booth.look.pk}": "4", "note": "Stand en bois de cèdre", "photo": jpeg()},
    )
    page = client_for(organiser).get(url("results", edition, best_booth.pk)).content.decode()
    assert "Stand en bois de cèdre" in page
    score = Score.objects.get()
    photo = url("photo", edition, best_booth.pk, score.pk)
    assert photo in page
    for user in (organiser, best_booth.chair.user, best_booth.member.user):
        response = client_for(user).get(photo)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    for user in (juror, other_organiser):
        assert client_for(user).get(photo).status_code in {403, 404}


def test_the_edition_page_links_the_winners_once_published_and_a_juror_to_their_jury(
    best_booth, edition, stands, organiser
):
    from maarid.awards.models import Result

    edition_page = reverse("fairs:edition", args=[edition.series.slug, edition.number])
    winners, jury = url("winners", edition), url("jury", edition)
    public = client_for(None).get(edition_page).content.decode()
    assert winners not in public and jury not in public
    assert jury in client_for(best_booth.chair.user).get(edition_page).content.decode()
    dashboard = client_for(organiser).get(
        reverse("fairs:dashboard", args=[edition.series.slug, edition.number])
    )
    assert url("categories", edition) in dashboard.content.decode()
    services.compute(actor=organiser, category=best_booth)
    Result.objects.update(locked=True)
    services.publish(actor=organiser, category=best_booth)
    assert winners in client_for(None).get(edition_page).content.decode()


def test_an_organiser_changes_an_award_and_its_jury_until_scoring_and_locking(
    best_booth, edition, stands, organiser
):
    client = client_for(organiser)
    page = url("category", edition, best_booth.pk)
    response = client.post(
        page,
        {
            "action": "edit",
            "edit-name_fr": "Meilleur stand",
            "edit-name_en": "Best stand",
            "edit-places": "2",
            "edit-eligible_kinds": ["cooperative"],
            "edit-tie_break": "secondary",
            "edit-rule": "highest_sales",
        },
    )
    assert "A judged award has a jury, not a rule." in unescape(response.content.decode())
    client.post(
        page,
        {
            "action": "edit",
            "edit-name_fr": "Meilleur stand",
            "edit-name_en": "Best stand",
            "edit-places": "2",
            "edit-eligible_kinds": ["cooperative"],
            "edit-tie_break": "secondary",
        },
    )
    best_booth.refresh_from_db()
    assert (best_booth.places, best_booth.eligible_kinds, best_booth.name_en) == (
        2,
        ["cooperative"],
        "Best stand",
    )
    # The member has marked nobody: they may be taken off; the chair, once they marked, not.
    client.post(page, {"action": "remove-juror", "item": str(best_booth.member.pk)})
    assert not Juror.objects.filter(pk=best_booth.member.pk).exists()
    client_for(best_booth.chair.user).post(
        url("sheet", edition, best_booth.chair.pk, stands["tanja"].pk),
        {f"c{best_booth.look.pk}": "3"},
    )
    response = client.post(
        page, {"action": "remove-juror", "item": str(best_booth.chair.pk)}, follow=True
    )
    assert "they stay on the jury" in response.content.decode()
    client.post(page, {"action": "remove-criterion", "item": str(best_booth.look.pk)})
    assert best_booth.criteria.count() == 1
    assert client.post(page, {"action": "remove-juror", "item": "abc"}).status_code == 404


def test_the_api_gives_an_awards_result_with_its_trail_to_the_organisers_and_its_jury(
    best_booth, edition, stands, organiser, juror
):
    chair = client_for(best_booth.chair.user)
    chair.post(
        url("sheet", edition, best_booth.chair.pk, stands["tanja"].pk),
        {f"c{best_booth.look.pk}": "5"},
    )
    path = (
        f"/api/v1/awards/editions/{edition.series.slug}/{edition.number}"
        f"/categories/{best_booth.pk}/result"
    )
    assert client_for(organiser).get(path).status_code == 404  # not computed yet
    services.compute(actor=organiser, category=best_booth)
    found = client_for(best_booth.member.user).get(path).json()
    assert (found["rule"], found["locked"], found["normalised"]) == ("jury", False, False)
    assert [(w["key"], w["measure"]) for w in found["winners"]] == [(stands["tanja"].pk, "100.000")]
    for stranger in (juror, None):
        assert client_for(stranger).get(path).status_code == 404
