"""The exhibitor selection optimiser on plain data (no database): read as its specification."""

import itertools
import random
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maarid.exhibitors.select import (
    Candidate,
    Quotas,
    Shortfall,
    greedy,
    select,
    shortfalls,
)


def cand(id, score, order=None, province="tanger", sector="terroir", **extra):
    """A candidate; submission order defaults to the id."""
    order = id if order is None else order
    return Candidate(id, Decimal(str(score)), order, province, sector, **extra)


def codes(selection):
    return {i: r.code for i, r in selection.reasons.items()}


# --- Simple cases ---------------------------------------------------------------------------


def test_the_best_n_are_accepted_in_rank_order():
    pool = [cand(1, 5), cand(2, 9), cand(3, 7), cand(4, 3), cand(5, 8)]
    result = select(pool, Quotas(places=3))
    assert result.accepted == [2, 5, 3]
    assert result.waitlist == [1, 4]
    assert result.total_score == Decimal(24)
    assert result.optimal and result.shortfalls == []
    assert result.reasons[2].code == "accepted" and result.reasons[2].params["rank"] == 1
    assert result.reasons[1].code == "places_full"
    assert result.reasons[1].params == {"places": 3, "pinned": 0}


def test_equal_scores_go_to_the_earlier_submission():
    # Different provinces and sectors, so only the tie-break can decide; the later one comes
    # first in the input and has the smaller id.
    later = cand(1, "7.50", order=20, province="tetouan", sector="cosmetics")
    earlier = cand(2, "7.5", order=10, province="larache", sector="textiles")
    result = select([later, earlier, cand(3, 9)], Quotas(places=2))
    assert result.accepted == [3, 2]
    assert result.reasons[1].code == "places_full"


def test_equal_scores_and_equal_order_fall_back_on_the_id():
    result = select([cand(8, 5, order=1, sector="a"), cand(4, 5, order=1)], Quotas(places=1))
    assert result.accepted == [4]


def test_a_score_of_zero_is_better_than_an_empty_place():
    result = select([cand(1, 0), cand(2, 4)], Quotas(places=5))
    assert result.accepted == [2, 1]


def test_nobody_applies():
    result = select([], Quotas(places=10, women_min_share=30, sector_min={"fisheries": 2}))
    assert result.accepted == [] and result.optimal
    assert result.shortfalls == [Shortfall("sector_min", "fisheries", 2, 0, 2)]


# --- Limits and quotas ----------------------------------------------------------------------


def test_the_province_maximum_binds_and_the_reason_says_so():
    pool = [
        cand(1, 9, province="tanger"),
        cand(2, 8, province="tanger"),
        cand(3, 7, province="tanger"),
        cand(4, 5, province="tetouan"),
        cand(5, 4, province="larache"),
    ]
    result = select(pool, Quotas(places=3, province_max=2))
    assert result.accepted == [1, 2, 4]
    assert result.reasons[3] == result.reasons[3].__class__(
        "province_max", {"province": "tanger", "province_max": 2, "pinned": 0}
    )
    assert result.reasons[5].code == "places_full"


def test_the_sector_maximum_binds():
    pool = [cand(1, 9, sector="cosmetics"), cand(2, 8, sector="cosmetics"), cand(3, 2)]
    result = select(pool, Quotas(places=2, sector_max={"cosmetics": 1}))
    assert result.accepted == [1, 3]
    assert codes(result)[2] == "sector_max"
    assert result.reasons[2].params["sector"] == "cosmetics"


def test_both_limits_full_without_a_weaker_candidate_in_both():
    # 3 outranks 1 (same province) and 2 (same sector), but taking it would push both out.
    pool = [
        cand(1, 5, province="tanger", sector="terroir"),
        cand(2, 6, province="tetouan", sector="cosmetics"),
        cand(3, 7, province="tanger", sector="cosmetics"),
        cand(4, 1, province="larache", sector="textiles"),
    ]
    quotas = Quotas(places=3, province_max=1, sector_max={"cosmetics": 1})
    result = select(pool, quotas)
    assert result.accepted == [2, 1, 4]
    assert codes(result)[3] == "province_and_sector_max"


def test_a_sector_minimum_takes_a_lower_score():
    pool = [cand(1, 9), cand(2, 8), cand(3, 7), cand(4, 3, sector="fisheries")]
    result = select(pool, Quotas(places=3, sector_min={"fisheries": 1}))
    assert result.accepted == [1, 2, 4]
    assert result.reasons[3].code == "sector_min"
    assert result.reasons[3].params == {"sector": "fisheries", "min": 1, "instead_of": 4}


def test_a_sector_minimum_that_cannot_be_met_is_reported():
    pool = [cand(i, 5, sector="cosmetics") for i in range(1, 7)]
    pool += [cand(i, 9) for i in range(7, 30)]
    result = select(pool, Quotas(places=20, sector_min={"cosmetics": 10}))
    assert {1, 2, 3, 4, 5, 6} <= set(result.accepted)
    assert len(result.accepted) == 20
    assert [s.__dict__ for s in result.shortfalls] == [
        {
            "quota": "sector_min",
            "key": "cosmetics",
            "required": 10,
            "met": 6,
            "short": 4,
            "bound": "min",
        }
    ]


def test_the_womens_share_is_met_with_the_best_womens_cooperatives():
    pool = [cand(i, 9 - i / 10) for i in range(1, 9)]
    pool += [cand(20, 2, womens_coop=True), cand(21, 3, womens_coop=True), cand(22, 1)]
    result = select(pool, Quotas(places=5, women_min_share=30))  # 30% of 5 → 2
    assert sorted(result.accepted) == [1, 2, 3, 20, 21]
    assert result.shortfalls == []
    reason = result.reasons[4]
    assert reason.code == "reserved_for_women"
    assert reason.params == {"share": 30, "instead_of": 20}


def test_too_few_womens_cooperatives_do_not_shrink_the_fair():
    # Read literally, 50% could be reached by accepting 2 exhibitors; the fair is filled instead.
    pool = [cand(1, 1, womens_coop=True)] + [cand(i, 8) for i in range(2, 10)]
    result = select(pool, Quotas(places=6, women_min_share=50))
    assert len(result.accepted) == 6 and 1 in result.accepted
    assert result.shortfalls == [Shortfall("women_min_share", None, 3, 1, 2)]


def test_the_womens_share_can_leave_a_place_empty():
    # The women's cooperatives could reach 2 of 3 places (2 and 3), but 2 would push out the
    # better 1: the best is 1 and 3, and 4 stays out though there is room, for the share.
    pool = [
        cand(1, 9, province="a"),
        cand(2, "0.5", province="a", womens_coop=True),
        cand(3, 1, province="b", womens_coop=True),
        cand(4, 8, province="c"),
    ]
    result = select(pool, Quotas(places=3, women_min_share=50, province_max=1))
    assert result.accepted == [1, 3]
    assert result.reasons[4].code == "reserved_for_women"
    assert result.reasons[4].params == {"share": 50, "instead_of": None}
    assert result.reasons[2].code == "province_max"


def test_reserved_first_timer_places():
    pool = [cand(i, 9) for i in range(1, 6)]
    pool += [cand(10, 1, first_time=True), cand(11, 2, first_time=True), cand(12, 0)]
    result = select(pool, Quotas(places=4, first_timer_places=2))
    assert sorted(result.accepted) == [1, 2, 10, 11]
    assert result.reasons[3].code == "reserved_for_first_timers"
    assert result.reasons[3].params["places"] == 2


def test_reserved_places_are_released_when_too_few_first_timers_apply():
    pool = [cand(i, 9) for i in range(1, 6)] + [cand(10, 1, first_time=True)]
    result = select(pool, Quotas(places=4, first_timer_places=3))
    assert sorted(result.accepted) == [1, 2, 3, 10]
    assert result.shortfalls == []


# --- Pins -----------------------------------------------------------------------------------


def test_pins_force_candidates_in_and_out():
    pool = [cand(1, 9, pin=False), cand(2, 8), cand(3, 1, pin=True), cand(4, 7)]
    result = select(pool, Quotas(places=2))
    assert result.accepted == [2, 3]
    assert result.reasons[1].code == "pinned_out"
    assert result.reasons[3].params == {"rank": 2, "pinned": True}
    assert result.reasons[4].code == "places_full" and result.reasons[4].params["pinned"] == 1
    assert result.waitlist == [4]  # the one pinned out is not waiting for a place


def test_pins_beyond_a_limit_are_reported_not_an_error():
    pool = [cand(i, 5, pin=True) for i in range(1, 4)] + [cand(4, 9)]
    result = select(pool, Quotas(places=2, province_max=2, sector_min={"fisheries": 1}))
    assert result.accepted == [1, 2, 3]
    assert result.shortfalls == [
        Shortfall("places", None, 2, 3, 1, "max"),
        Shortfall("province_max", "tanger", 2, 3, 1, "max"),
        Shortfall("sector_min", "fisheries", 1, 0, 1),
    ]
    assert result.reasons[4].code == "places_full"


# --- Determinism, validation, helpers --------------------------------------------------------


def realistic_pool(seed, n=150):
    rng = random.Random(seed)
    return [
        cand(
            1000 + i,
            (Decimal(rng.randint(0, 30)) / 3).quantize(Decimal("0.01")),
            order=rng.randint(0, n),
            province=rng.choice("abcdef"),
            sector=rng.choice(["terroir", "cosmetics", "textiles", "fisheries"]),
            womens_coop=rng.random() < 0.3,
            first_time=rng.random() < 0.4,
        )
        for i in range(n)
    ]


def test_the_same_input_in_any_order_gives_the_same_selection():
    pool = realistic_pool(7)
    quotas = Quotas(
        places=40,
        women_min_share=40,
        province_max=9,
        sector_min={"fisheries": 8},
        sector_max={"terroir": 12},
        first_timer_places=15,
    )
    first = select(pool, quotas)
    again = select(pool, quotas)
    shuffled = list(pool)
    random.Random(3).shuffle(shuffled)
    other = select(shuffled, quotas)
    assert first.optimal
    assert first.accepted == again.accepted == other.accepted
    assert first.waitlist == other.waitlist
    assert first.reasons == other.reasons


def test_a_tiny_time_limit_still_gives_a_valid_selection():
    pool = realistic_pool(11, n=300)
    quotas = Quotas(places=60, women_min_share=35, province_max=12, sector_min={"fisheries": 9})
    result = select(pool, quotas, time_limit=0.0)
    assert Spec(pool, quotas).feasible([c for c in pool if c.id in set(result.accepted)])
    assert set(result.reasons) == {c.id for c in pool}
    assert result.optimal == all(phase.optimal for phase in result.phases)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="unique"):
        select([cand(1, 2), cand(1, 3)], Quotas(places=1))
    with pytest.raises(TypeError):
        select([Candidate(1, 2.5, 1, "a", "b")], Quotas(places=1))
    with pytest.raises(ValueError, match="decimals"):
        select([cand(1, Decimal(1) / 3)], Quotas(places=1))
    with pytest.raises(ValueError, match="percentage"):
        select([cand(1, 2)], Quotas(places=1, women_min_share=120))


def test_greedy_respects_the_hard_limits_only():
    pool = [cand(1, 9), cand(2, 8), cand(3, 7, sector="fisheries"), cand(4, 1, province="b")]
    assert greedy(pool, Quotas(places=3, province_max=2, sector_min={"fisheries": 1})) == [1, 2, 4]


def test_shortfalls_of_a_hand_made_selection():
    pool = [cand(1, 9, womens_coop=True), cand(2, 8), cand(3, 7)]
    quotas = Quotas(places=2, women_min_share=50, province_max=1)
    assert shortfalls(pool, quotas, [2, 3]) == [
        Shortfall("province_max", "tanger", 1, 2, 1, "max"),
        Shortfall("women_min_share", None, 1, 0, 1),
    ]


# --- Properties -----------------------------------------------------------------------------

PROVINCES, SECTORS = ["a", "b", "c"], ["x", "y", "z"]
SCORES = [Decimal(s) for s in ["0", "1", "2.5", "2.50", "4", "7.25", "10"]]  # plenty of ties


@st.composite
def instances(draw, most=30, pins=True):
    n = draw(st.integers(0, most))
    pool = [
        Candidate(
            id=draw(st.integers(0, 10_000)) * 100 + i,
            score=draw(st.sampled_from(SCORES)),
            order=draw(st.integers(0, n)),  # ties in submission order too
            province=draw(st.sampled_from(PROVINCES)),
            sector=draw(st.sampled_from(SECTORS)),
            womens_coop=draw(st.booleans()),
            first_time=draw(st.booleans()),
            pin=draw(st.sampled_from([None] * 6 + [True, False])) if pins else None,
        )
        for i in range(n)
    ]
    limits = st.dictionaries(st.sampled_from(SECTORS), st.integers(0, 4), max_size=2)
    quotas = Quotas(
        places=draw(st.integers(0, n + 2)),
        women_min_share=draw(st.none() | st.integers(0, 100)),
        province_max=draw(st.none() | st.integers(0, 5)),
        sector_min=draw(limits),
        sector_max=draw(limits),
        first_timer_places=draw(st.integers(0, 4)),
    )
    return pool, quotas


class Spec:
    """The optimiser's objective, restated plainly, for exhaustive search on tiny instances."""

    def __init__(self, pool, quotas):
        self.pool, self.q = pool, quotas
        self.rank = {c.id: r for r, c in enumerate(sorted(pool, key=lambda c: (c.order, c.id)))}
        pinned = [c for c in pool if c.pin is True]
        self.places = max(quotas.places, len(pinned))
        self.province_max = {
            p: max(quotas.province_max, sum(c.province == p for c in pinned))
            for p in PROVINCES
            if quotas.province_max is not None
        }
        self.sector_max = {
            s: max(m, sum(c.sector == s for c in pinned)) for s, m in quotas.sector_max.items()
        }
        first_timers = sum(c.first_time and c.pin is not False for c in pool)
        self.first_timer_target = min(quotas.first_timer_places, first_timers)

    def feasible(self, chosen):
        ids = {c.id for c in chosen}
        return (
            all((c.id in ids) == c.pin for c in self.pool if c.pin is not None)
            and len(chosen) <= self.places
            and all(sum(c.province == p for c in chosen) <= m for p, m in self.province_max.items())
            and all(sum(c.sector == s for c in chosen) <= m for s, m in self.sector_max.items())
        )

    def selections(self):
        for size in range(len(self.pool) + 1):
            for chosen in itertools.combinations(self.pool, size):
                if self.feasible(chosen):
                    yield chosen

    def slack(self, chosen, women_capacity):
        women = sum(c.womens_coop for c in chosen)
        short = 0
        if self.q.women_min_share:
            need = -(-self.q.women_min_share * len(chosen) // 100)
            short += max(0, min(need, women_capacity) - women)
        short += max(0, self.first_timer_target - sum(c.first_time for c in chosen))
        for s, m in self.q.sector_min.items():
            short += max(0, m - sum(c.sector == s for c in chosen))
        return short

    def value(self, chosen, women_capacity):
        """Lexicographic, smaller is better: shortfall, -score, -size, submission ranks."""
        return (
            self.slack(chosen, women_capacity),
            -sum(c.score for c in chosen),
            -len(chosen),
            sum(self.rank[c.id] for c in chosen),
        )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(most=10))
def test_tiny_instances_match_an_exhaustive_search(instance):
    pool, quotas = instance
    spec = Spec(pool, quotas)
    everything = list(spec.selections())
    capacity = max(sum(c.womens_coop for c in chosen) for chosen in everything)
    best = min(spec.value(chosen, capacity) for chosen in everything)
    result = select(pool, quotas)
    by_id = {c.id: c for c in pool}
    chosen = [by_id[i] for i in result.accepted]
    assert result.optimal
    assert spec.feasible(chosen)
    assert spec.value(chosen, capacity) == best
    assert result.shortfalls == shortfalls(pool, quotas, result.accepted)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(most=30))
def test_random_instances_keep_the_rules_and_beat_greedy(instance):
    pool, quotas = instance
    result = select(pool, quotas)
    by_id = {c.id: c for c in pool}
    chosen = [by_id[i] for i in result.accepted]
    assert result.optimal
    assert Spec(pool, quotas).feasible(chosen)
    assert sorted(result.accepted + result.waitlist) == sorted(
        c.id for c in pool if c.pin is not False
    )
    baseline = greedy(pool, quotas)
    if not shortfalls(pool, quotas, baseline):
        assert result.shortfalls == []
        assert result.total_score >= sum((by_id[i].score for i in baseline), Decimal(0))
    check_reasons(pool, quotas, result)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(most=30, pins=False), st.sampled_from(["women", "first_timers", "sector"]))
def test_a_single_quota_is_met_whenever_it_can_be(instance, kind):
    """Without sector limits or pins, the most a quota can get is easy to count: the places,
    and per province the province maximum."""
    pool, quotas = instance
    quotas = Quotas(places=quotas.places, province_max=quotas.province_max)
    share, sector = random.Random(len(pool)).choice([30, 50, 100]), "x"
    members = {
        "women": lambda c: c.womens_coop,
        "first_timers": lambda c: c.first_time,
        "sector": lambda c: c.sector == sector,
    }[kind]
    per_province = len(pool) if quotas.province_max is None else quotas.province_max
    most = min(
        quotas.places,
        sum(min(per_province, sum(members(c) for c in pool if c.province == p)) for p in PROVINCES),
    )
    if kind == "women":
        quotas = replace(quotas, women_min_share=share)
    elif kind == "first_timers":
        quotas = replace(quotas, first_timer_places=3)
    else:
        quotas = replace(quotas, sector_min={sector: 3})
    result = select(pool, quotas)
    met = sum(members(c) for c in pool if c.id in set(result.accepted))
    if kind == "women":
        assert met >= min(-(-share * len(result.accepted) // 100), most)
    else:
        assert met >= min(3, most)


def check_reasons(pool, quotas, result):
    """Every decision has a reason, and each reason's claim holds in the selection."""
    spec = Spec(pool, quotas)
    by_id = {c.id: c for c in pool}
    chosen = [by_id[i] for i in result.accepted]
    free = [c for c in chosen if c.pin is not True]
    assert set(result.reasons) == set(by_id)

    def outranks(c, d):
        return (-c.score, spec.rank[c.id]) < (-d.score, spec.rank[d.id])

    def province_full(c):
        limit = spec.province_max.get(c.province)
        return limit is not None and sum(d.province == c.province for d in chosen) >= limit

    def sector_full(c):
        limit = spec.sector_max.get(c.sector)
        return limit is not None and sum(d.sector == c.sector for d in chosen) >= limit

    for position, c in enumerate(chosen, start=1):
        assert result.reasons[c.id].params["rank"] == position
    for c in pool:
        if c.id in result.accepted:
            continue
        reason = result.reasons[c.id]
        code, params = reason.code, reason.params
        if c.pin is False:
            assert code == "pinned_out"
        elif code == "places_full":
            assert len(chosen) >= spec.places and not any(outranks(c, d) for d in free)
        elif code == "province_max":
            assert province_full(c)
            assert not any(outranks(c, d) for d in free if d.province == c.province)
        elif code == "sector_max":
            assert sector_full(c)
            assert not any(outranks(c, d) for d in free if d.sector == c.sector)
        elif code == "province_and_sector_max":
            assert province_full(c) and sector_full(c)
            assert not any(
                outranks(c, d) for d in free if (d.province, d.sector) == (c.province, c.sector)
            )
        elif params.get("instead_of") is None:
            assert code == "reserved_for_women" and not c.womens_coop
            assert spec.feasible([*chosen, c])  # there was room
            women = sum(d.womens_coop for d in chosen)
            assert 100 * women < quotas.women_min_share * (len(chosen) + 1)
        else:
            d = by_id[params["instead_of"]]
            assert d in free and outranks(c, d)
            after = [x for x in chosen if x is not d] + [c]
            assert spec.feasible(after)  # the swap keeps every limit
            if code == "reserved_for_women":
                assert d.womens_coop and not c.womens_coop
            elif code == "reserved_for_first_timers":
                assert d.first_time and not c.first_time
                assert sum(x.first_time for x in after) < spec.first_timer_target
            else:
                assert code == "sector_min" and d.sector == params["sector"] != c.sector
                assert sum(x.sector == d.sector for x in after) < quotas.sector_min[d.sector]
