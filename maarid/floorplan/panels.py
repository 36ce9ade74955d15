"""What the floor plan adds to an edition's pages (through ``core.hooks``): a panel on the
organisers' dashboard."""

from django.urls import reverse
from django.utils.translation import gettext as _

from maarid.core import access, hooks
from maarid.core.formatting import area

from . import selectors


@hooks.edition_panels.add
def organiser_panel(edition, user) -> dict:
    venue = selectors.venue_of(edition)
    f = selectors.figures(venue)
    links = []
    if access.is_organiser(user, edition.series_id):
        links.append(
            (
                _("Floor plan"),
                reverse("floorplan:venue", args=[edition.series.slug, edition.number]),
            )
        )
    published = venue is not None and venue.published
    return {
        "title": _("Floor plan"),
        "figures": [
            (_("Booths"), f["booths"]),
            (_("Tents and halls"), f["structures"]),
            (_("Booth area"), area(int(f["area"]))),
            (_("Exhibitors placed"), f["placed"]),
            (_("Plan"), _("Published") if published else _("Not published")),
        ],
        "links": links,
    }
