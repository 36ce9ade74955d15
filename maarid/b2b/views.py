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
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maarid.core import access, jobs, pdf
from maarid.core.params import id_or_404, to_int
from maarid.fairs.models import Edition

from . import services, tasks
from .forms import AddMeetingForm, OutcomeForm, ProfileForm, RequestForm, SetUpForm
from .models import Meeting, Profile, Programme

MEETINGS_PAGE_SIZE = 100


def _edition(series, number) -> Edition:
    return get_object_or_404(
        Edition.objects.select_related("series"), series__slug=series, number=number
    )


def _programme(series, number) -> Programme:
    return get_object_or_404(
        Programme.objects.select_related("edition__series"),
        edition__series__slug=series,
        edition__number=number,
    )


def _url(name, programme, *args):
    edition = programme.edition
    return reverse(f"b2b:{name}", args=[edition.series.slug, edition.number, *args])


def _participant(request, programme) -> Profile:
    """The user's own profile in the programme (the first, if they speak for several)."""
    wanted = request.GET.get("as") or request.POST.get("as")
    profiles = services.own_profiles(request.user, programme).select_related("organisation")
    if wanted:
        profiles = profiles.filter(pk=id_or_404(wanted))
    profile = profiles.first()
    if profile is None:
        raise Http404
    return profile


@login_required
def home(request, series, number):
    edition = _edition(series, number)
    programme = services.programme_for(edition)
    organiser = access.is_organiser(request.user, edition.series_id)
    if programme is None:
        if organiser:
            return redirect("b2b:setup", series, number)
        raise Http404
    profile = services.own_profile(request.user, programme)
    eligible = services.eligible_organisations(request.user, programme)
    if not (organiser or profile or eligible):
        raise Http404  # for the fair's exhibitors, its buyers and its organisers
    context = {
        "edition": edition,
        "programme": programme,
        "organiser": organiser,
        "profile": profile,
        "eligible": eligible,
        "report": services.report(programme) if organiser else None,
    }
    if profile:
        context["suggestions"] = services.suggestions(profile, limit=6)
        now = timezone.now()
        upcoming = [item for item in services.agenda(profile) if item.slot.ends() > now]
        context["agenda"] = upcoming[:5]
        context["incoming"] = services.incoming(profile).count()
    return render(request, "b2b/home.html", context)


@login_required
def setup(request, series, number):
    edition = _edition(series, number)
    access.require_organiser(request.user, edition.series_id)
    programme = services.programme_for(edition)
    initial = {
        "starts_at": "09:30",
        "ends_at": "17:00",
        "afternoon_from": "13:00",
        "slot_minutes": 20,
        "tables": services.DEFAULT_TABLES,
        "requests_open": True,
        "days": [edition.starts_on.isoformat()],
    }
    if programme:
        tables = list(programme.tables.all())
        big = [t for t in tables if t.capacity > 2]
        initial = {
            "days": programme.days,
            "starts_at": programme.starts_at,
            "ends_at": programme.ends_at,
            "afternoon_from": programme.afternoon_from,
            "pause_from": programme.pause_from,
            "pause_until": programme.pause_until,
            "slot_minutes": programme.slot_minutes,
            "tables": len(tables) - len(big),
            "big_tables": len(big),
            "big_capacity": big[0].capacity if big else 6,
            "max_breaks": programme.max_breaks,
            "requests_open": programme.requests_open,
        }
    form = SetUpForm(request.POST or None, initial=initial, edition=edition)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_up(edition, request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The B2B programme is saved."))
            return redirect("b2b:home", series, number)
    return render(
        request, "b2b/setup.html", {"edition": edition, "programme": programme, "form": form}
    )


@login_required
def profile(request, series, number):
    programme = _programme(series, number)
    eligible = services.eligible_organisations(request.user, programme)
    chosen = request.GET.get("organisation") or request.POST.get("organisation")
    organisation = next(
        (o for o in eligible if o.slug == chosen), eligible[0] if eligible else None
    )
    if organisation is None:
        raise Http404
    instance = Profile.objects.filter(programme=programme, organisation=organisation).first()
    form = ProfileForm(request.POST or None, instance=instance, programme=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_profile(
                programme,
                organisation,
                request.user,
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
    return render(
        request,
        "b2b/profile.html",
        {
            "edition": programme.edition,
            "programme": programme,
            "form": form,
            "organisation": organisation,
            "eligible": eligible,
            "side": services.side_of(organisation),
        },
    )


@login_required
def participants(request, series, number):
    """The other side's profiles, the best suggestions first, each with its reasons."""
    programme = _programme(series, number)
    profile = _participant(request, programme)
    ranked = services.suggestions(profile, limit=1000)
    suggested = {s.profile.pk for s in ranked}
    others = (
        programme.profiles.exclude(side=profile.side)
        .exclude(pk__in=suggested)
        .select_related("organisation")
    )
    asked = services.partners(profile)
    return render(
        request,
        "b2b/participants.html",
        {
            "edition": programme.edition,
            "programme": programme,
            "profile": profile,
            "suggestions": ranked,
            "others": others,
            "asked": asked,
            "form": RequestForm(),
        },
    )


@login_required
@require_POST
def ask(request, series, number, pk):
    """One tap: asks the participant for a meeting (answers a fragment to htmx)."""
    programme = _programme(series, number)
    profile = _participant(request, programme)
    other = get_object_or_404(Profile, pk=pk, programme=programme)
    form = RequestForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.request_meeting(
                profile,
                other,
                request.user,
                priority=form.cleaned_data["priority"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
    else:
        error = " ".join(message for errors in form.errors.values() for message in errors)
    if request.headers.get("HX-Request"):
        return render(request, "b2b/asked.html", {"error": error})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Your request is sent."))
    return redirect(_url("participants", programme))


@login_required
def requests(request, series, number):
    programme = _programme(series, number)
    profile = _participant(request, programme)
    meetings = list(
        services.meetings_of(profile)
        .select_related("buyer__organisation", "requested_by")
        .prefetch_related("sellers__organisation")
        .order_by("-created_at")
    )
    for meeting in meetings:
        meeting.others = [p for p in [meeting.buyer, *meeting.sellers.all()] if p.pk != profile.pk]
        meeting.to_answer = (
            meeting.status == Meeting.Status.REQUESTED
            and meeting.requested_by_id != profile.pk
            and not meeting.by_organiser
        )
    return render(
        request,
        "b2b/requests.html",
        {
            "edition": programme.edition,
            "programme": programme,
            "profile": profile,
            "meetings": meetings,
        },
    )


@login_required
@require_POST
def answer(request, series, number, pk):
    programme = _programme(series, number)
    meeting = get_object_or_404(Meeting, pk=pk, programme=programme)
    if not services.may_see_meeting(request.user, meeting):
        raise Http404
    try:
        services.respond(meeting, request.user, accept=request.POST.get("accept") == "1")
    except PermissionDenied:
        raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_url("requests", programme))


def _agenda_profile(request, programme) -> Profile:
    """Whose agenda: one's own, or, for the organisers, anyone's (``?profile=``)."""
    wanted = request.GET.get("profile")
    if wanted and services.is_organiser(request.user, programme):
        return get_object_or_404(Profile, pk=id_or_404(wanted), programme=programme)
    return _participant(request, programme)


@login_required
def agenda(request, series, number):
    programme = _programme(series, number)
    profile = _agenda_profile(request, programme)
    return render(
        request,
        "b2b/agenda.html",
        {
            "edition": programme.edition,
            "programme": programme,
            "profile": profile,
            "items": services.agenda(profile),
        },
    )


@login_required
def agenda_pdf(request, series, number):
    programme = _programme(series, number)
    profile = _agenda_profile(request, programme)
    language = translation.get_language()
    body = pdf.render_pdf(
        "b2b/agenda_pdf.html",
        {"edition": programme.edition, "profile": profile, "items": services.agenda(profile)},
        language,
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="agenda-{profile.organisation.slug}.pdf"'
    return response


@login_required
def agenda_ics(request, series, number):
    programme = _programme(series, number)
    profile = _agenda_profile(request, programme)
    response = HttpResponse(services.ical(profile), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="agenda-{profile.organisation.slug}.ics"'
    )
    return response


@login_required
def outcome(request, series, number, pk):
    programme = _programme(series, number)
    profile = _participant(request, programme)
    meeting = get_object_or_404(Meeting, pk=pk, programme=programme)
    if not services.may_see_meeting(request.user, meeting):
        raise Http404
    existing = meeting.outcomes.filter(profile=profile).first()
    form = OutcomeForm(request.POST or None, instance=existing)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_outcome(meeting, profile, request.user, **form.cleaned_data)
        except PermissionDenied:
            raise Http404
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: the outcome is recorded."))
            return redirect(_url("agenda", programme))
    return render(
        request,
        "b2b/outcome.html",
        {"edition": programme.edition, "programme": programme, "meeting": meeting, "form": form},
    )


# --- The organisers -----------------------------------------------------------------------


def _organiser_programme(request, series, number) -> Programme:
    programme = _programme(series, number)
    services.require_organiser(request.user, programme)
    return programme


@login_required
def meetings(request, series, number):
    programme = _organiser_programme(request, series, number)
    slots = {s.index: s for s in programme.slots()}
    all_rows = (
        programme.meetings.exclude(status=Meeting.Status.CANCELLED)
        .select_related("buyer__organisation", "table")
        .prefetch_related("sellers__organisation")
        .order_by("status", "slot", "table__number", "pk")
    )
    page = Paginator(all_rows, MEETINGS_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page)
    for meeting in rows:
        meeting.slot_time = slots.get(meeting.slot)
        meeting.reason = services.reason_text(meeting)
    form = AddMeetingForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_meeting(
                programme,
                request.user,
                data["buyer"],
                list(data["sellers"]),
                priority=data["priority"],
                session=data["session"],
                pinned_slot=data["pinned_slot"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The meeting is added."))
            return redirect(request.path)
    return render(
        request,
        "b2b/meetings.html",
        {
            "edition": programme.edition,
            "programme": programme,
            "meetings": rows,
            "page": page,
            "form": form,
            "report": services.report(programme),
        },
    )


@login_required
@require_POST
def run_schedule(request, series, number):
    programme = _organiser_programme(request, series, number)
    job = jobs.start(
        tasks.run_schedule,
        kind=tasks.SCHEDULE_JOB,
        user=request.user,
        series_id=programme.edition.series_id,
        programme_pk=programme.pk,
    )
    return redirect(job)


@login_required
@require_POST
def publish(request, series, number):
    programme = _organiser_programme(request, series, number)
    told = services.publish(programme, request.user)
    messages.success(
        request, _("The schedule is published; %(n)d participants were told.") % {"n": told}
    )
    return redirect(_url("meetings", programme))


@login_required
def checkin(request, series, number):
    """Meetings slot by slot, to mark held or missed at the tables (htmx: in place)."""
    programme = _organiser_programme(request, series, number)
    if request.method == "POST":
        pk = id_or_404(request.POST.get("meeting", ""))
        meeting = get_object_or_404(Meeting, pk=pk, programme=programme)
        try:
            services.check_in(meeting, request.user, request.POST.get("attendance", ""))
        except ValidationError as error:
            if request.headers.get("HX-Request"):
                return HttpResponse(" ".join(error.messages), status=422)
            messages.error(request, " ".join(error.messages))
            return redirect(request.get_full_path())
        if request.headers.get("HX-Request"):
            return render(request, "b2b/checkin_row.html", {"meeting": _with_people(meeting)})
        return redirect(request.path)
    slots = programme.slots()
    index = _slot_index(request, slots)
    rows = [
        _with_people(m)
        for m in programme.meetings.filter(status=Meeting.Status.ACCEPTED, slot=index)
        .select_related("buyer__organisation", "table")
        .prefetch_related("sellers__organisation")
        .order_by("table__number")
    ]
    return render(
        request,
        "b2b/checkin.html",
        {
            "edition": programme.edition,
            "programme": programme,
            "slots": slots,
            "current": slots[index] if slots else None,
            "meetings": rows,
        },
    )


def _slot_index(request, slots) -> int:
    """The slot asked for (``?slot=``), the first if that is not one of them."""
    return to_int(request.GET.get("slot"), 0, minimum=0, maximum=len(slots) - 1)


def _with_people(meeting):
    meeting.people = [meeting.buyer, *meeting.sellers.all()]
    return meeting


@login_required
def table_signs(request, series, number):
    """A sign per table (A4, its number large) with the day's meetings at it."""
    programme = _organiser_programme(request, series, number)
    slots = {s.index: s for s in programme.slots()}
    tables = []
    for table in programme.tables.all():
        placed = [
            (slots.get(m.slot), _with_people(m))
            for m in table.meetings.filter(status=Meeting.Status.ACCEPTED, slot__isnull=False)
            .select_related("buyer__organisation")
            .prefetch_related("sellers__organisation")
            .order_by("slot")
        ]
        tables.append((table, placed))
    body = pdf.render_pdf(
        "b2b/table_signs_pdf.html",
        {"edition": programme.edition, "tables": tables},
        translation.get_language(),
    )
    return HttpResponse(body, content_type="application/pdf")
