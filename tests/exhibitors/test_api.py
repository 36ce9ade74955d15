"""The call for exhibitors through the JSON API, with bearer tokens: the whole workflow, who may
see what, and hostile payloads that must be refused without saving anything."""

import datetime
import json

import pytest
import weasyprint
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from maarid.core.access import Role
from maarid.core.models import ApiToken
from maarid.exhibitors import services
from maarid.exhibitors.models import (
    Application,
    ApplicationDocument,
    ApplicationProduct,
    Call,
    Exhibitor,
    Review,
    Score,
)
from maarid.registry.models import Membership
from tests.conftest import client_for, make_user, with_role

pytestmark = pytest.mark.django_db

BASE = "/api/v1/exhibitors"
PDF = weasyprint.HTML(string="<p>Statuts de la coopérative</p>").write_pdf()


class Api:
    """A test client that speaks JSON with a bearer token."""

    def __init__(self, user=None):
        self.client = Client()
        self.headers = {}
        if user is not None:
            _token, raw = ApiToken.issue(user, "x")
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"

    def get(self, path, **params):
        return self.client.get(BASE + path, params, **self.headers)

    def send(self, method, path, body=None):
        return self.client.generic(
            method,
            BASE + path,
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
            **self.headers,
        )

    def post(self, path, body=None):
        return self.send("POST", path, body)

    def put(self, path, body):
        return self.send("PUT", path, body)

    def patch(self, path, body):
        return self.send("PATCH", path, body)

    def delete(self, path):
        return self.send("DELETE", path)

    def upload(self, path, name, content, requirement=None, content_type="application/pdf"):
        data = {"file": SimpleUploadedFile(name, content, content_type=content_type)}
        if requirement is not None:
            data["requirement"] = str(requirement)
        return self.client.post(BASE + path, data, **self.headers)


@pytest.fixture
def call_settings():
    return {"places": 1, "opened": 5, "closes_in": 20}


@pytest.fixture
def reviewers(series, reviewer):
    return [reviewer, with_role(make_user("reviewer2"), series, Role.REVIEWER)]


@pytest.fixture
def idle_reviewer(series):
    return with_role(make_user("reviewer3"), series, Role.REVIEWER)


@pytest.fixture
def outsider(other_cooperative):
    user = make_user("outsider")
    Membership.objects.create(
        user=user, organisation=other_cooperative, status=Membership.Status.ACTIVE
    )
    return user


def edition_path(edition, rest):
    return f"/editions/{edition.series.slug}/{edition.number}/{rest}"


def draft(api, edition, cooperative) -> dict:
    response = api.post(edition_path(edition, "applications"), {"organisation": cooperative.slug})
    assert response.status_code == 201, response.content
    return response.json()


def complete(api, call, application_id):
    """Adds a product and every required document."""
    response = api.post(
        f"/applications/{application_id}/products", {"name_fr": "Huile d'olive", "price": "85.5"}
    )
    assert response.status_code == 201, response.content
    for requirement in call.required_documents.all():
        response = api.upload(
            f"/applications/{application_id}/documents", "statuts.pdf", PDF, requirement.pk
        )
        assert response.status_code == 201, response.content


@pytest.fixture
def submitted(call, edition, cooperative, exhibitor, reviewers):
    api = Api(exhibitor)
    application = draft(api, edition, cooperative)
    complete(api, call, application["id"])
    assert api.post(f"/applications/{application['id']}/submit").status_code == 200
    return Application.objects.get(pk=application["id"])


@pytest.fixture
def assigned(submitted, organiser, edition):
    response = Api(organiser).post(edition_path(edition, "assignments/auto"))
    assert response.json() == {"made": 2}
    return submitted


def marks_for(call, value):
    return {str(c.pk): value for c in call.criteria.all()}


# --- The workflow -------------------------------------------------------------------------


def test_the_whole_call_through_the_api(
    edition, cooperative, exhibitor, organiser, reviewers, series
):
    today = timezone.localdate()
    organiser_api = Api(organiser)
    response = organiser_api.put(
        edition_path(edition, "call"),
        {
            "opens_on": str(today - datetime.timedelta(days=1)),
            "closes_on": str(today + datetime.timedelta(days=30)),
            "places": 1,
            "women_min_share": 30,
            "province_max": 40,
            "first_timer_places": 1,
            "disagreement": "3.00",
            "sector_quotas": [{"sector": "terroir", "minimum": 1, "maximum": 10}],
        },
    )
    assert response.status_code == 201, response.content
    call_body = response.json()
    assert call_body["disagreement"] == "3.00"
    assert call_body["sector_quotas"] == [{"sector": "terroir", "minimum": 1, "maximum": 10}]
    assert len(call_body["criteria"]) == 6
    call = Call.objects.get(edition=edition)

    # The call is public.
    public = Api().get(edition_path(edition, "call"))
    assert public.status_code == 200 and public.json()["is_open"] is True

    # The applicant starts, fills in and submits.
    applicant = Api(exhibitor)
    application = draft(applicant, edition, cooperative)
    path = f"/applications/{application['id']}"
    assert application["status"] == "draft" and application["missing"]
    response = applicant.patch(path, {"motivation": "Notre huile de Bab Taza", "booth_size": 12})
    assert response.status_code == 200 and response.json()["booth_size"] == 12
    response = applicant.post(f"{path}/products", {"name_ar": "زيت", "price": "120"})
    assert response.status_code == 201 and response.json()["price"] == "120.00"
    assert applicant.delete(f"{path}/products/{response.json()['id']}").status_code == 204
    assert applicant.post(f"{path}/submit").status_code == 422  # nothing to bring yet
    complete(applicant, call, application["id"])
    body = applicant.get(path).json()
    assert [p["price"] for p in body["products"]] == ["85.50"]
    assert {d["kind"] for d in body["documents"]} == {"pdf"}
    assert body["missing"] == []
    document = body["documents"][0]
    download = applicant.client.get(f"{BASE}{path}/documents/{document['id']}", **applicant.headers)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    response = applicant.post(f"{path}/submit")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert applicant.patch(path, {"motivation": "trop tard"}).status_code == 422

    # The organiser assigns the two reviewers, who mark it.
    assert organiser_api.post(edition_path(edition, "assignments/auto")).json() == {"made": 2}
    for reviewer, value in zip(reviewers, (8, 6), strict=True):
        api = Api(reviewer)
        mine = api.get(edition_path(edition, "reviews")).json()
        assert [r["application"] for r in mine] == [application["id"]]
        assert api.get(path).status_code == 200  # an assigned reviewer reads the application
        response = api.put(
            f"/reviews/{mine[0]['id']}",
            {"marks": marks_for(call, value), "comment": "Produit soigné"},
        )
        assert response.status_code == 200, response.content
        assert response.json()["total"] == f"{value}.00"
    progress = organiser_api.get(edition_path(edition, "progress")).json()
    assert progress["done"] == 2 and progress["fully_reviewed"] == 1
    loads = organiser_api.get(edition_path(edition, "reviewers")).json()
    assert [(r["assigned"], r["done"]) for r in loads] == [(1, 1), (1, 1)]

    # The selection runs; the applicant learns nothing until publication.
    run = organiser_api.post(edition_path(edition, "selection"))
    assert run.status_code == 200, run.content
    assert run.json()["accepted"] == 1 and run.json()["decisions"]["accepted"] == 1
    assert organiser_api.get(path).json()["selection"]["score"] == "7.00"
    assert applicant.get(path).json()["decision"] == "pending"
    mine = applicant.get(edition_path(edition, "applications"), decision="accepted").json()
    assert mine["count"] == 0  # no guessing the decision through the filters

    response = organiser_api.post(edition_path(edition, "selection/publish"))
    assert response.status_code == 200 and response.json()["messages"] == 1
    body = applicant.get(path).json()
    assert body["decision"] == "accepted"
    # Applicants never receive scores, ranks or reviews.
    assert body["selection"] is None and body["reviews"] is None
    assert "7.00" not in json.dumps(body) and "Produit soigné" not in json.dumps(body)
    exhibitors = Api().get(edition_path(edition, "exhibitors")).json()
    assert exhibitors == [
        {
            "organisation": cooperative.slug,
            "name_ar": cooperative.name_ar,
            "name_fr": "Coopérative Al Amal",
        }
    ]
    assert Exhibitor.objects.get().application_id == application["id"]


def test_lists_show_each_role_what_it_may_see(assigned, edition, exhibitor, organiser, outsider):
    path = edition_path(edition, "applications")
    assert Api(organiser).get(path).json()["count"] == 1
    assert Api(organiser).get(path, women=True).json()["count"] == 0
    assert Api(organiser).get(path, q="amal", status="submitted").json()["count"] == 1
    assert Api(exhibitor).get(path).json()["count"] == 1
    assert Api(outsider).get(path).json()["count"] == 0
    reviewer = assigned.reviews.first().reviewer
    assert Api(reviewer).get(path).json()["count"] == 1
    assert Api().get(path).status_code == 401


def test_an_organiser_overrides_with_a_reason(assigned, organiser, edition):
    api = Api(organiser)
    path = f"/applications/{assigned.pk}/override"
    assert api.post(path, {"accept": False, "reason": " "}).status_code == 422
    response = api.post(path, {"accept": False, "reason": "Dossier incomplet sur place"})
    assert response.status_code == 200
    assert response.json()["selection"]["pinned"] is False
    run = api.post(edition_path(edition, "selection")).json()
    assert run["accepted"] == 0
    assert api.post(path, {"accept": None}).json()["selection"]["pinned"] is None


def test_the_page_and_the_api_show_each_role_the_same_decision(
    assigned, call, organiser, exhibitor
):
    """One rule: organisers read the decision once the selection has run, the applicant and its
    reviewers once it is published, and a withdrawn application has none to read."""
    edition = call.edition
    for review in assigned.reviews.all():
        Api(review.reviewer).put(f"/reviews/{review.pk}", {"marks": marks_for(call, 7)})
    reviewer = assigned.reviews.first().reviewer
    page = reverse(
        "exhibitors:application", args=[edition.series.slug, edition.number, assigned.pk]
    )

    def read(user):
        api = Api(user).get(f"/applications/{assigned.pk}").json()["decision"]
        shown = client_for(user).get(page).context["decision_label"]
        assert shown == Application.Decision(api).label, (user, api, shown)
        return api

    Api(organiser).post(edition_path(edition, "selection"))
    assert [read(u) for u in (organiser, exhibitor, reviewer)] == ["accepted", "pending", "pending"]
    Api(organiser).post(edition_path(edition, "selection/publish"))
    assert [read(u) for u in (organiser, exhibitor, reviewer)] == ["accepted"] * 3
    Api(exhibitor).post(f"/applications/{assigned.pk}/withdraw")
    assert [read(u) for u in (organiser, exhibitor, reviewer)] == ["pending"] * 3


def test_a_withdrawal_is_recorded(submitted, exhibitor):
    response = Api(exhibitor).post(f"/applications/{submitted.pk}/withdraw")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


def test_an_organiser_assigns_by_hand_and_refuses_non_reviewers(
    submitted, organiser, edition, reviewers, exhibitor
):
    api = Api(organiser)
    path = edition_path(edition, "assignments")
    response = api.post(path, {"application": submitted.pk, "reviewer": reviewers[0].pk})
    assert response.status_code == 201
    assert (
        api.post(path, {"application": submitted.pk, "reviewer": exhibitor.pk}).status_code == 422
    )
    assert api.post(path, {"application": submitted.pk, "reviewer": 999_999}).status_code == 422
    assert api.post(path, {"application": 999_999, "reviewer": reviewers[0].pk}).status_code == 404


# --- Who may see and do what --------------------------------------------------------------


def test_another_organisations_member_gets_404(submitted, outsider):
    api = Api(outsider)
    path = f"/applications/{submitted.pk}"
    assert api.get(path).status_code == 404
    assert api.patch(path, {"motivation": "pris"}).status_code == 404
    assert api.post(f"{path}/withdraw").status_code == 404
    assert api.post(f"{path}/products", {"name_fr": "Intrus"}).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.SUBMITTED
    assert submitted.products.count() == 1


def test_a_member_cannot_apply_for_an_organisation_not_theirs(call, edition, other_cooperative):
    api = Api(make_user("stranger"))
    response = api.post(edition_path(edition, "applications"), {"organisation": "nope"})
    assert response.status_code == 404
    response = api.post(
        edition_path(edition, "applications"), {"organisation": other_cooperative.slug}
    )
    assert response.status_code == 404
    assert not Application.objects.exists()


def test_a_reviewer_not_assigned_gets_404(assigned, idle_reviewer, call):
    api = Api(idle_reviewer)
    assert api.get(f"/applications/{assigned.pk}").status_code == 404
    review = assigned.reviews.first()
    response = api.put(f"/reviews/{review.pk}", {"marks": marks_for(call, 5)})
    assert response.status_code == 404
    assert not Score.objects.exists()
    edition = call.edition
    assert api.get(edition_path(edition, "reviews")).json() == []


def test_another_series_organiser_gets_403_on_organiser_operations(assigned, other_organiser):
    api = Api(other_organiser)
    edition = assigned.call.edition
    for method, rest in [
        ("GET", "progress"),
        ("GET", "reviewers"),
        ("GET", "selection"),
        ("POST", "selection"),
        ("POST", "selection/publish"),
        ("POST", "assignments/auto"),
    ]:
        response = api.send(method, edition_path(edition, rest))
        assert response.status_code == 403, (method, rest, response.status_code)
    response = api.post(
        edition_path(edition, "assignments"), {"application": assigned.pk, "reviewer": 1}
    )
    assert response.status_code == 403
    today = str(timezone.localdate())
    response = api.put(
        edition_path(edition, "call"), {"opens_on": today, "closes_on": today, "places": 3}
    )
    assert response.status_code == 403
    # The application itself does not exist for them.
    assert (
        api.post(
            f"/applications/{assigned.pk}/override", {"accept": True, "reason": "x"}
        ).status_code
        == 404
    )
    assigned.refresh_from_db()
    assert assigned.pinned is None and assigned.decision == Application.Decision.PENDING
    assert not assigned.call.runs.exists() and assigned.call.decisions_published_at is None
    assert Call.objects.get().places == 1


def test_applicants_and_reviewers_cannot_run_organiser_operations(assigned, exhibitor):
    edition = assigned.call.edition
    reviewer = assigned.reviews.first().reviewer
    for user in (exhibitor, reviewer):
        assert Api(user).post(edition_path(edition, "selection")).status_code == 403
        response = Api(user).post(
            f"/applications/{assigned.pk}/override", {"accept": True, "reason": "moi"}
        )
        assert response.status_code == 403
    assert Api(exhibitor).get(edition_path(edition, "reviews")).status_code == 403


# --- Hostile payloads ---------------------------------------------------------------------


def test_unknown_fields_are_refused(call, edition, cooperative, exhibitor):
    api = Api(exhibitor)
    application = draft(api, edition, cooperative)
    path = f"/applications/{application['id']}"
    response = api.post(f"{path}/products", {"name_fr": "Miel", "status": "accepted"})
    assert response.status_code == 422
    assert api.patch(path, {"decision": "accepted"}).status_code == 422
    response = api.post(
        edition_path(edition, "applications"), {"organisation": cooperative.slug, "pinned": True}
    )
    assert response.status_code == 422
    application = Application.objects.get()
    assert application.decision == Application.Decision.PENDING and application.pinned is None
    assert not ApplicationProduct.objects.exists()


@pytest.mark.parametrize(
    "price", ["-1", "-0.01", "12.345", "abc", "1e400", "123456789012"], ids=str
)
def test_bad_prices_are_refused(call, edition, cooperative, exhibitor, price):
    api = Api(exhibitor)
    application = draft(api, edition, cooperative)
    response = api.post(
        f"/applications/{application['id']}/products", {"name_fr": "Miel", "price": price}
    )
    assert 400 <= response.status_code < 500, response.content
    assert not ApplicationProduct.objects.exists()


def test_a_product_needs_a_name(call, edition, cooperative, exhibitor):
    api = Api(exhibitor)
    application = draft(api, edition, cooperative)
    response = api.post(f"/applications/{application['id']}/products", {"price": "10"})
    assert response.status_code == 422
    assert not ApplicationProduct.objects.exists()


@pytest.mark.parametrize(
    "marks",
    [
        lambda call: marks_for(call, 11),
        lambda call: marks_for(call, -1),
        lambda call: marks_for(call, 7.5),
        lambda call: marks_for(call, "7"),
        lambda call: marks_for(call, True),
        lambda call: dict(list(marks_for(call, 7).items())[:-1]),  # one missing
        lambda call: {**marks_for(call, 7), "999999": 7},  # not a criterion of the call
        lambda call: {"abc": 7},
    ],
    ids=["above", "below", "fraction", "string", "bool", "missing", "foreign", "not-an-id"],
)
def test_bad_marks_are_refused(assigned, call, marks):
    review = assigned.reviews.first()
    response = Api(review.reviewer).put(
        f"/reviews/{review.pk}", {"marks": marks(call), "comment": "x"}
    )
    assert response.status_code == 422, response.content
    assert not Score.objects.exists()
    review.refresh_from_db()
    assert review.submitted_at is None and review.comment == ""


def test_a_renamed_executable_is_refused_as_a_document(
    call, edition, cooperative, exhibitor, settings
):
    api = Api(exhibitor)
    application = draft(api, edition, cooperative)
    path = f"/applications/{application['id']}/documents"
    requirement = call.required_documents.first().pk
    executable = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 512
    for name, content in [
        ("statuts.pdf", executable),
        ("statuts.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 64),
        ("statuts.pdf", b"%PDF-1.7 but nothing else"),
        ("statuts.pdf", PDF[: len(PDF) // 2]),  # truncated
        ("statuts.pdf", b""),
    ]:
        response = api.upload(path, name, content, requirement)
        assert response.status_code == 422, (content[:8], response.content)
        assert response.json()["detail"]
    response = api.upload(path, "statuts.pdf", PDF, requirement=999_999)
    assert response.status_code == 422
    assert api.client.post(BASE + path, {}, **api.headers).status_code == 422  # no file
    assert not ApplicationDocument.objects.exists()
    uploads = settings.MEDIA_ROOT
    assert not uploads.exists() or not any(p.is_file() for p in uploads.rglob("*"))


def test_an_oversized_document_is_refused(call, edition, cooperative, exhibitor):
    api = Api(exhibitor)
    application = draft(api, edition, cooperative)
    big = PDF + b"%" * (5 * 1024 * 1024)
    response = api.upload(f"/applications/{application['id']}/documents", "big.pdf", big)
    assert response.status_code == 422
    assert not ApplicationDocument.objects.exists()


def test_bad_call_settings_are_refused(edition, organiser):
    api = Api(organiser)
    today = timezone.localdate()
    good = {"opens_on": str(today), "closes_on": str(today), "places": 10}
    for bad in [
        {**good, "closes_on": str(today - datetime.timedelta(days=1))},
        {**good, "places": 0},
        {**good, "first_timer_places": 11},  # more than the places
        {**good, "women_min_share": 120},
        {**good, "eligible_kinds": ["pirates"]},
        {**good, "reviewers_per_application": 1},
        {**good, "disagreement": "-1"},
        {**good, "sector_quotas": [{"sector": "terroir", "minimum": 5, "maximum": 2}]},
        {**good, "sector_quotas": [{"sector": "terroir"}, {"sector": "terroir"}]},
        {**good, "secret": 1},
    ]:
        response = api.put(edition_path(edition, "call"), bad)
        assert response.status_code == 422, (bad, response.content)
    assert not Call.objects.exists()


def put_body(call, **changes):
    """What the call's page says, as PUT takes it back, with ``changes``."""
    body = Api().get(edition_path(call.edition, "call")).json()
    settings = {k: body[k] for k in ("opens_on", "closes_on", "places", "disagreement")}
    criteria = [{k: c[k] for k in ("id", "name_ar", "name_fr", "weight")} for c in body["criteria"]]
    return {**settings, "criteria": criteria, **changes}


def test_the_api_replaces_the_rubric_and_the_documents(call, organiser):
    api, path = Api(organiser), edition_path(call.edition, "call")
    first, *others = put_body(call)["criteria"]
    response = api.put(
        path,
        put_body(
            call,
            criteria=[
                {**first, "weight": 5},
                {"name_ar": "التغليف", "name_fr": "Emballage", "weight": 4},
            ],
            required_documents=[{"name_ar": "شهادة أونسا", "name_fr": "Autorisation ONSSA"}],
        ),
    )
    assert response.status_code == 200, response.content
    assert [(c["name_fr"], c["weight"]) for c in response.json()["criteria"]] == [
        (first["name_fr"], 5),
        ("Emballage", 4),
    ]
    assert [d["name_fr"] for d in response.json()["required_documents"]] == ["Autorisation ONSSA"]
    assert not call.criteria.filter(pk__in=[c["id"] for c in others]).exists()


def test_a_row_of_another_call_is_refused(call, organiser, other_organiser, other_series):
    from maarid.fairs.models import Edition

    other_edition = Edition.objects.create(
        series=other_series,
        number=1,
        city=call.edition.city,
        starts_on=call.edition.starts_on,
        ends_on=call.edition.ends_on,
    )
    foreign = services.open_call(
        actor=other_organiser,
        edition=other_edition,
        opens_on=call.opens_on,
        closes_on=call.closes_on,
        places=2,
    ).criteria.first()
    criteria = put_body(call)["criteria"]
    criteria[0]["id"] = foreign.pk
    response = Api(organiser).put(
        edition_path(call.edition, "call"), put_body(call, criteria=criteria)
    )
    assert response.status_code == 422
    foreign.refresh_from_db()
    assert foreign.call.edition == other_edition and foreign.name_fr == "Qualité du produit"


def test_the_rubric_is_frozen_through_the_api_once_reviewers_have_marked(assigned, call, organiser):
    review = assigned.reviews.first()
    Api(review.reviewer).put(f"/reviews/{review.pk}", {"marks": marks_for(call, 6)})
    api, path = Api(organiser), edition_path(call.edition, "call")
    before = list(call.criteria.values_list("name_fr", "weight"))
    criteria = put_body(call)["criteria"]
    for changed in [
        [{**criteria[0], "weight": 9}, *criteria[1:]],  # weighted differently
        criteria[1:],  # one removed
        [*criteria, {"name_ar": "جديد", "name_fr": "Nouveau", "weight": 1}],  # one added
    ]:
        response = api.put(path, put_body(call, criteria=changed))
        assert response.status_code == 422, response.content
        with translation.override("fr"):  # the API's language when the caller names none
            assert response.json()["detail"] == {"criteria": [str(services.RUBRIC_FROZEN)]}
    assert list(call.criteria.values_list("name_fr", "weight")) == before
    renamed = [{**criteria[0], "name_fr": "Qualité des produits"}, *criteria[1:]]
    assert api.put(path, put_body(call, criteria=renamed)).status_code == 200
    assert call.criteria.first().name_fr == "Qualité des produits"


def test_scores_and_reviews_are_not_saved_after_publication(assigned, organiser, call):
    Api(organiser).post(edition_path(call.edition, "selection/publish"))
    review = assigned.reviews.first()
    response = Api(review.reviewer).put(f"/reviews/{review.pk}", {"marks": marks_for(call, 5)})
    assert response.status_code == 422
    assert not Review.objects.filter(submitted_at__isnull=False).exists()
