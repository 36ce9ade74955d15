"""Import and export of organisations (CSV and Excel)."""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maarid.core import access

from . import exporting, importing
from .forms import ImportForm
from .views import filtered_organisations, organiser_series

TEMPLATE = "registry/import.html"
# Files checked by a preview, waiting for their commit: token -> {path, series, name}.
SESSION_KEY = "maarid_imports"
EXPORTS = {
    "xlsx": (
        exporting.export_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "csv": (exporting.export_csv, "text/csv; charset=utf-8"),
}


@login_required
def import_organisations(request):
    access.require_organiser(request.user)
    context = {"form": ImportForm(), "series_choices": organiser_series(request.user)}
    if request.method != "POST":
        return render(request, TEMPLATE, context)
    try:
        if request.POST.get("action") == "commit":
            return _commit(request, context)
        return _preview(request, context)
    except importing.ImportFileError as error:
        context["file_error"] = str(error)
        return render(request, TEMPLATE, context, status=400)


def _preview(request, context):
    form = context["form"] = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, TEMPLATE, context, status=400)
    series = next(
        (s for s in context["series_choices"] if str(s.pk) == request.POST.get("series")), None
    )
    if series is None:
        raise PermissionDenied
    upload = form.cleaned_data["file"]
    report = context["report"] = importing.preview(upload, series)
    context["series"] = series
    if report.ok:
        path = importing.stash(upload)
        context["token"] = path.name
        request.session[SESSION_KEY] = {
            **request.session.get(SESSION_KEY, {}),
            path.name: {"path": str(path), "series": series.pk, "name": upload.name},
        }
    return render(request, TEMPLATE, context)


def _commit(request, context):
    pending = request.session.get(SESSION_KEY, {})
    entry = pending.pop(request.POST.get("token", ""), None)
    request.session[SESSION_KEY] = pending
    path = Path(entry["path"]) if entry else None
    if path is None or not path.exists():
        raise importing.ImportFileError(
            _("This import is no longer waiting: upload the file again.")
        )
    series = next((s for s in context["series_choices"] if s.pk == entry["series"]), None)
    if series is None:
        raise PermissionDenied
    try:
        with path.open("rb") as stored:
            report = importing.commit(request.user, File(stored, entry["name"]), series)
    finally:
        path.unlink(missing_ok=True)
    if not report.ok:
        context.update(report=report, series=series)
        return render(request, TEMPLATE, context, status=400)
    messages.success(
        request,
        ngettext(
            "%(count)d organisation has been added to the registry of %(series)s.",
            "%(count)d organisations have been added to the registry of %(series)s.",
            report.created,
        )
        % {"count": report.created, "series": series},
    )
    return redirect("registry:list")


@login_required
def export_organisations(request, fmt):
    if fmt not in EXPORTS:
        raise Http404
    export, content_type = EXPORTS[fmt]
    _form, queryset = filtered_organisations(request.user, request.GET)
    response = HttpResponse(export(queryset), content_type=content_type)
    filename = f"organisations-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
