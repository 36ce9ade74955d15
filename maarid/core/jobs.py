"""Long jobs (imports, optimisers, batches of PDFs): a background task and the ``Job`` row that
its page polls to show the progress.

A view starts the work and sends the user to the job's page::

    return jobs.start_and_show(request, check_file, kind="registry.import.preview", path=...)

and the task, a django-tasks ``@task()`` taking ``job_id`` besides its own arguments, moves
the job along (a job that makes a file ends with ``jobs.offer(job, url, message)`` instead of
a redirect: its page then offers the download)::

    @task()
    def check_file(job_id, path):
        with jobs.running(job_id) as job:
            for n, row in enumerate(rows):
                job.report(100 * n // len(rows))
            job.result = {"rows": len(rows), "redirect": "/fr/…"}
            job.message = gettext("The file has been checked.")

Inside ``running`` the language is the one the user was reading when the job started, so the
messages it writes are translated for them. An exception ends the job as failed: its text goes
to the log and to ``Job.error`` (for the staff), the user reads a generic message, or the
message of a ``jobs.Failure`` raised on purpose. Nothing escapes to the worker.

Call ``start`` outside a transaction (views run in autocommit): a worker on another machine
must find the job row when the task arrives.
"""

import datetime
import logging
import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Job

log = logging.getLogger(__name__)

Status = Job.Status


class Failure(Exception):
    """Ends a job as failed with a message meant for the user (already translated)."""


def start(task, *, kind: str, user, series_id=None, **kwargs) -> Job:
    """Creates the job and enqueues ``task(job_id=…, **kwargs)``. The kwargs must be
    JSON-serialisable: the database and RQ backends store them."""
    user = user if user is not None and user.is_authenticated else None
    language = translation.get_language() or getattr(user, "language", settings.LANGUAGE_CODE)
    job = Job.objects.create(kind=kind, user=user, series_id=series_id, language=language)
    try:
        result = task.enqueue(job_id=str(job.pk), **kwargs)
    except Exception as exc:  # the queue is down: the job's page says so rather than a 500
        log.exception("job %s (%s) could not be queued", job.pk, kind)
        _finish(job, Status.FAILED, error=f"{type(exc).__name__}: {exc}", message=_failed())
    else:
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()  # an immediate backend has already run it
    return job


def start_and_show(request, task, *, kind: str, series_id=None, **kwargs) -> HttpResponseRedirect:
    """Starts the job for the request's user (see ``start``) and sends them to its page."""
    job = start(task, kind=kind, user=request.user, series_id=series_id, **kwargs)
    return redirect(job)


@contextmanager
def running(job_id):
    """Marks the job running for the duration of the block, then done, or failed if the block
    raised (the exception does not propagate). Yields the ``Job``: call ``job.report(percent,
    message)`` as it goes and set ``job.result`` and ``job.message`` before the end."""
    job = Job.objects.get(pk=job_id)
    with translation.override(job.language):
        job.status, job.started_at = Status.RUNNING, timezone.now()
        job.message = _("In progress…")
        Job.objects.filter(pk=job.pk).update(
            status=job.status,
            started_at=job.started_at,
            alive_at=job.started_at,
            message=job.message,
        )
        heartbeat = _Heartbeat(job.pk)
        try:
            yield job
        except Failure as failure:
            log.info("job %s (%s) failed: %s", job.pk, job.kind, failure)
            _finish(job, Status.FAILED, error=str(failure), message=str(failure))
        except Exception as exc:
            log.exception("job %s (%s) failed", job.pk, job.kind)
            _finish(job, Status.FAILED, error=f"{type(exc).__name__}: {exc}", message=_failed())
        else:
            _finish(job, Status.DONE, progress=100, message=job.message or _("Done."))
        finally:
            heartbeat.stop()


# A running job says it is alive this often; one silent for STALE_SECONDS lost its worker
# (killed, or its machine stopped) and is failed when someone looks at it.
HEARTBEAT_SECONDS = 10
STALE_SECONDS = 60


class _Heartbeat:
    """Stamps ``Job.alive_at`` from a thread of its own while the job's block runs, however
    long one of its steps takes. Not when the job runs inside a transaction (an immediate
    backend, in tests): it then lives and dies with the request that runs it."""

    def __init__(self, job_id):
        self._done = threading.Event()
        self._thread = None
        if not connection.in_atomic_block:
            self._thread = threading.Thread(target=self._beat, args=(job_id,), daemon=True)
            self._thread.start()

    def _beat(self, job_id):
        try:
            while not self._done.wait(HEARTBEAT_SECONDS):
                Job.objects.filter(pk=job_id, status=Status.RUNNING).update(alive_at=timezone.now())
        except Exception:  # the database is away: the job's own block will say so
            log.warning("job %s: heartbeat stopped", job_id, exc_info=True)
        finally:
            connection.close()

    def stop(self):
        self._done.set()
        if self._thread is not None:
            self._thread.join(timeout=HEARTBEAT_SECONDS)


def reap(job: Job) -> Job:
    """A job "in progress" whose worker has given no sign of life for STALE_SECONDS is failed,
    visibly: its worker was killed mid-way, and a task that was running is not run again.
    Its writes were in a transaction that died with the worker: nothing is half-done."""
    if job.status != Status.RUNNING:
        return job
    alive = job.alive_at or job.started_at
    limit = timezone.now() - datetime.timedelta(seconds=STALE_SECONDS)
    if alive is None or alive >= limit:
        return job
    with translation.override(job.language):
        message = _failed()
    error = f"The worker stopped while running the job (last sign of life {alive.isoformat()})."
    if Job.objects.filter(pk=job.pk, status=Status.RUNNING, alive_at=job.alive_at).update(
        status=Status.FAILED, finished_at=timezone.now(), message=message, error=error
    ):
        log.warning("job %s (%s): %s", job.pk, job.kind, error)
    job.refresh_from_db()
    return job


def _failed() -> str:
    return _("Something went wrong and the work was not finished. Try again later.")


def _finish(job, status, *, message, error="", progress=None):
    job.status, job.finished_at = status, timezone.now()
    job.message, job.error = str(message)[:300], error[:5000]
    if progress is not None:
        job.progress = progress
    Job.objects.filter(pk=job.pk).update(
        status=job.status,
        finished_at=job.finished_at,
        message=job.message,
        error=job.error,
        progress=job.progress,
        result=job.result,
    )


def offer(job: Job, url: str, message: str) -> None:
    """Ends a job with a file to download from ``url`` (the page that made the job, which
    checks again who asks): the job's page stops there and offers it, where a ``redirect``
    would send the browser on, and a poll that downloads would download again each second."""
    job.result = {**(job.result or {}), "download": url}
    job.message = message


def visible_to(user):
    """The jobs a user may follow: their own; every job for a superuser."""
    if user is None or not user.is_authenticated:
        return Job.objects.none()
    if user.is_superuser:
        return Job.objects.all()
    return Job.objects.filter(user=user)


def get_for(user, pk, kind=None) -> Job:
    """The user's job, or 404: other people's jobs are not even said to exist."""
    jobs = visible_to(user)
    if kind is not None:
        jobs = jobs.filter(kind=kind)
    try:
        job = jobs.get(pk=pk)
    except (Job.DoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404 from None
    return reap(job)
