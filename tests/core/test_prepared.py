"""Queries compiled once (core.prepared.Compiled): the same rows and the same model instances,
with their related objects, as the ORM gives, on each database and on every call."""

import pytest

from maarid.core import prepared
from maarid.core.models import ApiToken, AuditEvent
from maarid.fairs.models import Edition
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

EDITION = prepared.Compiled(
    "test_edition_by_number",
    lambda series, number: Edition.objects.filter(series__slug=series, number=number)[:1],
    model=Edition,
    related=("series", "city"),
)
NUMBERS = prepared.Compiled(
    "test_edition_numbers",
    lambda series: Edition.objects.filter(series__slug=series).order_by("number").values("number"),
)


def test_instances_are_the_orms_with_their_related_objects(edition):
    for _call in range(3):  # compiled, then prepared, then executed again
        found = EDITION.first(series=edition.series.slug, number=edition.number)
        assert found == edition
        assert found.name_fr == edition.name_fr and found.starts_on == edition.starts_on
        assert found._state.adding is False
        # The joined objects are there already: no query to reach them.
        assert found.series.slug == edition.series.slug
        assert found.city == edition.city
    assert EDITION.first(series=edition.series.slug, number=99) is None


def test_a_null_foreign_key_gives_none_and_values_are_read_as_the_orm_reads_them(db):
    user = make_user("auditor")
    events = [
        AuditEvent.objects.create(
            user=None,
            action="update",
            model="m",
            object_id="1",
            object_repr="x",
            changes={"name": ["a", "b"]},
        ),
        AuditEvent.objects.create(
            user=user, action="update", model="m", object_id="2", object_repr="y", changes={}
        ),
    ]
    query = prepared.Compiled(
        "test_audit_event",
        lambda pk: AuditEvent.objects.filter(pk=pk)[:1],
        model=AuditEvent,
        related=("user",),
    )
    for event in events:
        found = query.first(pk=event.pk)
        assert found.user == event.user
        assert found.changes == event.changes  # JSON made into a dict, as the ORM does


def test_rows_come_as_values_gives_them(edition):
    Edition.objects.create(
        series=edition.series,
        number=4,
        name_fr="4e",
        city=edition.city,
        starts_on=edition.starts_on,
        ends_on=edition.ends_on,
    )
    assert NUMBERS.rows(series=edition.series.slug) == [{"number": 3}, {"number": 4}]


def test_a_nested_relation_is_joined_after_its_parent(db):
    user = make_user("nested")
    token, _raw = ApiToken.issue(user, "phone", device=True)
    query = prepared.Compiled(
        "test_token_with_user",
        lambda pk: ApiToken.objects.filter(pk=pk)[:1],
        model=ApiToken,
        related=("user",),
    )
    found = query.first(pk=token.pk)
    assert found == token and found.user == user and found.user.username == "nested"


def test_a_number_no_integer_column_can_hold_finds_nothing_and_breaks_nothing(edition):
    """An address may carry any number (/fr/fair/99999999999/): no row, never a 500."""
    assert EDITION.first(series=edition.series.slug, number=99_999_999_999) is None
    assert EDITION.first(series=edition.series.slug, number=40_000) is None  # a small integer
    assert EDITION.first(series=edition.series.slug, number=-(2**63)) is None
    assert EDITION.first(series=edition.series.slug, number=edition.number) == edition
