"""Import and export of organisations (CSV and Excel)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from maarid.core import access, jobs, spreadsheets
from maarid.core.models import Job
from maarid.core.spreadsheets import ImportFileError

from . import exporting, importing, selectors
from .forms import ImportForm
from .views import filtered_organisations

TEMPLATE = "registry/import.html"
EXPORTS = {"xlsx": exporting.export_xlsx, "csv": exporting.export_csv}


@login_required
def import_organisations(request):
    """Upload a file: it is checked in the background (the job's page shows the progress),
    then this page shows the report, ``?job=<id>``, and offers to import it; ``&refused`` is
    the file of the rows refused, when the organiser chose to import the rows that are right."""
    access.require_organiser(request.user)
    context = {"form": ImportForm(), "series_choices": selectors.organiser_series(request.user)}
    if request.method != "POST":
        if "job" in request.GET:
            return _show_job(request, context)
        return render(request, TEMPLATE, context)
    try:
        if request.POST.get("action") == "commit":
            return _commit(request, context)
        return _preview(request, context)
    except ImportFileError as error:
        context["file_error"] = str(error)
        return render(request, TEMPLATE, context, status=400)


def _preview(request, context):
    form = context["form"] = ImportForm(request.POST, request.FILES)
    context["rows_choice"] = request.POST.get("rows")
    if not form.is_valid():
        return render(request, TEMPLATE, context, status=400)
    series = selectors.series_among(context["series_choices"], request.POST.get("series"))
    if series is None:
        raise PermissionDenied
    job = importing.start_check(
        actor=request.user,
        series=series,
        uploaded_file=form.cleaned_data["file"],
        right_rows=spreadsheets.right_rows(request.POST.get("rows")),
    )
    return redirect(job)


def _commit(request, context):
    """Imports a file this user checked, once."""
    checked = selectors.own_finished_job(
        request.user, request.POST.get("job"), importing.PREVIEW_JOB
    )
    if not (checked and checked.result.get("token")):
        raise ImportFileError(str(importing.NOT_WAITING))
    series = selectors.series_among(context["series_choices"], checked.series_id)
    if series is None:
        raise PermissionDenied
    return redirect(importing.start_import(actor=request.user, checked=checked, series=series))


def _show_job(request, context):
    """The report of a check or of an import, once its job is done; its page until then."""
    job = jobs.get_for(request.user, request.GET["job"])
    if job.kind not in (importing.PREVIEW_JOB, importing.COMMIT_JOB):
        raise Http404
    if job.status != Job.Status.DONE:
        return redirect(job)
    if "refused" in request.GET:
        return _refused(request, job)
    series = selectors.series_among(context["series_choices"], job.series_id)
    context.update(
        rows_choice=spreadsheets.RIGHT_ROWS if job.result.get("right_rows") else None,
        report=importing.StoredReport.from_result(job.result),
        series=series,
        refused=f"{reverse('registry:import')}?job={job.pk}&refused"
        if job.user_id == request.user.pk
        and spreadsheets.stashed_refused(job.result.get("refused"))
        else None,
    )
    if job.kind == importing.COMMIT_JOB:
        context["imported"] = job
    elif job.result.get("token") and series is not None and job.user_id == request.user.pk:
        context["checked"] = job
    return render(request, TEMPLATE, context)


def _refused(request, job):
    """The rows a check or an import refused, as a file, for the organiser who uploaded it."""
    refused = spreadsheets.stashed_refused(job.result.get("refused"))
    if refused is None or job.user_id != request.user.pk:
        raise Http404
    path, fmt = refused
    return spreadsheets.download(path.read_bytes(), fmt, "refused-rows")


@login_required
def export_organisations(request, fmt):
    if fmt not in EXPORTS:
        raise Http404
    _form, queryset = filtered_organisations(request.user, request.GET)
    return spreadsheets.download(EXPORTS[fmt](queryset), fmt, "organisations")
