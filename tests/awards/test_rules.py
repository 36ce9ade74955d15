"""The awards' arithmetic on plain data (maarid.awards.rules imports no Django)."""

import datetime
from decimal import Decimal

import pytest

from maarid.awards import rules
from maarid.awards.rules import Candidate, CriterionSpec, Mark


def c(key, measure, secondary=0):
    return Candidate(key, f"E{key}", Decimal(measure), Decimal(secondary))


def ranks(placed):
    return [(p.rank, p.candidate.key) for p in placed]


def test_ranking_is_competition_ranking_and_shared_ties_all_win():
    winners, runner_ups = rules.rank(
        [c(1, 50), c(2, 90), c(3, 90), c(4, 10), c(5, 70)], places=2, tie_break="shared"
    )
    # Two places, but the first place is shared: both win, and the next is third.
    assert ranks(winners) == [(1, 2), (1, 3)]
    assert ranks(runner_ups) == [(3, 5), (4, 1), (5, 4)]
    assert all(p.tied for p in winners)


def test_a_tie_straddling_the_last_place_lets_every_tied_candidate_win_when_shared():
    winners, _ = rules.rank([c(1, 9), c(2, 8), c(3, 8)], places=2, tie_break="shared")
    assert ranks(winners) == [(1, 1), (2, 2), (2, 3)]


def test_the_second_measure_breaks_a_tie_and_what_stays_tied_shares():
    winners, runner_ups = rules.rank(
        [c(1, 8, 3), c(2, 8, 5), c(3, 8, 5), c(4, 7, 9)], places=1, tie_break="secondary"
    )
    assert ranks(winners) == [(1, 2), (1, 3)]
    assert ranks(runner_ups) == [(3, 1), (4, 4)]
    assert runner_ups[0].broken and not runner_ups[0].tied


def test_oldest_first_ranks_ascending():
    rows = [
        rules.Founded(1, "A", "cooperative", datetime.date(1955, 6, 1), 15),
        rules.Founded(2, "B", "cooperative", datetime.date(1955, 6, 1), 20),
        rules.Founded(3, "C", "cooperative", datetime.date(1980, 1, 1), 99),
        rules.Founded(4, "D", "cooperative", None, 5),
        rules.Founded(5, "E", "association", datetime.date(1900, 1, 1), 5),
    ]
    shared = rules.oldest_organisation(rows, params={}, places=1, tie_break="shared")
    assert ranks(shared.winners) == [(1, 1), (1, 2)]
    assert shared.trail["ties"] == [1]
    assert shared.trail["excluded"] == [{"key": 4, "label": "D", "why": "no founding date"}]
    broken = rules.oldest_organisation(rows, params={}, places=1, tie_break="secondary")
    assert ranks(broken.winners) == [(1, 2)]  # more members
    assert broken.trail["runner_ups"][0]["key"] == 1
    assert broken.trail["broken"] == [2, 1]


def test_rules_refuse_parameters_that_make_no_sense():
    with pytest.raises(rules.RuleError):
        rules.oldest_organisation([], params={"kinds": "cooperative"}, places=1, tie_break="shared")
    with pytest.raises(rules.RuleError):
        rules.highest_sales([], params={"minimum": "-5"}, places=1, tie_break="shared")
    with pytest.raises(rules.RuleError):
        rules.highest_sales([], params={"minimum": "NaN"}, places=1, tie_break="shared")
    with pytest.raises(rules.RuleError):
        rules.oldest_artisan(
            [], params={"crafts": [9]}, places=1, tie_break="shared", year=2024, known_crafts=[1]
        )
    with pytest.raises(rules.RuleError):
        rules.rank([], places=0)


SCALE = [CriterionSpec(1, 2, 0, 10), CriterionSpec(2, 1, 0, 20)]


def test_a_jurors_total_is_the_weighted_mean_out_of_100_and_only_complete_sheets_count():
    marks = [
        Mark(1, 10, 1, 10),  # 100 × 2
        Mark(1, 10, 2, 10),  # 50 × 1 → (200 + 50) / 3 = 83.333
        Mark(1, 20, 1, 5),  # incomplete: no mark on criterion 2
    ]
    found = rules.judged(
        marks,
        criteria=SCALE,
        labels={10: "A", 20: "B"},
        places=1,
        tie_break="shared",
        normalise=False,
    )
    assert found.winners[0].candidate.measure == Decimal("83.333")
    assert found.trail["excluded"] == [{"juror": 1, "exhibitor": 20}]
    assert found.runner_ups == []


def test_recused_marks_never_count():
    marks = [Mark(1, 10, 1, 10), Mark(1, 10, 2, 20), Mark(2, 20, 1, 1), Mark(2, 20, 2, 1)]
    found = rules.judged(
        marks,
        criteria=SCALE,
        labels={10: "A", 20: "B"},
        places=1,
        tie_break="shared",
        normalise=False,
        recused=[(1, 10)],
    )
    assert ranks(found.winners) == [(1, 20)]


def test_normalising_per_juror_takes_away_a_generous_jurors_weight():
    one = [CriterionSpec(1, 1, 0, 10)]
    # Juror 1 marks widely and puts A first; juror 2 marks narrowly and puts B first.
    marks = [
        Mark(1, 1, 1, 10),
        Mark(1, 2, 1, 6),
        Mark(1, 3, 1, 2),
        Mark(2, 1, 1, 3),
        Mark(2, 2, 1, 5),
        Mark(2, 3, 1, 2),
    ]
    labels = {1: "A", 2: "B", 3: "C"}
    raw = rules.judged(
        marks, criteria=one, labels=labels, places=1, tie_break="shared", normalise=False
    )
    assert ranks(raw.winners) == [(1, 1)]  # A: (100 + 30) / 2 = 65, B: (60 + 50) / 2 = 55
    z = rules.judged(
        marks, criteria=one, labels=labels, places=1, tie_break="shared", normalise=True
    )
    # Juror 1: A +1.225, B 0, C −1.225; juror 2: A −0.267, B +1.336, C −1.069.
    assert ranks(z.winners) == [(1, 2)]
    assert z.winners[0].candidate.measure == Decimal("0.668")
    assert "z-score" in z.trail["measure"]
