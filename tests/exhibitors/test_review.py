"""The reviewers' pages and the organisers' review board, through the pages."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from maarid.exhibitors import scoring, services
from maarid.exhibitors.models import Review
from maarid.registry.models import Membership
from tests.conftest import client_for
from tests.exhibitors.conftest import applicant, marked, submitted

pytestmark = pytest.mark.django_db


def url(name, call, *args):
    edition = call.edition
    with translation.override("en"):
        return reverse(f"exhibitors:{name}", args=[edition.series.slug, edition.number, *args])


def marks_post(call, marks, comment=""):
    return {
        **{f"criterion_{c.pk}": str(marks[c.pk]) for c in call.criteria.all()},
        "comment": comment,
    }


@pytest.fixture
def assigned(call, series, reviewers, organiser):
    """Two applications; the first reviewer reviews the first, the second the second."""
    first = submitted(call, *applicant(series, "Coop Tilila"))
    second = submitted(call, *applicant(series, "Coop Amal"))
    return (
        services.assign(actor=organiser, application=first, reviewer=reviewers[0]),
        services.assign(actor=organiser, application=second, reviewer=reviewers[1]),
    )


# --- The reviewers' pages -----------------------------------------------------------------


def test_a_reviewer_sees_only_their_own_assignments(call, reviewers, assigned):
    mine, theirs = assigned
    client = client_for(reviewers[0])
    page = client.get(url("my-reviews", call)).content.decode()
    assert "Coop Tilila" in page and "Coop Amal" not in page
    assert url("review", call, mine.pk) in page
    assert client.get(url("review", call, mine.pk)).status_code == 200
    # Another reviewer's review does not exist for them, not even to post to.
    assert client.get(url("review", call, theirs.pk)).status_code == 404
    marks = {c.pk: 5 for c in call.criteria.all()}
    response = client.post(url("review", call, theirs.pk), marks_post(call, marks))
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["exhibitor", "organiser", "juror", "other_organiser"])
def test_only_the_series_reviewers_open_my_reviews(call, who, request):
    user = request.getfixturevalue(who)
    assert client_for(user).get(url("my-reviews", call)).status_code == 403


def test_a_reviewer_of_another_series_cannot_open_the_list(call, other_series):
    from maarid.core.access import Role
    from tests.conftest import make_user, with_role

    outsider = with_role(make_user("rev-oriental"), other_series, Role.REVIEWER)
    assert client_for(outsider).get(url("my-reviews", call)).status_code == 403


def test_the_review_page_shows_the_application_but_no_other_reviewers_marks(
    call, series, reviewers, organiser
):
    application = submitted(call, *applicant(series, "Coop Tilila"))
    application.motivation = "Nos tapis de Chefchaouen"
    application.save()
    own = services.assign(actor=organiser, application=application, reviewer=reviewers[0])
    marked(application, reviewers[1], 3)  # the other reviewer's total is 3.00
    page = client_for(reviewers[0]).get(url("review", call, own.pk)).content.decode()
    assert "Coop Tilila" in page and "Nos tapis de Chefchaouen" in page
    assert "Miel de thym" in page  # the product to bring
    for criterion in call.criteria.all():
        assert escape(criterion.name_fr) in page
    assert page.count('type="radio"') == 11 * call.criteria.count()
    assert "3.00" not in page and "3,00" not in page


def test_scoring_through_the_page_stores_the_weighted_total(call, reviewers, assigned):
    review = assigned[0]
    criteria = list(call.criteria.all())
    marks = {c.pk: n % 11 for n, c in enumerate(criteria, start=3)}
    response = client_for(reviewers[0]).post(
        url("review", call, review.pk), marks_post(call, marks, "Très bon dossier")
    )
    assert response.status_code == 302
    review.refresh_from_db()
    expected = scoring.weighted_total(marks, {c.pk: c.weight for c in criteria})
    assert review.total == expected and review.submitted_at is not None
    assert review.comment == "Très bon dossier"
    assert dict(review.scores.values_list("criterion_id", "value")) == marks
    # Weighted, not a plain mean: the first criterion (weight 3) counts more.
    assert expected != (Decimal(sum(marks.values())) / len(marks)).quantize(Decimal("0.01"))


def test_a_review_with_a_missing_mark_is_refused(call, reviewers, assigned):
    review = assigned[0]
    data = marks_post(call, {c.pk: 5 for c in call.criteria.all()})
    data.pop(f"criterion_{call.criteria.first().pk}")
    response = client_for(reviewers[0]).post(url("review", call, review.pk), data)
    assert response.status_code == 400
    review.refresh_from_db()
    assert review.total is None


def test_the_service_refusal_is_shown_after_publication(call, reviewers, assigned, organiser):
    review = assigned[0]
    services.publish_decisions(actor=organiser, call=call)
    response = client_for(reviewers[0]).post(
        url("review", call, review.pk), marks_post(call, {c.pk: 5 for c in call.criteria.all()})
    )
    assert response.status_code == 400
    assert "reviews are closed" in response.content.decode()


# --- The board and assignment -------------------------------------------------------------


def test_automatic_assignment_through_the_board(call, series, reviewers, organiser):
    conflicted = reviewers[0]
    applications = [submitted(call, *applicant(series, f"Coop {n}")) for n in range(7)]
    # The first reviewer is a member (pending, not declined) of one applicant.
    Membership.objects.create(user=conflicted, organisation=applications[2].organisation)
    response = client_for(organiser).post(url("assign", call), {"auto": "1"})
    assert response.status_code == 302
    for application in applications:
        reviewers_of = set(application.reviews.values_list("reviewer_id", flat=True))
        assert len(reviewers_of) >= call.reviewers_per_application
    assert conflicted.pk not in set(applications[2].reviews.values_list("reviewer_id", flat=True))
    loads = [Review.objects.filter(reviewer=r).count() for r in reviewers]
    assert sum(loads) == 14 and max(loads) - min(loads) <= 1
    # Running it again assigns nothing more.
    client_for(organiser).post(url("assign", call), {"auto": "1"})
    assert Review.objects.count() == 14


def test_manual_assignment_refuses_a_conflicted_reviewer(call, series, reviewers, organiser):
    organisation, _member = applicant(series, "Coop Tilila")
    application = submitted(call, organisation, _member)
    Membership.objects.create(
        user=reviewers[0], organisation=organisation, status=Membership.Status.ACTIVE
    )
    client = client_for(organiser)
    response = client.post(
        url("assign", call),
        {"application": application.pk, "reviewer": reviewers[0].pk},
        follow=True,
    )
    assert "belongs to the applicant" in response.content.decode()
    assert not application.reviews.exists()
    client.post(url("assign", call), {"application": application.pk, "reviewer": reviewers[1].pk})
    assert list(application.reviews.values_list("reviewer_id", flat=True)) == [reviewers[1].pk]


def test_someone_who_is_not_a_reviewer_cannot_be_assigned(call, series, organiser, exhibitor):
    application = submitted(call, *applicant(series, "Coop Tilila"))
    response = client_for(organiser).post(
        url("assign", call), {"application": application.pk, "reviewer": exhibitor.pk}, follow=True
    )
    assert "not a reviewer" in response.content.decode()
    assert not application.reviews.exists()


def test_the_board_shows_progress_totals_and_disagreements(call, series, reviewers, organiser):
    split = submitted(call, *applicant(series, "Coop Split"))
    agreed = submitted(call, *applicant(series, "Coop Agreed"))
    marked(split, reviewers[0], 2), marked(split, reviewers[1], 9)
    marked(agreed, reviewers[0], 7), marked(agreed, reviewers[1], 8)
    page = client_for(organiser).get(url("board", call)).content.decode()
    assert "Disagreements, largest first" in page
    disagreements = page.split("Disagreements, largest first")[1].split("</section>")[0]
    assert "Coop Split" in disagreements and "Coop Agreed" not in disagreements
    assert "7 points apart" in disagreements
    # Each reviewer's total is shown to the organisers, with the combined score.
    assert "2" in page and "9" in page and "5.5" in page
    assert "plain mean" in page  # the aggregation in use, explained
    filtered = client_for(organiser).get(url("board", call) + "?disagreement=on")
    rows = filtered.content.decode().split("<tbody>")[1]
    assert "Coop Split" in rows and "Coop Agreed" not in rows


def test_the_board_filters_by_sector_and_says_when_scores_are_normalised(call, series, organiser):
    submitted(call, *applicant(series, "Coop Argan", sector="cosmetics"))
    submitted(call, *applicant(series, "Coop Miel", sector="terroir"))
    call.aggregation = "normalised"
    call.save()
    page = client_for(organiser).get(url("board", call) + "?sector=cosmetics").content.decode()
    rows = page.split("<tbody>")[1]
    assert "Coop Argan" in rows and "Coop Miel" not in rows
    assert "harsh and lenient reviewers" in page


def test_the_board_is_for_the_series_organisers(call, other_organiser, reviewers, series):
    application = submitted(call, *applicant(series, "Coop Tilila"))
    client = client_for(other_organiser)
    assert client.get(url("board", call)).status_code == 403
    assert client.post(url("assign", call), {"auto": "1"}).status_code == 403
    response = client.post(
        url("assign", call), {"application": application.pk, "reviewer": reviewers[0].pk}
    )
    assert response.status_code == 403
    assert client_for(reviewers[0]).get(url("board", call)).status_code == 403
    assert not Review.objects.exists()
