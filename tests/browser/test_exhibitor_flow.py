"""A cooperative applies, a reviewer scores it, the organiser selects and publishes, and the
cooperative reads that it is accepted — in Arabic."""

import datetime
import re

import pytest
import weasyprint
from django.utils import timezone, translation
from playwright.sync_api import expect

from maarid.core.access import Role
from maarid.exhibitors import services
from maarid.exhibitors.models import Application
from tests.browser.conftest import screenshot
from tests.browser.test_registry_flow import log_in
from tests.conftest import make_user, with_role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def call(organiser, edition):
    today = timezone.localdate()
    return services.open_call(
        actor=organiser,
        edition=edition,
        opens_on=today - datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=3),
        places=5,
    )


def base(live_server, edition, language="fr"):
    return f"{live_server.url}/{language}/{edition.series.slug}/{edition.number}"


def test_apply_review_select_and_read_accepted_in_arabic(
    browser, live_server, tmp_path, call, edition, series, exhibitor, organiser
):
    reviewer = with_role(make_user("amina"), series, Role.REVIEWER)
    with_role(make_user("youssef"), series, Role.REVIEWER)
    statuts = tmp_path / "statuts.pdf"
    statuts.write_bytes(weasyprint.HTML(string="<h1>Statuts</h1>").write_pdf())

    # The cooperative applies, step by step, on a phone.
    phone = browser.new_context(viewport={"width": 360, "height": 780}).new_page()
    log_in(phone, live_server, "exhibitor@example.ma")
    phone.goto(f"{base(live_server, edition)}/apply/")
    phone.locator("textarea[name=motivation]").fill("Nos miels de montagne, récoltés à Tétouan.")
    phone.locator("button[name=action][value=next]").click()
    phone.locator("input[name$=name_fr]").first.fill("Miel de thym")
    phone.locator("input[name$=price]").first.fill("150")
    phone.locator("button[name=action][value=add]").click()
    expect(phone.locator("#products")).to_contain_text("Miel de thym")
    phone.locator("button[name=action][value=next]").click()  # to the booth
    phone.locator("button[name=action][value=next]").click()  # to the documents
    for file_input in phone.locator("input[type=file]").all()[:-1]:  # the required ones
        file_input.set_input_files(str(statuts))
    phone.locator("button[name=action][value=upload]").click()
    phone.locator("button[name=action][value=next]").click()
    phone.locator("form[action$='/submit/'] button[type=submit]").click()
    application = Application.objects.get()
    assert application.status == Application.Status.SUBMITTED

    # The organiser hands it to the reviewers; one of them scores it.
    desktop = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(desktop, live_server, "organiser@example.ma")
    desktop.goto(f"{base(live_server, edition)}/applications/")
    desktop.locator("input[name=auto] + button, form:has(input[name=auto]) button").first.click()
    review = application.reviews.get(reviewer=reviewer)
    scorer = browser.new_context(viewport={"width": 360, "height": 780}).new_page()
    log_in(scorer, live_server, "amina@example.ma")
    scorer.goto(f"{base(live_server, edition, 'ar')}/reviews/{review.pk}/")
    for mark in scorer.locator("label:has(input[type=radio][value='8'])").all():  # 8 everywhere
        mark.click()
    screenshot(scorer, "review-ar-phone")
    scorer.locator(".sticky-save button[type=submit]").click()
    review.refresh_from_db()
    assert review.total is not None

    # The organiser runs the selection (a background job) and publishes the decisions.
    desktop.goto(f"{base(live_server, edition)}/selection/")
    desktop.locator("form[action$='/selection/run/'] button").click()
    expect(desktop).to_have_url(re.compile(r"/selection/$"), timeout=30000)
    desktop.locator("form[action$='/selection/publish/'] input[type=checkbox]").check()
    desktop.locator("form[action$='/selection/publish/'] button[type=submit]").click()
    screenshot(desktop, "selection-fr-desktop")

    # The cooperative reads its decision in Arabic.
    phone.goto(f"{base(live_server, edition, 'ar')}/applications/{application.pk}/")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    with translation.override("ar"):
        accepted = str(Application.Decision.ACCEPTED.label)
    expect(phone.locator("main")).to_contain_text(accepted)
    screenshot(phone, "application-accepted-ar-phone")
