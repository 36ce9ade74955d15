"""The closing ceremony's running order: speeches the organisers add, a shield for each partner
and each award added at once (never twice), moments moved and removed, each with its time from
the start; the awards show their winners once locked; as a page and a PDF in Arabic and French."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from maarid.awards import selectors, services
from maarid.awards.models import CeremonyItem
from maarid.fairs.models import Partner
from tests.conftest import client_for
from tests.documents import body, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def ceremony(organiser, edition, stands):
    Partner.objects.create(
        edition=edition, organisation=stands["coral"].organisation, role="sponsor", order=1
    )
    Partner.objects.create(
        edition=edition, organisation=stands["amal"].organisation, role="institutional", order=0
    )
    oldest = services.create_category(
        actor=organiser,
        edition=edition,
        kind="computed",
        name_ar="أقدم تعاونية",
        name_fr="Coopérative la plus ancienne",
        rule="oldest_cooperative",
        tie_break="secondary",
    )
    services.add_moment(
        actor=organiser,
        edition=edition,
        name_ar="كلمة رئيس الجهة",
        name_fr="Allocution du président de la Région",
        person="M. le Président",
        minutes=10,
    )
    return oldest


def titles(edition):
    return [(m.clock, m.title) for m in selectors.running_order(edition)]


def test_shields_and_awards_follow_the_speeches_once_each(organiser, edition, ceremony):
    services.add_shields_and_awards(actor=organiser, edition=edition)
    services.add_shields_and_awards(actor=organiser, edition=edition)  # nothing twice
    assert titles(edition) == [
        ("0:00", "Allocution du président de la Région"),
        ("0:10", "Coopérative Al Amal"),  # the partners in their order
        ("0:12", "Association des plongeurs de corail"),
        ("0:14", "Coopérative la plus ancienne"),
    ]


def test_moments_move_and_go(organiser, edition, ceremony):
    services.add_shields_and_awards(actor=organiser, edition=edition)
    award = CeremonyItem.objects.get(kind="award")
    services.move_moment(actor=organiser, item=award, earlier=True)
    services.move_moment(actor=organiser, item=award, earlier=True)
    services.move_moment(actor=organiser, item=award, earlier=True)
    services.move_moment(actor=organiser, item=award, earlier=True)  # already first: stays
    assert titles(edition)[0] == ("0:00", "Coopérative la plus ancienne")
    services.remove_moment(actor=organiser, item=award)
    assert len(titles(edition)) == 3


def test_an_award_shows_its_winners_only_once_locked(organiser, edition, ceremony, stands):
    services.add_shields_and_awards(actor=organiser, edition=edition)
    services.compute(actor=organiser, category=ceremony)
    [award] = [m for m in selectors.running_order(edition) if m.item.kind == "award"]
    assert not award.announced and award.winners == []
    services.lock(actor=organiser, category=ceremony)
    [award] = [m for m in selectors.running_order(edition) if m.item.kind == "award"]
    assert award.announced and award.winners == ["Coopérative de recyclage de Nador"]


def test_bad_moments_are_refused(organiser, other_organiser, edition):
    with pytest.raises(ValidationError):
        services.add_moment(actor=organiser, edition=edition, name_fr="", person="")
    with pytest.raises(ValidationError):
        services.add_moment(actor=organiser, edition=edition, name_fr="Pause", minutes=0)
    with pytest.raises(ValidationError):
        services.add_moment(actor=organiser, edition=edition, name_fr="Pause", kind="award")
    with pytest.raises(PermissionDenied):
        services.add_moment(actor=other_organiser, edition=edition, name_fr="Pause")
    assert not CeremonyItem.objects.exists()


def page(name, edition, language="en"):
    with translation.override(language):
        return reverse(f"awards:{name}", args=[edition.series.slug, edition.number])


def test_the_page_and_the_pdf_in_arabic_and_french(organiser, edition, ceremony):
    client = client_for(organiser)
    client.post(page("ceremony", edition), {"action": "shields-awards"})
    response = client.post(
        page("ceremony", edition),
        {"action": "moment", "moment-kind": "other", "moment-name_fr": "", "moment-minutes": "5"},
    )
    assert response.status_code == 400
    assert "Say what happens or who speaks." in response.content.decode()
    award = CeremonyItem.objects.get(kind="award")
    client.post(page("ceremony", edition), {"action": "up", "item": str(award.pk)})
    assert client.post(page("ceremony", edition), {"action": "up", "item": "x"}).status_code == 404
    html = client.get(page("ceremony", edition)).content.decode()
    assert "Coopérative la plus ancienne" in html and "Winners not locked yet." in html
    services.compute(actor=organiser, category=ceremony)
    services.lock(actor=organiser, category=ceremony)
    french = text_of(body(client.get(page("ceremony-pdf", edition, "fr"))))
    assert "Allocution du président de la Région" in french
    assert "Coopérative de recyclage de Nador" in french
    arabic = text_of(body(client.get(page("ceremony-pdf", edition, "ar"))))
    assert "كلمة رئيس الجهة" in arabic and "أقدم تعاونية" in arabic


def test_a_partner_removed_from_the_edition_leaves_the_running_order(organiser, edition, ceremony):
    services.add_shields_and_awards(actor=organiser, edition=edition)
    Partner.objects.filter(organisation__name_fr="Coopérative Al Amal").delete()
    assert "Coopérative Al Amal" not in [title for _clock, title in titles(edition)]
