"""Benchmark: search on 100,000 products, 8 clients against ``maarid serve --workers 2``.

PostgreSQL from ``MAARID_BENCH_DATABASE_URL`` (default
postgres://postgres@127.0.0.1:5432/maarid_bench, created if missing), migrated; 100,000
generated products of 2,000 organisations (kept between runs when they are already there;
``--reload`` makes them again); production settings (DEBUG off, no HTTPS redirect); 8 clients
with keep-alive connections and no think time, 10 s of warm-up then 60 s measured, first against
the search page, then against the search API. The queries are words of the products' own
Arabic and French names, as people type them (accents, hamza), one in ten with a typo.
Prints one JSON line per target, then the recall of the query set of
tests/catalogue/search_recall.json (``{"bench": "search_recall", …}``), and stops the server
it started; a watchdog ends everything after 10 minutes.
``.venv/bin/python bench/search.py [--reload] [--seconds 60]``.
"""

import argparse
import http.client
import json
import random
import re
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import log, percentile, session  # noqa: E402

SEED = 2024
PRODUCTS = 100_000
ORGANISATIONS = 2_000
CLIENTS = 8
WARM_UP = 10
MEASURED = 60
TYPO_EVERY = 10

# What makes 100,000 names out of the demo's 176: a place, a manner, a size.
PLACES = [
    ("de Chefchaouen", "من شفشاون"),
    ("de Tétouan", "من تطوان"),
    ("de Tanger", "من طنجة"),
    ("d'Al Hoceïma", "من الحسيمة"),
    ("de Larache", "من العرائش"),
    ("d'Ouezzane", "من وزان"),
    ("du Rif", "من الريف"),
    ("de l'Atlas", "من الأطلس"),
    ("de Tiznit", "من تيزنيت"),
    ("d'Essaouira", "من الصويرة"),
    ("de Taliouine", "من تالوين"),
    ("de Fès", "من فاس"),
    ("de Safi", "من آسفي"),
    ("d'Errachidia", "من الرشيدية"),
    ("de Nador", "من الناظور"),
    ("de Oujda", "من وجدة"),
]
MANNERS = [
    ("", ""),
    ("biologique", "بيولوجي"),
    ("artisanal", "تقليدي"),
    ("fait main", "مصنوع يدويا"),
    ("de qualité supérieure", "من الجودة العالية"),
    ("traditionnel", "أصيل"),
    ("coopératif", "تعاوني"),
    ("naturel", "طبيعي"),
    ("édition spéciale", "إصدار خاص"),
    ("familial", "عائلي"),
]
ORGANISATION_KINDS = [("Coopérative", "تعاونية"), ("Association", "جمعية"), ("GIE", "مجموعة")]
ORGANISATION_NAMES = [
    ("Al Amal", "الأمل"),
    ("Nour", "النور"),
    ("Al Baraka", "البركة"),
    ("Tifawin", "تيفاوين"),
    ("Al Wahda", "الوحدة"),
    ("Assafa", "الصفاء"),
    ("Al Khair", "الخير"),
    ("Tamount", "تامونت"),
    ("Al Fajr", "الفجر"),
    ("Ennahda", "النهضة"),
    ("Al Yasmine", "الياسمين"),
    ("Tafoukt", "تافوكت"),
    ("Al Mostaqbal", "المستقبل"),
    ("Ajddig", "أجديك"),
    ("Al Ikhlass", "الإخلاص"),
]


# --- Data -------------------------------------------------------------------------------------


def load(reload: bool):
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)

    from maarid.catalogue.models import Product

    if not reload and Product.objects.count() == PRODUCTS:
        log(f"{PRODUCTS} products already there")
        return
    started = time.monotonic()
    generate()
    log(f"loaded {PRODUCTS} products in {time.monotonic() - started:.0f} s")


def generate():
    import datetime
    from decimal import Decimal

    from django.db import connection, transaction

    from maarid.catalogue.models import Category, Product, search_text

    # The demo's product lists by activity, filed in the category of their activity.
    from maarid.demo.catalogue import ACTIVITY_CATEGORY
    from maarid.demo.exhibitors import PRODUCTS as CATALOGUE
    from maarid.exhibitors.models import Exhibitor
    from maarid.fairs.models import Edition, Series
    from maarid.registry.models import Commune, Kind, Organisation, Province, Sector
    from maarid.registry.models import search_text as organisation_search_text

    rng = random.Random(SEED)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE catalogue_product, exhibitors_exhibitor, registry_organisation CASCADE"
        )
    categories = {c.slug: c for c in Category.objects.select_related("parent")}
    provinces = list(Province.objects.values_list("code", flat=True))
    activities = sorted(CATALOGUE)
    with transaction.atomic():
        series, _ = Series.objects.get_or_create(
            slug="bench",
            defaults={"name_fr": "Salon de l'ESS (bench)", "name_ar": "معرض", "region_id": "01"},
        )
        edition, _ = Edition.objects.get_or_create(
            series=series,
            number=1,
            defaults={
                "name_fr": "Salon de l'ESS",
                "city": Commune.objects.first(),
                "starts_on": datetime.date(2024, 5, 31),
                "ends_on": datetime.date(2024, 6, 9),
                "status": Edition.Status.RUNNING,
            },
        )
        organisations = []
        for n in range(ORGANISATIONS):
            kind_fr, kind_ar = rng.choice(ORGANISATION_KINDS)
            name_fr, name_ar = rng.choice(ORGANISATION_NAMES)
            place_fr, place_ar = rng.choice(PLACES)
            organisation = Organisation(
                kind=Kind.COOPERATIVE if kind_fr == "Coopérative" else Kind.ASSOCIATION,
                name_fr=f"{kind_fr} {name_fr} {place_fr} {n + 1}",
                name_ar=f"{kind_ar} {name_ar} {place_ar} {n + 1}",
                slug=f"bench-{n + 1}",
                province_id=rng.choice(provinces),
                sector=Sector.TERROIR,
            )
            organisation.search_text = organisation_search_text(organisation)
            organisation.activity = rng.choice(activities)
            organisations.append(organisation)
        Organisation.objects.bulk_create(organisations, batch_size=1000)
        Exhibitor.objects.bulk_create(
            [Exhibitor(edition=edition, organisation=o) for o in organisations], batch_size=1000
        )
        batch = []
        for n in range(PRODUCTS):
            organisation = organisations[n % ORGANISATIONS]
            activity = organisation.activity if rng.random() < 0.8 else rng.choice(activities)
            base_fr, base_ar, low, high = rng.choice(CATALOGUE[activity])
            place_fr, place_ar = rng.choice(PLACES)
            manner_fr, manner_ar = rng.choice(MANNERS)
            product = Product(
                organisation=organisation,
                category=categories[ACTIVITY_CATEGORY[activity]],
                name_fr=" ".join(filter(None, [base_fr, manner_fr, place_fr])),
                name_ar=" ".join(filter(None, [base_ar, manner_ar, place_ar])),
                description_fr=f"{base_fr} {manner_fr}, préparé par la {organisation.name_fr}.",
                description_ar=f"{base_ar} {manner_ar}، من إنتاج {organisation.name_ar}.",
                price=Decimal(rng.randint(low, high)),
                slug=f"bench-{n + 1}",
            )
            product.search_text = search_text(product)  # what Product.save does
            batch.append(product)
            if len(batch) == 5000:
                Product.objects.bulk_create(batch)
                batch = []
        Product.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE catalogue_product")
        cursor.execute("VACUUM ANALYZE registry_organisation")
        cursor.execute("VACUUM ANALYZE exhibitors_exhibitor")


_WORD = re.compile(r"[^\W\d_]{3,}")


def vocabulary(rng, size=5000) -> list[list[str]]:
    """Names of products as typed: each a list of its words (Arabic or French)."""
    from maarid.catalogue.models import Product

    ids = list(Product.objects.values_list("id", flat=True))
    sample = rng.sample(ids, min(size, len(ids)))
    names = []
    for name_ar, name_fr in Product.objects.filter(id__in=sample).values_list("name_ar", "name_fr"):
        for name in (name_ar, name_fr):
            words = _WORD.findall(name)
            if words:
                names.append(words)
    return names


def with_typo(rng, word: str) -> str:
    """One slip of the finger, past the first letter: a letter swapped, doubled, lost or wrong."""
    i = rng.randrange(1, len(word))
    letters = "ابتثجحخدذرسشصضطظعغفقكلمنهوي" if re.match("[\u0600-\u06ff]", word) else "aeinorstu"
    slip = rng.choice(["swap", "double", "drop", "wrong"])
    if slip == "swap" and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if slip == "double":
        return word[: i + 1] + word[i:]
    if slip == "drop":
        return word[:i] + word[i + 1 :]
    return word[:i] + rng.choice(letters.replace(word[i], "")) + word[i + 1 :]


def queries(rng, names, count=20_000) -> list[tuple[str, bool]]:
    """(query, is Arabic): one or two words of a product's name, one in ten with a typo."""
    result = []
    for n in range(count):
        words = rng.choice(names)
        start = rng.randrange(len(words))
        chosen = words[start : start + rng.choice([1, 1, 2])]
        if n % TYPO_EVERY == 0:
            long = [i for i, w in enumerate(chosen) if len(w) >= 4]
            if long:
                i = rng.choice(long)
                chosen = [*chosen[:i], with_typo(rng, chosen[i]), *chosen[i + 1 :]]
        query = " ".join(chosen)
        result.append((query, bool(re.search("[\u0600-\u06ff]", query))))
    return result


# --- Recall -----------------------------------------------------------------------------------


def recall() -> dict:
    """The recall of the query set of tests/catalogue/search_recall.json (the demo's names, as
    exhibitors and products of an edition of their own, put in and taken out again in one
    transaction): as test_search_recall.py measures it."""
    from django.db import transaction

    from tests.catalogue import search_recall

    data = search_recall.load()
    with transaction.atomic():
        measured = search_recall.measure(data, search_recall.make_corpus(data))
        transaction.set_rollback(True)
    return {
        "bench": "search_recall",
        "queries": measured["queries"],
        "arabic_recall": measured["arabic_recall"],
        "french_recall": measured["french_recall"],
    }


# --- Server and clients -----------------------------------------------------------------------


def path_for(target, query, arabic) -> str:
    q = urllib.parse.quote(query)
    if target == "api":
        return f"/api/v1/search?q={q}"
    return f"/{'ar' if arabic else 'fr'}/search/?q={q}"


def run_clients(port, target, load, warm_up, measured):
    """CLIENTS threads, each with its own keep-alive connection, asking without pause."""
    start = time.monotonic()
    begin, end = start + warm_up, start + warm_up + measured
    latencies, errors = [], [0]
    lock = threading.Lock()

    def client(n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, failed, i = [], 0, n
        while True:
            sent = time.monotonic()
            if sent >= end:
                break
            query, arabic = load[i % len(load)]
            i += CLIENTS
            try:
                conn.request("GET", path_for(target, query, arabic))
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            done = time.monotonic()
            if sent >= begin and done <= end:
                mine.append(done - sent)
                failed += not ok
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    count = len(latencies)
    return {
        "bench": "search",
        "target": target,
        "products": PRODUCTS,
        "clients": CLIENTS,
        "rps": round(count / measured, 1),
        "p50_ms": percentile(latencies, 0.50),
        "p95_ms": percentile(latencies, 0.95),
        "errors": errors[0],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reload", action="store_true", help="generate the products again")
    parser.add_argument("--seconds", type=int, default=MEASURED, help="measured time per target")
    parser.add_argument("--warm-up", type=int, default=WARM_UP)
    parser.add_argument("--targets", default="page,api")
    args = parser.parse_args()

    with session("maarid-bench-") as run:
        run.configure()
        load(args.reload)
        rng = random.Random(SEED)
        load_queries = queries(rng, vocabulary(rng))
        recalled = recall()
        port = run.serve()
        for target in args.targets.split(","):
            result = run_clients(port, target, load_queries, args.warm_up, args.seconds)
            print(json.dumps(result), flush=True)
            if result["errors"]:
                log(run.log_tail())
        print(json.dumps(recalled), flush=True)


if __name__ == "__main__":
    main()
