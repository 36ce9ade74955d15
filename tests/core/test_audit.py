"""Every change a user makes to shared data is recorded: who, when, before and after."""

import pytest
from django.urls import reverse

from maarid.core.audit import acting_as, history
from maarid.core.models import AuditEvent
from tests.conftest import client_for, make_organisation

pytestmark = pytest.mark.django_db


def test_a_change_through_the_page_is_recorded_with_before_and_after(organiser, cooperative):
    client = client_for(organiser)
    form = client.get(reverse("registry:edit", args=[cooperative.slug])).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(name_fr="Coopérative Al Amal pour le miel", members_women=12)
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(reverse("registry:edit", args=[cooperative.slug]), data)
    assert response.status_code == 302, response.context["form"].errors
    event = history(cooperative).first()
    assert event.user == organiser and event.action == "update"
    assert event.changes["name_fr"] == ["Coopérative Al Amal", "Coopérative Al Amal pour le miel"]
    assert event.changes["members_women"] == [0, 12]
    page = client.get(reverse("registry:history", args=[cooperative.slug]))
    assert "Coopérative Al Amal pour le miel" in page.content.decode()


def test_create_and_delete_are_recorded(organiser):
    with acting_as(organiser):
        organisation = make_organisation(name_fr="Association Tifaout")
        pk = organisation.pk
        organisation.delete()
    actions = list(AuditEvent.objects.filter(object_id=str(pk)).values_list("action", flat=True))
    assert sorted(actions) == ["create", "delete"]


def test_changes_without_a_user_are_not_attributed_to_anyone(db):
    make_organisation(name_fr="Chargée par une migration")
    assert not AuditEvent.objects.exists()


def test_saving_without_changes_records_nothing(organiser, cooperative):
    with acting_as(organiser):
        cooperative.save()
    assert not history(cooperative).exists()


def test_a_row_loaded_with_some_fields_records_what_changed_from_what_was_loaded(organiser):
    """A loaded row keeps what it held (the search pages load rows by the dozen with only some
    fields); a change is compared with that, and a field never loaded is not reported."""
    from maarid.registry.models import Organisation

    organisation = make_organisation(name_fr="Coopérative Nour", members_women=3)
    loaded = Organisation.objects.only("id", "name_fr", "members_women").get(pk=organisation.pk)
    loaded.members_women = 7
    loaded.name_fr = "Coopérative Nour du Rif"
    with acting_as(organiser):
        loaded.save(update_fields=["members_women", "name_fr"])
    [event] = history(organisation)
    assert event.action == "update"
    assert event.changes == {
        "members_women": [3, 7],
        "name_fr": ["Coopérative Nour", "Coopérative Nour du Rif"],
    }


def test_a_second_save_is_compared_with_the_first_one(organiser):
    from maarid.registry.models import Organisation

    organisation = make_organisation(name_fr="Coopérative Tamount")
    loaded = Organisation.objects.get(pk=organisation.pk)
    with acting_as(organiser):
        loaded.name_fr = "Coopérative Tamount 2"
        loaded.save()
        loaded.save()  # nothing changed since
        loaded.name_fr = "Coopérative Tamount 3"
        loaded.save()
    changes = [e.changes["name_fr"] for e in history(organisation).order_by("pk")]
    assert changes == [
        ["Coopérative Tamount", "Coopérative Tamount 2"],
        ["Coopérative Tamount 2", "Coopérative Tamount 3"],
    ]


def test_a_value_changed_in_place_after_loading_is_compared_with_the_loaded_one(organiser):
    """The loaded values are kept as they were: assigning a new value does not change them."""
    from decimal import Decimal

    from maarid.catalogue.models import Product
    from tests.catalogue.conftest import make_product

    product = make_product(make_organisation(), price=Decimal("120.00"))
    loaded = Product.objects.get(pk=product.pk)
    loaded.price += Decimal("30")
    with acting_as(organiser):
        loaded.save()
    [event] = history(product).filter(action="update")
    assert event.changes["price"] == ["120.00", "150.00"]
