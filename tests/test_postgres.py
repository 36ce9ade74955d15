"""Tests that need PostgreSQL: they run (never skip) in the PostgreSQL run of `make test`."""

import pytest
from django.db import connection

from maarid.registry import services
from maarid.registry.models import Membership
from tests.concurrency import at_once
from tests.conftest import make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_this_run_is_on_postgresql():
    assert connection.vendor == "postgresql"


def test_simultaneous_requests_to_join_make_one_membership(cooperative):
    user = make_user("newcomer")
    _results, errors = at_once(
        8, lambda i: services.request_membership(actor=user, organisation=cooperative)
    )
    assert not errors
    assert Membership.objects.filter(user=user, organisation=cooperative).count() == 1
