"""Every figure of the closing report equals the same figure added up by hand from the raw
rows (in Python, row by row: not the report's queries again), voids and refunds taken off."""

import datetime
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from maarid.exhibitors.models import Exhibitor
from maarid.reports import selectors
from maarid.sales.models import Sale
from maarid.visitors.models import Count

pytestmark = pytest.mark.django_db

ZERO = Decimal("0.00")


def fair_day(moment: datetime.datetime) -> datetime.date:
    from django.utils import timezone

    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def by_hand_sales(edition):
    entries = list(Sale.objects.filter(edition=edition).select_related("exhibitor__organisation"))
    total = sum((s.total for s in entries), ZERO)
    voided = {s.corrects_id for s in entries if s.kind == Sale.Kind.VOID}
    sales = [s for s in entries if s.kind == Sale.Kind.SALE]
    count = len(sales) - len(voided)
    by = defaultdict(lambda: defaultdict(lambda: ZERO))
    for s in entries:
        o = s.exhibitor.organisation
        by["day"][fair_day(s.sold_at).isoformat()] += s.total
        by["sector"][o.sector] += s.total
        by["kind"][o.kind] += s.total
        by["province"][o.province_id] += s.total
        by["seller"][str(s.exhibitor_id)] += s.total
    offline = sum((s.total for s in entries if s.offline), ZERO)
    return total, count, by, offline


def test_the_sales_add_up_from_the_ledger_with_voids_and_refunds_taken_off(fair):
    edition = fair["edition"]
    figures = selectors.compute(edition)["sales"]
    total, count, by, offline = by_hand_sales(edition)
    # 120 + 80.50 + 300 + 45.25 + 999.99 + 60 + 15 + 210 + 35 + 400, less the void (300) and
    # the refund (199.99).
    assert total == Decimal("1765.75")
    assert Decimal(figures["total"]) == total
    assert figures["sales"] == count == 9  # ten sales, one voided; the refund leaves a sale
    assert Decimal(figures["average_basket"]) == (total / count).quantize(Decimal("0.01"))
    assert Decimal(figures["offline_total"]) == offline == Decimal("80.50") + Decimal("999.99") + 35
    for name, key in [("by_day", "day"), ("by_sector", "sector"), ("by_kind", "kind")]:
        shown = {k: Decimal(t) for k, t, _n in figures[name] if Decimal(t) or k in by[key]}
        assert shown == dict(by[key]), name
    assert {row[0]: Decimal(row[1]) for row in figures["by_province"]} == dict(by["province"])
    top = {row[0]: Decimal(row[1]) for row in figures["top"]}
    assert top == dict(by["seller"])
    assert [Decimal(row[1]) for row in figures["top"]] == sorted(top.values(), reverse=True)


def test_the_exhibitors_are_counted_from_their_rows(fair):
    edition = fair["edition"]
    figures = selectors.compute(edition)["exhibitors"]
    active = [
        e
        for e in Exhibitor.objects.filter(edition=edition).select_related("organisation")
        if e.status == Exhibitor.Status.ACTIVE
    ]
    came_before = {
        e.organisation_id
        for e in Exhibitor.objects.filter(edition__series=edition.series)
        if e.edition.number < edition.number and e.status == Exhibitor.Status.ACTIVE
    }
    assert figures["total"] == len(active) == 5  # the withdrawn one left out
    assert figures["womens_cooperatives"] == sum(
        1 for e in active if e.organisation.kind == "cooperative" and e.organisation.women_led
    )
    assert figures["womens_cooperatives"] == 2
    # Two came to the 2nd edition; the one that withdrew from it is a first-timer still.
    assert figures["first_timers"] == len(
        [e for e in active if e.organisation_id not in came_before]
    )
    assert figures["first_timers"] == 3
    assert dict(figures["by_sector"]) == dict(Counter(e.organisation.sector for e in active))
    assert dict(figures["by_kind"]) == dict(Counter(e.organisation.kind for e in active))
    assert {r["key"]: r["value"] for r in figures["by_province"]} == dict(
        Counter(e.organisation.province_id for e in active)
    )


def test_the_visitors_are_counted_from_the_gates_taps(fair):
    edition = fair["edition"]
    figures = selectors.compute(edition)["visitors"]
    counts = list(Count.objects.filter(edition=edition, direction="in"))
    assert figures["total"] == sum(c.amount for c in counts) == 569
    by_day = Counter()
    by_gate = Counter()
    by_hour = Counter()
    for c in counts:
        by_day[c.day.isoformat()] += c.amount
        by_gate[str(c.gate_id)] += c.amount
        by_hour[(c.day.isoformat(), fair_hour(c.at))] += c.amount
    assert {d: n for d, n in figures["by_day"] if n} == dict(by_day)
    assert len(figures["by_day"]) == edition.days  # every day of the fair, even empty
    assert {g["key"]: g["value"] for g in figures["by_gate"]} == dict(by_gate)
    (day, hour), most = by_hour.most_common(1)[0]
    assert figures["peak"] == {"day": day, "hour": hour, "value": most}
    assert most == 209  # 210 less the double tap
    survey = figures["survey"]
    assert survey["answers"] == 3
    assert Decimal(survey["satisfaction"]) == Decimal("4.0")
    assert dict(survey["again"]) == {"yes": 2, "maybe": 0, "no": 1}


def fair_hour(moment):
    from django.utils import timezone

    return timezone.localtime(moment, timezone.get_default_timezone()).hour


def test_the_programme_b2b_awards_and_partners(fair):
    figures = selectors.compute(fair["edition"])
    assert figures["programme"] == {
        "sessions": 2,
        "registrations": 2,  # the cancelled one left out
        "attendance": 2,
        "certificates": 0,
    }
    b2b = figures["b2b"]
    assert (b2b["requests"], b2b["scheduled"], b2b["held"]) == (3, 2, 2)
    # One deal, reported by both sides with different amounts: counted once, at the larger.
    assert (b2b["deals"], Decimal(b2b["deals_amount"])) == (1, Decimal("5200.00"))
    assert [a["name_en"] for a in figures["awards"]] == ["Highest sales"]
    assert (
        figures["awards"][0]["winners"][0]["name_fr"] == fair["exhibitors"][0].organisation.name_fr
    )
    assert [p["name_fr"] for p in figures["partners"]] == ["Marjane Nord"]


def test_an_edition_with_nothing_recorded_has_no_part(edition):
    figures = selectors.compute(edition)
    assert selectors.is_empty(figures)
