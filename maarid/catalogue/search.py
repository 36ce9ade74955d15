"""Search across products and organisations, on PostgreSQL and on SQLite.

The page (views_search) and the API (api_search) both call :func:`search` (or :func:`find`).
What is searched is the ``search_text`` column of the product or the organisation, made in
Python by ``core.text.searchable`` when the row is saved: the text normalised (Arabic alef
forms, hamza, taa marbuta, alef maqsura, tatweel and diacritics; French accents and case), then
the other forms of its Arabic words: without the particles written into them (و ف ب ك ل, the
article, لل: "للعسل" is also "عسل") and their Snowball stems ("التقليدية" is also "تقليد"). The
query goes through the same functions, so "زيت الأركان", "زيت الاركان" and "Huile d'Argan" meet
the text half-way, and "عسل", "العسل" and "بالعسل" find each other. Every word is a prefix
("arga" finds argan), and so is an Arabic word without its article and particles; its other
readings (without a lone و ف ب ك ل, which may be its own first letter) and its stems are
matched as whole words and rank below: "زيتون" finds the olives before anything only its stem
joins. The l' and d' of French are dropped. All the words must match.

PostgreSQL's own Arabic stemmer (the ``arabic`` text-search configuration) is not used: SQLite
has none, the two would not stem alike, and on a whole word it stems differently with and
without the article. One stemmer, in Python, for both databases.

PostgreSQL (production and CI)
    Full-text search on a ``simple``-config tsvector of search_text (no stemming and no stop
    words: the text is already normalised, and the config must not guess a language) with a
    GIN index: ``search_vector @@ to_tsquery('simple', 'huile:* & argan:*')``. For products the
    tsvector is a stored generated column (``search_vector``, added by migration 0003 and
    unknown to the model) so that ranking does not parse the text again; organisations, a small
    table, use an expression index. Rank: ts_rank of the prefix query plus ts_rank of the exact
    words, so "زيت" ranks the oils above the olives (زيتون) that only share the prefix.
    Ranking every match of a word found in half the catalogue ("تقليدي", "huile") would cost
    tens of milliseconds on 100,000 products, so at most ``WINDOW`` (300) matches are ranked:
    the first ones in table order, which PostgreSQL finds by the GIN index, or for a word that
    is everywhere by reading the table until it has them (a fraction of a millisecond). The
    count stops there too: ``total`` is 300 and ``Found.more`` says there are more (the page
    asks for another word). Pages go as far as 300 results.

    Typos: when nothing matches, each word of four letters or more is looked up by trigram
    similarity (pg_trgm, ``%``, a GIN ``gin_trgm_ops`` index) in the vocabulary of the indexed
    texts (``catalogue_product_words``, ``catalogue_organisation_words``: every word of
    search_text, kept by triggers), and the close words — within one edit for words of up to
    five letters, two for longer ones — are tried as alternatives: "huile d'arganne" finds
    argan, "زيت الاركن" finds الاركان. Trigrams are matched against the few thousand distinct
    words rather than against search_text itself because checking ``word_similarity`` on every
    product that shares trigrams with a misspelt common word takes seconds on 100,000 rows.

SQLite (development, small installs)
    An FTS5 table over search_text (external content: the product or organisation table itself,
    kept in step by triggers), queried with prefix terms and ranked by bm25. Typos: the same
    correction, with the vocabulary of the FTS5 index (an fts5vocab table): the words starting
    with the same letter (after the article) within one or two edits.

The columns, tables, indexes and triggers are made by migration 0003_search through
:func:`install`. On SQLite a later migration that rebuilds the product or organisation table
drops its triggers with the old table: :func:`find` notices once per process and puts them
back, rebuilding the index.
"""

import dataclasses
import functools
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import (
    BooleanField,
    Exists,
    FloatField,
    Model,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.db.models.base import ModelState
from django.db.models.expressions import Expression
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

from maarid.core import prepared
from maarid.core.text import is_arabic, normalise, word_forms

PAGE_SIZE = 20
WINDOW = 300  # the most matches ranked (and counted)
MAX_WORDS = 6
MAX_QUERY_LENGTH = 100
KINDS = ("products", "organisations")
TABLES = {"products": "catalogue_product", "organisations": "registry_organisation"}

# Per searched table: the tsvector to match (PostgreSQL) and the table of its words.
VECTORS = {
    "catalogue_product": "{table}.search_vector",
    "registry_organisation": "to_tsvector('simple'::regconfig, {table}.search_text)",
}
WORDS = {
    "catalogue_product": "catalogue_product_words",
    "registry_organisation": "catalogue_organisation_words",
}


@dataclasses.dataclass
class Found:
    results: list
    total: int  # at most WINDOW
    more: bool = False  # more than WINDOW matched: only the first WINDOW were ranked
    fuzzy: bool = False  # found by typo tolerance, not by the words as typed


def search(query, *, kind="products", edition=None, limit=PAGE_SIZE, offset=0):
    """The products (or organisations) matching ``query``, best first: ``(results, total)``.

    Products are the active ones; organisations, those exhibiting (not withdrawn) at an edition
    open to the public. ``edition`` (an Edition or its id) keeps those of one edition. Each
    result carries ``exhibitor_url``: its organisation's page at that edition, or at the latest
    one it exhibited at, or None. ``total`` stops at WINDOW (300).
    """
    found = find(query, kind=kind, edition=edition, limit=limit, offset=offset)
    return found.results, found.total


def find(query, *, kind="products", edition=None, limit=PAGE_SIZE, offset=0) -> Found:
    """:func:`search`, also telling whether there were more matches than counted and whether
    the typo tolerance was needed."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    groups = parse(query)
    if not groups:
        return Found([], 0)
    limit = max(0, min(limit, WINDOW - offset))  # no further than the matches counted
    edition_id = getattr(edition, "pk", edition)
    table = TABLES[kind]
    if connection.vendor == "postgresql":
        ranked = functools.partial(_postgresql, kind)
    else:
        if connection.vendor == "sqlite":
            _ensure_sqlite_index(table)
        ranked = functools.partial(_sqlite, _candidates(kind, edition_id))
    results, count = ranked(groups, limit, offset, edition_id)
    fuzzy = False
    if not count:
        corrected = corrections(table, groups)
        if corrected == groups:
            return Found([], 0)
        results, count = ranked(corrected, limit, offset, edition_id)
        fuzzy = True
    _attach_urls(results, kind)
    return Found(results, min(count, WINDOW), more=count > WINDOW, fuzzy=fuzzy)


# --- The query --------------------------------------------------------------------------------


def parse(query) -> list[list[str]]:
    """The normalised words of a query, each with its spellings to try (:func:`variants`).
    One-letter words (the l' and d' of French) are dropped when there are others. A spelling
    ending in "=" is matched whole (a correction), one ending in "~" whole and ranked below (a
    possible reading, a stem); the others are prefixes."""
    words = normalise((query or "")[:MAX_QUERY_LENGTH]).split()
    if any(len(w) > 1 for w in words):
        words = [w for w in words if len(w) > 1]
    groups, seen = [], set()
    for word in words:
        if word not in seen:
            seen.add(word)
            groups.append(variants(word))
    return groups[:MAX_WORDS]


def variants(word: str) -> list[str]:
    """The word as typed and, if it is Arabic, without its article and particles (prefixes);
    its possible readings without a lone particle and its stems (whole, ranked below)."""
    if not is_arabic(word):
        return [word]
    bases, stems = word_forms(word)
    strong = list(dict.fromkeys([word, bases[0]]))
    return strong + [f"{form}~" for form in (*bases[1:], *stems) if form not in strong]


def _strong(groups) -> list[list[str]]:
    """The spellings that rank: all but the possible readings and the stems."""
    return [[w for w in g if not w.endswith("~")] for g in groups]


def _whole(word: str) -> bool:
    return word.endswith(("=", "~"))


def corrections(table, groups) -> list[list[str]]:
    """Each word of four letters or more (with and without the Arabic article), with the
    indexed words one edit away (two for words longer than five letters) added as whole-word
    alternatives."""
    close = _close_postgresql if connection.vendor == "postgresql" else _close_sqlite
    asked = [w for g in groups for w in g if len(w) >= 4 and not _whole(w)]
    near = close(table, list(dict.fromkeys(asked)))
    result = []
    for group in groups:
        found = []
        for word in group:
            if word not in near:
                continue
            limit = 1 if len(word) <= 5 else 2
            found += [
                f"{term}="
                for term in near[word]
                if term not in group
                and f"{term}=" not in found
                and abs(len(term) - len(word)) <= limit
                and edits(word, term, limit) <= limit
            ]
        result.append(group + found[:10])
    return result


def edits(a: str, b: str, limit: int = 2) -> int:
    """Optimal string alignment distance (Levenshtein plus swaps of two neighbours), cut short
    once it exceeds ``limit``."""
    if a == b:
        return 0
    previous2: list[int] = []  # the row before the previous one, from the second letter on
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


# --- What is searched, and how it comes back --------------------------------------------------


def _candidates(kind, edition_id):
    from maarid.exhibitors.selectors import active_exhibitors
    from maarid.fairs.models import Edition
    from maarid.registry.models import Organisation

    from .models import Product

    exhibiting = active_exhibitors().exclude(edition__status=Edition.Status.DRAFT)
    if edition_id is not None:
        exhibiting = exhibiting.filter(edition_id=edition_id)
    if kind == "organisations":
        return Organisation.objects.filter(Exists(exhibiting.filter(organisation=OuterRef("pk"))))
    products = Product.objects.public()
    if edition_id is not None:
        products = products.filter(
            Exists(exhibiting.filter(organisation=OuterRef("organisation_id")))
        )
    return products


def _shaped(queryset, edition_id):
    """Only what a result shows (:data:`SHOWN`), with its organisation and category, and where
    its exhibitor page is (:func:`_with_exhibitor_page`), in the same query."""
    queryset = _with_exhibitor_page(queryset, edition_id)
    kind = (
        "organisations" if queryset.model._meta.db_table == TABLES["organisations"] else "products"
    )
    related = [relation for relation, _fields in SHOWN[kind][1:]]
    shown = [
        f"{relation}__{f}" if relation else f for relation, fields in SHOWN[kind] for f in fields
    ]
    return queryset.select_related(*related).only(*shown)


# What a result shows: its own fields, then its relations' (``attname``s).
SHOWN = {
    "products": [
        (
            None,
            ("id", "organisation_id", "slug", "name_ar", "name_fr", "category_id", "price", "unit"),
        ),
        ("organisation", ("id", "slug", "name_ar", "name_fr")),
        ("category", ("id", "slug", "name_ar", "name_fr")),
    ],
    "organisations": [
        (None, ("id", "slug", "kind", "name_ar", "name_fr", "province_id", "sector")),
        ("province", ("code", "name_ar", "name_fr")),
    ],
}


def _with_exhibitor_page(queryset, edition_id):
    """Where each result's exhibitor page is: the edition (its series' slug and number) of
    ``edition_id`` or the latest public one its organisation exhibits at
    (:func:`_attach_urls`)."""
    from maarid.exhibitors.selectors import active_exhibitors
    from maarid.fairs.models import Edition

    organisations = queryset.model._meta.db_table == TABLES["organisations"]
    # The organisation's exhibitor page at the edition asked for, or at the latest public
    # edition it exhibited at.
    at = active_exhibitors().filter(
        organisation=OuterRef("pk" if organisations else "organisation_id")
    )
    if edition_id is not None:
        at = at.filter(edition_id=edition_id)
    at = at.exclude(edition__status=Edition.Status.DRAFT).order_by("-edition__starts_on")
    return queryset.annotate(
        exhibitor_series=Subquery(at.values("edition__series__slug")[:1]),
        exhibitor_number=Subquery(at.values("edition__number")[:1]),
    )


def _attach_urls(results, kind):
    """Each result's ``exhibitor_url`` from the edition :func:`_with_exhibitor_page` found,
    and each product's ``url`` (its page): one reverse() per page and edition rather than per
    result (the slugs are ASCII slugs, which reverse() would not change)."""
    from django.urls import reverse

    if kind == "products" and results:
        url = reverse("catalogue:product", args=["-"])
        product_page = url[: url.rindex("/-/") + 1] + "{}/"
        for result in results:
            result.url = product_page.format(result.slug)
    pattern: dict[tuple[str, int], str] = {}
    for result in results:
        at = (result.exhibitor_series, result.exhibitor_number)
        if at[0] is None:
            result.exhibitor_url = None
            continue
        if at not in pattern:
            url = reverse("site:exhibitor", args=[*at, "-"])
            pattern[at] = url[: url.rindex("/-/") + 1] + "{}/"
        slug = result.slug if kind == "organisations" else result.organisation.slug
        result.exhibitor_url = pattern[at].format(slug)


# --- PostgreSQL -------------------------------------------------------------------------------


def _tsquery(groups) -> str:
    """'(الاركان:* | اركان:*) & (زيت:* | الزيت:*)'. The words are normalised, hence letters and
    digits only: nothing to_tsquery could read as an operator."""
    return " & ".join(
        "(" + " | ".join(w[:-1] if _whole(w) else f"{w}:*" for w in g) + ")" for g in groups
    )


class Searched(Expression):
    """SQL over the searched table's own columns, ``{table}`` standing for the table's alias in
    the query (so that it stays right inside a subquery, where Django renames the table)."""

    def __init__(self, sql, params, output_field):
        super().__init__(output_field=output_field)
        self.sql, self.params, self.alias = sql, params, None

    def resolve_expression(self, query=None, *args, **kwargs):
        clone = self.copy()
        clone.alias = query.get_initial_alias()
        return clone

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(self.alias)
        return self.sql.replace("{table}", table), list(self.params)


_compiled_queries: dict[tuple, tuple[str, tuple]] = {}


def _compiled(name: str, kind: str, by_edition: bool) -> tuple[str, tuple]:
    """The SQL and parameters (some of them :class:`Slot`) of the query ``name`` for ``kind``,
    with or without an edition, compiled once per process: building and compiling the same
    querysets took a quarter of a search's time, on each search."""
    key = (connection.vendor, name, kind, by_edition)
    if key not in _compiled_queries:
        edition = prepared.Slot("edition") if by_edition else None
        if name == "window":
            queryset = _window(
                _candidates(kind, edition),
                prepared.Slot("match"),
                prepared.Slot("rank"),
                prepared.Slot("exact"),
            )
        else:  # "page"
            queryset = _page_rows(kind, edition)
        _compiled_queries[key] = queryset.query.sql_with_params()
    return _compiled_queries[key]


def _window(candidates, matching, rank, exact):
    """The matches (the primary key and the rank), unordered: what :func:`_postgresql` takes the
    first WINDOW + 1 of."""
    table = candidates.model._meta.db_table
    vector = VECTORS[table]
    score = Searched(
        f"ts_rank({vector}, to_tsquery('simple', %s))"
        f" + ts_rank({vector}, to_tsquery('simple', %s))",
        [rank, exact],
        FloatField(),
    )
    return (
        candidates.filter(
            Searched(f"{vector} @@ to_tsquery('simple', %s)", [matching], BooleanField())
        )
        .order_by()
        .annotate(search_rank=score)
        .values_list("pk", "search_rank")
    )


def _page_rows(kind, edition):
    """The rows of the results whose primary keys are given (the ``ids`` slot), each as
    :data:`SHOWN` lists its fields and those of its relations, then its exhibitor page."""
    from maarid.registry.models import Organisation

    from .models import Product

    model = Product if kind == "products" else Organisation
    by_id = Searched(
        f"{{table}}.{model._meta.pk.column} = ANY(%s)", [prepared.Slot("ids")], BooleanField()
    )
    columns = [
        f"{relation}__{f}" if relation else f
        for relation, _model, fields, _at in _row_layout(kind)
        for f in fields
    ]
    queryset = _with_exhibitor_page(model._default_manager.filter(by_id), edition)
    return queryset.order_by().values_list(*columns, "exhibitor_series", "exhibitor_number")


@functools.cache
def _row_layout(kind: str) -> list[tuple[str | None, Any, tuple[str, ...], int]]:
    """Per model of a row of :func:`_page_rows`: the relation (None for the result itself),
    the model, its fields in the model's order (what ``Model.from_db`` reads) and where they
    start in the row."""
    from maarid.registry.models import Organisation

    from .models import Product

    model: Any = Product if kind == "products" else Organisation
    layout: list[tuple[str | None, Any, tuple[str, ...], int]] = []
    at = 0
    for relation, fields in SHOWN[kind]:
        related = model if relation is None else model._meta.get_field(relation).related_model
        ordered = tuple(f.attname for f in related._meta.concrete_fields if f.attname in fields)
        if len(ordered) != len(fields):
            raise ValueError(f"not fields of {related.__name__}: {set(fields) - set(ordered)}")
        layout.append((relation, related, ordered, at))
        at += len(ordered)
    return layout


def _instances(kind, rows):
    """The model instances of rows of :func:`_page_rows`, with their relations and exhibitor
    page, as ``select_related`` and ``only`` would have made them."""
    layout = _row_layout(kind)
    main_model = layout[0][1]
    setters = [main_model._meta.get_field(relation).set_cached_value for relation, *_ in layout[1:]]
    db = connection.alias
    makers = [(_maker(model, fields), at, at + len(fields)) for _r, model, fields, at in layout]
    results = []
    for row in rows:
        made = [make(db, row[start:end]) for make, start, end in makers]
        result = made[0]
        for setter, related in zip(setters, made[1:], strict=True):
            setter(result, related)
        result.exhibitor_series, result.exhibitor_number = row[-2], row[-1]
        results.append(result)
    return results


def _maker(model, fields: tuple[str, ...]) -> Callable[[str, tuple], Any]:
    """Makes an instance of ``model`` from the values of ``fields`` (attnames) as
    ``Model.from_db`` does, without ``Model.__init__``'s walk over every field of the model
    (most of the time the search spent making its results): the values go into the instance's
    attributes as ``__init__`` would put them, then ``post_init`` is sent (the audit's
    snapshot). ``from_db`` itself where that would not be the same: a model with ``pre_init``
    receivers or its own ``__init__`` or ``from_db``, a field set through a descriptor of its
    own."""
    plain = (
        not pre_init.has_listeners(model)
        and model.__init__ is Model.__init__
        and model.from_db.__func__ is Model.from_db.__func__  # type: ignore[attr-defined]
        and all(type(getattr(model, f, None)) in _PLAIN_ATTRIBUTES for f in fields)
    )
    if not plain:
        return lambda db, values: model.from_db(db, fields, values)
    new, initialised = object.__new__, post_init.has_listeners(model)

    def make(db: str, values: tuple) -> Any:
        instance = new(model)
        state = ModelState()
        state.adding, state.db = False, db
        attributes = instance.__dict__
        attributes["_state"] = state
        attributes.update(zip(fields, values, strict=True))
        if initialised:
            post_init.send(sender=model, instance=instance)
        return instance

    return make


# The attributes of fields that ``Model.__init__`` sets as it would set any attribute (a
# foreign key's only clears the related object it caches: a new instance has none).
_PLAIN_ATTRIBUTES = (DeferredAttribute, ForeignKeyDeferredAttribute)


def _postgresql(kind, groups, limit, offset, edition_id):
    """The first WINDOW + 1 matches in table order (through the GIN index, or reading the table
    when the words are everywhere: either way it stops there), ranked and counted in one query;
    then the page's rows with their organisation, category and exhibitor page, by primary key.
    (One query doing both is slower: it reads the 300 rows again to join them.) Both queries
    are compiled once (:func:`_compiled`) and their rows made into models here
    (:func:`_instances`); the second, whose plan does not depend on the words, is also
    prepared once per connection (``core.prepared``: planning it cost more than running it)."""
    table = TABLES[kind]
    # One word's prefix costs the index no more than its words; words together are intersected.
    matching = _spelled_out(table, groups) if len(groups) > 1 else groups
    if matching is None:
        return [], 0
    strong = _strong(groups)
    values = {
        "edition": edition_id,
        "match": _tsquery(matching),
        "rank": _tsquery(strong),
        "exact": " | ".join(w.rstrip("=") for g in strong for w in g),
    }
    sql, params = _compiled("window", kind, edition_id is not None)
    window = [*prepared.filled(params, values), WINDOW + 1]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT w.*, count(*) OVER () FROM ({sql} LIMIT %s) w "  # noqa: S608
            "ORDER BY 2 DESC, 1 DESC LIMIT %s OFFSET %s",
            [*window, limit, offset],
        )
        rows = cursor.fetchall()
        if not rows:  # nothing matches, or the page is past the end: count then
            if not (offset or not limit):
                return [], 0
            cursor.execute(f"SELECT count(*) FROM ({sql} LIMIT %s) w", window)  # noqa: S608
            return [], cursor.fetchone()[0]
        name = f"maarid_search_page_{kind}" + ("_edition" if edition_id is not None else "")
        sql, params = _compiled("page", kind, edition_id is not None)
        filled = prepared.filled(params, {"ids": [row[0] for row in rows], "edition": edition_id})
        prepared.execute(cursor, name, sql, filled)  # planned once per connection
        found = {row[0]: row for row in cursor.fetchall()}
    results = _instances(kind, [found[row[0]] for row in rows if row[0] in found])
    return results, rows[0][2]


def _close_postgresql(table, words: list[str]) -> dict[str, list[str]]:
    """For each word, the indexed words sharing trigrams with it (the GIN trigram index of the
    vocabulary), most similar first: one query for all the words. The thresholds are low
    because one typo costs a short word many of its trigrams ('miel', 'mial': 0.25; 'safran',
    'safarn': 0.27), 0.15 up to five letters and 0.2 beyond; the edit distance then keeps the
    close ones. The ``%`` operator reads its threshold from the session (set each time: one
    statement more rather than the four of a transaction)."""
    if not words:
        return {}
    close: dict[str, list[str]] = {word: [] for word in words}
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', '0.15', false)")
        cursor.execute(
            "SELECT q, word FROM unnest(%s::text[]) AS q CROSS JOIN LATERAL ("  # noqa: S608
            f"SELECT word FROM {WORDS[table]} WHERE word %% q AND similarity(word, q) >= "
            "CASE WHEN length(q) <= 5 THEN 0.15 ELSE 0.2 END "
            "ORDER BY similarity(word, q) DESC, word LIMIT 50) AS close",
            [words],
        )
        for word, term in cursor.fetchall():
            close[word].append(term)
    return close


EXPANSION = 50  # the most indexed words a prefix is spelt out into


def _spelled_out(table, groups) -> list[list[str]] | None:
    """The groups with each prefix replaced by the indexed words it begins, matched whole, and
    the whole words kept if they are indexed: the GIN index then intersects the posting lists
    of words, where matching a prefix ('زيت:*') builds a bitmap of every row holding one of its
    words, tens of times slower when they are frequent. A prefix beginning more than EXPANSION
    words stays a prefix. None when a word of the query matches nothing indexed."""
    terms = sorted({w.rstrip("=~") for g in groups for w in g})
    begun: dict[str, list[str]] = {term: [] for term in terms}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p, word FROM unnest(%s::text[]) AS p CROSS JOIN LATERAL ("  # noqa: S608
            f'SELECT word FROM {WORDS[table]} WHERE word COLLATE "C" >= p '
            f'AND word COLLATE "C" < p || %s ORDER BY word COLLATE "C" LIMIT %s) AS w',
            [terms, "\U0010ffff", EXPANSION + 1],
        )
        for term, word in cursor.fetchall():
            begun[term].append(word)
    spelled = []
    for group in groups:
        spelt: list[str] = []
        for w in group:
            words = begun[w.rstrip("=~")]
            if _whole(w):
                spelt += [w] if w[:-1] in words else []
            else:
                spelt += [w] if len(words) > EXPANSION else [f"{word}=" for word in words]
        if not spelt:
            return None
        spelled.append(list(dict.fromkeys(spelt)))
    return spelled


# --- SQLite -----------------------------------------------------------------------------------


def _fts_match(groups) -> str:
    return " AND ".join(
        "(" + " OR ".join(f'"{w[:-1]}"' if _whole(w) else f'"{w}"*' for w in g) + ")"
        for g in groups
    )


def _sqlite(candidates, groups, limit, offset, edition_id):
    """The FTS5 table joined to the searched one, ranked by bm25 after those that match without
    the possible readings and stems (all matches: SQLite holds small catalogues), counted up to
    WINDOW + 1."""
    table = candidates.model._meta.db_table
    fts = f"{table}_fts"
    select, select_params = {"search_rank": f'bm25("{fts}")'}, []
    strong = _strong(groups)
    if strong != groups:
        select["search_weak"] = (
            f'"{table}"."id" NOT IN (SELECT rowid FROM "{fts}" WHERE "{fts}" MATCH %s)'  # noqa: S608
        )
        select_params.append(_fts_match(strong))
    matches = candidates.extra(  # noqa: S610 - the way to join an FTS5 table and rank by bm25
        tables=[fts],
        where=[f'"{fts}"."rowid" = "{table}"."id"', f'"{fts}" MATCH %s'],
        params=[_fts_match(groups)],
        select=select,
        select_params=select_params,
    )
    count = matches.order_by().values("pk")[: WINDOW + 1].count()
    if not count or not limit:
        return [], count
    order = [*(["search_weak"] if "search_weak" in select else []), "search_rank", "-pk"]
    results = list(_shaped(matches, edition_id).order_by(*order)[offset : offset + limit])
    return results, count


def _close_sqlite(table, words: list[str]) -> dict[str, list[str]]:
    """For each word, the indexed words starting with the same letter (after the Arabic
    article)."""
    close = {}
    with connection.cursor() as cursor:
        for word in words:
            stem = word[:3] if word.startswith("ال") else word[:1]
            cursor.execute(
                f'SELECT term FROM "{table}_fts_vocab" WHERE term >= %s AND term < %s',  # noqa: S608
                [stem, stem + "\U0010ffff"],
            )
            close[word] = [row[0] for row in cursor.fetchall()]
    return close


# --- The stored texts (migration 0004_search_forms) --------------------------------------------


def reindex(organisations: type[Model], products: type[Model], batch: int = 2000) -> None:
    """Computes the ``search_text`` of every organisation and product again (a migration's
    work when the way it is made changes), writing only those that change; the indexes follow
    through their triggers. Takes the models, historical ones in a migration."""
    from maarid.catalogue.models import search_text as product_text
    from maarid.registry.models import search_text as organisation_text

    tables: list[tuple[QuerySet[Any], Callable[[Any], str]]] = [
        (organisations._default_manager.all(), organisation_text),
        (products._default_manager.select_related("category__parent"), product_text),
    ]
    for rows, compute in tables:
        last = 0
        while chunk := list(rows.filter(pk__gt=last).order_by("pk")[:batch]):
            changed = []
            for row in chunk:
                text = compute(row)
                if text != row.search_text:
                    row.search_text = text
                    changed.append(row)
            rows.model._default_manager.bulk_update(changed, ["search_text"])
            last = chunk[-1].pk


# --- Columns, tables, indexes and triggers (migration 0003_search) ------------------------------


POSTGRESQL_SETUP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Products: a stored tsvector (ranking reads it instead of parsing the text again).
    "ALTER TABLE catalogue_product ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED",
    "CREATE INDEX IF NOT EXISTS catalogue_product_search_vector "
    "ON catalogue_product USING gin (search_vector)",
    # Organisations, a small table: an expression index.
    "CREATE INDEX IF NOT EXISTS registry_organisation_search_vector ON registry_organisation "
    "USING gin (to_tsvector('simple'::regconfig, search_text))",
    # The vocabularies, for typos: every word of the texts, with a trigram index.
    "CREATE TABLE IF NOT EXISTS catalogue_product_words (word text PRIMARY KEY)",
    "CREATE TABLE IF NOT EXISTS catalogue_organisation_words (word text PRIMARY KEY)",
    "CREATE INDEX IF NOT EXISTS catalogue_product_words_trgm "
    "ON catalogue_product_words USING gin (word gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS catalogue_organisation_words_trgm "
    "ON catalogue_organisation_words USING gin (word gin_trgm_ops)",
    # Kept by statement triggers; words are added in order, so that two transactions adding
    # the same new words cannot deadlock. Words no longer used stay: a correction to one finds
    # nothing, which is what the typo would have found.
    """CREATE OR REPLACE FUNCTION catalogue_search_words() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        EXECUTE format(
            'INSERT INTO %I (word) SELECT DISTINCT w FROM new_rows, '
            'unnest(tsvector_to_array(to_tsvector(''simple''::regconfig, new_rows.search_text))) '
            'AS w ORDER BY w ON CONFLICT (word) DO NOTHING',
            TG_ARGV[0]);
        RETURN NULL;
    END $$""",
    *(
        f"CREATE OR REPLACE TRIGGER {words}_{event.lower()} AFTER {event} ON {table} "
        f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
        f"EXECUTE FUNCTION catalogue_search_words('{words}')"
        for table, words in WORDS.items()
        for event in ("INSERT", "UPDATE")
    ),
    *(
        f"INSERT INTO {words} (word) SELECT DISTINCT w FROM {table}, "  # noqa: S608
        f"unnest(tsvector_to_array(to_tsvector('simple'::regconfig, search_text))) AS w "
        f"ON CONFLICT (word) DO NOTHING"
        for table, words in WORDS.items()
    ),
]

# The vocabularies in byte order, for spelling prefixes out (:func:`_spelled_out`, migration
# 0005_search_word_prefixes): whatever the database's collation, a prefix's words are a range.
POSTGRESQL_PREFIXES = [
    f'CREATE INDEX IF NOT EXISTS {words}_prefix ON {words} (word COLLATE "C")'
    for words in WORDS.values()
]
POSTGRESQL_PREFIXES_TEARDOWN = [f"DROP INDEX IF EXISTS {words}_prefix" for words in WORDS.values()]

POSTGRESQL_TEARDOWN = [
    *(
        f"DROP TRIGGER IF EXISTS {words}_{event} ON {table}"
        for table, words in WORDS.items()
        for event in ("insert", "update")
    ),
    "DROP FUNCTION IF EXISTS catalogue_search_words()",
    "DROP TABLE IF EXISTS catalogue_product_words",
    "DROP TABLE IF EXISTS catalogue_organisation_words",
    "DROP INDEX IF EXISTS registry_organisation_search_vector",
    "ALTER TABLE catalogue_product DROP COLUMN IF EXISTS search_vector",
]


def sqlite_setup(table: str) -> list[str]:
    fts = f"{table}_fts"
    delete = f"INSERT INTO {fts}({fts}, rowid, search_text) "  # noqa: S608
    delete += "VALUES ('delete', old.id, old.search_text);"
    insert = f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text);"  # noqa: S608
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(search_text, content='{table}', "
        f"content_rowid='id', tokenize='unicode61 remove_diacritics 0', prefix='2 3')",
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts}_vocab USING fts5vocab({fts}, 'row')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF search_text ON {table} "
        f"BEGIN {delete} {insert} END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",  # noqa: S608
    ]


def sqlite_teardown(table: str) -> list[str]:
    fts = f"{table}_fts"
    return [
        *(f"DROP TRIGGER IF EXISTS {fts}_{event}" for event in ("insert", "delete", "update")),
        f"DROP TABLE IF EXISTS {fts}_vocab",
        f"DROP TABLE IF EXISTS {fts}",
    ]


def install(schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Run by migration 0003_search; nothing on databases other than these two."""
    _execute(schema_editor, POSTGRESQL_SETUP, sqlite_setup)


def uninstall(schema_editor: BaseDatabaseSchemaEditor) -> None:
    _execute(schema_editor, POSTGRESQL_TEARDOWN, sqlite_teardown)


def install_prefixes(schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Run by migration 0005_search_word_prefixes: PostgreSQL's alone (FTS5 has its prefix
    index)."""
    _execute(schema_editor, POSTGRESQL_PREFIXES, lambda table: [])


def uninstall_prefixes(schema_editor: BaseDatabaseSchemaEditor) -> None:
    _execute(schema_editor, POSTGRESQL_PREFIXES_TEARDOWN, lambda table: [])


def _execute(
    schema_editor: BaseDatabaseSchemaEditor,
    postgresql: list[str],
    sqlite: Callable[[str], list[str]],
) -> None:
    """The statements for the database's vendor (on SQLite, those of every searched table)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = postgresql
    elif vendor == "sqlite":
        statements = [s for table in VECTORS for s in sqlite(table)]
    else:
        return
    for statement in statements:
        schema_editor.execute(statement, params=None)


_checked: set[tuple[str, str]] = set()


def _ensure_sqlite_index(table):
    """Puts back the triggers that rebuilding the table (a later migration) dropped."""
    key = (connection.settings_dict["NAME"], table)
    if key in _checked:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s "
            "AND name LIKE %s",
            [table, f"{table}_fts_%"],
        )
        if cursor.fetchone()[0] < 3:
            for statement in sqlite_setup(table):
                cursor.execute(statement)
    _checked.add(key)
