"""What the programme adds to other apps' pages and questions, through ``core.hooks``: "what's
on now" on the edition's home page, the programme's links and the organisers' panel, and the
registrations in a person's law 09-08 export and erasure."""

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.translation import gettext as _

from maarid.core import hooks
from maarid.core.formatting import number
from maarid.core.models import User
from maarid.fairs.models import Edition

from . import selectors, services
from .models import Session


def _now(session: Session) -> hooks.SessionNow:
    edition = session.edition
    return hooks.SessionNow(
        title=session.title,
        kind=session.get_kind_display(),
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        room=session.room.name,
        url=reverse("programme:session", args=[edition.series.slug, edition.number, session.pk]),
        map_url=selectors.map_url(session),
    )


@hooks.whats_on.answer
def whats_on(edition: Edition) -> hooks.OnNow | None:
    """The sessions running now and the next three starting later today."""
    running, later = selectors.now_on(edition)
    if not running and not later:
        return None
    for session in (*running, *later):
        session.edition = edition
    return hooks.OnNow(
        running=tuple(_now(s) for s in running),
        later=tuple(_now(s) for s in later),
        programme_url=reverse("programme:programme", args=[edition.series.slug, edition.number]),
    )


@hooks.edition_links.add
def programme_links(edition: Edition, user: User | AnonymousUser) -> list[tuple[str, str]]:
    """The programme on the edition's page, once it has a published session."""
    if not selectors.has_programme(edition):
        return []
    return [
        (_("Programme"), reverse("programme:programme", args=[edition.series.slug, edition.number]))
    ]


@hooks.edition_panels.add
def organiser_panel(edition: Edition, user: User | AnonymousUser) -> dict:
    """Sessions, registrations and check-ins on the organisers' dashboard."""
    figures = selectors.edition_figures(edition)
    args = [edition.series.slug, edition.number]
    return {
        "title": _("Programme"),
        "figures": [
            (_("Sessions"), number(figures["sessions"])),
            (_("Registrations"), number(figures["registrations"])),
            (_("Checked in"), number(figures["check_ins"])),
        ],
        "links": [
            (_("Organise the programme"), reverse("programme:grid", args=args)),
            (_("Door phones"), reverse("programme:door-phones", args=args)),
        ],
    }


@hooks.personal_data.add
def personal_data(user: User) -> dict:
    """A person's registrations (theirs, and those they made for people of their cooperative),
    with their check-ins."""
    return {"programme_registrations": selectors.personal_registrations(user)}


@hooks.erase_personal_data.add
def erase_personal_data(user: User) -> None:
    services.erase_person(actor=None, person=user)
