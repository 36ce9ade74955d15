"""The house rules that a linter cannot see: pages, API handlers, forms and tasks reach the
database only through an app's selectors (reads) and services (writes)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "maarid"

# The doors' callers: modules that shape requests, input, jobs and the panels other apps show,
# and hold no query of their own.
CALLERS = sorted(
    path
    for pattern in (
        "*/views*.py",
        "*/api*.py",
        "*/forms*.py",
        "*/tasks.py",
        "*/panels.py",
        "*/sitemaps.py",
    )
    for path in ROOT.glob(pattern)
    if path.parent.name != "api"  # the API machinery (auth, schemas, pagination)
)

# Names that only the ORM answers to, whether called on a manager, a queryset or a model.
ORM_ATTRIBUTES = {
    "objects",
    "filter",
    "exclude",
    "annotate",
    "aggregate",
    "select_related",
    "prefetch_related",
    "values_list",
    "order_by",
    "distinct",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
    "select_for_update",
    "atomic",
}
ORM_FUNCTIONS = {"get_object_or_404", "get_list_or_404"}


def queries_in(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Attribute) and node.attr in ORM_ATTRIBUTES:
            found.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Name) and node.id in ORM_FUNCTIONS:
            found.append(f"line {node.lineno}: {node.id}")
    return found


@pytest.mark.parametrize("path", CALLERS, ids=lambda path: str(path.relative_to(ROOT)))
def test_pages_api_forms_tasks_and_panels_query_only_through_selectors_and_services(path):
    assert queries_in(path) == []
