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
