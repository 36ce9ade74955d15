"""The registry's API: reading an organisation and writing it back (PUT the whole of it, PATCH a
part), who sees its contact details, and what a bad body gets."""

import datetime
import json

import pytest
from django.test import Client

from maarid.core.access import Scope
from maarid.core.models import ApiToken, AuditEvent
from maarid.registry.models import Commune, Organisation

pytestmark = pytest.mark.django_db

CONTACT = {
    "contact_name": "Fatima Zahra El Idrissi",
    "phone": "+212661223344",
    "email": "contact@alamal.ma",
    "website": "https://alamal.ma",
    "address": "Douar Tizi, route de Chefchaouen",
    "contact_public": False,
}


@pytest.fixture
def detailed(cooperative):
    """The cooperative with everything filled in, contact details included."""
    commune = Commune.objects.filter(province_id=cooperative.province_id).first()
    Organisation.objects.filter(pk=cooperative.pk).update(
        **CONTACT,
        commune=commune,
        founded_on=datetime.date(2012, 3, 8),
        members_women=14,
        members_men=2,
        women_led=True,
        registration_number="4455",
        description_fr="Huile d'argan pressée à froid.",
    )
    cooperative.refresh_from_db()
    return cooperative


class Api:
    def __init__(self, user, language="fr"):
        self.client = Client()
        self.headers = {"HTTP_ACCEPT_LANGUAGE": language}
        if user is not None:
            _token, raw = ApiToken.issue(user, "test")
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"

    def get(self, path):
        return self.client.get(path, **self.headers)

    def send(self, method, path, body):
        return getattr(self.client, method)(
            path, json.dumps(body), content_type="application/json", **self.headers
        )


def address(organisation):
    return f"/api/v1/registry/organisations/{organisation.slug}"


def updates(organisation):
    return AuditEvent.objects.filter(
        model="registry.organisation", object_id=str(organisation.pk), action="update"
    )


def test_the_read_shows_the_contact_details_to_those_who_may_change_it(detailed, exhibitor):
    body = Api(exhibitor).get(address(detailed)).json()
    assert {k: body[k] for k in CONTACT} == CONTACT


def test_someone_who_may_only_read_gets_no_contact_details(detailed, buyer, monkeypatch):
    """Were an organisation readable by people who may not change it, they would not see the
    personal contact details (nor the other fields only its managers edit)."""
    monkeypatch.setattr(
        Organisation,
        "access_scope",
        lambda self: Scope(organisation_ids=frozenset({self.pk}), public=True),
    )
    response = Api(buyer).get(address(detailed))
    assert response.status_code == 200
    body = response.json()
    assert body["name_fr"] == detailed.name_fr
    assert not set(CONTACT) & set(body)


def test_get_then_put_the_same_body_back_changes_nothing(detailed, exhibitor):
    api = Api(exhibitor)
    before = api.get(address(detailed)).json()
    response = api.send("put", address(detailed), before)
    assert response.status_code == 200, response.content
    assert response.json() == before
    detailed.refresh_from_db()
    assert {k: getattr(detailed, k) for k in CONTACT} == CONTACT
    assert not updates(detailed).exists()


def test_put_with_a_field_missing_is_a_422_naming_it_and_saves_nothing(detailed, exhibitor):
    api = Api(exhibitor, language="fr")
    body = api.get(address(detailed)).json()
    del body["address"]
    body["name_fr"] = "Coopérative Al Amal Renommée"
    response = api.send("put", address(detailed), body)
    assert response.status_code == 422
    assert response.json()["detail"] == {"address": ["Ce champ est obligatoire."]}
    detailed.refresh_from_db()
    assert detailed.name_fr == "Coopérative Al Amal" and detailed.address == CONTACT["address"]
    assert not updates(detailed).exists()


def test_put_cannot_change_the_slug_or_the_id(detailed, exhibitor):
    api = Api(exhibitor, language="en")
    body = api.get(address(detailed)).json()
    response = api.send("put", address(detailed), {**body, "slug": "elsewhere", "id": 1234})
    assert response.status_code == 422
    assert set(response.json()["detail"]) == {"slug", "id"}
    assert Organisation.objects.filter(pk=detailed.pk, slug=detailed.slug).exists()


def test_patch_changes_only_the_fields_sent(detailed, exhibitor):
    api = Api(exhibitor)
    before = api.get(address(detailed)).json()
    response = api.send("patch", address(detailed), {"phone": "0661 99 88 77"})
    assert response.status_code == 200, response.content
    assert response.json() == {**before, "phone": "+212661998877"}
    detailed.refresh_from_db()
    assert detailed.phone == "+212661998877"
    assert {k: getattr(detailed, k) for k in CONTACT if k != "phone"} == {
        k: v for k, v in CONTACT.items() if k != "phone"
    }
    [event] = updates(detailed)
    assert event.changes == {"phone": ["+212661223344", "+212661998877"]}
    assert event.user == exhibitor  # the token's owner, recorded by the audit middleware


def test_patch_may_clear_what_may_be_empty(detailed, exhibitor):
    response = Api(exhibitor).send(
        "patch", address(detailed), {"commune": None, "founded_on": None, "address": ""}
    )
    assert response.status_code == 200, response.content
    detailed.refresh_from_db()
    assert (detailed.commune, detailed.founded_on, detailed.address) == (None, None, "")
    assert detailed.contact_name == CONTACT["contact_name"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"kind": None}, "kind"),
        ({"kind": ""}, "kind"),
        ({"province": None}, "province"),
        ({"province": ""}, "province"),
        ({"members_women": None}, "members_women"),
        ({"members_women": 2**63}, "members_women"),
        ({"women_led": None}, "women_led"),
        ({"phone": "12"}, "phone"),
        ({"name_fr": "", "name_ar": ""}, "name_fr"),
        # A rule across fields names the field that is wrong, though it was not sent.
        ({"kind": "company"}, "ice"),
    ],
)
def test_patch_refuses_what_is_not_allowed_and_saves_nothing(detailed, exhibitor, body, field):
    response = Api(exhibitor).send("patch", address(detailed), body)
    assert response.status_code == 422, response.content
    assert field in response.json()["detail"]
    assert not updates(detailed).exists()


def test_a_stranger_can_neither_put_nor_patch(detailed, exhibitor, buyer, other_organiser):
    body = Api(exhibitor).get(address(detailed)).json()
    for stranger in (buyer, other_organiser):
        api = Api(stranger)
        assert api.send("put", address(detailed), body).status_code == 404
        assert api.send("patch", address(detailed), {"phone": "0661998877"}).status_code == 404
    assert Api(None).send("patch", address(detailed), {"phone": "0661998877"}).status_code == 401
    detailed.refresh_from_db()
    assert detailed.phone == CONTACT["phone"]


def test_an_organiser_of_its_fair_patches_it(detailed, organiser):
    response = Api(organiser).send("patch", address(detailed), {"members_men": 3})
    assert response.status_code == 200, response.content
    detailed.refresh_from_db()
    assert (detailed.members_men, detailed.members_women) == (3, 14)


def test_the_list_past_its_last_page_is_empty_not_an_error(detailed, exhibitor):
    api = Api(exhibitor)
    for page in ("2", "2282589375379155456", "9223372036854775808"):
        response = api.get(f"/api/v1/registry/organisations?page={page}")
        assert response.status_code == 200, (page, response.status_code)
        assert response.json()["items"] == []
