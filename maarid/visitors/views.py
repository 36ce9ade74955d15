"""The visitors pages: the gate phone's app (counting and check-in, offline-first), the
organisers' footfall board, gates and phones, ticket types and quotas, the public registration
and ticket pages, the survey.

The gate app's page holds nothing personal: it is cached by the service worker (the sales
app's, served at the site's root) and opens with no network; its token, its counts and its
scans live in the phone's IndexedDB.
"""

import datetime
import secrets
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from maarid.catalogue import qr
from maarid.core import formatting, scanner
from maarid.core.forms import add_errors
from maarid.fairs.selectors import with_edition
from maarid.registry import selectors as registry

from . import charts, selectors, services
from .forms import (
    DeviceForm,
    GateForm,
    QuotaForm,
    RegistrationForm,
    SurveyForm,
    TicketTypeForm,
)


def _edition_url(name: str, edition, *args) -> str:
    return reverse(f"visitors:{name}", args=[edition.series.slug, edition.number, *args])


# --- The gate phone -----------------------------------------------------------------------------


def app_strings() -> dict:
    """The words the gate app's script shows, in the page's language."""
    return {
        "notPaired": _("This phone is not registered yet."),
        "online": _("Online"),
        "offline": _("Offline"),
        "revoked": _("This phone's registration was revoked. Ask an organiser for a new one."),
        "refused": _("Refused by the server"),
        "notAdmitted": _("Not admitted"),
        "admitted": _("Admitted"),
        "used": _("Already used"),
        "usedHere": _("Already admitted on this phone at %(time)s."),
        "forged": _("This ticket is forged: its signature is wrong."),
        "unreadable": _("This is not a ticket of the fair."),
        "otherEdition": _("This ticket is for another fair."),
        "wrongDay": _("This ticket is for %(day)s."),
        "cancelled": _("This ticket has been cancelled."),
        "offlineAdmitted": _(
            "Admitted (checked on the phone; it will be sent when the network is back)."
        ),
        "belowZero": _("The count cannot go below zero."),
        "noGate": _("Choose the gate first."),
    }


@cache_control(no_cache=True)
@scanner.page  # type: ignore[arg-type]
@with_edition(need="view")
def app(request, series, number):
    """The gate phone's app: a big counter and the ticket check-in."""
    edition = request.edition
    return render(
        request,
        "visitors/app.html",
        {
            "edition": edition,
            "strings": app_strings(),
            "manifest": _edition_url("app-manifest", edition),
        },
    )


def _manifest(name: str, short: str, start: str) -> JsonResponse:
    return JsonResponse(
        {
            "name": name,
            "short_name": short,
            "lang": translation.get_language(),
            "dir": "rtl" if translation.get_language_bidi() else "ltr",
            "start_url": start,
            "scope": start,
            "display": "standalone",
            "orientation": "portrait",
            "background_color": "#fbf8f3",
            "theme_color": "#0b6e4f",
            "icons": [
                {"src": static("core/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
                {"src": static("core/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("core/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@with_edition(need="view")
def app_manifest(request, series, number):
    return _manifest(_("Maarid gate"), _("Gate"), _edition_url("app", request.edition))


# --- The organisers' board ----------------------------------------------------------------------


def _day(request, edition) -> datetime.date:
    raw = request.GET.get("day", "")
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        return timezone.localdate()
    if not datetime.date(2000, 1, 1) <= day <= datetime.date(2100, 1, 1):
        return timezone.localdate()
    return day


@login_required
@with_edition(need="organise")
def board(request, series, number):
    """Footfall, live: the figures refresh by themselves (htmx)."""
    edition = request.edition
    day = _day(request, edition)
    figures = selectors.footfall(edition, day)
    today = timezone.localdate()
    language = translation.get_language()
    days_chart = charts.bars(
        [(formatting.date(d, "d MMM", language), n) for d, n in figures.days],
        highlight={i for i, (d, _n) in enumerate(figures.days) if d == day},
    )
    hours_chart = charts.bars([(f"{h:02d}", n) for h, n in figures.hours])
    context = {
        "edition": edition,
        "figures": figures,
        "days_chart": days_chart,
        "hours_chart": hours_chart,
        "conflicts": selectors.open_conflicts(edition)[:50],
        "survey": selectors.survey_results(edition),
        "quotas": selectors.quota_figures(edition),
        "may_close": figures.closing is None and day <= today,
        "poll": f"{request.path}?day={day.isoformat()}",
    }
    if request.headers.get("HX-Request"):
        return render(request, "visitors/board_figures.html", context)
    return render(request, "visitors/board.html", context)


@login_required
@require_POST
@with_edition(need="organise")
def close_day(request, series, number):
    edition = request.edition
    day = _day(request, edition)
    try:
        services.close_day(actor=request.user, edition=edition, day=day)
        messages.success(request, _("The day's counts are closed."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_edition_url("board", edition) + f"?day={day.isoformat()}")


@login_required
@require_POST
@with_edition(need="organise")
def review_conflict(request, series, number, pk):
    conflict = selectors.conflict_of(request.edition, pk)
    services.review_conflict(actor=request.user, conflict=conflict)
    return redirect(_edition_url("board", request.edition))


# --- Gates and their phones ---------------------------------------------------------------------


def _pairing_url(request, edition, raw: str) -> str:
    """The app's address with the token after ``#``: browsers never send that part anywhere."""
    return request.build_absolute_uri(_edition_url("app", edition)) + "#pair=" + raw


@login_required
@with_edition(need="organise")
def gates(request, series, number):
    """The edition's gates and the phones that count and scan at them."""
    edition = request.edition
    gate_list = list(selectors.gates_of(edition))
    gate_form = GateForm(prefix="gate")
    device_form = DeviceForm(prefix="phone", gates=gate_list)
    pairing = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "gate":
                gate_form = GateForm(request.POST, prefix="gate")
                if gate_form.is_valid():
                    services.create_gate(
                        actor=request.user, edition=edition, **gate_form.cleaned_data
                    )
                    messages.success(request, _("Gate added."))
                    return redirect(request.path)
            elif action == "floorplan":
                made = services.gates_from_floorplan(actor=request.user, edition=edition)
                added = _("%(n)s gates added from the floor plan.") % {"n": len(made)}
                messages.success(request, added)
                return redirect(request.path)
            elif action == "phone":
                device_form = DeviceForm(request.POST, prefix="phone", gates=gate_list)
                if device_form.is_valid():
                    gate_id = device_form.cleaned_data["gate"]
                    gate = selectors.gate_of(edition, gate_id) if gate_id else None
                    _device, raw = services.register_device(
                        actor=request.user,
                        edition=edition,
                        name=device_form.cleaned_data["name"],
                        gate=gate,
                    )
                    pairing = _pairing_url(request, edition, raw)
        except ValidationError as error:
            add_errors(gate_form if action == "gate" else device_form, error)
    return render(
        request,
        "visitors/gates.html",
        {
            "edition": edition,
            "gates": gate_list,
            "devices": selectors.devices_of(edition),
            "gate_form": gate_form,
            "device_form": device_form,
            "pairing": pairing,
            "pairing_qr": qr.svg_inline(pairing, _("Scan with the gate phone")) if pairing else "",
            "entrances_left": selectors.entrances_without_gate(edition).exists(),
            "app": _edition_url("app", edition),
        },
    )


@login_required
@require_POST
@with_edition(need="organise")
def revoke_device(request, series, number, pk):
    device = selectors.device_of(request.edition, pk)
    services.revoke_device(actor=request.user, device=device)
    messages.success(request, _("The phone can no longer count or scan."))
    return redirect(_edition_url("gates", request.edition))


# --- Tickets: organisers ------------------------------------------------------------------------


@login_required
@with_edition(need="organise")
def ticket_types(request, series, number):
    """Ticket types, their quotas per day, and what was issued and admitted."""
    edition = request.edition
    types = list(selectors.ticket_types(edition))
    type_form = TicketTypeForm(prefix="type")
    quota_form = QuotaForm(prefix="quota", types=types)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "type":
                type_form = TicketTypeForm(request.POST, prefix="type")
                if type_form.is_valid():
                    data = type_form.cleaned_data
                    services.create_ticket_type(
                        actor=request.user,
                        edition=edition,
                        kind=data["kind"],
                        name_ar=data["name_ar"],
                        name_fr=data["name_fr"],
                        price=data["price"] if data["price"] is not None else Decimal("0.00"),
                        public=data["public"],
                    )
                    messages.success(request, _("Ticket type added."))
                    return redirect(request.path)
            elif action == "quota":
                quota_form = QuotaForm(request.POST, prefix="quota", types=types)
                if quota_form.is_valid():
                    data = quota_form.cleaned_data
                    services.set_quota(
                        actor=request.user,
                        type=selectors.ticket_type_of(edition, data["type"]),
                        day=data["day"],
                        places=data["places"],
                    )
                    messages.success(request, _("Quota saved."))
                    return redirect(request.path)
        except ValidationError as error:
            add_errors(type_form if action == "type" else quota_form, error)
    return render(
        request,
        "visitors/ticket_types.html",
        {
            "edition": edition,
            "types": types,
            "quotas": selectors.quota_figures(edition),
            "type_form": type_form,
            "quota_form": quota_form,
            "register": _edition_url("register", edition),
        },
    )


@login_required
@require_POST
@with_edition(need="organise")
def revoke_ticket(request, series, number, pk):
    ticket = selectors.ticket_of(request.edition, pk)
    services.revoke_ticket(actor=request.user, ticket=ticket)
    messages.success(
        request, _("The ticket is cancelled; gate phones learn of it at their next sync.")
    )
    return redirect(_edition_url("ticket-types", request.edition))


# --- Tickets: the public ------------------------------------------------------------------------


@with_edition(need="view")
def register(request, series, number):
    """Registration for a ticket: a name, a phone or an e-mail; the ticket's link is sent."""
    edition = request.edition
    types = list(selectors.public_ticket_types(edition))
    language = translation.get_language()
    days = sorted({d for t in types for d in selectors.open_days(t)})
    labelled = [(d, formatting.date(d, "full", language)) for d in days]
    form = RegistrationForm(request.POST or None, types=types, days=labelled)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.issue_ticket(
                actor=request.user if request.user.is_authenticated else None,
                type=selectors.ticket_type_of(edition, data["type"]),
                day=datetime.date.fromisoformat(data["day"]),
                holder=data["holder"],
                phone=data["phone"],
                email=data["email"],
                language=language if language in services.LANGUAGES else "fr",
            )
            return redirect(services.ticket_path(ticket))
        except ValidationError as error:
            add_errors(form, error)
    return render(
        request,
        "visitors/register.html",
        {"edition": edition, "form": form, "open": bool(types and days)},
    )


@with_edition(need="view")
def ticket(request, series, number, code):
    """A ticket's page: its QR code and what it is for, addable to the home screen."""
    found = selectors.ticket_by_code(request.edition, code)
    language = translation.get_language()
    return render(
        request,
        "visitors/ticket.html",
        {
            "edition": request.edition,
            "ticket": found,
            "day": formatting.date(found.day, "full", language),
            "qr": qr.make(found.payload).svg_inline(
                scale=1, border=2, omitsize=True, svgclass="qr", lineclass=None
            ),
            "manifest": _edition_url("ticket-manifest", request.edition, code),
        },
    )


@with_edition(need="view")
def ticket_manifest(request, series, number, code):
    found = selectors.ticket_by_code(request.edition, code)
    return _manifest(
        _("Ticket: %(edition)s") % {"edition": request.edition.name},
        _("Ticket"),
        _edition_url("ticket", request.edition, found.code),
    )


# --- The survey ---------------------------------------------------------------------------------

SURVEY_COOKIE = "maarid_survey"


@with_edition(need="view")
def survey(request, series, number):
    """The visitor survey: anonymous, one answer per phone and day (a random id in a cookie)."""
    edition = request.edition
    phone_id = request.COOKIES.get(SURVEY_COOKIE, "")
    fresh = len(phone_id) < 16 or len(phone_id) > 64
    if fresh:
        phone_id = secrets.token_urlsafe(24)
    provinces = list(registry.provinces())
    form = SurveyForm(request.POST or None, provinces=provinces)
    done = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_code = {p.pk: p for p in provinces}
        try:
            services.answer_survey(
                actor=None,
                edition=edition,
                phone_id="" if fresh else phone_id,
                heard=data["heard"],
                province=by_code.get(data["province"]),
                bought=data["bought"],
                spent=data["spent"],
                satisfaction=data["satisfaction"],
                again=data["again"],
                language=translation.get_language(),
            )
            done = True
        except ValidationError as error:
            add_errors(form, error)
    response = render(
        request, "visitors/survey.html", {"edition": edition, "form": form, "done": done}
    )
    if fresh:
        response.set_cookie(
            SURVEY_COOKIE, phone_id, max_age=400 * 86400, httponly=True, samesite="Lax"
        )
    return response


@with_edition(need="view")
def survey_qr(request, series, number):
    """The survey's QR code, to print on posters at the fair."""
    url = request.build_absolute_uri(_edition_url("survey", request.edition))
    return HttpResponse(qr.svg_document(url), content_type="image/svg+xml")
