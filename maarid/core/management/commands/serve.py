"""Serves Maarid: gunicorn web workers (static files by whitenoise) and the task worker."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

WORKER_RESTART_PAUSE = 2  # seconds: a worker that dies at once must not spin


class Command(BaseCommand):
    help = "Serve Maarid with gunicorn and the background task worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("MAARID_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("MAARID_THREADS", "4"))
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start a task worker (run it on another machine)",
        )

    def handle(self, *args, **options):
        # In production this also compresses and fingerprints the files: it takes some seconds.
        self.stdout.write("Collecting static files…")
        call_command("collectstatic", interactive=False, verbosity=0)
        bin_dir = os.path.dirname(sys.executable)
        web = [
            os.path.join(bin_dir, "gunicorn"),
            "maarid.wsgi:application",
            "--bind",
            f"{options['host']}:{options['port']}",
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--worker-class",
            "gthread",
            "--access-logfile",
            "-" if settings.DEBUG else "/dev/null",
            "--graceful-timeout",
            "10",
        ]
        server = subprocess.Popen(web)  # noqa: S603
        worker = None if options["no_worker"] else subprocess.Popen(worker_command())  # noqa: S603
        stop = []

        def _stop(signum, frame):
            stop.append(signum)

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        try:
            while not stop and server.poll() is None:
                if worker is not None and worker.poll() is not None:
                    # The database worker exits on a lost connection (PostgreSQL restarted);
                    # the pages go on, and a new worker takes the queue again.
                    self.stderr.write(f"The task worker stopped ({worker.returncode}): restarted.")
                    time.sleep(WORKER_RESTART_PAUSE)
                    worker = subprocess.Popen(worker_command())  # noqa: S603
                time.sleep(0.5)
        finally:
            children = [c for c in (server, worker) if c is not None]
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
        if not stop:  # gunicorn itself died: say so to systemd, which restarts the service
            raise SystemExit(f"The web server stopped ({server.returncode}).")


def worker_command() -> list[str]:
    """The task worker for the configured backend: RQ on Redis, else the database worker."""
    manage = [sys.executable, "-m", "maarid.cli"]
    if settings.REDIS_URL:
        return [*manage, "rqworker", "default", "--job-class", "django_tasks_rq.Job"]
    return [*manage, "db_worker", "--queue-name", "default"]
