"""Reads of series and editions. The one way to turn a URL's (series, number) into an edition
the user may reach: pages and API handlers alike go through ``edition_for``."""

import functools
from collections.abc import Callable
from typing import Any, Literal, ParamSpec, TypeVar, cast

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from maarid.core import access

from .models import Edition

Need = Literal["view", "organise"]

P = ParamSpec("P")
R = TypeVar("R")


def edition_for(user: Any, series: str, number: int, *, need: Need = "view") -> Edition:
    """The edition the URL names, if ``user`` may reach it for ``need``.

    An edition the user may not see is a 404 (its existence is not revealed); one the user sees
    but does not organise, when ``need`` is "organise", is a 403."""
    edition = get_object_or_404(
        Edition.objects.select_related("series", "city"), series__slug=series, number=number
    )
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
