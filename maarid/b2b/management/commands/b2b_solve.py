"""``maarid b2b-solve FILE``: solve a B2B instance file and print one JSON line.

FILE is the project's JSON export or a MiniZinc .dzn file of the published benchmark (told
apart by content: JSON starts with ``{``). A .dzn file is solved in benchmark mode (every meeting
must happen, no tables, breaks under the fairness bound); a JSON file in product mode (weights,
tables). The line: ``{"status", "meetings" (scheduled), "breaks", "bound", "seconds"}``;
``--out`` writes ``{"slots": [...]}``, the slot of each meeting in file order (null when
unscheduled), and for JSON files ``"tables"`` likewise, so a schedule can be checked
independently of the solver.
"""

import json
import time
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from maarid.b2b.schedule import Placement, Schedule, solve
from maarid.b2b.schedule.instances import InstanceError, Problem, read_instance


class Command(BaseCommand):
    help = "Solve a B2B meeting-scheduling instance (.dzn or maarid JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--time-limit", type=float, default=60.0, help="seconds (wall clock)")
        parser.add_argument("--fairness", type=int, default=None, help="fairness bound d")
        parser.add_argument("--out", help="write the schedule here as JSON")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--workers", type=int, default=2, help="CP-SAT workers (1: reproducible)"
        )
        parser.add_argument(
            "--deterministic-limit", type=float, default=None, help="CP-SAT deterministic seconds"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            problem = read_instance(path)
        except InstanceError as error:
            raise CommandError(f"{path}: {error}")
        overrides: dict[str, Any] = {
            "time_limit": options["time_limit"],
            "seed": options["seed"],
            "workers": options["workers"],
            "deterministic_limit": options["deterministic_limit"],
        }
        if options["fairness"] is not None:
            overrides["fairness"] = options["fairness"]
        try:
            result = solve(
                problem.participants,
                problem.slots,
                problem.tables,
                problem.meetings,
                problem.options(**overrides),
            )
        except ValueError as error:
            raise CommandError(f"{path}: {error}")
        line: dict[str, object] = {
            "status": result.status,
            "meetings": len(result.placements),
            "breaks": result.breaks,
            "bound": result.bound,
            "seconds": round(time.monotonic() - started, 2),
        }
        if result.reason:
            line["reason"] = result.reason
        if options["out"]:
            self._write(Path(options["out"]), problem, result)
        self.stdout.write(json.dumps(line))

    def _write(self, target: Path, problem: Problem, result: Schedule) -> None:
        placed = result.placements
        data: dict[str, list[object]] = {
            "slots": [_get(placed, m.id, "slot") for m in problem.meetings]
        }
        if problem.assign_tables:
            data["tables"] = [_get(placed, m.id, "table") for m in problem.meetings]
        target.write_text(json.dumps(data) + "\n")


def _get(placements: Mapping[Hashable, Placement], meeting_id: Hashable, attribute: str) -> object:
    placement = placements.get(meeting_id)
    return None if placement is None else getattr(placement, attribute)
