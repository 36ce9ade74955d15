"""B2B fixtures: a two-day programme at the edition, the cooperative exhibiting as a seller,
the buyer's company, and another seller and buyer to be kept out of each other's business."""

import datetime

import pytest

from maarid.b2b import services
from maarid.exhibitors.models import Exhibitor
from maarid.registry.models import Kind, Membership, Sector
from tests.conftest import make_organisation, make_user


@pytest.fixture
def programme(edition, organiser):
    return services.set_up(
        actor=organiser,
        edition=edition,
        days=[edition.starts_on, edition.starts_on + datetime.timedelta(days=1)],
        starts_at=datetime.time(10),
        ends_at=datetime.time(12),
        afternoon_from=datetime.time(11),
        slot_minutes=20,
        tables=3,
        big_tables=1,
        big_capacity=4,
    )


@pytest.fixture
def seller(programme, cooperative, exhibitor):
    Exhibitor.objects.create(edition=programme.edition, organisation=cooperative)
    return services.save_profile(
        actor=exhibitor,
        programme=programme,
        organisation=cooperative,
        description_fr="Huile d'argan biologique et amlou, pressée à froid.",
        description_ar="زيت أركان بيولوجي وأملو",
        offers="Huile d'argan cosmétique et alimentaire, 2 000 litres par an",
        sectors=["terroir"],
        languages=["ar", "fr"],
    )


@pytest.fixture
def buyer_profile(programme, buyer):
    company = buyer.memberships.get().organisation
    return services.save_profile(
        actor=buyer,
        programme=programme,
        organisation=company,
        seeks="Huile d'argan biologique pour l'export vers l'Espagne",
        sectors=["terroir"],
        languages=["fr", "es"],
    )


def run_schedule(programme):
    """Places the accepted meetings as the scheduler's job does."""
    result = services.solve(programme=programme, time_limit=10)
    return services.save_schedule(programme=programme, result=result)


def member_of(organisation, username):
    user = make_user(username)
    Membership.objects.create(user=user, organisation=organisation, status="active")
    return user


@pytest.fixture
def other_seller(programme):
    """Another exhibiting cooperative, with its member (returns the profile; ``.user``)."""
    cooperative = make_organisation(
        kind=Kind.COOPERATIVE, name_fr="Coopérative Tissage Chefchaouen", sector=Sector.HANDICRAFTS
    )
    Exhibitor.objects.create(edition=programme.edition, organisation=cooperative)
    user = member_of(cooperative, "weaver")
    profile = services.save_profile(
        actor=user,
        programme=programme,
        organisation=cooperative,
        offers="Tapis et couvertures tissés main",
        languages=["ar"],
    )
    profile.user = user
    return profile


@pytest.fixture
def other_buyer(programme):
    platform = make_organisation(
        kind=Kind.PLATFORM, name_fr="Souk en ligne", sector=Sector.DISTRIBUTION, ice=""
    )
    user = member_of(platform, "platform")
    profile = services.save_profile(
        actor=user,
        programme=programme,
        organisation=platform,
        seeks="Produits du terroir à vendre en ligne",
        languages=["fr"],
    )
    profile.user = user
    return profile
