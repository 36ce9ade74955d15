"""What the reports app adds to other apps' pages and does on their events, through
``core.hooks``: a link to the closing report on the organisers' dashboard and, once the edition
is closed, on its page; the report frozen when an organiser closes the edition."""

import logging

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.translation import gettext as _

from maarid.core import hooks
from maarid.core.models import User
from maarid.fairs.models import Edition

from . import services

log = logging.getLogger(__name__)


def _url(edition: Edition) -> str:
    return reverse("reports:report", args=[edition.series.slug, edition.number])


@hooks.edition_panels.add
def organiser_panel(edition: Edition, user: User | AnonymousUser) -> dict:
    closed = edition.status == Edition.Status.CLOSED
    return {
        "title": _("Closing report"),
        "figures": [],
        "links": [
            (_("Closing report") if closed else _("Closing report (draft)"), _url(edition)),
        ],
    }


@hooks.edition_links.add
def public_links(edition: Edition, user: User | AnonymousUser) -> list[tuple[str, str]]:
    """Anyone may read a closed edition's report."""
    if edition.status != Edition.Status.CLOSED:
        return []
    return [(_("Closing report"), _url(edition))]


@hooks.edition_moved.add
def freeze_at_closing(edition: Edition, actor: User, previous: str) -> None:
    """The report is frozen as the edition closes (again, as a new version, if it had been
    reopened)."""
    if edition.status != Edition.Status.CLOSED:
        return
    try:
        services.freeze_apart(actor=actor, edition=edition)
    except Exception:  # the closing stands: the report's first reader freezes it then
        log.exception("edition %s: the closing report could not be frozen", edition.pk)
