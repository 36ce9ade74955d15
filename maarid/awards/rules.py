"""The awards' arithmetic on plain data: computed rules, the jury's totals, the ranking with its
tie-break. No Django here (lint-imports checks it): the selectors read the rows, these functions
decide, and the trail they return says which rows counted and how.

Every rule turns its rows into ``Candidate``s (a key, a label, the measure that ranks them and a
second measure for the tie-break) and ``rank`` places them. Measures are ``Decimal``: money
stays exact, and marks are averaged without binary fractions.

Ranking is the usual competition ranking (1, 2, 2, 4). Ties are broken by the rule the organiser
picked: "shared" leaves tied candidates on the same place, so more than ``places`` may win when
the tie straddles the last place; "secondary" orders them by the second measure first, and
whatever is still tied after it shares the place.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

SHARED, SECONDARY = "shared", "secondary"
TIE_BREAKS = (SHARED, SECONDARY)
RUNNER_UPS = 3
CENT = Decimal("0.01")
MARK = Decimal("0.001")
ZERO = Decimal(0)


class RuleError(ValueError):
    """Parameters that make no sense for the rule (the caller words it for people)."""

    def __init__(self, code: str, **details: Any) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


@dataclass(frozen=True)
class Candidate:
    key: int
    label: str
    measure: Decimal
    secondary: Decimal = ZERO
    rows: dict[str, Any] = field(default_factory=dict)  # what the measure was made of
    shown: str = ""  # the measure as people read it, when not the number itself

    @property
    def display(self) -> str:
        return self.shown or str(self.measure)


@dataclass(frozen=True)
class Placed:
    rank: int
    candidate: Candidate
    tied: bool  # shares its rank with another candidate
    broken: bool  # was tied on the measure, placed by the second measure


@dataclass(frozen=True)
class Outcome:
    winners: list[Placed]
    runner_ups: list[Placed]
    trail: dict[str, Any]


def rank(
    candidates: Iterable[Candidate],
    *,
    places: int,
    tie_break: str = SHARED,
    ascending: bool = False,
) -> tuple[list[Placed], list[Placed]]:
    """Winners (every candidate placed within ``places``) and the next few runner-ups.

    ``ascending`` ranks the smallest measure first (an earlier founding date)."""
    if places < 1:
        raise RuleError("places")
    if tie_break not in TIE_BREAKS:
        raise RuleError("tie_break")
    sign = 1 if ascending else -1
    use_secondary = tie_break == SECONDARY

    def key(c: Candidate) -> tuple[Decimal, Decimal]:
        return (sign * c.measure, -c.secondary if use_secondary else ZERO)

    ordered = sorted(candidates, key=lambda c: (*key(c), c.label, c.key))
    placed: list[Placed] = []
    for i, candidate in enumerate(ordered):
        same_measure = [c for c in ordered if c.measure == candidate.measure]
        follows_a_tie = i and key(ordered[i - 1]) == key(candidate)
        position = placed[-1].rank if follows_a_tie else i + 1
        tied = sum(1 for c in ordered if key(c) == key(candidate)) > 1
        placed.append(Placed(position, candidate, tied, len(same_measure) > 1 and not tied))
    winners = [p for p in placed if p.rank <= places]
    rest = [p for p in placed if p.rank > places]
    return winners, rest[:RUNNER_UPS]


def _outcome(
    rule: str,
    params: dict[str, Any],
    candidates: list[Candidate],
    *,
    places: int,
    tie_break: str,
    ascending: bool = False,
    measure: str,
    secondary: str = "",
    excluded: Sequence[dict[str, Any]] = (),
    rows: dict[str, Any] | None = None,
) -> Outcome:
    winners, runner_ups = rank(candidates, places=places, tie_break=tie_break, ascending=ascending)
    trail = {
        "rule": rule,
        "params": params,
        "measure": measure,
        "secondary": secondary,
        "order": "ascending" if ascending else "descending",
        "tie_break": tie_break,
        "places": places,
        "candidates": len(candidates),
        "rows": rows or {},
        "excluded": list(excluded),
        "winners": [placed_json(p) for p in winners],
        "runner_ups": [placed_json(p) for p in runner_ups],
        "ties": sorted({p.rank for p in winners + runner_ups if p.tied}),
        "broken": [p.candidate.key for p in winners + runner_ups if p.broken],
    }
    return Outcome(winners, runner_ups, trail)


def placed_json(placed: Placed) -> dict[str, Any]:
    c = placed.candidate
    return {
        "rank": placed.rank,
        "key": c.key,
        "label": c.label,
        "measure": str(c.measure),
        "shown": c.display,
        "secondary": str(c.secondary),
        "tied": placed.tied,
        "broken": placed.broken,
        "rows": c.rows,
    }


# --- Computed rules -------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerSum:
    """The sales ledger of one exhibitor for one kind of entry (sale, void, refund): how many
    entries and their total (voids and refunds are negative entries)."""

    exhibitor: int
    label: str
    kind: str
    entries: int
    total: Decimal
    ids: tuple[int, ...] = ()  # the entries' ids, when few enough to show


def highest_sales(
    rows: Iterable[LedgerSum], *, params: dict[str, Any], places: int, tie_break: str
) -> Outcome:
    """Net turnover at the fair: sales, voids and refunds added up (the latter are negative).
    ``params``: ``minimum`` (MAD, a decimal string), the least net turnover that may win."""
    minimum = _money(params.get("minimum", "0"))
    per: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = per.setdefault(
            row.exhibitor,
            {"label": row.label, "net": ZERO, "sales": 0, "by_kind": {}},
        )
        entry["net"] += row.total
        if row.kind == "sale":
            entry["sales"] += row.entries
        elif row.kind == "void":
            entry["sales"] -= row.entries
        entry["by_kind"][row.kind] = {
            "entries": row.entries,
            "total": str(row.total.quantize(CENT)),
            **({"ids": list(row.ids)} if row.ids else {}),
        }
    candidates, excluded = [], []
    for key, entry in per.items():
        net = entry["net"].quantize(CENT, rounding=ROUND_HALF_UP)
        if net <= 0 or net < minimum:
            excluded.append({"key": key, "label": entry["label"], "net": str(net)})
            continue
        candidates.append(
            Candidate(key, entry["label"], net, Decimal(entry["sales"]), entry["by_kind"])
        )
    return _outcome(
        "highest_sales",
        {"minimum": str(minimum)},
        candidates,
        places=places,
        tie_break=tie_break,
        measure="net turnover (MAD): sales − voids − refunds",
        secondary="number of sales (voided ones taken off)",
        excluded=excluded,
    )


@dataclass(frozen=True)
class Founded:
    exhibitor: int
    label: str
    kind: str
    founded_on: datetime.date | None
    members: int = 0


def oldest_organisation(
    rows: Iterable[Founded], *, params: dict[str, Any], places: int, tie_break: str
) -> Outcome:
    """The earliest founding date in the registry. ``params``: ``kinds`` (default
    cooperatives only). Organisations with no founding date are listed apart, not ranked.
    Second measure: the number of members."""
    kinds = params.get("kinds", ["cooperative"])
    if not isinstance(kinds, list) or not kinds or not all(isinstance(k, str) for k in kinds):
        raise RuleError("kinds")
    candidates, excluded = [], []
    for row in rows:
        if row.kind not in kinds:
            continue
        if row.founded_on is None:
            excluded.append({"key": row.exhibitor, "label": row.label, "why": "no founding date"})
            continue
        candidates.append(
            Candidate(
                row.exhibitor,
                row.label,
                Decimal(row.founded_on.toordinal()),
                Decimal(row.members),
                {"founded_on": row.founded_on.isoformat(), "members": row.members},
                row.founded_on.isoformat(),
            )
        )
    return _outcome(
        "oldest_cooperative",
        {"kinds": kinds},
        candidates,
        places=places,
        tie_break=tie_break,
        ascending=True,
        measure="founding date in the registry (earliest first)",
        secondary="number of members",
        excluded=excluded,
    )


@dataclass(frozen=True)
class Practice:
    exhibitor: int
    label: str
    craft: int
    craft_label: str
    since: int  # year


def oldest_artisan(
    rows: Iterable[Practice],
    *,
    params: dict[str, Any],
    places: int,
    tie_break: str,
    year: int,
    known_crafts: Iterable[int],
) -> Outcome:
    """The most years of practice of a craft at risk, counted to ``year`` (the edition's).
    ``params``: ``crafts``, ids of the edition's crafts at risk to consider (default all).
    An artisan practising several of them counts with their longest practice."""
    known = set(known_crafts)
    crafts = params.get("crafts") or sorted(known)
    if not isinstance(crafts, list) or not all(isinstance(c, int) for c in crafts):
        raise RuleError("crafts")
    if not known or not set(crafts) <= known:
        raise RuleError("crafts", unknown=sorted(set(crafts) - known))
    best: dict[int, Practice] = {}
    for row in rows:
        if row.craft not in crafts or row.since > year:
            continue
        if row.exhibitor not in best or row.since < best[row.exhibitor].since:
            best[row.exhibitor] = row
    candidates = [
        Candidate(
            p.exhibitor,
            p.label,
            Decimal(year - p.since),
            ZERO,
            {"craft": p.craft_label, "since": p.since},
        )
        for p in best.values()
    ]
    return _outcome(
        "oldest_artisan",
        {"crafts": crafts},
        candidates,
        places=places,
        tie_break=tie_break,
        measure=f"years of practice of a craft at risk, to {year}",
    )


@dataclass(frozen=True)
class Deal:
    exhibitor: int
    label: str
    meeting: int
    amount: Decimal | None


def most_deals(
    rows: Iterable[Deal], *, params: dict[str, Any], places: int, tie_break: str
) -> Outcome:
    """The most B2B meetings reported as a deal (by either side, counted once per meeting).
    Second measure: the deals' amounts (MAD), the largest amount reported per meeting."""
    meetings: dict[int, dict[int, Decimal]] = defaultdict(dict)
    labels: dict[int, str] = {}
    for row in rows:
        labels[row.exhibitor] = row.label
        amount = row.amount or ZERO
        previous = meetings[row.exhibitor].get(row.meeting, ZERO)
        meetings[row.exhibitor][row.meeting] = max(previous, amount)
    candidates = [
        Candidate(
            key,
            labels[key],
            Decimal(len(deals)),
            sum(deals.values(), ZERO).quantize(CENT),
            {"meetings": sorted(deals)},
        )
        for key, deals in meetings.items()
    ]
    return _outcome(
        "most_deals",
        {},
        candidates,
        places=places,
        tie_break=tie_break,
        measure="B2B meetings reported as a deal",
        secondary="amount of the deals (MAD)",
    )


@dataclass(frozen=True)
class Attendance:
    session: int
    label: str
    check_ins: int
    registrations: int


def most_visited_session(
    rows: Iterable[Attendance], *, params: dict[str, Any], places: int, tie_break: str
) -> Outcome:
    """The session with the most people checked in at its door (walk-ins included).
    Second measure: registrations."""
    candidates = [
        Candidate(
            r.session,
            r.label,
            Decimal(r.check_ins),
            Decimal(r.registrations),
            {"check_ins": r.check_ins, "registrations": r.registrations},
        )
        for r in rows
        if r.check_ins > 0
    ]
    return _outcome(
        "most_visited_session",
        {},
        candidates,
        places=places,
        tie_break=tie_break,
        measure="people checked in",
        secondary="registrations",
    )


def _money(raw: object) -> Decimal:
    try:
        value = Decimal(str(raw))
    except ArithmeticError:
        raise RuleError("minimum") from None
    if not value.is_finite() or value < 0 or value > Decimal("1e12"):
        raise RuleError("minimum")
    return value.quantize(CENT)


# --- The jury -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionSpec:
    id: int
    weight: int
    low: int
    high: int


@dataclass(frozen=True)
class Mark:
    juror: int
    exhibitor: int
    criterion: int
    value: int


def judged(
    marks: Iterable[Mark],
    *,
    criteria: Sequence[CriterionSpec],
    labels: dict[int, str],
    places: int,
    tie_break: str,
    normalise: bool,
    recused: Iterable[tuple[int, int]] = (),
) -> Outcome:
    """A judged category's ranking.

    A juror's total for an exhibitor is the weighted mean of their marks, each brought to 0–100
    on its criterion's scale; only complete sheets (every criterion marked) count, and marks of
    a juror recused from the exhibitor never do. With ``normalise`` each juror's totals become
    z-scores (their mean taken off, divided by their standard deviation) so that a severe
    juror and a generous one weigh the same; a juror who scored fewer than two exhibitors, or
    gave them all the same total, counts 0 for each. An exhibitor's score is the mean over the
    jurors who scored it. Second measure: the mean mark on the heaviest criterion (the first
    of them in order)."""
    if not criteria:
        raise RuleError("criteria")
    spec = {c.id: c for c in criteria}
    heaviest = max(criteria, key=lambda c: c.weight).id
    total_weight = Decimal(sum(c.weight for c in criteria))
    away = set(recused)
    sheets: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for m in marks:
        if m.criterion in spec and (m.juror, m.exhibitor) not in away:
            sheets[(m.juror, m.exhibitor)][m.criterion] = m.value
    totals: dict[tuple[int, int], Decimal] = {}
    incomplete = []
    for (juror, exhibitor), sheet in sheets.items():
        if len(sheet) < len(spec):
            incomplete.append({"juror": juror, "exhibitor": exhibitor})
            continue
        weighted = sum(
            (
                Decimal(spec[c].weight)
                * Decimal(100)
                * (value - spec[c].low)
                / max(spec[c].high - spec[c].low, 1)
                for c, value in sheet.items()
            ),
            ZERO,
        )
        totals[(juror, exhibitor)] = weighted / total_weight
    if normalise:
        totals = _z_scores(totals)
    per: dict[int, list[Decimal]] = defaultdict(list)
    heavy: dict[int, list[int]] = defaultdict(list)
    for (juror, exhibitor), value in totals.items():
        per[exhibitor].append(value)
        heavy[exhibitor].append(sheets[(juror, exhibitor)][heaviest])
    candidates = [
        Candidate(
            exhibitor,
            labels.get(exhibitor, str(exhibitor)),
            (sum(values, ZERO) / len(values)).quantize(MARK, rounding=ROUND_HALF_UP),
            (Decimal(sum(heavy[exhibitor])) / len(heavy[exhibitor])).quantize(MARK),
            {
                "jurors": len(values),
                "totals": [str(v.quantize(MARK)) for v in values],
            },
        )
        for exhibitor, values in per.items()
        if exhibitor in labels
    ]
    return _outcome(
        "jury",
        {"normalised": normalise},
        candidates,
        places=places,
        tie_break=tie_break,
        measure=(
            "mean of the jurors' z-scores (each juror's totals normalised)"
            if normalise
            else "mean of the jurors' weighted totals, out of 100"
        ),
        secondary="mean mark on the heaviest criterion",
        excluded=incomplete,
        rows={"sheets": len(totals), "incomplete": len(incomplete)},
    )


def _z_scores(totals: dict[tuple[int, int], Decimal]) -> dict[tuple[int, int], Decimal]:
    by_juror: dict[int, list[Decimal]] = defaultdict(list)
    for (juror, _exhibitor), value in totals.items():
        by_juror[juror].append(value)
    stats: dict[int, tuple[Decimal, Decimal]] = {}
    for juror, values in by_juror.items():
        mean = sum(values, ZERO) / len(values)
        variance = sum(((v - mean) ** 2 for v in values), ZERO) / len(values)
        stats[juror] = (mean, variance.sqrt() if variance > 0 else ZERO)
    result = {}
    for (juror, exhibitor), value in totals.items():
        mean, deviation = stats[juror]
        result[(juror, exhibitor)] = (value - mean) / deviation if deviation else ZERO
    return result
