"""Statistical disclosure control for the observatory's open data: no single organisation's
sales (nor a handful's members) can be read from the published tables.

A figure is a *cell* built from some organisations. Primary suppression hides every cell built
from at least one and fewer than ``threshold`` organisations (a cell of nobody is a true zero
and says nothing about anyone). Published tables also hold *equations*: an edition's sales are
the sum of its provinces' (and of its sectors'); a region's members are the sum of its
provinces'. Anyone may subtract, so secondary suppression hides more cells until no hidden
cell is determined by the published ones: the check is exact linear algebra over the
equations (a hidden cell is recoverable when its unit vector lies in the row space of the
hidden cells' coefficients), not the rule of thumb "two hidden cells per row", which fails
across nested tables (a region hidden beside another, whose provinces all show, gives both
back). Plain data in and out: no Django.
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction


@dataclass
class Cell:
    """A published figure and how many organisations it is built from."""

    value: Decimal | int
    contributors: int
    suppressed: bool = False
    primary: bool = False  # hidden for its own sake, not to protect another


@dataclass(frozen=True)
class Equation:
    """``total`` = the sum of ``parts``, as anyone can check on the published tables."""

    total: Hashable
    parts: tuple[Hashable, ...]


def protect(cells: dict[Hashable, Cell], equations: Iterable[Equation], threshold: int) -> None:
    """Marks the cells to suppress, in place: first those built from 1 to ``threshold`` - 1
    organisations, then as few others as it takes so that none of them can be computed back
    (the smallest published figure of an equation that exposes a hidden cell goes first)."""
    equations = [e for e in equations if e.total in cells]
    for cell in cells.values():
        if 0 < cell.contributors < threshold:
            cell.suppressed = cell.primary = True
    while True:
        exposed = recoverable(cells, equations)
        if not exposed:
            return
        key = min(exposed, key=repr)
        candidates = [
            other
            for equation in equations
            if key == equation.total or key in equation.parts
            for other in (equation.total, *equation.parts)
            if other in cells and not cells[other].suppressed
        ]
        if not candidates:  # cannot happen: an exposed cell shares an equation with a shown one
            raise AssertionError(f"cell {key!r} is exposed and nothing can hide it")
        chosen = min(candidates, key=lambda k: (abs(cells[k].value), repr(k)))
        cells[chosen].suppressed = True


def recoverable(cells: dict[Hashable, Cell], equations: Iterable[Equation]) -> set[Hashable]:
    """The hidden cells that the published cells and the equations determine exactly."""
    hidden = sorted((k for k, c in cells.items() if c.suppressed), key=repr)
    if not hidden:
        return set()
    column = {key: i for i, key in enumerate(hidden)}
    rows: list[list[Fraction]] = []
    for equation in equations:
        row = [Fraction(0)] * len(hidden)
        terms = [(equation.total, 1), *((part, -1) for part in equation.parts)]
        for key, sign in terms:
            if key in column:
                row[column[key]] += sign
        if any(row):
            rows.append(row)
    pivots = _reduce(rows)
    found = set()
    for row, pivot in zip(rows, pivots, strict=False):
        if sum(1 for x in row if x) == 1:
            found.add(hidden[pivot])
    return found


def _reduce(rows: list[list[Fraction]]) -> list[int]:
    """Brings ``rows`` to reduced row echelon form in place (dropping the zero rows); returns
    each remaining row's pivot column."""
    pivots: list[int] = []
    width = len(rows[0]) if rows else 0
    r = 0
    for c in range(width):
        pivot = next((i for i in range(r, len(rows)) if rows[i][c]), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        lead = rows[r][c]
        rows[r] = [x / lead for x in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][c]:
                factor = rows[i][c]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[r], strict=True)]
        pivots.append(c)
        r += 1
    del rows[r:]
    return pivots
