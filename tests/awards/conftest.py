"""Awards fixtures: an edition with a handful of exhibitors of different kinds, sectors and
ages, and helpers that put rows in the other apps' tables as those apps write them."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import translation

from maarid.exhibitors.models import Exhibitor
from maarid.registry.models import Kind, Sector
from maarid.sales import services as sales
from maarid.sales.models import Device
from tests.conftest import make_organisation, make_user


@pytest.fixture(autouse=True)
def in_english(settings):
    """These tests read the messages in English: pages and services alike."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def exhibit(edition, name, **fields):
    organisation = make_organisation(name_fr=name, name_ar=name, **fields)
    edition.series.organisations.add(organisation)
    return Exhibitor.objects.create(edition=edition, organisation=organisation)


@pytest.fixture
def stands(edition, cooperative):
    """Five exhibitors: the fixture cooperative (Al Amal, terroir) and four others."""
    return {
        "amal": Exhibitor.objects.create(edition=edition, organisation=cooperative),
        "coral": exhibit(
            edition,
            "Association des plongeurs de corail",
            kind=Kind.ASSOCIATION,
            sector=Sector.FISHERIES,
            founded_on=datetime.date(1990, 3, 1),
        ),
        "tanja": exhibit(
            edition,
            "Coopérative Tanja 1955",
            founded_on=datetime.date(1955, 6, 1),
            members_women=12,
            members_men=3,
        ),
        "nador": exhibit(
            edition,
            "Coopérative de recyclage de Nador",
            sector=Sector.RECYCLING,
            founded_on=datetime.date(1955, 6, 1),
            members_women=20,
        ),
        "dinanderie": exhibit(
            edition, "Atelier de dinanderie", kind=Kind.ARTISAN, sector=Sector.HANDICRAFTS
        ),
    }


class Till:
    """Sales as a stand's phone records them, through the sales app's own services."""

    def __init__(self, stand):
        self.seller = make_user(f"seller{stand.pk}")
        from maarid.registry.models import Membership

        Membership.objects.create(
            user=self.seller, organisation=stand.organisation, status=Membership.Status.ACTIVE
        )
        self.device = Device.objects.create(exhibitor=stand, number=1, name="Phone")
        self.sequence = 0

    def sell(self, *amounts):
        self.sequence += 1
        recorded = sales.record_sale(
            actor=self.seller,
            device=self.device,
            sale=sales.SaleIn(
                uuid=uuid.uuid4(),
                sequence=self.sequence,
                payment="cash",
                lines=[sales.LineIn(quantity=1, unit_price=Decimal(a), label="x") for a in amounts],
            ),
        )
        return recorded.sale

    def void(self, sale):
        return sales.void(actor=self.seller, sale=sale, reason="erreur")

    def refund(self, sale, line_index=0):
        line = sale.lines.order_by("pk")[line_index]
        return sales.refund(actor=self.seller, sale=sale, returned={line.pk: 1}, reason="rendu")
