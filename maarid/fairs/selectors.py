"""Reads of series and editions. The one way to turn a URL's (series, number) into an edition
the user may reach: pages and API handlers alike go through ``edition_for``."""

import functools
from collections.abc import Callable
from typing import Any, Literal, ParamSpec, TypeVar, cast

from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from maarid.core import access, hooks, prepared
from maarid.registry.models import Commune, Kind, Organisation

from .models import Edition, Partner, Series, SeriesRole

Need = Literal["view", "organise"]

P = ParamSpec("P")
R = TypeVar("R")


# Every page and API call of an edition asks for it first: compiled once per process.
_EDITION: prepared.Compiled[Edition] = prepared.Compiled(
    "maarid_edition_for",
    lambda series, number: Edition.objects.filter(series__slug=series, number=number)[:1],
    model=Edition,
    related=("series", "city"),
)


def edition_for(user: Any, series: str, number: int, *, need: Need = "view") -> Edition:
    """The edition the URL names, if ``user`` may reach it for ``need``.

    An edition the user may not see is a 404 (its existence is not revealed); one the user sees
    but does not organise, when ``need`` is "organise", is a 403."""
    edition = _EDITION.first(series=series, number=number)
    if edition is None:
        raise Http404
    access.require_view(user, edition)
    if need == "organise":
        access.require_organiser(user, edition.series_id)
    return edition


def with_edition(*, need: Need = "view") -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorates a page or an API handler taking ``series`` and ``number``: the edition is
    looked up and checked once, before the view runs, and left on ``request.edition``."""

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            request = args[0]
            assert isinstance(request, HttpRequest)
            series, number = cast(str, kwargs["series"]), cast(int, kwargs["number"])
            request.edition = edition_for(  # type: ignore[attr-defined]
                request.user, series, int(number), need=need
            )
            return view(*args, **kwargs)

        return wrapper

    return decorate


def public_editions() -> QuerySet[Edition]:
    """Every edition past its draft, newest first (in a stable order: the sitemap pages it)."""
    return Edition.objects.public().select_related("series", "city").order_by("-starts_on", "pk")


def all_series() -> QuerySet[Series]:
    return Series.objects.all()


def series_for_organiser(user: Any) -> QuerySet[Series]:
    """The fair series whose registries and editions this user manages (none for a visitor)."""
    if not user.is_authenticated:
        return Series.objects.none()
    facts = access.facts(user)
    if facts.superuser:
        return Series.objects.all()
    return Series.objects.filter(pk__in=facts.series_for(access.Role.ORGANISER))


def series_for(user: Any, slug: str, *, need: Need = "view") -> Series:
    """The series a URL names; with need="organise", 403 unless the user organises it."""
    series = get_object_or_404(Series, slug=slug)
    if need == "organise":
        access.require_organiser(user, series.pk)
    return series


def editions_of(series: Series, user: Any) -> QuerySet[Edition]:
    """A series' editions as this user may list them: drafts only for its organisers."""
    editions = series.editions.select_related("city")
    return editions if access.is_organiser(user, series.pk) else editions.public()


def next_edition_number(series: Series) -> int:
    last = series.editions.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def partners_of(edition: Edition) -> QuerySet[Partner]:
    return edition.partners.select_related("organisation")


def with_partners(edition: Edition) -> Edition:
    """The edition with its partners listed, as the API shows it."""
    edition.partner_list = list(partners_of(edition))  # type: ignore[attr-defined]
    return edition


def partner_of(edition: Edition, pk: int) -> Partner:
    return get_object_or_404(Partner, pk=pk, edition=edition)


def commitments_of(edition: Edition) -> list[str]:
    """What the edition already holds that a draft could not (sales, decisions …)."""
    return [item for items in hooks.edition_commitments.collect(edition) for item in items]


def registry_figures(series: Series) -> dict[str, int]:
    """How many organisations the series' registry holds, and of which kinds."""
    return series.organisations.aggregate(
        total=Count("id"),
        cooperatives=Count("id", filter=Q(kind=Kind.COOPERATIVE)),
        womens=Count("id", filter=Q(kind=Kind.COOPERATIVE, women_led=True)),
        buyers=Count("id", filter=Q(kind__in=[Kind.COMPANY, Kind.PLATFORM])),
    )


def team_of(series: Series) -> QuerySet[SeriesRole]:
    return series.roles.select_related("user").order_by("role", "user__last_name")


def role_in(user: Any, series_slug: str, pk: int) -> SeriesRole:
    """A role of the series the URL names, for its organisers only."""
    series_role = get_object_or_404(SeriesRole, pk=pk, series__slug=series_slug)
    access.require_organiser(user, series_role.series_id)
    return series_role


def cities_for(series: Series | None) -> QuerySet[Commune]:
    """The towns an edition of the series may be held in: those of its region, if it has one."""
    cities = Commune.objects.filter(is_urban=True)
    if series is not None and series.region_id:
        cities = cities.filter(province__region_id=series.region_id)
    return cities


def organisations_of(series: Series) -> QuerySet[Organisation]:
    """The organisations of the series' registry, by name."""
    return Organisation.objects.filter(series=series).order_by("name_fr")
