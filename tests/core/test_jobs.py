"""Long jobs: a background task moves its job along, the job's page shows the progress and
polls with htmx while it runs, and only the person who started it may follow it."""

import logging

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend

from maarid.core import jobs
from maarid.core.models import Job
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def alice(db):
    return make_user("alice")


def stored(job):
    return Job.objects.get(pk=job.pk)


# Tasks the tests run (the tasks API wants them at module level) ---------------------------


@task()
def count(job_id: str, to: int):
    with jobs.running(job_id) as job:
        seen = []
        for n in range(1, to + 1):
            job.report(100 * n // (to + 1), f"{n} of {to}")
            seen.append(stored(job).progress)  # what a poll would read meanwhile
        job.result = {"counted": to, "seen": seen, "redirect": "/en/about/"}
        job.message = "Counted."


@task()
def breaks(job_id: str):
    with jobs.running(job_id) as job:
        job.report(30)
        raise ValueError("row 12: unexpected None in the password column")


@task()
def refuses(job_id: str):
    with jobs.running(job_id):
        raise jobs.Failure("This fair is closed.")


@task()
def answers_in_the_users_language(job_id: str):
    with jobs.running(job_id) as job:
        job.message = gettext("This field is required.")  # in Django's catalogues


# Running --------------------------------------------------------------------------------


def test_a_task_reports_its_progress_and_finishes(alice):
    job = jobs.start(count, kind="test.count", user=alice, series_id=7, to=3)

    assert job.status == Job.Status.DONE and job.progress == 100
    assert job.result["counted"] == 3 and job.result["seen"] == [25, 50, 75]
    assert job.message == "Counted." and job.error == ""
    assert (job.kind, job.user, job.series_id) == ("test.count", alice, 7)
    assert job.created_at <= job.started_at <= job.finished_at


def test_reports_closer_than_a_quarter_of_a_second_are_not_all_saved(alice):
    job = Job.objects.create(kind="test", user=alice)

    job.report(10)
    job.report(20)  # at once: skipped, the page polls once a second anyway
    job.report(20, "Reading the file")  # a new message is always saved

    assert (stored(job).progress, stored(job).message) == (20, "Reading the file")
    job.report(30)
    assert stored(job).progress == 20


def generic_failure(job):
    """The message people read when a job fails, in the job's language."""
    with translation.override(job.language):
        return gettext("Something went wrong and the work was not finished. Try again later.")


def test_a_failing_task_ends_failed_with_a_message_and_nothing_escapes(alice, caplog):
    job = Job.objects.create(kind="test.breaks", user=alice)

    with caplog.at_level(logging.ERROR, logger="maarid.core.jobs"):
        breaks.call(job_id=str(job.pk))  # no exception reaches the worker

    job = stored(job)
    assert job.status == Job.Status.FAILED and job.finished_at and job.progress == 30
    assert job.message == generic_failure(job)
    assert "password" not in job.message  # the details are for the staff
    assert "ValueError: row 12" in job.error
    assert "row 12" in caplog.text


def test_a_failure_meant_for_the_user_is_shown_as_it_is(alice):
    job = jobs.start(refuses, kind="test.refuses", user=alice)

    assert job.status == Job.Status.FAILED and job.message == "This fair is closed."


def test_messages_are_written_in_the_language_the_user_was_reading(alice):
    with translation.override("fr"):
        job = jobs.start(answers_in_the_users_language, kind="test.language", user=alice)

    assert job.language == "fr" and job.message == "Ce champ est obligatoire."


def test_a_job_that_cannot_be_queued_says_so_on_its_page(alice, monkeypatch):
    def queue_down(*args, **kwargs):
        raise ConnectionError("Redis is not answering")

    monkeypatch.setattr(ImmediateBackend, "enqueue", queue_down)

    job = jobs.start(count, kind="test.count", user=alice, to=3)

    assert job.status == Job.Status.FAILED and "Redis" in job.error
    assert job.message == generic_failure(job)


# Who may follow a job -----------------------------------------------------------------


def url(job):
    return reverse("core:job", args=[job.pk])


def test_only_the_person_who_started_a_job_and_superusers_see_it(alice):
    job = jobs.start(count, kind="test.count", user=alice, to=1)
    admin = make_user("admin", is_superuser=True, is_staff=True)

    # The job is done and says where its result is: the page goes there at once.
    assert client_for(alice).get(url(job)).status_code == 302
    assert client_for(admin).get(url(job) + "?stay").status_code == 200
    assert client_for(make_user("bob")).get(url(job)).status_code == 404
    assert client_for(make_user("bob2")).get(url(job), HTTP_HX_REQUEST="true").status_code == 404
    assert "login" in client_for(None).get(url(job))["Location"]


# The page -------------------------------------------------------------------------------


def test_while_the_job_runs_its_fragment_polls_itself_every_second(alice):
    job = Job.objects.create(
        kind="test", user=alice, status=Job.Status.RUNNING, progress=40, message="Row 400 of 1000"
    )

    response = client_for(alice).get(url(job), HTTP_HX_REQUEST="true")

    fragment = response.content.decode()
    assert response.status_code == 200 and "<html" not in fragment
    assert f'hx-get="{url(job)}"' in fragment
    assert 'hx-trigger="every 1s"' in fragment and 'hx-swap="outerHTML"' in fragment
    assert '<progress id="job-progress-' in fragment and 'max="100" value="40"' in fragment
    assert "40%" in fragment and "Row 400 of 1000" in fragment
    assert "HX-Redirect" not in response


def test_without_javascript_the_page_refreshes_itself_while_the_job_runs(alice):
    job = Job.objects.create(kind="test", user=alice)

    page = client_for(alice).get(url(job)).content.decode()

    assert "<html" in page and 'http-equiv="refresh"' in page and "every 1s" in page


def test_a_finished_job_stops_polling_and_sends_htmx_to_its_result(alice):
    job = jobs.start(count, kind="test.count", user=alice, to=2)

    response = client_for(alice).get(url(job), HTTP_HX_REQUEST="true")

    assert response["HX-Redirect"] == "/en/about/"
    assert "hx-trigger" not in response.content.decode()
    assert client_for(alice).get(url(job))["Location"] == "/en/about/"  # without htmx too
    page = client_for(alice).get(url(job) + "?stay").content.decode()
    assert 'href="/en/about/"' in page and 'http-equiv="refresh"' not in page


def test_a_job_only_sends_people_to_pages_of_this_site(alice):
    job = Job.objects.create(
        kind="test",
        user=alice,
        status=Job.Status.DONE,
        result={"redirect": "https://elsewhere.example/"},
    )

    response = client_for(alice).get(url(job), HTTP_HX_REQUEST="true")

    assert "HX-Redirect" not in response and "elsewhere" not in response.content.decode()


def test_a_failed_job_shows_its_message_as_an_alert(alice):
    job = jobs.start(refuses, kind="test.refuses", user=alice)

    response = client_for(alice).get(url(job), HTTP_HX_REQUEST="true")

    fragment = response.content.decode()
    assert 'role="alert">This fair is closed.' in fragment
    assert "hx-trigger" not in fragment and "HX-Redirect" not in response


def test_a_job_whose_worker_died_is_failed_visibly_when_someone_looks(organiser):
    """A worker killed mid-job (SIGKILL, a machine stopped) never finishes its job: after a
    minute without a sign of life the job says it failed instead of being in progress for
    ever. Its writes died with the worker's transaction."""
    import datetime

    from django.utils import timezone

    silent = timezone.now() - datetime.timedelta(seconds=jobs.STALE_SECONDS + 5)
    orphan = Job.objects.create(
        kind="test", user=organiser, status=Job.Status.RUNNING, started_at=silent, alive_at=silent
    )
    alive = Job.objects.create(
        kind="test", user=organiser, status=Job.Status.RUNNING, alive_at=timezone.now()
    )
    assert jobs.get_for(organiser, orphan.pk).status == Job.Status.FAILED
    assert "worker stopped" in Job.objects.get(pk=orphan.pk).error
    assert jobs.get_for(organiser, alive.pk).status == Job.Status.RUNNING


def test_a_running_job_reports_that_it_is_alive(organiser):
    job = Job.objects.create(kind="test", user=organiser, status=Job.Status.RUNNING)
    job.report(40)
    assert Job.objects.get(pk=job.pk).alive_at is not None
