"""A venue to work on: a 30 × 20 m tent of 3 × 3 m booths on a 60 × 40 m site."""

import pytest
from django.utils import translation

from maarid.floorplan import geojson, services
from maarid.floorplan.geometry import BoothPlan, Plan, StructurePlan, ZonePlan, rectangle


@pytest.fixture(autouse=True)
def in_english(settings):
    """These tests read the messages in English: pages, API answers and services alike."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def square(x, y, side=3.0):
    return rectangle(x, y, side, side)


def small_plan() -> Plan:
    """A site, one tent A with three booths in a row, a stage zone."""
    return Plan(
        outline=rectangle(0, 0, 60, 40),
        latitude=35.5785,
        longitude=-5.3684,
        structures=[StructurePlan("A", "tent", rectangle(5, 5, 30, 20))],
        booths=[
            BoothPlan("A1", square(8, 8), structure="A", electricity=True),
            BoothPlan("A2", square(11, 8), structure="A", water=True),
            BoothPlan("A3", square(14, 8), kind="corner", structure="A", refrigeration=True),
        ],
        zones=[ZonePlan("stage", rectangle(40, 5, 10, 10), "Grande scène")],
    )


def document(plan: Plan | None = None) -> dict:
    return geojson.write(plan or small_plan())


@pytest.fixture
def venue(edition, organiser):
    return services.save_plan(actor=organiser, edition=edition, plan=small_plan())
