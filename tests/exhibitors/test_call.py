"""The call's public page, and the one page where organisers set the call up."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from maarid.exhibitors import services
from maarid.exhibitors.models import Call, Criterion, Review, SectorQuota
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def call_settings():
    return {
        "places": 165,
        "opened": 3,
        "closes_in": 30,
        "women_min_share": 30,
        "province_max": 40,
        "first_timer_places": 20,
    }


def url(name, edition):
    with translation.override("en"):
        return reverse(f"exhibitors:{name}", args=[edition.series.slug, edition.number])


def settings_data(call, **changes):
    """What the settings page posts back when nothing is changed, plus ``changes``."""
    data = {
        "opens_on": call.opens_on.isoformat(),
        "closes_on": call.closes_on.isoformat(),
        "places": call.places,
        "waitlist_size": call.waitlist_size,
        "eligible_kinds": list(call.eligible_kinds),
        "eligible_sectors": list(call.eligible_sectors),
        "women_min_share": call.women_min_share or "",
        "province_max": call.province_max or "",
        "first_timer_places": call.first_timer_places,
        "reviewers_per_application": call.reviewers_per_application,
        "aggregation": call.aggregation,
        "disagreement": str(call.disagreement),
    }
    rows = {
        "criteria": [
            {"id": c.pk, "name_ar": c.name_ar, "name_fr": c.name_fr, "weight": c.weight}
            for c in call.criteria.all()
        ],
        "documents": [
            {"id": d.pk, "name_ar": d.name_ar, "name_fr": d.name_fr}
            for d in call.required_documents.all()
        ],
        "quotas": [
            {"id": q.pk, "sector": q.sector, "minimum": q.minimum or "", "maximum": q.maximum or ""}
            for q in call.sector_quotas.all()
        ],
    }
    for prefix, existing in rows.items():
        added = changes.pop(prefix, [])
        data[f"{prefix}-TOTAL_FORMS"] = len(existing) + len(added)
        data[f"{prefix}-INITIAL_FORMS"] = len(existing)
        data[f"{prefix}-MIN_NUM_FORMS"] = 0
        data[f"{prefix}-MAX_NUM_FORMS"] = 1000
        for i, row in enumerate(existing + added):
            for key, value in row.items():
                data[f"{prefix}-{i}-{key}"] = value
    data.update(changes)
    return data


# --- the public page ------------------------------------------------------------------------


def test_the_public_page_states_the_call_plainly(call, edition):
    SectorQuota.objects.create(call=call, sector="handicrafts", minimum=30, maximum=60)
    with translation.override("en"):
        page = client_for(None).get(url("call", edition))
    assert page.status_code == 200
    body = page.content.decode()
    for text in [
        "Applications are open until",
        "165 places go to the best-scored applications",
        "At least 30% of the exhibitors are women",
        "At most 40 exhibitors from the same province",
        "20 places are kept for organisations exhibiting at this fair for the first time",
        "Handicrafts",
        "at least 30 and at most 60 exhibitors",
        "Qualité du produit",  # English pages show the French text
        "Attestation d&#x27;immatriculation",
        "Cooperative",
        "Log in to apply",
    ]:
        assert text in body, text
    assert "Company" not in body  # buyers' kinds do not exhibit unless the call says so
    assert url("call-edit", edition) not in body


def test_the_page_invites_members_to_apply_and_others_to_join(call, edition, exhibitor):
    with translation.override("en"):
        member = client_for(exhibitor).get(url("call", edition)).content.decode()
        lonely = client_for(make_user("lonely")).get(url("call", edition)).content.decode()
        join = reverse("registry:join")
    assert url("apply", edition) in member
    assert join in lonely and url("apply", edition) not in lonely


def test_organisers_find_the_settings_from_the_public_page(call, edition, organiser):
    body = client_for(organiser).get(url("call", edition)).content.decode()
    assert url("call-edit", edition) in body


def test_a_closed_call_says_so_without_an_apply_button(call, edition, exhibitor):
    call.closes_on = TODAY() - datetime.timedelta(days=1)
    call.save()
    with translation.override("en"):
        body = client_for(exhibitor).get(url("call", edition)).content.decode()
    assert "The call for exhibitors is closed." in body
    assert url("apply", edition) not in body


def test_no_call_no_page(edition):
    assert client_for(None).get(url("call", edition)).status_code == 404


# --- the settings page ----------------------------------------------------------------------


def test_only_the_series_organisers_open_the_settings(
    call, edition, organiser, other_organiser, exhibitor, reviewer
):
    assert client_for(organiser).get(url("call-edit", edition)).status_code == 200
    for user in (other_organiser, exhibitor, reviewer):
        assert client_for(user).get(url("call-edit", edition)).status_code == 403
    assert client_for(None).get(url("call-edit", edition)).status_code == 302
    response = client_for(other_organiser).post(
        url("call-edit", edition), settings_data(call, places=1)
    )
    assert response.status_code == 403
    call.refresh_from_db()
    assert call.places == 165


def test_the_settings_page_opens_a_call_with_the_usual_rubric(edition, organiser):
    client = client_for(organiser)
    assert client.get(url("call-edit", edition)).status_code == 200
    response = client.post(
        url("call-edit", edition),
        {
            "opens_on": TODAY().isoformat(),
            "closes_on": (TODAY() + datetime.timedelta(days=20)).isoformat(),
            "places": 120,
            "waitlist_size": 20,
            "eligible_kinds": ["cooperative", "association", "artisan"],
            "first_timer_places": 0,
            "reviewers_per_application": 2,
            "aggregation": "mean",
            "disagreement": "2.5",
        },
    )
    assert response.status_code == 302
    call = Call.objects.get(edition=edition)
    assert call.places == 120 and call.eligible_kinds == ["cooperative", "association", "artisan"]
    assert call.criteria.count() == len(services.DEFAULT_CRITERIA)
    assert call.required_documents.count() == len(services.DEFAULT_DOCUMENTS)


def test_the_settings_page_saves_criteria_documents_and_quotas(call, edition, organiser):
    first = call.criteria.first()
    last_document = call.required_documents.last()
    data = settings_data(
        call,
        places=150,
        eligible_sectors=["terroir", "handicrafts"],
        criteria=[{"name_ar": "التغليف", "name_fr": "Emballage", "weight": 4}],
        documents=[{"name_ar": "شهادة أونسا", "name_fr": "Autorisation ONSSA"}],
        quotas=[
            {"sector": "terroir", "minimum": 40, "maximum": 90},
            {"sector": "handicrafts", "minimum": "", "maximum": 50},
        ],
    )
    data["criteria-0-weight"] = 5
    data["documents-1-DELETE"] = "on"
    response = client_for(organiser).post(url("call-edit", edition), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    call.refresh_from_db()
    assert call.places == 150 and call.eligible_sectors == ["terroir", "handicrafts"]
    first.refresh_from_db()
    assert first.weight == 5
    packaging = Criterion.objects.get(call=call, name_fr="Emballage")
    assert packaging.weight == 4 and packaging.order == len(services.DEFAULT_CRITERIA)
    assert list(call.criteria.values_list("name_fr", flat=True))[-1] == "Emballage"
    assert not call.required_documents.filter(pk=last_document.pk).exists()
    assert call.required_documents.filter(name_fr="Autorisation ONSSA").exists()
    assert {(q.sector, q.minimum, q.maximum) for q in call.sector_quotas.all()} == {
        ("terroir", 40, 90),
        ("handicrafts", None, 50),
    }


def test_bad_values_are_refused_and_nothing_is_saved(call, edition, organiser):
    before = list(call.criteria.values_list("name_fr", "weight"))
    data = settings_data(
        call,
        places=99,
        criteria=[{"name_ar": "جديد", "name_fr": "Nouveau", "weight": 2}],
        quotas=[{"sector": "terroir", "minimum": 50, "maximum": 10}],
    )
    with translation.override("en"):
        response = client_for(organiser).post(url("call-edit", edition), data)
    assert response.status_code == 400
    assert "The minimum is above the maximum." in response.content.decode()
    assert "Nothing was saved" in response.content.decode()
    call.refresh_from_db()
    assert call.places == 165
    assert list(call.criteria.values_list("name_fr", "weight")) == before
    assert not call.sector_quotas.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"closes_on": "2020-01-01"},  # before it opens
        {"places": 0},
        {"women_min_share": 120},
        {"first_timer_places": 500},  # more than the places
        {"criteria-0-weight": 0},
        {"reviewers_per_application": 1},
    ],
)
def test_each_bad_setting_is_refused(call, edition, organiser, changes):
    response = client_for(organiser).post(url("call-edit", edition), settings_data(call, **changes))
    assert response.status_code == 400
    call.refresh_from_db()
    assert call.places == 165 and call.criteria.first().weight == 3


def test_the_same_sector_twice_is_refused(call, edition, organiser):
    data = settings_data(
        call,
        quotas=[
            {"sector": "terroir", "minimum": 5, "maximum": ""},
            {"sector": "terroir", "minimum": "", "maximum": 9},
        ],
    )
    response = client_for(organiser).post(url("call-edit", edition), data)
    assert response.status_code == 400
    assert not call.sector_quotas.exists()


def test_the_rubric_is_frozen_once_reviewers_have_marked(
    call, edition, organiser, cooperative, exhibitor, reviewer
):
    application = services.start_application(actor=exhibitor, call=call, organisation=cooperative)
    Review.objects.create(application=application, reviewer=reviewer, submitted_at=timezone.now())
    data = settings_data(call)
    data["criteria-0-weight"] = 9
    response = client_for(organiser).post(url("call-edit", edition), data)
    assert response.status_code == 400
    assert "Reviewers have already marked applications" in response.content.decode()
    assert call.criteria.first().weight == 3
    data = settings_data(call)
    data["criteria-0-name_fr"] = "Qualité des produits"
    assert client_for(organiser).post(url("call-edit", edition), data).status_code == 302
    assert call.criteria.first().name_fr == "Qualité des produits"
