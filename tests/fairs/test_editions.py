"""Fair series and editions: pages, organiser dashboard, status flow, partners, API."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from maarid.core import hooks
from maarid.core.audit import acting_as, history
from maarid.core.models import ApiToken
from maarid.fairs import services
from maarid.fairs.models import Edition, OpeningHours, Series
from tests.conftest import api_client, client_for, make_organisation

pytestmark = pytest.mark.django_db


def test_an_edition_page_shows_its_days_and_hours_in_each_language(client, edition):
    OpeningHours.objects.create(
        edition=edition,
        day=datetime.date(2024, 5, 31),
        opens_at=datetime.time(16),
        closes_at=datetime.time(22),
    )
    with translation.override("fr"):
        page = client.get(edition.get_absolute_url()).content.decode()
    assert "31 mai – 9 juin 2024" in page or "31 mai\u2009–\u20099 juin 2024" in page
    assert "vendredi 31 mai 2024" in page and "16:00" in page
    with translation.override("ar"):
        page = client.get(edition.get_absolute_url()).content.decode()
    assert 'dir="rtl"' in page and "يونيو" in page


def test_a_draft_edition_is_hidden_from_the_public(client, edition, organiser):
    edition.status = Edition.Status.DRAFT
    edition.save()
    assert client.get(edition.get_absolute_url()).status_code == 404
    assert client_for(organiser).get(edition.get_absolute_url()).status_code == 200
    assert edition not in client.get(reverse("fairs:home")).context["editions"]


def test_editions_move_one_stage_at_a_time(edition, organiser):
    with pytest.raises(ValidationError):
        services.move_edition(actor=organiser, edition=edition, status="draft")  # two stages back
    services.move_edition(actor=organiser, edition=edition, status="closed")
    assert edition.status == "closed"


def test_a_step_back_needs_a_reason_which_the_history_keeps(edition, organiser):
    assert edition.status == "running"
    with pytest.raises(ValidationError) as refused:
        services.move_edition(actor=organiser, edition=edition, status="applications")
    assert "reason" in refused.value.message_dict
    with acting_as(organiser):
        services.move_edition(
            actor=organiser,
            edition=edition,
            status="applications",
            reason="  Twelve cooperatives asked for a week more  ",
        )
    change = history(edition).get(action="update")
    assert change.changes["status"] == ["running", "applications"]
    assert change.changes["reason"] == [None, "Twelve cooperatives asked for a week more"]


def test_an_edition_holding_sales_or_decisions_never_goes_back_to_draft(
    edition, organiser, monkeypatch
):
    monkeypatch.setattr(hooks.edition_commitments, "_providers", [lambda e: ["39,288 sales"]])
    services.move_edition(actor=organiser, edition=edition, status="applications", reason="x")
    with pytest.raises(ValidationError) as refused:
        services.move_edition(actor=organiser, edition=edition, status="draft", reason="oops")
    assert "39,288 sales" in str(refused.value)
    edition.refresh_from_db()
    assert edition.status == "applications"
    page = client_for(organiser).get(
        reverse("fairs:dashboard", args=[edition.series.slug, edition.number])
    )
    assert "39,288 sales" in page.content.decode() and 'name="reason"' not in page.content.decode()


def test_the_dashboard_asks_why_and_warns_before_a_step_back_to_draft(edition, organiser):
    edition.status = Edition.Status.APPLICATIONS
    edition.save()
    client = client_for(organiser)
    with translation.override("en"):
        url = reverse("fairs:dashboard", args=[edition.series.slug, edition.number])
        page = client.get(url).content.decode()
    assert 'name="reason"' in page and "will no longer be shown" in page
    status_url = reverse("fairs:edition-status", args=[edition.series.slug, edition.number])
    client.post(status_url, {"status": "draft"})  # no reason: refused, said on the dashboard
    edition.refresh_from_db()
    assert edition.status == "applications"
    client.post(status_url, {"status": "draft", "reason": "The dates move to June"})
    edition.refresh_from_db()
    assert edition.status == "draft"


def test_the_api_steps_back_only_with_a_reason(edition, organiser):
    api = api_client(organiser)
    url = f"/api/v1/fairs/editions/{edition.series.slug}/{edition.number}/status"
    refused = api.post(url, {"status": "applications"}, content_type="application/json")
    assert refused.status_code == 422 and "reason" in refused.json()["detail"]
    moved = api.post(
        url, {"status": "applications", "reason": "A week more"}, content_type="application/json"
    )
    assert moved.status_code == 200 and moved.json()["status"] == "applications"


def test_the_last_day_cannot_come_before_the_first(edition, organiser):
    edition.ends_on = datetime.date(2024, 5, 1)
    with pytest.raises(ValidationError):
        services.save_edition(actor=organiser, edition=edition)


def test_an_organiser_creates_the_next_edition(organiser, series, edition):
    client = client_for(organiser)
    response = client.get(reverse("fairs:edition-create", args=[series.slug]))
    assert response.context["form"].initial["number"] == 4
    response = client.post(
        reverse("fairs:edition-create", args=[series.slug]),
        {
            "number": 4,
            "name_fr": "4e Salon",
            "city": edition.city_id,
            "starts_on": "2025-06-01",
            "ends_on": "2025-06-10",
            "opens_at": "10:00",
            "closes_at": "22:00",
        },
    )
    assert response.status_code == 302
    assert series.editions.filter(number=4, status="draft").exists()


def test_partners_join_the_series_registry(organiser, edition):
    ads = make_organisation(
        kind="institution", name_fr="Agence de Développement Social", sector="public"
    )
    client = client_for(organiser)
    client.post(
        reverse("fairs:partner-add", args=[edition.series.slug, edition.number]),
        {"organisation": ads.pk, "role": "institutional"},
    )
    assert not edition.partners.exists()  # only organisations of the series' registry
    edition.series.organisations.add(ads)
    client.post(
        reverse("fairs:partner-add", args=[edition.series.slug, edition.number]),
        {"organisation": ads.pk, "role": "institutional"},
    )
    assert edition.partners.get().organisation == ads


def test_the_dashboard_counts_the_registry(organiser, edition, cooperative):
    response = client_for(organiser).get(
        reverse("fairs:dashboard", args=[edition.series.slug, edition.number])
    )
    assert response.context["registry"]["total"] == 1
    assert response.context["registry"]["cooperatives"] == 1


def test_reserved_words_cannot_be_series_slugs(db):
    with pytest.raises(ValidationError):
        Series(slug="organisations", name_fr="x", name_ar="x").full_clean()


def test_the_api_lists_public_editions_and_lets_organisers_edit(client, edition, organiser):
    listed = client.get("/api/v1/fairs/editions").json()
    assert listed[0]["number"] == 3 and listed[0]["status"] == "running"
    _token, raw = ApiToken.issue(organiser, "script")
    url = f"/api/v1/fairs/editions/{edition.series.slug}/{edition.number}"
    response = client.patch(
        url,
        json.dumps({"area_m2": 5200}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200 and response.json()["area_m2"] == 5200
    bad = client.patch(
        url,
        json.dumps({"ends_on": "2024-01-01"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert bad.status_code == 422
    edition.refresh_from_db()
    assert edition.ends_on == datetime.date(2024, 6, 9)


def test_the_api_docs_load_everything_from_this_server(client):
    page = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/registry/organisations" in schema["paths"]


def edition_form_data(client, edition, **hours):
    response = client.get(reverse("fairs:edition-edit", args=[edition.series.slug, edition.number]))
    form = response.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        {
            "hours-TOTAL_FORMS": "1",
            "hours-INITIAL_FORMS": "0",
            "hours-MIN_NUM_FORMS": "0",
            "hours-MAX_NUM_FORMS": "1000",
        }
    )
    data.update({f"hours-0-{k}": v for k, v in hours.items()})
    return data


def test_an_organiser_sets_the_hours_of_the_opening_day(organiser, edition):
    client = client_for(organiser)
    data = edition_form_data(client, edition, day="2024-05-31", opens_at="16:00", closes_at="22:00")
    url = reverse("fairs:edition-edit", args=[edition.series.slug, edition.number])
    assert client.post(url, data).status_code == 302
    assert edition.hours_on(datetime.date(2024, 5, 31)) == (datetime.time(16), datetime.time(22))
    assert edition.hours_on(datetime.date(2024, 6, 1)) == (datetime.time(10), datetime.time(22))


@pytest.mark.parametrize(
    "hours",
    [
        {"day": "2024-07-01", "opens_at": "10:00", "closes_at": "12:00"},  # not a fair day
        {"day": "2024-06-01", "opens_at": "18:00", "closes_at": "12:00"},  # closes before opening
        {"day": "2024-06-01"},  # neither hours nor closed
    ],
)
def test_impossible_hours_are_refused(organiser, edition, hours):
    client = client_for(organiser)
    url = reverse("fairs:edition-edit", args=[edition.series.slug, edition.number])
    response = client.post(url, edition_form_data(client, edition, **hours))
    assert response.status_code == 200
    assert not edition.opening_hours.exists()


def test_an_organiser_gives_a_reviewer_role_to_someone_new(organiser, series):
    from maarid.core.access import Role, facts
    from maarid.core.messaging import LocmemSMSBackend
    from maarid.core.models import User

    client = client_for(organiser)
    response = client.post(
        reverse("fairs:team", args=[series.slug]), {"contact": "0612121212", "role": "reviewer"}
    )
    assert response.status_code == 302
    reviewer = User.objects.get(phone="+212612121212")
    assert facts(reviewer).series_for(Role.REVIEWER) == {series.pk}
    [sms] = LocmemSMSBackend.outbox
    assert "/accounts/password/" in sms["text"]  # a new account chooses its password


def test_the_last_organiser_cannot_be_removed(organiser, series):
    role = series.roles.get(user=organiser)
    client = client_for(organiser)
    client.post(reverse("fairs:role-remove", args=[series.slug, role.pk]))
    assert series.roles.filter(pk=role.pk).exists()


def test_another_regions_organiser_cannot_change_the_team(other_organiser, organiser, series):
    role = series.roles.get(user=organiser)
    client = client_for(other_organiser)
    assert client.post(reverse("fairs:role-remove", args=[series.slug, role.pk])).status_code == 403
    assert (
        client.post(
            reverse("fairs:team", args=[series.slug]),
            {"contact": "x@example.ma", "role": "organiser"},
        ).status_code
        == 403
    )


def test_the_edition_page_says_how_to_get_there(client, edition):
    edition.directions_fr = "Bus 12 jusqu'à la place Moulay El Mehdi."
    edition.save()
    with translation.override("fr"):
        page = client.get(edition.get_absolute_url()).content.decode()
    assert "Bus 12 jusqu&#x27;à la place Moulay El Mehdi." in page
    assert "openstreetmap.org/search?query=Place%20de%20la%20Wilaya" in page
