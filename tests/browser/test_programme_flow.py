"""The programme on phones, in Arabic: someone registers for a session on a 390×844 phone and
gets their code; a volunteer's door phone (paired with the QR code's token) checks them in with
the typed code, then, with the network off, checks in a second person (queued), says "already
checked in" on a second try, and sends the check-in once when the network is back."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from maarid.programme import services
from maarid.programme.models import CheckIn, Registration, Session
from tests.browser.conftest import screenshot
from tests.conftest import Role, ensure_places, make_user, with_role

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("MAARID_SHOTS", "/tmp/shots/programme2"))


def shot(page, name):
    screenshot(page, name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def eventually(page, check, tries=50):
    for _ in range(tries):
        if check():
            return True
        page.wait_for_timeout(200)
    return check()


@pytest.fixture
def fair(edition):
    """The fair running today; tomorrow morning a workshop in the workshops tent (registration
    is open whatever the hour now), an organiser and a door phone."""
    ensure_places()
    today = timezone.localdate()
    edition.starts_on = today - datetime.timedelta(days=1)
    edition.ends_on = today + datetime.timedelta(days=5)
    edition.save()
    organiser = with_role(make_user("door-organiser"), edition.series, Role.ORGANISER)
    tent = services.create_room(
        actor=organiser, edition=edition, name_ar="خيمة الورشات", name_fr="Tente", capacity=30
    )
    tomorrow = today + datetime.timedelta(days=1)
    zone = timezone.get_current_timezone()
    session = services.save_session(
        actor=organiser,
        edition=edition,
        kind=Session.Kind.WORKSHOP,
        title_ar="البيع عبر المنصات الإلكترونية بالهاتف",
        title_fr="Vendre sur les plateformes en ligne depuis son téléphone",
        room=tent,
        starts_at=datetime.datetime.combine(tomorrow, datetime.time(11), tzinfo=zone),
        ends_at=datetime.datetime.combine(tomorrow, datetime.time(12, 30), tzinfo=zone),
        published=True,
    )
    _device, raw = services.add_door_device(actor=organiser, edition=edition, name="باب الخيمة")
    return {"edition": edition, "session": session, "raw": raw, "organiser": organiser}


def phone_context(browser):
    return browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="ar-MA",
        timezone_id="Pacific/Kiritimati",
    )


def test_register_in_arabic_then_check_in_at_the_door_online_and_offline(
    browser, live_server, fair
):
    edition, session = fair["edition"], fair["session"]
    base = f"{live_server.url}/ar/{edition.series.slug}/{edition.number}/programme"

    # A participant registers on their phone, in Arabic.
    context = phone_context(browser)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{base}/sessions/{session.pk}/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.fill("input[name=name]", "فاطمة الزهراء")
    page.fill("input[name=phone]", "0612345678")
    shot(page, "register-ar")
    page.locator("#register button[type=submit]").click()
    code = page.locator(".door-code .code")
    expect(code).to_be_visible()
    registration = Registration.objects.get()
    expect(code).to_have_text(registration.code)
    shot(page, "registered-ar")
    context.close()

    # The volunteer's door phone, paired with the organiser's QR code (its address).
    door = phone_context(browser)
    page = door.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{base}/door-phone/#pair={fair['raw']}")
    expect(page.locator("#door-work")).to_be_visible()
    expect(page.locator("#door-session")).to_have_value(str(session.pk))
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.fill("#door-code", registration.code.lower())
    page.locator("#door-code").press("Enter")
    expect(page.locator("#door-verdict")).to_have_class("door-verdict ok")
    expect(page.locator("#door-verdict-name")).to_have_text("فاطمة الزهراء")
    assert eventually(page, lambda: CheckIn.objects.filter(registration=registration).count() == 1)
    shot(page, "door-checked-in-ar")

    # Typed again: said at once, counted once.
    page.fill("#door-code", registration.code)
    page.locator("#door-code").press("Enter")
    expect(page.locator("#door-verdict")).to_have_class("door-verdict already")
    first = CheckIn.objects.get(registration=registration)
    # The fair's time (Casablanca's), not the phone's zone (14 hours ahead of UTC).
    at = timezone.localtime(first.at).strftime("%H:%M")
    expect(page.locator("#door-verdict-message")).to_contain_text(at)

    # A second person registered meanwhile; the phone takes the list, then the network drops.
    second = services.register(
        actor=None, session=session, name="يوسف البقالي", phone="0623456789", language="ar"
    )
    page.reload()
    expect(page.locator("#door-work")).to_be_visible()
    page.locator("#door-list-box summary").click()
    expect(page.locator("#door-list")).to_contain_text("يوسف البقالي")
    door.set_offline(True)
    expect(page.locator("#door-network")).to_have_class("pos-network off")
    page.fill("#door-code", second.code)
    page.locator("#door-code").press("Enter")
    expect(page.locator("#door-verdict")).to_have_class("door-verdict ok")
    expect(page.locator("#door-verdict-name")).to_have_text("يوسف البقالي")
    expect(page.locator("#door-unsent-count")).to_have_text("1")
    page.fill("#door-code", second.code)
    page.locator("#door-code").press("Enter")
    expect(page.locator("#door-verdict")).to_have_class("door-verdict already")
    expect(page.locator("#door-unsent-count")).to_have_text("1")
    shot(page, "door-offline-ar")
    assert not CheckIn.objects.filter(registration=second).exists()

    door.set_offline(False)  # the browser's "online" event sends the queue
    expect(page.locator("#door-unsent")).to_be_hidden()
    assert eventually(page, lambda: CheckIn.objects.filter(registration=second).exists())
    page.wait_for_timeout(500)
    made = CheckIn.objects.get(registration=second)
    assert made.offline
    assert CheckIn.objects.count() == 2
    shot(page, "door-back-online-ar")
    door.close()
