"""Where exhibitors stand, for pages of apps below the floor plan (the catalogue's exhibitor
page and search results): asked through ``core.hooks``, answered by the floor plan when it is
installed, nothing otherwise.

    {% load stands %}
    {% booth_on_map edition organisation %}   the exhibitor page's booth block
    {% attach_booths found.results kind %}    each result gets ``.booth`` (a BoothRef or None)
"""

from django import template

from maarid.core import hooks

register = template.Library()


@register.simple_tag
def booth_on_map(edition, organisation):
    """The booth block of an exhibitor's page (its number and a small map), or nothing."""
    return hooks.booth_on_map(edition, organisation)


@register.simple_tag
def attach_booths(results, kind="products"):
    """Gives each search result (a product, or an organisation with ``kind="organisations"``)
    the booth of its exhibitor at the edition its exhibitor link goes to: one query for the
    page, none per row. Writes nothing on the page."""
    keys = {}
    for result in results:
        series = getattr(result, "exhibitor_series", None)
        number = getattr(result, "exhibitor_number", None)
        organisation = result.pk if kind == "organisations" else result.organisation_id
        if series is not None and number is not None:
            keys[id(result)] = (series, number, organisation)
    booths = hooks.booths_of(list(dict.fromkeys(keys.values())))
    for result in results:
        key = keys.get(id(result))
        result.booth = booths.get(key) if key else None
    return ""
