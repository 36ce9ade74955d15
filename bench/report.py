"""Benchmark: the closing report of an edition with 1,000,000 sales lines, and the observatory
over 12 regions × 5 editions (10,000,000 sales lines), against ``maarid serve``.

PostgreSQL from ``MAARID_BENCH_DATABASE_URL`` (default
postgres://postgres@127.0.0.1:5432/maarid_bench, created if missing), migrated. The generator
works inside the database (set-based ``INSERT … SELECT`` over ``generate_series``: no row
travels from Python): 12 fair series, one per region, of 5 closed editions each; 5,000
organisations per region in the registry (cooperatives, associations, GIE, artisans, their
members); 165 exhibitors per edition, most of them back from the previous edition, each with
a sales phone; sales of 1 to 4 lines each, with one void in a hundred sales; gates counting
about 60,000 entries per edition. The region 01's 5th edition holds 1,000,000 lines and the
other 59 the other 9,000,000. Each edition is made in a transaction of its own, so a run
stopped by the watchdog is continued by the next; data already there is kept (``--reload``
makes it again). The sales app's summary tables are rebuilt for each new edition
(``rebuild_summaries``), and for any edition found without them.

Then ``maarid serve`` (production settings) is started and each page is asked for: once cold
(its first request after the server started, the application cache empty) and ``--warm``
times more (the median is printed). The closing report is the reports app's
``/<lang>/<series>/<number>/report/`` asked for by a superuser; it is skipped (with a note)
while that page does not exist. Prints
``{"bench": "report", "lines": 1000000, "cold_ms": …, "warm_ms": …}`` and
``{"bench": "observatory", "lines": 10000000, "cold_ms": …, "warm_ms": …}``; the server's SQL
time is not separable from outside, so the bench also prints, on stderr, the time the
observatory's reads take in this process. Stops by itself within 10 minutes.
``.venv/bin/python bench/report.py [--reload] [--warm 5]``.
"""

import argparse
import datetime
import http.client
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import log, note, session  # noqa: E402

REGIONS = [f"{n:02d}" for n in range(1, 13)]
EDITIONS = 5
ORGANISATIONS = 5_000  # per region
EXHIBITORS = 165
STEP = 40  # each edition draws its exhibitors 40 organisations further: 125 come back
REPORT_LINES = 1_000_000
TOTAL_LINES = 10_000_000
SERIES = "bench-report-{region}"
GATES = 3
VISITORS = 60_000
SECTORS = ["terroir", "handicrafts", "cosmetics", "agriculture", "fisheries", "textiles"]
SECTORS += ["recycling", "tourism", "services"]
KINDS = ["cooperative"] * 7 + ["association"] * 2 + ["gie", "artisan"]


def lines_of(region: str, number: int) -> int:
    if (region, number) == (REGIONS[0], EDITIONS):
        return REPORT_LINES
    others = len(REGIONS) * EDITIONS - 1
    return (TOTAL_LINES - REPORT_LINES) // others + (
        1 if _index(region, number) < (TOTAL_LINES - REPORT_LINES) % others else 0
    )


def _index(region: str, number: int) -> int:
    """The edition's rank among the 59 that are not the report's."""
    rank = REGIONS.index(region) * EDITIONS + number - 1
    return rank if rank < EDITIONS - 1 else rank - 1


# --- Data -------------------------------------------------------------------------------------


def prepare(reload: bool) -> dict:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    from django.db import connection

    if reload:
        wipe()
    started = time.monotonic()
    made = 0
    for region in REGIONS:
        series = load_series(region)
        for number in range(1, EDITIONS + 1):
            if load_edition(series, region, number):
                made += 1
                note(f"edition {region}/{number}: {lines_of(region, number):,} lines")
    summarise_missing()
    if made:
        with connection.cursor() as cursor:
            for table in ["sales_sale", "sales_saleline", "sales_daytotal", "sales_hourtotal"]:
                cursor.execute(f"ANALYZE {table}")
            cursor.execute("ANALYZE exhibitors_exhibitor")
            cursor.execute("ANALYZE registry_organisation")
            cursor.execute("ANALYZE visitors_count")
        log(f"generated {made} editions in {time.monotonic() - started:.0f} s")
    else:
        log("the 60 editions are already there")
    return {"report": SERIES.format(region=REGIONS[0]), "number": EDITIONS, "cookie": login()}


def wipe():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.id FROM fairs_edition e JOIN fairs_series s ON s.id = e.series_id "
            "WHERE s.slug LIKE 'bench-report-%%'"
        )
        ids = [row[0] for row in cursor.fetchall()] or [0]
        for sql in [
            "DELETE FROM sales_saleline WHERE sale_id IN "
            "(SELECT id FROM sales_sale WHERE edition_id = ANY(%s))",
            "DELETE FROM sales_sale WHERE edition_id = ANY(%s) AND corrects_id IS NOT NULL",
            "DELETE FROM sales_sale WHERE edition_id = ANY(%s)",
            "DELETE FROM sales_device WHERE exhibitor_id IN "
            "(SELECT id FROM exhibitors_exhibitor WHERE edition_id = ANY(%s))",
            "DELETE FROM exhibitors_exhibitor WHERE edition_id = ANY(%s)",
            "DELETE FROM visitors_count WHERE edition_id = ANY(%s)",
            "DELETE FROM visitors_gate WHERE edition_id = ANY(%s)",
            "DELETE FROM fairs_edition WHERE id = ANY(%s)",
        ]:
            cursor.execute(sql, [ids])
        cursor.execute("DELETE FROM fairs_series WHERE slug LIKE 'bench-report-%%'")
        cursor.execute("DELETE FROM registry_organisation WHERE slug LIKE 'bench-report-%%'")


def load_series(region: str):
    """The region's series and its registry of organisations (made once)."""
    from django.db import connection, transaction

    from maarid.fairs.models import Series
    from maarid.registry.models import Region

    name = Region.objects.get(pk=region).name_fr
    with transaction.atomic():
        series, created = Series.objects.get_or_create(
            slug=SERIES.format(region=region),
            defaults={
                "name_fr": f"Salon régional de l'ESS — {name}",
                "name_ar": f"المعرض الجهوي للاقتصاد الاجتماعي والتضامني — {name}",
                "region_id": region,
            },
        )
        if created or not series_has_registry(region):
            with connection.cursor() as cursor:
                cursor.execute(
                    """
                    INSERT INTO registry_organisation (
                        kind, name_ar, name_fr, description_ar, description_fr, slug,
                        registration_number, ice, founded_on, province_id, commune_id, sector,
                        members_women, members_men, women_led, eco_friendly, craft_at_risk,
                        contact_name, phone, email, website, address, contact_public,
                        search_text, created_at, updated_at)
                    SELECT (%(kinds)s::text[])[1 + (n * 7) %% cardinality(%(kinds)s::text[])],
                        'تعاونية ' || n, 'Coopérative ' || %(region)s || '-' || n, '', '',
                        'bench-report-' || %(region)s || '-' || n, '', '',
                        DATE '1990-01-01' + (n * 37) %% 12000, p.codes[1 + (n %% p.count)::int],
                        NULL,
                        (%(sectors)s::text[])[1 + (n * 13) %% cardinality(%(sectors)s::text[])],
                        (n * 11) %% 25, (n * 7) %% 20, n %% 5 = 0, n %% 17 = 0, n %% 23 = 0,
                        '', '', '', '', '', false, '', now(), now()
                    FROM generate_series(1, %(count)s) AS n,
                        (SELECT array_agg(code ORDER BY code) AS codes, count(*) AS count
                         FROM registry_province WHERE region_id = %(region)s) AS p
                    """,
                    {
                        "region": region,
                        "count": ORGANISATIONS,
                        "kinds": KINDS,
                        "sectors": SECTORS,
                    },
                )
    return series


def series_has_registry(region: str) -> bool:
    from maarid.registry.models import Organisation

    return Organisation.objects.filter(slug=f"bench-report-{region}-1").exists()


def load_edition(series, region: str, number: int) -> bool:
    """Makes the edition, its exhibitors, their sales and its gates' counts, in one
    transaction; False when it is already there."""
    from django.db import connection, transaction

    from maarid.fairs.models import Edition
    from maarid.registry.models import Commune
    from maarid.sales.models import Sale

    existing = Edition.objects.filter(series=series, number=number).first()
    if existing and Sale.objects.filter(edition=existing).exists():
        return False
    lines = lines_of(region, number)
    sales = round(lines / 2.5)  # 1 to 4 lines a sale: 2.5 on average
    year = 2019 + number
    with transaction.atomic():
        if existing:
            existing.delete()
        edition = Edition.objects.create(
            series=series,
            number=number,
            name_fr=f"{number}e Salon régional de l'ESS",
            name_ar=f"الدورة {number} للمعرض الجهوي",
            city=Commune.objects.filter(province__region_id=region).order_by("code").first(),
            starts_on=datetime.date(year, 5, 31),
            ends_on=datetime.date(year, 6, 9),
            status=Edition.Status.CLOSED,
        )
        params = {
            "edition": edition.pk,
            "region": region,
            "first": (number - 1) * STEP + 1,
            "exhibitors": EXHIBITORS,
            "sales": sales,
            "start": datetime.datetime(year, 5, 31, 9, 0, tzinfo=datetime.UTC),
            "visitors_slot": VISITORS // (GATES * 10 * 12),
        }
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO exhibitors_exhibitor (edition_id, organisation_id, application_id,
                    status, booth_size, electricity, water, refrigeration, created_at)
                SELECT %(edition)s, o.id, NULL, 'active', 9, false, false, false, now()
                FROM registry_organisation o
                WHERE o.slug IN (SELECT 'bench-report-' || %(region)s || '-' || n
                                 FROM generate_series(%(first)s, %(first)s + %(exhibitors)s - 1) n)
                """,
                params,
            )
            cursor.execute(
                """
                INSERT INTO sales_device (exhibitor_id, number, name, token_id, created_by_id,
                    created_at)
                SELECT id, 1, 'Phone', NULL, NULL, now() FROM exhibitors_exhibitor
                WHERE edition_id = %(edition)s
                """,
                params,
            )
            cursor.execute("DROP TABLE IF EXISTS bench_stand")
            cursor.execute(
                """
                CREATE TEMP TABLE bench_stand ON COMMIT DROP AS
                SELECT row_number() OVER (ORDER BY e.id) - 1 AS n, e.id AS exhibitor_id,
                    d.id AS device_id
                FROM exhibitors_exhibitor e JOIN sales_device d ON d.exhibitor_id = e.id
                WHERE e.edition_id = %(edition)s
                """,
                params,
            )
            cursor.execute("SELECT count(*) FROM bench_stand")
            stands = cursor.fetchone()[0]
            params["stands"] = stands
            # Sale s: stand s mod the stands (some sell more: a skewed draw), lines 1 to 4,
            # each line's price and quantity a function of (s, line): the sale's total is
            # the sum of its lines, as the ledger keeps it.
            cursor.execute(
                """
                INSERT INTO sales_sale (uuid, device_id, exhibitor_id, edition_id, kind,
                    corrects_id, sequence, number, payment, subtotal, discount, total,
                    buyer_phone, language, reason, made_by_id, offline, device_clock, sold_at,
                    received_at, oversold, receipt_key)
                SELECT gen_random_uuid(), st.device_id, st.exhibitor_id, %(edition)s, 'sale',
                    NULL, s, 'B-' || s, (ARRAY['cash','cash','cash','card','mobile'])[1 + s %% 5],
                    t.total, 0, t.total, '', 'fr', '', NULL, s %% 9 = 0, NULL, at.at, at.at,
                    false, 'r' || %(edition)s || '-' || s
                FROM generate_series(1, %(sales)s) AS s
                JOIN bench_stand st
                    ON st.n = floor((((s::bigint * 2654435761) %% 1000003)::float8 / 1000003)
                                    ^ 2 * %(stands)s)::int
                CROSS JOIN LATERAL (
                    SELECT sum((20 + (s * 31 + g * 17) %% 380) * (1 + (s + g) %% 3))::numeric(12,2)
                        AS total
                    FROM generate_series(1, 1 + s %% 4) g) t
                CROSS JOIN LATERAL (
                    SELECT %(start)s::timestamptz + ((s * 7) %% 10) * interval '1 day'
                        + ((s * 13) %% 720) * interval '1 minute' AS at) at
                """,
                params,
            )
            cursor.execute(
                """
                INSERT INTO sales_saleline (sale_id, product_id, label, unit_price, quantity,
                    total, corrects_id)
                SELECT sa.id, NULL, 'Article ' || g, 20 + (sa.sequence * 31 + g * 17) %% 380,
                    1 + (sa.sequence + g) %% 3,
                    (20 + (sa.sequence * 31 + g * 17) %% 380) * (1 + (sa.sequence + g) %% 3),
                    NULL
                FROM sales_sale sa CROSS JOIN LATERAL generate_series(1, 1 + sa.sequence %% 4) g
                WHERE sa.edition_id = %(edition)s
                """,
                params,
            )
            # One void in a hundred sales (the whole sale taken back).
            cursor.execute(
                """
                INSERT INTO sales_sale (uuid, device_id, exhibitor_id, edition_id, kind,
                    corrects_id, sequence, number, payment, subtotal, discount, total,
                    buyer_phone, language, reason, made_by_id, offline, device_clock, sold_at,
                    received_at, oversold, receipt_key)
                SELECT gen_random_uuid(), device_id, exhibitor_id, edition_id, 'void', id, NULL,
                    number || '-V', payment, -subtotal, 0, -total, '', 'fr', 'erreur', NULL,
                    false, NULL, sold_at + interval '2 minutes', sold_at + interval '2 minutes',
                    false, receipt_key || 'v'
                FROM sales_sale WHERE edition_id = %(edition)s AND sequence %% 100 = 0
                """,
                params,
            )
            cursor.execute(
                """
                INSERT INTO visitors_gate (edition_id, name_ar, name_fr, zone_id, counts_exits,
                    position)
                SELECT %(edition)s, 'الباب ' || g, 'Porte ' || g, NULL, false, g
                FROM generate_series(1, 3) g
                """,
                params,
            )
            cursor.execute(
                """
                INSERT INTO visitors_count (key, edition_id, gate_id, device_id, direction,
                    amount, counted_at, at, received_at, day, clock_wrong, offline, late)
                SELECT gen_random_uuid(), %(edition)s, g.id, NULL, 'in',
                    %(visitors_slot)s + (d * 7 + h * 3 + g.position) %% 5, NULL, ts, ts,
                    (ts AT TIME ZONE 'Africa/Casablanca')::date, false, false, false
                FROM visitors_gate g, generate_series(0, 9) d, generate_series(0, 11) h,
                    LATERAL (SELECT %(start)s::timestamptz + d * interval '1 day'
                             + h * interval '1 hour' AS ts) t
                WHERE g.edition_id = %(edition)s
                """,
                params,
            )
        rebuild_summaries(edition)
    return True


def rebuild_summaries(edition):
    """The sales app's summary tables for the edition (the ledger was written directly)."""
    from maarid.sales.services import rebuild_summaries as rebuild

    rebuild(edition=edition)


def summarise_missing():
    """Rebuilds the summaries of editions generated before the sales app kept them."""
    from django.db import transaction

    from maarid.fairs.models import Edition
    from maarid.sales.models import DayTotal

    editions = Edition.objects.filter(series__slug__startswith="bench-report-").exclude(
        pk__in=DayTotal.objects.values("edition_id")
    )
    for edition in editions:
        with transaction.atomic():
            rebuild_summaries(edition)
        note(f"summaries of {edition.series.slug}/{edition.number} rebuilt")


def login() -> str:
    """A session cookie of a superuser (made for the bench), for the closing report."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from maarid.core.models import User

    user, _ = User.objects.get_or_create(
        username="bench-report", defaults={"is_superuser": True, "is_staff": True}
    )
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def reads_in_process():
    """How long the observatory's reads and its protection take here (not over HTTP)."""
    from maarid.reports import observatory, opendata

    started = time.monotonic()
    found = observatory.facts()
    read = time.monotonic() - started
    opendata.observe(found)
    log(
        f"observatory in this process: reads {read * 1000:.0f} ms, "
        f"protection {(time.monotonic() - started - read) * 1000:.0f} ms"
    )


# --- Measure ----------------------------------------------------------------------------------


def get(port: int, path: str, cookie: str = "") -> tuple[int, float, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.monotonic()
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    body = response.read()
    elapsed = time.monotonic() - started
    conn.close()
    return response.status, elapsed, len(body)


def measure(port: int, name: str, lines: int, path: str, warm: int, cookie: str = "") -> None:
    status, cold, size = get(port, path, cookie)
    if status != 200:
        log(f"{name}: {path} answered {status}; not measured")
        return
    times = []
    for _ in range(warm):
        status, elapsed, _size = get(port, path, cookie)
        times.append(elapsed)
    log(f"{name}: {path}, {size:,} bytes")
    print(
        json.dumps(
            {
                "bench": name,
                "lines": lines,
                "cold_ms": round(cold * 1000, 1),
                "warm_ms": round(statistics.median(times) * 1000, 1),
            }
        ),
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reload", action="store_true", help="make the data again")
    parser.add_argument("--warm", type=int, default=5, help="warm requests per page")
    args = parser.parse_args()

    with session("maarid-bench-") as run:
        run.configure()
        setup = prepare(args.reload)
        reads_in_process()
        # Each page is cold once: its first request after this server started.
        port = run.serve()
        report = f"/fr/{setup['report']}/{setup['number']}/report/"
        measure(port, "report", REPORT_LINES, report, args.warm, setup["cookie"])
        measure(port, "observatory", TOTAL_LINES, "/fr/observatory/", args.warm)


if __name__ == "__main__":
    main()
