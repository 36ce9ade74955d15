"""The programme API: published sessions for anyone, registration and cancellation, check-in
with a door phone's token; every refusal a clear 4xx, nothing doubled, never a 500."""

import pytest
from django.test import Client

from maarid.core import services as core_services
from maarid.core.models import Certificate, OutboxMessage
from maarid.programme import certificates, services
from maarid.programme.models import CheckIn, Registration
from tests.conftest import api_client
from tests.documents import body, needs_poppler, text_of

from .conftest import make_session

pytestmark = pytest.mark.django_db


def url(edition, path):
    return f"/api/v1/programme/{edition.series.slug}/{edition.number}/{path}"


def post(client, address, body, **headers):
    return client.post(address, body, content_type="application/json", **headers)


@pytest.fixture
def door_token(organiser, edition):
    return services.add_door_device(actor=organiser, edition=edition, name="Porte")[1]


def test_the_public_reads_published_sessions_only(client, organiser, edition, room, session):
    make_session(organiser, edition, room, start=14, end=15, published=False, title_fr="Brouillon")
    listed = client.get(url(edition, "sessions")).json()
    assert [s["title_fr"] for s in listed] == ["E-marketing pour les coopératives"]
    draft = edition.sessions.get(published=False)
    assert client.get(url(edition, f"sessions/{draft.pk}")).status_code == 404


def test_registering_then_full_then_waiting(client, edition, small_session):
    answers = [
        post(
            client,
            url(edition, f"sessions/{small_session.pk}/registrations"),
            {"name": f"P{n}", "phone": f"06612345{n:02d}"},
        )
        for n in range(4)
    ]
    assert [a.status_code for a in answers] == [201] * 4
    assert [a.json()["status"] for a in answers] == ["registered"] * 3 + ["waiting"]
    assert answers[3].json()["waiting_rank"] == 1


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": "x" * 5000, "phone": "0661234567"}, "name"),
        ({"name": "Amina", "phone": "12ab"}, "phone"),
        ({"name": "Amina", "phone": "0661234567", "extra": 1}, "extra"),
    ],
)
def test_bad_registrations_are_422_with_the_field(client, edition, small_session, body, field):
    answer = post(client, url(edition, f"sessions/{small_session.pk}/registrations"), body)
    assert answer.status_code == 422
    assert field in answer.json()["detail"]
    assert not Registration.objects.exists()


def test_closed_and_ended_sessions_are_409(client, organiser, edition, room, morning):
    closed = make_session(organiser, edition, room, start=13, end=14, registration_closes_at=None)
    from .conftest import at

    morning.move_to(at(13, 30))
    answer = post(
        client,
        url(edition, f"sessions/{closed.pk}/registrations"),
        {"name": "A", "phone": "0661234567"},
    )
    assert answer.status_code == 409 and "closed" in answer.json()["detail"]
    morning.move_to(at(15))
    answer = post(
        client,
        url(edition, f"sessions/{closed.pk}/registrations"),
        {"name": "A", "phone": "0661234567"},
    )
    assert answer.status_code == 409 and "ended" in answer.json()["detail"]


def test_cancelling_by_key_moves_the_waiting_list_up_once(
    client, edition, small_session, django_capture_on_commit_callbacks
):
    made = [
        post(
            client,
            url(edition, f"sessions/{small_session.pk}/registrations"),
            {"name": f"P{n}", "phone": f"06612345{n:02d}"},
        ).json()
        for n in range(4)
    ]
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            answer = post(
                client,
                url(edition, f"registrations/{made[0]['id']}/cancel"),
                {"holder": made[0]["holder"]},
            )
        assert answer.status_code == 200
    assert Registration.objects.get(pk=made[3]["id"]).status == "registered"
    assert OutboxMessage.objects.count() == 1
    stranger = post(
        client, url(edition, f"registrations/{made[1]['id']}/cancel"), {"holder": "nope-nope"}
    )
    assert stranger.status_code == 404


def test_a_door_phone_checks_in_once_whatever_is_sent_three_times(
    edition, small_session, door_token
):
    registered = services.register(actor=None, session=small_session, name="A", phone="0661234567")
    phone = Client(headers={"Authorization": f"Bearer {door_token}"})
    address = url(edition, f"sessions/{small_session.pk}/check-ins")
    answers = [
        post(phone, address, {"key": "door-key-001", "code": registered.code}) for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [201, 200, 200]
    assert [a.json()["outcome"] for a in answers] == ["checked_in", "repeated", "repeated"]
    again = post(phone, address, {"key": "door-key-002", "code": registered.code})
    assert (
        again.json()["outcome"] == "already" and "Already checked in at" in again.json()["message"]
    )
    assert CheckIn.objects.count() == 1


@pytest.mark.parametrize(
    "code, status", [("ZZZZZZZZ", 422), ("MRDP1:ABCDEFGH:forged", 422), ("x" * 400, 422)]
)
def test_unknown_or_forged_codes_are_refused(edition, small_session, door_token, code, status):
    phone = Client(headers={"Authorization": f"Bearer {door_token}"})
    answer = post(
        phone,
        url(edition, f"sessions/{small_session.pk}/check-ins"),
        {"key": "door-key-003", "code": code},
    )
    assert answer.status_code == status and answer.json()["detail"]


def test_check_in_needs_a_door_phone_or_an_organiser(client, edition, small_session, exhibitor):
    address = url(edition, f"sessions/{small_session.pk}/check-ins")
    assert post(client, address, {"key": "door-key-004", "code": "ABCDEFGH"}).status_code == 401
    client.force_login(exhibitor)
    assert post(client, address, {"key": "door-key-004", "code": "ABCDEFGH"}).status_code in (
        401,
        403,
    )


def test_a_walk_in_past_the_places_needs_the_volunteers_word(edition, small_session, door_token):
    phone = Client(headers={"Authorization": f"Bearer {door_token}"})
    address = url(edition, f"sessions/{small_session.pk}/check-ins")
    for n in range(3):
        assert post(phone, address, {"key": f"walk-key-{n}", "name": f"W{n}"}).status_code == 201
    full = post(phone, address, {"key": "walk-key-9", "name": "Late"})
    assert full.status_code == 409
    assert (
        post(
            phone, address, {"key": "walk-key-9", "name": "Late", "past_capacity": True}
        ).status_code
        == 201
    )


# --- Certificates -------------------------------------------------------------------------------


@pytest.fixture
def issued(organiser, edition, session, small_session, speaker):
    """Two people checked in at the first session, one at the second, their participation
    certificates and the first session's speaker's."""
    people = ((session, ["فاطمة بنعلي", "Karim Ouazzani"]), (small_session, ["Lina"]))
    for s, (target, names) in enumerate(people):
        for n, name in enumerate(names):
            # Numbered by place, not by primary key (PostgreSQL's keep growing across tests).
            registered = services.register(
                actor=None, session=target, name=name, phone=f"066123{s:02d}{n:02d}"
            )
            services.check_in(
                actor=organiser,
                session=target,
                code=registered.code,
                key=f"door-key-{target.pk}-{n}",
            )
    made = certificates.issue(actor=organiser, edition=edition, kind=certificates.PARTICIPATION)
    made += certificates.issue(actor=organiser, edition=edition, kind=certificates.SPEAKER)
    return made


def test_an_organiser_lists_the_certificates_by_kind_and_session(
    organiser, edition, session, small_session, issued
):
    client = api_client(organiser)
    listed = client.get(url(edition, "certificates")).json()
    assert listed["count"] == 4
    assert {c["kind"] for c in listed["items"]} == {"participation", "speaker"}
    speakers = client.get(url(edition, "certificates"), {"kind": "speaker"}).json()
    assert [c["holder_name_latin"] for c in speakers["items"]] == ["Souad El Alami"]
    first = client.get(url(edition, "certificates"), {"session": session.pk}).json()
    assert first["count"] == 3  # the two who came and the speaker
    second = client.get(url(edition, "certificates"), {"session": small_session.pk}).json()
    assert [c["holder_name_latin"] for c in second["items"]] == ["Lina"]
    one = second["items"][0]
    assert one["status"] == "genuine" and one["code"].count("-") == 3
    assert one["verify_url"].endswith(f"/verify/{one['code']}/")
    assert one["pdf_url"] == "http://testserver" + url(edition, f"certificates/{one['id']}/pdf")
    page_two = client.get(url(edition, "certificates"), {"page": 2}).json()
    assert page_two["items"] == []


@pytest.mark.parametrize(
    "query", [{"kind": "diploma"}, {"session": "x"}, {"session": 0}, {"page": "a"}]
)
def test_bad_filters_are_422(organiser, edition, issued, query):
    answer = api_client(organiser, HTTP_ACCEPT_LANGUAGE="en").get(
        url(edition, "certificates"), query
    )
    assert answer.status_code == 422 and answer.json()["detail"]


def test_a_session_of_another_edition_or_none_is_404(organiser, edition, issued):
    answer = api_client(organiser).get(url(edition, "certificates"), {"session": 999999})
    assert answer.status_code == 404


def test_only_the_editions_organisers_see_its_certificates(
    client, edition, issued, exhibitor, other_organiser
):
    address = url(edition, "certificates")
    assert client.get(address).status_code == 401
    assert client.get(url(edition, f"certificates/{issued[0].pk}/pdf")).status_code == 401
    for user in (exhibitor, other_organiser):
        caller = api_client(user)
        assert caller.get(address).status_code == 403
        assert caller.get(url(edition, f"certificates/{issued[0].pk}")).status_code == 403
        assert caller.get(url(edition, f"certificates/{issued[0].pk}/pdf")).status_code == 403


@needs_poppler
def test_an_organiser_downloads_a_certificates_pdf(organiser, edition, issued):
    fatima = next(c for c in issued if c.holder_name_ar == "فاطمة بنعلي")
    answer = api_client(organiser).get(url(edition, f"certificates/{fatima.pk}/pdf"))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    text = text_of(body(answer))
    assert "Certificat de participation" in text and fatima.display_code in text
    missing = api_client(organiser).get(url(edition, "certificates/999999/pdf"))
    assert missing.status_code == 404


def check(client, code, **headers):
    return client.get(f"/api/v1/programme/certificates/{code}", **headers)


def test_anyone_checks_a_code_as_typed_or_scanned(client, issued):
    certificate = issued[0]
    for asked in (
        certificate.display_code,
        certificate.code.lower(),
        certificate.display_code.replace("-", " "),
    ):
        answer = check(client, asked)
        assert answer.status_code == 200
        found = answer.json()
        assert found["status"] == "genuine" and found["message"] == "Genuine certificate"
        assert found["code"] == certificate.display_code
        assert found["pdf_url"].endswith(f"/verify/{certificate.display_code}/pdf/")
    unknown = check(client, "K7QM-X3PA-9HTR-WDZE")
    assert unknown.status_code == 404 and unknown.json()["status"] == "unknown"
    assert "No certificate has this code" in unknown.json()["message"]
    assert check(client, "x" * 500).status_code == 404


def test_a_revoked_code_says_so_with_its_date_in_the_callers_language(client, organiser, issued):
    certificate = issued[0]
    core_services.revoke_certificate(actor=organiser, certificate=certificate, reason="Doublon")
    found = check(client, certificate.display_code).json()
    assert found["status"] == "revoked" and found["revoked_reason"] == "Doublon"
    assert found["message"].startswith("This certificate was revoked on 1 June 2024.")
    assert found["pdf_url"] == ""
    french = check(client, certificate.display_code, HTTP_ACCEPT_LANGUAGE="fr").json()
    assert "1 juin 2024" in french["message"]


def test_a_corrected_code_says_it_was_replaced_and_by_which(client, organiser, edition, issued):
    old = issued[0]
    new = core_services.correct_certificate(
        actor=organiser, certificate=old, holder_name_ar="فاطمة الزهراء بنعلي", holder_name_latin=""
    )
    found = check(client, old.display_code).json()
    assert found["status"] == "replaced" and found["current"] == new.display_code
    assert "replaced by a corrected version" in found["message"]
    listed = api_client(organiser).get(url(edition, "certificates")).json()["items"]
    replaced = next(c for c in listed if c["id"] == old.pk)
    assert replaced["status"] == "replaced" and replaced["replaced_by"] == new.display_code


def test_checks_share_the_pages_throttle_per_address(settings, issued):
    settings.MAARID_VERIFY_PER_MINUTE = 3
    client = Client(REMOTE_ADDR="203.0.113.9")
    code = issued[0].display_code
    assert check(client, code).status_code == 200
    assert client.get(f"/en/verify/{code}/").status_code == 200
    assert check(client, code).status_code == 200
    refused = check(client, code)
    assert refused.status_code == 429 and "Too many checks" in refused.json()["detail"]
    assert client.get(f"/en/verify/{code}/").status_code == 429
    assert check(Client(REMOTE_ADDR="203.0.113.10"), code).status_code == 200
    assert Certificate.objects.count() == 4
