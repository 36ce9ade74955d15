"""Instance files for the B2B scheduler: the published benchmark's MiniZinc data (.dzn, solved
in benchmark mode) and the project's JSON, read with the line of every error; ``maarid
b2b-solve`` and the benchmarks hand what they read to :func:`maarid.b2b.schedule.solve`. The
formats are described in ``docs/b2b-scheduler.md``.
"""

from __future__ import annotations

import bisect
import dataclasses
import json
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias, TypeGuard, TypeVar

from .problem import AM, PM, Meeting, Options, Participant, Slot, Table


class InstanceError(ValueError):
    """A malformed instance file: ``message`` and the 1-based ``line`` (None if unknown)."""

    def __init__(self, message: str, line: int | None = None):
        self.message, self.line = message, line
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass
class Problem:
    """Scheduler input read from a file: pass ``options(...)`` and the lists to ``solve``."""

    participants: list[Participant]
    slots: list[Slot]
    tables: list[Table]
    meetings: list[Meeting]
    require_all: bool = False
    assign_tables: bool = True
    fairness: int | None = None
    fairness_spread: bool = False
    name: str = ""

    def options(self, **overrides: Any) -> Options:
        """The file's options, with ``overrides`` (fields of :class:`Options`) on top."""
        own = Options(
            require_all=self.require_all,
            assign_tables=self.assign_tables,
            fairness=self.fairness,
            fairness_spread=self.fairness_spread,
        )
        return dataclasses.replace(own, **overrides)


@dataclass
class BenchmarkInstance:
    """A published instance as in the file, 1-based like the file."""

    n_participants: int
    n_tables: int
    n_slots: int
    n_morning: int
    requested: list[tuple[int, int, int]]  # (p1, p2, session) per meeting
    forbidden: list[set[int]] = field(default_factory=list)  # set of slots per participant
    fixed: list[int] = field(default_factory=list)  # slot or 0 per meeting
    precedences: list[set[int]] = field(default_factory=list)  # set of earlier meetings per meeting


# --- The .dzn tokenizer and parser ------------------------------------------------------------

_TOKEN = re.compile(
    r"(?P<ws>[ \t\r\f\v]+)|(?P<nl>\n)|(?P<comment>%[^\n]*)|(?P<block>/\*.*?\*/)"
    r"|(?P<int>-?\d+)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<sym>\[\||\|\]|\.\.|[\[\]{}|,;=()])",
    re.S,
)


_T = TypeVar("_T")

# A .dzn value: an integer, a boolean, a set of integers or an array of values (2-D: of rows).
Value: TypeAlias = "int | bool | set[int] | list[Value]"


class _Array(list[Value]):
    """A parsed array that knows the line of each element (or row), for precise errors."""

    def __init__(self, items: list[Value], lines: list[int]) -> None:
        super().__init__(items)
        self.lines = lines

    def line(self, position: int, default: int) -> int:
        return self.lines[position] if position < len(self.lines) else default


@dataclass
class _Tok:
    kind: str
    text: str
    line: int


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    line, pos = 1, 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            if text.startswith("/*", pos):
                raise InstanceError("unterminated comment", line)
            raise InstanceError(f"unexpected character {text[pos]!r}", line)
        kind, value = match.lastgroup or "", match.group()
        if kind in ("int", "name", "sym"):
            out.append(_Tok(kind, value, line))
        line += value.count("\n")
        pos = match.end()
    out.append(_Tok("eof", "", line))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _tokens(text)
        self.i = 0

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def take(self, text: str | None = None, kind: str | None = None) -> _Tok:
        tok = self.tok
        if (text is not None and tok.text != text) or (kind is not None and tok.kind != kind):
            wanted = repr(text) if text is not None else "an integer" if kind == "int" else "a name"
            found = repr(tok.text) if tok.kind != "eof" else "the end of the file"
            raise InstanceError(f"expected {wanted}, found {found}", tok.line)
        self.i += 1
        return tok

    def parse(self) -> dict[str, tuple[Value, int]]:
        values: dict[str, tuple[Value, int]] = {}
        while self.tok.kind != "eof":
            name = self.take(kind="name")
            if name.text in values:
                raise InstanceError(f"{name.text} is assigned twice", name.line)
            self.take("=")
            values[name.text] = (self.value(), name.line)
            self.take(";")
        return values

    def value(self) -> Value:
        tok = self.tok
        if tok.text == "[|":
            return self.array2d()
        if tok.text == "[":
            return self.array1d()
        if tok.text == "{":
            return self.set_literal()
        if tok.text in ("array1d", "array2d"):
            return self.array_call()
        if tok.kind == "int":
            first = int(self.take().text)
            if self.tok.text == "..":
                self.take("..")
                return set(range(first, int(self.take(kind="int").text) + 1))
            return first
        if tok.text in ("true", "false"):
            self.take()
            return tok.text == "true"
        found = repr(tok.text) if tok.kind != "eof" else "the end of the file"
        raise InstanceError(f"expected a value, found {found}", tok.line)

    def _items(self, closing: str, item: Callable[[], _T]) -> list[_T]:
        """Comma-separated items up to ``closing`` (a trailing comma is fine)."""
        out: list[_T] = []
        while self.tok.text != closing:
            out.append(item())
            if self.tok.text == ",":
                self.take(",")
            elif self.tok.text != closing:
                self.take(closing)  # raises "expected ..."
        self.take(closing)
        return out

    def set_literal(self) -> set[int]:
        self.take("{")
        return set(self._items("}", lambda: int(self.take(kind="int").text)))

    def array1d(self) -> list[Value]:
        self.take("[")
        lines: list[int] = []

        def item() -> Value:
            lines.append(self.tok.line)
            return self.value()

        return _Array(self._items("]", item), lines)

    def array2d(self) -> list[Value]:
        start = self.take("[|")
        rows: list[Value] = []
        row: list[Value] = []
        lines: list[int] = []
        while True:
            if self.tok.text == "|]":
                self.take("|]")
                if row:
                    rows.append(row)
                break
            if self.tok.text == "|":
                self.take("|")
                rows.append(row)
                row = []
                continue
            if not row:
                lines.append(self.tok.line)
            row.append(self.value())
            if self.tok.text == ",":
                self.take(",")
            elif self.tok.text not in ("|", "|]"):
                self.take("|")
        widths = {len(r) for r in rows if isinstance(r, list)}
        if len(widths) > 1:
            raise InstanceError("rows of a 2-D array differ in length", start.line)
        return _Array(rows, lines)

    def array_call(self) -> list[Value]:
        call = self.take(kind="name")
        self.take("(")
        rows = self.value()
        self.take(",")
        columns: Value = set()
        if call.text == "array2d":
            columns = self.value()
            self.take(",")
        flat = self.value()
        self.take(")")
        if not isinstance(flat, list) or not isinstance(rows, set) or not isinstance(columns, set):
            raise InstanceError(f"malformed {call.text}(...)", call.line)
        if call.text == "array1d":
            if len(flat) != len(rows):
                raise InstanceError("array1d size does not match its index set", call.line)
            return flat
        width = len(columns)
        if width == 0 or len(flat) != len(rows) * width:
            raise InstanceError("array2d size does not match its index sets", call.line)
        return [flat[r * width : (r + 1) * width] for r in range(len(rows))]


def parse_dzn(text: str) -> dict[str, tuple[Value, int]]:
    """``{name: (value, line)}`` for every assignment; ints, sets, lists (2-D: lists of rows)."""
    return _Parser(text).parse()


# --- The B2B benchmark -----------------------------------------------------------------------


def read_dzn(source: Path | str) -> BenchmarkInstance:
    """Read a published instance from a path or a string of .dzn text; checks every value."""
    text = Path(source).read_text() if isinstance(source, Path) else source
    values = parse_dzn(text)
    last_line = max(1, len(text.rstrip().splitlines()))

    def get(name: str, default: tuple[Value, int] | None = None) -> tuple[Value, int]:
        if name not in values:
            if default is not None:
                return default
            raise InstanceError(f"missing parameter {name}", last_line)
        return values[name]

    def integer(name: str, low: int = 0) -> int:
        value, line = get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise InstanceError(f"{name} must be an integer >= {low}", line)
        return value

    n_p = integer("nBusiness", 1)
    n_m = integer("nMeetings", 0)
    n_tables = integer("nTables", 1)
    n_slots = integer("nTotalSlots", 1)
    n_morning = integer("nMorningSlots", 0)
    if n_morning > n_slots:
        raise InstanceError("nMorningSlots exceeds nTotalSlots", get("nMorningSlots")[1])
    requested = _requested(*get("requested"), n_m, n_p)
    none: list[Value] = [{0}] * n_p
    forbidden = _sets(*get("forbidden", (none, 0)), "forbidden", n_p, 0, n_slots)
    free: list[Value] = [0] * n_m
    fixed = _ints(*get("fixed", (free, 0)), "fixed", n_m, 0, n_slots)
    first: list[Value] = [set()] * n_m
    precedences = _sets(*get("precedences", (first, 0)), "precedences", n_m, 1, n_m)
    return BenchmarkInstance(
        n_participants=n_p,
        n_tables=n_tables,
        n_slots=n_slots,
        n_morning=n_morning,
        requested=requested,
        forbidden=[s - {0} for s in forbidden],
        fixed=fixed,
        precedences=precedences,
    )


def _requested(value: Value, line: int, n_m: int, n_p: int) -> list[tuple[int, int, int]]:
    if not isinstance(value, list) or len(value) != n_m:
        raise InstanceError(f"requested must be a 2-D array of {n_m} rows", line)
    rows = []
    for number, row in enumerate(value, 1):
        at = _at(value, number, line)
        if not isinstance(row, list) or len(row) != 3 or not all(_is_int(v) for v in row):
            raise InstanceError(f"requested row {number} must be p1, p2, session", at)
        a, b, session = (v for v in row if _is_int(v))
        if not (1 <= a <= n_p and 1 <= b <= n_p) or a == b:
            raise InstanceError(f"requested row {number}: bad participants {a}, {b}", at)
        if session not in (1, 2, 3):
            raise InstanceError(f"requested row {number}: session must be 1, 2 or 3", at)
        rows.append((a, b, session))
    return rows


def _sets(value: Value, line: int, name: str, n: int, low: int, high: int) -> list[set[int]]:
    if not isinstance(value, list) or len(value) != n:
        raise InstanceError(f"{name} must be an array of {n} sets", line)
    out = []
    for number, item in enumerate(value, 1):
        if not isinstance(item, set) or any(not low <= v <= high for v in item):
            raise InstanceError(
                f"{name}[{number}] must be a set of {low}..{high}", _at(value, number, line)
            )
        out.append(set(item))
    return out


def _ints(value: Value, line: int, name: str, n: int, low: int, high: int) -> list[int]:
    if not isinstance(value, list) or len(value) != n:
        raise InstanceError(f"{name} must be an array of {n} integers", line)
    out = []
    for number, item in enumerate(value, 1):
        if not _is_int(item) or not low <= item <= high:
            raise InstanceError(
                f"{name}[{number}] must be an integer in {low}..{high}", _at(value, number, line)
            )
        out.append(item)
    return out


def _at(value: list[Value], number: int, line: int) -> int:
    """The line of the ``number``-th (1-based) element when the parser recorded it."""
    return value.line(number - 1, line) if isinstance(value, _Array) else line


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def benchmark_problem(instance: BenchmarkInstance, fairness: int | None = 2) -> Problem:
    """Scheduler input in benchmark mode (see ``docs/b2b-scheduler.md``). Ids are 1-based like the
    file: participant ``p``, slot ``t``, meeting ``m`` (its row in ``requested``)."""
    slots = [
        Slot(index=t, day=0, session=AM if t <= instance.n_morning else PM)
        for t in range(1, instance.n_slots + 1)
    ]
    participants = [
        Participant(id=p, unavailable=frozenset(instance.forbidden[p - 1]))
        for p in range(1, instance.n_participants + 1)
    ]
    tables = [Table(id=k, capacity=2) for k in range(1, instance.n_tables + 1)]
    meetings: list[Meeting] = []
    for m, (a, b, session) in enumerate(instance.requested, 1):
        meetings.append(
            Meeting(
                id=m,
                participants=(a, b),
                pinned_slot=instance.fixed[m - 1] or None,
                session={1: AM, 2: PM, 3: None}[session],
                after=tuple(sorted(instance.precedences[m - 1])),
            )
        )
    return Problem(
        participants,
        slots,
        tables,
        meetings,
        require_all=True,
        assign_tables=False,
        fairness=fairness,
        fairness_spread=True,
    )


# --- Maarid JSON ----------------------------------------------------------------------------


class _Lined(dict[str, Any]):
    """A JSON object that remembers the line it starts on."""

    line: int | None = None


def _lined_loads(text: str) -> Any:
    """``json.loads`` whose objects are :class:`_Lined` (via the pure-Python scanner, whose
    object parser can be wrapped; the C one cannot)."""
    newlines = [i for i, c in enumerate(text) if c == "\n"]
    decoder = json.JSONDecoder()

    def parse_object(s_and_end: tuple[str, int], *args: Any, **kwargs: Any) -> tuple[_Lined, int]:
        obj, end = json.decoder.JSONObject(s_and_end, *args, **kwargs)  # type: ignore[attr-defined]
        lined = _Lined(obj)
        lined.line = bisect.bisect_left(newlines, s_and_end[1]) + 1
        return lined, end

    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        return decoder.decode(text)
    except json.JSONDecodeError as error:
        raise InstanceError(f"invalid JSON: {error.msg}", error.lineno)


def read_json(source: Path | str) -> Problem:
    """Read the project's JSON export (``docs/b2b-scheduler.md``) from a path or a string."""
    text = Path(source).read_text() if isinstance(source, Path) else source
    data = _lined_loads(text)
    if not isinstance(data, _Lined):
        raise InstanceError("the file must hold a JSON object", 1)
    if data.get("format", "maarid-b2b") != "maarid-b2b" or data.get("version", 1) != 1:
        raise InstanceError("not a maarid-b2b version 1 file", data.line)
    for key in ("slots", "tables", "participants", "meetings"):
        if not isinstance(data.get(key), list):
            raise InstanceError(f"{key!r} must be a list", data.line)
    slots = [_slot(o) for o in data["slots"]]
    tables = [_table(o) for o in data["tables"]]
    participants = [_participant(o) for o in data["participants"]]
    meetings = [_meeting(o) for o in data["meetings"]]
    fairness = data.get("fairness")
    if fairness is not None and (not _is_int(fairness) or fairness < 0):
        raise InstanceError("'fairness' must be a non-negative integer", data.line)
    problem = Problem(participants, slots, tables, meetings, fairness=fairness)
    _check_references(problem, data)
    return problem


def _field(
    obj: object, key: str, check: Callable[[Any], bool], what: str, default: Any = ...
) -> Any:
    """``obj[key]`` once ``check`` accepts it (JSON values are untyped until checked)."""
    if not isinstance(obj, _Lined):
        raise InstanceError("expected a JSON object", getattr(obj, "line", None))
    if key not in obj:
        if default is ...:
            raise InstanceError(f"missing {key!r}", obj.line)
        return default
    value = obj[key]
    if not check(value):
        raise InstanceError(f"{key!r} must be {what}", obj.line)
    return value


def _line(obj: object) -> int | None:
    """The line of a JSON object (None for anything else)."""
    return obj.line if isinstance(obj, _Lined) else None


def _is_id(value: object) -> bool:
    return (_is_int(value)) or (isinstance(value, str) and value != "")


def _slot(obj: object) -> Slot:
    return Slot(
        index=_field(obj, "index", _is_int, "an integer"),
        day=_field(obj, "day", lambda v: _is_id(v), "an integer or a string", 0),
        session=_field(obj, "session", lambda v: v in (AM, PM), '"am" or "pm"', AM),
    )


def _table(obj: object) -> Table:
    return Table(
        id=_field(obj, "id", _is_id, "an integer or a string"),
        capacity=_field(obj, "capacity", lambda v: _is_int(v) and v >= 1, "a positive integer", 2),
    )


def _participant(obj: object) -> Participant:
    unavailable = _field(obj, "unavailable", _int_list, "a list of slot indices", [])
    return Participant(
        id=_field(obj, "id", _is_id, "an integer or a string"),
        unavailable=frozenset(unavailable),
    )


def _int_list(value: object) -> bool:
    return isinstance(value, list) and all(_is_int(v) for v in value)


def _meeting(obj: object) -> Meeting:
    people = _field(
        obj, "participants", lambda v: isinstance(v, list) and all(map(_is_id, v)), "a list of ids"
    )
    if len(set(people)) < 2:
        raise InstanceError("a meeting needs at least two distinct participants", _line(obj))
    return Meeting(
        id=_field(obj, "id", _is_id, "an integer or a string"),
        participants=tuple(people),
        weight=_field(obj, "weight", lambda v: _is_int(v) and v >= 1, "a positive integer", 1),
        pinned_slot=_field(
            obj, "pinned_slot", lambda v: v is None or _is_int(v), "a slot index", None
        ),
        pinned_table=_field(
            obj, "pinned_table", lambda v: v is None or _is_id(v), "a table id", None
        ),
        session=_field(obj, "session", lambda v: v in (None, AM, PM), '"am", "pm" or null', None),
        after=tuple(
            _field(
                obj,
                "after",
                lambda v: isinstance(v, list) and all(map(_is_id, v)),
                "a list of meeting ids",
                [],
            )
        ),
    )


def _check_references(problem: Problem, data: _Lined) -> None:
    """Unique ids and references to known participants, slots, tables and meetings."""
    lines = {
        key: [_line(o) for o in data[key]]
        for key in ("slots", "tables", "participants", "meetings")
    }
    _unique([s.index for s in problem.slots], lines["slots"], "slot index")
    _unique([t.id for t in problem.tables], lines["tables"], "table id")
    _unique([p.id for p in problem.participants], lines["participants"], "participant id")
    _unique([m.id for m in problem.meetings], lines["meetings"], "meeting id")
    people = {p.id for p in problem.participants}
    slots = {s.index for s in problem.slots}
    tables = {t.id for t in problem.tables}
    meetings = {m.id for m in problem.meetings}
    for p, line in zip(problem.participants, lines["participants"], strict=True):
        if not p.unavailable <= slots:
            raise InstanceError(f"participant {p.id!r}: unknown slot in 'unavailable'", line)
    for m, line in zip(problem.meetings, lines["meetings"], strict=True):
        if not set(m.participants) <= people:
            raise InstanceError(f"meeting {m.id!r}: unknown participant", line)
        if m.pinned_slot is not None and m.pinned_slot not in slots:
            raise InstanceError(f"meeting {m.id!r}: unknown pinned slot", line)
        if m.pinned_table is not None and m.pinned_table not in tables:
            raise InstanceError(f"meeting {m.id!r}: unknown pinned table", line)
        if not set(m.after) <= meetings:
            raise InstanceError(f"meeting {m.id!r}: unknown meeting in 'after'", line)


def _unique(values: list[Hashable], lines: list[int | None], what: str) -> None:
    seen = set()
    for value, line in zip(values, lines, strict=True):
        if value in seen:
            raise InstanceError(f"duplicate {what} {value!r}", line)
        seen.add(value)


def write_json(problem: Problem) -> str:
    """The JSON export of ``problem`` (what :func:`read_json` reads back)."""
    data: dict[str, object] = {
        "format": "maarid-b2b",
        "version": 1,
        "slots": [{"index": s.index, "day": s.day, "session": s.session} for s in problem.slots],
        "tables": [{"id": t.id, "capacity": t.capacity} for t in problem.tables],
        "participants": [
            {"id": p.id, "unavailable": sorted(p.unavailable)} for p in problem.participants
        ],
        "meetings": [
            {
                "id": m.id,
                "participants": list(m.participants),
                "weight": m.weight,
                "pinned_slot": m.pinned_slot,
                "pinned_table": m.pinned_table,
                "session": m.session,
                "after": list(m.after),
            }
            for m in problem.meetings
        ],
    }
    if problem.fairness is not None:
        data["fairness"] = problem.fairness
    return json.dumps(data, indent=1)


def read_instance(path: Path | str) -> Problem:
    """A .dzn or .json file by its content: JSON starts with ``{``."""
    path = Path(path)
    try:
        text = path.read_text()
    except UnicodeDecodeError:
        raise InstanceError("not a text file", None)
    if text.lstrip().startswith("{"):
        problem = read_json(text)
    else:
        problem = benchmark_problem(read_dzn(text))
    problem.name = path.name
    return problem
