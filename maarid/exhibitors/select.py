"""Exhibitor selection: which applications a fair accepts, and why (no Django here).

Plain Python and OR-Tools CP-SAT, so the optimiser can be tested and benchmarked on plain data;
``services.py`` turns applications into :class:`Candidate` rows and stores the outcome.

What is optimised, in lexicographic order (each phase is solved to optimality, then its optimum
is fixed as a constraint before the next one, so every phase is exact):

1. **Quotas** — minimise the total quota shortfall, counted in missing exhibitors: a missing
   women's cooperative, a missing first-timer and a missing exhibitor of a sector with a minimum
   all weigh 1 (one candidate can fill several quotas at once, and the sum rewards that).
2. **Score** — maximise the total score of the accepted, then (same score) the number accepted:
   the objective is ``sum((N + 1) * score + 1)`` over the accepted, scores scaled to integers, so
   a score-0 candidate still beats an empty place without ever outweighing one score unit.
3. **Earlier submissions** — among the selections with that score and size, minimise the sum of
   the accepted candidates' submission ranks (0 = earliest). With the size fixed this is the same
   as maximising ``sum(N - rank)``; it guarantees that no accepted candidate can be swapped for
   an earlier-submitted, rejected one with the same score without breaking a quota or a limit.

Hard limits: ``places``, ``province_max`` and ``sector_max`` are never exceeded — except when the
organiser's pins (``pin=True``) alone exceed one; that limit is then raised to the pinned count
(nothing else gets in) and the excess is reported as a shortfall with ``bound="max"``. Pins are
never broken, so the model is always feasible.

Minimum quotas (soft, with a non-negative slack each):

* ``sector_min[s]``: at least that many of sector ``s``; never released.
* ``first_timer_places``: first-timers accepted >= min(reserved, first-time candidates not pinned
  out) — the reserved places are released to everyone when too few first-timers apply.
* ``women_min_share`` (percent): ``100 * women >= share * accepted``. Read literally this could
  be met by *shrinking* the fair (reject men until the share holds), which no organiser wants.
  So the number of women required is capped at the most women the hard limits allow
  (``women_capacity``, computed first): when too few women's cooperatives applied, all of them
  get in and the remaining places are filled. The reported shortfall is still the literal one.

Determinism: candidates are put in a canonical order (submission order, then id), the solver
runs on one worker with a fixed seed, and candidates that are interchangeable (same province,
sector, women's cooperative and first-time flags) are chained best-first (``x[worse] <=
x[better]``) — every phase has an optimum that respects the chains, and the chains make the
search small. The same input, in any order, gives the same selection unless the wall-clock
safety cap (``time_limit``) cuts a phase short; ``Selection.optimal`` then says so.

Speed (2,000 candidates, 300 places, 10 quotas: ``bench/selection.py``, about 1 s): the model
must stay linear and tight. An ``add_min_equality`` for the women's cap made the score and
tie-break phases take 2-8 s (a weak relaxation to prove optimality over); the cap is now a
disjunction added only when it can bind, and the solver linearises it (``linearization_level``
2). Folding the tie-break into the score objective with big weights was slower than a separate
phase, so the phases stay separate.

Scores are assumed non-negative (a negative score only gets in if a quota needs it), and must
have at most six decimals: they are scaled to integers exactly, never rounded.
"""

from __future__ import annotations

import functools
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ortools.sat.python import cp_model

SEED = 20240601
MAX_DECIMALS = 6
WOMEN = "women_min_share"
FIRST_TIMERS = "first_timer_places"
SECTOR_MIN = "sector_min"


@dataclass(frozen=True)
class Candidate:
    """One application as the optimiser sees it. ``order``: submission order (lower = earlier);
    ``pin``: the organiser's override (True = must accept, False = must not)."""

    id: int
    score: Decimal
    order: int
    province: str
    sector: str
    womens_coop: bool = False
    first_time: bool = False
    pin: bool | None = None


@dataclass(frozen=True)
class Quotas:
    """The call's rules. ``women_min_share`` is a percentage of the accepted."""

    places: int
    women_min_share: int | None = None
    province_max: int | None = None
    sector_min: dict[str, int] = field(default_factory=dict)
    sector_max: dict[str, int] = field(default_factory=dict)
    first_timer_places: int = 0


@dataclass(frozen=True)
class Shortfall:
    """A quota the selection does not meet. ``bound="min"``: ``short`` exhibitors are missing;
    ``bound="max"``: ``short`` exhibitors over a limit (in the optimiser's selections, only
    pins can do that)."""

    quota: str
    key: str | None
    required: int
    met: int
    short: int
    bound: str = "min"


@dataclass(frozen=True)
class Reason:
    """Why a candidate is in or out: a machine-readable ``code`` with ``params`` (ids, counts,
    province/sector keys) that the Django side translates. Codes: see :func:`_explain`."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Phase:
    """One solve: its objective value, whether it was proven optimal, and its wall time."""

    name: str
    value: int
    optimal: bool
    seconds: float


@dataclass
class Selection:
    """The outcome. ``accepted``: best first (score desc, then submission order); ``waitlist``:
    the other candidates best first, without the ones pinned out (an organiser who excluded
    someone does not want them promoted); ``optimal``: every phase was proven optimal."""

    accepted: list[int]
    waitlist: list[int]
    total_score: Decimal
    optimal: bool
    shortfalls: list[Shortfall]
    reasons: dict[int, Reason]
    seconds: float
    phases: list[Phase] = field(default_factory=list)


# --- The problem in canonical form --------------------------------------------------------


@dataclass
class _Problem:
    """Candidates in canonical order (index = submission rank), integer scores and the hard
    limits after pins. Everything below works on indices, so the input order does not matter."""

    cands: list[Candidate]
    scores: list[int]
    quotas: Quotas
    places: int
    province_limit: dict[str, int]
    sector_limit: dict[str, int]
    first_timer_target: int

    def key(self, i: int) -> tuple[int, int]:
        """Sort key, best first: higher score, then earlier submission."""
        return (-self.scores[i], i)

    def ranked(self, indices: Iterable[int]) -> list[int]:
        return sorted(indices, key=self.key)


def _validate(candidates: list[Candidate], quotas: Quotas) -> None:
    ids = [c.id for c in candidates]
    if len(set(ids)) != len(ids):
        raise ValueError("Candidate ids must be unique.")
    for c in candidates:
        if isinstance(c.score, float) or not isinstance(c.score, int | Decimal):
            raise TypeError(f"Candidate {c.id}: the score must be a Decimal or an int.")
        if isinstance(c.score, Decimal) and not c.score.is_finite():
            raise ValueError(f"Candidate {c.id}: the score must be a finite number.")
    if quotas.places < 0 or (quotas.province_max is not None and quotas.province_max < 0):
        raise ValueError("Places and the province maximum cannot be negative.")
    if quotas.women_min_share is not None and not 0 <= quotas.women_min_share <= 100:
        raise ValueError("The women's share is a percentage between 0 and 100.")
    if quotas.first_timer_places < 0:
        raise ValueError("Reserved first-timer places cannot be negative.")
    if any(v < 0 for v in [*quotas.sector_min.values(), *quotas.sector_max.values()]):
        raise ValueError("Sector minimums and maximums cannot be negative.")


def _scaled(scores: list[Decimal | int]) -> list[int]:
    """Scores as exact integers: multiplied by 10**d, d = the most decimals used. No rounding:
    rounding would create or break ties, so over-precise scores are refused (quantise first)."""
    decimals = max((_decimals(s) for s in scores), default=0)
    decimals = max(decimals, 0)
    if decimals > MAX_DECIMALS:
        raise ValueError(f"Scores have more than {MAX_DECIMALS} decimals: quantise them first.")
    factor = 10**decimals
    return [int(Decimal(s) * factor) for s in scores]


def _decimals(score: Decimal | int) -> int:
    exponent = Decimal(score).as_tuple().exponent
    return -exponent if isinstance(exponent, int) else 0  # scores are finite (_validate)


def _prepare(candidates: list[Candidate], quotas: Quotas) -> _Problem:
    cands = sorted(candidates, key=lambda c: (c.order, c.id))
    pinned = _counts(c for c in cands if c.pin is True)
    province_limit = {}
    if quotas.province_max is not None:
        # Every limit is raised to what the pins alone put there: pins are never broken.
        for province in sorted({c.province for c in cands}):
            province_limit[province] = max(quotas.province_max, pinned.provinces[province])
    sector_limit = {s: max(m, pinned.sectors[s]) for s, m in sorted(quotas.sector_max.items())}
    first_timers = sum(1 for c in cands if c.first_time and c.pin is not False)
    return _Problem(
        cands=cands,
        scores=_scaled([c.score for c in cands]),
        quotas=quotas,
        places=max(quotas.places, pinned.accepted),
        province_limit=province_limit,
        sector_limit=sector_limit,
        first_timer_target=min(quotas.first_timer_places, first_timers),
    )


# --- Counting and quota arithmetic (shared by the report and the explanations) --------------


@dataclass
class _Counts:
    """What the quotas look at in a selection."""

    accepted: int = 0
    women: int = 0
    first_timers: int = 0
    sectors: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    provinces: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, c: Candidate, sign: int = 1) -> None:
        self.accepted += sign
        self.women += sign * c.womens_coop
        self.first_timers += sign * c.first_time
        self.sectors[c.sector] += sign
        self.provinces[c.province] += sign

    def copy(self) -> _Counts:
        return _Counts(
            self.accepted,
            self.women,
            self.first_timers,
            defaultdict(int, self.sectors),
            defaultdict(int, self.provinces),
        )


def _counts(cands: Iterable[Candidate]) -> _Counts:
    counts = _Counts()
    for c in cands:
        counts.add(c)
    return counts


def _women_required(share: int, accepted: int) -> int:
    """The literal quota: the least ``w`` with 100 * w >= share * accepted."""
    return -(-share * accepted // 100)


Deficits = dict[tuple[str, str | None], int]


def _deficits(problem: _Problem, counts: _Counts, women_capacity: int) -> Deficits:
    """The shortfall per quota as the model counts it (women capped by their capacity)."""
    q = problem.quotas
    result: Deficits = {}
    if q.women_min_share:
        need = min(_women_required(q.women_min_share, counts.accepted), women_capacity)
        result[(WOMEN, None)] = max(0, need - counts.women)
    if problem.first_timer_target:
        result[(FIRST_TIMERS, None)] = max(0, problem.first_timer_target - counts.first_timers)
    for sector, minimum in sorted(q.sector_min.items()):
        result[(SECTOR_MIN, sector)] = max(0, minimum - counts.sectors[sector])
    return result


def _report(problem: _Problem, counts: _Counts) -> list[Shortfall]:
    """The literal shortfalls of a selection, for people: unlike the model, the women's share
    is not capped (a share that is not reached is reported even if it could not be), and a
    limit exceeded (by pins, in the optimiser's selections) is reported with ``bound="max"``."""
    q = problem.quotas
    found = []

    def over(quota: str, key: str | None, maximum: int, met: int) -> None:
        if met > maximum:
            found.append(Shortfall(quota, key, maximum, met, met - maximum, "max"))

    def under(quota: str, key: str | None, minimum: int, met: int) -> None:
        if met < minimum:
            found.append(Shortfall(quota, key, minimum, met, minimum - met))

    over("places", None, q.places, counts.accepted)
    if q.province_max is not None:
        for province, met in sorted(counts.provinces.items()):
            over("province_max", province, q.province_max, met)
    for sector, maximum in sorted(q.sector_max.items()):
        over("sector_max", sector, maximum, counts.sectors[sector])
    if q.women_min_share:
        under(WOMEN, None, _women_required(q.women_min_share, counts.accepted), counts.women)
    under(FIRST_TIMERS, None, problem.first_timer_target, counts.first_timers)
    for sector, minimum in sorted(q.sector_min.items()):
        under(SECTOR_MIN, sector, minimum, counts.sectors[sector])
    return found


def shortfalls(candidates: list[Candidate], quotas: Quotas, accepted: list[int]) -> list[Shortfall]:
    """The quotas that a given selection (e.g. one edited by hand) does not meet."""
    _validate(candidates, quotas)
    problem = _prepare(candidates, quotas)
    chosen = set(accepted)
    return _report(problem, _counts(c for c in problem.cands if c.id in chosen))


# --- Greedy: the baseline, and the solver's first hint ---------------------------------------


def _greedy_indices(problem: _Problem) -> list[int]:
    """Pinned-in first, then best first while places, province and sector limits allow."""
    counts = _Counts()
    chosen = []
    for i in [i for i, c in enumerate(problem.cands) if c.pin is True]:
        chosen.append(i)
        counts.add(problem.cands[i])
    for i in problem.ranked(i for i, c in enumerate(problem.cands) if c.pin is None):
        if not _blocking(problem, counts, problem.cands[i]):
            chosen.append(i)
            counts.add(problem.cands[i])
    return problem.ranked(chosen)


def greedy(candidates: list[Candidate], quotas: Quotas) -> list[int]:
    """A simple pick that respects the hard limits (and pins) but ignores minimum quotas: the
    baseline the optimum must never be worse than. Ids best first."""
    _validate(candidates, quotas)
    problem = _prepare(candidates, quotas)
    return [problem.cands[i].id for i in _greedy_indices(problem)]


def _blocking(problem: _Problem, counts: _Counts, c: Candidate) -> list[str]:
    """The hard limits that are full for ``c``: adding it would exceed them."""
    full = []
    if counts.accepted >= problem.places:
        full.append("places")
    province_limit = problem.province_limit.get(c.province)
    if province_limit is not None and counts.provinces[c.province] >= province_limit:
        full.append("province_max")
    sector_limit = problem.sector_limit.get(c.sector)
    if sector_limit is not None and counts.sectors[c.sector] >= sector_limit:
        full.append("sector_max")
    return full


# --- The CP-SAT model ----------------------------------------------------------------------


def _in_sector(sector: str, c: Candidate) -> bool:
    return c.sector == sector


class _Model:
    """The CP-SAT model with its hard constraints; the phases add objectives one by one."""

    def __init__(self, problem: _Problem):
        self.problem = problem
        self.model = cp_model.CpModel()
        cands = problem.cands
        self.x = [self.model.new_bool_var(f"x{i}") for i in range(len(cands))]
        for var, c in zip(self.x, cands, strict=True):
            if c.pin is not None:
                self.model.add(var == int(c.pin))
        self.model.add(cp_model.LinearExpr.sum(self.x) <= problem.places)
        self._limit(lambda c: c.province, problem.province_limit)
        self._limit(lambda c: c.sector, problem.sector_limit)
        self._chain()
        self.slacks: list[cp_model.IntVar] = []

    def _limit(self, attribute: Callable[[Candidate], str], limits: dict[str, int]) -> None:
        groups = defaultdict(list)
        for var, c in zip(self.x, self.problem.cands, strict=True):
            if attribute(c) in limits:
                groups[attribute(c)].append(var)
        for key, members in sorted(groups.items()):
            self.model.add(cp_model.LinearExpr.sum(members) <= limits[key])

    def _chain(self) -> None:
        """Symmetry breaking: candidates the quotas cannot tell apart are taken best first.
        Swapping two of them never changes a quota, so every phase keeps an optimum that
        respects the chain — and the solver no longer explores equivalent selections."""
        classes = defaultdict(list)
        for i, c in enumerate(self.problem.cands):
            if c.pin is None:
                classes[(c.province, c.sector, c.womens_coop, c.first_time)].append(i)
        for members in classes.values():
            ranked = self.problem.ranked(members)
            for better, worse in zip(ranked, ranked[1:], strict=False):
                self.model.add_implication(self.x[worse], self.x[better])

    def count(self, keep: Callable[[Candidate], bool]) -> cp_model.LinearExpr:
        return cp_model.LinearExpr.sum(
            [v for v, c in zip(self.x, self.problem.cands, strict=True) if keep(c)]
        )

    def add_quotas(self, women_capacity: int) -> cp_model.LinearExpr:
        """Soft minimums, each ``achieved + slack >= target``; returns the sum of the slacks."""
        problem, q = self.problem, self.problem.quotas
        if q.women_min_share:
            self._women_quota(q.women_min_share, women_capacity)
        if problem.first_timer_target:
            target = problem.first_timer_target
            self._slack(FIRST_TIMERS, self.count(lambda c: c.first_time), target, target)
        for sector, minimum in sorted(q.sector_min.items()):
            achieved = self.count(functools.partial(_in_sector, sector))
            self._slack(f"{SECTOR_MIN}:{sector}", achieved, minimum, minimum)
        return cp_model.LinearExpr.sum(self.slacks)

    def _women_quota(self, share: int, capacity: int) -> None:
        """slack >= min(ceil(share * accepted / 100), capacity) - women, as a disjunction of
        two linear constraints; the literal form alone when the cap can never bind, since a
        tight linear model is what makes the later phases fast to prove."""
        women = self.count(lambda c: c.womens_coop)
        slack = self.model.new_int_var(0, len(self.x), f"short_{WOMEN}")
        self.slacks.append(slack)
        share_met = self.model.add(100 * (women + slack) >= share * cp_model.LinearExpr.sum(self.x))
        if capacity < _women_required(share, self.problem.places):
            capped = self.model.new_bool_var("women_capped")
            share_met.only_enforce_if(~capped)
            self.model.add(women + slack >= capacity).only_enforce_if(capped)

    def _slack(self, name: str, achieved: cp_model.LinearExpr, target: int, most: int) -> None:
        slack = self.model.new_int_var(0, most, f"short_{name}")
        self.model.add(achieved + slack >= target)
        self.slacks.append(slack)

    def score(self) -> cp_model.LinearExpr:
        """Total score first, then size: one score unit outweighs any number of places."""
        n = len(self.problem.cands)
        weights = [(n + 1) * s + 1 for s in self.problem.scores]
        return cp_model.LinearExpr.weighted_sum(self.x, weights)

    def lateness(self) -> cp_model.LinearExpr:
        return cp_model.LinearExpr.weighted_sum(self.x, list(range(len(self.x))))

    def solve(
        self,
        name: str,
        objective: cp_model.LinearExpr,
        maximise: bool,
        hint: list[int],
        deadline: float,
        fix: bool = True,
    ) -> tuple[list[int] | None, Phase]:
        """Solves one phase from ``hint`` and (``fix``) keeps its optimum for the next phases.
        Returns the solution (None if the time ran out before any) and a Phase."""
        model = self.model
        model.clear_objective()
        model.clear_hints()
        for var, value in zip(self.x, hint, strict=True):
            model.add_hint(var, value)
        (model.maximize if maximise else model.minimize)(objective)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = SEED
        # Linearise the enforced (women's cap) constraints too: at level 1, capped instances of
        # the benchmark's size ran into the 60 s cap; at level 2 they prove in about 1 s.
        solver.parameters.linearization_level = 2
        solver.parameters.max_time_in_seconds = max(0.05, deadline - time.perf_counter())
        started = time.perf_counter()
        status = solver.solve(model)
        seconds = time.perf_counter() - started
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None, Phase(name, 0, False, seconds)
        value = round(solver.objective_value)
        if fix:
            model.add(objective >= value if maximise else objective <= value)
        solution = [int(solver.boolean_value(v)) for v in self.x]
        return solution, Phase(name, value, status == cp_model.OPTIMAL, seconds)


# --- Selecting -----------------------------------------------------------------------------


def _optimise(problem: _Problem, time_limit: float) -> tuple[list[int], list[Phase], int]:
    """Runs the phases; returns the chosen indices, the phases, and the women's capacity."""
    deadline = time.perf_counter() + time_limit
    model = _Model(problem)
    hint = [0] * len(problem.cands)
    for i in _greedy_indices(problem):
        hint[i] = 1
    phases = []
    capacity = len(problem.cands)
    if problem.quotas.women_min_share:
        women = model.count(lambda c: c.womens_coop)
        # Not a phase of the selection, only a bound for its women's quota: not kept.
        solution, phase = model.solve("women_capacity", women, True, hint, deadline, fix=False)
        phases.append(phase)
        capacity = phase.value if solution else sum(hint[i] for i in _women(problem))
    steps = [
        ("quotas", model.add_quotas(capacity), False),
        ("score", model.score(), True),
        ("earlier_submissions", model.lateness(), False),
    ]
    for name, objective, maximise in steps:
        solution, phase = model.solve(name, objective, maximise, hint, deadline)
        phases.append(phase)
        if solution is None:
            break  # out of time with nothing better: keep the last solution
        hint = solution
    return [i for i, v in enumerate(hint) if v], phases, capacity


def _women(problem: _Problem) -> list[int]:
    return [i for i, c in enumerate(problem.cands) if c.womens_coop]


def select(candidates: list[Candidate], quotas: Quotas, time_limit: float = 60.0) -> Selection:
    """The best selection under the quotas (see the module docstring for what "best" means).
    ``time_limit`` (seconds, wall clock) is only a safety cap on the whole optimisation."""
    started = time.perf_counter()
    _validate(candidates, quotas)
    problem = _prepare(candidates, quotas)
    chosen, phases, capacity = _optimise(problem, time_limit)
    ranked = problem.ranked(chosen)
    counts = _counts(problem.cands[i] for i in chosen)
    optimal = all(p.optimal for p in phases)
    reasons = _explain(problem, ranked, counts, capacity, optimal)
    rest = problem.ranked(set(range(len(problem.cands))) - set(chosen))
    return Selection(
        accepted=[problem.cands[i].id for i in ranked],
        waitlist=[problem.cands[i].id for i in rest if problem.cands[i].pin is not False],
        total_score=sum((Decimal(problem.cands[i].score) for i in chosen), Decimal(0)),
        optimal=optimal,
        shortfalls=_report(problem, counts),
        reasons=reasons,
        seconds=time.perf_counter() - started,
        phases=phases,
    )


# --- Explaining ----------------------------------------------------------------------------


# A group of candidates that compete for the same places: all, a province, a sector, or both.
Group = tuple[str, ...]


class _Weakest:
    """For each group of accepted candidates not pinned in (all, a province, a sector, both),
    the weakest one: what a rejected candidate would have to beat to take its place. Pinned
    candidates are out of the competition: the organiser put them there, whatever their score."""

    def __init__(self, problem: _Problem, ranked: list[int]):
        self.problem = problem
        self.table: dict[Group, int] = {}
        for i in reversed(ranked):  # weakest first: the first seen per group stays
            c = problem.cands[i]
            if c.pin is not True:
                for group in _groups(c):
                    self.table.setdefault(group, i)

    def beaten(self, group: Group, i: int) -> int | None:
        """The weakest accepted of ``group`` if candidate ``i`` ranks above it, else None."""
        j = self.table.get(group)
        return j if j is not None and self.problem.key(i) < self.problem.key(j) else None


def _groups(c: Candidate) -> list[Group]:
    return [(), ("p", c.province), ("s", c.sector), ("ps", c.province, c.sector)]


def _explain(
    problem: _Problem, ranked: list[int], counts: _Counts, capacity: int, optimal: bool
) -> dict[int, Reason]:
    """One reason per candidate, read off the solution. Accepted: ``accepted`` with their
    ``rank`` (1 = best) and whether they were ``pinned``. Rejected candidate ``c``:

    * ``pinned_out``: the organiser excluded it.
    * ``places_full`` / ``province_max`` / ``sector_max``: that limit is full, and every
      accepted candidate ``c`` could replace under it ranks above ``c`` (better score, or the
      same score and an earlier submission). Candidates pinned in do not count as competitors;
      ``pinned`` in the params says how many of the limit's places they hold.
    * ``province_and_sector_max``: both are full, and no accepted candidate ``c`` outranks is
      in both its province and its sector (replacing one would overfill the other limit).
    * ``reserved_for_women`` / ``reserved_for_first_timers`` / ``sector_min``: ``c`` outranks
      ``instead_of`` (the weakest accepted it could replace without exceeding a limit) but that
      swap would leave the quota short. With ``instead_of`` None (women only), there was room
      for ``c`` but accepting one more non-women's cooperative would lower the share.
    * ``not_proven``: the time limit stopped the optimiser before it proved the selection
      optimal, and no reason above holds.

    These rules are complete on a proven optimum: a rejected candidate that fits, or that
    outranks someone it could replace, would otherwise improve the score or the tie-break.
    """
    reasons = {}
    for position, i in enumerate(ranked, start=1):
        c = problem.cands[i]
        reasons[c.id] = Reason("accepted", {"rank": position, "pinned": c.pin is True})
    weakest = _Weakest(problem, ranked)
    pinned = _counts(problem.cands[i] for i in ranked if problem.cands[i].pin is True)
    fallback = Reason("not_proven" if not optimal else "unexplained")
    chosen = set(ranked)
    for i, c in enumerate(problem.cands):
        if i in chosen:
            continue
        if c.pin is False:
            reasons[c.id] = Reason("pinned_out")
            continue
        why = _why_not(problem, weakest, counts, capacity, i)
        if why is None:
            reasons[c.id] = fallback
        elif isinstance(why, str):
            reasons[c.id] = _limit_reason(problem, why, c, pinned)
        else:
            reasons[c.id] = why
    return reasons


def _why_not(
    problem: _Problem, weakest: _Weakest, counts: _Counts, capacity: int, i: int
) -> Reason | str | None:
    """A quota Reason, or the name of the full limit that holds candidate ``i`` out."""
    c = problem.cands[i]
    full = _blocking(problem, counts, c)
    after = counts.copy()
    after.add(c)
    if not full:  # there was room: only the women's share can have kept it out
        return _broken_quota(problem, counts, after, capacity, None)
    if weakest.beaten((), i) is None:
        return full[0]
    province, sector = "province_max" in full, "sector_max" in full
    group = _swap_group(c, province, sector)
    replaced = weakest.beaten(group, i)
    if replaced is not None:
        after.add(problem.cands[replaced], -1)
        return _broken_quota(problem, counts, after, capacity, problem.cands[replaced].id)
    if province and weakest.beaten(("p", c.province), i) is None:
        return "province_max"
    if sector and weakest.beaten(("s", c.sector), i) is None:
        return "sector_max"
    return "province_and_sector_max"


def _swap_group(c: Candidate, province: bool, sector: bool) -> Group:
    """Whom ``c`` could replace without overfilling a full limit (places: anyone)."""
    if province and sector:
        return ("ps", c.province, c.sector)
    if province:
        return ("p", c.province)
    return ("s", c.sector) if sector else ()


def _limit_reason(problem: _Problem, limit: str, c: Candidate, pinned: _Counts) -> Reason:
    province = {"province": c.province, "province_max": problem.province_limit.get(c.province)}
    sector = {"sector": c.sector, "sector_max": problem.sector_limit.get(c.sector)}
    if limit == "places":
        return Reason("places_full", {"places": problem.places, "pinned": pinned.accepted})
    if limit == "province_max":
        return Reason(limit, {**province, "pinned": pinned.provinces[c.province]})
    if limit == "sector_max":
        return Reason(limit, {**sector, "pinned": pinned.sectors[c.sector]})
    return Reason(limit, {**province, **sector})


def _broken_quota(
    problem: _Problem, before: _Counts, after: _Counts, capacity: int, instead_of: int | None
) -> Reason | None:
    """The first quota whose shortfall would grow from ``before`` to ``after``."""
    old, new = _deficits(problem, before, capacity), _deficits(problem, after, capacity)
    for (quota, key), short in new.items():
        if short > old[(quota, key)]:
            if quota == WOMEN:
                share = problem.quotas.women_min_share
                return Reason("reserved_for_women", {"share": share, "instead_of": instead_of})
            if quota == FIRST_TIMERS:
                params = {"places": problem.first_timer_target, "instead_of": instead_of}
                return Reason("reserved_for_first_timers", params)
            assert key is not None  # the other deficits are per sector
            minimum = problem.quotas.sector_min[key]
            return Reason("sector_min", {"sector": key, "min": minimum, "instead_of": instead_of})
    return None
