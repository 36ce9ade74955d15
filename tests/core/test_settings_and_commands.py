"""Production settings, `maarid check --deploy`, backup and restore."""

import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from maarid.registry.models import Organisation
from tests.conftest import make_organisation


def maarid(*args, env=None, tmp_path=None):
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "SECRET_KEY",
            "REDIS_URL",
            "MAARID_ENV",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    base["MAARID_DATA_DIR"] = str(tmp_path)
    base.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "maarid.cli", *args],
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "MAARID_ENV": "production",
    "SECRET_KEY": "k" * 20 + "-Z9x!q" * 10,
    "ALLOWED_HOSTS": "salon.example.ma",
}


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = maarid("check", env={"MAARID_ENV": "production"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("redirect", ["1", "0"])
def test_check_deploy_is_clean_in_production(tmp_path, redirect):
    env = {**PRODUCTION, "MAARID_HTTPS_REDIRECT": redirect, "MAARID_BEHIND_PROXY": "1"}
    result = maarid("check", "--deploy", "--fail-level", "WARNING", env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_demo_keeps_its_generated_secret_key(tmp_path):
    maarid("check", tmp_path=tmp_path)
    key = (tmp_path / "secret_key").read_text()
    maarid("check", tmp_path=tmp_path)
    assert (tmp_path / "secret_key").read_text() == key and len(key) > 40


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_bring_back_the_data_and_the_files(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    (tmp_path / "uploads").mkdir()
    (tmp_path / "uploads" / "statuts.pdf").write_bytes(b"%PDF-1.4 test")
    make_organisation(name_fr="Coopérative sauvegardée")
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))
    Organisation.objects.all().delete()
    (tmp_path / "uploads" / "statuts.pdf").unlink()
    call_command("restore", str(archive), "--yes")
    assert Organisation.objects.filter(name_fr="Coopérative sauvegardée").exists()
    assert (tmp_path / "uploads" / "statuts.pdf").read_bytes() == b"%PDF-1.4 test"


def test_the_maarid_command_accepts_dashes(tmp_path):
    result = maarid("help", "check", tmp_path=tmp_path)
    assert result.returncode == 0
    result = maarid("show-urls", tmp_path=tmp_path)  # unknown: Django's own message
    assert "Unknown command: 'show_urls'" in result.stderr


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_runs_the_site_and_its_worker_and_stops_cleanly(tmp_path):
    import signal
    import threading
    import time
    import urllib.request

    assert maarid("migrate", "-v0", tmp_path=tmp_path).returncode == 0
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(MAARID_DATA_DIR=str(tmp_path), MAARID_ENV="development")
    server = subprocess.Popen(
        [sys.executable, "-m", "maarid.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    # Read the output as it comes, to wait for the task worker to start before stopping (it
    # starts beside the web workers, and may come up after the first page is served).
    reader = threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True)
    reader.start()
    try:
        page = None
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/fr/", timeout=2) as r:
                    page = r.read().decode()
                break
            except OSError:
                time.sleep(0.5)
        assert page and 'lang="fr"' in page
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/core/maarid.css") as r:
            assert r.status == 200  # whitenoise serves the static files

        def workers_started():
            return sum("Starting worker" in line for line in lines)

        for _ in range(120):
            if workers_started():
                break
            time.sleep(0.25)
        # A task worker that dies (as the database worker does when PostgreSQL restarts) is
        # started again, and the site goes on.
        os.kill(child_running(server.pid, "db_worker"), signal.SIGKILL)
        for _ in range(120):
            if workers_started() == 2:
                break
            time.sleep(0.25)
        assert workers_started() == 2
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        reader.join(timeout=10)
    assert server.returncode == 0
    assert "Starting worker" in "".join(lines)  # the task worker ran beside the web workers


def child_running(parent: int, word: str) -> int:
    """The pid of a child process of ``parent`` whose command line holds ``word``."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                command = f.read().decode(errors="replace")
        except OSError:
            continue
        if ppid == parent and word in command:
            return int(entry)
    raise AssertionError(f"no child of {parent} runs {word}")
