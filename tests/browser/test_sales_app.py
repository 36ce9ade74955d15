"""The sales app on a phone: it sells online, keeps selling with the network off, survives being
closed with sales still queued, and two open tabs sync one queue once — in Arabic."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from playwright.sync_api import expect

from maarid.catalogue.models import Stock
from maarid.exhibitors.models import Exhibitor
from maarid.sales import services
from maarid.sales.models import Sale
from tests.browser.conftest import screenshot
from tests.catalogue.conftest import make_product
from tests.conftest import ensure_places

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def till(edition, cooperative, exhibitor):
    """The cooperative's stand with two products and a registered phone (its raw token)."""
    ensure_places()
    stand = Exhibitor.objects.create(edition=edition, organisation=cooperative)
    argan = make_product(cooperative)
    Stock.objects.create(product=argan, edition=edition, quantity=50)
    make_product(cooperative, name_fr="Miel de thym", name_ar="عسل الزعتر", price=Decimal("95.50"))
    _device, raw = services.register_device(actor=exhibitor, exhibitor=stand, name="هاتف فاطمة")
    return raw


def open_app(context, live_server, raw=None, language="ar"):
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/{language}/pos/" + (f"#pair={raw}" if raw else ""))
    expect(page.locator("#pos-sell")).to_be_visible()
    # The service worker has taken over and the app's files are cached: it opens offline now.
    # Functions, not expressions: Playwright evaluates an expression with eval(), which the
    # page's Content-Security-Policy refuses.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function(
        "() => caches.open('maarid-pos-v1').then(c => c.keys()).then(k => k.length >= 4)"
    )
    return page


def sell(page, product, times=1):
    for _ in range(times):
        page.locator(".pos-product", has_text=product).click()
    page.locator("#pos-confirm").click()


def phone_context(browser):
    """A phone whose clock runs in a zone 14 hours ahead of UTC: its day is not the fair's for
    most of the day, and the app must count the fair's (the server's) day all the same."""
    return browser.new_context(
        viewport={"width": 360, "height": 780},
        is_mobile=True,
        has_touch=True,
        timezone_id="Pacific/Kiritimati",
    )


def ledger():
    return Sale.objects.aggregate(t=Sum("total"))["t"] or Decimal("0.00")


def test_sells_online_then_offline_then_syncs_by_itself(browser, live_server, till):
    context = phone_context(browser)
    page = open_app(context, live_server, till)
    sell(page, "زيت الأركان", times=2)
    expect(page.locator("#pos-history li.sent")).to_have_count(1)
    assert ledger() == Decimal("360.00")
    expect(page.locator("#pos-today")).to_contain_text("360")  # the stand's day so far

    context.set_offline(True)
    expect(page.locator("#pos-network")).to_have_class("pos-network off")
    for _ in range(3):
        sell(page, "عسل الزعتر")
    expect(page.locator("#pos-unsent-count")).to_have_text("3")
    expect(page.locator("#pos-history li.pending")).to_have_count(3)
    screenshot(page, "sales-app-offline-ar")
    assert Sale.objects.count() == 1  # nothing reached the server

    context.set_offline(False)  # the browser's "online" event sends the queue
    expect(page.locator("#pos-unsent")).to_be_hidden()
    expect(page.locator("#pos-history li.sent")).to_have_count(4)
    assert ledger() == Decimal("646.50")
    assert Sale.objects.filter(offline=True).count() == 3
    assert Stock.objects.get().quantity == 48
    context.close()


def test_sales_queued_when_the_app_was_closed_are_still_there_and_sync(browser, live_server, till):
    context = phone_context(browser)
    page = open_app(context, live_server, till)
    context.set_offline(True)
    sell(page, "عسل الزعتر")
    sell(page, "زيت الأركان")
    expect(page.locator("#pos-unsent-count")).to_have_text("2")
    page.close()

    reopened = context.new_page()  # opened with no network: from the service worker's cache
    reopened.set_default_timeout(30000)  # a loaded machine is slow to start a worker
    reopened.goto(f"{live_server.url}/ar/pos/")
    expect(reopened.locator("#pos-unsent-count")).to_have_text("2")
    expect(reopened.locator("#pos-history li.pending")).to_have_count(2)
    assert not Sale.objects.exists()

    context.set_offline(False)
    expect(reopened.locator("#pos-unsent")).to_be_hidden()
    assert ledger() == Decimal("275.50") and Sale.objects.count() == 2
    context.close()


def test_two_tabs_syncing_the_same_queue_count_each_sale_once(browser, live_server, till):
    context = phone_context(browser)
    first = open_app(context, live_server, till)
    second = open_app(context, live_server)  # same phone, same storage: already registered
    context.set_offline(True)
    for _ in range(5):
        sell(first, "عسل الزعتر")
    expect(first.locator("#pos-unsent-count")).to_have_text("5")
    second.reload()
    expect(second.locator("#pos-unsent-count")).to_have_text("5")

    context.set_offline(False)  # both tabs hear "online" and sync at the same moment
    expect(first.locator("#pos-unsent")).to_be_hidden()
    second.evaluate("window.dispatchEvent(new Event('online'))")
    first.wait_for_timeout(500)
    assert Sale.objects.count() == 5 and ledger() == Decimal("477.50")
    context.close()


def test_an_out_of_stock_refusal_leaves_the_cart_for_the_seller(browser, live_server, till):
    Stock.objects.update(quantity=1)
    context = phone_context(browser)
    page = open_app(context, live_server, till, language="fr")
    sell(page, "Huile d'argan", times=2)
    expect(page.locator("#pos-message")).to_contain_text("1")
    expect(page.locator("#pos-lines li")).to_have_count(1)  # still in the cart
    assert not Sale.objects.exists()
    context.close()
