"""Gate counting: a phone's taps are recorded once however often they are sent, bounded,
never below zero, on the fair's day as the server counts it; closed days flag late counts."""

import datetime
import uuid

import pytest
from django.utils import timezone

from maarid.core.models import ApiToken
from maarid.visitors import selectors, services
from maarid.visitors.models import Count

from .conftest import GateClient, count

pytestmark = pytest.mark.django_db


def test_a_batch_sent_three_times_counts_once(app, north):
    batch = {"counts": [count(north, 1), count(north, 5), count(north, 1)]}
    first = app.post("counts", batch)
    assert first.status_code == 200
    assert all(r["created"] for r in first.json()["results"])
    for _ in range(2):
        again = app.post("counts", batch)
        assert again.status_code == 200
        assert not any(r["created"] for r in again.json()["results"])
    assert selectors.edition_visitors(north.edition) == 7
    assert Count.objects.count() == 3


def test_the_same_key_twice_in_one_batch_counts_once(app, north):
    one = count(north, 5)
    answer = app.post("counts", {"counts": [one, one]})
    assert answer.status_code == 200
    assert selectors.edition_visitors(north.edition) == 5


@pytest.mark.parametrize("amount", [0, -6, 501, 32767, -32768])
def test_an_increment_out_of_bounds_is_refused_and_nothing_is_saved(app, north, amount):
    answer = app.post("counts", {"counts": [count(north, 3), count(north, amount)]})
    assert answer.status_code == 422
    assert "counts[1]" in answer.json()["detail"]
    assert "between -5 and 500" in answer.json()["detail"]["counts[1]"][0]
    assert Count.objects.count() == 0


def test_a_huge_number_is_refused_by_the_schema_not_a_500(app, north):
    answer = app.post("counts", {"counts": [count(north, 10**12)]})
    assert answer.status_code == 422


def test_a_correction_may_not_take_the_count_below_zero(app, north):
    assert app.post("counts", {"counts": [count(north, 1)]}).status_code == 200
    assert app.post("counts", {"counts": [count(north, -1)]}).status_code == 200
    answer = app.post("counts", {"counts": [count(north, -1)]})
    assert answer.status_code == 422
    assert "below zero" in answer.json()["detail"]["counts[0]"][0]
    assert selectors.edition_visitors(north.edition) == 0


def test_a_correction_within_the_same_batch_is_allowed(app, north):
    answer = app.post("counts", {"counts": [count(north, 5), count(north, -1)]})
    assert answer.status_code == 200
    assert selectors.edition_visitors(north.edition) == 4


def test_a_gate_of_another_fair_is_refused(app, north, other_organiser, other_series):
    answer = app.post("counts", {"counts": [{**count(north), "gate": 999999}]})
    assert answer.status_code == 422
    assert "not one of this edition" in answer.json()["detail"]["counts[0]"][0]


@pytest.mark.parametrize(
    "clock",
    ["1999-01-01T10:00:00+00:00", "2999-01-01T10:00:00+00:00", "0001-01-01T00:00:00+00:00"],
)
def test_a_phone_clock_far_off_is_not_believed(app, north, clock, today):
    answer = app.post("counts", {"counts": [count(north, 2, counted_at=clock, offline=True)]})
    assert answer.status_code == 200
    result = answer.json()["results"][0]
    assert result["clock_wrong"] is True
    assert result["day"] == today.isoformat()


def test_a_sane_offline_clock_puts_the_count_on_its_day(app, north, today):
    yesterday_noon = timezone.localtime().replace(hour=12, minute=0) - datetime.timedelta(days=1)
    answer = app.post(
        "counts",
        {"counts": [count(north, 2, counted_at=yesterday_noon.isoformat(), offline=True)]},
    )
    result = answer.json()["results"][0]
    assert result["clock_wrong"] is False
    assert result["day"] == (today - datetime.timedelta(days=1)).isoformat()


def test_a_naive_clock_is_refused_with_a_message(app, north):
    answer = app.post("counts", {"counts": [count(north, 1, counted_at="2024-06-01T10:00:00")]})
    assert answer.status_code == 422


def test_counts_after_closing_are_kept_and_flagged(app, north, organiser, today):
    app.post("counts", {"counts": [count(north, 10)]})
    closing = services.close_day(actor=organiser, edition=north.edition, day=today)
    assert closing.entries == 10
    answer = app.post("counts", {"counts": [count(north, 3)]})
    assert answer.json()["results"][0]["late"] is True
    figures = selectors.footfall(north.edition, today)
    assert figures.day_entries == 13
    assert figures.late == 3
    assert figures.closing.entries == 10


def test_a_day_is_closed_once_and_not_before_it_begins(north, organiser, today):
    services.close_day(actor=organiser, edition=north.edition, day=today)
    with pytest.raises(Exception, match="already closed"):
        services.close_day(actor=organiser, edition=north.edition, day=today)
    with pytest.raises(Exception, match="once it has begun"):
        services.close_day(
            actor=organiser, edition=north.edition, day=today + datetime.timedelta(days=1)
        )


def test_people_inside_are_estimated_from_the_gates_counting_exits(app, north, south, today):
    """Half of those who came in by the south gate left by it: half of everyone is taken to
    have left (the north gate counts no exits)."""
    app.post(
        "counts",
        {"counts": [count(north, 50), count(south, 20), count(south, 10, direction="out")]},
    )
    figures = selectors.footfall(north.edition, today)
    assert (figures.day_entries, figures.day_exits, figures.inside) == (70, 10, 35)


def test_people_inside_are_entries_less_exits_when_every_gate_counts_them(app, south, today):
    app.post("counts", {"counts": [count(south, 20), count(south, 30, direction="out")]})
    assert selectors.footfall(south.edition, today).inside == 0
    app.post("counts", {"counts": [count(south, 25)]})
    assert selectors.footfall(south.edition, today).inside == 15


def test_nobody_is_said_inside_when_no_gate_counts_exits(app, north, today):
    app.post("counts", {"counts": [count(north, 5)]})
    assert selectors.footfall(north.edition, today).inside is None


def test_a_revoked_phone_cannot_count(app, phone, north, organiser):
    services.revoke_device(actor=organiser, device=phone)
    assert app.post("counts", {"counts": [count(north)]}).status_code in (401, 403)


def test_a_sales_phone_or_a_person_token_cannot_count(north, organiser):
    _token, raw = ApiToken.issue(organiser, "person")
    assert GateClient(raw).post("counts", {"counts": [count(north)]}).status_code == 401
    _token, raw = ApiToken.issue(organiser, "device but no gate phone", device=True)
    assert GateClient(raw).post("counts", {"counts": [count(north)]}).status_code == 403


def test_a_gate_phone_cannot_sell(app, phone):
    answer = app.client.get("/api/v1/sales/device", **app.headers)
    assert answer.status_code == 403


def test_the_phone_learns_its_gates_and_key(app, phone, north, south, today):
    answer = app.get("gate")
    assert answer.status_code == 200
    body = answer.json()
    assert body["gate"] == north.pk
    assert [g["name"] for g in body["gates"]] == ["Porte nord", "Porte sud"]
    assert len(body["public_key"]) == 43  # 32 bytes, base64url
    assert body["today"] == today.isoformat()


def test_a_batch_too_large_is_refused(app, north):
    answer = app.post("counts", {"counts": [count(north) for _ in range(501)]})
    assert answer.status_code == 422


def test_messages_follow_the_phone_language(phone, north):
    arabic = GateClient(phone.raw_token, language="ar")
    answer = arabic.post("counts", {"counts": [count(north, 0)]})
    assert answer.status_code == 422


def test_a_malformed_key_is_a_422(app, north):
    answer = app.post("counts", {"counts": [{**count(north), "key": "not-a-uuid"}]})
    assert answer.status_code == 422
    assert Count.objects.count() == 0


def test_keys_are_per_edition(app, north):
    key = str(uuid.uuid4())
    app.post("counts", {"counts": [{**count(north, 2), "key": key}]})
    app.post("counts", {"counts": [{**count(north, 2), "key": key}]})
    assert selectors.edition_visitors(north.edition) == 2
