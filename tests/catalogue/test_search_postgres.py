"""Search on PostgreSQL: full-text search with prefixes, trigram typo tolerance, the indexes.

These run (never skip) in the PostgreSQL run; without pg_trgm, the generated column or the
indexes they fail. ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/maarid_ci
.venv/bin/pytest -q -m postgres tests/catalogue/test_search_postgres.py``
"""

import pytest
from django.db import connection, transaction

from maarid.catalogue import search as engine
from tests.catalogue.conftest import category, make_product
from tests.catalogue.test_search import CATALOGUE, FOUND, TYPOS

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def catalogue(exhibiting):
    return {
        name_fr: make_product(
            exhibiting.organisation, name_fr=name_fr, name_ar=name_ar, category=category(slug)
        )
        for name_fr, name_ar, slug in CATALOGUE
    }


def names(query, **kwargs):
    return [p.name_fr for p in engine.search(query, **kwargs)[0]]


def rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_this_run_is_on_postgresql():
    assert connection.vendor == "postgresql"


@pytest.mark.parametrize(("query", "expected"), FOUND)
def test_spellings_find_the_product(catalogue, query, expected):
    assert expected in names(query)


@pytest.mark.parametrize(("query", "expected"), TYPOS)
def test_trigram_typo_tolerance(catalogue, query, expected):
    found = engine.find(query)
    assert expected in [p.name_fr for p in found.results]
    assert found.fuzzy


def test_typo_candidates_come_from_the_trigram_index_of_the_words(catalogue):
    close = engine._close_postgresql("catalogue_product", ["arganne", "الاركن"])
    assert "argan" in close["arganne"]
    assert "الاركان" in close["الاركن"]
    assert engine.corrections("catalogue_product", [["arganne"]]) == [["arganne", "argan="]]


def test_prefixes_are_spelt_out_into_the_indexed_words(catalogue):
    """Words of a query together are intersected by the GIN index; a prefix is given to it as
    the words it begins ('زيت' as زيت | زيتون), a word beginning nothing ends the search."""
    spelt = engine._spelled_out("catalogue_product", [["زيت"], ["الاركان", "اركان", "ارك~"]])
    assert spelt == [["زيت=", "زيتون="], ["الاركان=", "اركان="]]
    assert engine._spelled_out("catalogue_product", [["زيت"], ["zzzz"]]) is None
    assert names("زيت الاركان") == ["Huile d'argan alimentaire"]
    assert names("زيت zzzz") == []


def test_a_prefix_of_many_words_stays_a_prefix(catalogue, monkeypatch):
    monkeypatch.setattr(engine, "EXPANSION", 1)
    assert engine._spelled_out("catalogue_product", [["زيت"], ["اركان"]]) == [["زيت"], ["اركان="]]
    assert names("زيت اركان") == ["Huile d'argan alimentaire"]


def test_exact_words_rank_above_longer_words_sharing_the_prefix(catalogue):
    """زيت (oil) is the beginning of زيتون (olives): the oils come first."""
    olives = make_product(
        catalogue["Miel de thym"].organisation,
        name_fr="Olives vertes cassées",
        name_ar="زيتون أخضر مرضوض",
        category=category("conserves"),
    )
    found = names("زيت")
    assert found.index(olives.name_fr) > found.index("Huile d'argan alimentaire")
    assert found.index(olives.name_fr) > found.index("Huile d'olive vierge extra")


def test_the_words_table_follows_inserts_and_updates(catalogue):
    product = catalogue["Miel de thym"]
    product.name_fr = "Miel d'euphorbe"
    product.save()
    words = {w for (w,) in rows("SELECT word FROM catalogue_product_words")}
    assert {"euphorbe", "thym", "عسل", "الزعتر"} <= words
    found = engine.find("euforbe")
    assert [p.name_fr for p in found.results] == ["Miel d'euphorbe"] and found.fuzzy


def test_the_generated_vector_follows_the_text(catalogue):
    [(vector,)] = rows(
        "SELECT search_vector::text FROM catalogue_product WHERE id = %s",
        [catalogue["Huile d'argan alimentaire"].pk],
    )
    assert "'argan'" in vector and "'الاركان'" in vector


def test_pg_trgm_is_installed():
    assert rows("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'") == [("pg_trgm",)]


@pytest.mark.parametrize(
    ("table", "index", "definition"),
    [
        ("catalogue_product", "catalogue_product_search_vector", "USING gin (search_vector)"),
        (
            "registry_organisation",
            "registry_organisation_search_vector",
            "USING gin (to_tsvector('simple'::regconfig, search_text))",
        ),
        (
            "catalogue_product_words",
            "catalogue_product_words_trgm",
            "USING gin (word gin_trgm_ops)",
        ),
        (
            "catalogue_organisation_words",
            "catalogue_organisation_words_trgm",
            "USING gin (word gin_trgm_ops)",
        ),
    ],
)
def test_the_indexes_exist(table, index, definition):
    [(indexdef,)] = rows(
        "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname = %s", [table, index]
    )
    assert definition in indexdef


def plan(sql, params):
    """The plan PostgreSQL makes when it may not read the whole table, nor walk a table by its
    primary key (the test tables are too small for an index to pay, and what other tests left
    in their statistics may make that walk look cheaper): proves the query's expression is the
    indexed one."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_product_search_uses_the_full_text_index(catalogue):
    [match] = [
        q for q in _captured(lambda: engine.search("huile argan")) if "@@ to_tsquery" in q["sql"]
    ]
    assert "catalogue_product_search_vector" in plan(match["sql"], ())


def test_organisation_search_uses_the_full_text_index(exhibiting):
    [match] = [
        q
        for q in _captured(lambda: engine.search("amal", kind="organisations"))
        if "@@ to_tsquery" in q["sql"]
    ]
    assert "registry_organisation_search_vector" in plan(match["sql"], ())


def test_typo_lookup_uses_the_trigram_index(catalogue):
    """With a large vocabulary: below some tens of thousands of words, reading them all is
    cheaper, and PostgreSQL does that."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO catalogue_product_words SELECT substr(md5(n::text), 1, 8) "
            "FROM generate_series(1, 150000) AS n ON CONFLICT DO NOTHING"
        )
        cursor.execute("ANALYZE catalogue_product_words")
        cursor.execute("SET LOCAL pg_trgm.similarity_threshold = 0.2")
        cursor.execute(
            "EXPLAIN SELECT word FROM catalogue_product_words WHERE word %% %s", ["arganne"]
        )
        assert "catalogue_product_words_trgm" in "\n".join(r[0] for r in cursor.fetchall())
        assert "argan" in engine._close_postgresql("catalogue_product", ["arganne"])["arganne"]


def _captured(run):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        run()
    return queries.captured_queries


def test_the_count_stops_at_the_window(catalogue, monkeypatch):
    monkeypatch.setattr(engine, "WINDOW", 4)
    found = engine.find("de")
    assert found.total == 4 and found.more and len(found.results) == 4


def test_the_page_and_the_api_on_postgresql(catalogue, client):
    page = client.get("/ar/search/", {"q": "huile d'arganne"})
    assert page.status_code == 200 and "زيت الأركان الغذائي" in page.content.decode()
    data = client.get("/api/v1/search", {"q": "زيت الاركان"}).json()
    assert [r["name_fr"] for r in data["results"]] == ["Huile d'argan alimentaire"]


def test_many_products_from_bulk_create(exhibiting):
    """The statement triggers keep the words of a bulk load (as the benchmark makes)."""
    from maarid.catalogue.models import Product, search_text

    products = []
    for n in range(50):
        product = Product(
            organisation=exhibiting.organisation,
            name_fr=f"Tapis zemmour {n}",
            name_ar="زربية زمور",
            category=category("tissage-tapis"),
            slug=f"tapis-zemmour-{n}",
        )
        product.search_text = search_text(product)
        products.append(product)
    Product.objects.bulk_create(products)
    assert engine.search("زربيه زمور")[1] == 50
    assert engine.find("zemour").total == 50
    assert make_product(exhibiting.organisation, name_fr="Tapis 2").pk


def _prepared_here():
    return {name for (name,) in rows("SELECT name FROM pg_prepared_statements")}


def _statements(run):
    return [q["sql"].split("(")[0].split(" AS ")[0] for q in _captured(run)]


def test_the_page_rows_are_a_statement_prepared_once_per_connection(
    catalogue, exhibiting, monkeypatch
):
    """The page's rows (five tables, two subqueries) are planned once per connection, with and
    without an edition: the same results as the query run as it is."""
    names("huile")
    names("huile", edition=exhibiting.edition_id)
    assert {"maarid_search_page_products", "maarid_search_page_products_edition"} <= (
        _prepared_here()
    )
    statements = _statements(lambda: names("huile"))
    assert "EXECUTE maarid_search_page_products" in statements
    assert not [s for s in statements if s.startswith("PREPARE")]
    found = names("huile"), names("huile", edition=exhibiting.edition_id)
    assert "Huile d'argan alimentaire" in found[0] and found[0] == found[1]
    monkeypatch.setattr(engine.prepared, "execute", _as_it_is)
    assert (names("huile"), names("huile", edition=exhibiting.edition_id)) == found
    [amal] = engine.search("amal", kind="organisations")[0]
    assert amal.pk == exhibiting.organisation_id and amal.exhibitor_url


def _as_it_is(cursor, name, sql, params):
    """The page's query executed as it is, for comparison."""
    cursor.execute(sql, params)


def test_a_statement_prepared_in_a_rolled_back_transaction_stays(catalogue):
    with transaction.atomic():
        names("huile")
        transaction.set_rollback(True)
    assert "maarid_search_page_products" in _prepared_here()
    assert "PREPARE" not in " ".join(_statements(lambda: names("huile")))
    assert "Huile d'argan alimentaire" in names("huile")


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_again(exhibiting):
    """After the connection is closed (CONN_MAX_AGE, a failed health check) the statement is
    prepared on the new one."""
    make_product(exhibiting.organisation, name_fr="Huile d'argan", name_ar="زيت الأركان")
    assert names("huile") == ["Huile d'argan"]
    connection.close()
    assert "maarid_search_page_products" not in _prepared_here()
    assert names("huile") == ["Huile d'argan"]
    assert "maarid_search_page_products" in _prepared_here()


@pytest.mark.django_db(transaction=True)
def test_a_statement_refused_in_a_failed_transaction_is_prepared_next_time():
    def add_one(cursor):
        engine.prepared.execute(cursor, "maarid_test_add_one", "SELECT %s::int + 1", [41])
        return cursor.fetchone()[0]

    connection.close()
    with (
        pytest.raises(Exception, match="current transaction is aborted"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        with pytest.raises(Exception, match="division by zero"):
            cursor.execute("SELECT 1/0")
        add_one(cursor)
    assert "maarid_test_add_one" not in _prepared_here()
    with connection.cursor() as cursor:
        assert add_one(cursor) == 42
        assert add_one(cursor) == 42
    assert "maarid_test_add_one" in _prepared_here()


def _as_loaded(instance):
    """What an instance holds: its attributes, how it was loaded and the audit's snapshot."""
    attributes = dict(vars(instance))
    state = attributes.pop("_state")
    before = attributes.pop("_audit_before", None)
    return attributes, state.adding, state.db, sorted(state.fields_cache), before and sorted(before)


@pytest.mark.parametrize("kind", engine.KINDS)
def test_results_are_made_as_the_orm_makes_them(catalogue, kind, monkeypatch):
    """The results skip ``Model.__init__`` (most of the time spent making them) and hold what
    ``Model.from_db`` gives: the same attributes, loaded from the database, their relations
    cached, the audit's snapshot taken."""
    query = "huile" if kind == "products" else "amal"
    made = engine.search(query, kind=kind)[0]
    monkeypatch.setattr(
        engine, "_maker", lambda model, fields: lambda db, row: model.from_db(db, fields, row)
    )
    loaded = engine.search(query, kind=kind)[0]
    assert made and len(made) == len(loaded)
    for fast, orm in zip(made, loaded, strict=True):
        assert _as_loaded(fast) == _as_loaded(orm)
        assert fast._audit_before["name_fr"] == orm._audit_before["name_fr"]
        relation = "organisation" if kind == "products" else "province"
        assert _as_loaded(getattr(fast, relation)) == _as_loaded(getattr(orm, relation))
