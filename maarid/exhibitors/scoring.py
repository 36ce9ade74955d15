"""How reviewers' marks become one score per application (no Django here either).

Each reviewer marks each criterion 0–10; their total is the weighted mean (0–10). An
application's score is the mean of its reviewers' totals — or, normalised, the mean of totals
put on a common scale first: harsh and lenient reviewers are brought to the same mean and
spread (z-scores mapped back onto the whole panel's mean and spread).
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from statistics import fmean, pstdev

TWO = Decimal("0.01")


def weighted_total(marks: dict[int, int], weights: dict[int, int]) -> Decimal:
    """The weighted mean of one reviewer's marks, 0–10, two decimals."""
    weight = sum(weights[c] for c in marks)
    if not weight:
        return Decimal("0.00")
    total = Decimal(sum(marks[c] * weights[c] for c in marks)) / Decimal(weight)
    return total.quantize(TWO, rounding=ROUND_HALF_UP)


def combine(totals: list[tuple[int, int, Decimal]], normalise: bool) -> dict[int, Decimal]:
    """``totals`` holds (application, reviewer, total) rows; returns application → score."""
    if normalise:
        totals = _normalised(totals)
    by_application: defaultdict[int, list[Decimal]] = defaultdict(list)
    for application, _reviewer, total in totals:
        by_application[application].append(Decimal(total))
    return {
        application: (sum(values, Decimal(0)) / len(values)).quantize(TWO, rounding=ROUND_HALF_UP)
        for application, values in by_application.items()
    }


def _normalised(totals: list[tuple[int, int, Decimal]]) -> list[tuple[int, int, Decimal]]:
    # Statistics in float are fine here: they only rescale; the result is rounded to cents.
    everyone = [float(t) for _a, _r, t in totals]
    if len(everyone) < 2:
        return totals
    mean, spread = fmean(everyone), pstdev(everyone) or 1.0
    per_reviewer = defaultdict(list)
    for _a, reviewer, total in totals:
        per_reviewer[reviewer].append(float(total))
    stats = {r: (fmean(v), pstdev(v)) for r, v in per_reviewer.items()}
    result = []
    for application, reviewer, total in totals:
        r_mean, r_spread = stats[reviewer]
        # A reviewer with one mark or identical marks has no spread: only shift the mean.
        z = (float(total) - r_mean) / r_spread if r_spread else 0.0
        value = (
            min(10.0, max(0.0, mean + z * spread))
            if r_spread
            else min(10.0, max(0.0, float(total) - r_mean + mean))
        )
        result.append((application, reviewer, Decimal(str(round(value, 4)))))
    return result


def spread(values: list[Decimal]) -> Decimal:
    """The gap between the highest and the lowest total: a disagreement when large."""
    return (max(values) - min(values)) if len(values) > 1 else Decimal("0.00")
