"""The organisers' booth allocation: the weights, seed and limit of a run (started as a
background job with a progress page), the proposal it makes (figures, who it could not place
and why, in the reader's language), applied on confirmation; the placement announced; and the
printables (the plan on A3, the booth signs), made in the background and kept.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from maarid.core import jobs, pdf
from maarid.fairs.selectors import with_edition

from . import documents, selectors, services, tasks, wording

DEFAULT_SECONDS = 20


class AllocateForm(forms.Form):
    """What a run is asked: how much each soft goal weighs, a seed and a limit."""

    family = forms.IntegerField(
        label=gettext_lazy("Same product side by side"),
        initial=3,
        min_value=0,
        max_value=services.MAX_WEIGHT,
        help_text=gettext_lazy("Per pair of neighbouring booths holding the same product."),
    )
    request = forms.IntegerField(
        label=gettext_lazy("Neighbour request not honoured"),
        initial=4,
        min_value=0,
        max_value=services.MAX_WEIGHT,
    )
    fairness = forms.IntegerField(
        label=gettext_lazy("Best places not shared fairly"),
        initial=1,
        min_value=0,
        max_value=services.MAX_WEIGHT,
        help_text=gettext_lazy(
            "Per best place (near an entrance or the stage) above or below the fair share of a "
            "province or a kind of organisation."
        ),
    )
    rotation = forms.IntegerField(
        label=gettext_lazy("Returning exhibitor in last year's spot"),
        initial=2,
        min_value=0,
        max_value=services.MAX_WEIGHT,
    )
    seed = forms.IntegerField(
        label=gettext_lazy("Seed"),
        initial=0,
        min_value=0,
        max_value=2**31 - 1,
        help_text=gettext_lazy("The same seed and limit give the same placement."),
    )
    seconds = forms.IntegerField(
        label=gettext_lazy("Time limit (seconds of search)"),
        initial=DEFAULT_SECONDS,
        min_value=services.MIN_SECONDS,
        max_value=services.MAX_SECONDS,
    )


def _context(request, **extra):
    edition = request.edition
    venue = selectors.venue_of(edition)
    return {
        "edition": edition,
        "venue": venue,
        "figures": selectors.figures(venue),
        **extra,
    }


@login_required
@with_edition(need="organise")
def allocate(request, series, number):
    """The run's settings (GET); POST starts the run and shows its progress."""
    form = AllocateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        return jobs.start_and_show(
            request,
            tasks.run_allocation,
            kind=tasks.ALLOCATE_JOB,
            series_id=request.edition.series_id,
            series=series,
            number=number,
            weights={k: data[k] for k in ("family", "request", "rotation", "fairness")},
            seed=data["seed"],
            seconds=data["seconds"],
        )
    status = 400 if request.method == "POST" else 200
    return render(request, "floorplan/allocate.html", _context(request, form=form), status=status)


def _proposal(request, job_pk):
    """The run's proposal, if it is this user's job for this edition."""
    job = jobs.get_for(request.user, job_pk, kind=tasks.ALLOCATE_JOB)
    result = job.result if isinstance(job.result, dict) else {}
    edition = request.edition
    if "booths" not in result or result.get("edition") != [edition.series.slug, edition.number]:
        raise Http404
    return job, result


def _gap_text(result) -> str:
    if result.get("optimal"):
        return _("Optimal: no placement keeps the rules at a lower cost.")
    gap = result.get("gap")
    if gap is None:
        return _("The best possible cost is not known; this placement costs %(cost)s.") % {
            "cost": result.get("objective")
        }
    percent = max(0.1, round(100 * float(gap), 1))
    return _("Within %(percent)s%% of the best possible.") % {"percent": f"{percent:g}"}


@login_required
@with_edition(need="organise")
def allocation(request, series, number, job):
    """A run's proposal; POST applies it."""
    found, result = _proposal(request, job)
    if request.method == "POST":
        try:
            changed = services.apply_allocation(
                actor=request.user, edition=request.edition, result=result
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.path)
        messages.success(
            request,
            ngettext(
                "The placement is applied: %(count)d exhibitor changed place.",
                "The placement is applied: %(count)d exhibitors changed place.",
                changed,
            )
            % {"count": changed},
        )
        return redirect("floorplan:allocate", series, number)
    unplaced = [
        {"name": row.get("name", ""), "reason": wording.reason(row["code"], row.get("params", {}))}
        for row in result.get("unplaced", [])
    ]
    names = selectors.allocation_names(request.edition, result.get("moved", []))
    context = _context(
        request,
        job=found,
        result=result,
        unplaced=unplaced,
        moved=names,
        gap_text=_gap_text(result),
    )
    return render(request, "floorplan/allocate_result.html", context)


@login_required
@require_POST
@with_edition(need="organise")
def announce(request, series, number):
    count = services.announce_assignments(actor=request.user, edition=request.edition)
    messages.success(
        request,
        ngettext(
            "%(count)d place is announced: a new run keeps it.",
            "%(count)d places are announced: a new run keeps them.",
            count,
        )
        % {"count": count},
    )
    return redirect("floorplan:allocate", series, number)


@login_required
@with_edition(need="organise")
def signs(request, series, number):
    """A sign per placed exhibitor (A4), in one PDF: as last made if nothing on it changed,
    else made in the background."""
    base_url = request.build_absolute_uri("/")
    return pdf.serve_or_make(
        request,
        documents.BoothSigns(request.edition, base_url=base_url),
        tasks.make_signs,
        kind=tasks.SIGNS_JOB,
        series_id=request.edition.series_id,
        series=series,
        number=number,
        base_url=base_url,
    )


@login_required
@with_edition(need="organise")
def plan_pdf(request, series, number):
    """The plan on A3 (landscape) with its legend, zones and exhibitor names."""
    return pdf.serve_or_make(
        request,
        documents.PlanPdf(request.edition),
        tasks.make_plan_pdf,
        kind=tasks.PLAN_PDF_JOB,
        series_id=request.edition.series_id,
        series=series,
        number=number,
    )
