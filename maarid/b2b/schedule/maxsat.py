"""The breaks as weighted MaxSAT, solved core-guided (python-sat's RC2): a prover beside CP-SAT.

:class:`Encoding` turns a :class:`.Problem` whose meetings must all happen into a weighted CNF:
the hard clauses are the scheduling rules, one soft unit clause ``not brk[p, t]`` (weight 1)
per place where a break of ``p`` could end. A core-guided solver raises its cost one
unsatisfiable core at a time, so every core it finds is a proven lower bound on the breaks, and
its first model is optimal. :func:`prove` runs RC2 on it and reports through a callback;
:class:`ProverProcess` runs that in a separate process (true parallelism beside the annealing,
and it can be stopped at any moment) and hands back bounds, the optimum, or "infeasible" with
the reason. See ``docs/b2b-scheduler.md``.
"""

from __future__ import annotations

import json
import pickle
import queue
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import IO

from pysat.card import CardEnc, EncType, ITotalizer
from pysat.examples.rc2 import RC2
from pysat.formula import WCNF, IDPool
from pysat.solvers import Solver

from .problem import Options, Problem, Slots

# The SAT solver under RC2: CaDiCaL 1.9.5 (measured on the published benchmark against
# Glucose 3 and 4: see docs/b2b-scheduler.md); its calls run in slices of SLICE conflicts.
SAT_SOLVER = "cd195"
SLICE = 20_000
# The descent's SAT calls (:func:`descend`) in slices of this many conflicts.
DESCENT_SLICE = 5_000
IMPLIED: dict[str, bool] = {}


@dataclass
class Message:
    """What the prover reports: ``kind`` is "bound" (``value`` proven lower bound), "optimal"
    (``value`` and ``slots``), "infeasible" (``reason``, a short English text for logs and
    the benchmark) or "error"."""

    kind: str
    value: int = 0
    slots: Slots = field(default_factory=dict)
    reason: str = ""


class Encoding:
    """The weighted CNF of the breaks when every meeting that can happen must happen.

    Hard: each meeting in exactly one of its possible slots; nobody twice in a slot; per slot
    and table size class at most as many meetings as tables; pinned tables once per slot;
    precedences; ``busy[p, t]`` exactly "p meets in t"; ``seen[p, t]`` "p met earlier that day"
    (upwards only); ``brk[p, t]`` forced true when ``p`` is busy in ``t``, free in ``t - 1``
    and met earlier that day (a break ends at ``t``); the fairness cap as an at-most-``d`` on
    ``brk[p, .]``. Soft: ``not brk[p, t]``, weight 1. The cap is exact when someone cannot have
    a break (always so in the published benchmark); otherwise the benchmark's spread
    (max - min) is left out, a relaxation: bounds and "infeasible" stay valid and a model is
    checked before it is used (``exact`` is False)."""

    def __init__(self, pb: Problem, options: Options) -> None:
        self.pb, self.options = pb, options
        self.pool = IDPool()
        self.wcnf = WCNF()
        self.x: list[dict[int, int]] = [
            {t: self.pool.id(("x", i, t)) for t in dom} for i, dom in enumerate(pb.domains)
        ]
        self.busy: dict[tuple[int, int], int] = {}
        self.brk: defaultdict[int, list[int]] = defaultdict(list)
        self.exact = True
        self.impossible: list[int] = [i for i, dom in enumerate(pb.domains) if not dom]
        self._meetings()
        self._people()
        self._tables()
        self._precedences()
        self._breaks()
        self._fairness()
        self._implied()

    def _hard(self, clause: Iterable[int]) -> None:
        self.wcnf.append(list(clause))

    def _card(self, lits: list[int], bound: int, encoding: int = EncType.seqcounter) -> None:
        if len(lits) <= bound:
            return
        if bound == 0:
            for lit in lits:
                self._hard([-lit])
            return
        if bound == 1 and len(lits) <= 6:
            encoding = EncType.pairwise
        cnf = CardEnc.atmost(lits, bound, vpool=self.pool, encoding=encoding)
        for clause in cnf.clauses:
            self._hard(clause)

    def _meetings(self) -> None:
        for row in self.x:
            lits = list(row.values())
            if lits:
                self._hard(lits)
                self._card(lits, 1, EncType.ladder)
        if self.impossible and self.options.require_all:
            self._hard([])  # a meeting that must happen and cannot: infeasible

    def _people(self) -> None:
        pb = self.pb
        by: defaultdict[tuple[int, int], list[int]] = defaultdict(list)
        for i, row in enumerate(self.x):
            for t, lit in row.items():
                for p in pb.members[i]:
                    by[p, t].append(lit)
        for (p, t), lits in sorted(by.items()):
            b = self.pool.id(("busy", p, t))
            self.busy[p, t] = b
            self._hard([-b, *lits])
            for lit in lits:
                self._hard([-lit, b])
            self._card(lits, 1, EncType.ladder)

    def _tables(self) -> None:
        pb = self.pb
        pinned: defaultdict[tuple[int, int], list[int]] = defaultdict(list)
        for i, table in pb.pin_table.items():
            for t, lit in self.x[i].items():
                pinned[table, t].append(lit)
        for lits in pinned.values():
            self._card(lits, 1)
        for k in pb.sizes:
            for t in range(len(pb.slots)):
                lits = [row[t] for i, row in enumerate(self.x) if t in row and pb.needs[i] >= k]
                self._card(lits, pb.room[k], EncType.seqcounter)

    def _precedences(self) -> None:
        for a, b in self.pb.before:
            xa, xb = self.x[a], self.x[b]
            for t, lit in xb.items():
                for u, other in xa.items():
                    if u >= t:
                        self._hard([-lit, -other])

    def _breaks(self) -> None:
        pb = self.pb
        meetings = self._count()
        for p in range(len(pb.people)):
            if meetings[p] < 2:
                continue  # one meeting (or none) makes no break
            for positions in pb.days:
                seen = 0  # literal "p met earlier this day" (0: cannot have)
                prev = 0  # busy[p, t - 1] (0: cannot be)
                for t in positions:
                    b = self.busy.get((p, t), 0)
                    if b and seen:
                        brk = self.pool.id(("brk", p, t))
                        self.brk[p].append(brk)
                        self._hard([-b, *([prev] if prev else []), -seen, brk])
                        self.wcnf.append([-brk], weight=1)
                    if prev or seen:
                        nxt = self.pool.id(("seen", p, t))
                        if prev:
                            self._hard([-prev, nxt])
                        if seen:
                            self._hard([-seen, nxt])
                        if IMPLIED.get("exact", True):
                            self._hard([-nxt, *(x for x in (prev, seen) if x)])
                        seen = nxt
                    prev = b

    def _count(self) -> defaultdict[int, int]:
        """Meetings per person (those that can happen: all of them are forced)."""
        count: defaultdict[int, int] = defaultdict(int)
        for i, members in enumerate(self.pb.members):
            if self.x[i]:
                for p in members:
                    count[p] += 1
        return count

    def _implied(self) -> None:
        """Redundant constraints that SAT cannot derive by itself (it does not count): a person
        with ``k`` forced meetings is busy in exactly ``k`` slots; per slot at most as many
        people meet as the tables seat; and per person and day, "no break" means one window
        of consecutive slots (``seen`` / ``later`` exact both ways, so a gap closes the day)."""
        pb = self.pb
        by_person: defaultdict[int, list[int]] = defaultdict(list)
        by_slot: defaultdict[int, list[int]] = defaultdict(list)
        for (p, t), b in sorted(self.busy.items()):
            by_person[p].append(b)
            by_slot[t].append(b)
        count = self._count()
        if IMPLIED.get("count", True):
            for p, lits in by_person.items():
                k = count[p]
                if 0 < k < len(lits):
                    enc = CardEnc.equals(lits, k, vpool=self.pool, encoding=EncType.seqcounter)
                    for clause in enc.clauses:
                        self._hard(clause)
        if IMPLIED.get("windows", True) and len(pb.days) == 1:
            self._windows(count)
        if IMPLIED.get("seats", True):
            seats = sum(t.capacity for t in pb.tables)
            for lits in by_slot.values():
                self._card(lits, seats, EncType.seqcounter)

    def _windows(self, count: dict[int, int]) -> None:
        """One-day programmes: ``gap[p]`` ("p has a break") is the or of ``brk[p, .]``; else p
        meets in one window of ``k`` consecutive slots: exactly one of ``gap[p]`` and the window
        literals, a window busy inside and idle outside; the slots every window covers are busy
        unless ``gap[p]`` (a direct clause, so "no break" fills them at once); two people who
        meet have overlapping windows."""
        pb = self.pb
        n = len(pb.slots)
        of: defaultdict[int, list[int]] = defaultdict(list)
        for i, members in enumerate(pb.members):
            if self.x[i]:
                for p in members:
                    of[p].append(i)
        self.windows: dict[int, tuple[int, dict[int, int], int]] = {}
        for p, brks in self.brk.items():
            k = count[p]
            windows: dict[int, int] = {}
            for a in range(n - k + 1):
                span = range(a, a + k)
                if all((p, t) in self.busy for t in span) and all(
                    any(t in self.x[i] for t in span) for i in of[p]
                ):
                    windows[a] = self.pool.id(("w", p, a))
            gap = self.pool.id(("gap", p))
            self._hard([-gap, *brks])
            for brk in brks:
                self._hard([-brk, gap])
            self._hard([gap, *windows.values()])
            self._card(list(windows.values()), 1, EncType.ladder)
            for t in range(n):
                b = self.busy.get((p, t))
                covering = [w for a, w in windows.items() if a <= t < a + k]
                if b is None:
                    continue
                for w in covering:
                    self._hard([-w, b])
                self._hard([-b, gap, *covering])
                if len(covering) == len(windows):
                    self._hard([gap, b])
            self.windows[p] = (k, windows, gap)
        for i, members in enumerate(pb.members):
            if not self.x[i]:
                continue  # cannot happen (product mode: left out)
            inside = [p for p in members if p in self.windows]
            for p in inside:
                kp, wp, _ = self.windows[p]
                for q in inside:
                    if q == p:
                        continue
                    kq, wq, gq = self.windows[q]
                    for a, lit in wp.items():
                        common = {t for t in self.x[i] if a <= t < a + kp}
                        fits = [w for b, w in wq.items() if any(b <= t < b + kq for t in common)]
                        self._hard([-lit, gq, *fits])

    def _fairness(self) -> None:
        d = self.options.fairness
        if d is None:
            return
        people = len(self.pb.people)
        if self.options.fairness_spread and len(self.brk) == people:
            self.exact = False  # everyone could have breaks: the spread is left out (relaxed)
            return
        for lits in self.brk.values():
            self._card(lits, d, EncType.seqcounter)

    def slots(self, model: Iterable[int]) -> Slots:
        """The schedule (meeting position -> slot position) of a model."""
        true = {lit for lit in model if lit > 0}
        return {i: t for i, row in enumerate(self.x) for t, lit in row.items() if lit in true}


def encoding_size(pb: Problem) -> int:
    """About how many clauses :class:`Encoding` makes: the placements, and the sequential
    counters of the tables' and seats' counts per slot (``n`` literals, bound ``k``: about
    ``2 n min(k, n - k)`` clauses), which dominate on big fairs."""
    size = 0
    for k in pb.sizes:
        for t in range(len(pb.slots)):
            n = sum(1 for i, dom in enumerate(pb.domains) if t in dom and pb.needs[i] >= k)
            if n > pb.room[k]:
                size += 2 * n * min(pb.room[k], n - pb.room[k])
    seats = sum(table.capacity for table in pb.tables)
    for t in range(len(pb.slots)):
        n = len({p for i, dom in enumerate(pb.domains) if t in dom for p in pb.members[i]})
        if n > seats:
            size += 2 * n * min(seats, n - seats)
    return size + 4 * sum(len(dom) for dom in pb.domains)


def infeasible_reason(pb: Problem, options: Options) -> str:
    """Why the rules cannot all hold, where it can be said cheaply: a meeting with no possible
    slot, or the rules without the fairness cap already unsatisfiable (else the cap)."""
    for i, dom in enumerate(pb.domains):
        if not dom:
            reason = pb.reasons.get(i)
            code = reason.code if reason else "no slot"
            return f"meeting {pb.meetings[i].id!r} cannot happen ({code})"
    plain = Encoding(pb, _without_fairness(options))
    with Solver(name=SAT_SOLVER, bootstrap_with=plain.wcnf.hard) as oracle:
        if not oracle.solve():
            return "the meetings cannot all be placed (slots, tables, fixed slots, precedences)"
    return f"nobody can be kept within {options.fairness} breaks"


def _without_fairness(options: Options) -> Options:
    return replace(options, fairness=None, progress=None, keep=None)


class _OutOfBudget(Exception):
    """The prover's deadline or conflict budget is spent."""


class _Reporting(RC2):
    """RC2 that reports its cost (a proven lower bound) after every core, and stops at a
    wall-clock ``deadline`` (checked between slices of conflicts) or after ``conflicts`` SAT
    conflicts (a deterministic budget)."""

    core: list[int]  # RC2's current core

    def __init__(
        self,
        wcnf: WCNF,
        report: Callable[[int], None],
        deadline: float | None,
        conflicts: int | None,
        **kwargs: object,
    ) -> None:
        super().__init__(wcnf, **kwargs)
        self.report, self.deadline, self.conflicts = report, deadline, conflicts

    def _call_oracle(self, assumptions: list[int] = [], expect_interrupt: bool = False) -> bool:  # noqa: B006
        """One SAT call of RC2's loop, in slices of ``SLICE`` conflicts (the solver keeps what
        it learnt between them), so that the deadline is kept with any solver (CaDiCaL cannot
        be interrupted) and the conflict budget is exact."""
        while True:
            if self.deadline is not None and time.monotonic() >= self.deadline:
                raise _OutOfBudget
            budget = SLICE
            if self.conflicts is not None:
                budget = min(budget, self.conflicts - self.oracle.accum_stats()["conflicts"])
                if budget <= 0:
                    raise _OutOfBudget
            self.oracle.conf_budget(budget)
            result = self.oracle.solve_limited(assumptions=assumptions)
            if result is not None:
                return bool(result)

    def minimize_core(self) -> None:
        """RC2's deletion-based core reduction (each try dropped after 1,000 conflicts), within
        the deadline and the conflict budget."""
        if not self.minz or len(self.core) <= 1:
            return
        core: list[int] = sorted(self.core, key=lambda lit: self.wght[lit])
        i = 0
        while i < len(core):
            budget = 1000
            if self.conflicts is not None:
                budget = min(budget, self.conflicts - self.oracle.accum_stats()["conflicts"])
            if budget <= 0 or (self.deadline is not None and time.monotonic() >= self.deadline):
                break
            self.oracle.conf_budget(budget)
            to_test = core[:i] + core[i + 1 :]
            result = self.oracle.solve_limited(assumptions=to_test)
            if result is False:
                core = to_test
            elif result is True:
                i += 1
            else:
                break
        self.core = core
        self.oracle.conf_budget(-1)

    def process_core(self) -> None:
        super().process_core()
        self.report(self.cost)

    def close(self) -> None:
        self.delete()


def prove(
    pb: Problem,
    options: Options,
    report: Callable[[Message], None],
    deadline: float | None = None,
    conflicts: int | None = None,
) -> Message:
    """Core-guided MaxSAT on ``pb``: ``report`` gets every rising bound; returns the last
    message: "optimal" (with the schedule), "infeasible" (with the reason), or "bound" when
    the ``deadline`` (wall clock) or the ``conflicts`` budget (deterministic) ran out."""
    enc = Encoding(pb, options)
    best = [0]

    def on_core(cost: int) -> None:
        if cost > best[0]:
            best[0] = cost
            report(Message("bound", cost))

    rc2 = _Reporting(
        enc.wcnf,
        on_core,
        deadline,
        conflicts,
        solver=SAT_SOLVER,
        adapt=True,
        exhaust=True,
        minz=True,
        trim=5,
    )
    try:
        model = rc2.compute()
    except _OutOfBudget:
        return Message("bound", best[0])
    finally:
        rc2.close()
    if model is None:
        return Message("infeasible", reason=infeasible_reason(pb, options))
    slots = enc.slots(model)
    if not enc.exact:
        return Message("bound", rc2.cost, slots=slots)
    return Message("optimal", sum(pb.breaks(slots).values()), slots=slots)


def descend(
    pb: Problem,
    options: Options,
    start: Slots,
    found: Callable[[int, Slots], None],
    proven: Callable[[int], None],
    deadline: float,
    stop: Callable[[], bool],
) -> None:
    """Solution-guided SAT descent from the schedule ``start`` (the annealing's): the hard
    clauses of :class:`Encoding` and "at most k breaks" (an incremental totalizer on the
    ``brk`` literals), asked for k = best - 1, best - 2, ... with the solver's phases set to
    ``start``, so that it searches next to the schedule it has and keeps what it learnt.
    ``found(breaks, slots)`` gets every better schedule; an "unsatisfiable" proves k + 1
    breaks (``proven``) and ends it. Stops at the wall-clock ``deadline`` or when ``stop()``.
    Measured on the published ticf-13crafb (optimum 3): from the annealing's 10 to 3 proven in
    32 s, where the annealing stalls at 3 to 5 and the neighbourhood search finds nothing.
    Only when the encoding is exact (no relaxed spread), so that every model is a schedule."""
    enc = Encoding(pb, options)
    best = sum(pb.breaks(start).values())
    lits = [lit for row in enc.brk.values() for lit in row]
    if not enc.exact or best == 0 or not lits or enc.impossible:
        return
    total = ITotalizer(lits, ubound=best, top_id=enc.pool.top)
    phases = [
        lit if start.get(i) == t else -lit for i, row in enumerate(enc.x) for t, lit in row.items()
    ]
    busy = {(p, t) for i, t in start.items() for p in pb.members[i]}
    phases += [b if key in busy else -b for key, b in enc.busy.items()]
    with Solver(name=SAT_SOLVER, bootstrap_with=enc.wcnf.hard) as oracle:
        oracle.append_formula(total.cnf.clauses)
        oracle.set_phases(phases)
        while best > 0:
            result = None
            while result is None:
                if stop() or time.monotonic() >= deadline:
                    return
                oracle.conf_budget(DESCENT_SLICE)
                result = oracle.solve_limited(assumptions=[-total.rhs[best - 1]])
            if not result:
                proven(best)
                return
            slots = enc.slots(oracle.get_model())
            value = sum(pb.breaks(slots).values())
            if value >= best:  # cannot be: the model has at most best - 1 break literals
                return
            best = value
            found(value, slots)


class ProverProcess:
    """:func:`prove` in a separate process (``python -m maarid.b2b.schedule.maxsat``, the
    problem pickled on its standard input, one JSON message a line on its output), so that it
    runs beside the annealing on another core and is killed at once when the bounds meet. A
    plain subprocess rather than :mod:`multiprocessing`: nothing of the parent (its threads, its
    main module, Django) is forked or re-imported. ``poll()`` returns the messages that
    arrived."""

    def __init__(self, pb: Problem, options: Options, seconds: float) -> None:
        self.messages: queue.Queue[Message | None] = queue.Queue()
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(pickle.dumps((pb, _plain(options), seconds)))
        self.process.stdin.close()
        self.reader = threading.Thread(target=self._read, args=(self.process.stdout,))
        self.reader.daemon = True
        self.reader.start()
        self.done = False

    def _read(self, stream: IO[bytes]) -> None:
        for line in stream:
            try:
                self.messages.put(_decode(line))
            except ValueError:
                continue
        self.messages.put(None)  # the process has ended

    def poll(self, wait: float = 0.0) -> list[Message]:
        out: list[Message] = []
        try:
            item = self.messages.get(timeout=wait) if wait > 0 else self.messages.get_nowait()
            while True:
                if item is None:
                    self.done = True
                else:
                    out.append(item)
                item = self.messages.get_nowait()
        except queue.Empty:
            pass
        return out

    def alive(self) -> bool:
        return not self.done

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def _encode(message: Message) -> str:
    return json.dumps(
        {
            "kind": message.kind,
            "value": message.value,
            "slots": sorted(message.slots.items()),
            "reason": message.reason,
        }
    )


def _decode(line: bytes) -> Message:
    data = json.loads(line)
    return Message(
        str(data["kind"]),
        int(data["value"]),
        {int(i): int(t) for i, t in data["slots"]},
        str(data["reason"]),
    )


def _plain(options: Options) -> Options:
    """The options without what a process cannot take (the progress callback) or need."""
    return replace(options, progress=None, keep=None)


def _main() -> None:
    """The prover's process: the problem from standard input, messages to standard output."""
    # Our own parent wrote it on the pipe: nothing from outside is unpickled here.
    pb, options, seconds = pickle.loads(sys.stdin.buffer.read())  # noqa: S301

    def send(message: Message) -> None:
        sys.stdout.write(_encode(message) + "\n")
        sys.stdout.flush()

    try:
        send(prove(pb, options, send, deadline=time.monotonic() + seconds))
    except Exception as error:  # reported to the parent, which falls back on CP-SAT
        send(Message("error", reason=repr(error)))


if __name__ == "__main__":
    _main()
