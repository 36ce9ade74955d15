"""B2B pages in the other language: the agenda's slots written as every time range; profiles'
texts typed in one language, shown on a page of the other, say so."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from maarid.b2b import services
from tests.b2b.conftest import run_schedule
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_arabic_agenda_writes_a_slot_as_every_arabic_time_range(
    seller, buyer_profile, exhibitor, buyer
):
    meeting = services.request_meeting(
        actor=exhibitor, from_profile=seller, to_profile=buyer_profile
    )
    services.respond(actor=buyer, meeting=meeting, accept=True)
    run_schedule(seller.programme)
    edition = seller.programme.edition
    with translation.override("ar"):
        url = reverse("b2b:agenda", args=[edition.series.slug, edition.number])
    html = client_for(exhibitor).get(url).content.decode()
    start, end = re.search(
        r'<span class="agenda-time"><span dir="ltr">(\d\d:\d\d)–(\d\d:\d\d)</span></span>', html
    ).groups()
    minutes = [int(t[:2]) * 60 + int(t[3:]) for t in (start, end)]
    assert minutes[1] - minutes[0] == 20  # the programme's slots (tests/b2b/conftest.py)
