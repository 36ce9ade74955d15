"""The B2B API: a participant reads profiles and suggestions, asks and answers, reads its own
agenda and reports outcomes; it never reads another's requests or agenda."""

import json

import pytest

from maarid.b2b import services
from maarid.b2b.models import Meeting
from tests.conftest import api_client

from .conftest import run_schedule

pytestmark = pytest.mark.django_db


class Api:
    """The B2B API of an edition as a person's token opens it; ``headers`` go with each call."""

    def __init__(self, user, edition):
        self.client, self.headers = api_client(user), {}
        self.base = f"/api/v1/b2b/editions/{edition.series.slug}/{edition.number}"

    def get(self, path):
        return self.client.get(self._url(path), **self.headers)

    def send(self, method, path, body):
        return self.client.generic(
            method,
            self._url(path),
            json.dumps(body),
            content_type="application/json",
            **self.headers,
        )

    def _url(self, path):
        return path if path.startswith("/api/") else self.base + path


def test_ask_answer_schedule_agenda_outcome(seller, buyer_profile, exhibitor, buyer, edition):
    cooperative, company = Api(exhibitor, edition), Api(buyer, edition)
    names = [p["organisation"] for p in cooperative.get("/profiles").json()]
    assert "Distribution Nord SARL" in names
    suggested = cooperative.get("/suggestions").json()
    assert suggested[0]["profile"]["id"] == buyer_profile.pk and suggested[0]["reasons"]
    asked = cooperative.send("POST", "/requests", {"to": buyer_profile.pk, "priority": 1})
    assert asked.status_code == 201, asked.content
    meeting_id = asked.json()["id"]
    answer = company.send("POST", f"/api/v1/b2b/meetings/{meeting_id}/answer", {"accept": True})
    assert answer.json()["status"] == "accepted"
    run_schedule(seller.programme)
    agenda = cooperative.get("/agenda").json()
    assert agenda[0]["with"] == ["Distribution Nord SARL"] and agenda[0]["table"]
    outcome = cooperative.send(
        "POST",
        f"/api/v1/b2b/meetings/{meeting_id}/outcome",
        {"result": "deal", "amount": "25000.00"},
    )
    assert outcome.status_code == 200 and outcome.json()["amount"] == "25000.00"


def test_bad_requests_are_refused_with_messages(
    seller, buyer_profile, other_seller, exhibitor, edition
):
    api = Api(exhibitor, edition)
    for body in (
        {"to": other_seller.pk},  # a seller does not ask a seller
        {"to": buyer_profile.pk, "priority": 7},
        {"to": "x"},
        {"to": buyer_profile.pk, "surprise": 1},
    ):
        response = api.send("POST", "/requests", body)
        assert response.status_code == 422, (body, response.content)
        assert response.json()["detail"]
    assert api.send("POST", "/requests", {"to": 999_999}).status_code == 404
    profile = api.send("PUT", "/profile", {"sectors": ["piracy"]})
    assert profile.status_code == 422 and "sectors" in profile.json()["detail"]
    assert not Meeting.objects.exists()
    # The schema's own messages come in the asker's language too.
    api.headers["HTTP_ACCEPT_LANGUAGE"] = "ar"
    arabic = api.send("POST", "/requests", {"to": "x", "surprise": 1}).json()["detail"]
    assert arabic == {"to": ["يُنتظر عدد صحيح."], "surprise": ["هذا الحقل غير متوقع."]}
    broken = api.client.post(
        api._url("/requests"), "{not json", content_type="application/json", **api.headers
    )
    assert broken.status_code == 400 and broken.json()["detail"] == "محتوى الطلب ليس JSON صالحا."


def test_nobody_reads_anothers_requests_or_agenda(
    seller, buyer_profile, other_seller, exhibitor, buyer, edition, organiser
):
    asked = services.request_meeting(
        actor=exhibitor,
        from_profile=seller,
        to_profile=buyer_profile,
        message="Prix confidentiels",
    )
    meeting = services.respond(actor=buyer, meeting=asked, accept=True)
    outsider = Api(other_seller.user, edition)
    assert "Prix confidentiels" not in outsider.get("/requests").content.decode()
    assert outsider.get("/agenda").json() == []
    assert (
        outsider.send(
            "POST", f"/api/v1/b2b/meetings/{meeting.pk}/answer", {"accept": False}
        ).status_code
        == 404
    )
    assert (
        outsider.send(
            "POST", f"/api/v1/b2b/meetings/{meeting.pk}/outcome", {"result": "lead"}
        ).status_code
        == 404
    )
    assert outsider.get("/schedule").status_code == 403
    assert Api(organiser, edition).get("/schedule").json()[0]["meeting"] == meeting.pk


def test_no_credentials_is_401_and_a_session_without_csrf_is_403(seller, exhibitor, edition):
    from django.test import Client

    url = f"/api/v1/b2b/editions/{edition.series.slug}/{edition.number}/requests"
    anonymous = Client(enforce_csrf_checks=True).post(url, "{}", content_type="application/json")
    assert anonymous.status_code == 401
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(exhibitor)
    forged = browser.post(url, "{}", content_type="application/json", HTTP_ACCEPT_LANGUAGE="fr")
    assert forged.status_code == 403 and "X-CSRFToken" in forged.json()["detail"]
    assert "sécurité" in forged.json()["detail"]


def test_writes_made_with_an_api_token_are_audited_as_the_tokens_owner(
    seller, buyer_profile, exhibitor, edition
):
    """The token is checked in the view, after the middleware has run: the audit must still
    know who made the change."""
    from maarid.core.models import AuditEvent

    asked = Api(exhibitor, edition).send("POST", "/requests", {"to": buyer_profile.pk})
    assert asked.status_code == 201, asked.content
    event = AuditEvent.objects.get(model="b2b.meeting", object_id=str(asked.json()["id"]))
    assert event.user == exhibitor and event.action == "create"
