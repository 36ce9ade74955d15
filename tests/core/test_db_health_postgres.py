"""The health check of kept PostgreSQL connections (maarid.core.backends.postgresql): a
connection the server closed (a restart, an administrator) is replaced before a request uses
it, without a round trip for the healthy ones."""

import time

import pytest
from django.db import connection, connections

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def kept():
    """A second connection to the test database, kept the way a web worker keeps its own."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    wrapper.health_check_enabled = True
    yield wrapper
    wrapper.close()


def cut(wrapper):
    """The server closes the connection, as when PostgreSQL restarts."""
    pid = wrapper.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(0.2)  # the server's last words reach the socket


def test_a_kept_idle_connection_is_usable_without_asking_the_server(kept, monkeypatch):
    with kept.cursor() as cursor:
        cursor.execute("SELECT 1")

    def no_statement(*args, **kwargs):
        raise AssertionError("the health check sent a statement")

    monkeypatch.setattr(kept.connection, "cursor", no_statement)
    monkeypatch.setattr(kept.connection, "execute", no_statement)
    assert kept.is_usable()


def test_a_connection_the_server_closed_is_not_usable(kept):
    cut(kept)
    assert not kept.is_usable()


def test_the_next_request_after_a_restart_gets_a_new_connection_and_its_answer(kept):
    first = kept.connection.info.backend_pid
    cut(kept)
    kept.health_check_done = False  # what the start of each request does
    with kept.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (now,) = cursor.fetchone()
    assert now != first


def test_a_connection_left_in_a_failed_transaction_is_not_usable(kept):
    kept.connection.autocommit = False
    with pytest.raises(Exception), kept.connection.cursor() as cursor:  # noqa: B017
        cursor.execute("SELECT 1/0")
    assert not kept.is_usable()
    kept.connection.rollback()
    assert kept.is_usable()
