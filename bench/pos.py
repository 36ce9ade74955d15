"""Benchmark: the point of sale under 16 phones selling without pause.

PostgreSQL from ``MAARID_BENCH_DATABASE_URL`` (created if missing), migrated; an edition with 16
exhibitors, each with a registered phone (a device token) and 12 products in stock;
``maarid serve --workers 2`` with production settings (DEBUG off, no HTTPS redirect). Two
phases of 10 s warm-up then 60 s measured, 16 clients with keep-alive connections and no think
time: first single sales (``POST /api/v1/sales/sales``, one to three lines, one in 20 sent twice
as a phone does when an answer is lost), then batch sync (``POST /api/v1/sales/sync``, 50 sales
a request). A request that fails is retried with the same sales until the server acknowledges
them, as the app does; at the end the ledger is compared with what the server acknowledged:
every acknowledged sale once (``lost``, ``doubled``), and the same total to the centime.

Prints one JSON line: ``{"bench": "pos", "single_rps", "batch_sales_per_s", "p50_ms",
"p95_ms", "p99_ms", "errors", "lost", "doubled", ...}`` (latencies of the single-sale requests).
``.venv/bin/python bench/pos.py [--seconds 60] [--warm-up 10]``.
"""

import argparse
import http.client
import json
import random
import sys
import threading
import time
import uuid
from collections import Counter
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import log, percentile, session  # noqa: E402

SEED = 2024
CLIENTS = 16
PRODUCTS = 12
BATCH = 50
WARM_UP = 10
MEASURED = 60
RESEND_EVERY = 20
SERIES = "bench-pos"
STOCK = 10_000_000  # units of each product in stock when the bench starts


# --- Data -------------------------------------------------------------------------------------


def prepare() -> list[dict]:
    """The bench's edition, exhibitors, products and phones; its ledger emptied. Returns, per
    client, its token and its products (id, price)."""
    import datetime

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)

    from maarid.catalogue.models import Category, Product, Stock
    from maarid.core.models import ApiToken, User
    from maarid.exhibitors.models import Exhibitor
    from maarid.fairs.models import Edition, Series
    from maarid.registry.models import Commune, Kind, Membership, Organisation, Province, Sector
    from maarid.sales import services
    from maarid.sales.models import DayClose, Device, Reconciliation, Sale, SaleLine

    rng = random.Random(SEED)
    city = Commune.objects.order_by("pk").first()
    series, _ = Series.objects.get_or_create(
        slug=SERIES, defaults={"name_fr": "Banc d'essai des ventes", "name_ar": "اختبار المبيعات"}
    )
    edition, _ = Edition.objects.get_or_create(
        series=series,
        number=1,
        defaults={
            "name_fr": "Salon d'essai",
            "city": city,
            "starts_on": datetime.date.today(),
            "ends_on": datetime.date.today() + datetime.timedelta(days=9),
        },
    )
    # The ledger is append-only for people; a benchmark empties its own.
    Reconciliation.objects.filter(sale__edition=edition).delete()
    DayClose.objects.filter(exhibitor__edition=edition).delete()
    SaleLine.objects.filter(sale__edition=edition).exclude(corrects=None).delete()
    SaleLine.objects.filter(sale__edition=edition).delete()
    Sale.objects.filter(edition=edition).exclude(corrects=None).delete()
    Sale.objects.filter(edition=edition).delete()
    services.rebuild_summaries(edition=edition)  # its summaries emptied with it
    tokens = list(Device.objects.filter(exhibitor__edition=edition).values_list("token", flat=True))
    Device.objects.filter(exhibitor__edition=edition).delete()
    ApiToken.objects.filter(pk__in=tokens).delete()

    category = Category.objects.filter(parent__isnull=False).order_by("pk").first()
    province = Province.objects.order_by("pk").first()
    clients = []
    for n in range(CLIENTS):
        organisation, _ = Organisation.objects.get_or_create(
            slug=f"bench-pos-{n + 1}",
            defaults={
                "kind": Kind.COOPERATIVE,
                "name_fr": f"Coopérative d'essai {n + 1}",
                "province": province,
                "sector": Sector.TERROIR,
            },
        )
        user, _ = User.objects.get_or_create(
            username=f"bench-pos-{n + 1}", defaults={"email": f"bench-pos-{n + 1}@example.ma"}
        )
        Membership.objects.update_or_create(
            user=user, organisation=organisation, defaults={"status": Membership.Status.ACTIVE}
        )
        stand, _ = Exhibitor.objects.get_or_create(edition=edition, organisation=organisation)
        products = []
        for k in range(PRODUCTS):
            product, _ = Product.objects.get_or_create(
                slug=f"bench-pos-{n + 1}-{k + 1}",
                defaults={
                    "organisation": organisation,
                    "name_fr": f"Produit {k + 1}",
                    "category": category,
                    "price": Decimal(rng.randint(20, 900)) + Decimal(rng.choice([0, 50])) / 100,
                },
            )
            Stock.objects.update_or_create(
                product=product, edition=edition, defaults={"quantity": STOCK}
            )
            products.append((product.pk, str(product.price)))
        _device, raw = services.register_device(actor=user, exhibitor=stand, name="Téléphone")
        clients.append({"token": raw, "products": products, "exhibitor": stand.pk})
    return clients


# --- Clients ----------------------------------------------------------------------------------


class GaveUp(Exception):
    """The server did not acknowledge a request before the caller's deadline."""


class Phone:
    """One client: its own connection, sequence counter and record of acknowledged sales, and
    the failed tries it saw by kind (``failures``: ``network``, ``timeout``, ``http_503``…)."""

    timeout = 30  # seconds without an answer: the try has failed

    def __init__(self, port, setup, seed):
        self.port, self.setup = port, setup
        self.rng = random.Random(seed)
        self.sequence = 0
        self.acknowledged = {}  # uuid -> total
        self.failures = Counter()
        self.answered = (0.0, 0.0)  # when the last acknowledged try was sent, and answered
        self.conn = None
        self.headers = {
            "Authorization": f"Bearer {setup['token']}",
            "Content-Type": "application/json",
        }

    def sale(self) -> dict:
        lines, total = [], Decimal("0.00")
        for product_id, price in self.rng.sample(self.setup["products"], self.rng.randint(1, 3)):
            quantity = self.rng.choice([1, 1, 2, 3])
            lines.append({"product": product_id, "quantity": quantity, "unit_price": price})
            total += Decimal(price) * quantity
        self.sequence += 1
        return {
            "uuid": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
            "sequence": self.sequence,
            "payment": self.rng.choice(["cash", "cash", "card", "mobile"]),
            "lines": lines,
            "total": str(total),
        }, total

    def post(self, path, body, deadline=None):
        """Sends until the server answers 2xx, as the app does (after a network error, a
        timeout or any other answer: again, the same body); returns (seconds of the last try,
        failed tries, answer). Raises ``GaveUp`` once past ``deadline`` (``time.monotonic()``)."""
        errors = 0
        payload = json.dumps(body)
        while True:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            sent = time.monotonic()
            try:
                self.conn.request("POST", path, payload, self.headers)
                response = self.conn.getresponse()
                answer = response.read()
                if 200 <= response.status < 300:
                    self.answered = (sent, time.monotonic())
                    return self.answered[1] - sent, errors, json.loads(answer)
                self.failures[f"http_{response.status}"] += 1
            except (OSError, http.client.HTTPException) as error:
                self.failures["timeout" if isinstance(error, TimeoutError) else "network"] += 1
                self.conn.close()
                self.conn = None
            errors += 1
            if deadline is not None and time.monotonic() > deadline:
                raise GaveUp(path)
            time.sleep(0.05)


def run_phase(phones, batch: bool, warm_up, measured):
    start = time.monotonic()
    begin, end = start + warm_up, start + warm_up + measured
    latencies, counts, errors = [], [0], [0]
    lock = threading.Lock()

    def client(phone):
        mine, sold, failed = [], 0, 0
        while True:
            sent = time.monotonic()
            if sent >= end:
                break
            if batch:
                sales = [phone.sale() for _ in range(BATCH)]
                seconds, tries, answer = phone.post(
                    "/api/v1/sales/sync", {"sales": [s for s, _t in sales]}
                )
                results = answer["results"]
            else:
                sales = [phone.sale()]
                seconds, tries, answer = phone.post("/api/v1/sales/sales", sales[0][0])
                results = [answer]
                if phone.rng.randrange(RESEND_EVERY) == 0:  # the answer was "lost": again
                    _s, more, again = phone.post("/api/v1/sales/sales", sales[0][0])
                    tries += more
                    assert again["created"] is False and again["number"] == answer["number"]
            for (body, total), result in zip(sales, results, strict=True):
                assert result["uuid"] == body["uuid"]
                assert Decimal(result["total"]) == total, (result, total)
                phone.acknowledged[body["uuid"]] = total
            done = time.monotonic()
            if sent >= begin and done <= end:
                mine.append(seconds)
                sold += len(sales)
                failed += tries
        with lock:
            latencies.extend(mine)
            counts[0] += sold
            errors[0] += failed

    threads = [threading.Thread(target=client, args=(phone,)) for phone in phones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return latencies, counts[0], errors[0]


def check_ledger(phones) -> dict:
    """Every acknowledged sale is in the ledger once, with the same total; and the stock of
    each product is what it was less what the ledger sold of it (``stock_consistent``)."""
    from django.db import connections
    from django.db.models import Count, Sum

    from maarid.catalogue.models import Stock
    from maarid.sales.models import Sale, SaleLine

    connections.close_all()
    sent = {u: t for phone in phones for u, t in phone.acknowledged.items()}
    exhibitors = [phone.setup["exhibitor"] for phone in phones]
    stored = dict(
        Sale.objects.filter(exhibitor_id__in=exhibitors)
        .values("uuid")
        .annotate(n=Count("id"))
        .values_list("uuid", "n")
    )
    stored = {str(k): n for k, n in stored.items()}
    total = Sale.objects.filter(exhibitor_id__in=exhibitors).aggregate(t=Sum("total"))["t"]
    products = [pk for phone in phones for pk, _price in phone.setup["products"]]
    sold = dict(
        SaleLine.objects.filter(sale__exhibitor_id__in=exhibitors, product_id__in=products)
        .values("product_id")
        .annotate(q=Sum("quantity"))
        .values_list("product_id", "q")
    )
    left = dict(Stock.objects.filter(product_id__in=products).values_list("product_id", "quantity"))
    return {
        "sales": len(sent),
        "lost": sum(1 for u in sent if u not in stored),
        "doubled": sum(n - 1 for n in stored.values() if n > 1),
        "extra": sum(1 for u in stored if u not in sent),
        "ledger_equals_sent": (total or Decimal("0")) == sum(sent.values(), Decimal("0")),
        "stock_consistent": all(left[pk] == STOCK - sold.get(pk, 0) for pk in products),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=MEASURED, help="measured time per phase")
    parser.add_argument("--warm-up", type=int, default=WARM_UP)
    args = parser.parse_args()

    with session("maarid-bench-") as run:
        run.configure()
        setups = prepare()
        port = run.serve()
        phones = [Phone(port, setup, SEED + n) for n, setup in enumerate(setups)]
        single, _single_sales, single_errors = run_phase(phones, False, args.warm_up, args.seconds)
        _batch, batch_count, batch_errors = run_phase(phones, True, args.warm_up, args.seconds)
        ledger = check_ledger(phones)
        result = {
            "bench": "pos",
            "clients": CLIENTS,
            "single_rps": round(len(single) / args.seconds, 1),
            "batch_sales_per_s": round(batch_count / args.seconds, 1),
            "p50_ms": percentile(single, 0.50),
            "p95_ms": percentile(single, 0.95),
            "p99_ms": percentile(single, 0.99),
            "errors": single_errors + batch_errors,
            "lost": ledger["lost"],
            "doubled": ledger["doubled"],
            "sales_checked": ledger["sales"],
            "ledger_equals_sent": ledger["ledger_equals_sent"] and not ledger["extra"],
        }
        print(json.dumps(result), flush=True)
        if result["errors"]:
            log(run.log_tail())


if __name__ == "__main__":
    main()
