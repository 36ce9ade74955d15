"""Benchmark: people registering for the programme's sessions and checked in at the door,
against ``maarid serve``.

PostgreSQL from ``MAARID_BENCH_DATABASE_URL`` (created if missing), migrated; an edition
running today with ``SESSIONS`` published sessions tomorrow (registration open, ``CAPACITY``
places each: fewer than the people who come, so waiting lists form), and 16 door phones
(device tokens). ``maarid serve`` with production settings.

16 clients with keep-alive connections and no think time each register ``--people`` people
(``POST …/sessions/<pk>/registrations``, anonymous, a name and a phone, to a session drawn at
random) and check each one in at once with its code (``POST …/sessions/<pk>/check-ins``, the
door phone's token, a key of its own). Every registration must answer 201 (a place or the
waiting list), every check-in 201. At the end the database is checked: no session holds more
registered people than its places (``over_capacity``: the places taken past them), nobody is
on the waiting list twice at one rank, each person registered and checked in once.

Prints ``{"bench": "register", "rps", "p50_ms", "p99_ms", "errors", "over_capacity", ...}``:
requests per second and latencies of both kinds of request together (each kind's apart too).
``.venv/bin/python bench/register.py [--people 300]``; stops by itself within 10 minutes.
"""

import argparse
import datetime
import http.client
import json
import os
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import CpuMeter, log, percentile, session  # noqa: E402

SEED = 2024
CLIENTS = 16
PEOPLE = 300  # per client: 2 requests each
SESSIONS = 8
CAPACITY = 450  # 8 × 450 = 3,600 places for 4,800 people
SERIES = "bench-register"


# --- Data -------------------------------------------------------------------------------------


def prepare() -> dict:
    """The bench's edition (running today), its sessions tomorrow and 16 door phones; what it
    held before is emptied. Returns the sessions' ids and the phones' tokens."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)

    from django.utils import timezone

    from maarid.core.access import Role
    from maarid.core.models import ApiToken, User
    from maarid.fairs.models import Edition, Series, SeriesRole
    from maarid.programme import services
    from maarid.programme.models import CheckIn, DoorDevice, Holder, Registration, Room, Session
    from maarid.registry.models import Commune

    today = timezone.localdate()
    series, _ = Series.objects.get_or_create(
        slug=SERIES, defaults={"name_fr": "Banc d'essai du programme", "name_ar": "اختبار البرنامج"}
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
    edition.starts_on, edition.ends_on = today, today + datetime.timedelta(days=2)
    edition.status = Edition.Status.RUNNING
    edition.save()
    organiser, _ = User.objects.get_or_create(
        username="bench-register", defaults={"email": "bench-register@example.ma"}
    )
    SeriesRole.objects.get_or_create(user=organiser, series=series, role=Role.ORGANISER)

    holders = set(Registration.objects.filter(edition=edition).values_list("holder_id", flat=True))
    CheckIn.objects.filter(session__edition=edition).delete()
    Registration.objects.filter(edition=edition).delete()
    Holder.objects.filter(pk__in=holders, user__isnull=True).delete()
    Session.objects.filter(edition=edition).delete()
    Room.objects.filter(edition=edition).delete()
    tokens = list(DoorDevice.objects.filter(edition=edition).values_list("token", flat=True))
    DoorDevice.objects.filter(edition=edition).delete()
    ApiToken.objects.filter(pk__in=tokens).delete()

    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    sessions = []
    for n in range(SESSIONS):
        room = services.create_room(
            actor=organiser,
            edition=edition,
            name_ar=f"قاعة {n + 1}",
            name_fr=f"Salle {n + 1}",
            capacity=CAPACITY,
        )
        starts = tomorrow.replace(hour=10, minute=0, second=0, microsecond=0)
        sessions.append(
            Session.objects.create(
                edition=edition,
                kind=Session.Kind.WORKSHOP,
                title_ar=f"ورشة {n + 1}",
                title_fr=f"Atelier {n + 1}",
                room=room,
                capacity=CAPACITY,
                language="ar-fr",
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=2),
                published=True,
            )
        )
    phones = [
        services.add_door_device(actor=organiser, edition=edition, name=f"Porte {n + 1}")[1]
        for n in range(CLIENTS)
    ]
    return {
        "edition": edition.pk,
        "path": f"/api/v1/programme/{SERIES}/{edition.number}",
        "sessions": [s.pk for s in sessions],
        "phones": phones,
    }


# --- Clients ----------------------------------------------------------------------------------


class Client:
    """One person's phone registering, then the door phone checking them in: one keep-alive
    connection; the door phone's token is sent with the check-ins only."""

    timeout = 30

    def __init__(self, port, token):
        self.port = port
        self.conn = None
        self.door = {"Authorization": f"Bearer {token}"}

    def post(self, path, body, door=False):
        """One try: (seconds, status, answer or None)."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        headers = {"Content-Type": "application/json", "Accept-Language": "fr"}
        if door:
            headers.update(self.door)
        sent = time.monotonic()
        try:
            self.conn.request("POST", path, json.dumps(body), headers)
            response = self.conn.getresponse()
            answer = response.read()
            seconds = time.monotonic() - sent
            return seconds, response.status, json.loads(answer) if answer else None
        except (OSError, http.client.HTTPException, ValueError):
            self.conn.close()
            self.conn = None
            return time.monotonic() - sent, 0, None


def run_clients(clients, setup, people):
    """Each client registers its ``people`` and checks each in; returns the latencies of the
    registrations and of the check-ins, the errors (failed tries, wrong answers) and the wall
    seconds."""
    registering, checking = [], []
    errors = [0]
    lock = threading.Lock()
    base = setup["path"]

    def work(i):
        rng = random.Random(SEED + i)
        client, mine_r, mine_c, failed = clients[i], [], [], 0
        for n in range(people):
            number = i * people + n
            pk = rng.choice(setup["sessions"])
            body = {"name": f"Participant {number}", "phone": f"066{number:07d}"}
            for _attempt in range(5):
                seconds, status, answer = client.post(f"{base}/sessions/{pk}/registrations", body)
                if status == 201:
                    break
                failed += 1
            mine_r.append(seconds)
            if status != 201:
                continue
            door = {"key": f"bench-{number:08d}", "code": answer["code"]}
            for _attempt in range(5):
                seconds, status, answer = client.post(
                    f"{base}/sessions/{pk}/check-ins", door, door=True
                )
                if status == 201:
                    break
                failed += 1
            mine_c.append(seconds)
        with lock:
            registering.extend(mine_r)
            checking.extend(mine_c)
            errors[0] += failed

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(clients))]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - start
    return registering, checking, errors[0], wall


def check(setup) -> dict:
    """What the database holds after the run."""
    from django.db import connections
    from django.db.models import Count, Q

    from maarid.programme.models import CheckIn, Registration, Session

    connections.close_all()
    sessions = Session.objects.filter(pk__in=setup["sessions"]).annotate(
        registered=Count("registrations", filter=Q(registrations__status="registered")),
        waiting=Count("registrations", filter=Q(registrations__status="waiting")),
        ranks=Count(
            "registrations__waiting_position",
            filter=Q(registrations__status="waiting"),
            distinct=True,
        ),
    )
    registrations = Registration.objects.filter(session_id__in=setup["sessions"])
    doubled = registrations.values("phone").annotate(n=Count("id")).filter(n__gt=1).count()
    check_ins = CheckIn.objects.filter(session_id__in=setup["sessions"])
    return {
        "registrations": registrations.count(),
        "registered": sum(s.registered for s in sessions),
        "waiting": sum(s.waiting for s in sessions),
        "over_capacity": sum(max(0, s.registered - s.capacity) for s in sessions),
        "waiting_ranks_shared": sum(s.waiting - s.ranks for s in sessions),
        "registered_twice": doubled,
        "check_ins": check_ins.count(),
        "checked_in_twice": check_ins.values("registration_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=PEOPLE, help="registered by each client")
    args = parser.parse_args()

    with session("maarid-bench-") as run:
        run.configure()
        setup = prepare()
        port = run.serve()
        clients = [Client(port, token) for token in setup["phones"]]
        # Warm-up, not measured: each connection opened, each worker's first requests (a
        # session that is not one: 404; a check-in without a code: 422).
        for client in clients:
            client.post(f"{setup['path']}/sessions/999999999/registrations", {"name": "x"})
            client.post(f"{setup['path']}/sessions/{setup['sessions'][0]}/check-ins", {}, True)
        with CpuMeter(run.servers[-1].pid) as cpu:
            registering, checking, errors, wall = run_clients(clients, setup, args.people)
        held = check(setup)
        both = sorted(registering + checking)
        registering.sort()
        checking.sort()
        expected = CLIENTS * args.people
        print(
            json.dumps(
                {
                    "bench": "register",
                    "clients": CLIENTS,
                    "requests": len(both),
                    "rps": round(len(both) / wall, 1),
                    "p50_ms": percentile(both, 0.50),
                    "p95_ms": percentile(both, 0.95),
                    "p99_ms": percentile(both, 0.99),
                    "register_p99_ms": percentile(registering, 0.99),
                    "check_in_p99_ms": percentile(checking, 0.99),
                    "errors": errors
                    + (expected - held["registrations"])
                    + (expected - held["check_ins"])
                    + held["registered_twice"]
                    + held["checked_in_twice"]
                    + held["waiting_ranks_shared"],
                    "over_capacity": held["over_capacity"],
                    "registered": held["registered"],
                    "waiting": held["waiting"],
                    "places": SESSIONS * CAPACITY,
                    # CPU milliseconds per request, and the machine's load when it ended.
                    "cpu_ms": {
                        k: round(v * 1000 / max(len(both), 1), 2) for k, v in cpu.used.items()
                    },
                    "load": round(os.getloadavg()[0], 2),
                }
            ),
            flush=True,
        )
        if errors:
            log(run.log_tail())


if __name__ == "__main__":
    main()
