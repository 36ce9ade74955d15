"""What the floor plan adds to an edition's pages (through ``core.hooks``): a panel on the
organisers' dashboard."""

from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
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
        if venue is not None:  # the organisers' map (fpmap)
            args = [edition.series.slug, edition.number]
            links.append((_("Who stands where"), reverse("floorplan:arrange", args=args)))
            links.append((_("Find a stand"), reverse("floorplan:map", args=args)))
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


# --- Where exhibitors stand, for the catalogue's pages (fpmap) ----------------------------


@hooks.exhibitor_booths.answer
def exhibitor_booths(keys: list[hooks.StandKey]) -> dict[hooks.StandKey, hooks.BoothRef]:
    """The booths of a page of exhibitors, for the public, in one query."""
    return selectors.public_stands(keys)


@hooks.booth_on_map.answer
def booth_on_map(edition, organisation) -> str:
    """The booth block of an exhibitor's public page: its number and a small map of the plan
    with the booth lit, linking to the whole map; nothing before the plan is published."""
    stand = selectors.public_stand(edition, organisation)
    if stand is None:
        return ""
    venue = stand.booth.venue
    venue.edition = edition
    drawn = selectors.the_map(venue, AnonymousUser(), lit=[stand.booth_id], minimum=36.0)
    url = reverse("floorplan:map", args=[edition.series.slug, edition.number])
    context = {
        "edition": edition,
        "booth": stand.booth,
        "map": drawn,
        "map_url": f"{url}?{urlencode({'booth': stand.booth.number})}",
    }
    return render_to_string("floorplan/map_booth_block.html", context)


@hooks.edition_links.add
def public_map_link(edition, user) -> list:
    """The "find a stand" map on the edition's page, once the plan is published."""
    venue = selectors.venue_of(edition)
    if venue is None or not venue.published:
        return []
    args = [edition.series.slug, edition.number]
    return [(_("Find a stand"), reverse("floorplan:map", args=args))]
