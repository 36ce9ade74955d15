"""Jurors at the same instant, on PostgreSQL (where requests really run in parallel): a sheet
sent several times at once (a double tap on a phone) is saved once, and marks racing the
chair's lock are either in the locked result's data or refused, never half-saved."""

import pytest

from maarid.awards import services
from maarid.awards.models import Result, Score
from tests.conftest import ensure_places, make_user
from tests.visitors.test_concurrency_postgres import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seat(organiser, edition, stands):
    ensure_places()
    category = services.create_category(
        actor=organiser, edition=edition, kind="judged", name_fr="Meilleur produit"
    )
    category.taste = services.add_criterion(actor=organiser, category=category, name_fr="Goût")
    category.look = services.add_criterion(actor=organiser, category=category, name_fr="Aspect")
    return services.add_juror(
        actor=organiser, category=category, user=make_user("chair"), chair=True
    )


def test_a_sheet_sent_six_times_at_once_is_saved_once(seat, stands):
    category = seat.category

    def send(i):
        return services.score(
            actor=seat.user,
            juror=seat,
            exhibitor=stands["tanja"],
            marks={category.taste.pk: 7, category.look.pk: 4 + i % 2},
        )

    _results, errors = at_once(6, send)
    assert not errors
    assert Score.objects.filter(juror=seat).count() == 2


def test_marks_racing_the_lock_are_in_the_result_or_refused(seat, stands, organiser):
    category = seat.category
    services.score(
        actor=seat.user, juror=seat, exhibitor=stands["nador"], marks={category.taste.pk: 5}
    )
    services.compute(actor=seat.user, category=category)
    booths = [stands["tanja"], stands["amal"], stands["coral"], stands["dinanderie"]]

    def work(i):
        if i == 0:
            return services.lock(actor=seat.user, category=category)
        return services.score(
            actor=seat.user, juror=seat, exhibitor=booths[i - 1], marks={category.taste.pk: 9}
        )

    _results, errors = at_once(5, work)
    assert all("locked" in str(e) for e in errors), errors
    result = Result.objects.get(category=category)
    assert result.locked
    # Whatever was saved went in before the lock; nothing after it.
    assert all(s.scored_at <= result.locked_at for s in Score.objects.all())
