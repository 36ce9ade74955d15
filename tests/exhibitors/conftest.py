"""The call for exhibitors the tests share (its settings per module: ``call_settings``), its
reviewers, and ways to make reviewed applications quickly."""

import datetime

import pytest
from django.utils import timezone

from maarid.core.access import Role
from maarid.exhibitors import services
from maarid.exhibitors.models import Application, Review
from maarid.registry.models import Membership
from tests.conftest import make_organisation, make_user, with_role


@pytest.fixture
def call_settings():
    """The call's places, the days since it opened and until it closes, and any other
    setting: a test module that needs others overrides this fixture."""
    return {"places": 3}


@pytest.fixture
def call(organiser, edition, call_settings):
    """A call for exhibitors open today."""
    given = {"opened": 10, "closes_in": 10, **call_settings}
    today = timezone.localdate()
    return services.open_call(
        actor=organiser,
        edition=edition,
        opens_on=today - datetime.timedelta(days=given.pop("opened")),
        closes_on=today + datetime.timedelta(days=given.pop("closes_in")),
        **given,
    )


@pytest.fixture
def reviewers(series):
    return [with_role(make_user(f"rev{n}"), series, Role.REVIEWER) for n in range(3)]


def applicant(series, name, **fields):
    """An organisation of the series with an active member, ready to apply."""
    organisation = make_organisation(name_fr=name, name_ar="", **fields)
    series.organisations.add(organisation)
    user = make_user(name.lower().replace(" ", "-"))
    Membership.objects.create(
        user=user, organisation=organisation, is_admin=True, status=Membership.Status.ACTIVE
    )
    return organisation, user


def submitted(call, organisation, user, submitted_at=None):
    """An application with a product and its documents, submitted."""
    application = services.start_application(actor=user, call=call, organisation=organisation)
    services.add_product(
        actor=user, application=application, name_fr="Miel de thym", price="120.00"
    )
    application.status = Application.Status.SUBMITTED
    application.submitted_at = submitted_at or timezone.now()
    application.save()
    return application


def marked(application, reviewer, mark):
    """A review giving the same mark on every criterion (so the total is that mark)."""
    review = Review.objects.create(application=application, reviewer=reviewer)
    criteria = application.call.criteria.all()
    return services.score(actor=reviewer, review=review, marks={c.pk: mark for c in criteria})


@pytest.fixture
def five(call, series, reviewers):
    """Five reviewed applicants (for the three places of the usual call): A (9) … E (5),
    submitted in that order."""
    marks = {"Coop A": 9, "Coop B": 8, "Coop C": 7, "Coop D": 6, "Coop E": 5}
    applications = {}
    for n, (name, mark) in enumerate(marks.items()):
        application = submitted(
            call,
            *applicant(series, name),
            submitted_at=timezone.now() + datetime.timedelta(minutes=n),
        )
        marked(application, reviewers[0], mark)
        marked(application, reviewers[1], mark)
        applications[name] = application
    return applications


def decisions(applications):
    """Each application's decision as stored now, by name."""
    for application in applications.values():
        application.refresh_from_db()
    return {name: a.decision for name, a in applications.items()}
