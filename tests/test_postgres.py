"""Tests that need PostgreSQL: they run (never skip) in the PostgreSQL run of `make test`."""

import threading

import pytest
from django.db import connection, connections

from maarid.registry import services
from maarid.registry.models import Membership
from tests.conftest import make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_this_run_is_on_postgresql():
    assert connection.vendor == "postgresql"


def test_simultaneous_requests_to_join_make_one_membership(cooperative):
    user = make_user("newcomer")
    barrier = threading.Barrier(8)
    errors = []

    def ask():
        try:
            barrier.wait()
            services.request_membership(actor=user, organisation=cooperative)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Membership.objects.filter(user=user, organisation=cooperative).count() == 1
