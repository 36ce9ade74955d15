"""The programme's pages: the public programme (by day, by track), a session's page and its
registration form, a person's registrations (their secret key), iCal feeds; the organisers'
grid, session form, rooms and speakers, lists, export and messages; the door. Thin doors to the
selectors and services."""

import datetime
import uuid

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from maarid.catalogue import qr
from maarid.core import params, scanner
from maarid.fairs.selectors import with_edition

from . import exports, selectors, services
from .forms import (
    DoorPhoneForm,
    MessageForm,
    RegisterForm,
    RoomForm,
    SessionForm,
    SpeakerForm,
    TrackForm,
)
from .models import Registration

HOLDER_SESSION_KEY = "programme_holder"


def _args(edition):
    return [edition.series.slug, edition.number]


def _day(request, edition) -> datetime.date:
    """The day asked for (``?day=``), else today when the fair is on, else its first day."""
    text = request.GET.get("day", "")
    try:
        day = datetime.date.fromisoformat(text) if text else None
    except ValueError:
        day = None
    if day is None or not edition.starts_on <= day <= edition.ends_on:
        today = timezone.localdate()
        day = today if edition.starts_on <= today <= edition.ends_on else edition.starts_on
    return day


# --- The public programme ---------------------------------------------------------------------


@with_edition()
def programme(request, series, number):
    edition = request.edition
    sessions = list(selectors.sessions_of(edition, request.user))
    view = "track" if request.GET.get("by") == "track" else "day"
    return render(
        request,
        "programme/programme.html",
        {
            "edition": edition,
            "view": view,
            "days": selectors.by_day(sessions),
            "tracks": selectors.by_track(sessions),
            "can_manage": selectors.is_organiser(request.user, edition),
            "holder": _holder_key(request),
        },
    )


def _holder_key(request) -> str:
    holder = selectors.holder_of(request.user)
    if holder is not None:
        return holder.key
    return request.session.get(HOLDER_SESSION_KEY, "")


@with_edition()
def session(request, series, number, pk):
    edition = request.edition
    shown = selectors.session_for(request.user, edition, pk)
    form = RegisterForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                registration = services.register(
                    actor=request.user if request.user.is_authenticated else None,
                    session=shown,
                    language=request.LANGUAGE_CODE,
                    holder_key=_holder_key(request),
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if not request.user.is_authenticated:
                    request.session[HOLDER_SESSION_KEY] = registration.holder.key
                if registration.status == Registration.Status.WAITING:
                    messages.warning(
                        request,
                        _(
                            "The session is full: you are on the waiting list. "
                            "We will tell you if a place frees up."
                        ),
                    )
                else:
                    messages.success(request, _("You are registered. Show your code at the door."))
                return redirect("programme:mine", *_args(edition), registration.holder.key)
        status = 400
    return render(
        request,
        "programme/session.html",
        {
            "edition": edition,
            "session": shown,
            "form": form,
            "mine": selectors.own_registration(request.user, shown),
            "can_manage": selectors.is_organiser(request.user, edition),
            "map_url": selectors.map_url(shown),
            "open_problem": _open_problem(shown),
            "full": shown.registered >= shown.capacity,  # type: ignore[attr-defined]
        },
        status=status,
    )


def _open_problem(shown) -> str:
    try:
        services.check_open(shown)
    except ValidationError as error:
        return error.messages[0]
    return ""


@with_edition()
def mine(request, series, number, key):
    """A person's registrations at the edition, opened by the secret key of their link."""
    edition = request.edition
    holder = selectors.holder_by_key(key)
    rows = [
        {"registration": r, "qr": _qr(r), "rank": selectors.waiting_rank(r)}
        for r in selectors.registrations_of(holder, edition)
    ]
    return render(
        request,
        "programme/mine.html",
        {"edition": edition, "rows": rows, "key": key},
    )


def _qr(registration) -> str:
    svg = segno.make(registration.qr_payload, error="m", micro=False).svg_inline(
        scale=5, dark="#111", light="#fff"
    )
    return mark_safe(svg)  # noqa: S308  (segno's markup of a signed code)


@login_required
@with_edition()
def my(request, series, number):
    holder = selectors.holder_of(request.user)
    if holder is None:
        holder = services.holder_for(user=request.user)
    return redirect("programme:mine", series, number, holder.key)


@require_POST
@with_edition()
def cancel(request, series, number, key, pk):
    edition = request.edition
    holder = selectors.holder_by_key(key)
    registration = selectors.registration_of(holder, pk)
    try:
        services.cancel(
            actor=request.user if request.user.is_authenticated else None,
            registration=registration,
            holder_key=key,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("programme:mine", *_args(edition), key)


@with_edition()
def ical(request, series, number):
    edition = request.edition
    sessions = selectors.sessions_of(edition, request.user)
    body = exports.ical(
        sessions,
        name=str(edition),
        url_of=lambda s: request.build_absolute_uri(
            reverse("programme:session", args=[*_args(edition), s.pk])
        ),
    )
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@with_edition()
def ical_mine(request, series, number, key):
    edition = request.edition
    holder = selectors.holder_by_key(key)
    sessions = [
        r.session
        for r in selectors.registrations_of(holder, edition)
        if r.status != Registration.Status.CANCELLED
    ]
    body = exports.ical(sessions, name=str(edition))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


# --- The organisers' pages -------------------------------------------------------------------


@login_required
@with_edition(need="organise")
def grid(request, series, number):
    edition = request.edition
    day = _day(request, edition)
    return render(
        request,
        "programme/grid.html",
        {
            "edition": edition,
            "grid": selectors.grid(edition, request.user, day),
            "dates": edition.dates(),
            "day": day,
            "hours": edition.hours_on(day),
        },
    )


def _session_form_page(request, shown=None):
    edition = request.edition
    initial = SessionForm.initial_for(shown) if shown is not None else {}
    if shown is None:
        initial = {"day": _day(request, edition), "language": "ar-fr"}
        room = params.to_int(request.GET.get("room"))
        if room:
            initial["room"] = room
    form = SessionForm(request.POST or None, edition=edition, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            fields, speakers = form.service_fields()
            try:
                saved = services.save_session(
                    actor=request.user,
                    edition=edition,
                    session=shown,
                    speakers=speakers,
                    **fields,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The session is saved."))
                day = timezone.localtime(saved.starts_at).date().isoformat()
                return redirect(reverse("programme:grid", args=_args(edition)) + f"?day={day}")
        status = 400
    return render(
        request,
        "programme/session_form.html",
        {"edition": edition, "form": form, "session": shown},
        status=status,
    )


@login_required
@with_edition(need="organise")
def session_new(request, series, number):
    return _session_form_page(request)


@login_required
@with_edition(need="organise")
def session_edit(request, series, number, pk):
    return _session_form_page(
        request, selectors.organised_session(request.user, request.edition, pk)
    )


@login_required
@with_edition(need="organise")
def setup(request, series, number):
    """Rooms, tracks and speakers of the edition, and forms to add them."""
    edition = request.edition
    forms = {
        "room": RoomForm(prefix="room"),
        "track": TrackForm(prefix="track"),
        "speaker": SpeakerForm(prefix="speaker"),
    }
    status = 200
    if request.method == "POST":
        what = request.POST.get("what", "")
        if what not in forms:
            raise Http404
        form_class = {"room": RoomForm, "track": TrackForm, "speaker": SpeakerForm}[what]
        form = form_class(request.POST, request.FILES, prefix=what)
        forms[what] = form
        if form.is_valid():
            try:
                data = dict(form.cleaned_data)
                if what == "room":
                    services.create_room(actor=request.user, edition=edition, **data)
                elif what == "track":
                    services.create_track(actor=request.user, edition=edition, **data)
                else:
                    services.create_speaker(actor=request.user, edition=edition, **data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("programme:setup", *_args(edition))
        status = 400
    return render(
        request,
        "programme/setup.html",
        {
            "edition": edition,
            "forms": forms,
            "rooms": selectors.rooms_of(edition),
            "tracks": selectors.tracks_of(edition),
            "speakers": selectors.speakers_of(edition),
            "devices": selectors.door_devices_of(edition),
        },
        status=status,
    )


@login_required
@with_edition(need="organise")
def registrants(request, series, number, pk):
    edition = request.edition
    shown = selectors.organised_session(request.user, edition, pk)
    form = MessageForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                count = services.message_registrants(
                    actor=request.user, session=shown, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("The message is on its way to %(count)s people.") % {"count": count}
                )
                return redirect("programme:registrants", *_args(edition), pk)
        status = 400
    return render(
        request,
        "programme/registrants.html",
        {
            "edition": edition,
            "session": shown,
            "registrations": selectors.registrants(shown),
            "figures": selectors.door_figures(shown),
            "form": form,
        },
        status=status,
    )


@login_required
@with_edition(need="organise")
def registrants_xlsx(request, series, number, pk):
    edition = request.edition
    shown = selectors.organised_session(request.user, edition, pk)
    response = HttpResponse(
        exports.registrants_xlsx(shown, selectors.registrants(shown)), content_type=exports.XLSX
    )
    response["Content-Disposition"] = f'attachment; filename="registrants-{shown.pk}.xlsx"'
    return response


@login_required
@with_edition()
def exhibitor_registrations(request, series, number):
    """The registrations an exhibitor's members made for people of their cooperative: theirs
    alone."""
    edition = request.edition
    exhibitor = selectors.exhibitor_of(request.user, edition)
    if exhibitor is None:
        raise Http404
    return render(
        request,
        "programme/exhibitor_registrations.html",
        {
            "edition": edition,
            "exhibitor": exhibitor,
            "registrations": selectors.registrations_of_exhibitor(exhibitor),
        },
    )


# --- The door ---------------------------------------------------------------------------------


@scanner.page  # type: ignore[arg-type]
@login_required
@with_edition(need="organise")
def door(request, series, number, pk):
    """A volunteer's phone at the door: type the code, tick the list, scan, add a walk-in.
    The page's script queues check-ins when the network drops (programme/door.js)."""
    edition = request.edition
    shown = selectors.door_session(edition, pk)
    result = None
    if request.method == "POST":
        try:
            if request.POST.get("walk_in"):
                result = services.walk_in(
                    actor=request.user,
                    session=shown,
                    name=request.POST.get("name", ""),
                    phone=request.POST.get("phone", ""),
                    key=request.POST.get("key") or uuid.uuid4().hex,
                    past_capacity=bool(request.POST.get("past_capacity")),
                )
            else:
                result = services.check_in(
                    actor=request.user,
                    session=shown,
                    code=request.POST.get("code", ""),
                    key=request.POST.get("key") or uuid.uuid4().hex,
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied:
            raise
        else:
            if result.already:
                messages.warning(request, f"{result.check_in.name}: {result.warning}")
            else:
                messages.success(
                    request,
                    _("%(name)s is checked in.") % {"name": result.check_in.name}
                    + (f" {result.warning}" if result.warning else ""),
                )
        return redirect("programme:door", *_args(edition), pk)
    return render(
        request,
        "programme/door.html",
        {
            "edition": edition,
            "session": shown,
            "people": selectors.door_list(shown),
            "walk_ins": selectors.walk_ins(shown),
            "figures": selectors.door_figures(shown),
            "new_key": uuid.uuid4().hex,
        },
    )


# --- The door phone ---------------------------------------------------------------------------


def door_strings() -> dict:
    """The words the door app's script shows, in the page's language."""
    return {
        "notPaired": _("This phone is not registered yet."),
        "online": _("Online"),
        "offline": _("Offline"),
        "revoked": _("This phone's registration was revoked. Ask an organiser for a new one."),
        "checkedIn": _("Checked in"),
        "already": _("Already checked in"),
        "alreadyAt": _("Already checked in at %(time)s."),
        "refused": _("Not let in"),
        "queued": _("Saved on this phone: it will be sent when the network is back."),
        "unknownOffline": _(
            "This code is not on the list kept on this phone: saved, the server will check it "
            "when the network is back."
        ),
        "otherSession": _("This code is for another session."),
        "notACode": _("This is not a registration code."),
        "waiting": _("This person was on the waiting list."),
        "chooseSession": _("Choose the session first."),
        "sentLater": _("Sent when the network came back"),
        "walkInAdded": _("Walk-in let in"),
        "nobody": _("Nobody registered yet."),
        "letIn": _("Let in"),
        "inAt": _("in at %(time)s"),
        "figures": _("%(in)s checked in of %(registered)s on the list · %(places)s places"),
    }


@cache_control(no_cache=True)
@scanner.page  # type: ignore[arg-type]
@with_edition(need="view")
def door_app(request, series, number):
    """The volunteer's phone at the door: choose the session, scan or type a code, tick the
    list, add a walk-in. The page holds nothing personal (the service worker keeps it for
    offline use); the phone's token, its list and its queued check-ins live in IndexedDB."""
    edition = request.edition
    return render(
        request,
        "programme/door_app.html",
        {"edition": edition, "strings": door_strings()},
    )


def _pairing_url(request, edition, raw: str) -> str:
    """The door app's address with the token after ``#``: browsers never send that part."""
    url = reverse("programme:door-app", args=_args(edition))
    return request.build_absolute_uri(url) + "#pair=" + raw


@login_required
@with_edition(need="organise")
def door_phones(request, series, number):
    """The volunteers' phones at the doors: add one (its pairing code shown once, as a QR code
    to scan with the phone), revoke a lost one."""
    edition = request.edition
    form = DoorPhoneForm(request.POST or None)
    pairing = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _device, raw = services.add_door_device(
                    actor=request.user, edition=edition, name=form.cleaned_data["name"]
                )
            except ValidationError as error:
                form.add_error(None, error)
                status = 400
            else:
                pairing = _pairing_url(request, edition, raw)
                form = DoorPhoneForm()
        else:
            status = 400
    return render(
        request,
        "programme/door_phones.html",
        {
            "edition": edition,
            "form": form,
            "devices": selectors.door_devices_of(edition),
            "pairing": pairing,
            "pairing_qr": qr.svg_inline(pairing, _("Scan with the door phone")) if pairing else "",
            "app": reverse("programme:door-app", args=_args(edition)),
        },
        status=status,
    )


@login_required
@require_POST
@with_edition(need="organise")
def door_phone_revoke(request, series, number, pk):
    device = selectors.door_device_of(request.edition, pk)
    services.revoke_door_device(actor=request.user, device=device)
    messages.success(request, _("The phone can no longer check people in."))
    return redirect("programme:door-phones", *_args(request.edition))
