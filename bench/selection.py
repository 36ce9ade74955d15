"""Benchmark: the exhibitor selection optimiser on a regional fair's worth of applications.

2,000 candidates from a fixed seed, 300 places, 10 quotas; prints one JSON line with the wall
time of ``select`` (to the proven optimum). No database: ``.venv/bin/python bench/selection.py``.
``--phases`` adds the per-phase times to the line.
"""

import json
import random
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PROVINCES  # noqa: E402
from maarid.exhibitors.select import Candidate, Quotas, select  # noqa: E402

SEED = 2024
APPLICATIONS = 2000
PLACES = 300
REVIEWERS = 3

SECTORS = {
    "terroir": 22,
    "handicrafts": 18,
    "cosmetics": 12,
    "agriculture": 12,
    "textiles": 10,
    "fisheries": 5,
    "recycling": 5,
    "tourism": 6,
    "services": 6,
    "distribution": 4,
}
QUOTAS = Quotas(
    places=PLACES,
    women_min_share=35,  # 1
    province_max=60,  # 2
    sector_min={"fisheries": 15, "recycling": 15, "tourism": 15, "services": 12},  # 3-6
    sector_max={"terroir": 55, "handicrafts": 50, "cosmetics": 40},  # 7-9
    first_timer_places=90,  # 10
)


def pick(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def score(rng: random.Random, quality: float) -> Decimal:
    """The mean of the reviewers' 0–10 marks, two decimals: many ties, as in real calls."""
    marks = [min(10, max(0, round(rng.gauss(quality, 1.2)))) for _ in range(REVIEWERS)]
    return (Decimal(sum(marks)) / REVIEWERS).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def candidates(seed: int = SEED) -> list[Candidate]:
    rng = random.Random(seed)
    result = []
    for n in range(APPLICATIONS):
        result.append(
            Candidate(
                id=10_000 + n,
                score=score(rng, rng.gauss(6, 1.5)),
                order=n,
                province=pick(rng, PROVINCES),
                sector=pick(rng, SECTORS),
                womens_coop=rng.random() < 0.3,
                first_time=rng.random() < 0.4,
            )
        )
    return result


def main() -> None:
    outcome = select(candidates(), QUOTAS)
    line = {
        "bench": "selection",
        "applications": APPLICATIONS,
        "places": PLACES,
        "optimal": outcome.optimal,
        "seconds": round(outcome.seconds, 2),
    }
    if "--phases" in sys.argv:
        line["phases"] = {p.name: round(p.seconds, 3) for p in outcome.phases}
        line["accepted"] = len(outcome.accepted)
        line["shortfalls"] = [s.__dict__ for s in outcome.shortfalls]
    print(json.dumps(line))


if __name__ == "__main__":
    main()
