"""Tells ``core.access`` who holds which role in which series, and which organisations
each series' registry holds."""

from collections import defaultdict

from maarid.core import hooks
from maarid.core.access import Role

from .models import SeriesOrganisation, SeriesRole


@hooks.series_roles.answer
def series_roles(user) -> dict:
    roles = defaultdict(set)
    for series_id, role in SeriesRole.objects.filter(user=user).values_list("series_id", "role"):
        roles[role].add(series_id)
    return roles


@hooks.managed_organisations.answer
def managed_organisations(user, organiser_series) -> set:
    if not organiser_series:
        return set()
    return set(
        SeriesOrganisation.objects.filter(series_id__in=organiser_series).values_list(
            "organisation_id", flat=True
        )
    )


@hooks.organisation_series.answer
def organisation_series(organisation_id) -> set:
    return set(
        SeriesOrganisation.objects.filter(organisation_id=organisation_id).values_list(
            "series_id", flat=True
        )
    )


@hooks.organiser_series.answer
def organiser_series(user):
    """The fair series whose registries this user manages (for the registry's pages)."""
    from .selectors import series_for_organiser

    return series_for_organiser(user)


@hooks.all_series.answer
def all_series():
    from .models import Series

    return Series.objects.all()


@hooks.series_organisers.answer
def series_organisers(series_ids):
    from maarid.core.models import User

    return User.objects.filter(
        series_roles__series_id__in=series_ids, series_roles__role=Role.ORGANISER, is_active=True
    ).distinct()
