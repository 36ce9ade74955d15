"""Benchmark: ``maarid b2b-solve`` on the 20 original instances of the published B2B benchmark.

The published B2B scheduling benchmark (read from ``../shared/benchmarks/b2b/``, the
instances and their best known values as published): fairness d = 2, 25 s
per instance, 2 workers (this machine has 2 cores). Each run goes through the real command in a
subprocess; the schedule it writes (``--out``) is then checked here, independently of the
solver: every meeting placed once in a slot of its session, nobody twice in a slot or in a
forbidden slot, fixed slots and precedences kept, at most ``nTables`` meetings per slot, and the
breaks and the fairness recomputed. One JSON line per instance with the published optimum
(``best_known.csv``, variant original, d = 2) beside ours, then a summary line.
``.venv/bin/python bench/b2b_published.py``; takes at most about 9 minutes.
"""

import csv
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from maarid.b2b.schedule.instances import read_dzn  # noqa: E402

BENCHMARK = Path(
    os.environ.get("MAARID_B2B_BENCHMARK", ROOT.parent / "shared" / "benchmarks" / "b2b")
)
TIME_LIMIT = 25
FAIRNESS = 2


def published() -> dict:
    with (BENCHMARK / "best_known.csv").open() as f:
        return {
            row["file"]: row["best_known"]
            for row in csv.DictReader(f)
            if row["variant"] == "original" and row["fairness_d"] == str(FAIRNESS)
        }


def verify(instance, slots) -> tuple[list, int | None]:
    """Problems found in the written schedule, and the breaks recomputed from it."""
    problems = []
    if slots is None or len(slots) != len(instance.requested) or None in slots:
        return ["not every meeting has a slot"], None
    used, per_slot, busy = set(), defaultdict(int), defaultdict(list)
    for m, ((a, b, session), t) in enumerate(zip(instance.requested, slots, strict=True)):
        if not 1 <= t <= instance.n_slots:
            problems.append(f"meeting {m + 1}: no such slot {t}")
        if (session == 1 and t > instance.n_morning) or (session == 2 and t <= instance.n_morning):
            problems.append(f"meeting {m + 1}: wrong session")
        if instance.fixed[m] and instance.fixed[m] != t:
            problems.append(f"meeting {m + 1}: not in its fixed slot")
        if any(slots[before - 1] >= t for before in instance.precedences[m]):
            problems.append(f"meeting {m + 1}: precedence broken")
        per_slot[t] += 1
        for p in (a, b):
            if (p, t) in used:
                problems.append(f"participant {p} twice in slot {t}")
            if t in instance.forbidden[p - 1]:
                problems.append(f"participant {p} in forbidden slot {t}")
            used.add((p, t))
            busy[p].append(t)
    if max(per_slot.values(), default=0) > instance.n_tables:
        problems.append("more meetings than tables in a slot")
    breaks = [0] * instance.n_participants
    for p, ts in busy.items():
        ts.sort()
        breaks[p - 1] = sum(1 for x, y in zip(ts, ts[1:], strict=False) if y - x > 1)
    if max(breaks) - min(breaks) > FAIRNESS:
        problems.append("fairness broken")
    return problems, sum(breaks)


def run(path: Path, out: Path) -> dict:
    command = [
        str(ROOT / ".venv" / "bin" / "maarid"),
        "b2b-solve",
        str(path),
        "--time-limit",
        str(TIME_LIMIT),
        "--fairness",
        str(FAIRNESS),
        "--workers",
        "2",
        "--out",
        str(out),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIME_LIMIT + 60)
    if done.returncode:
        return {"status": "error", "error": done.stderr.strip()[-300:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    best = published()
    files = sorted(BENCHMARK.glob("instances/*.original.dzn"))
    proven = matched = verified = 0
    total_seconds = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            out = Path(tmp) / (path.stem + ".json")
            line = run(path, out)
            slots = json.loads(out.read_text())["slots"] if out.exists() else None
            problems, breaks = verify(read_dzn(path), slots) if slots else (["no schedule"], None)
            ok = not problems and breaks == line.get("breaks")
            published_value = best.get(path.name)
            optimal = line.get("status") == "optimal"
            proven += optimal
            matched += str(breaks) == published_value
            verified += ok
            total_seconds += line.get("seconds", TIME_LIMIT)
            print(
                json.dumps(
                    {
                        "instance": path.name.removesuffix(".original.dzn"),
                        "published": int(published_value) if published_value.isdigit() else None,
                        "breaks": line.get("breaks"),
                        "bound": line.get("bound"),
                        "status": line.get("status"),
                        "seconds": line.get("seconds"),
                        "verified": ok,
                        **({"problems": problems[:3]} if problems and slots else {}),
                    }
                ),
                flush=True,
            )
    summary = {
        "bench": "b2b_published",
        "instances": len(files),
        "proven_optimal": proven,
        "equal_to_published": matched,
        "verified": verified,
        "seconds": round(total_seconds, 1),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
