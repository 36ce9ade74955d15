"""The B2B pages of an edition: the participant's profile, suggestions and requests, agenda
(web, PDF, iCal); the organisers' settings, meetings, scheduler, check-in and table signs.

A participant sees the programme's profiles but only its own requests and agenda; anyone else
asking for them gets a 404, as for what does not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maarid.core import access, jobs, pdf
from maarid.core.params import id_or_404, to_int
from maarid.fairs.selectors import with_edition

from . import documents, selectors, services, tasks
from .forms import AddMeetingForm, OutcomeForm, ProfileForm, RequestForm, SetUpForm
from .models import Profile, Programme

MEETINGS_PAGE_SIZE = 100


def _url(name, programme, *args):
    edition = programme.edition
    return reverse(f"b2b:{name}", args=[edition.series.slug, edition.number, *args])


def _participant(request, programme) -> Profile:
    """The user's own profile in the programme (``?as=``, if they speak for several)."""
    wanted = request.GET.get("as") or request.POST.get("as")
    return selectors.participant(request.user, programme, wanted)


def _agenda_profile(request, programme) -> Profile:
    """Whose agenda: one's own, or, for the organisers, anyone's (``?profile=``)."""
    return selectors.agenda_owner(
        request.user,
        programme,
        wanted=request.GET.get("profile"),
        own=request.GET.get("as") or request.POST.get("as"),
    )


def _page(programme: Programme, **context):
    return {"edition": programme.edition, "programme": programme, **context}


@login_required
@with_edition()
def home(request, series, number):
    edition = request.edition
    programme = selectors.programme_for(edition)
    organiser = access.is_organiser(request.user, edition.series_id)
    if programme is None:
        if organiser:
            return redirect("b2b:setup", series, number)
        raise Http404
    profile = selectors.own_profile(request.user, programme)
    eligible = selectors.eligible_organisations(request.user, programme)
    if not (organiser or profile or eligible):
        raise Http404  # for the fair's exhibitors, its buyers and its organisers
    context = _page(
        programme,
        organiser=organiser,
        profile=profile,
        eligible=eligible,
        report=selectors.report(programme) if organiser else None,
    )
    if profile:
        context["suggestions"] = selectors.suggestions(profile, limit=6)
        context["agenda"] = selectors.upcoming(profile, limit=5)
        context["incoming"] = selectors.incoming(profile).count()
    return render(request, "b2b/home.html", context)


@login_required
@with_edition(need="organise")
def setup(request, series, number):
    edition = request.edition
    programme = selectors.programme_for(edition)
    initial = selectors.setup_initial(edition, programme)
    form = SetUpForm(request.POST or None, initial=initial, edition=edition)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_up(actor=request.user, edition=edition, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The B2B programme is saved."))
            return redirect("b2b:home", series, number)
    return render(
        request, "b2b/setup.html", {"edition": edition, "programme": programme, "form": form}
    )


@login_required
@with_edition()
def profile(request, series, number):
    programme = selectors.programme_of(request.edition)
    eligible = selectors.eligible_organisations(request.user, programme)
    chosen = request.GET.get("organisation") or request.POST.get("organisation")
    organisation = next(
        (o for o in eligible if o.slug == chosen), eligible[0] if eligible else None
    )
    if organisation is None:
        raise Http404
    instance = selectors.profile_of(programme, organisation)
    form = ProfileForm(request.POST or None, instance=instance, programme=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_profile(
                actor=request.user,
                programme=programme,
                organisation=organisation,
                categories=data["categories"],
                certifications=data["certifications"],
                unavailable=data["unavailable"],
                **{k: data[k] for k in services.PROFILE_FIELDS if k in data},
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your B2B profile is saved."))
            return redirect("b2b:participants", series, number)
    context = _page(
        programme,
        form=form,
        organisation=organisation,
        eligible=eligible,
        side=services.side_of(organisation),
    )
    return render(request, "b2b/profile.html", context)


@login_required
@with_edition()
def participants(request, series, number):
    """The other side's profiles, the best suggestions first, each with its reasons."""
    programme = selectors.programme_of(request.edition)
    profile = _participant(request, programme)
    ranked = selectors.suggestions(profile, limit=1000)
    context = _page(
        programme,
        profile=profile,
        suggestions=ranked,
        others=selectors.other_side(profile, besides={s.profile.pk for s in ranked}),
        asked=selectors.partners(profile),
        form=RequestForm(),
    )
    return render(request, "b2b/participants.html", context)


@login_required
@require_POST
@with_edition()
def ask(request, series, number, pk):
    """One tap: asks the participant for a meeting (answers a fragment to htmx)."""
    programme = selectors.programme_of(request.edition)
    profile = _participant(request, programme)
    other = selectors.profile_in(programme, pk)
    form = RequestForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.request_meeting(
                actor=request.user,
                from_profile=profile,
                to_profile=other,
                priority=form.cleaned_data["priority"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
    else:
        error = " ".join(str(message) for errors in form.errors.values() for message in errors)
    if request.headers.get("HX-Request"):
        return render(request, "b2b/asked.html", {"error": error})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Your request is sent."))
    return redirect(_url("participants", programme))


@login_required
@with_edition()
def requests(request, series, number):
    programme = selectors.programme_of(request.edition)
    profile = _participant(request, programme)
    context = _page(programme, profile=profile, rows=selectors.request_rows(profile))
    return render(request, "b2b/requests.html", context)


@login_required
@require_POST
@with_edition()
def answer(request, series, number, pk):
    programme = selectors.programme_of(request.edition)
    meeting = selectors.meeting_for(request.user, pk, programme=programme)
    try:
        services.respond(
            actor=request.user, meeting=meeting, accept=request.POST.get("accept") == "1"
        )
    except PermissionDenied:
        raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_url("requests", programme))


@login_required
@with_edition()
def agenda(request, series, number):
    programme = selectors.programme_of(request.edition)
    profile = _agenda_profile(request, programme)
    context = _page(programme, profile=profile, items=selectors.agenda(profile))
    return render(request, "b2b/agenda.html", context)


@login_required
@with_edition()
def agenda_pdf(request, series, number):
    programme = selectors.programme_of(request.edition)
    profile = _agenda_profile(request, programme)
    body = pdf.render_pdf(
        "b2b/agenda_pdf.html",
        {"edition": programme.edition, "profile": profile, "items": selectors.agenda(profile)},
        translation.get_language(),
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="agenda-{profile.organisation.slug}.pdf"'
    return response


@login_required
@with_edition()
def agenda_ics(request, series, number):
    programme = selectors.programme_of(request.edition)
    profile = _agenda_profile(request, programme)
    response = HttpResponse(selectors.ical(profile), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="agenda-{profile.organisation.slug}.ics"'
    )
    return response


@login_required
@with_edition()
def outcome(request, series, number, pk):
    programme = selectors.programme_of(request.edition)
    profile = _participant(request, programme)
    meeting = selectors.meeting_for(request.user, pk, programme=programme)
    form = OutcomeForm(request.POST or None, instance=selectors.outcome_of(meeting, profile))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_outcome(
                actor=request.user, meeting=meeting, profile=profile, **form.cleaned_data
            )
        except PermissionDenied:
            raise Http404
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: the outcome is recorded."))
            return redirect(_url("agenda", programme))
    return render(request, "b2b/outcome.html", _page(programme, meeting=meeting, form=form))


# --- The organisers -----------------------------------------------------------------------


@login_required
@with_edition(need="organise")
def meetings(request, series, number):
    programme = selectors.programme_of(request.edition)
    listed = selectors.listed_meetings(programme)
    page = Paginator(listed, MEETINGS_PAGE_SIZE).get_page(request.GET.get("page"))
    form = AddMeetingForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_meeting(
                actor=request.user,
                programme=programme,
                buyer=data["buyer"],
                sellers=list(data["sellers"]),
                priority=data["priority"],
                session=data["session"],
                pinned_slot=data["pinned_slot"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The meeting is added."))
            return redirect(request.path)
    context = _page(
        programme,
        meetings=selectors.meeting_rows(programme, page),
        page=page,
        form=form,
        report=selectors.report(programme),
        run=selectors.last_schedule_run(programme),
    )
    return render(request, "b2b/meetings.html", context)


@login_required
@require_POST
@with_edition(need="organise")
def run_schedule(request, series, number):
    programme = selectors.programme_of(request.edition)
    return jobs.start_and_show(
        request,
        tasks.run_schedule,
        kind=tasks.SCHEDULE_JOB,
        series_id=request.edition.series_id,
        programme_pk=programme.pk,
    )


@login_required
@require_POST
@with_edition(need="organise")
def publish(request, series, number):
    programme = selectors.programme_of(request.edition)
    told = services.publish(actor=request.user, programme=programme)
    messages.success(
        request, _("The schedule is published; %(n)d participants were told.") % {"n": told}
    )
    return redirect(_url("meetings", programme))


@login_required
@with_edition(need="organise")
def checkin(request, series, number):
    """Meetings slot by slot, to mark held or missed at the tables (htmx: in place)."""
    programme = selectors.programme_of(request.edition)
    if request.method == "POST":
        pk = id_or_404(request.POST.get("meeting", ""))
        meeting = selectors.meeting_for(request.user, pk, programme=programme)
        try:
            services.check_in(
                actor=request.user, meeting=meeting, attendance=request.POST.get("attendance", "")
            )
        except ValidationError as error:
            if request.headers.get("HX-Request"):
                return HttpResponse(" ".join(error.messages), status=422)
            messages.error(request, " ".join(error.messages))
            return redirect(request.get_full_path())
        if request.headers.get("HX-Request"):
            return render(request, "b2b/checkin_row.html", {"row": selectors.at_table(meeting)})
        return redirect(request.path)
    slots = programme.slots()
    # The slot asked for (``?slot=``), the first if that is not one of them.
    index = to_int(request.GET.get("slot"), 0, minimum=0, maximum=len(slots) - 1)
    context = _page(
        programme,
        slots=slots,
        current=slots[index] if slots else None,
        rows=selectors.at_tables(programme, index),
    )
    return render(request, "b2b/checkin.html", context)


@login_required
@with_edition(need="organise")
def table_signs(request, series, number):
    """A sign per table (A4, its number large) with the day's meetings at it: as last made if
    nothing on them has changed since, else made in the background."""
    programme = selectors.programme_of(request.edition)
    return pdf.serve_or_make(
        request,
        documents.TableSigns(programme),
        tasks.make_table_signs,
        kind=tasks.TABLE_SIGNS_JOB,
        series_id=request.edition.series_id,
        series=series,
        number=number,
    )
