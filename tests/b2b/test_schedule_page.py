"""The organisers' meetings page says how good the last schedule is, from the scheduler's own
bounds: optimal, or at most how many breaks more than the best possible."""

import pytest
from django.utils import translation

from maarid.b2b import selectors
from maarid.core.models import Job
from tests.conftest import client_for

from .test_meetings import accepted, page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def test_a_proven_schedule_is_called_optimal(seller, buyer_profile, exhibitor, buyer, organiser):
    accepted(seller, buyer_profile, exhibitor, buyer)
    client = client_for(organiser)
    client.post(page("schedule", seller.programme), follow=True)
    run = selectors.last_schedule_run(seller.programme)
    assert run is not None and run["optimal"] and run["breaks"] == 0 and run["gap"] == 0
    body = client.get(page("meetings", seller.programme)).content.decode()
    assert "Optimal: no schedule has fewer breaks." in body


def test_an_unproven_schedule_says_how_far_it_may_be_from_the_best(seller, organiser):
    programme = seller.programme
    Job.objects.create(
        kind="b2b.schedule",
        series_id=programme.edition.series_id,
        status=Job.Status.DONE,
        result={"status": "feasible", "breaks": 5, "bound": 3, "programme": programme.pk},
    )
    run = selectors.last_schedule_run(programme)
    assert run == {"status": "feasible", "breaks": 5, "bound": 3, "optimal": False, "gap": 2}
    body = client_for(organiser).get(page("meetings", programme)).content.decode()
    assert "Within 2 breaks of the best possible." in body


def test_no_run_yet_no_figure(seller, organiser):
    assert selectors.last_schedule_run(seller.programme) is None
    body = client_for(organiser).get(page("meetings", seller.programme)).content.decode()
    assert "Breaks in the last schedule" not in body
