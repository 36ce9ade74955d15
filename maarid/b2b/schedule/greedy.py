"""The greedy first schedule: quick, and often enough to prove phase 1 outright."""

from __future__ import annotations

from collections import defaultdict

from .problem import Problem, Slots, neighbours


class Greedy:
    """A quick first schedule, to prove phase 1 outright when it places everything and as the
    search's starting point otherwise: the most constrained meetings first (fewest possible
    slots, then highest weight), each in the legal slot next to most of its people's other
    meetings (so blocks grow and breaks stay few), else the earliest."""

    def __init__(self, pb: Problem) -> None:
        self.pb = pb
        self.count: defaultdict[tuple[int, int], int] = defaultdict(int)  # (k, t) -> meetings
        self.busy: defaultdict[int, set[int]] = defaultdict(set)  # person -> slot positions
        self.table_busy: set[tuple[int, int]] = set()  # (pinned table, t)
        self.placed: Slots = {}
        self.after, self.before = neighbours(pb.before)

    def run(self) -> Slots:
        pb = self.pb
        order = sorted(
            (i for i, d in enumerate(pb.domains) if d),
            key=lambda i: (i not in pb.pin_slot, len(pb.domains[i]), -pb.meetings[i].weight, i),
        )
        for i in order:
            best: tuple[int, int] | None = None
            for t in pb.domains[i]:
                if not self._fits(i, t):
                    continue
                near = sum((t - 1 in self.busy[p]) + (t + 1 in self.busy[p]) for p in pb.members[i])
                key = (-near, t)
                best = key if best is None or key < best else best
            if best is not None:
                self._place(i, best[1])
        return self.placed

    def _fits(self, i: int, t: int) -> bool:
        pb = self.pb
        if any(t in self.busy[p] for p in pb.members[i]):
            return False
        needs = pb.needs[i]
        if any(self.count[k, t] >= pb.room[k] for k in pb.sizes if k <= needs):
            return False
        table = pb.pin_table.get(i)
        if table is not None and (table, t) in self.table_busy:
            return False
        if any(self.placed.get(a, -1) >= t for a in self.before[i] if a in self.placed):
            return False
        return all(self.placed[b] > t for b in self.after[i] if b in self.placed)

    def _place(self, i: int, t: int) -> None:
        self.placed[i] = t
        for p in self.pb.members[i]:
            self.busy[p].add(t)
        for k in self.pb.sizes:
            if k <= self.pb.needs[i]:
                self.count[k, t] += 1
        table = self.pb.pin_table.get(i)
        if table is not None:
            self.table_busy.add((table, t))
