"""The gate app on a phone, in Arabic: it counts with the network off and sends its counts
when it comes back (the organisers' board shows the right total); offline, it checks tickets
itself and refuses a forged one."""

import datetime
import os
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from maarid.visitors import selectors, services
from maarid.visitors.models import Admission, Count, TicketType
from tests.browser.conftest import screenshot
from tests.conftest import Role, ensure_places, make_user, with_role

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("MAARID_SHOTS", "/tmp/shots/visitors"))


def shot(page, name):
    screenshot(page, name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def gate(edition):
    """The fair running today, its north gate, an organiser, a registered gate phone."""
    ensure_places()
    today = timezone.localdate()
    edition.starts_on = today - datetime.timedelta(days=1)
    edition.ends_on = today + datetime.timedelta(days=5)
    edition.save()
    organiser = with_role(make_user("gate-organiser"), edition.series, Role.ORGANISER)
    north = services.create_gate(
        actor=organiser, edition=edition, name_ar="الباب الشمالي", name_fr="Porte nord"
    )
    _device, raw = services.register_device(
        actor=organiser, edition=edition, name="هاتف يوسف", gate=north
    )
    kind = TicketType.Kind.CEREMONY
    ceremony = services.create_ticket_type(
        actor=organiser, edition=edition, kind=kind, name_ar="حفل الافتتاح", name_fr="Ouverture"
    )
    services.set_quota(actor=organiser, type=ceremony, day=today, places=10)
    ticket = services.issue_ticket(
        actor=None, type=ceremony, day=today, holder="Amina", phone="0612345678"
    )
    return {"edition": edition, "organiser": organiser, "raw": raw, "ticket": ticket}


def eventually(page, check, tries=50):
    """Waits (on the page's clock) until ``check()`` holds: what the app sends in the background
    reaches the server a moment later."""
    for _ in range(tries):
        if check():
            return True
        page.wait_for_timeout(200)
    return check()


def phone_context(browser):
    """A phone in a zone 14 hours ahead of UTC: the fair's day is still Casablanca's."""
    return browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        timezone_id="Pacific/Kiritimati",
        locale="ar-MA",
    )


def open_gate(context, live_server, gate):
    edition = gate["edition"]
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(
        f"{live_server.url}/ar/{edition.series.slug}/{edition.number}/gate/#pair={gate['raw']}"
    )
    expect(page.locator("#gate-work")).to_be_visible()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function(
        "() => caches.open('maarid-gate-v1').then(c => c.keys()).then(k => k.length >= 4)"
    )
    return page


def test_counts_offline_in_arabic_then_the_board_shows_the_total(browser, live_server, gate):
    context = phone_context(browser)
    page = open_gate(context, live_server, gate)
    page.locator("#gate-plus-one").click()
    assert eventually(page, lambda: selectors.edition_visitors(gate["edition"]) == 1)
    expect(page.locator("#gate-unsent")).to_be_hidden()

    context.set_offline(True)
    expect(page.locator("#gate-network")).to_have_class("pos-network off")
    for _ in range(6):
        page.locator("#gate-plus-one").click()
    page.locator("#gate-plus-five").click()
    page.locator("#gate-plus-five").click()
    page.locator("#gate-minus-one").click()
    expect(page.locator("#gate-count")).to_have_text("16")
    expect(page.locator("#gate-unsent-count")).to_have_text("9")
    shot(page, "gate-count-offline-ar")
    # Reopened with no network, it still counts, and the taps are still there.
    page.reload()
    expect(page.locator("#gate-count")).to_have_text("16")
    assert selectors.edition_visitors(gate["edition"]) == 1

    context.set_offline(False)  # the browser's "online" event sends the queue
    expect(page.locator("#gate-unsent")).to_be_hidden()
    assert eventually(page, lambda: selectors.edition_visitors(gate["edition"]) == 16)
    assert Count.objects.filter(offline=True).count() == 9
    context.close()

    desktop = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    board = desktop.new_page()
    client = Client()
    client.force_login(gate["organiser"])
    desktop.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    edition = gate["edition"]
    board.goto(f"{live_server.url}/fr/{edition.series.slug}/{edition.number}/footfall/")
    expect(board.locator("#footfall-total")).to_have_text("16")
    shot(board, "footfall-board-fr")
    desktop.close()


def test_a_forged_ticket_is_refused_offline_and_a_genuine_one_admitted(browser, live_server, gate):
    context = phone_context(browser)
    page = open_gate(context, live_server, gate)
    page.locator("[data-tab=tickets]").click()
    context.set_offline(True)
    ticket = gate["ticket"]
    head, signature = ticket.payload.rsplit(".", 1)
    forged = head + "." + ("B" if signature[0] != "B" else "C") + signature[1:]
    page.locator("#gate-code").fill(forged)
    page.locator("#gate-code").press("Enter")
    expect(page.locator("#gate-verdict")).to_have_class("gate-verdict refused")
    shot(page, "gate-forged-offline-ar")

    page.locator("#gate-code").fill(ticket.payload)
    page.locator("#gate-code").press("Enter")
    expect(page.locator("#gate-verdict")).to_have_class("gate-verdict admitted")
    page.locator("#gate-code").fill(ticket.payload)
    page.locator("#gate-code").press("Enter")
    expect(page.locator("#gate-verdict")).to_have_class("gate-verdict used")
    shot(page, "gate-used-offline-ar")
    assert Admission.objects.count() == 0

    context.set_offline(False)
    expect(page.locator("#gate-unsent")).to_be_hidden()
    assert eventually(page, lambda: Admission.objects.count() == 1)
    admission = Admission.objects.get()
    assert admission.offline and admission.ticket == ticket
    context.close()
