"""How the parts of a plan and the rules it breaks are said to people, in their language: every
refusal names the booths, tents and zones concerned."""

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .geometry import Part, Problem


def label(part: Part) -> str:
    if part.kind == "site":
        return _("the site")
    if part.kind == "tent":
        return _("tent %(name)s") % {"name": part.name}
    if part.kind == "hall":
        return _("hall %(name)s") % {"name": part.name}
    if part.kind == "booth":
        return _("booth %(number)s") % {"number": part.name}
    if part.kind == "zone":
        return _("zone %(name)s") % {"name": part.name}
    return _("tent or hall %(name)s") % {"name": part.name}


def feature(index: int) -> str:
    """A feature of a file not yet known by its name (counted from 1, as people do)."""
    return _("feature %(number)s") % {"number": index + 1}


def problem(p: Problem) -> str:
    first = label(p.first)
    second = label(p.second) if p.second is not None else ""
    if p.code == "invalid":
        text = _("%(part)s: its outline crosses itself or encloses no area.") % {"part": first}
    elif p.code == "outside" and p.second is not None and p.second.kind == "site":
        text = _("%(part)s lies outside the site.") % {"part": first}
    elif p.code == "outside":
        text = _("%(part)s lies outside %(container)s.") % {"part": first, "container": second}
    elif p.code == "overlap":
        text = _("%(first)s and %(second)s overlap.") % {"first": first, "second": second}
    elif p.code == "duplicate":
        text = _("%(part)s appears twice.") % {"part": first}
    else:  # "unknown": a booth in a tent the plan does not have
        text = _("%(part)s: %(container)s is not in the plan.") % {
            "part": first,
            "container": second,
        }
    return capfirst(text)


# --- Why the allocation could not place an exhibitor (fpops) --------------------------------
# The optimiser returns reason codes with their params (``allocate.Reason``); the service
# turned booth ids into numbers and zone ids into names (an empty name: the open area).


def amenity(name: str) -> str:
    names = {
        "electricity": _("electricity"),
        "water": _("water"),
        "refrigeration": _("refrigeration"),
    }
    return names.get(name, name)


def _list(values: object) -> str:
    items = [str(v) for v in values] if isinstance(values, list | tuple) else [str(values)]
    return ", ".join(items)


def _zones(values: object) -> str:
    names = values if isinstance(values, list | tuple) else [values]
    return ", ".join(str(n) if n else _("the open area") for n in names) or "—"


def _area(value: object) -> str:
    try:
        return _("%(area)s m²") % {"area": f"{float(str(value)):g}"}
    except ValueError:
        return str(value)


def reason(code: str, params: dict[str, object]) -> str:
    """Why an exhibitor is not placed, in the reader's language."""
    amenities = params.get("amenities") or []
    needs = ", ".join(amenity(str(a)) for a in amenities) if isinstance(amenities, list) else ""
    values = {
        "zones": _zones(params.get("zones", [])),
        "area": _area(params.get("area", "")),
        "largest": _area(params.get("largest", "")),
        "amenities": needs or "—",
        "booth": str(params.get("booth", "")),
        "booths": _list(params.get("booths", [])),
        "by": str(params.get("by", "")),
        "sectors": _list(params.get("sectors", [])),
        "holders": params.get("holders", ""),
    }
    texts = {
        "no_zone_for_sector": _("No zone of the plan takes its sector."),
        "no_booth_in_zone": _("The zones that take its sector (%(zones)s) have no booth."),
        "no_booth_big_enough": _(
            "It needs %(area)s; the largest booth in %(zones)s has %(largest)s."
        ),
        "no_booth_with_amenities": _(
            "No booth of %(area)s or more in %(zones)s has what it needs: %(amenities)s."
        ),
        "booths_taken": _(
            "Every booth that fits it in %(zones)s (%(area)s or more, with %(amenities)s) is "
            "taken by exhibitors who applied before it."
        ),
        "fixed_booth_unknown": _("The booth fixed for it, %(booth)s, is not in the plan."),
        "fixed_booth_unsuitable": _(
            "The booth fixed for it, %(booth)s, does not meet its needs or its sector's zone."
        ),
        "fixed_booth_taken": _("The booth fixed for it, %(booth)s, is fixed for %(by)s."),
        "fixed_booths_differ": _(
            "The exhibitors sharing its booth are fixed in different booths: %(booths)s."
        ),
    }
    if code == "booths_taken" and not needs:
        texts[code] = _(
            "Every booth that fits it in %(zones)s (%(area)s or more) is taken by exhibitors "
            "who applied before it."
        )
    text = texts.get(code)
    if text is None:
        return _("It could not be placed.")
    return text % values
