"""Under the strict Content-Security-Policy the pages still work: the API docs (Swagger UI, from
local static files), the behaviours moved out of inline handlers into core/maarid.js (a
question before erasing, a list that sends its form), and a served photo opened on its own.
Any violation Chromium reports fails the test (tests/browser/conftest.py)."""

import re

import pytest
from playwright.sync_api import expect

from maarid.catalogue import services as catalogue
from maarid.core.models import User
from tests.browser.test_accessibility import solid_photo
from tests.browser.test_b2b_flow import programme  # noqa: F401 (a fixture)
from tests.browser.test_registry_flow import log_in
from tests.catalogue.test_site import build_fair

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_api_docs_work_and_try_a_request(desktop, live_server, edition):
    response = desktop.goto(f"{live_server.url}/api/docs")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    operation = desktop.locator(".opblock", has_text="/api/v1/fairs/series").first
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    expect(
        operation.locator(".live-responses-table tbody .response-col_status").first
    ).to_have_text("200")
    expect(operation.locator(".live-responses-table")).to_contain_text(edition.series.slug)


def test_erasing_a_person_asks_first_and_cancel_keeps_them(desktop, live_server, organiser):
    victim = User.objects.create_user("someone", email="someone@example.ma")
    organiser.is_superuser = True  # every person is in a superuser's scope
    organiser.save()
    log_in(desktop, live_server, "organiser@example.ma")
    desktop.goto(f"{live_server.url}/fr/people/?q=someone")
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    desktop.once("dialog", lambda dialog: answer(dialog, accept=False))
    desktop.get_by_role("button", name="Effacer").click()
    desktop.wait_for_timeout(300)
    assert questions == [
        "Effacer les données de cette personne\u00a0? Cette action est irréversible."
    ]
    victim.refresh_from_db()
    assert victim.email == "someone@example.ma"  # nothing was sent

    desktop.once("dialog", lambda dialog: answer(dialog, accept=True))
    desktop.get_by_role("button", name="Effacer").click()
    expect(desktop.locator(".messages")).to_be_visible()
    victim.refresh_from_db()
    assert victim.email != "someone@example.ma"


def test_choosing_a_time_slot_shows_it_without_pressing_show(
    desktop,
    live_server,
    edition,
    programme,  # noqa: F811
):
    log_in(desktop, live_server, "organiser@example.ma")
    desktop.goto(f"{live_server.url}/fr/{edition.series.slug}/{edition.number}/b2b/check-in/")
    slots = desktop.locator("#slot option")
    assert slots.count() > 1
    last = slots.nth(slots.count() - 1).get_attribute("value")
    desktop.locator("#slot").select_option(last)
    expect(desktop).to_have_url(re.compile(rf"[?&]slot={last}\b"))
    expect(desktop.locator("#slot")).to_have_value(last)


def test_a_served_photo_opens_on_its_own_in_its_sandbox(
    desktop, live_server, edition, cooperative, exhibitor
):
    fair = build_fair(edition, cooperative)
    photo = catalogue.add_photo(
        actor=exhibitor, product=fair["honey"], uploaded=solid_photo((20, 90, 150), "H")
    )
    response = desktop.goto(f"{live_server.url}/fr/photos/{photo.pk}/")
    assert response.status == 200 and response.headers["content-type"] == "image/jpeg"
    assert "sandbox" in response.headers["content-security-policy"]
    assert desktop.evaluate("document.images[0].naturalWidth") == 480
