"""The map: the public "find a stand" page of a published plan, the QR codes of its entrances
("you are here"), and the organisers' map, where they see who is not placed and move an
exhibitor by picking a booth.

Every page works without JavaScript: a search is a plain GET (the booths found are lit and the
drawing opens on them), a move a plain POST (a move that breaks a rule comes back as a page that
lists what it breaks, with a button to move anyway). ``static/floorplan/map.js`` adds pan and
zoom (svg-pan-zoom), search in place and picking by click or drag (htmx).
"""

from urllib.parse import urlencode

import segno
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maarid.core.params import id_or_404, to_int
from maarid.fairs.selectors import with_edition

from . import selectors, services

MAX_QUERY = 100


def _exhibitor_base(edition) -> str:
    """The address of the edition's exhibitor pages without the slug: one reverse() for
    every booth of the map."""
    url = reverse("site:exhibitor", args=[edition.series.slug, edition.number, "-"])
    return url[: url.rindex("/-/") + 1]


def _map_url(request, edition, **query) -> str:
    url = reverse("floorplan:map", args=[edition.series.slug, edition.number])
    return f"{url}?{urlencode(query)}" if query else url


def entrance_qr_svg(url: str, label: str) -> SafeString:
    """A QR code to print at an entrance, as an inline ``<svg>`` (scales with CSS)."""
    svg = segno.make(url, error="m", micro=False).svg_inline(
        scale=1, border=2, omitsize=True, svgclass="qr", lineclass=None
    )
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    return mark_safe(svg)  # noqa: S308  (segno's markup, the label escaped)


# --- The public map -----------------------------------------------------------------------


@with_edition(need="view")
def public_map(request, series, number):
    """Find a stand: ``?q=`` an exhibitor, a product or a booth number lights the booths
    found; ``?booth=A2`` lights one (the exhibitor's page links so); ``?here=<entrance>``
    marks "you are here" (the entrance's QR code). A plan not published is a 404."""
    edition = request.edition
    venue = selectors.visible_venue(edition, request.user)
    typed = request.GET.get("q", "")[:MAX_QUERY]
    query = typed.strip()
    found = selectors.find_stands(venue, request.user, query) if query else []
    lit = {f.booth_pk for f in found}
    lit.update(selectors.booth_numbers(venue, request.GET.getlist("booth")))
    here = selectors.entrance_of(venue, to_int(request.GET.get("here"), minimum=1))
    context = {
        "edition": edition,
        "venue": venue,
        "map": selectors.the_map(venue, request.user, lit=lit, here=here),
        "typed": typed,
        "query": query,
        "found": found,
        "here": here,
        "exhibitor_base": _exhibitor_base(edition),
        "whole_url": _map_url(request, edition, **({"here": here.pk} if here else {})),
    }
    return render(request, "floorplan/map.html", context)


@login_required
@with_edition(need="organise")
def entrance_qr(request, series, number, pk):
    """The QR code of an entrance, to print: it opens the public map at "you are here"."""
    venue = selectors.visible_venue(request.edition, request.user)
    zone = selectors.entrance_or_404(venue, id_or_404(pk))
    url = request.build_absolute_uri(_map_url(request, request.edition, here=zone.pk))
    svg = segno.make(url, error="m", micro=False).svg_inline(scale=10, border=2)
    response = HttpResponse(
        f'<?xml version="1.0" encoding="utf-8"?>\n{svg}', content_type="image/svg+xml"
    )
    response["Content-Disposition"] = f'attachment; filename="entrance-{zone.pk}.svg"'
    return response


# --- The organisers' map ------------------------------------------------------------------


def _arrange(request, *, status=200, pending=None, error=""):
    edition = request.edition
    venue = selectors.venue_of(edition)
    moved = to_int(request.GET.get("moved"), minimum=1)
    placed = selectors.placed(venue) if venue is not None else []
    lit = [a.booth_id for a in placed if a.exhibitor_id == moved]
    if pending is not None and pending["booth"] is not None:
        lit = [pending["booth"].pk]
    entrances = []
    if venue is not None:
        for zone in selectors.entrances_of(venue):
            url = request.build_absolute_uri(_map_url(request, edition, here=zone.pk))
            label = _("QR code of %(entrance)s") % {"entrance": zone}
            entrances.append({"zone": zone, "url": url, "qr": entrance_qr_svg(url, label)})
    context = {
        "edition": edition,
        "venue": venue,
        "map": selectors.the_map(venue, request.user, lit=lit) if venue is not None else None,
        "unplaced": selectors.unplaced(edition, venue),
        "placed": placed,
        "booths": selectors.booth_list(venue),
        "moved": next((a for a in placed if a.exhibitor_id == moved), None),
        "pending": pending,
        "error": error,
        "entrances": entrances,
    }
    return render(request, "floorplan/map_arrange.html", context, status=status)


@login_required
@with_edition(need="organise")
def arrange(request, series, number):
    """The organisers' map: who is not placed, who stands where, the entrances' QR codes."""
    return _arrange(request)


@login_required
@require_POST
@with_edition(need="organise")
def move(request, series, number):
    """Moves an exhibitor to a booth (``booth`` empty: out of the plan). What the move would
    break comes back first, with a button that sends it again with ``confirmed``."""
    edition = request.edition
    exhibitor = selectors.exhibitor_of(edition, id_or_404(request.POST.get("exhibitor")))
    booth_id = request.POST.get("booth", "")
    venue = selectors.venue_of(edition)
    booth = selectors.booth_at(venue, id_or_404(booth_id)) if booth_id else None
    confirmed = request.POST.get("confirmed") == "1"
    try:
        services.move(actor=request.user, exhibitor=exhibitor, booth=booth, confirmed=confirmed)
    except services.MoveBreaks as refused:
        pending = {"exhibitor": exhibitor, "booth": booth, "breaks": refused.breaks}
        return _arrange(request, pending=pending)
    except ValidationError as error:
        return _arrange(request, status=400, error=" ".join(error.messages))
    url = reverse("floorplan:arrange", args=[edition.series.slug, edition.number])
    return redirect(f"{url}?{urlencode({'moved': exhibitor.pk})}")
