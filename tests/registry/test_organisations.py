"""The registry: identifiers, places, memberships."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from maarid.core import access
from maarid.core.messaging import LocmemSMSBackend
from maarid.registry import services
from maarid.registry.models import Commune, Kind, Membership, Organisation, Province, Region
from tests.conftest import client_for, make_organisation, make_user

pytestmark = pytest.mark.django_db


def test_the_places_of_morocco_are_loaded():
    assert Region.objects.count() == 12
    assert Province.objects.count() == 75  # without Casablanca's prefectures of arrondissements
    assert Commune.objects.count() == 1503
    tetouan = Province.objects.get(code="01.571")
    assert (tetouan.name_fr, tetouan.name_ar) == ("Tétouan", "تطوان")
    assert Province.objects.filter(region_id="01").count() == 8


@pytest.mark.parametrize("number", ["12345", "2345/2019", "7/TNG"])
def test_valid_cooperative_registration_numbers(number):
    make_organisation(registration_number=number, name_fr=f"Coop {number}")


@pytest.mark.parametrize("number", ["ABC", "123456789", "12-34", "12/2019/1"])
def test_invalid_cooperative_registration_numbers(number):
    with pytest.raises(ValidationError) as error:
        make_organisation(registration_number=number)
    assert "registration_number" in error.value.message_dict


def test_a_company_needs_a_15_digit_ice():
    with pytest.raises(ValidationError) as error:
        make_organisation(kind=Kind.COMPANY, ice="")
    assert "ice" in error.value.message_dict
    with pytest.raises(ValidationError):
        make_organisation(kind=Kind.COMPANY, ice="12345")
    make_organisation(kind=Kind.COMPANY, ice="001525487000088")


def test_identifiers_are_unique():
    make_organisation(registration_number="4455")
    with pytest.raises(ValidationError):
        make_organisation(registration_number="4455", name_fr="Autre")


def test_a_commune_must_be_in_the_province():
    tangier = Commune.objects.filter(province_id="01.511").first()
    with pytest.raises(ValidationError) as error:
        make_organisation(province_id="01.571", commune=tangier)
    assert "commune" in error.value.message_dict


def test_a_name_in_one_language_is_enough_but_one_is_needed():
    make_organisation(name_fr="", name_ar="تعاونية الوفاء")
    with pytest.raises(ValidationError):
        make_organisation(name_fr="", name_ar="")


def test_no_founding_in_the_future():
    with pytest.raises(ValidationError):
        make_organisation(founded_on=datetime.date.today() + datetime.timedelta(days=2))


def test_slugs_are_readable_and_unique():
    first = make_organisation(name_fr="Coopérative Al Amal")
    second = make_organisation(name_fr="Coopérative Al Amal", registration_number="77")
    arabic_only = make_organisation(name_fr="", name_ar="تعاونية")
    assert first.slug == "cooperative-al-amal"
    assert second.slug == "cooperative-al-amal-2"
    assert arabic_only.slug.startswith("cooperative")


def test_a_cooperative_member_asks_to_join_and_the_admin_confirms(exhibitor, cooperative):
    newcomer = make_user("newcomer", phone="+212661000111")
    membership = services.request_membership(actor=newcomer, organisation=cooperative)
    assert membership.status == Membership.Status.PENDING
    assert not access.facts(newcomer).organisations
    services.decide_membership(actor=exhibitor, membership=membership, accept=True)
    assert access.facts(newcomer).organisations == {cooperative.pk}


def test_a_stranger_cannot_confirm_a_membership(cooperative, buyer):
    newcomer = make_user("newcomer")
    membership = services.request_membership(actor=newcomer, organisation=cooperative)
    with pytest.raises(PermissionDenied):
        services.decide_membership(actor=buyer, membership=membership, accept=True)


def test_an_organiser_invites_by_mobile_number(organiser, cooperative):
    client = client_for(organiser)
    response = client.post(
        reverse("registry:invite", args=[cooperative.slug]),
        {"contact": "0677889900", "admin": "on"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__phone="+212677889900")
    assert membership.is_admin and membership.status == Membership.Status.ACTIVE
    [sms] = LocmemSMSBackend.outbox
    assert "/accounts/password/" in sms["text"]


def test_someone_registers_their_own_organisation(series):
    user = make_user("founder")
    org = Organisation(
        kind=Kind.ASSOCIATION, name_fr="Association Nahda", province_id="01.571", sector="services"
    )
    membership = services.register_own_organisation(actor=user, organisation=org, series=series)
    assert membership.is_admin and membership.status == Membership.Status.PENDING
    assert series.organisations.filter(pk=org.pk).exists()


def test_the_list_filters_and_searches_in_arabic_and_french(organiser, cooperative, series):
    honey = make_organisation(
        name_fr="Coopérative du miel", name_ar="تعاونية العسل", women_led=True, province_id="01.511"
    )
    series.organisations.add(honey)
    client = client_for(organiser)
    url = reverse("registry:list")

    def names(**params):
        return [o.pk for o in client.get(url, params).context["page"]]

    assert names(q="الأمل") == [cooperative.pk]
    assert names(q="امل") == [cooperative.pk]
    assert names(q="cooperative miel") == [honey.pk]
    assert names(women="on") == [honey.pk]
    assert names(province="01.511") == [honey.pk]
    assert set(names()) == {cooperative.pk, honey.pk}


def test_an_organiser_creates_an_organisation_through_the_form(organiser, series):
    client = client_for(organiser)
    response = client.post(
        reverse("registry:create"),
        {
            "series": series.pk,
            "kind": "cooperative",
            "name_fr": "Coopérative Tagmat",
            "name_ar": "تعاونية تاكمات",
            "province": "01.571",
            "sector": "handicrafts",
            "members_women": 9,
            "members_men": 0,
            "phone": "0661-22-33-44",
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name_fr="Coopérative Tagmat")
    assert organisation.phone == "+212661223344"
    assert series.organisations.filter(pk=organisation.pk).exists()


def test_a_bad_form_is_refused_with_messages_and_saves_nothing(organiser):
    client = client_for(organiser)
    response = client.post(
        reverse("registry:create"),
        {
            "kind": "company",
            "name_fr": "Sans ICE",
            "province": "01.571",
            "sector": "services",
            "phone": "123",
            "members_women": -1,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"phone", "ice", "members_women"} <= set(errors)
    assert not Organisation.objects.filter(name_fr="Sans ICE").exists()


def test_a_request_to_join_is_announced_to_the_admins(exhibitor, cooperative, mailoutbox):
    newcomer = make_user("newcomer", first_name="Khadija")
    services.request_membership(actor=newcomer, organisation=cooperative)
    [message] = mailoutbox
    assert message.to == ["exhibitor@example.ma"] and "Khadija" in message.body
    services.request_membership(
        actor=newcomer, organisation=cooperative
    )  # asking again sends nothing more
    assert len(mailoutbox) == 1


def test_without_admins_the_organisers_hear_of_the_request(organiser, cooperative, mailoutbox):
    services.request_membership(actor=make_user("newcomer"), organisation=cooperative)
    assert [m.to for m in mailoutbox] == [["organiser@example.ma"]]


def test_the_form_refuses_an_organisation_already_registered(organiser, series, cooperative):
    response = client_for(organiser).post(
        reverse("registry:create"),
        {
            "series": series.pk,
            "kind": "cooperative",
            "name_fr": "COOPERATIVE AL-AMAL",
            "province": "01.571",
            "sector": "terroir",
            "members_women": 0,
            "members_men": 0,
        },
    )
    assert response.status_code == 200
    assert "Coopérative Al Amal" in str(response.context["form"].non_field_errors())
    assert Organisation.objects.count() == 1


def test_a_fair_must_be_chosen_among_ones_own(organiser, other_series):
    response = client_for(organiser).post(
        reverse("registry:create"),
        {
            "series": other_series.pk,
            "kind": "association",
            "name_fr": "Association Amal",
            "province": "01.571",
            "sector": "services",
            "members_women": 0,
            "members_men": 0,
        },
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not Organisation.objects.exists()


def test_updating_changes_only_the_fields_given(exhibitor, cooperative, buyer):
    """The service behind the API's PUT and PATCH: what it is not given is kept, never blanked;
    a refused change leaves the organisation as it was."""
    Organisation.objects.filter(pk=cooperative.pk).update(
        contact_name="Fatima", phone="+212661223344", address="Douar Tizi"
    )
    cooperative.refresh_from_db()
    services.update_organisation(
        actor=exhibitor, organisation=cooperative, changes={"members_women": 12}
    )
    cooperative.refresh_from_db()
    assert cooperative.members_women == 12
    assert (cooperative.contact_name, cooperative.phone, cooperative.address) == (
        "Fatima",
        "+212661223344",
        "Douar Tizi",
    )
    with pytest.raises(ValidationError) as error:
        services.update_organisation(
            actor=exhibitor, organisation=cooperative, changes={"kind": "", "name_fr": "Autre"}
        )
    assert "kind" in error.value.message_dict
    assert cooperative.name_fr == "Coopérative Al Amal"  # the instance too is left as it was
    with pytest.raises(ValidationError) as error:
        services.update_organisation(
            actor=exhibitor, organisation=cooperative, changes={"slug": "ailleurs"}
        )
    assert "slug" in error.value.message_dict
    with pytest.raises((PermissionDenied, Http404)):
        services.update_organisation(
            actor=buyer, organisation=cooperative, changes={"members_women": 1}
        )
    cooperative.refresh_from_db()
    assert cooperative.members_women == 12 and cooperative.name_fr == "Coopérative Al Amal"
