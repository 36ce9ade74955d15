"""What the point of sale adds to other apps' pages, through ``core.hooks``: the turnover on
the organisers' dashboard, "My sales" for an exhibitor on the edition's page and on its
organisation's page."""

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maarid.core import hooks
from maarid.core.formatting import money, number
from maarid.core.models import User
from maarid.exhibitors.models import Exhibitor
from maarid.fairs.models import Edition
from maarid.registry.models import Organisation

from . import selectors


def _ledger(exhibitor: Exhibitor) -> str:
    edition = exhibitor.edition
    return reverse(
        "turnover:ledger",
        args=[edition.series.slug, edition.number, exhibitor.organisation.slug],
    )


@hooks.edition_panels.add
def organiser_panel(edition: Edition, user: User | AnonymousUser) -> dict:
    """The turnover so far on the organiser's dashboard, with the live board."""
    totals = selectors.edition_total(edition)
    board = reverse("turnover:board", args=[edition.series.slug, edition.number])
    return {
        "title": _("Sales"),
        "figures": [(_("Turnover"), money(totals["total"])), (_("Sales"), number(totals["sales"]))],
        "links": [(_("Live turnover board"), board)],
    }


@hooks.edition_commitments.add
def recorded_sales(edition: Edition) -> list[str]:
    """Sales recorded for the edition: their receipts and figures need its public pages."""
    count = selectors.edition_total(edition)["sales"]
    if not count:
        return []
    return [
        ngettext("%(count)s sale recorded", "%(count)s sales recorded", count)
        % {"count": number(count)}
    ]


@hooks.edition_links.add
def exhibitor_links(edition: Edition, user: User | AnonymousUser) -> list[tuple[str, str]]:
    """On the edition's page, for its exhibitors' members: their sales and the sales app."""
    stands = selectors.own_stands(user, edition=edition)
    links = [(_("My sales: %(name)s") % {"name": s.organisation.name}, _ledger(s)) for s in stands]
    if links:
        links.append((_("Sales app"), reverse("sales:app")))
    return links


@hooks.organisation_links.add
def organisation_links(
    organisation: Organisation, user: User | AnonymousUser
) -> list[tuple[str, str]]:
    """On an organisation's page, for its members: its sales at each edition it exhibits at."""
    return [
        (_("Sales at %(edition)s") % {"edition": s.edition.name}, _ledger(s))
        for s in selectors.own_stands(user, organisation=organisation)
    ]
