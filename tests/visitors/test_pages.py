"""The organisers' pages (footfall board, gates and phones, ticket types), the gate app's page,
the survey: who sees what, and that each does its job."""

import datetime

import pytest

from maarid.core import hooks
from maarid.visitors import selectors, services
from maarid.visitors.models import GateDevice, SurveyAnswer
from tests.conftest import client_for

from .conftest import count

pytestmark = pytest.mark.django_db


def url(edition, rest):
    return f"/en/{edition.series.slug}/{edition.number}/{rest}"


def test_the_board_shows_the_footfall_live(app, north, south, organiser, running):
    app.post("counts", {"counts": [count(north, 120), count(south, 30)]})
    client = client_for(organiser)
    page = client.get(url(running, "footfall/"))
    assert page.status_code == 200
    assert b"hx-trigger" in page.content
    assert b'id="footfall-total">150<' in page.content
    assert b"<svg" in page.content
    partial = client.get(url(running, "footfall/"), headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and b"150" in partial.content


def test_the_board_of_a_closed_day_shows_late_counts(app, north, organiser, running, today):
    app.post("counts", {"counts": [count(north, 10)]})
    client = client_for(organiser)
    answer = client.post(url(running, f"footfall/close/?day={today.isoformat()}"))
    assert answer.status_code == 302
    app.post("counts", {"counts": [count(north, 4)]})
    page = client.get(url(running, f"footfall/?day={today.isoformat()}"))
    assert b"4 counted after closing" in page.content


def test_a_nonsense_day_in_the_address_is_today(organiser, running):
    page = client_for(organiser).get(url(running, "footfall/?day=99999-1-1"))
    assert page.status_code == 200


def test_an_organiser_registers_a_gate_phone_with_a_qr_code(organiser, running, north):
    client = client_for(organiser)
    answer = client.post(
        url(running, "gates/"), {"action": "phone", "phone-name": "Youssef", "phone-gate": north.pk}
    )
    assert answer.status_code == 200
    assert b"#pair=mrd_" in answer.content
    device = GateDevice.objects.get()
    assert (device.name, device.gate) == ("Youssef", north)


def test_an_organiser_adds_a_gate(organiser, running):
    client = client_for(organiser)
    client.post(url(running, "gates/"), {"action": "gate", "gate-name_fr": "Porte est"})
    assert [g.name_fr for g in selectors.gates_of(running)] == ["Porte est"]
    page = client.post(url(running, "gates/"), {"action": "gate"})
    assert b"Give the gate a name" in page.content


def test_revoking_a_phone_stops_it(organiser, running, phone, app, north):
    client_for(organiser).post(url(running, f"gates/phones/{phone.pk}/revoke/"))
    assert app.post("counts", {"counts": [count(north)]}).status_code in (401, 403)


def test_ticket_types_and_quotas_are_set_on_their_page(organiser, running, today):
    client = client_for(organiser)
    client.post(
        url(running, "ticket-types/"),
        {
            "action": "type",
            "type-kind": "ceremony",
            "type-name_fr": "Ouverture",
            "type-public": "on",
        },
    )
    kind = selectors.ticket_types(running).get()
    client.post(
        url(running, "ticket-types/"),
        {
            "action": "quota",
            "quota-type": kind.pk,
            "quota-day": today.isoformat(),
            "quota-places": 300,
        },
    )
    figures = selectors.quota_figures(running)
    assert [(f.type.name_fr, f.places) for f in figures] == [("Ouverture", 300)]
    outside = client.post(
        url(running, "ticket-types/"),
        {
            "action": "quota",
            "quota-type": kind.pk,
            "quota-day": (today + datetime.timedelta(days=100)).isoformat(),
            "quota-places": 3,
        },
    )
    assert b"Choose a day of the fair" in outside.content


def test_the_gate_app_is_an_arabic_rtl_page_with_its_manifest(client, running):
    page = client.get(f"/ar/{running.series.slug}/{running.number}/gate/")
    assert page.status_code == 200
    assert b'dir="rtl"' in page.content
    manifest = client.get(f"/ar/{running.series.slug}/{running.number}/gate/manifest.webmanifest")
    assert manifest.json()["dir"] == "rtl"


def test_the_survey_takes_one_answer_per_phone_and_day(client, running):
    address = url(running, "survey/")
    assert client.get(address).status_code == 200  # gives the phone its random id
    answer = {
        "heard": "social",
        "province": "",
        "bought": ["terroir", "handicrafts"],
        "spent": "100-500",
        "satisfaction": "5",
        "again": "yes",
    }
    done = client.post(address, answer)
    assert b"Thank you" in done.content
    again = client.post(address, answer)
    assert b"already answered today" in again.content
    assert SurveyAnswer.objects.count() == 1
    results = selectors.survey_results(running)
    assert results.answers == 1 and results.satisfaction == 5


def test_a_survey_without_cookie_is_refused_kindly(client, running):
    answer = client.post(
        url(running, "survey/"),
        {"heard": "social", "spent": "0", "satisfaction": "3", "again": "no"},
    )
    assert b"accept cookies" in answer.content
    assert SurveyAnswer.objects.count() == 0


def test_bad_survey_answers_are_refused(running):
    with pytest.raises(Exception):
        services.answer_survey(
            actor=None,
            edition=running,
            phone_id="x" * 20,
            heard="tv",
            province=None,
            bought=["gold"],
            spent="a lot",
            satisfaction=9,
            again="perhaps",
        )


def test_the_dashboard_panel_shows_visitors(running, organiser, app, north):
    app.post("counts", {"counts": [count(north, 42)]})
    panels = hooks.edition_panels.collect(running, organiser)
    visitors = [p for p in panels if p["title"] == "Visitors"]
    assert visitors and visitors[0]["figures"][0][1] == "42"


def test_the_footfall_api_is_for_organisers(running, organiser, exhibitor, app, north):
    app.post("counts", {"counts": [count(north, 7)]})
    address = f"/api/v1/visitors/editions/{running.series.slug}/{running.number}/footfall"
    answer = client_for(organiser).get(address)
    assert answer.status_code == 200
    assert answer.json()["total"] == 7
    assert client_for(exhibitor).get(address).status_code == 403
