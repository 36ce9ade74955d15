"""What the visitors app adds to other apps' pages, through ``core.hooks``: the footfall on
the organisers' dashboard, with links to the board, the gates and the tickets."""

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maarid.core import hooks
from maarid.core.formatting import number
from maarid.core.models import User
from maarid.fairs.models import Edition

from . import selectors


@hooks.edition_panels.add
def organiser_panel(edition: Edition, user: User | AnonymousUser) -> dict:
    """Visitors counted so far, with the live footfall board and the gates."""
    args = [edition.series.slug, edition.number]
    return {
        "title": _("Visitors"),
        "figures": [(_("Visitors counted"), number(selectors.edition_visitors(edition)))],
        "links": [
            (_("Live footfall board"), reverse("visitors:board", args=args)),
            (_("Gates and phones"), reverse("visitors:gates", args=args)),
            (_("Tickets"), reverse("visitors:ticket-types", args=args)),
            (_("Visitor survey"), reverse("visitors:survey", args=args)),
        ],
    }


@hooks.edition_links.add
def public_links(edition: Edition, user: User | AnonymousUser) -> list[tuple[str, str]]:
    """On the edition's page, while the fair runs or is coming: registration for tickets when
    some are open, and the visitor survey during the fair."""
    args = [edition.series.slug, edition.number]
    links = []
    if selectors.registration_open(edition):
        links.append((_("Register for a ticket"), reverse("visitors:register", args=args)))
    if edition.starts_on <= timezone.localdate() <= edition.ends_on:
        links.append((_("Visitor survey"), reverse("visitors:survey", args=args)))
    return links
