"""The CP-SAT model of one part of the venue, or of a neighbourhood of it.

The whole part: every placed unit of the part is free to take any booth it fits. A
neighbourhood (the large neighbourhood search of :mod:`.lns`): some units are free to take
some booths, the others stay where a solution put them and count as constants.

Free units that nothing tells apart (same possible booths, product families, province and kind;
no neighbour request, no last booth, not fixed, not announced) are one *class* with a count: a
literal per class and booth says "a unit of this class is here", so swapping two such units is
not a different solution the search has to rule out. Everything else is linear in these
literals:

* a booth holds at most one unit; a class fills as many booths as it has units;
* ``fam[b, f]``: booth ``b`` holds product family ``f`` (a sum of literals, at most one);
  a pair of neighbouring booths costs ``pair >= fam[b, f] + fam[c, f] - 1``, and a booth
  next to a held unit of its family costs ``fam[b, f]``;
* a request between free units ``a`` and ``c`` is honoured (``h``) only if, wherever ``a`` is,
  ``c`` is on a neighbouring booth: ``h <= 1 - x[a, b] + sum(x[c, n] for n next to b)`` for
  every booth ``b`` of ``a``, and the same from ``c``'s side; and only if each is on a booth
  that has a possible booth of the other next to it. With a held partner it is honoured
  exactly when the free unit is on a booth next to the partner's;
* two units of one family that are neighbours as they asked hold a pair of neighbouring
  booths of that family, each request its own pair: per family, the pairs are at least the
  honoured requests within it (the linear relaxation does not see this by itself);
* rotation: a unit on a booth near its members' last booths costs how many members are near;
* fairness: a group's units on the part's best places, outside its fair range, cost the
  distance to the range.

Costs among held units only are left out, so a neighbourhood's objective is the part's cost
less a constant.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Mapping

from ortools.sat.python import cp_model

from .problem import Part, Problem

LinearExpr = cp_model.LinearExpr | int
Group = tuple[str, str]


class PartModel:
    """``placed``: the part's placed units and a booth for each (their solution); ``free``:
    the units free to move (all by default), ``room``: the booths they may take besides their
    own (all by default; booths of held units are never free)."""

    def __init__(
        self,
        pb: Problem,
        part: Part,
        placed: Mapping[int, int],
        free: Collection[int] | None = None,
        room: Collection[int] | None = None,
    ) -> None:
        self.pb, self.part = pb, part
        self.model = cp_model.CpModel()
        self.all_units = [u for u in part.units if u in placed]
        self.units = self.all_units if free is None else [u for u in self.all_units if u in free]
        chosen = set(self.units)
        self.held = {u: placed[u] for u in self.all_units if u not in chosen}
        held_booths = set(self.held.values())
        allowed = None if room is None else set(room) | {placed[u] for u in self.units}
        self.domains = {
            u: [
                b
                for b in pb.domains[u]
                if b not in held_booths and (allowed is None or b in allowed)
            ]
            for u in self.units
        }
        self.holder = {b: u for u, b in self.held.items()}
        self.classes = self._classes()
        self.class_of = {u: c for c, members in enumerate(self.classes) for u in members}
        self.x: list[dict[int, cp_model.IntVar]] = []
        for c, members in enumerate(self.classes):
            self.x.append({b: self.model.new_bool_var("") for b in self.domains[members[0]]})
            self.model.add(sum(self.x[c].values()) == len(members))
        at: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for row in self.x:
            for b, var in row.items():
                at[b].append(var)
        for literals in at.values():
            if len(literals) > 1:
                self.model.add_at_most_one(literals)
        # The auxiliary variables, kept to hint their values with a solution's.
        self.fam: dict[tuple[int, str], cp_model.IntVar] = {}
        self.pairs: list[tuple[cp_model.IntVar, int, int, str]] = []
        self.honoured: dict[tuple[int, int], cp_model.IntVar] = {}
        self.deviations: list[tuple[cp_model.IntVar, Group, int, int]] = []
        request = self._requests()
        self.terms: dict[str, LinearExpr] = {
            "family": self._families(),
            "request": request,
            "rotation": self._rotation(),
            "fairness": self._fairness(),
        }
        w = pb.options.weights
        self.cost: LinearExpr = (
            w.family * self.terms["family"]
            + w.request * self.terms["request"]
            + w.rotation * self.terms["rotation"]
            + w.fairness * self.terms["fairness"]
        )
        self.moves = self._moves()

    def _classes(self) -> list[list[int]]:
        pb = self.pb
        special = {u for pair in pb.requests for u in pair}
        by_key: dict[Hashable, list[int]] = {}
        for u in self.units:
            unit = pb.units[u]
            alone = u in special or pb.near[u] or unit.fixed is not None or unit.kept is not None
            key: Hashable = (
                ("unit", u)
                if alone
                else (tuple(self.domains[u]), unit.families, unit.province, unit.kind)
            )
            by_key.setdefault(key, []).append(u)
        return list(by_key.values())

    def _families(self) -> LinearExpr:
        pb = self.pb
        holds: dict[tuple[int, str], list[cp_model.IntVar]] = defaultdict(list)
        for c, members in enumerate(self.classes):
            for f in sorted(pb.units[members[0]].families):
                for b, var in self.x[c].items():
                    holds[(b, f)].append(var)
        fam: dict[tuple[int, str], cp_model.IntVar] = {}
        for key, literals in holds.items():
            if len(literals) == 1:
                fam[key] = literals[0]
            else:
                fam[key] = self.fam[key] = self.model.new_bool_var("")
                self.model.add(fam[key] == sum(literals))
        families_at: dict[int, set[str]] = defaultdict(set)
        for b, f in fam:
            families_at[b].add(f)
        pairs_of: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        beside_held: list[cp_model.IntVar] = []
        for b in sorted(families_at):
            for c in sorted(pb.adjacent[b]):
                if c in self.holder:
                    common = families_at[b] & pb.units[self.holder[c]].families
                    beside_held.extend(fam[(b, f)] for f in sorted(common))
                    continue
                if c <= b:
                    continue
                for f in sorted(families_at[b] & families_at.get(c, set())):
                    pair = self.model.new_bool_var("")
                    self.model.add_bool_or([pair, ~fam[(b, f)], ~fam[(c, f)]])
                    pairs_of[f].append(pair)
                    self.pairs.append((pair, b, c, f))
        asked: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        for (a, c), h in self.honoured.items():
            for f in pb.units[a].families & pb.units[c].families:
                asked[f].append(h)
        for f, honoured in asked.items():
            self.model.add(sum(pairs_of[f]) >= sum(honoured))
        return sum(pair for pair, _, _, _ in self.pairs) + sum(beside_held)

    def _requests(self) -> LinearExpr:
        pb = self.pb
        missed: list[LinearExpr] = []
        for (a, c), count in pb.requests.items():
            if a not in self.class_of and c not in self.class_of:
                continue
            if a not in self.class_of or c not in self.class_of:
                one, other = (a, c) if a in self.class_of else (c, a)
                if other not in self.held:
                    continue  # its partner is not placed
                row = self.x[self.class_of[one]]
                near = pb.adjacent[self.held[other]]
                missed.append(count * (1 - sum(var for b, var in row.items() if b in near)))
                continue
            xa, xc = self.x[self.class_of[a]], self.x[self.class_of[c]]
            sa = [b for b in xa if any(n in xc for n in pb.adjacent[b])]
            sc = [n for n in xc if any(b in xa for b in pb.adjacent[n])]
            if not sa:
                missed.append(count)  # they can never be neighbours
                continue
            h = self.model.new_bool_var("")
            self.honoured[(a, c)] = h
            self.model.add(h <= sum(xa[b] for b in sa))
            self.model.add(h <= sum(xc[n] for n in sc))
            for xo, xn in ((xa, xc), (xc, xa)):
                for b, var in xo.items():
                    next_to = [xn[n] for n in sorted(pb.adjacent[b]) if n in xn]
                    if next_to:
                        self.model.add(h <= 1 - var + sum(next_to))
            missed.append(count * (1 - h))
        return sum(missed)

    def _rotation(self) -> LinearExpr:
        terms: list[LinearExpr] = []
        for u in self.units:
            row = self.x[self.class_of[u]]
            terms.extend(count * row[b] for b, count in self.pb.near[u].items() if b in row)
        return sum(terms)

    def _fairness(self) -> LinearExpr:
        pb, prime = self.pb, self.part.prime
        size: dict[Group, int] = defaultdict(int)
        held_prime: dict[Group, int] = defaultdict(int)
        for u, b in self.held.items():
            for group in pb.groups(pb.units[u]):
                size[group] += 1
                held_prime[group] += b in prime
        on: dict[Group, list[cp_model.IntVar]] = defaultdict(list)
        reachable: dict[Group, set[int]] = defaultdict(set)
        for c, members in enumerate(self.classes):
            on_prime = [(b, var) for b, var in self.x[c].items() if b in prime]
            for group in pb.groups(pb.units[members[0]]):
                size[group] += len(members)
                on[group].extend(var for _, var in on_prime)
                reachable[group].update(b for b, _ in on_prime)
        for group in sorted(on):
            n = size[group]
            lo, hi = pb.fair_range(n, len(prime), len(self.all_units))
            base = held_prime[group]
            if base >= lo and base + min(n, len(reachable[group])) <= hi:
                continue  # nothing it can hold is out of range
            count = base + sum(on[group])
            dev = self.model.new_int_var(0, max(lo, n - hi, 0), "")
            self.model.add(dev >= count - hi)
            self.model.add(dev >= lo - count)
            self.deviations.append((dev, group, lo, hi))
        return sum(dev for dev, _, _, _ in self.deviations)

    def _moves(self) -> LinearExpr | None:
        """Announced units away from their announced booth (None when none is announced)."""
        terms: list[LinearExpr] = []
        for u in self.units:
            kept = self.pb.units[u].kept
            if kept is None:
                continue
            b = self.pb.booth_pos.get(kept)
            row = self.x[self.class_of[u]]
            terms.append(1 - row[b] if b is not None and b in row else 1)
        return sum(terms) if terms else None

    def held_cost(self) -> int:
        """What the held units cost among themselves, left out of ``cost``: the part's cost of
        a solution is this plus ``cost`` (a group's fair share is in ``cost`` whenever the
        free units can move it off its range, and is met otherwise)."""
        pb, w, held = self.pb, self.pb.options.weights, self.held
        total = 0
        for b, u in self.holder.items():
            for c in pb.adjacent[b]:
                v = self.holder.get(c)
                if v is not None and c > b:
                    total += w.family * len(pb.units[u].families & pb.units[v].families)
            total += w.rotation * pb.near[u].get(b, 0)
        for (a, c), count in pb.requests.items():
            if a in held and c in held and held[c] not in pb.adjacent[held[a]]:
                total += w.request * count
        return total

    # --- solutions -------------------------------------------------------------------------

    def hint(self, booth_of: Mapping[int, int]) -> None:
        """Hint every variable with its value in ``booth_of`` (unit -> booth, a solution)."""
        pb = self.pb
        unit_at = {booth_of[u]: u for u in self.all_units}
        pairs: list[tuple[cp_model.IntVar, bool | int]] = []
        for c, members in enumerate(self.classes):
            taken = {booth_of[u] for u in members}
            pairs.extend((var, b in taken) for b, var in self.x[c].items())

        def holds(b: int, f: str) -> bool:
            return b in unit_at and f in pb.units[unit_at[b]].families

        pairs.extend((var, holds(b, f)) for (b, f), var in self.fam.items())
        pairs.extend((pair, holds(b, f) and holds(c, f)) for pair, b, c, f in self.pairs)
        pairs.extend(
            (h, booth_of[c] in pb.adjacent[booth_of[a]]) for (a, c), h in self.honoured.items()
        )
        for dev, group, lo, hi in self.deviations:
            count = sum(
                1
                for u in self.all_units
                if booth_of[u] in self.part.prime and group in pb.groups(pb.units[u])
            )
            pairs.append((dev, max(0, count - hi, lo - count)))
        # In bulk: add_hint one variable at a time is most of the time of a small model.
        self.model.clear_hints()
        hints = self.model.proto.solution_hint
        hints.vars.extend(var.index for var, _ in pairs)
        hints.values.extend(int(value) for _, value in pairs)

    def read(self, solver: cp_model.CpSolver) -> dict[int, int]:
        """unit -> booth for the free units: a class's booths go to its units in order."""
        out: dict[int, int] = {}
        for c, members in enumerate(self.classes):
            booths = [b for b, var in self.x[c].items() if solver.boolean_value(var)]
            out.update(zip(members, booths, strict=True))
        return out
