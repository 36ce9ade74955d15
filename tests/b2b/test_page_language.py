"""B2B profiles' texts typed in one language, shown on a page of the other, say so."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from maarid.b2b import services
from tests.b2b.conftest import run_schedule
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def participants(user, edition, language):
    with translation.override(language):
        url = reverse("b2b:participants", args=[edition.series.slug, edition.number])
    return client_for(user).get(url).content.decode()


def test_an_offer_typed_in_french_is_marked_on_the_arabic_page_and_not_on_the_french_one(
    seller, buyer_profile, buyer
):
    edition = seller.programme.edition
    html = participants(buyer, edition, "ar")
    assert (
        '<span class="muted" lang="fr" dir="ltr">Huile d&#x27;argan cosmétique et alimentaire'
        in html
    )
    with translation.override("ar"):
        assert f'<span class="written-in">{translation.gettext("Written in French")}</span>' in html

    html = participants(buyer, edition, "fr")
    assert '<span class="muted">Huile d&#x27;argan cosmétique et alimentaire' in html
    assert "written-in" not in html


def test_an_offer_typed_in_arabic_is_marked_on_the_french_page(seller, buyer_profile, buyer):
    seller.offers = "زيت أركان تجميلي وغذائي"
    seller.save()
    html = participants(buyer, seller.programme.edition, "fr")
    assert '<span class="muted" lang="ar" dir="rtl">زيت أركان تجميلي وغذائي</span>' in html


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
