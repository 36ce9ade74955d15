"""What the benchmarks share: the PostgreSQL database they run against, ``maarid serve`` started
and stopped around them with production settings, and a watchdog that ends everything after
10 minutes whatever happens. ``session`` puts these together: a bench's ``main`` is

    with common.session("maarid-bench-") as run:
        env = run.configure()
        ...  # migrate and load its data
        port = run.serve()
        ...  # measure, print its JSON lines
"""

import http.client
import os
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "MAARID_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/maarid_bench"
)
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
DEADLINE = 600  # seconds: a benchmark stops itself, whatever happens
# Seconds a first start of maarid serve may take: it collects and compresses the static files
# into the run's new data folder, which takes minutes on a busy machine.
SERVE_START = 300
STARTED = time.monotonic()

# Where the exhibitors of a generated fair come from: the 8 provinces and prefectures of
# Tanger-Tétouan-Al Hoceima, weighted like their populations, and a few from elsewhere.
PROVINCES = {
    "tanger-assilah": 30,
    "tetouan": 14,
    "larache": 10,
    "al-hoceima": 8,
    "chefchaouen": 8,
    "mdiq-fnideq": 5,
    "ouezzane": 6,
    "fahs-anjra": 3,
    "rabat": 4,
    "fes": 4,
    "casablanca": 5,
    "oujda": 3,
}


def configure(data_dir: str, database_url: str = DATABASE_URL) -> dict:
    """The environment of the server, and of this process for migrating and loading."""
    env = {
        "DATABASE_URL": database_url,
        "MAARID_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "MAARID_HTTPS_REDIRECT": "0",
        "DEBUG": "0",
        "MAARID_DATA_DIR": data_dir,
        "DJANGO_SETTINGS_MODULE": "maarid.settings",
        "LOG_LEVEL": "ERROR",
    }
    os.environ.update(env)
    os.environ.pop("REDIS_URL", None)
    return dict(os.environ)


def create_database(database_url: str = DATABASE_URL):
    import psycopg

    url = urllib.parse.urlsplit(database_url)
    name = url.path.lstrip("/")
    maintenance = urllib.parse.urlunsplit(url._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            log(f"created database {name}")


def log(message):
    print(f"# {message}", file=sys.stderr, flush=True)


def note(message):
    """``log`` with the seconds since the bench started, for the long benches' steps."""
    log(f"{time.monotonic() - STARTED:5.0f} s  {message}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn(command: list, env: dict, log_path) -> subprocess.Popen:
    """A process of the project in a session of its own (so that the watchdog ends it with its
    children), what it prints appended to ``log_path``."""
    with open(log_path, "ab") as output:
        return subprocess.Popen(  # noqa: S603
            command,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def start_server(env, port, log_path, ready="/api/v1/search?q=miel", options=(), wait=120):
    """``maarid serve --workers 2`` (and ``options``, e.g. ``--no-worker``) in a session of
    its own (so that the watchdog can end it with its children); what it prints goes to a
    file, shown if it fails. Waits ``wait`` seconds at most for it to answer."""
    command = [str(ROOT / ".venv" / "bin" / "maarid"), "serve", "--workers", str(WORKERS)]
    command += ["--port", str(port), *options]
    server = spawn(command, env, log_path)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log(Path(log_path).read_text(errors="replace")[-3000:])
            raise SystemExit(f"maarid serve stopped (exit code {server.returncode})")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", ready)
            if conn.getresponse().status == 200:
                conn.close()
                return server
        except OSError:
            pass
        time.sleep(0.5)
    stop_server(server)
    raise SystemExit(f"maarid serve did not answer within {wait} s")


def stop_server(server):
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def start_redis(port: int, folder, servers: list):
    """A Redis of the bench's own on 127.0.0.1:``port`` (nothing saved to disk), in a session
    of its own, added to ``servers`` (the watchdog's list); the colleagues' Redis on 6379 is
    left alone. Returns once it answers."""
    if shutil.which("redis-server") is None:
        raise SystemExit("redis-server is missing: apt-get install redis-server")
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    command += ["--appendonly", "no", "--dir", str(folder)]
    with open(Path(folder) / "redis.log", "ab") as output:
        redis = subprocess.Popen(  # noqa: S603
            command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    servers.append(redis)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return redis
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"redis-server did not answer on port {port}")


@contextmanager
def watchdog(servers: list):
    """Ends the process (and the servers in ``servers``) after DEADLINE seconds."""

    def fire():
        log(f"stopped by the watchdog after {DEADLINE} s")
        for server in servers:
            if server is not None and server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
        os._exit(2)

    timer = threading.Timer(DEADLINE, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def percentile(ordered: list, fraction: float):
    """The value below which ``fraction`` of the sorted ``ordered`` values lie, in ms."""
    if not ordered:
        return None
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] * 1000, 1)


class Run:
    """One run of a bench: its temporary data folder, its environment once configured, and the
    processes it started (``servers``, the watchdog's list, stopped when the run ends)."""

    def __init__(self, data_dir: Path, servers: list):
        self.data_dir, self.servers = data_dir, servers
        self.env: dict = {}

    def configure(self, database_url: str = DATABASE_URL) -> dict:
        """Production settings for this process and the servers, the database created if
        missing; returns the servers' environment."""
        self.env = configure(str(self.data_dir), database_url)
        create_database(database_url)
        return self.env

    def serve(self, log_name: str = "serve.log", wait: int = SERVE_START) -> int:
        """``maarid serve`` on a free port with the run's environment, once it answers; returns
        the port. This process's database connections are closed first: the set-up is done."""
        from django.db import connections

        connections.close_all()
        port = free_port()
        self.servers.append(start_server(self.env, port, self.data_dir / log_name, wait=wait))
        log(f"maarid serve answers on port {port}")
        return port

    def log_tail(self, log_name: str = "serve.log", size: int = 3000) -> str:
        return (self.data_dir / log_name).read_text(errors="replace")[-size:]


@contextmanager
def session(prefix: str) -> Iterator[Run]:
    """A run in a temporary folder under the watchdog; at the end, whatever happens, the
    processes it started are stopped (the last started first) and the folder removed."""
    servers: list = []
    data_dir = Path(tempfile.mkdtemp(prefix=prefix))
    with watchdog(servers):
        try:
            yield Run(data_dir, servers)
        finally:
            for server in reversed(servers):
                stop_server(server)
            shutil.rmtree(data_dir, ignore_errors=True)


# --- Where the time goes -------------------------------------------------------------------------


def _processes() -> dict[int, tuple[int, str, float]]:
    """Every process: (parent, command line, CPU seconds used so far)."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        found[int(entry.name)] = (
            int(fields[1]),
            command,
            (int(fields[11]) + int(fields[12])) / tick,
        )
    return found


class CpuMeter:
    """CPU used by ``maarid serve`` and its workers, by the database's backends (those
    connected to the bench's database) and by this process (the clients), while it runs.
    Sampled every half second: a backend that closes (connections live a minute) keeps
    what it used up to its last sample."""

    def __init__(self, server_pid: int):
        self.server_pid = server_pid
        self.database = urllib.parse.urlsplit(DATABASE_URL).path.lstrip("/")
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[str, float]] = {}
        self.started = False
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        processes = _processes()
        family, grew = {self.server_pid}, True
        while grew:
            more = {pid for pid, (parent, _c, _s) in processes.items() if parent in family}
            grew = not more <= family
            family |= more
        for pid, (_parent, command, seconds) in processes.items():
            if pid in family:
                kind = "server"
            elif command.startswith("postgres:") and f" {self.database} " in command:
                kind = "database"
            else:
                continue
            # Alive at the start: what it used before does not count; started since: all.
            self.first.setdefault(pid, seconds if not self.started else 0.0)
            self.last[pid] = (kind, seconds)

    def _run(self) -> None:
        while not self.stop.wait(0.5):
            self._sample()

    def __enter__(self):
        self._sample()  # what the processes alive now had used before
        self.own = resource.getrusage(resource.RUSAGE_SELF)
        self.started = True
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self._sample()
        own = resource.getrusage(resource.RUSAGE_SELF)
        self.used = {"server": 0.0, "database": 0.0}
        for pid, (kind, seconds) in self.last.items():
            self.used[kind] += seconds - self.first.get(pid, 0.0)
        self.used["clients"] = (own.ru_utime + own.ru_stime) - (
            self.own.ru_utime + self.own.ru_stime
        )
