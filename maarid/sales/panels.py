"""What the point of sale adds to other apps' pages, through ``core.access`` providers: the
turnover on the organisers' dashboard, "My sales" for an exhibitor on the edition's page and on
its organisation's page."""

from django.urls import reverse
from django.utils.translation import gettext as _

from maarid.core import access, hooks
from maarid.core.formatting import money, number
from maarid.exhibitors.models import Exhibitor

from . import queries
from .services import may_sell


def _ledger(exhibitor) -> str:
    edition = exhibitor.edition
    return reverse(
        "turnover:ledger",
        args=[edition.series.slug, edition.number, exhibitor.organisation.slug],
    )


@hooks.edition_panels.add
def organiser_panel(edition, user) -> dict:
    """The turnover so far on the organiser's dashboard, with the live board."""
    totals = queries.edition_total(edition)
    board = reverse("turnover:board", args=[edition.series.slug, edition.number])
    return {
        "title": _("Sales"),
        "figures": [(_("Turnover"), money(totals["total"])), (_("Sales"), number(totals["sales"]))],
        "links": [(_("Live turnover board"), board)],
    }


def _own_stands(user, **filters):
    facts = access.facts(user)
    return (
        Exhibitor.objects.filter(organisation_id__in=facts.organisations, **filters)
        .exclude(status=Exhibitor.Status.WITHDRAWN)
        .select_related("edition__series", "organisation")
    )


@hooks.edition_links.add
def exhibitor_links(edition, user) -> list:
    """On the edition's page, for its exhibitors' members: their sales and the sales app."""
    stands = [s for s in _own_stands(user, edition=edition) if may_sell(user, s)]
    links = [(_("My sales: %(name)s") % {"name": s.organisation.name}, _ledger(s)) for s in stands]
    if links:
        links.append((_("Sales app"), reverse("sales:app")))
    return links


@hooks.organisation_links.add
def organisation_links(organisation, user) -> list:
    """On an organisation's page, for its members: its sales at each edition it exhibits at."""
    stands = _own_stands(user, organisation=organisation).order_by("-edition__starts_on")
    return [
        (_("Sales at %(edition)s") % {"edition": s.edition.name}, _ledger(s))
        for s in stands
        if may_sell(user, s)
    ]
