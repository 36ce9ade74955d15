"""``maarid b2b-solve``: one JSON line, the schedule written for an independent check, and a
clear refusal (with the line number, no traceback) of a malformed file."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from maarid.b2b.schedule.instances import read_dzn, write_json

from .test_instances import INSTANCES, SMALL, _problem, check_benchmark, needs_benchmark


def run(*args):
    out = io.StringIO()
    call_command("b2b_solve", *args, stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def test_solves_a_dzn_file_and_writes_the_slots(tmp_path):
    source, target = tmp_path / "small.dzn", tmp_path / "out.json"
    source.write_text(SMALL)
    line = run(str(source), "--time-limit", "5", "--out", str(target), "--workers", "1")
    assert set(line) == {"status", "meetings", "breaks", "bound", "seconds"}
    assert line["status"] == "optimal" and line["meetings"] == 2 and line["breaks"] == 0
    slots = json.loads(target.read_text())["slots"]
    assert check_benchmark(read_dzn(SMALL), slots, fairness=2) == 0


def test_solves_a_json_file_with_tables(tmp_path):
    source, target = tmp_path / "fair.json", tmp_path / "out.json"
    source.write_text(write_json(_problem()))
    line = run(str(source), "--time-limit", "5", "--out", str(target), "--seed", "1")
    assert line["status"] == "optimal" and line["meetings"] == 1  # "g" cannot happen
    written = json.loads(target.read_text())
    assert written["slots"] == [1, None] and written["tables"] == ["T1", None]


def test_reports_an_infeasible_instance(tmp_path):
    source = tmp_path / "tight.dzn"
    source.write_text(
        SMALL.replace("nTotalSlots = 4;", "nTotalSlots = 2;")
        .replace("nMorningSlots = 2;", "nMorningSlots = 1;")
        .replace("{0, 4}", "{0, 2}")
    )
    line = run(str(source), "--time-limit", "5", "--fairness", "0")
    assert line["status"] == "infeasible" and line["meetings"] == 0 and line["breaks"] is None


def test_refuses_a_malformed_file_with_the_line(tmp_path, capsys):
    source = tmp_path / "bad.dzn"
    source.write_text(SMALL.replace("nTables = 1;", "nTables = 1"))
    with pytest.raises(CommandError, match=r"bad.dzn: line 5: expected ';', found 'nTotalSlots'"):
        run(str(source))


def test_the_maarid_command_exits_non_zero_without_a_traceback(tmp_path, capsys):
    from maarid.cli import main

    source = tmp_path / "bad.dzn"
    source.write_text("nBusiness = 3;\nrequested = [| 1, 2 |];\n")
    with pytest.raises(SystemExit) as exit_:
        main(["maarid", "b2b-solve", str(source)])
    assert exit_.value.code != 0
    err = capsys.readouterr().err
    assert "line" in err and "Traceback" not in err


@needs_benchmark
def test_solves_a_published_instance_to_its_optimum(tmp_path):
    target = tmp_path / "out.json"
    source = INSTANCES / "tic-12.original.dzn"
    line = run(str(source), "--time-limit", "20", "--fairness", "2", "--out", str(target))
    assert line["status"] == "optimal" and line["breaks"] == 0 and line["bound"] == 0
    slots = json.loads(target.read_text())["slots"]
    assert check_benchmark(read_dzn(source), slots, fairness=2) == 0
