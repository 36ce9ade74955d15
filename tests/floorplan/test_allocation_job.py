"""The booth allocation in the product: an organiser runs the optimiser as a background job,
reads its proposal (figures, who it could not place and why), applies it (audited), announces
the places, and a later run after late changes keeps what was announced."""

import re

import pytest
from django.urls import reverse

from maarid.core.models import AuditEvent, Job
from maarid.exhibitors.models import Exhibitor
from maarid.floorplan import selectors, services, tasks
from maarid.floorplan.geometry import BoothPlan, Plan, StructurePlan, ZonePlan, rectangle
from maarid.floorplan.models import Assignment
from maarid.registry.models import Sector
from tests.conftest import client_for, make_organisation
from tests.floorplan.conftest import square

pytestmark = pytest.mark.django_db

SETTINGS = {
    "family": 3,
    "request": 4,
    "fairness": 1,
    "rotation": 2,
    "seed": 7,
    "seconds": 2,
}


def url(name, edition, *args):
    return reverse(f"floorplan:{name}", args=[edition.series.slug, edition.number, *args])


def fair_plan() -> Plan:
    """A tent of two rows: four terroir booths (T1 with water) and three handicrafts booths
    (all 9 m²), an entrance by T1."""
    return Plan(
        outline=rectangle(0, 0, 60, 40),
        structures=[StructurePlan("A", "tent", rectangle(5, 5, 30, 20))],
        booths=[
            BoothPlan("T1", square(8, 8), structure="A", water=True),
            BoothPlan("T2", square(11, 8), structure="A"),
            BoothPlan("T3", square(14, 8), structure="A"),
            BoothPlan("T4", square(17, 8), structure="A"),
            BoothPlan("H1", square(8, 14), structure="A"),
            BoothPlan("H2", square(11, 14), structure="A"),
            BoothPlan("H3", square(14, 14), structure="A"),
        ],
        zones=[
            ZonePlan("terroir", rectangle(6, 6, 15, 6), "Terroir"),
            ZonePlan("handicrafts", rectangle(6, 13, 15, 6), "Artisanat"),
            ZonePlan("entrance", rectangle(0, 5, 4, 8), "Porte nord"),
        ],
    )


def exhibit(edition, name, sector=Sector.TERROIR, **needs):
    organisation = make_organisation(name_fr=name, name_ar=f"تعاونية {name}", sector=sector)
    return Exhibitor.objects.create(edition=edition, organisation=organisation, **needs)


@pytest.fixture
def fair(edition, organiser):
    services.save_plan(actor=organiser, edition=edition, plan=fair_plan())
    return {
        "honey": exhibit(edition, "Miel Nour", water=True),
        "oil": exhibit(edition, "Huile Zitoun"),
        "cheese": exhibit(edition, "Fromage Chefchaouen", refrigeration=True),
        "weaver": exhibit(edition, "Tissage Amal", sector=Sector.HANDICRAFTS),
        "potter": exhibit(edition, "Poterie Tétouan", sector=Sector.HANDICRAFTS),
        "carpets": exhibit(edition, "Tapis Rif", sector=Sector.HANDICRAFTS, booth_size=18),
    }


def run(client, edition, **settings):
    """Starts a run as the organiser's form does; the tests' tasks run at once."""
    response = client.post(url("allocate", edition), {**SETTINGS, **settings})
    assert response.status_code == 302
    found = re.fullmatch(r"/[a-z]{2}/jobs/([0-9a-f-]{36})/", response["Location"])
    assert found, response["Location"]
    job = Job.objects.get(pk=found.group(1))
    assert job.kind == tasks.ALLOCATE_JOB
    assert job.status == Job.Status.DONE, (job.status, job.error)
    return job


def placed(edition):
    venue = selectors.venue_of(edition)
    return {a.exhibitor_id: a.booth.number for a in Assignment.objects.filter(booth__venue=venue)}


def test_a_run_proposes_explains_and_is_applied_on_confirmation(fair, edition, organiser):
    client = client_for(organiser)
    assert url("allocate", edition) in client.get(url("venue", edition)).content.decode()
    assert client.get(url("allocate", edition)).status_code == 200
    job = run(client, edition)
    # The job's page leads to the proposal.
    assert job.result["redirect"] == url("allocation", edition, job.pk)
    page = client.get(job.result["redirect"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "4 / 6" in html  # placed out of accepted
    assert "Optimal" in html or "Within" in html
    # Who could not be placed, and why, in the reader's words.
    assert "Fromage Chefchaouen" in html
    assert "has what it needs: refrigeration" in html
    assert "Tapis Rif" in html
    assert "It needs 18 m²; the largest booth in Artisanat has 9 m²." in html
    # Nothing is written until the organiser applies it.
    assert placed(edition) == {}
    response = client.post(job.result["redirect"])
    assert response.status_code == 302
    now = placed(edition)
    assert now[fair["honey"].pk] == "T1"  # the only booth with water
    assert now[fair["oil"].pk].startswith("T")
    assert {now[fair["weaver"].pk][0], now[fair["potter"].pk][0]} == {"H"}
    assert fair["cheese"].pk not in now and fair["carpets"].pk not in now
    assert AuditEvent.objects.filter(action="allocate", user=organiser).count() == 1
    assert AuditEvent.objects.filter(model="floorplan.assignment", action="create").count() == 4


def test_the_same_seed_and_limit_give_the_same_proposal(fair, edition, organiser):
    client = client_for(organiser)
    first, second = run(client, edition), run(client, edition)
    assert first.result["booths"] == second.result["booths"]
    assert first.result["objective"] == second.result["objective"]


def test_a_rerun_after_late_changes_keeps_what_was_announced(fair, edition, organiser):
    client = client_for(organiser)
    job = run(client, edition)
    client.post(job.result["redirect"])
    assert client.post(url("announce", edition)).status_code == 302
    before = placed(edition)
    assert Assignment.objects.filter(announced=True).count() == 4
    # Late changes: a new exhibitor in each zone, and the oil cooperative's booth is fixed
    # for the newcomer of the terroir zone by hand.
    jam = exhibit(edition, "Confiture Ksar")
    clay = exhibit(edition, "Argile Ouazzane", sector=Sector.HANDICRAFTS)
    oil_booth = selectors.venue_of(edition).booths.get(number=before[fair["oil"].pk])
    services.edit_booth(actor=organiser, booth=oil_booth, fixed=jam.organisation.slug)
    again = run(client, edition, seed=8)
    result = again.result
    assert result["moved"] == [fair["oil"].pk]  # only what must move moves
    page = client.get(result["redirect"]).content.decode()
    assert "Announced places that must change" in page and "Huile Zitoun" in page
    client.post(result["redirect"])
    after = placed(edition)
    for key in ("honey", "weaver", "potter"):
        assert after[fair[key].pk] == before[fair[key].pk]
    assert after[jam.pk] == oil_booth.number
    assert after[fair["oil"].pk] != oil_booth.number and after[clay.pk].startswith("H")
    kept = Assignment.objects.filter(exhibitor=fair["honey"]).get()
    assert kept.announced  # unchanged places stay announced; the moved one is not
    assert not Assignment.objects.get(exhibitor=fair["oil"]).announced


def test_a_stale_proposal_is_refused_with_nothing_written(fair, edition, organiser):
    client = client_for(organiser)
    job = run(client, edition)
    # After the run, the honey's booth loses its water: the proposal breaks a rule now.
    booth = selectors.venue_of(edition).booths.get(number="T1")
    services.edit_booth(actor=organiser, booth=booth, water=False)
    response = client.post(job.result["redirect"], follow=True)
    assert "no longer keeps the rules" in response.content.decode()
    assert placed(edition) == {}


def test_bad_settings_come_back_with_a_400(fair, edition, organiser):
    response = client_for(organiser).post(url("allocate", edition), {**SETTINGS, "seconds": 0})
    assert response.status_code == 400
    assert not Job.objects.exists()


def test_only_the_organiser_who_ran_it_sees_a_proposal(
    fair, edition, organiser, exhibitor, other_organiser
):
    job = run(client_for(organiser), edition)
    for user in (exhibitor, other_organiser):
        assert client_for(user).get(url("allocation", edition, job.pk)).status_code in (403, 404)
        assert client_for(user).post(url("allocation", edition, job.pk)).status_code in (403, 404)
    assert placed(edition) == {}
