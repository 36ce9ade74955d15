"""What the benchmarks share: the PostgreSQL database they run against, ``maarid serve`` started
and stopped around them with production settings, and a watchdog that ends everything after
10 minutes whatever happens."""

import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "MAARID_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/maarid_bench"
)
WORKERS = 2
DEADLINE = 600  # seconds: a benchmark stops itself, whatever happens


def configure(data_dir: str) -> dict:
    """The environment of the server, and of this process for migrating and loading."""
    env = {
        "DATABASE_URL": DATABASE_URL,
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


def create_database():
    import psycopg

    url = urllib.parse.urlsplit(DATABASE_URL)
    name = url.path.lstrip("/")
    maintenance = urllib.parse.urlunsplit(url._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            log(f"created database {name}")


def log(message):
    print(f"# {message}", file=sys.stderr, flush=True)


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
