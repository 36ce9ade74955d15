"""The extension points through which apps lower in the order learn from apps above them.

``core`` imports no app, and an app never imports one above it (``registry`` knows nothing of
``fairs``, ``fairs`` nothing of the sales app). When one of them needs what a higher app knows
(a user's roles per fair series, the panels of an edition's page, a person's data for a
law 09-08 export), it asks one of the hooks below, and the app that knows answers it at
start-up (an app's ``panels.py`` or ``access.py``, imported by its ``AppConfig.ready``)::

    from maarid.core import hooks

    @hooks.edition_links.add
    def sales_links(edition, user): ...

    links = hooks.edition_links.collect(edition, user)

Each hook is an object of this module, so a misspelt name fails at import and "find usages"
follows every provider and caller.
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone


class Question:
    """A question about users or objects that exactly one app answers; ``default`` until one
    has registered (the first registered answers)."""

    def __init__(self, name: str, default: Any = None):
        self.name = name
        self.default = default
        self._answer: Callable | None = None

    def answer(self, fn: Callable) -> Callable:
        if self._answer is None:
            self._answer = fn
        return fn

    def __call__(self, *args):
        if self._answer is None:
            return self.default
        result = self._answer(*args)
        return self.default if result is None else result

    def __repr__(self):
        return f"<Question {self.name}>"


class Hook:
    """A place every app may add to (panels, links, figures, personal data): ``collect``
    returns each provider's answer, in the order the apps were loaded."""

    def __init__(self, name: str):
        self.name = name
        self._providers: list[Callable] = []

    def add(self, fn: Callable) -> Callable:
        if fn not in self._providers:
            self._providers.append(fn)
        return fn

    def collect(self, *args) -> list:
        return [fn(*args) for fn in self._providers]

    def __repr__(self):
        return f"<Hook {self.name}>"


# --- Who is who (answered by registry and fairs) -------------------------------------------

#: user -> {organisation id: {"admin": bool, "buyer": bool}} of their active memberships
memberships = Question("memberships", default={})
#: user -> {role: set of series ids}
series_roles = Question("series_roles", default={})
#: (user, ids of the series they organise) -> ids of the organisations in those registries
managed_organisations = Question("managed_organisations", default=())
#: organisation id -> ids of the series whose registries hold it
organisation_series = Question("organisation_series", default=())
#: user -> the series whose registries the user manages
organiser_series = Question("organiser_series", default=())
#: () -> every fair series
all_series = Question("all_series", default=())
#: series ids -> the active organisers of those series
series_organisers = Question("series_organisers", default=())

# --- What pages show (answered by every app that has something to show) -------------------

#: (edition, user) -> panels of the edition's organiser dashboard
edition_panels = Hook("edition_panels")
#: (edition, user) -> list of (label, url) links on the edition's page
edition_links = Hook("edition_links")
#: edition -> list of figures for the edition's public page
edition_figures = Hook("edition_figures")
#: (organisation, user) -> list of (label, url) links on the organisation's page
organisation_links = Hook("organisation_links")

# --- What an edition holds (answered by the apps that record things for it) ---------------

#: edition -> list of what it already holds that a draft could not ("39,288 sales recorded");
#: an edition holding anything never goes back to draft (its public pages would vanish)
edition_commitments = Hook("edition_commitments")

# --- What happens (heard by the apps that build on it) -------------------------------------

#: application -> None; an accepted application has made its organisation an active exhibitor
#: (the catalogue turns the products the application listed into the organisation's)
exhibitor_admitted = Hook("exhibitor_admitted")
#: (edition, actor, previous status) -> None; an organiser has moved the edition to another
#: stage (the reports app freezes the closing report when the edition closes)
edition_moved = Hook("edition_moved")

# --- Personal data (law 09-08) ------------------------------------------------------------

#: person -> {section: rows} of what an app holds about them
personal_data = Hook("personal_data")
#: person -> None; each app erases or anonymises what it holds about them
erase_personal_data = Hook("erase_personal_data")


# --- Where exhibitors stand (answered by floorplan; asked by the catalogue's pages) --------

#: An exhibitor at an edition: (series slug, edition number, organisation id).
StandKey = tuple[str, int, int]


@dataclass(frozen=True)
class BoothRef:
    """Where an exhibitor stands: its booth's number and the public map with the booth lit."""

    number: str
    map_url: str


#: list of StandKey -> {StandKey: BoothRef} for those the public may know placed (announced,
#: on a published plan), in one query for a whole page of them (ask through ``booths_of``)
exhibitor_booths = Question("exhibitor_booths", default={})
#: (edition, organisation) -> the booth block of the exhibitor's public page (HTML: the booth
#: number and a small map), "" when it has no booth the public may know
booth_on_map = Question("booth_on_map", default="")


def booths_of(keys: Sequence[StandKey]) -> dict[StandKey, BoothRef]:
    """The booths of a page of exhibitors (``exhibitor_booths``), nothing asked for none."""
    return exhibitor_booths(list(keys)) if keys else {}


# --- What the catalogue finds (answered by catalogue; asked by the floor plan's map) -------

#: (edition id, query) -> {organisation id: [names of its products matching, may be empty]}:
#: the edition's exhibitors whose name or products match the query (the catalogue's engine)
exhibitors_matching = Question("exhibitors_matching", default={})


# --- What is on now (answered by programme; asked by the edition's home page) ---------------


@dataclass(frozen=True)
class SessionNow:
    """A session of the programme as the edition's home page shows it."""

    title: str
    kind: str  # the kind's name in the page's language ("Workshop")
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    room: str
    url: str
    map_url: str  # the floor plan's map when the room is on a published plan, else ""

    @property
    def starts(self) -> datetime.time:
        """The start on the fair's clock (Casablanca's), for ``{% time_range %}``."""
        return timezone.localtime(self.starts_at).time()

    @property
    def ends(self) -> datetime.time:
        return timezone.localtime(self.ends_at).time()


@dataclass(frozen=True)
class OnNow:
    """The published sessions running now and the next ones starting later today."""

    running: tuple[SessionNow, ...]
    later: tuple[SessionNow, ...]
    programme_url: str


#: edition -> OnNow, or None when nothing runs and nothing starts later today
#: (ask with ``{% load whats_on %}{% whats_on edition as on %}``)
whats_on = Question("whats_on", default=None)
