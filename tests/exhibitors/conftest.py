"""A call for exhibitors open today, and a way to make reviewed applications quickly."""

import datetime

import pytest
from django.utils import timezone

from maarid.core.access import Role
from maarid.exhibitors import services
from maarid.exhibitors.models import Application, Review
from maarid.registry.models import Membership
from tests.conftest import make_organisation, make_user, with_role


@pytest.fixture
def call(organiser, edition):
    today = timezone.localdate()
    return services.open_call(
        actor=organiser,
        edition=edition,
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=10),
        places=3,
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
