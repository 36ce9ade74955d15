"""The house rules that a linter cannot see: pages, API handlers, forms and tasks reach the
database only through an app's selectors (reads) and services (writes)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "maarid"

# The doors' callers: modules that shape requests, input and jobs, and hold no query of their own.
CALLERS = sorted(
    path
    for pattern in ("*/views*.py", "*/api*.py", "*/forms*.py", "*/tasks.py")
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

# Modules still to move their queries to selectors and services (issue 12): each leaves this
# list in the commit that clears it, and one that is clear while still listed fails.
NOT_YET = {
}


def queries_in(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Attribute) and node.attr in ORM_ATTRIBUTES:
            found.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Name) and node.id in ORM_FUNCTIONS:
            found.append(f"line {node.lineno}: {node.id}")
    return found


def _case(path: Path):
    name = str(path.relative_to(ROOT))
    marks = [pytest.mark.xfail(strict=True, reason="issue 12")] if name in NOT_YET else []
    return pytest.param(path, id=name, marks=marks)


@pytest.mark.parametrize("path", [_case(path) for path in CALLERS])
def test_views_api_forms_and_tasks_query_only_through_selectors_and_services(path):
    assert queries_in(path) == []
