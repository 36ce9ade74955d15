"""Benchmark: the booth allocation optimiser on generated fairs of 165, 500 and 1,000 exhibitors.

The generator draws a regional fair like the reference one: six zones (terroir food, crafts,
natural cosmetics, textiles, agriculture and tourism, institutions), each a tent of back-to-back
rows of 9, 12 and 18 m² booths with electricity, water and refrigeration, about 10% more booths
than exhibitors; exhibitors in application order with their sector, booth size and amenities,
product family (a few big families per zone, as olive oil and honey at a terroir fair),
province, kind, unions of two to four cooperatives asking to be neighbours, returning
exhibitors with last edition's booth, a few fixed booths and a few pairs sharing a booth. Every
exhibitor fits somewhere: the booths are drawn from the exhibitors' needs, then shuffled.

Each fair is allocated by ``allocate`` (2 workers, the wall-clock limit below; it stops early
when it proves the optimum) and by the first-fit baseline, and reported as one JSON line:
``{"bench": "allocate", "exhibitors", "objective", "bound", "gap", "optimal", "first_fit",
"seconds"}`` (``gap``: (objective - bound) / bound). A line on stderr gives the load average
and the penalties. No database, no server: ``.venv/bin/python bench/allocate.py`` (``--sizes
165`` for one size, ``--seed N`` for other fairs); it stops by itself within 10 minutes.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PROVINCES  # noqa: E402
from maarid.floorplan.allocate import (  # noqa: E402
    Booth,
    Exhibitor,
    Options,
    allocate,
    evaluate,
    first_fit,
)

SEED = 2024
SIZES = [165, 500, 1000]
TIME_LIMIT = {165: 30.0, 500: 28.0, 1000: 28.0}
DEADLINE = 600  # seconds: the bench stops itself, whatever happens
SPARE = 0.10

# zone -> (share of the exhibitors, {sector: weight}, {product family: weight})
ZONES: dict[str, tuple[float, dict[str, int], dict[str, int]]] = {
    "food": (
        0.34,
        {"terroir": 9, "fisheries": 1},
        {
            "olive-oil": 30,
            "honey": 20,
            "couscous": 12,
            "amlou": 10,
            "dates": 8,
            "cheese": 6,
            "herbs": 6,
            "jams": 4,
            "fish": 4,
        },
    ),
    "crafts": (
        0.24,
        {"handicrafts": 1},
        {"pottery": 25, "wood": 20, "leather": 18, "copper": 12, "basketry": 15, "zellige": 10},
    ),
    "cosmetics": (
        0.12,
        {"cosmetics": 1},
        {"argan": 45, "soap": 20, "rose-water": 20, "essential-oils": 15},
    ),
    "textiles": (
        0.10,
        {"textiles": 1},
        {"carpets": 35, "embroidery": 30, "djellabas": 20, "weaving": 15},
    ),
    "green": (
        0.11,
        {"agriculture": 6, "tourism": 3, "recycling": 2},
        {"seeds": 30, "plants": 25, "eco-tourism": 25, "recycling": 20},
    ),
    "institutions": (0.09, {"public": 3, "services": 2}, {}),
}
ZONES_OF = {
    sector: ("food" if sector == "fisheries" else z,) for z, v in ZONES.items() for sector in v[1]
}
KINDS = {"cooperative": 60, "association": 12, "gie": 6, "artisan": 14, "company": 8}
SIZE = {9: 60, 12: 25, 18: 15}
WIDTH = {9: 3.0, 12: 3.0, 18: 6.0}
DEPTH = {9: 3.0, 12: 4.0, 18: 3.0}
PER_ROW = 10
AISLE = 4.0


def pick(rng: random.Random, weights: dict) -> object:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def needs(rng: random.Random, zone: str) -> tuple[int, frozenset[str]]:
    """A booth size and amenities, as exhibitors of the zone ask for them."""
    if zone == "institutions":
        return rng.choice([12, 18, 18]), frozenset({"electricity"})
    area = pick(rng, SIZE)
    amenities = set()
    if rng.random() < 0.55:
        amenities.add("electricity")
    if zone == "food":
        if rng.random() < 0.3:
            amenities.add("water")
        if rng.random() < 0.15:
            amenities |= {"refrigeration", "electricity"}
    return area, frozenset(amenities)


def fair(size: int, seed: int = SEED) -> tuple[list[Booth], list[Exhibitor], dict]:
    """Booths, exhibitors in application order, and the sector -> zones mapping."""
    rng = random.Random(seed * 7919 + size)
    rows: list[dict] = []  # one per exhibitor, then grouped
    for zone, (share, sectors, families) in ZONES.items():
        count = round(size * share) if zone != "institutions" else 0
        if zone == "institutions":
            count = size - len(rows)
        for _ in range(count):
            area, amenities = needs(rng, zone)
            rows.append(
                {
                    "zone": zone,
                    "sector": pick(rng, sectors),
                    "area": area,
                    "amenities": amenities,
                    "family": pick(rng, families) if families else None,
                    "province": pick(rng, PROVINCES),
                    "kind": "institution" if zone == "institutions" else pick(rng, KINDS),
                    "neighbours": [],
                    "shared": None,
                }
            )
    rng.shuffle(rows)  # the application order mixes the zones
    for n, row in enumerate(rows):
        row["id"] = 1000 + n
    by_zone: dict[str, list[dict]] = {z: [r for r in rows if r["zone"] == z] for z in ZONES}
    _unions(rng, by_zone)
    _sharing(rng, by_zone)
    booths, booth_of = _venue(rng, by_zone, size)
    exhibitors = []
    positions = {b.id: (b.x, b.y) for b in booths}
    zone_booths = {z: [b for b in booths if b.zone == z] for z in ZONES}
    for row in rows:
        last = None
        if rng.random() < 0.4:
            old = rng.choice(zone_booths[row["zone"]])
            last = (old.x, old.y)
        fixed = None
        if row["shared"] is None and rng.random() < 0.01:
            fixed = booth_of[row["id"]]
        exhibitors.append(
            Exhibitor(
                id=row["id"],
                sector=row["sector"],
                area=row["area"],
                amenities=row["amenities"],
                family=row["family"],
                province=row["province"],
                kind=row["kind"],
                neighbours=tuple(row["neighbours"]),
                last_position=last,
                fixed=fixed,
                shared=row["shared"],
            )
        )
    assert len(positions) == len(booths)
    return booths, exhibitors, ZONES_OF


def _unions(rng: random.Random, by_zone: dict[str, list[dict]]) -> None:
    """About 8% of the exhibitors in unions of 2 to 4 of one province and mostly one product,
    each asking to be next to the one before; and about 3% ask for one other exhibitor."""
    for zone, rows in by_zone.items():
        if zone == "institutions":
            continue
        free = rows[:]
        rng.shuffle(free)
        target = round(0.08 * len(rows))
        grouped = 0
        while grouped < target and len(free) >= 2:
            head = free.pop()
            k = min(rng.choice([2, 2, 3, 4]) - 1, len(free))
            mates = [r for r in free if r["province"] == head["province"]][:k]
            if not mates:
                mates = free[:k]
            for mate in mates:
                free.remove(mate)
                if rng.random() < 0.7:
                    mate["family"] = head["family"]
                mate["province"] = head["province"]
            chain = [head, *mates]
            for a, b in itertools.pairwise(chain):
                b["neighbours"].append(a["id"])
            grouped += len(chain)
        for row in rng.sample(rows, round(0.03 * len(rows))):
            other = rng.choice(rows)
            if other is not row:
                row["neighbours"].append(other["id"])


def _sharing(rng: random.Random, by_zone: dict[str, list[dict]]) -> None:
    """About 2% of the exhibitors in pairs sharing one booth (two small cooperatives)."""
    for zone, rows in by_zone.items():
        small = [r for r in rows if r["area"] == 9 and not r["neighbours"]]
        rng.shuffle(small)
        for k in range(round(0.01 * len(rows))):
            if len(small) < 2:
                break
            a, b = small.pop(), small.pop()
            a["shared"] = b["shared"] = f"{zone}-pair-{k}"
            b["sector"] = a["sector"]


def _venue(
    rng: random.Random, by_zone: dict[str, list[dict]], size: int
) -> tuple[list[Booth], dict[int, int]]:
    """One booth per exhibitor (or sharing pair) meeting its needs, plus spares up to 10% more
    booths than exhibitors, shuffled into back-to-back rows in a tent per zone."""
    spare_total = math.ceil(SPARE * size)
    booths: list[Booth] = []
    booth_of: dict[int, int] = {}
    next_id = 1
    for k, (zone, rows) in enumerate(by_zone.items()):
        specs: list[tuple[int, frozenset[str], list[int]]] = []
        seen: dict[str, int] = {}
        for row in rows:
            if row["shared"] is not None and row["shared"] in seen:
                spec = specs[seen[row["shared"]]]
                specs[seen[row["shared"]]] = (
                    max(spec[0], row["area"]),
                    spec[1] | row["amenities"],
                    [*spec[2], row["id"]],
                )
                continue
            if row["shared"] is not None:
                seen[row["shared"]] = len(specs)
            specs.append((row["area"], row["amenities"], [row["id"]]))
        spares = round(spare_total * len(rows) / size) + (len(rows) - len(specs))
        for _ in range(spares):
            area, amenities = needs(rng, zone)
            specs.append(
                (area, amenities | {"electricity"} if rng.random() < 0.5 else amenities, [])
            )
        rng.shuffle(specs)
        origin = ((k % 3) * 90.0, (k // 3) * 110.0)
        placed = _rows(zone, specs, origin, next_id)
        for booth, (_area, _amenities, ids) in zip(placed, specs, strict=True):
            for i in ids:
                booth_of[i] = booth.id
        booths.extend(placed)
        next_id += len(placed)
    return booths, booth_of


def _rows(
    zone: str,
    specs: list[tuple[int, frozenset[str], list[int]]],
    origin: tuple[float, float],
    first: int,
) -> list[Booth]:
    """Rows of PER_ROW booths, two back to back, 4 m aisles; neighbours side by side and back to
    back; quality from the distance to the tent's door (front middle) and the stage."""
    cells = []
    for n, (area, amenities, _) in enumerate(specs):
        row, col = divmod(n, PER_ROW)
        cells.append((row, col, area, amenities))
    xs: dict[int, float] = {}
    spans = []
    for row, _col, area, _ in cells:
        x0 = xs.get(row, 0.0)
        xs[row] = x0 + WIDTH[area]
        pair, back = divmod(row, 2)
        y0 = pair * (2 * 4.0 + AISLE) + back * 4.0
        spans.append((x0, x0 + WIDTH[area], y0, y0 + DEPTH[area]))
    width = max(xs.values())
    door = (origin[0] + width / 2, origin[1] - 2.0)
    stage = (140.0, 105.0)
    booths = []
    for n, (row, col, area, amenities) in enumerate(cells):
        x0, x1, y0, y1 = spans[n]
        cx, cy = origin[0] + (x0 + x1) / 2, origin[1] + (y0 + y1) / 2
        near = []
        for m, (row2, col2, _, _) in enumerate(cells):
            if m == n:
                continue
            if row2 == row and abs(col2 - col) == 1:
                near.append(first + m)
            elif row2 // 2 == row // 2 and row2 != row:
                a0, a1 = spans[m][0], spans[m][1]
                if min(x1, a1) - max(x0, a0) > 0.5:
                    near.append(first + m)
        d = min(math.dist((cx, cy), door), math.dist((cx, cy), stage))
        booths.append(
            Booth(
                id=first + n,
                zone=zone,
                area=float(area),
                x=round(cx, 2),
                y=round(cy, 2),
                amenities=amenities,
                quality=round(100 * 15 / (15 + d)),
                neighbours=tuple(near),
                type="double" if area == 18 else "standard",
            )
        )
    return booths


def watchdog() -> None:
    def fire() -> None:
        print(f"# stopped by the watchdog after {DEADLINE} s", file=sys.stderr, flush=True)
        os._exit(2)

    timer = threading.Timer(DEADLINE, fire)
    timer.daemon = True
    timer.start()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=SIZES)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=SEED, help="the generator's (other fairs)")
    args = parser.parse_args()
    watchdog()
    for size in args.sizes:
        booths, exhibitors, zones_of = fair(size, args.seed)
        options = Options(time_limit=TIME_LIMIT.get(size, 28.0), workers=args.workers)
        load = os.getloadavg()[0]
        started = time.monotonic()
        result = allocate(booths, exhibitors, zones_of, options)
        seconds = time.monotonic() - started
        baseline = first_fit(booths, exhibitors, zones_of, options)
        base = evaluate(booths, exhibitors, zones_of, baseline, options)
        line = {
            "bench": "allocate",
            "exhibitors": size,
            "objective": result.objective,
            "bound": result.bound,
            "gap": None if result.gap is None else round(result.gap, 4),
            "optimal": result.optimal,
            "first_fit": base.cost(options.weights),
            "seconds": round(seconds, 2),
        }
        print(json.dumps(line), flush=True)
        parts = [
            (p.zones, p.units, p.objective, p.bound, p.status, round(p.seconds, 1))
            for p in result.parts
        ]
        print(
            f"# {size}: {len(booths)} booths, load {load:.1f}, placed {len(result.booths)}"
            f" (first fit {len(baseline)}), penalties {result.penalties}, first fit {base},"
            f" parts {parts}",
            file=sys.stderr,
            flush=True,
        )


if __name__ == "__main__":
    main()
