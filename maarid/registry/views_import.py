"""Import and export of organisations (CSV and Excel)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from maarid.core import access, jobs
from maarid.core.models import Job

from . import exporting, importing
from .forms import ImportForm
from .views import filtered_organisations, organiser_series

TEMPLATE = "registry/import.html"
EXPORTS = {
    "xlsx": (
        exporting.export_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "csv": (exporting.export_csv, "text/csv; charset=utf-8"),
}


@login_required
def import_organisations(request):
    """Upload a file: it is checked in the background (the job's page shows the progress),
    then this page shows the report, ``?job=<id>``, and offers to import it."""
    access.require_organiser(request.user)
    context = {"form": ImportForm(), "series_choices": organiser_series(request.user)}
    if request.method != "POST":
        if "job" in request.GET:
            return _show_job(request, context)
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
    importing.check_readable(upload)  # a file that cannot be read is said at once
    job = jobs.start(
        importing.preview_task,
        kind=importing.PREVIEW_JOB,
        user=request.user,
        series_id=series.pk,
        path=str(importing.stash(upload)),
        series_pk=series.pk,
        actor_pk=request.user.pk,
    )
    return redirect(job)


def _commit(request, context):
    """Imports a file this user checked, once: the check's job gives up its token."""
    checked = _own_job(request, request.POST.get("job"), importing.PREVIEW_JOB)
    token = checked.result.get("token") if checked else None
    if not token:
        raise importing.ImportFileError(
            _("This import is no longer waiting: upload the file again.")
        )
    series = next((s for s in context["series_choices"] if s.pk == checked.series_id), None)
    if series is None:
        raise PermissionDenied
    claimed = Job.objects.filter(pk=checked.pk, result__token=token).update(
        result={**checked.result, "token": None}
    )
    path = importing.stashed(token)
    if not claimed or path is None:
        raise importing.ImportFileError(
            _("This import is no longer waiting: upload the file again.")
        )
    job = jobs.start(
        importing.commit_task,
        kind=importing.COMMIT_JOB,
        user=request.user,
        series_id=series.pk,
        path=str(path),
        series_pk=series.pk,
        actor_pk=request.user.pk,
    )
    return redirect(job)


def _own_job(request, pk, kind):
    """A finished job of this kind started by this user (not even a superuser's view of
    someone else's), or None."""
    try:
        return Job.objects.get(pk=pk, kind=kind, user=request.user, status=Job.Status.DONE)
    except (Job.DoesNotExist, ValidationError, ValueError, TypeError):
        return None


def _show_job(request, context):
    """The report of a check or of an import, once its job is done; its page until then."""
    job = jobs.get_for(request.user, request.GET["job"])
    if job.kind not in (importing.PREVIEW_JOB, importing.COMMIT_JOB):
        raise Http404
    if job.status != Job.Status.DONE:
        return redirect(job)
    series = next((s for s in context["series_choices"] if s.pk == job.series_id), None)
    context.update(report=importing.StoredReport.from_result(job.result), series=series)
    if job.kind == importing.COMMIT_JOB:
        context["imported"] = job
    elif job.result.get("token") and series is not None and job.user_id == request.user.pk:
        context["checked"] = job
    return render(request, TEMPLATE, context)


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
