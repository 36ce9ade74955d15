"""Saving a venue: whole plans checked before anything is written, booths kept by number,
the layout generator, last edition's plan copied, one booth edited, publishing; audited."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maarid.core import access, audit
from maarid.core.audit import history
from maarid.exhibitors.models import Exhibitor
from maarid.fairs.models import Edition
from maarid.floorplan import geometry, selectors, services
from maarid.floorplan.models import Assignment, Booth, Venue
from tests.conftest import make_organisation
from tests.floorplan.conftest import small_plan, square

pytestmark = pytest.mark.django_db


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def test_a_saved_plan_reads_back_the_same(venue):
    assert selectors.plan_of(venue) == small_plan()
    assert venue.latitude == Decimal("35.578500")
    assert [b.area_m2 for b in selectors.booth_list(venue)] == [Decimal("9.00")] * 3


def test_a_plan_breaking_the_rules_is_refused_with_the_booths_named_and_nothing_saved(
    edition, organiser
):
    plan = small_plan()
    plan.booths[1].outline = square(9.5, 8)
    plan.booths[2].outline = square(33, 8)
    with pytest.raises(ValidationError) as refused:
        services.save_plan(actor=organiser, edition=edition, plan=plan)
    said = messages(refused.value)
    assert "Booth A1 and booth A2 overlap." in said
    assert "Booth A3 lies outside tent A." in said
    assert not Venue.objects.exists()
    assert not Booth.objects.exists()


def test_saving_again_keeps_the_booths_by_number_and_who_was_placed(venue, edition, organiser):
    exhibitor = Exhibitor.objects.create(edition=edition, organisation=make_organisation())
    a2 = venue.booths.get(number="A2")
    services.place(actor=organiser, exhibitor=exhibitor, booth=a2)
    plan = small_plan()
    plan.booths[1].water = False
    plan.booths.pop(0)  # A1 goes
    services.save_plan(actor=organiser, edition=edition, plan=plan)
    assert venue.booths.get(number="A2").pk == a2.pk
    assert Assignment.objects.get().booth_id == a2.pk
    assert sorted(venue.booths.values_list("number", flat=True)) == ["A2", "A3"]


def test_a_booth_announced_to_an_exhibitor_cannot_be_taken_away(venue, edition, organiser):
    exhibitor = Exhibitor.objects.create(edition=edition, organisation=make_organisation())
    assignment = services.place(
        actor=organiser, exhibitor=exhibitor, booth=venue.booths.get(number="A1")
    )
    Assignment.objects.filter(pk=assignment.pk).update(announced=True)
    plan = small_plan()
    plan.booths.pop(0)
    with pytest.raises(ValidationError) as refused:
        services.save_plan(actor=organiser, edition=edition, plan=plan)
    assert "Booth A1 was announced to Coopérative Al Amal" in messages(refused.value)
    assert venue.booths.count() == 3


def test_only_the_organisers_of_the_series_save_a_plan(edition, exhibitor, other_organiser):
    for user in (exhibitor, other_organiser):
        with pytest.raises(PermissionDenied):
            services.save_plan(actor=user, edition=edition, plan=small_plan())


def layout(edition, organiser, **changes):
    fields = {
        "name": "B",
        "kind": "tent",
        "x": 0,
        "y": 0,
        "width": 30,
        "depth": 20,
        "booth_width": 3,
        "booth_depth": 3,
        "aisle": 3,
        "numbering": "B",
        "electricity": True,
    }
    return services.generate_layout(actor=organiser, edition=edition, **{**fields, **changes})


def test_the_generator_draws_a_tent_with_rows_of_numbered_booths(edition, organiser):
    venue = layout(edition, organiser)
    booths = selectors.booth_list(venue)
    assert [b.number for b in booths[:3]] == ["B1", "B2", "B3"]
    assert len(booths) == 32
    assert all(b.structure.name == "B" and b.electricity for b in booths)
    assert [b.kind for b in booths[:8]] == ["corner"] + ["standard"] * 6 + ["corner"]
    assert geometry.problems(selectors.plan_of(venue)) == []


def test_drawing_a_tent_again_replaces_it_and_keeps_its_booths_by_number(edition, organiser):
    venue = layout(edition, organiser)
    first = venue.booths.get(number="B1").pk
    layout(edition, organiser, width=20)
    assert venue.booths.count() == 4 * 4
    assert venue.booths.get(number="B1").pk == first


def test_the_generator_refuses_what_cannot_be_drawn(edition, venue, organiser):
    with pytest.raises(ValidationError) as refused:
        layout(edition, organiser, width=5)
    assert "Not one booth fits" in messages(refused.value)
    with pytest.raises(ValidationError) as refused:
        layout(edition, organiser, x=30)  # across tent A
    assert "Tent A and tent B overlap." in messages(refused.value)
    with pytest.raises(ValidationError) as refused:
        layout(edition, organiser, x=0, y=26, numbering="A")  # A1 exists in tent A
    assert "Booth A1 appears twice." in messages(refused.value)
    with pytest.raises(ValidationError) as refused:
        layout(edition, organiser, booth_width=0.01)
    assert refused.value.message_dict["booth_width"]
    assert venue.structures.count() == 1


def next_edition(edition, number=4):
    return Edition.objects.create(
        series=edition.series,
        number=number,
        city_id=edition.city_id,
        starts_on=edition.starts_on + datetime.timedelta(days=365),
        ends_on=edition.ends_on + datetime.timedelta(days=365),
    )


def test_last_editions_plan_is_copied_without_its_exhibitors(venue, edition, organiser):
    exhibitor = Exhibitor.objects.create(edition=edition, organisation=make_organisation())
    services.edit_booth(
        actor=organiser, booth=venue.booths.get(number="A1"), fixed=exhibitor.organisation.slug
    )
    following = next_edition(edition)
    copied = services.copy_previous(actor=organiser, edition=following)
    expected = small_plan()
    assert selectors.plan_of(copied) == expected
    assert copied.edition == following and not copied.published


def test_copying_is_refused_without_an_earlier_plan_or_once_exhibitors_are_placed(
    venue, edition, organiser
):
    with pytest.raises(ValidationError) as refused:
        services.copy_previous(actor=organiser, edition=edition)
    assert "No earlier edition" in messages(refused.value)
    following = next_edition(edition)
    copied = services.copy_previous(actor=organiser, edition=following)
    exhibitor = Exhibitor.objects.create(edition=following, organisation=make_organisation())
    services.place(actor=organiser, exhibitor=exhibitor, booth=copied.booths.first())
    with pytest.raises(ValidationError) as refused:
        services.copy_previous(actor=organiser, edition=following)
    assert "already placed" in messages(refused.value)


def test_one_booth_is_edited_and_the_whole_plan_checked(venue, organiser):
    a1 = venue.booths.get(number="A1")
    services.edit_booth(
        actor=organiser,
        booth=a1,
        number="A10",
        kind="double",
        outline=geometry.rectangle(20, 8, 6, 3),
        water=True,
    )
    a1.refresh_from_db()
    assert (a1.number, a1.kind, a1.area_m2, a1.water) == ("A10", "double", Decimal("18.00"), True)
    a2 = venue.booths.get(number="A2")
    for changes, said in [
        ({"outline": square(12, 8)}, "Booth A2 and booth A3 overlap."),
        ({"outline": square(40, 30)}, "Booth A2 lies outside tent A."),
        ({"number": "A3"}, "Booth A3 appears twice."),
        ({"structure": "Z"}, "Booth A2: tent or hall Z is not in the plan."),
        ({"fixed": "nobody"}, "Booth A2: nobody does not exhibit at this edition."),
        ({"outline": [[[0, 0], [1, 1]]]}, "The outline is not closed rings"),
    ]:
        with pytest.raises(ValidationError) as refused:
            services.edit_booth(actor=organiser, booth=a2, **changes)
        assert said in messages(refused.value), changes
    a2.refresh_from_db()
    assert (a2.number, a2.outline) == ("A2", square(11, 8))


def test_an_exhibitor_never_moves_itself(venue, edition, exhibitor, cooperative, organiser):
    stand = Exhibitor.objects.create(edition=edition, organisation=cooperative)
    assignment = services.place(actor=organiser, exhibitor=stand, booth=venue.booths.first())
    assert not access.can_change(exhibitor, assignment)
    assert not access.can_change(exhibitor, venue.booths.first())
    with pytest.raises(PermissionDenied):
        services.place(actor=exhibitor, exhibitor=stand, booth=venue.booths.last())
    with pytest.raises(PermissionDenied):
        services.edit_booth(actor=exhibitor, booth=venue.booths.last(), fixed=cooperative.slug)
    assert Assignment.objects.get().booth == venue.booths.first()


def test_only_exhibitors_of_the_edition_are_placed(venue, edition, organiser):
    other = Exhibitor.objects.create(
        edition=next_edition(edition), organisation=make_organisation()
    )
    with pytest.raises(ValidationError):
        services.place(actor=organiser, exhibitor=other, booth=venue.booths.first())


def test_the_public_sees_a_plan_once_published(venue, edition, organiser, exhibitor):
    assert not access.can_view(None, venue) and not access.can_view(exhibitor, venue)
    assert access.can_view(organiser, venue)
    services.publish(actor=organiser, edition=edition, published=True)
    venue.refresh_from_db()
    assert access.can_view(None, venue)
    edition.status = Edition.Status.DRAFT
    edition.save()
    venue.refresh_from_db()
    assert not access.can_view(None, venue)  # a draft edition shows nothing


def test_a_plan_without_booths_is_not_published(edition, organiser):
    with pytest.raises(ValidationError):
        services.publish(actor=organiser, edition=edition, published=True)


def test_every_change_is_audited_as_the_organiser(edition, organiser):
    with audit.acting_as(organiser):
        venue = services.save_plan(actor=organiser, edition=edition, plan=small_plan())
        booth = venue.booths.get(number="A1")
        services.edit_booth(actor=organiser, booth=booth, water=True)
    created, changed = history(booth).order_by("pk")
    assert (created.user, created.action) == (organiser, "create")
    assert (changed.user, changed.action, changed.changes["water"]) == (
        organiser,
        "update",
        [False, True],
    )
    assert history(venue).get().action == "create"
