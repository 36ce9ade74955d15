"""The organisers' floor plan page of an edition: the plan drawn, the layout generator, the
GeoJSON upload and download, last edition's plan copied, publishing, and one booth edited.

A refused plan comes back on the page with a 400 and the messages naming the booths; nothing
of it is saved.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maarid.core.params import id_or_404
from maarid.fairs.selectors import with_edition

from . import selectors, services
from .forms import BoothForm, LayoutForm, PublishForm, UploadForm

GEOJSON = "application/geo+json"


def _page(request, *, status=200, errors=(), **forms):
    edition = request.edition
    venue = selectors.venue_of(edition)
    context = {
        "edition": edition,
        "venue": venue,
        "figures": selectors.figures(venue),
        "drawing": selectors.drawing(venue, request.user),
        "booths": selectors.booth_list(venue),
        "previous": selectors.previous_venue(edition),
        "layout_form": forms.get("layout_form") or LayoutForm(),
        "upload_form": forms.get("upload_form") or UploadForm(),
        "errors": errors,
    }
    return render(request, "floorplan/venue.html", context, status=status)


def _done(request, message: str):
    messages.success(request, message)
    edition = request.edition
    return redirect("floorplan:venue", edition.series.slug, edition.number)


@login_required
@with_edition(need="organise")
def venue(request, series, number):
    return _page(request)


@login_required
@require_POST
@with_edition(need="organise")
def generate(request, series, number):
    form = LayoutForm(request.POST)
    if form.is_valid():
        try:
            services.generate_layout(
                actor=request.user, edition=request.edition, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _done(request, _("The tent and its booths are drawn."))
    return _page(request, status=400, layout_form=form)


@login_required
@require_POST
@with_edition(need="organise")
def upload(request, series, number):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, status=400, upload_form=form)
    try:
        services.import_geojson(
            actor=request.user, edition=request.edition, source=form.cleaned_data["file"]
        )
    except ValidationError as error:
        status = 413 if getattr(error, "code", None) == "too_large" else 400
        return _page(request, status=status, errors=error.messages, upload_form=form)
    return _done(request, _("The plan is imported."))


@login_required
@with_edition(need="organise")
def download(request, series, number):
    venue = selectors.venue_of(request.edition)
    response = JsonResponse(
        selectors.geojson_of(venue),
        content_type=GEOJSON,
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )
    name = f"plan-{series}-{number}.geojson"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
@with_edition(need="organise")
def copy(request, series, number):
    try:
        services.copy_previous(actor=request.user, edition=request.edition)
    except ValidationError as error:
        return _page(request, status=400, errors=error.messages)
    return _done(request, _("Last edition's plan is copied."))


@login_required
@require_POST
@with_edition(need="organise")
def publish(request, series, number):
    form = PublishForm(request.POST)
    form.is_valid()  # a box left out is False
    published = bool(form.cleaned_data.get("published"))
    try:
        services.publish(actor=request.user, edition=request.edition, published=published)
    except ValidationError as error:
        return _page(request, status=400, errors=error.messages)
    if published:
        return _done(request, _("The plan is published."))
    return _done(request, _("The plan is no longer shown to the public."))


@login_required
@with_edition(need="organise")
def booth(request, series, number, pk):
    venue = selectors.venue_of(request.edition)
    item = selectors.booth_of(venue, id_or_404(pk))
    form = BoothForm(request.POST or None, booth=item, venue=item.venue)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.edit_booth(actor=request.user, booth=item, **form.changes())
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                return _done(request, _("Booth %(number)s is saved.") % {"number": item.number})
        status = 400
    context = {"edition": request.edition, "venue": item.venue, "booth": item, "form": form}
    return render(request, "floorplan/booth.html", context, status=status)
