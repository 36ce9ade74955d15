"""The call for exhibitors shows on the edition's dashboard and public page."""

import pytest
from django.urls import reverse

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def call_panel(page):
    """The call for exhibitors' panel among those of the dashboard."""
    [panel] = [
        p for p in page.context["panels"] if any("/call/" in url for _label, url in p["links"])
    ]
    return panel


def test_the_dashboard_offers_to_open_a_call(organiser, edition):
    page = client_for(organiser).get(reverse("fairs:dashboard", args=[edition.series.slug, 3]))
    panel = call_panel(page)
    assert panel["links"][0][1] == reverse("exhibitors:call-edit", args=["ess-tta", 3])


def test_the_dashboard_counts_the_call(organiser, edition, call):
    page = client_for(organiser).get(reverse("fairs:dashboard", args=[edition.series.slug, 3]))
    panel = call_panel(page)
    assert panel["figures"][0][1] == 3  # the places of the call
    assert reverse("exhibitors:selection", args=["ess-tta", 3]) in page.content.decode()


def test_the_public_page_links_to_the_call_and_reviewers_to_their_reviews(
    client, edition, call, reviewer
):
    url = edition.get_absolute_url()
    assert reverse("exhibitors:call", args=["ess-tta", 3]) in client.get(url).content.decode()
    mine = reverse("exhibitors:my-reviews", args=["ess-tta", 3])
    assert mine not in client.get(url).content.decode()
    assert mine in client_for(reviewer).get(url).content.decode()
