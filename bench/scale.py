"""Benchmark: Maarid on several nodes, shown on one machine, with the point of sale's load.

The setup of the README's "Several machines": two web nodes (``maarid serve --no-worker
--workers 2``, each with a data folder of its own whose ``uploads/`` and ``imports/`` are the
same shared folder, as a network file system mounted on both machines would be) behind HAProxy
(``deploy/haproxy.cfg``, run as it is), two RQ task workers (``maarid rqworker default
--job-class django_tasks_rq.Job``, one per node's data folder), one PostgreSQL
(``MAARID_BENCH_DATABASE_URL``, the database of ``bench/pos.py``) and one Redis (the bench's
own, on a free port of 127.0.0.1: the machine's Redis on 6379 is left to the tests). All of it
in production mode with one SECRET_KEY.

The load is ``bench/pos.py``'s, shorter: 16 phones, 5 s of warm-up then 30 s measured of
single sales, then the same of batch sync (50 sales a request), with the ledger checked
against every acknowledged sale (none lost, none doubled, stock lowered by what was sold).
It runs through the balancer (``two_nodes``), then straight against one node (``one_node``).
Then an organiser signs in through the balancer, uploads a file of organisations on the
import page of node 1 (its check runs as a job on an RQ worker), follows the job and reads its
report on node 2, commits the import on node 2 (the file node 1 stashed must be there), and the
organisations are counted in the database.

HAProxy must be installed (``apt-get install haproxy``): the bench installs nothing. Prints
one JSON line per setup, ``{"bench": "scale", "setup": "two_nodes", "single_rps",
"batch_sales_per_s", "p50_ms", "p99_ms", "lost", "doubled", ...}``, and one for the job
(``"setup": "job_across_nodes"``); stops by itself within 10 minutes.
``.venv/bin/python bench/scale.py [--seconds 30] [--warm-up 5]``.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    ROOT,
    WORKERS,
    free_port,
    log,
    note,
    percentile,
    session,
    spawn,
    start_redis,
    start_server,
)
from bench.faults import (  # noqa: E402
    IMPORT_PAGE,
    PASSWORD,
    READY,
    Browser,
    import_file,
    job_row,
    organiser,
    start_check,
    wait_job,
)
from bench.pos import CLIENTS, SEED, Phone, check_ledger, prepare, run_phase  # noqa: E402

MEASURED = 30
WARM_UP = 5
NODES = 2
IMPORT_ROWS = 300
SHARED = ("uploads", "imports")  # what the nodes must share of their data folders
HAPROXY_CONFIG = ROOT / "deploy" / "haproxy.cfg"


def data_folders(root: Path) -> list[Path]:
    """One data folder per node; their uploads and imports are links to one shared folder."""
    folders = []
    for n in range(1, NODES + 1):
        folder = root / f"node-{n}"
        folder.mkdir()
        for name in SHARED:
            (root / "shared" / name).mkdir(parents=True, exist_ok=True)
            (folder / name).symlink_to(root / "shared" / name)
        folders.append(folder)
    return folders


def start_worker(env: dict, name: str, log_path: Path, servers: list):
    """An RQ task worker, returned once it listens on the queue."""
    command = [str(ROOT / ".venv" / "bin" / "maarid"), "rqworker", "default"]
    command += ["--job-class", "django_tasks_rq.Job", "--name", name]
    worker = spawn(command, env, log_path)
    servers.append(worker)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            log(log_path.read_text(errors="replace")[-3000:])
            raise SystemExit(f"the RQ worker {name} stopped (exit code {worker.returncode})")
        if "Listening on" in log_path.read_text(errors="replace"):
            return worker
        time.sleep(0.5)
    raise SystemExit(f"the RQ worker {name} did not start within 120 s")


def haproxy() -> str:
    binary = shutil.which("haproxy")
    if binary is None:
        raise SystemExit(
            "haproxy is missing: install Debian's package (apt-get install haproxy); "
            "the bench installs nothing"
        )
    return binary


def start_haproxy(port: int, nodes: list[int], log_path: Path, servers: list):
    binary = haproxy()
    env = {
        **os.environ,
        "MAARID_BIND": f"127.0.0.1:{port}",
        "MAARID_HOST": "127.0.0.1",
        **{f"MAARID_WEB{n}": f"127.0.0.1:{p}" for n, p in enumerate(nodes, 1)},
    }
    with open(log_path, "ab") as output:
        proxy = subprocess.Popen(  # noqa: S603
            [binary, "-db", "-f", str(HAPROXY_CONFIG)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    servers.append(proxy)
    # Both nodes are in once two health checks a second apart have passed.
    time.sleep(3)
    if proxy.poll() is not None:
        log(log_path.read_text(errors="replace")[-3000:])
        raise SystemExit(f"haproxy stopped (exit code {proxy.returncode})")
    return proxy


def cpu_seconds(pid: int) -> float:
    """CPU time used by a process and all its descendants still running, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents, total = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents[int(stat.parent.name)] = int(fields[1])
        total[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / ticks
    tree, grew = {pid}, True
    while grew:
        more = {p for p, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(total.get(p, 0.0) for p in tree)


def measure(setup: str, port: int, nodes: list, warm_up: int, seconds: int) -> dict:
    """The point of sale's load on ``port``: single sales, then batch sync; the ledger checked."""
    from django.db import connections

    setups = prepare()  # the ledger emptied, phones registered again
    connections.close_all()
    phones = [Phone(port, s, SEED + n) for n, s in enumerate(setups)]
    cpu = [cpu_seconds(node.pid) for node in nodes]
    note(f"{setup}: single sales")
    single, _single_sales, single_errors = run_phase(phones, False, warm_up, seconds)
    note(f"{setup}: batch sync")
    batch, batch_count, batch_errors = run_phase(phones, True, warm_up, seconds)
    cpu = [round(cpu_seconds(n.pid) - before, 1) for n, before in zip(nodes, cpu, strict=True)]
    ledger = check_ledger(phones)
    connections.close_all()
    return {
        "bench": "scale",
        "setup": setup,
        "clients": CLIENTS,
        "single_rps": round(len(single) / seconds, 1),
        "batch_sales_per_s": round(batch_count / seconds, 1),
        "p50_ms": percentile(single, 0.50),
        "p99_ms": percentile(single, 0.99),
        "batch_p50_ms": percentile(batch, 0.50),
        "batch_p99_ms": percentile(batch, 0.99),
        "errors": single_errors + batch_errors,
        "lost": ledger["lost"],
        "doubled": ledger["doubled"],
        "sales_checked": ledger["sales"],
        "ledger_equals_sent": ledger["ledger_equals_sent"] and not ledger["extra"],
        "stock_consistent": ledger["stock_consistent"],
        "node_cpu_s": cpu,
    }


def job_across_nodes(proxy_port: int, ports: list[int], redis_url: str) -> dict:
    """An import checked through node 1, followed and committed through node 2."""
    import redis
    from rq.job import Job as RQJob

    email, series_pk = organiser()
    browser = Browser(proxy_port)
    browser.login(email, PASSWORD)  # the session is in the database: every node knows it
    prefix = f"Coopérative échelle {uuid.uuid4().hex[:8]}"
    status, check_id = start_check(browser, series_pk, import_file(prefix, IMPORT_ROWS), ports[0])
    if not check_id:
        raise SystemExit(f"the import page of node 1 answered {status}")
    # Node 2 shows the job's progress until it is done, then the report.
    seen, deadline = [], time.monotonic() + 120
    while time.monotonic() < deadline:
        state, _message = browser.job_fragment(check_id, port=ports[1])
        if not seen or seen[-1] != state:
            seen.append(state)
        if state in ("done", "failed"):
            break
        time.sleep(0.3)
    _status, _headers, page = browser.request("GET", f"{IMPORT_PAGE}?job={check_id}", port=ports[1])
    report = re.search(r"Lignes prêtes[^<]*?(\d+)[^<\d]*(\d+)", page)
    checked = job_row(check_id)
    # The commit through node 2: it takes the file that node 1 stashed in the shared folder.
    status, location = browser.post_form(
        IMPORT_PAGE, {"action": "commit", "job": check_id}, port=ports[1]
    )
    found = re.search(r"/jobs/([0-9a-f-]{36})/", location)
    committed = wait_job(found.group(1), 120) if found else {"status": f"HTTP {status}"}
    from maarid.registry.models import Organisation

    created = Organisation.objects.filter(name_fr__startswith=prefix).count()
    connection = redis.Redis.from_url(redis_url)

    def worker_of(row):
        try:
            return RQJob.fetch(row["task_id"], connection=connection).worker_name
        except Exception:  # noqa: BLE001 (the figure is then missing, not the bench)
            return None

    return {
        "bench": "scale",
        "setup": "job_across_nodes",
        "check_started_on": "node-1",
        "check_followed_on": "node-2",
        "check_states_seen_on_node_2": seen,
        "check_status": checked["status"],
        "check_rows_ready": checked["result"].get("ready"),
        "report_on_node_2": f"{report.group(1)} of {report.group(2)} ready" if report else None,
        "check_run_by": worker_of(checked),
        "commit_posted_on": "node-2",
        "commit_status": committed.get("status"),
        "commit_message": committed.get("message"),
        "commit_run_by": worker_of(committed) if found else None,
        "organisations_created": created,
        "expected": IMPORT_ROWS,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=MEASURED, help="measured time per phase")
    parser.add_argument("--warm-up", type=int, default=WARM_UP)
    args = parser.parse_args()
    haproxy()  # before anything starts: the bench installs nothing

    with session("maarid-scale-") as run:
        root, servers = run.data_dir, run.servers
        env = run.configure()
        prepare()  # migrates, and makes the edition
        from django.db import connections

        connections.close_all()
        redis_port = free_port()
        start_redis(redis_port, root, servers)
        redis_url = f"redis://127.0.0.1:{redis_port}/0"
        folders = data_folders(root)
        shared = {**env, "REDIS_URL": redis_url, "MAARID_BEHIND_PROXY": "1"}
        node_env = [{**shared, "MAARID_DATA_DIR": str(f)} for f in folders]
        ports = [free_port() for _ in folders]
        nodes = [None] * NODES
        note(f"starting {NODES} web nodes (maarid serve --no-worker) and {NODES} RQ workers")

        def start_node(n):
            try:
                nodes[n] = start_server(
                    node_env[n],
                    ports[n],
                    root / f"node-{n + 1}.log",
                    READY,
                    options=("--no-worker",),
                    wait=300,
                )
            except SystemExit as error:
                note(f"node {n + 1}: {error}")
                return
            servers.append(nodes[n])

        starting = [threading.Thread(target=start_node, args=(n,)) for n in range(NODES)]
        for thread in starting:
            thread.start()
        for n in range(NODES):
            start_worker(node_env[n], f"worker-{n + 1}", root / f"worker-{n + 1}.log", servers)
        for thread in starting:
            thread.join()
        if not all(nodes):
            raise SystemExit("a web node did not start (see the log above)")
        proxy_port = free_port()
        start_haproxy(proxy_port, ports, root / "haproxy.log", servers)
        note(f"HAProxy on port {proxy_port}, nodes on {ports}, Redis on {redis_port}")

        for setup, port in (("two_nodes", proxy_port), ("one_node", ports[0])):
            result = measure(setup, port, nodes, args.warm_up, args.seconds)
            result["workers_per_node"] = WORKERS
            print(json.dumps(result), flush=True)
        note("a job across the nodes")
        result = job_across_nodes(proxy_port, ports, redis_url)
        print(json.dumps(result, ensure_ascii=False), flush=True)
        note("done")


if __name__ == "__main__":
    main()
