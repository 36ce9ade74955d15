"""Benchmark: the sales ledger under faults, one fault per phase, 16 phones selling throughout.

A PostgreSQL and a Redis of the bench's own (on free ports of 127.0.0.1, in a temporary folder:
the machine's PostgreSQL on 5432 and Redis on 6379, which colleagues' tests use, are never
touched), migrated; the point of sale's edition of ``bench/pos.py``; ``maarid serve --workers
2`` in production mode, kept running the way systemd's ``Restart=always`` would (when it exits,
it is started again and the exit is reported). In each phase the ledger is emptied, then 16
phones sell without pause, 8 by single sales and 8 by batch sync of 50, retrying as the sales
app does (after a network error, a timeout or a 5xx: the same sales again, same UUIDs, until
acknowledged), and one fault is injected:

- ``pg_restart``: PostgreSQL restarted (a fast shutdown, every session cut, then started: what
  ``pg_ctlcluster restart`` does);
- ``web_worker_kill``: a gunicorn web worker (a child of the gunicorn master) killed with
  SIGKILL while batches are in flight;
- ``task_worker_kill``: the task worker killed with SIGKILL in the middle of a real job, an
  import of organisations (checked, then saved all or none) started through the import page
  by an organiser's session; then the job must end visibly (done, or failed with a message),
  and its organisations be all there or none;
- ``redis_stop``: with ``REDIS_URL`` (cache and task queue on Redis, RQ worker), Redis stopped
  (``redis-cli shutdown nosave``) for 5 s, then started again; a job started during the
  outage must say it failed, and one started after it must run.

After each fault the phones keep selling a few seconds, then stop and retry what is pending
until acknowledged (or a deadline), and the ledger is checked against every acknowledged sale:
present exactly once, same total to the centime, stock lowered by exactly what was sold. In
every phase a small job is started after the fault to show the task worker still runs jobs.

The first three faults hit a server on the database's task queue (``db_worker``), the last
one a second server started beside it with ``REDIS_URL`` (an RQ worker), each with a data
folder of its own.

Prints one JSON line per fault: ``{"bench": "faults", "fault", "acknowledged", "lost",
"doubled", "recovered_s", ...}``: ``recovered_s`` is the time from the fault to the first
acknowledgement of a request sent after it, ``longest_gap_s`` the longest time without any
acknowledgement (the outage as the phones lived it), ``healthy_after_s`` the time until the web
workers and the task worker were all up again, ``serve_exits`` the exits of ``maarid serve``,
``errors`` the failed tries by kind, then what the fault's jobs did. Logs go to stderr. Stops
by itself within 10 minutes (about 6 on 2 cores).
``.venv/bin/python bench/faults.py [--only pg_restart,redis_stop] [--after 8]``.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    WORKERS,
    Run,
    free_port,
    log,
    note,
    session,
    start_redis,
    start_server,
    stop_server,
)
from bench.pos import BATCH, CLIENTS, SEED, SERIES, GaveUp, Phone, check_ledger  # noqa: E402
from bench.pos import prepare as prepare_phones  # noqa: E402

FAULTS = ("pg_restart", "web_worker_kill", "task_worker_kill", "redis_stop")
BEFORE = 5  # seconds of selling before the fault
AFTER = 8  # seconds of selling after the fault (then until the server is whole again)
REDIS_DOWN = 5  # seconds Redis stays stopped
DRAIN = 45  # seconds the phones keep retrying what is pending once they stop selling
JOB_WAIT = 20  # seconds a job has to end (or to run again) once the fault is over
ORPHAN_WAIT = 120  # seconds for a job whose worker was killed to say it failed (60 s silent)
IMPORT_ROWS = 1500  # organisations in the long import job
READY = "/api/v1/search?q=miel"
START = 240  # seconds a start of maarid serve may take (it compresses the static files)
PASSWORD = "bench-organiser-password-2024"  # noqa: S105 (a throwaway account of the bench)


# --- Services of the bench's own -------------------------------------------------------------


class Postgres:
    """A PostgreSQL cluster in a temporary folder, run as the ``postgres`` user when the bench
    runs as root; ``restart`` is a fast shutdown (sessions cut, open transactions rolled back)
    and a start, as ``pg_ctlcluster restart`` does."""

    def __init__(self, folder: Path, servers: list):
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not found:
            raise SystemExit("PostgreSQL's server is missing: apt-get install postgresql")
        self.bin, self.folder, self.servers = found[-1].parent, folder / "pg", servers
        self.port, self.process = free_port(), None
        self.user = {"user": "postgres", "group": "postgres"} if os.geteuid() == 0 else {}
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/maarid_faults"

    def init(self):
        self.folder.mkdir()
        if self.user:
            shutil.chown(self.folder, "postgres", "postgres")
            self.folder.parent.chmod(0o711)
        command = [str(self.bin / "initdb"), "-D", str(self.folder), "-U", "postgres"]
        command += ["-A", "trust", "-E", "UTF8", "--locale", "C.UTF-8", "--no-sync"]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, **self.user)  # noqa: S603

    def start(self):
        command = [str(self.bin / "postgres"), "-D", str(self.folder), "-p", str(self.port)]
        command += ["-h", "127.0.0.1", "-k", str(self.folder), "-c", "max_connections=200"]
        with open(self.folder.parent / "postgres.log", "ab") as output:
            self.process = subprocess.Popen(  # noqa: S603
                command,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **self.user,
            )
        self.servers.append(self.process)
        ready = [str(self.bin / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if subprocess.run(ready, check=False).returncode == 0:  # noqa: S603
                return
            time.sleep(0.1)
        raise SystemExit("the bench's PostgreSQL did not start")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # fast shutdown
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def restart(self):
        self.stop()
        self.start()


class Redis:
    """A Redis of the bench's own, stopped as an operator would (``redis-cli shutdown
    nosave``) and started again empty."""

    def __init__(self, folder: Path, servers: list):
        self.folder, self.servers, self.port = folder, servers, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = start_redis(self.port, self.folder, self.servers)

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        command = ["redis-cli", "-h", "127.0.0.1", "-p", str(self.port), "shutdown", "nosave"]
        subprocess.run(command, check=False, capture_output=True, timeout=10)  # noqa: S603
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Supervisor:
    """``maarid serve`` started again whenever it exits, as systemd's ``Restart=always``
    would; every exit is recorded (when, exit code) to be reported."""

    def __init__(self, env: dict, port: int, log_path: Path, servers: list):
        self.env, self.port, self.log_path, self.servers = env, port, log_path, servers
        self.process, self.exits, self.running = None, [], False
        self.thread = None

    def start(self):
        try:
            self.process = start_server(self.env, self.port, self.log_path, READY, wait=START)
        except SystemExit as error:
            note(f"{self.log_path.name}: {error}")
            return
        self.servers.append(self.process)
        self.running = True
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self):
        while self.running:
            code = self.process.poll()
            if code is not None and self.running:
                self.exits.append({"at": time.monotonic(), "code": code})
                note(f"{self.log_path.stem} exited (code {code}): starting it again")
                try:
                    self.process = start_server(
                        self.env, self.port, self.log_path, READY, wait=START
                    )
                except SystemExit as error:
                    note(f"{self.log_path.stem} could not be started again: {error}")
                    self.running = False
                    return
                self.servers.append(self.process)
                note(f"{self.log_path.stem} answers again")
            time.sleep(0.2)

    def stop(self):
        self.running = False
        if self.thread is not None:
            self.thread.join()
        if self.process is not None:
            stop_server(self.process)

    def exits_since(self, moment: float) -> list:
        return [
            {"after_s": round(e["at"] - moment, 2), "code": e["code"]}
            for e in self.exits
            if e["at"] >= moment
        ]

    def wait_healthy(self, seconds) -> float | None:
        """When the server, its web workers and its task worker were all up and it answered."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if (
                self.process.poll() is None
                and self.task_worker() is not None
                and len(self.web_workers()) >= WORKERS
                and _answers(self.port)
            ):
                return time.monotonic()
            time.sleep(0.2)
        return None

    def task_worker(self) -> int | None:
        return next(iter(_children(self.process.pid, ("db_worker", "rqworker"))), None)

    def web_workers(self) -> list[int]:
        masters = _children(self.process.pid, ("gunicorn",))
        return _children(masters[0], ()) if masters else []


def _children(pid: int, words: tuple) -> list[int]:
    """The processes whose parent is ``pid`` and whose command line holds one of ``words``
    (any, when empty), read from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid and (not words or any(word in command for word in words)):
            found.append(int(stat.parent.name))
    return sorted(found)


def _answers(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", READY)
        return conn.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


# --- The phones ---------------------------------------------------------------------------------


class Load:
    """16 phones selling without pause until ``stop``: the even ones by single sales, the odd
    ones by batches; each request retried until acknowledged or ``deadline``."""

    def __init__(self, phones: list, budget: float):
        self.phones, self.budget = phones, budget
        self.selling = threading.Event()
        self.lock = threading.Lock()
        self.answers = []  # (sent, answered) of each acknowledged request
        self.in_flight = Counter()
        self.mismatched = self.unacknowledged = 0
        self.threads = []

    def start(self):
        self.deadline = time.monotonic() + self.budget
        self.selling.set()
        for n, phone in enumerate(self.phones):
            thread = threading.Thread(target=self._sell, args=(phone, n % 2 == 1), daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self, drain: float):
        """Stops new sales; waits until every pending one is acknowledged, ``drain`` s at most."""
        self.deadline = min(self.deadline, time.monotonic() + drain)
        self.selling.clear()
        for thread in self.threads:
            thread.join(timeout=max(0.0, self.deadline - time.monotonic()) + 15)

    def _sell(self, phone: Phone, batch: bool):
        while self.selling.is_set():
            sales = [phone.sale() for _ in range(BATCH if batch else 1)]
            path = "/api/v1/sales/sync" if batch else "/api/v1/sales/sales"
            body = {"sales": [s for s, _t in sales]} if batch else sales[0][0]
            kind = "batch" if batch else "single"
            with self.lock:
                self.in_flight[kind] += 1
            try:
                _seconds, _tries, answer = phone.post(path, body, deadline=self.deadline)
            except GaveUp:
                with self.lock:
                    self.unacknowledged += len(sales)
                return
            finally:
                with self.lock:
                    self.in_flight[kind] -= 1
            results = answer["results"] if batch else [answer]
            mismatched = 0
            for (sale, total), result in zip(sales, results, strict=True):
                if result["uuid"] != sale["uuid"] or Decimal(result["total"]) != total:
                    mismatched += 1
                phone.acknowledged[sale["uuid"]] = total
            with self.lock:
                self.answers.append(phone.answered)
                self.mismatched += mismatched

    def figures(self, fault_at: float) -> dict:
        after = [answered for sent, answered in self.answers if sent >= fault_at]
        moments = sorted(answered for _sent, answered in self.answers)
        gaps = [b - a for a, b in zip(moments, moments[1:], strict=False)]
        failures = Counter()
        for phone in self.phones:
            failures.update(phone.failures)
        return {
            "recovered_s": round(min(after) - fault_at, 2) if after else None,
            "longest_gap_s": round(max(gaps), 2) if gaps else None,
            "requests": len(self.answers),
            "failed_tries": sum(failures.values()),
            "errors": dict(sorted(failures.items())),
            "unacknowledged": self.unacknowledged,
            "mismatched_answers": self.mismatched,
            "still_retrying": sum(self.in_flight.values()),
        }


def new_phones(port: int, phase: int) -> list[Phone]:
    """The edition's ledger emptied and new phones registered (fresh seeds: fresh UUIDs)."""
    setups = _db(prepare_phones)
    from django.db import connections

    connections.close_all()
    phones = [Phone(port, setup, SEED + 1000 * phase + n) for n, setup in enumerate(setups)]
    for phone in phones:
        phone.timeout = 10
    assert len(phones) == CLIENTS
    return phones


def _db(work, tries=30):
    """Runs ``work`` on a fresh database connection, trying again while the database is away."""
    from django.db import connections
    from django.db.utils import InterfaceError, OperationalError

    for attempt in range(tries):
        connections.close_all()
        try:
            return work()
        except (OperationalError, InterfaceError):
            if attempt == tries - 1:
                raise
            time.sleep(1)
    return None


# --- An organiser's browser, for jobs started through the pages ---------------------------------


class Browser:
    """Cookies, the CSRF token and forms: enough to sign in and start an import as a person."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method, path, body=None, headers=None, port=None):
        conn = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=30)
        try:
            cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, path, body, {"Cookie": cookie, **(headers or {})})
            response = conn.getresponse()
            page = response.read().decode(errors="replace")
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _sep, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        return response.status, response.headers, page

    def csrf(self, path, port=None) -> str:
        _status, _headers, page = self.request("GET", path, port=port)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def login(self, email, password):
        form = {"username": email, "password": password}
        form["csrfmiddlewaretoken"] = self.csrf("/fr/accounts/login/")
        status, _headers, _page = self.request(
            "POST",
            "/fr/accounts/login/",
            urllib.parse.urlencode(form),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 302:
            raise SystemExit(f"the organiser could not sign in (HTTP {status})")

    def post_form(self, path, fields: dict, file=None, port=None):
        """Posts ``fields`` (and ``file``: (name, bytes)) as multipart; returns (status,
        Location)."""
        fields = {**fields, "csrfmiddlewaretoken": self.csrf(path, port)}
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        ]
        if file is not None:
            name, data = file
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="{name}"\r\nContent-Type: text/csv\r\n\r\n'
            )
            parts.append(head.encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        status, response_headers, _page = self.request("POST", path, body, headers, port)
        return status, response_headers.get("Location", "")

    def job_fragment(self, job_id, port=None) -> tuple[str | None, str]:
        """The job's status and message as its page shows them (the fragment it polls)."""
        _status, headers, page = self.request(
            "GET", f"/fr/jobs/{job_id}/", headers={"HX-Request": "true"}, port=port
        )
        status = re.search(r'class="card job (\w+)"', page)
        message = re.search(r'<p (?:class="message error" )?role="(?:alert|status)">([^<]*)<', page)
        return (status.group(1) if status else None), (message.group(1) if message else "")


IMPORT_PAGE = "/fr/organisations/import/"


def organiser() -> tuple[str, int]:
    """An organiser of the bench's fair series (e-mail, series id), with a password."""
    from maarid.core.access import Role
    from maarid.core.models import User
    from maarid.fairs.models import Series, SeriesRole

    email = "bench-organiser@example.ma"
    user, _ = User.objects.get_or_create(username="bench-organiser", defaults={"email": email})
    user.set_password(PASSWORD)
    user.save()
    series = Series.objects.get(slug=SERIES)
    SeriesRole.objects.get_or_create(user=user, series=series, role=Role.ORGANISER)
    return email, series.pk


def import_file(prefix: str, rows: int) -> bytes:
    """A CSV of ``rows`` new cooperatives whose French names start with ``prefix``."""
    from maarid.registry.models import Province

    province = _db(lambda: Province.objects.order_by("code").values_list("code", flat=True)[0])
    lines = ["kind,name_fr,name_ar,province,sector"]
    lines += [
        f"cooperative,{prefix} {n:05d},تعاونية تجريبية {prefix[-6:]} {n:05d},{province},terroir"
        for n in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def start_check(browser: Browser, series_pk: int, data: bytes, port=None) -> tuple[int, str]:
    """Uploads a file on the import page: its check starts as a job. Returns (HTTP status,
    job id or '')."""
    status, location = browser.post_form(
        IMPORT_PAGE, {"action": "preview", "series": series_pk}, ("bench.csv", data), port
    )
    found = re.search(r"/jobs/([0-9a-f-]{36})/", location)
    return status, found.group(1) if found else ""


def job_row(job_id) -> dict:
    from maarid.core.models import Job

    return _db(
        lambda: (
            Job.objects.filter(pk=job_id)
            .values("status", "progress", "message", "error", "result", "task_id")
            .first()
        )
    )


def wait_job(job_id, seconds, until=("done", "failed")) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        row = job_row(job_id)
        if row["status"] in until or time.monotonic() > deadline:
            return row
        time.sleep(0.2)


def small_job_runs(browser, series_pk, seconds=JOB_WAIT) -> dict:
    """Starts the check of a 3-row file and waits for it: does the task worker run jobs?"""
    started = time.monotonic()
    status, job_id = start_check(browser, series_pk, import_file(f"Petit {uuid.uuid4().hex}", 3))
    if not job_id:
        return {"http": status, "status": None}
    row = wait_job(job_id, seconds)
    return {"status": row["status"], "after_s": round(time.monotonic() - started, 2)}


# --- The phases ---------------------------------------------------------------------------------


class Bench:
    """Two ``maarid serve`` started side by side at the beginning (a start takes a while: it
    collects and compresses the static files): one on the database's task queue for the
    first three faults, one with ``REDIS_URL`` for ``redis_stop``, each with its own data
    folder."""

    def __init__(self, run: Run, after: int):
        self.session, self.after = run, after
        self.data_dir, self.servers = run.data_dir, run.servers
        self.postgres = Postgres(self.data_dir, self.servers)
        self.redis = Redis(self.data_dir, self.servers)
        self.server = self.browser = None
        self.servers_by_queue = {}
        self.phase = 0

    def set_up(self, faults):
        self.postgres.init()
        self.postgres.start()
        self.env = self.session.configure(self.postgres.url)
        note("migrating the bench's database")
        _db(prepare_phones)  # migrates, and makes the edition
        self.email, self.series_pk = organiser()
        queues = {queue_of(f) for f in faults}
        if "redis" in queues:
            self.redis.start()
        for queue in sorted(queues):
            env = {**self.env, "MAARID_DATA_DIR": str(self.data_dir / f"node-{queue}")}
            if queue == "redis":
                env["REDIS_URL"] = self.redis.url
            log_path = self.data_dir / f"serve-{queue}.log"
            self.servers_by_queue[queue] = Supervisor(env, free_port(), log_path, self.servers)
        note("starting maarid serve: " + ", ".join(sorted(queues)))
        starting = [threading.Thread(target=s.start) for s in self.servers_by_queue.values()]
        for thread in starting:
            thread.start()
        for thread in starting:
            thread.join()
        if not all(s.process for s in self.servers_by_queue.values()):
            raise SystemExit("maarid serve did not start")

    def use(self, queue, needed):
        """Sends the phones and the organiser to the server on that task queue, and stops the
        servers no fault ahead needs."""
        for other, server in self.servers_by_queue.items():
            if other not in needed and server.running:
                server.stop()
        self.server = self.servers_by_queue[queue]
        if self.server.wait_healthy(START) is None:
            raise SystemExit(f"{self.server.log_path.stem} is not running")
        self.port = self.server.port
        self.browser = Browser(self.port)
        self.browser.login(self.email, PASSWORD)
        note(f"maarid serve answers on port {self.port}, tasks on the {queue}")

    def run(self, fault: str, ahead: list) -> dict:
        self.phase += 1
        self.use(queue_of(fault), {queue_of(f) for f in ahead})
        phones = new_phones(self.port, self.phase)
        load = Load(phones, budget=BEFORE + self.after + 400)
        note(f"{fault}: 16 phones selling")
        load.start()
        time.sleep(BEFORE)
        extra, fault_at = getattr(self, fault)(load)
        time.sleep(max(0.0, fault_at + self.after - time.monotonic()))
        # Web workers and task worker all up (maarid serve started again if it exited).
        healthy_at = self.server.wait_healthy(300)
        extra["healthy_after_s"] = round(healthy_at - fault_at, 2) if healthy_at else None
        extra["job_after"] = small_job_runs(self.browser, self.series_pk)
        note(f"{fault}: selling stopped, waiting for the pending sales")
        load.stop(DRAIN)
        ledger = _db(lambda: check_ledger(phones))
        figures = load.figures(fault_at)
        result = {
            "bench": "faults",
            "fault": fault,
            "acknowledged": ledger["sales"],
            "lost": ledger["lost"],
            "doubled": ledger["doubled"],
            "recovered_s": figures.pop("recovered_s"),
            "ledger_equals_sent": ledger["ledger_equals_sent"],
            "unacknowledged_in_ledger": ledger["extra"],
            "stock_consistent": ledger["stock_consistent"],
            **figures,
            "serve_exits": self.server.exits_since(fault_at),
            **extra,
        }
        return result

    # Each fault returns (what it saw, when it struck).

    def pg_restart(self, load):
        fault_at = time.monotonic()
        self.postgres.restart()
        return {"postgres_down_s": round(time.monotonic() - fault_at, 2)}, fault_at

    def web_worker_kill(self, load):
        deadline = time.monotonic() + 5
        while load.in_flight["batch"] == 0 and time.monotonic() < deadline:
            time.sleep(0.001)
        workers = self.server.web_workers()
        victim = workers[0]
        fault_at = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        batches = load.in_flight["batch"]
        respawned = None
        while time.monotonic() < fault_at + 30:
            now = self.server.web_workers()
            if len(now) >= len(workers) and victim not in now:
                respawned = round(time.monotonic() - fault_at, 2)
                break
            time.sleep(0.05)
        return {"batches_in_flight": batches, "worker_respawned_s": respawned}, fault_at

    def task_worker_kill(self, load):
        prefix = f"Coopérative banc {uuid.uuid4().hex[:8]}"
        status, check_id = start_check(
            self.browser, self.series_pk, import_file(prefix, IMPORT_ROWS)
        )
        checked = wait_job(check_id, 180)
        if checked["status"] != "done" or not checked["result"].get("token"):
            raise SystemExit(f"the import's check did not end well: {status} {checked}")
        note(f"task_worker_kill: {IMPORT_ROWS} rows checked; importing them")
        status, location = self.browser.post_form(
            IMPORT_PAGE, {"action": "commit", "job": check_id}
        )
        job_id = re.search(r"/jobs/([0-9a-f-]{36})/", location).group(1)
        deadline = time.monotonic() + 180
        while (row := job_row(job_id))["status"] in ("queued", "running"):
            if row["progress"] >= 90 or time.monotonic() > deadline:  # saving the organisations
                break
            time.sleep(0.05)
        time.sleep(0.5)  # well into the saving transaction
        in_transaction = _db(self._import_transaction_open)
        before = job_row(job_id)
        if before["status"] != "running":
            raise SystemExit(f"the import was not running when it was to be killed: {before}")
        worker = self.server.task_worker()
        fault_at = time.monotonic()
        os.kill(worker, signal.SIGKILL)
        note(f"task_worker_kill: killed the task worker ({worker}) at {before['progress']}%")
        # Wait for the server to be back (restarted if it exited), then for the job to end.
        self.server.wait_healthy(300)
        # The user's page polls the job; a job whose worker died is failed once it has been
        # silent for a minute (core.jobs.reap): follow it as the page does.
        deadline = time.monotonic() + ORPHAN_WAIT
        while job_row(job_id)["status"] in ("queued", "running"):
            if time.monotonic() > deadline:
                break
            self.browser.job_fragment(job_id)
            time.sleep(2)
        ended = job_row(job_id)
        ended_s = round(time.monotonic() - fault_at, 1)
        created = _db(lambda: _organisations(prefix))
        task = _db(lambda: _task_result(ended["task_id"]))
        return {
            "job_rows": IMPORT_ROWS,
            "job_at_kill": {k: before[k] for k in ("status", "progress", "message")},
            "job_transaction_open_s_at_kill": in_transaction,
            "job_status_after": ended["status"],
            "job_message_after": ended["message"],
            "job_error_after": ended["error"][:200],
            "job_ended_after_s": ended_s,
            "job_task_result_after": task,
            "job_organisations_saved": created,
            "job_all_or_nothing": created in (0, IMPORT_ROWS),
            "job_page_after": self.browser.job_fragment(job_id),
        }, fault_at

    @staticmethod
    def _import_transaction_open() -> float | None:
        """For how long a session has been in a transaction that wrote rows, if one has for
        more than a quarter of a second (the sales' own last milliseconds): the import's."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT extract(epoch FROM max(now() - xact_start)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND backend_xid IS NOT NULL "
                "AND pid <> pg_backend_pid() AND now() - xact_start > interval '0.25 s'"
            )
            age = cursor.fetchone()[0]
            return round(float(age), 2) if age is not None else None

    def redis_stop(self, load):
        before = small_job_runs(self.browser, self.series_pk)
        # A longer job running while Redis goes away: the check of a large file.
        _status, across_id = start_check(
            self.browser, self.series_pk, import_file(f"Durant {uuid.uuid4().hex}", IMPORT_ROWS)
        )
        deadline = time.monotonic() + 30
        while (row := job_row(across_id))["status"] == "queued" or row["progress"] < 5:
            if row["status"] in ("done", "failed") or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        at_stop = {k: row[k] for k in ("status", "progress")}
        fault_at = time.monotonic()
        self.redis.stop()
        note("redis_stop: Redis stopped")
        time.sleep(1)
        status, job_id = start_check(self.browser, self.series_pk, import_file("Pendant", 3))
        during = {"http": status}
        if job_id:
            row = wait_job(job_id, 10)
            during.update(status=row["status"], message=row["message"])
        time.sleep(max(0.0, fault_at + REDIS_DOWN - time.monotonic()))
        self.redis.start()
        note("redis_stop: Redis started again")
        down = round(time.monotonic() - fault_at, 2)
        across = wait_job(across_id, JOB_WAIT)
        return {
            "redis_down_s": down,
            "job_before": before,
            "job_across_outage": {
                "at_stop": at_stop,
                "status": across["status"],
                "message": across["message"],
            },
            "job_during_outage": during,
        }, fault_at


def _task_result(task_id) -> str | None:
    """The database task queue's own record of the task: its status, and how many workers
    took it."""
    from django_tasks_db.models import DBTaskResult

    found = DBTaskResult.objects.filter(id=task_id).values_list("status", "worker_ids").first()
    return f"{found[0]}, taken by {len(found[1])} worker(s)" if found else None


def queue_of(fault) -> str:
    """The task queue of the server a fault is tried on."""
    return "redis" if fault == "redis_stop" else "database"


def _organisations(prefix) -> int:
    from maarid.registry.models import Organisation

    return Organisation.objects.filter(name_fr__startswith=prefix).count()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(FAULTS), help="faults to inject, in order")
    parser.add_argument("--after", type=int, default=AFTER, help="seconds of selling after")
    args = parser.parse_args()
    faults = [f for f in args.only.split(",") if f]
    if unknown := set(faults) - set(FAULTS):
        parser.error(f"unknown faults: {', '.join(sorted(unknown))}")

    with session("maarid-faults-") as run:
        bench = Bench(run, args.after)
        try:
            bench.set_up(faults)
            for n, fault in enumerate(faults):
                result = bench.run(fault, faults[n:])
                print(json.dumps(result, ensure_ascii=False), flush=True)
                if result["lost"] or result["doubled"] or result["serve_exits"]:
                    log(bench.server.log_path.read_text(errors="replace")[-3000:])
            note("done")
        except BaseException:
            for server in bench.servers_by_queue.values():
                if server.log_path.exists():
                    log(server.log_path.read_text(errors="replace")[-4000:])
            raise
        finally:
            # In this order: the servers first, then what they use.
            for server in bench.servers_by_queue.values():
                server.stop()
            bench.redis.stop()
            bench.postgres.stop()


if __name__ == "__main__":
    main()
