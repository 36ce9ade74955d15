"""What the B2B meetings add to an edition's pages (through ``core.hooks``): a link for the
participants, a panel on the organisers' dashboard."""

from django.urls import reverse
from django.utils.translation import gettext as _

from maarid.core import hooks

from . import selectors


def _url(name, edition) -> str:
    return reverse(f"b2b:{name}", args=[edition.series.slug, edition.number])


@hooks.edition_links.add
def participant_links(edition, user) -> list:
    """The meetings, for the exhibitors and buyers who may take part."""
    programme = selectors.programme_for(edition)
    if programme is None or not user.is_authenticated:
        return []
    if selectors.own_profile(user, programme):
        return [(_("My business meetings"), _url("home", edition))]
    if selectors.eligible_organisations(user, programme):
        return [(_("Business meetings: take part"), _url("profile", edition))]
    return []


@hooks.edition_panels.add
def organiser_panel(edition, user) -> dict:
    programme = selectors.programme_for(edition)
    if programme is None:
        return {
            "title": _("Business meetings"),
            "figures": [],
            "links": [(_("Set up the B2B meetings"), _url("setup", edition))],
        }
    report = selectors.report(programme)
    return {
        "title": _("Business meetings"),
        "figures": [
            (_("Buyers"), report["buyers"]),
            (_("Sellers"), report["sellers"]),
            (_("Meetings accepted"), report["accepted"]),
            (_("Scheduled"), report["scheduled"]),
        ],
        "links": [
            (_("All meetings"), _url("meetings", edition)),
            (_("Check-in"), _url("checkin", edition)),
            (_("Settings"), _url("setup", edition)),
        ],
    }
