"""Benchmark: gate phones admitting tickets, then counting, against ``maarid serve``.

PostgreSQL from ``MAARID_BENCH_DATABASE_URL`` (created if missing), migrated; an edition
running today with two gates, 16 registered gate phones (device tokens) and ``--tickets``
signed tickets for today (made in bulk). ``maarid serve`` with production settings.

1. Check-in: 16 clients with keep-alive connections and no think time each scan their own share
   of the tickets (``POST /api/v1/visitors/checkin`` with the QR code's signed payload), then
   re-scan all of them. Every first scan must answer ``admitted``, every re-scan ``used``; at the
   end each ticket has exactly one admission in the database.
2. Gates: the same 16 phones send counts in batches of 500 for ``--seconds`` (one batch in ten
   sent twice, as after a lost answer); at the end the database holds every acknowledged count
   once (``lost``, ``doubled``).

Prints two JSON lines: ``{"bench": "checkin", "rps", "p50_ms", "p99_ms", "errors",
"admitted_twice", "rescans_not_refused", ...}`` (rps and latencies of the first scans) and
``{"bench": "gates", "increments_per_s", "lost", "doubled", ...}``.
``.venv/bin/python bench/checkin.py [--tickets 24000] [--seconds 20]``.
"""

import argparse
import collections
import http.client
import json
import random
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import CpuMeter, log, percentile, session  # noqa: E402

SEED = 2024
CLIENTS = 16
TICKETS = 24_000
BATCH = 500
MEASURED = 20
SERIES = "bench-checkin"
CHECKIN = "/api/v1/visitors/checkin"


# --- Data -------------------------------------------------------------------------------------


def prepare(tickets: int) -> dict:
    """The bench's edition (running today), gates, phones and tickets; what it held before is
    emptied. Returns the phones' tokens, the gates and the tickets' payloads."""
    import datetime

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)

    from django.utils import timezone

    from maarid.core.access import Role
    from maarid.core.models import ApiToken, User
    from maarid.fairs.models import Edition, Series, SeriesRole
    from maarid.registry.models import Commune
    from maarid.visitors import services
    from maarid.visitors.models import (
        Admission,
        Conflict,
        Count,
        Gate,
        GateDevice,
        Quota,
        Ticket,
        TicketType,
    )

    today = timezone.localdate()
    series, _ = Series.objects.get_or_create(
        slug=SERIES, defaults={"name_fr": "Banc d'essai des entrées", "name_ar": "اختبار المداخل"}
    )
    edition, _ = Edition.objects.get_or_create(
        series=series,
        number=1,
        defaults={
            "name_fr": "Salon d'essai",
            "city": Commune.objects.order_by("pk").first(),
            "starts_on": today,
            "ends_on": today,
        },
    )
    edition.starts_on, edition.ends_on = today - datetime.timedelta(days=1), today
    edition.status = Edition.Status.RUNNING
    edition.save()
    organiser, _ = User.objects.get_or_create(
        username="bench-checkin", defaults={"email": "bench-checkin@example.ma"}
    )
    SeriesRole.objects.get_or_create(user=organiser, series=series, role=Role.ORGANISER)

    Conflict.objects.filter(ticket__edition=edition).delete()
    Admission.objects.filter(ticket__edition=edition).delete()
    Ticket.objects.filter(edition=edition).delete()
    Quota.objects.filter(type__edition=edition).delete()
    TicketType.objects.filter(edition=edition).delete()
    Count.objects.filter(edition=edition).delete()
    tokens = list(GateDevice.objects.filter(edition=edition).values_list("token", flat=True))
    GateDevice.objects.filter(edition=edition).delete()
    ApiToken.objects.filter(pk__in=tokens).delete()
    Gate.objects.filter(edition=edition).delete()

    gates = [
        services.create_gate(actor=organiser, edition=edition, name_ar=n, name_fr=n)
        for n in ("Nord", "Sud")
    ]
    kind = services.create_ticket_type(
        actor=organiser,
        edition=edition,
        kind=TicketType.Kind.VISIT,
        name_ar="زيارة",
        name_fr="Visite",
    )
    services.set_quota(actor=organiser, type=kind, day=today, places=tickets)
    rng = random.Random(SEED)
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    rows = []
    for n in range(tickets):
        code = "".join(rng.choice(alphabet) for _ in range(10))
        rows.append(
            Ticket(
                edition=edition,
                type=kind,
                day=today,
                code=code,
                holder=f"Visiteur {n}",
                phone="+212612345678",
                payload=services.sign(edition, code, today),
            )
        )
    Ticket.objects.bulk_create(rows, batch_size=2000)
    phones = []
    for n in range(CLIENTS):
        _device, raw = services.register_device(
            actor=organiser, edition=edition, name=f"Phone {n + 1}", gate=gates[n % 2]
        )
        phones.append(raw)
    return {
        "edition": edition.pk,
        "phones": phones,
        "gates": [g.pk for g in gates],
        "payloads": [r.payload for r in rows],
        "codes": [r.code for r in rows],
    }


# --- Clients ----------------------------------------------------------------------------------


# What went wrong, by kind ("http_500", "RemoteDisconnected", ...), printed with the figures.
FAILURES: collections.Counter[str] = collections.Counter()
FAILURES_LOCK = threading.Lock()
# Kept connections found closed by the server when a request was sent on them, and opened again.
RECONNECTED: list[int] = []


def failed(kind: str) -> None:
    with FAILURES_LOCK:
        FAILURES[kind] += 1


class Phone:
    timeout = 30

    def __init__(self, port, token):
        self.port = port
        self.conn = None
        self.headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept-Language": "fr",
        }

    def post(self, path, body):
        """One try: (seconds, status, answer or None). A kept connection the server closed
        while it was idle (gunicorn's keep-alive, between the phases) is opened again and the
        request sent on it, as browsers do; counted apart (``reconnected``), not as an error."""
        fresh = self.conn is None
        if fresh:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        sent = time.monotonic()
        try:
            self.conn.request("POST", path, json.dumps(body), self.headers)
            response = self.conn.getresponse()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected) as error:
            self.conn.close()
            self.conn = None
            if fresh:
                failed(type(error).__name__)
                return time.monotonic() - sent, 0, None
            RECONNECTED.append(1)
            return self.post(path, body)
        except (OSError, http.client.HTTPException) as error:
            failed(type(error).__name__)
            self.conn.close()
            self.conn = None
            return time.monotonic() - sent, 0, None
        try:
            answer = response.read()
            seconds = time.monotonic() - sent
            if response.status != 200:
                failed(f"http_{response.status}")
            return seconds, response.status, json.loads(answer) if answer else None
        except (OSError, http.client.HTTPException, ValueError) as error:
            failed(type(error).__name__)
            self.conn.close()
            self.conn = None
            return time.monotonic() - sent, 0, None


def in_threads(work, count):
    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def scan_phase(phones, payloads, expect):
    """Each phone scans its share of ``payloads``; returns (latencies, errors, wrong answers,
    wall seconds). A try that fails is retried (the same payload) and counted as an error."""
    latencies, errors, wrong = [], [0], [0]
    lock = threading.Lock()
    shares = [payloads[i::CLIENTS] for i in range(CLIENTS)]

    def work(i):
        phone, mine, failed, bad = phones[i], [], 0, 0
        for payload in shares[i]:
            for _attempt in range(5):
                seconds, status, answer = phone.post(CHECKIN, {"payload": payload})
                if status == 200:
                    break
                failed += 1
            mine.append(seconds)
            if status != 200 or answer["status"] != expect:
                bad += 1
        with lock:
            latencies.extend(mine)
            errors[0] += failed
            wrong[0] += bad

    start = time.monotonic()
    in_threads(work, CLIENTS)
    wall = time.monotonic() - start
    latencies.sort()
    return latencies, errors[0], wrong[0], wall


def count_phase(phones, gates, seconds):
    """Batches of counts for ``seconds``; returns (acknowledged {key: amount}, errors)."""
    acknowledged: dict[str, int] = {}
    errors = [0]
    lock = threading.Lock()
    end = time.monotonic() + seconds

    def work(i):
        rng = random.Random(SEED + i)
        phone, mine, failed = phones[i], {}, 0
        while time.monotonic() < end:
            batch = [
                {
                    "key": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "gate": gates[i % len(gates)],
                    "amount": rng.choice([1, 1, 1, 5]),
                }
                for _ in range(BATCH)
            ]
            sends = 2 if rng.randrange(10) == 0 else 1
            for _ in range(sends):
                while True:
                    _s, status, answer = phone.post("/api/v1/visitors/counts", {"counts": batch})
                    if status == 200:
                        break
                    failed += 1
                    if time.monotonic() > end + 60:
                        raise RuntimeError(f"the server does not take counts: {status}")
            for body in batch:
                mine[body["key"]] = body["amount"]
        with lock:
            acknowledged.update(mine)
            errors[0] += failed

    in_threads(work, CLIENTS)
    return acknowledged, errors[0]


def check(setup, acknowledged):
    from django.db import connections
    from django.db.models import Count as Rows

    from maarid.visitors.models import Admission, Count

    connections.close_all()
    admissions = dict(
        Admission.objects.filter(ticket__edition_id=setup["edition"])
        .values("ticket__code")
        .annotate(n=Rows("id"))
        .values_list("ticket__code", "n")
    )
    stored = dict(
        Count.objects.filter(edition_id=setup["edition"])
        .values("key")
        .annotate(n=Rows("id"))
        .values_list("key", "n")
    )
    stored = {str(k): n for k, n in stored.items()}
    return {
        "admitted_twice": sum(1 for n in admissions.values() if n > 1),
        "not_admitted": sum(1 for c in setup["codes"] if c not in admissions),
        "lost": sum(1 for k in acknowledged if k not in stored),
        "doubled": sum(n - 1 for n in stored.values() if n > 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=TICKETS)
    parser.add_argument("--seconds", type=int, default=MEASURED, help="of the counting phase")
    args = parser.parse_args()

    with session("maarid-bench-") as run:
        run.configure()
        setup = prepare(args.tickets)
        port = run.serve()
        phones = [Phone(port, token) for token in setup["phones"]]
        # Warm-up: a few requests per phone (connections, caches), not measured.
        for phone in phones:
            phone.post("/api/v1/visitors/checkin", {"payload": "M1.0.X.20240101.x"})
        with CpuMeter(run.servers[-1].pid) as cpu:
            first, errors, not_admitted, wall = scan_phase(phones, setup["payloads"], "admitted")
        _again, rescan_errors, not_refused, _wall = scan_phase(phones, setup["payloads"], "used")
        scan_failures, scan_reconnected = dict(FAILURES), len(RECONNECTED)
        FAILURES.clear()
        RECONNECTED.clear()
        started = time.monotonic()
        acknowledged, count_errors = count_phase(phones, setup["gates"], args.seconds)
        count_wall = time.monotonic() - started
        checked = check(setup, acknowledged)
        print(
            json.dumps(
                {
                    "bench": "checkin",
                    "clients": CLIENTS,
                    "tickets": args.tickets,
                    "rps": round(len(first) / wall, 1),
                    "p50_ms": percentile(first, 0.50),
                    "p95_ms": percentile(first, 0.95),
                    "p99_ms": percentile(first, 0.99),
                    # CPU per first scan: the web workers, PostgreSQL, the clients (this process)
                    "cpu_ms": {k: round(v * 1000 / len(first), 2) for k, v in cpu.used.items()},
                    "errors": errors + rescan_errors,
                    "failures": scan_failures,
                    "reconnected": scan_reconnected,
                    "first_scans_not_admitted": not_admitted,
                    "admitted_twice": checked["admitted_twice"],
                    "tickets_without_admission": checked["not_admitted"],
                    "rescans_not_refused": not_refused,
                }
            ),
            flush=True,
        )
        print(
            json.dumps(
                {
                    "bench": "gates",
                    "clients": CLIENTS,
                    "batch": BATCH,
                    "increments_per_s": round(len(acknowledged) / count_wall, 1),
                    "errors": count_errors,
                    "failures": dict(FAILURES),
                    "reconnected": len(RECONNECTED),
                    "lost": checked["lost"],
                    "doubled": checked["doubled"],
                }
            ),
            flush=True,
        )
        if errors or rescan_errors or count_errors:
            log(run.log_tail())


if __name__ == "__main__":
    main()
