"""Every write is audited as the person whose token made it, whatever app's API it went
through: the token is checked in the view, after the middleware has run, and the audit must
still know who made the change."""

import datetime

import pytest
from django.utils import timezone

from maarid.core.audit import history
from maarid.exhibitors import services as exhibitors
from tests.conftest import api_client

pytestmark = pytest.mark.django_db


def _last_change(instance):
    return history(instance).order_by("-at", "-pk").first()


def test_an_organisation_changed_with_a_token_is_audited_as_its_member(exhibitor, cooperative):
    answer = api_client(exhibitor).patch(
        f"/api/v1/registry/organisations/{cooperative.slug}",
        {"name_fr": "Coopérative Al Amal du Rif"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    change = _last_change(cooperative)
    assert (change.user, change.action) == (exhibitor, "update")


def test_an_edition_changed_with_a_token_is_audited_as_its_organiser(organiser, edition):
    answer = api_client(organiser).patch(
        f"/api/v1/fairs/editions/{edition.series.slug}/{edition.number}",
        {"slogan_fr": "Le terroir à portée de clic"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    change = _last_change(edition)
    assert (change.user, change.action) == (organiser, "update")


def test_an_application_started_with_a_token_is_audited_as_the_applicant(
    organiser, edition, exhibitor, cooperative
):
    today = timezone.localdate()
    exhibitors.open_call(
        actor=organiser,
        edition=edition,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=10),
        places=3,
    )
    answer = api_client(exhibitor).post(
        f"/api/v1/exhibitors/editions/{edition.series.slug}/{edition.number}/applications",
        {"organisation": cooperative.slug},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    application = cooperative.applications.get()
    change = _last_change(application)
    assert (change.user, change.action) == (exhibitor, "create")
