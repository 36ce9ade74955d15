"""Law 09-08: an organiser exports or erases one person's data, within their own fairs."""

import json

import pytest
from django.urls import reverse

from maarid.core.models import AuditEvent
from maarid.registry.models import Membership
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_an_organiser_exports_a_members_data(organiser, exhibitor):
    response = client_for(organiser).get(reverse("core:person-export", args=[exhibitor.pk]))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["account"]["email"] == "exhibitor@example.ma"
    assert data["memberships"][0]["organisation"]
    assert AuditEvent.objects.filter(action="export", object_id=str(exhibitor.pk)).exists()


def test_an_organiser_erases_a_members_data(organiser, exhibitor):
    response = client_for(organiser).post(reverse("core:person-erase", args=[exhibitor.pk]))
    assert response.status_code == 302
    exhibitor.refresh_from_db()
    assert exhibitor.email is None and exhibitor.first_name == "" and not exhibitor.is_active
    assert exhibitor.erased_at is not None
    assert not Membership.objects.filter(user=exhibitor).exists()


def test_another_regions_organiser_cannot_reach_the_person(other_organiser, exhibitor):
    client = client_for(other_organiser)
    assert client.get(reverse("core:person-export", args=[exhibitor.pk])).status_code == 404
    assert client.post(reverse("core:person-erase", args=[exhibitor.pk])).status_code == 404
    exhibitor.refresh_from_db()
    assert exhibitor.is_active


def test_an_exhibitor_cannot_export_anyone(exhibitor, organiser):
    response = client_for(exhibitor).get(reverse("core:person-export", args=[organiser.pk]))
    assert response.status_code == 403
