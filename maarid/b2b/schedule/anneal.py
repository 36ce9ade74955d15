"""Simulated annealing on the slots of placed meetings, compiled with numba: :class:`Annealer`
holds the state as flat arrays and :meth:`Annealer.run` calls the compiled kernel in chunks, so
that a wall-clock cap can stop it between chunks. Moves (one meeting, a swap, a Kempe chain) are
checked against every hard rule and the cap before they are accepted; the energy and the
measured settings are in ``docs/b2b-scheduler.md``. Deterministic: a seeded generator and a
fixed number of moves (unless the clock cuts a run).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence

import numpy as np
from numba import njit
from numpy.typing import NDArray

Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]

CHAIN_LIMIT = 64
CHUNK = 200_000


class Annealer:
    """The state of one annealing run.

    ``members``: people of each meeting (indices); ``slot``: each meeting's slot position or -1
    (not placed: ignored); ``movable``: may change slot; ``domain``: allowed slot positions per
    meeting; ``days``: slot positions of each day in time order; ``level``: for each meeting the
    number of table size classes it counts in, ``room``: tables per size class (classes in
    ascending size, a meeting needing k seats counts in every class <= k); ``table``: pinned
    table per meeting or -1; ``before``: pairs (earlier, later) of meetings; ``cap``: most
    breaks per person, or None."""

    def __init__(
        self,
        *,
        people: int,
        n_slots: int,
        members: Sequence[Sequence[int]],
        slot: Sequence[int],
        movable: Sequence[bool],
        domain: Sequence[Sequence[int]],
        days: Sequence[Sequence[int]],
        level: Sequence[int],
        room: Sequence[int],
        table: Sequence[int],
        n_tables: int,
        before: Sequence[tuple[int, int]],
        cap: int | None,
        weight: int,
        hot: float,
        cold: float,
        seed: int,
    ) -> None:
        n = len(members)
        self.n_slots = n_slots
        self.mem_ptr, self.mem_idx = _csr(members)
        self.slot = np.array(slot, dtype=np.int64)
        self.movable = np.array(movable, dtype=np.bool_)
        self.dom_ptr, self.dom_idx = _csr(domain)
        self.allowed = np.zeros((n, n_slots), dtype=np.bool_)
        for i, d in enumerate(domain):
            self.allowed[i, list(d)] = True
        self.day_ptr, self.day_pos = _csr(days)
        self.level = np.array(level, dtype=np.int64)
        self.room = np.array(room, dtype=np.int64)
        self.table = np.array(table, dtype=np.int64)
        earlier: list[list[int]] = [[] for _ in range(n)]
        later: list[list[int]] = [[] for _ in range(n)]
        for a, b in before:
            earlier[b].append(a)
            later[a].append(b)
        self.bef_ptr, self.bef_idx = _csr(earlier)
        self.aft_ptr, self.aft_idx = _csr(later)
        self.cap = -1 if cap is None else cap
        self.weight, self.hot, self.cold = weight, hot, cold
        self.occ = np.full((people, n_slots), -1, dtype=np.int64)
        self.cnt = np.zeros((max(1, len(room)), n_slots), dtype=np.int64)
        self.tbusy = np.zeros((max(1, n_tables), n_slots), dtype=np.int64)
        mine: list[list[int]] = [[] for _ in range(people)]
        for i in range(n):
            t = self.slot[i]
            if t < 0:
                continue
            for p in members[i]:
                self.occ[p, t] = i
                if self.movable[i]:
                    mine[p].append(i)
            self.cnt[: self.level[i], t] += 1
            if self.table[i] >= 0:
                self.tbusy[self.table[i], t] += 1
        self.pm_ptr, self.pm_idx = _csr(mine)
        self.people = np.array([p for p in range(people) if mine[p]], dtype=np.int64)
        self.rng_seed = seed

    def breaks(self) -> int:
        return int(_total_breaks(self.occ, self.day_ptr, self.day_pos))

    def run(
        self, moves: int, deadline: float, stop: Callable[[int | None], bool] | None = None
    ) -> Ints | None:
        """Anneal for ``moves`` moves (or until ``deadline``, a ``time.monotonic()`` value, no
        break is left or ``stop(best)`` says so between chunks; ``best`` is the fewest breaks
        of a state within the cap, None while there is none). Returns the best slots seen
        within the cap (the state ends there), or None when no state kept the cap (the start
        broke it and the search did not mend it).
        The temperature falls with the moves made or the time used, whichever is further, so a
        run cut by the clock still ends cold."""
        stats = np.zeros(3, dtype=np.int64)  # breaks now, best breaks within the cap, over cap
        stats[0] = self.breaks()
        stats[2] = _over_cap(self.occ, self.day_ptr, self.day_pos, self.cap)
        valid = stats[2] == 0
        none = np.iinfo(np.int64).max  # "no state within the cap yet"
        stats[1] = stats[0] if valid else none
        best = self.slot.copy()
        if len(self.people) == 0 or moves <= 0 or stats[1] == 0:
            return best if valid else None
        _seed(self.rng_seed)
        begun = time.monotonic()
        span = max(1e-3, deadline - begun)
        done = 0
        while done < moves and stats[1] > 0:
            now = time.monotonic()
            best_breaks = None if stats[1] == none else int(stats[1])
            if now > deadline or (stop is not None and stop(best_breaks)):
                break
            progress = max(done / moves, (now - begun) / span)
            step = min(CHUNK, moves - done)
            after = min(1.0, progress + step / moves)
            t_from = self.hot * (self.cold / self.hot) ** progress
            t_to = self.hot * (self.cold / self.hot) ** after
            _anneal(self, step, t_from, t_to, best, stats)
            done += step
        if stats[1] == none:
            return None
        self._restore(best)
        return best

    def _restore(self, best: Ints) -> None:
        if np.array_equal(best, self.slot):
            return
        self.slot[:] = best
        self.occ[:] = -1
        self.cnt[:] = 0
        self.tbusy[:] = 0
        for i in range(len(self.slot)):
            t = self.slot[i]
            if t < 0:
                continue
            for k in range(self.mem_ptr[i], self.mem_ptr[i + 1]):
                p = self.mem_idx[k]
                self.occ[p, t] = i
            self.cnt[: self.level[i], t] += 1
            if self.table[i] >= 0:
                self.tbusy[self.table[i], t] += 1


def _csr(rows: Sequence[Sequence[int]]) -> tuple[Ints, Ints]:
    ptr = np.zeros(len(rows) + 1, dtype=np.int64)
    for i, row in enumerate(rows):
        ptr[i + 1] = ptr[i] + len(row)
    idx = np.array([x for row in rows for x in row], dtype=np.int64)
    return ptr, idx


def _anneal(a: Annealer, moves: int, t_from: float, t_to: float, best: Ints, stats: Ints) -> None:
    _kernel(
        moves,
        t_from,
        t_to,
        a.weight,
        a.cap,
        a.people,
        a.pm_ptr,
        a.pm_idx,
        a.mem_ptr,
        a.mem_idx,
        a.slot,
        a.movable,
        a.dom_ptr,
        a.dom_idx,
        a.allowed,
        a.day_ptr,
        a.day_pos,
        a.level,
        a.room,
        a.table,
        a.bef_ptr,
        a.bef_idx,
        a.aft_ptr,
        a.aft_idx,
        a.occ,
        a.cnt,
        a.tbusy,
        a.n_slots,
        best,
        stats,
    )


@njit(cache=True)
def _seed(seed: int) -> None:
    np.random.seed(seed)


@njit(cache=True, nogil=True)
def _person(
    occ: Ints, p: int, day_ptr: Ints, day_pos: Ints, weight: int, cap: int
) -> tuple[int, int]:
    """(breaks, energy) of person ``p``: per day, blocks - 1 and the idle slots of its span;
    breaks over the cap weigh four times more."""
    breaks = 0
    energy = 0
    for d in range(len(day_ptr) - 1):
        blocks = 0
        busy = 0
        first = -1
        last = -1
        prev = False
        for k in range(day_ptr[d], day_ptr[d + 1]):
            b = occ[p, day_pos[k]] >= 0
            if b:
                busy += 1
                if not prev:
                    blocks += 1
                if first < 0:
                    first = k
                last = k
            prev = b
        if blocks > 1:
            breaks += blocks - 1
            energy += weight * (blocks - 1) + (last - first + 1 - busy)
    if 0 <= cap < breaks:
        energy += 4 * weight * (breaks - cap)
    return breaks, energy


@njit(cache=True, nogil=True)
def _total_breaks(occ: Ints, day_ptr: Ints, day_pos: Ints) -> int:
    total = 0
    for p in range(occ.shape[0]):
        total += _person(occ, p, day_ptr, day_pos, 1, -1)[0]
    return total


@njit(cache=True, nogil=True)
def _over_cap(occ: Ints, day_ptr: Ints, day_pos: Ints, cap: int) -> int:
    count = 0
    if cap >= 0:
        for p in range(occ.shape[0]):
            if _person(occ, p, day_ptr, day_pos, 1, -1)[0] > cap:
                count += 1
    return count


@njit(cache=True, nogil=True)
def _kernel(
    moves: int,
    t_from: float,
    t_to: float,
    weight: int,
    cap: int,
    people: Ints,
    pm_ptr: Ints,
    pm_idx: Ints,
    mem_ptr: Ints,
    mem_idx: Ints,
    slot: Ints,
    movable: Bools,
    dom_ptr: Ints,
    dom_idx: Ints,
    allowed: Bools,
    day_ptr: Ints,
    day_pos: Ints,
    level: Ints,
    room: Ints,
    table: Ints,
    bef_ptr: Ints,
    bef_idx: Ints,
    aft_ptr: Ints,
    aft_idx: Ints,
    occ: Ints,
    cnt: Ints,
    tbusy: Ints,
    n_slots: int,
    best: Ints,
    stats: Ints,
) -> None:
    chain = np.empty(CHAIN_LIMIT + 1, dtype=np.int64)
    target = np.empty(CHAIN_LIMIT + 1, dtype=np.int64)
    old = np.empty(CHAIN_LIMIT + 1, dtype=np.int64)
    widest = 0
    for i in range(len(mem_ptr) - 1):
        widest = max(widest, mem_ptr[i + 1] - mem_ptr[i])
    touched = np.empty(CHAIN_LIMIT * widest + 1, dtype=np.int64)
    saved = np.empty(CHAIN_LIMIT * widest + 1, dtype=np.int64)
    saved_breaks = np.empty(CHAIN_LIMIT * widest + 1, dtype=np.int64)
    ratio = math.log(t_to / t_from) if t_from > 0 and t_to > 0 else 0.0
    for n in range(moves):
        temperature = t_from * math.exp(ratio * n / moves)
        p = people[np.random.randint(0, len(people))]
        lo, hi = pm_ptr[p], pm_ptr[p + 1]
        i = pm_idx[np.random.randint(lo, hi)]
        draw = np.random.random()
        size = 0
        if draw < 0.3 or (draw < 0.5 and hi - lo < 2):
            # one meeting to another slot of its domain
            t = dom_idx[np.random.randint(dom_ptr[i], dom_ptr[i + 1])]
            if t == slot[i]:
                continue
            chain[0] = i
            target[0] = t
            size = 1
        elif draw < 0.5:
            # two meetings of p trade slots
            j = pm_idx[np.random.randint(lo, hi)]
            if j == i:
                continue
            chain[0] = i
            target[0] = slot[j]
            chain[1] = j
            target[1] = slot[i]
            size = 2
        else:
            # a Kempe chain between i's slot and another slot of its domain
            t1 = slot[i]
            t2 = dom_idx[np.random.randint(dom_ptr[i], dom_ptr[i + 1])]
            if t1 == t2:
                continue
            chain[0] = i
            size = 1
            k = 0
            ok = True
            while k < size:
                j = chain[k]
                other = t2 if slot[j] == t1 else t1
                target[k] = other
                for m in range(mem_ptr[j], mem_ptr[j + 1]):
                    q = mem_idx[m]
                    nxt = occ[q, other]
                    if nxt < 0:
                        continue
                    seen = False
                    for c in range(size):
                        if chain[c] == nxt:
                            seen = True
                            break
                    if seen:
                        continue
                    if size >= CHAIN_LIMIT or not movable[nxt]:
                        ok = False
                        break
                    chain[size] = nxt
                    size += 1
                if not ok:
                    break
                k += 1
            if not ok:
                continue
        # every target in its meeting's domain and every meeting movable
        ok = True
        for c in range(size):
            j = chain[c]
            if not movable[j] or not allowed[j, target[c]]:
                ok = False
                break
        if not ok:
            continue
        # the people touched, with their breaks and energy before
        nt = 0
        for c in range(size):
            j = chain[c]
            for m in range(mem_ptr[j], mem_ptr[j + 1]):
                q = mem_idx[m]
                dup = False
                for u in range(nt):
                    if touched[u] == q:
                        dup = True
                        break
                if not dup:
                    touched[nt] = q
                    before_breaks, saved[nt] = _person(occ, q, day_ptr, day_pos, weight, cap)
                    saved_breaks[nt] = before_breaks
                    nt += 1
        # lift the chain, then place it at its targets if every rule allows
        for c in range(size):
            old[c] = slot[chain[c]]
            _lift(chain[c], old[c], mem_ptr, mem_idx, occ, cnt, level, table, tbusy)
        placed = 0
        for c in range(size):
            j = chain[c]
            if not _fits(j, target[c], mem_ptr, mem_idx, occ, cnt, level, room, table, tbusy):
                break
            _drop(j, target[c], mem_ptr, mem_idx, occ, cnt, level, table, tbusy, slot)
            placed += 1
        ok = placed == size
        if ok:
            for c in range(size):
                j = chain[c]
                t = slot[j]
                for m in range(bef_ptr[j], bef_ptr[j + 1]):
                    b = bef_idx[m]
                    if slot[b] >= 0 and slot[b] >= t:
                        ok = False
                for m in range(aft_ptr[j], aft_ptr[j + 1]):
                    b = aft_idx[m]
                    if slot[b] >= 0 and slot[b] <= t:
                        ok = False
        delta = 0
        dbreaks = 0
        dover = 0
        if ok:
            for u in range(nt):
                q = touched[u]
                after, energy = _person(occ, q, day_ptr, day_pos, weight, cap)
                if cap >= 0:
                    if after > cap and after > saved_breaks[u]:
                        ok = False  # never further over the cap
                        break
                    dover += (after > cap) - (saved_breaks[u] > cap)
                dbreaks += after - saved_breaks[u]
                delta += energy - saved[u]
        if ok and (delta <= 0 or np.random.random() < math.exp(-delta / temperature)):
            stats[0] += dbreaks
            stats[2] += dover
            if stats[2] == 0 and stats[0] < stats[1]:
                stats[1] = stats[0]
                best[:] = slot
                if stats[1] == 0:
                    return
            continue
        # undo
        for c in range(placed):
            _lift(chain[c], target[c], mem_ptr, mem_idx, occ, cnt, level, table, tbusy)
        for c in range(size):
            _drop(chain[c], old[c], mem_ptr, mem_idx, occ, cnt, level, table, tbusy, slot)


@njit(cache=True, nogil=True)
def _fits(
    i: int,
    t: int,
    mem_ptr: Ints,
    mem_idx: Ints,
    occ: Ints,
    cnt: Ints,
    level: Ints,
    room: Ints,
    table: Ints,
    tbusy: Ints,
) -> bool:
    for m in range(mem_ptr[i], mem_ptr[i + 1]):
        if occ[mem_idx[m], t] >= 0:
            return False
    for k in range(level[i]):
        if cnt[k, t] >= room[k]:
            return False
    return not (table[i] >= 0 and tbusy[table[i], t] > 0)


@njit(cache=True, nogil=True)
def _lift(
    i: int,
    t: int,
    mem_ptr: Ints,
    mem_idx: Ints,
    occ: Ints,
    cnt: Ints,
    level: Ints,
    table: Ints,
    tbusy: Ints,
) -> None:
    for m in range(mem_ptr[i], mem_ptr[i + 1]):
        p = mem_idx[m]
        occ[p, t] = -1
    for k in range(level[i]):
        cnt[k, t] -= 1
    if table[i] >= 0:
        tbusy[table[i], t] -= 1


@njit(cache=True, nogil=True)
def _drop(
    i: int,
    t: int,
    mem_ptr: Ints,
    mem_idx: Ints,
    occ: Ints,
    cnt: Ints,
    level: Ints,
    table: Ints,
    tbusy: Ints,
    slot: Ints,
) -> None:
    for m in range(mem_ptr[i], mem_ptr[i + 1]):
        p = mem_idx[m]
        occ[p, t] = i
    for k in range(level[i]):
        cnt[k, t] += 1
    if table[i] >= 0:
        tbusy[table[i], t] += 1
    slot[i] = t
