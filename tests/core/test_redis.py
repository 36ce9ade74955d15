"""With REDIS_URL set, the cache and the task queue live in Redis (run by `make test` in a
process of its own, since the backends are chosen when the settings load)."""

import pytest
from django.conf import settings
from django.core.cache import caches
from django.urls import reverse
from django_tasks import task_backends

from maarid.core import auth, messaging
from maarid.core.models import OutboxMessage
from tests.conftest import make_user

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_the_settings_chose_redis():
    assert settings.REDIS_URL
    assert caches["default"].__class__.__name__ == "RedisCache"
    assert task_backends["default"].__class__.__name__ == "RQBackend"


def test_failed_logins_are_counted_in_redis_across_clients(client, django_user_model):
    from django.test import Client

    make_user("amal")
    url = reverse("core:login")
    spellings = ["amal@example.ma", "AMAL@example.ma", "amal", "Amal@Example.ma", "AMAL"]
    for n, spelling in enumerate(spellings):  # one account, however it is written
        # A new client each time: like requests landing on different web workers.
        Client().post(url, {"username": spelling, "password": f"wrong{n}"})
    assert auth.login_failures("amal@example.ma") == 5
    response = Client().post(url, {"username": "amal@example.ma", "password": "x"})
    assert response.context["form"].has_error("__all__", code="throttled")


def test_a_message_goes_through_the_rq_queue(mailoutbox):
    import django_rq
    from django_tasks_rq import Job
    from rq import SimpleWorker

    queue = django_rq.get_queue("default")
    queue.empty()
    message = messaging.email("coop@example.ma", "Bienvenue", "Bonjour")
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.QUEUED  # waiting for a worker
    worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
    worker.work(burst=True)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert mailoutbox[0].subject == "Bienvenue"
