"""The recall of search on the demo's names, as test_search_recall.py checks it on each database
and bench/search.py prints it: search_recall.json holds the names (the demo's exhibitors and
products, each distinct name once) and the queries, each with the names a person typing it
would expect (see its "about")."""

import datetime
import json
import re
from decimal import Decimal
from pathlib import Path

DATA = Path(__file__).with_name("search_recall.json")
SERIES = "recall"


def load() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def make_corpus(data: dict) -> int:
    """The names as exhibitors and products of an edition of their own (whatever else the
    database holds, the search is kept to it): returns the edition's id."""
    from maarid.catalogue.models import Category, Product, search_text
    from maarid.exhibitors.models import Exhibitor
    from maarid.fairs.models import Edition, Series
    from maarid.registry.models import Commune, Kind, Organisation, Sector
    from maarid.registry.models import search_text as organisation_search_text

    city = Commune.objects.select_related("province").first()
    series = Series.objects.create(
        slug=SERIES, name_fr="Recall", name_ar="Recall", region_id=city.province.region_id
    )
    edition = Edition.objects.create(
        series=series,
        number=1,
        name_fr="Recall",
        city=city,
        starts_on=datetime.date(2024, 5, 31),
        ends_on=datetime.date(2024, 6, 9),
        status=Edition.Status.RUNNING,
    )
    organisations = [
        Organisation(
            kind=Kind.COOPERATIVE,
            name_ar=name_ar,
            name_fr=name_fr,
            slug=f"{SERIES}-{n}",
            province_id=city.province_id,
            sector=Sector.TERROIR,
        )
        for n, (name_ar, name_fr) in enumerate(data["organisations"])
    ]
    for organisation in organisations:
        organisation.search_text = organisation_search_text(organisation)
    Organisation.objects.bulk_create(organisations)
    # The products' maker: one more exhibitor, whose name is nothing a query looks for.
    maker = Organisation(
        kind=Kind.COOPERATIVE,
        name_fr="Recall",
        slug=f"{SERIES}-maker",
        province_id=city.province_id,
        sector=Sector.TERROIR,
    )
    maker.save()
    Exhibitor.objects.bulk_create(
        Exhibitor(edition=edition, organisation=o) for o in [*organisations, maker]
    )
    categories = {c.slug: c for c in Category.objects.select_related("parent")}
    products = []
    for n, (name_ar, name_fr, category) in enumerate(data["products"]):
        product = Product(
            organisation=maker,
            name_ar=name_ar,
            name_fr=name_fr,
            category=categories[category],
            price=Decimal("100.00"),
            slug=f"{SERIES}-{n}",
        )
        product.search_text = search_text(product)
        products.append(product)
    Product.objects.bulk_create(products)
    return edition.pk


_ARABIC = re.compile("[\u0600-\u06ff]")


def measure(data: dict, edition_id: int) -> dict:
    """Each query's recall (the share of its expected names among the first WINDOW found), with
    how many results it had and the names it missed; the mean recall per language."""
    from maarid.catalogue import search as engine

    per_query = []
    for item in data["queries"]:
        field = "name_ar" if item["lang"] == "ar" else "name_fr"
        found = engine.find(
            item["query"], kind=item["kind"], edition=edition_id, limit=engine.WINDOW
        )
        names = {getattr(result, field) for result in found.results}
        expected = set(item["expected"])
        recall = len(expected & names) / len(expected) if expected else 1.0
        missed = sorted(expected - names)
        per_query.append({**item, "recall": recall, "found": found.total, "missed": missed})
    result: dict = {"queries": len(per_query)}
    for lang, name in (("ar", "arabic_recall"), ("fr", "french_recall")):
        mine = [q["recall"] for q in per_query if q["lang"] == lang]
        result[name] = round(sum(mine) / len(mine), 3)
    result["per_query"] = per_query
    return result
