"""Benchmark: the B2B meeting scheduler on generated fairs whose optimum is known to be 0 breaks.

The generator first lays out a schedule with no breaks — every participant meets in one run of
consecutive slots, at most one meeting per table and slot — and then derives the meetings from
it and throws the schedule away, so every meeting can be placed and the optimum is 0 breaks.
Sizes: 100, 300 and 1,000 participants (the largest: 3,000 meetings, 16 slots, 250 tables; the
smaller ones scaled proportionally), fixed seed. Each is solved by ``schedule.solve`` in full
product mode (tables assigned, equal weights, 2 workers) and reported as one JSON line.
No database: ``.venv/bin/python bench/b2b.py``; stops by itself in a few minutes.
"""

import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from maarid.b2b.schedule import Meeting, Options, Participant, Slot, Table, solve  # noqa: E402

SEED = 2024
SLOTS = 16
SIZES = [(100, 300, 25), (300, 900, 75), (1000, 3000, 250)]  # participants, meetings, tables
TIME_LIMIT = {100: 30.0, 300: 45.0, 1000: 50.0}  # the largest: a margin under 60 s


def windows(rng: random.Random, people: int, meetings: int) -> list[list[int]]:
    """A run of consecutive slots per person; the lengths add up to twice the meetings, and the
    runs are laid longest first where the slots are least busy (uniform starts would crowd
    the middle of the day past the number of tables)."""
    target = 2 * meetings
    lengths = [2] * people
    while sum(lengths) < target:
        p = rng.randrange(people)
        if lengths[p] < SLOTS - 4:
            lengths[p] += 1
    load = [0] * SLOTS
    runs = [None] * people
    for p in sorted(range(people), key=lambda p: (-lengths[p], rng.random())):
        k = lengths[p]
        starts = list(range(SLOTS - k + 1))
        rng.shuffle(starts)
        a = min(starts, key=lambda a: sum(load[a : a + k]))
        for t in range(a, a + k):
            load[t] += 1
        runs[p] = [a, a + k]
    return runs


def layout(rng: random.Random, people: int, meetings: int) -> list[tuple[int, int, int]]:
    """(slot, p, q) for every meeting of a break-free schedule: slot by slot, the people whose
    run covers the slot are paired at random (never twice the same pair); an odd one out has
    its run shortened at an end it has not yet met in, so runs stay unbroken."""
    runs = windows(rng, people, meetings)
    met, out = set(), []
    for t in range(SLOTS):
        active = [p for p, (a, b) in enumerate(runs) if a <= t < b]
        if len(active) % 2:
            _make_even(runs, active, t)
            active = [p for p, (a, b) in enumerate(runs) if a <= t < b]
        out.extend((t, p, q) for p, q in _pairs(rng, active, met))
    return out


def _make_even(runs, active, t):
    for p in active:
        a, b = runs[p]
        if a == t and b - a >= 2:  # starts now: start one slot later
            runs[p][0] += 1
            return
    for p in active:
        a, b = runs[p]
        if b == t + 1 and b - a >= 2:  # ends now: end one slot earlier
            runs[p][1] -= 1
            return
    raise RuntimeError("cannot even out the slot; change the seed")


def _pairs(rng, active, met):
    for _ in range(200):
        order = active[:]
        rng.shuffle(order)
        pairs, ok = [], True
        while order:
            p = order.pop()
            partner = next((q for q in reversed(order) if (min(p, q), max(p, q)) not in met), None)
            if partner is None:
                ok = False
                break
            order.remove(partner)
            pairs.append((min(p, partner), max(p, partner)))
        if ok:
            met.update(pairs)
            return pairs
    raise RuntimeError("cannot pair the slot; change the seed")


def instance(people: int, meetings: int, tables: int, seed: int = SEED):
    rng = random.Random(seed + people)
    laid = layout(rng, people, meetings)
    per_slot = [sum(1 for t, _, _ in laid if t == s) for s in range(SLOTS)]
    assert max(per_slot) <= tables, per_slot
    rng.shuffle(laid)  # forget the layout's order
    return (
        [Participant(id=p) for p in range(people)],
        [Slot(index=t + 1) for t in range(SLOTS)],
        [Table(id=k + 1, capacity=2) for k in range(tables)],
        [Meeting(id=n + 1, participants=(p, q)) for n, (_, p, q) in enumerate(laid)],
    )


def main() -> None:
    for people, meetings, tables in SIZES:
        participants, slots, table_list, meeting_list = instance(people, meetings, tables)
        started = time.monotonic()
        result = solve(
            participants,
            slots,
            table_list,
            meeting_list,
            Options(time_limit=TIME_LIMIT[people], workers=2, seed=0),
        )
        line = {
            "bench": "b2b",
            "participants": people,
            "meetings": len(meeting_list),
            "scheduled": len(result.placements),
            "breaks": result.breaks,
            "optimal": result.status == "optimal",
            "seconds": round(time.monotonic() - started, 2),
        }
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
