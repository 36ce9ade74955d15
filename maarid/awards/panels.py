"""What the awards app adds to other apps' pages, through ``core.hooks``: a panel on the
organisers' dashboard, and on the edition's page the winners once published and, for a juror,
their jury pages."""

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.translation import gettext as _

from maarid.core import hooks
from maarid.core.formatting import number
from maarid.core.models import User
from maarid.fairs.models import Edition

from . import selectors


@hooks.edition_panels.add
def organiser_panel(edition: Edition, user: User | AnonymousUser) -> dict:
    """The edition's awards: how many, how many results locked and published."""
    args = [edition.series.slug, edition.number]
    awards, locked, published = selectors.figures(edition)
    return {
        "title": _("Awards"),
        "figures": [
            (_("Awards"), number(awards)),
            (_("Results locked"), number(locked)),
            (_("Results published"), number(published)),
        ],
        "links": [
            (_("Awards"), reverse("awards:categories", args=args)),
            (_("Crafts at risk"), reverse("awards:crafts", args=args)),
            (_("Winners' certificates"), reverse("awards:certificates", args=args)),
            (_("Ceremony's running order"), reverse("awards:ceremony", args=args)),
            (_("Award winners"), reverse("awards:winners", args=args)),
        ],
    }


@hooks.edition_links.add
def public_links(edition: Edition, user: User | AnonymousUser) -> list[tuple[str, str]]:
    """The winners once some are published; a juror's own jury pages."""
    args = [edition.series.slug, edition.number]
    links = []
    if selectors.figures(edition)[2]:
        links.append((_("Award winners"), reverse("awards:winners", args=args)))
    if isinstance(user, User) and selectors.seats_of(user, edition):
        links.append((_("My jury"), reverse("awards:jury", args=args)))
    return links
