"""What the call for exhibitors adds to an edition's pages (the fairs app shows them without
knowing this app: it asks ``core.access`` for panels)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from maarid.core import hooks
from maarid.fairs.models import Edition

from . import selectors


def _url(name, edition):
    return reverse(f"exhibitors:{name}", args=[edition.series.slug, edition.number])


@hooks.edition_panels.add
def organiser_panel(edition, user) -> dict:
    """The call for exhibitors on the organiser's dashboard."""
    call = selectors.call_or_none(edition)
    if call is None:
        return {
            "title": _("Call for exhibitors"),
            "figures": [],
            "links": [(_("Open the call for exhibitors"), _url("call-edit", edition))],
        }
    progress = selectors.progress(call)
    return {
        "title": _("Call for exhibitors"),
        "figures": [
            (_("Places"), call.places),
            (_("Applications submitted"), progress["applications"]),
            (_("Reviews done"), f"{progress['done']} / {progress['assigned']}"),
            (_("Exhibitors"), selectors.active_exhibitors(edition).count()),
        ],
        "links": [
            (_("The call"), _url("call", edition)),
            (_("Settings of the call"), _url("call-edit", edition)),
            (_("Review board"), _url("board", edition)),
            (_("Selection"), _url("selection", edition)),
        ],
    }


@hooks.edition_commitments.add
def published_decisions(edition: Edition) -> list[str]:
    """Applicants told their decision: the edition's call and pages must stay where they are."""
    call = selectors.call_or_none(edition)
    if call is None or call.decisions_published_at is None:
        return []
    return [_("the decisions on the applications are published")]


@hooks.edition_links.add
def public_links(edition, user) -> list:
    """Links for everyone on the edition's page."""
    call = selectors.call_or_none(edition)
    if call is None:
        return []
    links = [(_("Call for exhibitors"), _url("call", edition))]
    if user.is_authenticated and selectors.reviews_for(user, call):
        links.append((_("My reviews"), _url("my-reviews", edition)))
    return links
