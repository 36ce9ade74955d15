"""Statements PostgreSQL plans once per connection, for the hottest reads (the search page's).

A query joining five tables can cost PostgreSQL more to plan (a third of a millisecond) than to
run; prepared, it is planned for the first few executions and then reuses a generic plan. Django
with psycopg binds parameters on the client, where psycopg never prepares, so this is done with
SQL's own ``PREPARE``/``EXECUTE``, through Django's cursor (its wrappers and query logging see
them).

A statement lives as long as the session that prepared it, whatever its transactions do: a
``PREPARE`` inside a transaction that is rolled back stays; one refused (in a failed
transaction) is not remembered and is prepared again next time. Which statements a connection
holds is kept per psycopg connection, so a new connection (``CONN_MAX_AGE`` expired, a failed
health check, a test closing it) prepares them again. Not for a connection pooler in
transaction mode (none is used: each worker thread keeps its own connection).

The same module writes the hot paths' rows that must exist once
(``insert_unless_taken``: one ``INSERT … ON CONFLICT DO NOTHING``, no lock, no transaction).

Only for SQL whose text is the same each time and whose plan does not depend on its values
(primary keys, an edition): a generic plan would be poor for values that change the best plan
(the words of a search). Other databases execute the SQL as given.
"""

import re
import weakref
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar, cast

from django.db import connection
from django.db.models import IntegerField, Model, QuerySet
from django.db.models.expressions import Expression

_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")

# The statements prepared on each psycopg connection.
_prepared: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()


def execute(cursor: Any, name: str, sql: str, params: Sequence[Any]) -> None:
    """Executes ``sql`` (Django's ``%s`` placeholders) with ``params`` on ``cursor`` (Django's
    cursor), as the statement ``name`` prepared the first time on this connection. SQL that is
    not plain placeholders (a ``%%``, a count that does not match) is executed as given."""
    database = cursor.db
    if database.vendor != "postgresql":
        cursor.execute(sql, params)
        return
    if not _NAME.match(name):
        raise ValueError(f"not a statement name: {name!r}")
    prepared = _prepared.setdefault(database.connection, set())
    if name not in prepared:
        parts = sql.split("%s")
        if "%%" in sql or len(parts) != len(params) + 1:
            cursor.execute(sql, params)
            return
        text = parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], 1))
        cursor.execute(f"PREPARE {name} AS {text}")
        prepared.add(name)
    if params:
        cursor.execute(f"EXECUTE {name}({', '.join(['%s'] * len(params))})", params)
    else:
        cursor.execute(f"EXECUTE {name}")


class Slot(Expression):
    """A value left open in a query compiled once, filled in at each execution: the same SQL
    then serves every call of its shape. Compiles to one placeholder whose parameter is the
    slot itself (:func:`filled` puts the value in its place)."""

    def __init__(self, name: str):
        super().__init__(output_field=IntegerField())
        self.name = name

    def resolve_expression(self, *args, **kwargs):
        return self

    def as_sql(self, compiler, connection):
        return "%s", [self]


def filled(params: Sequence[Any], values: dict[str, Any]) -> list[Any]:
    """The parameters of a compiled query, each :class:`Slot` replaced by its value."""
    return [values[p.name] if isinstance(p, Slot) else p for p in params]


def _integer_ranges(query: Any) -> dict[str, tuple[int | None, int | None]]:
    """For each slot compared with an integer column, the values that column can hold."""
    ranges: dict[str, tuple[int | None, int | None]] = {}

    def walk(node: Any) -> None:
        for child in getattr(node, "children", ()):
            rhs, lhs = getattr(child, "rhs", None), getattr(child, "lhs", None)
            if not isinstance(rhs, Slot) or lhs is None:
                walk(child)
                continue
            field = lhs.output_field
            while field.is_relation and hasattr(field, "target_field"):
                field = field.target_field
            kind = field.get_internal_type()
            if kind in connection.ops.integer_field_ranges:
                ranges[rhs.name] = connection.ops.integer_field_range(kind)

    walk(query.where)
    return ranges


def _fits(value: Any, bounds: tuple[int | None, int | None]) -> bool:
    low, high = bounds
    return not isinstance(value, int) or (
        (low is None or value >= low) and (high is None or value <= high)
    )


def attnames(model: type[Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


T = TypeVar("T")


class Compiled(Generic[T]):
    """A query of the hot paths (a device's token, a scanned ticket, the edition a URL names),
    built and compiled to SQL once per process and prepared once per connection on PostgreSQL.

    Building and compiling a small queryset costs Django more (about half a millisecond) than
    PostgreSQL takes to run it: on a gate phone's check-in, two such queries were half of the
    request's time. ``build`` makes the queryset from its open values, given as :class:`Slot`
    for compiling. Rows come back as dicts, as ``values()`` gives them; or, with ``model``, as
    instances of it (``Model.from_db``, as the ORM makes them) with the ``related`` objects
    that ``select_related`` would have joined (paths such as ``"edition"``,
    ``"edition__series"``, each after its parent). Elsewhere than on PostgreSQL (SQLite in
    tests and demos) the queryset is built with the values and run by the ORM, whose
    converters that backend needs (dates stored as text)."""

    def __init__(
        self,
        name: str,
        build: Callable[..., QuerySet],
        *,
        model: type[Model] | None = None,
        related: Sequence[str] = (),
    ):
        if not _NAME.match(name):
            raise ValueError(f"not a statement name: {name!r}")
        self.name = name
        self.build = build
        self.model = model
        self.related = tuple(related)
        self._ranges: dict[str, tuple[int | None, int | None]] = {}
        self._compiled: tuple[str, tuple[Any, ...], list[str], list[tuple[int, Any]]] | None = None

    def _queryset(self, values: dict[str, Any]) -> QuerySet:
        queryset = self.build(**values)
        if self.model is None:
            return queryset
        return queryset.values(*self._columns())

    def _columns(self) -> list[str]:
        assert self.model is not None
        columns = attnames(self.model)
        for path in self.related:
            columns += [f"{path}__{name}" for name in attnames(self._model_at(path))]
        return columns

    def _model_at(self, path: str) -> type[Model]:
        model: Any = self.model
        for step in path.split("__"):
            model = model._meta.get_field(step).related_model
        return model

    def _rows(self, values: dict[str, Any]) -> list[dict[str, Any]]:
        if connection.vendor != "postgresql":
            return list(self._queryset(values))
        if self._compiled is None:
            query = self._queryset({name: Slot(name) for name in values}).query
            self._ranges = _integer_ranges(query)
            compiler = query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            names = [*query.extra_select, *query.values_select, *query.annotation_select]
            # What the ORM does to a column's value as it reads it (a JSON field's text…).
            converters = compiler.get_converters(
                [column for column, _sql, _alias in compiler.select]
            )
            self._compiled = (sql, tuple(params), names, list(converters.items()))
        if not all(_fits(values[name], bounds) for name, bounds in self._ranges.items()):
            # A number its column cannot hold (/fr/fair/99999999999/): PostgreSQL would refuse
            # the parameter; the ORM knows that no row can match it.
            return list(self._queryset(values))
        sql, params, names, converters = self._compiled
        with connection.cursor() as cursor:
            execute(cursor, self.name, sql, filled(params, values))
            rows = cursor.fetchall()
        if converters:
            rows = [self._converted(list(row), converters) for row in rows]
        return [dict(zip(names, row, strict=True)) for row in rows]

    @staticmethod
    def _converted(row: list[Any], converters: list[tuple[int, Any]]) -> list[Any]:
        for position, (functions, expression) in converters:
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        return row

    def _instance(self, row: dict[str, Any]) -> Any:
        assert self.model is not None
        alias = connection.alias
        names = attnames(self.model)
        made = self.model.from_db(alias, names, [row[n] for n in names])
        for path in self.related:
            model = self._model_at(path)
            names = attnames(model)
            parent_path, _, field = path.rpartition("__")
            parent = made
            for step in parent_path.split("__") if parent_path else ():
                parent = getattr(parent, step)
            if parent is None:
                continue
            if row[f"{path}__{model._meta.pk.attname}"] is None:  # a null foreign key
                setattr(parent, field, None)
                continue
            setattr(
                parent, field, model.from_db(alias, names, [row[f"{path}__{n}"] for n in names])
            )
        return made

    def rows(self, **values: Any) -> list[T]:
        found = self._rows(values)
        return cast(
            list[T], found if self.model is None else [self._instance(row) for row in found]
        )

    def first(self, **values: Any) -> T | None:
        """The first row (or instance), or None: ``build`` says which is first and takes
        ``[:1]``."""
        found = self.rows(**values)
        return found[0] if found else None


def insert_unless_taken(instance: Model) -> bool:
    """Inserts ``instance`` unless a row with the same values under one of its table's unique
    constraints exists: one ``INSERT … ON CONFLICT DO NOTHING``, which two requests racing
    cannot both win, with no lock, no transaction and no savepoint to take. True, and the
    primary key set, if it was inserted; False if it was taken (nothing written)."""
    meta = instance._meta
    pk = meta.pk
    assert pk is not None
    fields = [
        f
        for f in meta.concrete_fields
        if not (f.primary_key and getattr(instance, f.attname) is None)
    ]
    values = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(cast(str, f.column)) for f in fields)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT DO NOTHING RETURNING {quote(cast(str, pk.column))}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    setattr(instance, pk.attname, row[0])
    instance._state.adding = False
    instance._state.db = connection.alias
    return True
