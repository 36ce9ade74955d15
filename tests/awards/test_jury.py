"""Jury work: jurors mark the exhibitors who may win, on the criteria's scales; a juror who
belongs to an exhibiting organisation is recused from it, and may declare other conflicts;
every mark and change is audited; the chair locks the results, after which nothing moves."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maarid.awards import selectors, services
from maarid.awards.models import Score
from maarid.core.models import AuditEvent
from maarid.registry.models import Membership
from tests.catalogue.conftest import jpeg, upload
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def best_product(organiser, edition, stands):
    category = services.create_category(
        actor=organiser,
        edition=edition,
        kind="judged",
        name_ar="أفضل منتوج",
        name_fr="Meilleur produit",
        name_en="Best product",
        places=1,
        eligible_kinds=["cooperative"],
    )
    category.taste = services.add_criterion(
        actor=organiser, category=category, name_fr="Goût", weight=2, low=0, high=10
    )
    category.look = services.add_criterion(
        actor=organiser, category=category, name_fr="Présentation", weight=1, low=1, high=5
    )
    return category


@pytest.fixture
def jury(organiser, best_product, juror, exhibitor):
    """Three jurors: the chair, the series' juror, and the cooperative Al Amal's own member."""
    chair = make_user("chair")
    return {
        "chair": services.add_juror(actor=organiser, category=best_product, user=chair, chair=True),
        "juror": services.add_juror(actor=organiser, category=best_product, user=juror),
        "member": services.add_juror(actor=organiser, category=best_product, user=exhibitor),
    }


def mark(seat, stand, taste, look, **extra):
    category = seat.category
    return services.score(
        actor=seat.user,
        juror=seat,
        exhibitor=stand,
        marks={category.taste.pk: taste, category.look.pk: look},
        **extra,
    )


def test_a_member_of_an_exhibiting_organisation_is_recused_from_it(jury, stands):
    with pytest.raises(ValidationError, match="member of this organisation"):
        mark(jury["member"], stands["amal"], 10, 5)
    assert not Score.objects.exists()
    mark(jury["member"], stands["tanja"], 6, 3)  # the others they may score
    assert selectors.recusals(jury["member"])[stands["amal"].pk].automatic


def test_a_juror_declares_a_conflict_and_can_no_longer_score_nor_count(
    jury, stands, best_product, organiser
):
    mark(jury["juror"], stands["tanja"], 9, 5)
    services.declare_conflict(
        actor=jury["juror"].user, juror=jury["juror"], exhibitor=stands["tanja"], reason="cousin"
    )
    with pytest.raises(ValidationError, match="declared a conflict"):
        mark(jury["juror"], stands["tanja"], 10, 5)
    mark(jury["chair"], stands["tanja"], 2, 1)
    mark(jury["chair"], stands["nador"], 4, 2)
    result = services.compute(actor=organiser, category=best_product)
    # The juror's 9/10 for Tanja no longer counts: the chair's marks alone place Nador first.
    assert [w.exhibitor_id for w in selectors.winners_of(result)] == [stands["nador"].pk]
    with pytest.raises(PermissionDenied):  # nobody declares for another juror
        services.declare_conflict(
            actor=jury["chair"].user, juror=jury["juror"], exhibitor=stands["nador"]
        )


@pytest.mark.parametrize("taste, look", [(11, 3), (5, 0), (-1, 3)])
def test_a_mark_off_the_scale_is_refused_and_nothing_is_saved(jury, stands, taste, look):
    with pytest.raises(ValidationError, match="is from"):
        mark(jury["juror"], stands["tanja"], taste, look)
    assert not Score.objects.exists()


def test_only_the_juror_marks_on_their_seat_and_only_eligible_exhibitors(jury, stands):
    with pytest.raises(PermissionDenied):
        services.score(
            actor=jury["chair"].user,
            juror=jury["juror"],
            exhibitor=stands["tanja"],
            marks={jury["juror"].category.taste.pk: 5},
        )
    with pytest.raises(ValidationError, match="cannot win this award"):
        mark(jury["juror"], stands["coral"], 5, 3)  # an association: cooperatives only


def test_marking_again_changes_the_mark_and_every_change_is_audited(jury, stands):
    mark(jury["juror"], stands["tanja"], 5, 3)
    mark(jury["juror"], stands["tanja"], 7, 3, note="Huile très fine")
    taste = Score.objects.get(criterion=jury["juror"].category.taste)
    assert (taste.value, taste.note) == (7, "Huile très fine")
    events = AuditEvent.objects.filter(model="awards.score", user=jury["juror"].user)
    assert events.filter(action="create").count() == 2
    change = events.get(action="update", object_id=str(taste.pk))
    assert change.changes["value"] == [5, 7]


def test_a_photo_is_checked_by_its_content(jury, stands):
    [first, _] = mark(jury["juror"], stands["tanja"], 5, 3, photo=jpeg())
    assert first.photo.startswith("awards/photos/") and first.photo.endswith(".jpg")
    with pytest.raises(ValidationError):
        mark(jury["juror"], stands["nador"], 5, 3, photo=upload("x.jpg", b"<script>"))
    assert not Score.objects.filter(exhibitor=stands["nador"]).exists()


def test_progress_counts_complete_sheets_out_of_what_each_juror_has_to_score(
    jury, stands, best_product
):
    mark(jury["juror"], stands["tanja"], 5, 3)
    services.score(
        actor=jury["juror"].user,
        juror=jury["juror"],
        exhibitor=stands["nador"],
        marks={best_product.taste.pk: 4},
    )
    found = {p.juror.pk: p for p in selectors.progress(best_product)}
    # Three cooperatives may win (Al Amal, Tanja, Nador); the member is recused from Al Amal.
    assert (found[jury["juror"].pk].done, found[jury["juror"].pk].started) == (1, 1)
    assert found[jury["juror"].pk].due == 3
    assert found[jury["member"].pk].due == 2


def test_the_chair_locks_and_nothing_changes_after(jury, stands, best_product, organiser):
    mark(jury["juror"], stands["tanja"], 9, 5)
    mark(jury["chair"], stands["nador"], 8, 4)
    services.compute(actor=jury["chair"].user, category=best_product)
    with pytest.raises(PermissionDenied):
        services.lock(actor=jury["juror"].user, category=best_product)
    with pytest.raises(PermissionDenied):  # the organisers do not lock a jury's results
        services.lock(actor=organiser, category=best_product)
    services.lock(actor=jury["chair"].user, category=best_product)
    with pytest.raises(ValidationError, match="locked"):
        mark(jury["juror"], stands["tanja"], 1, 1)
    with pytest.raises(ValidationError, match="locked"):
        services.compute(actor=organiser, category=best_product)
    with pytest.raises(ValidationError, match="locked"):
        services.add_juror(actor=organiser, category=best_product, user=make_user("late"))
    with pytest.raises(ValidationError, match="locked"):
        services.declare_conflict(
            actor=jury["juror"].user, juror=jury["juror"], exhibitor=stands["nador"]
        )
    assert Score.objects.get(juror=jury["juror"], criterion=best_product.taste).value == 9
    services.publish(actor=organiser, category=best_product)
    [shown] = selectors.published(best_product.edition)
    assert [w.exhibitor_id for w in shown.winners] == [stands["tanja"].pk]


def test_results_are_published_only_once_locked(jury, best_product, organiser, stands):
    mark(jury["juror"], stands["tanja"], 9, 5)
    services.compute(actor=organiser, category=best_product)
    with pytest.raises(ValidationError, match="Only locked results"):
        services.publish(actor=organiser, category=best_product)
    assert selectors.published(best_product.edition) == []


def test_a_new_member_is_recused_at_once(jury, stands, organiser):
    Membership.objects.create(
        user=jury["juror"].user,
        organisation=stands["nador"].organisation,
        status=Membership.Status.ACTIVE,
    )
    with pytest.raises(ValidationError, match="member of this organisation"):
        mark(jury["juror"], stands["nador"], 5, 3)


def test_criteria_are_fixed_once_scoring_began(jury, stands, organiser, best_product):
    mark(jury["juror"], stands["tanja"], 5, 3)
    with pytest.raises(ValidationError, match="started scoring"):
        services.add_criterion(actor=organiser, category=best_product, name_fr="Prix")
    with pytest.raises(ValidationError, match="scale"):
        services.add_criterion(
            actor=organiser, category=best_product, name_fr="Prix", low=5, high=5
        )


def test_winners_of_locked_results_get_certificates_anyone_can_check(
    jury, stands, best_product, organiser
):
    from django.test import Client

    from maarid.core.models import Certificate

    with pytest.raises(ValidationError, match="nobody to certify"):
        services.issue_certificates(actor=organiser, edition=best_product.edition)
    mark(jury["juror"], stands["tanja"], 9, 5)
    services.compute(actor=organiser, category=best_product)
    with pytest.raises(ValidationError, match="nobody to certify"):  # not locked yet
        services.issue_certificates(actor=organiser, edition=best_product.edition)
    services.lock(actor=jury["chair"].user, category=best_product)
    with pytest.raises(PermissionDenied):
        services.issue_certificates(actor=jury["chair"].user, edition=best_product.edition)
    [certificate] = services.issue_certificates(actor=organiser, edition=best_product.edition)
    assert certificate.holder_name_latin == "Coopérative Tanja 1955"
    assert certificate.lines[0] == {
        "ar": "الفائز بجائزة «أفضل منتوج»",
        "fr": "lauréat du prix « Meilleur produit »",
    }
    # Made again: nothing is issued twice.
    services.issue_certificates(actor=organiser, edition=best_product.edition)
    assert Certificate.objects.count() == 1
    page = Client().get(certificate.get_absolute_url())
    assert page.status_code == 200 and "Coopérative Tanja 1955" in page.content.decode()
