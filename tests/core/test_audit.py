"""Every change a user makes to shared data is recorded: who, when, before and after."""

import pytest
from django.urls import reverse

from maarid.core.audit import acting_as, history
from maarid.core.models import AuditEvent
from tests.conftest import client_for, make_organisation

pytestmark = pytest.mark.django_db


def test_a_change_through_the_page_is_recorded_with_before_and_after(organiser, cooperative):
    client = client_for(organiser)
    form = client.get(reverse("registry:edit", args=[cooperative.slug])).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(name_fr="Coopérative Al Amal pour le miel", members_women=12)
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(reverse("registry:edit", args=[cooperative.slug]), data)
    assert response.status_code == 302, response.context["form"].errors
    event = history(cooperative).first()
    assert event.user == organiser and event.action == "update"
    assert event.changes["name_fr"] == ["Coopérative Al Amal", "Coopérative Al Amal pour le miel"]
    assert event.changes["members_women"] == [0, 12]
    page = client.get(reverse("registry:history", args=[cooperative.slug]))
    assert "Coopérative Al Amal pour le miel" in page.content.decode()


def test_create_and_delete_are_recorded(organiser):
    with acting_as(organiser):
        organisation = make_organisation(name_fr="Association Tifaout")
        pk = organisation.pk
        organisation.delete()
    actions = list(AuditEvent.objects.filter(object_id=str(pk)).values_list("action", flat=True))
    assert sorted(actions) == ["create", "delete"]


def test_changes_without_a_user_are_not_attributed_to_anyone(db):
    make_organisation(name_fr="Chargée par une migration")
    assert not AuditEvent.objects.exists()


def test_saving_without_changes_records_nothing(organiser, cooperative):
    with acting_as(organiser):
        cooperative.save()
    assert not history(cooperative).exists()
