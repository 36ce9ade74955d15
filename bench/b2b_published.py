"""Benchmark: ``maarid b2b-solve`` on the published B2B benchmark: the 20 original instances, or
with ``--all`` its 200 cases.

The published B2B scheduling benchmark (read from ``../shared/benchmarks/b2b/``, the instances
and their proven optima as published, ``best_known.csv``): the 20 originals with fairness
d = 2; ``--all`` adds the 180 other cases (the originals with d = 0, 1, 3, and the variants with
forbidden slots, fixed slots and precedences, d = 2), 54 of them infeasible (``U``). 60 s and 2
workers a case (this machine has 2 cores). Each run goes through the real command in a
subprocess; the schedule it writes (``--out``) is then checked here, independently of the
solver: every meeting placed once in a slot of its session, nobody twice in a slot or in a
forbidden slot, fixed slots and precedences kept, at most ``nTables`` meetings per slot, and the
breaks and the fairness recomputed. A case answered "infeasible" has no schedule to check: it
counts as verified when the published value is ``U`` as well (the proof is the solver's).

One JSON line per case with the published optimum beside ours, then the summary:
``{"bench": "b2b_published", "cases", "proven" (optimal or infeasible), "equal_published",
"verified", "seconds"}``. ``.venv/bin/python bench/b2b_published.py [--all] [NAME ...]``: NAME
keeps the cases whose ``instance.variant`` (e.g. ``forum-14.prec15``) contains it, ``d=N`` those
with that fairness; ``--time-limit S``. The 20 originals take at most 20 minutes, ``--all`` up to
200.
"""

import argparse
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
TIME_LIMIT = 60
FAIRNESS = 2


def cases(every: bool) -> list[dict]:
    """The benchmark's cases: file, d, published value ("U" or a number), name."""
    with (BENCHMARK / "best_known.csv").open() as f:
        rows = list(csv.DictReader(f))
    out = []
    for row in rows:
        d = int(row["fairness_d"])
        if not every and (row["variant"] != "original" or d != FAIRNESS):
            continue
        published = row["best_known"].strip()
        out.append(
            {
                "file": row["file"],
                "d": d,
                "published": "U" if published.upper().startswith("U") else published,
                "name": f"{row['instance']}.{row['variant']}" + ("" if d == FAIRNESS else f".d{d}"),
            }
        )
    return out


def verify(instance, slots, fairness: int) -> tuple[list, int | None]:
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
    if max(breaks) - min(breaks) > fairness:
        problems.append("fairness broken")
    return problems, sum(breaks)


def run(path: Path, out: Path, fairness: int, limit: float) -> dict:
    command = [
        str(ROOT / ".venv" / "bin" / "maarid"),
        "b2b-solve",
        str(path),
        "--time-limit",
        str(limit),
        "--fairness",
        str(fairness),
        "--workers",
        "2",
        "--out",
        str(out),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=limit + 60)
    if done.returncode:
        return {"status": "error", "error": done.stderr.strip()[-300:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="the 200 cases, not the 20 originals")
    parser.add_argument("--time-limit", type=float, default=TIME_LIMIT)
    parser.add_argument("names", nargs="*", help="keep cases whose name contains one of these")
    args = parser.parse_args()
    chosen = cases(args.all)
    if args.names:
        ds = {int(n[2:]) for n in args.names if n.startswith("d=")}
        words = [n for n in args.names if not n.startswith("d=")]
        chosen = [
            c
            for c in chosen
            if (not words or any(w in c["name"] for w in words)) and (not ds or c["d"] in ds)
        ]
    proven = matched = verified = 0
    total_seconds = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for case in chosen:
            path = BENCHMARK / "instances" / case["file"]
            out = Path(tmp) / (case["name"] + ".json")
            out.unlink(missing_ok=True)
            line = run(path, out, case["d"], args.time_limit)
            status = line.get("status")
            published = case["published"]
            slots = json.loads(out.read_text())["slots"] if out.exists() else None
            if status == "infeasible":
                problems, breaks = [], None
                ok = published == "U"
                equal = published == "U"
            else:
                problems, breaks = (
                    verify(read_dzn(path), slots, case["d"]) if slots else (["no schedule"], None)
                )
                ok = not problems and breaks == line.get("breaks")
                equal = str(breaks) == published
            proven += status in ("optimal", "infeasible")
            matched += equal
            verified += ok
            total_seconds += line.get("seconds", args.time_limit)
            print(
                json.dumps(
                    {
                        "case": case["name"],
                        "d": case["d"],
                        "published": int(published) if published.isdigit() else published,
                        "breaks": line.get("breaks"),
                        "bound": line.get("bound"),
                        "status": status,
                        "seconds": line.get("seconds"),
                        "verified": ok,
                        **({"reason": line["reason"]} if line.get("reason") else {}),
                        **({"problems": problems[:3]} if problems and slots else {}),
                        **({"error": line["error"]} if line.get("error") else {}),
                    }
                ),
                flush=True,
            )
    summary = {
        "bench": "b2b_published",
        "cases": len(chosen),
        "proven": proven,
        "equal_published": matched,
        "verified": verified,
        "seconds": round(total_seconds, 1),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
