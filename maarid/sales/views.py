"""The point of sale's pages: the sales app (an installable, offline-first web app), receipts,
an exhibitor's sales, devices and day close, and the organisers' live turnover board.

The sales app's page holds nothing personal: it is cached by the service worker and opens with
no network. What it sells with (the device token, the catalogue, the queue of unsent sales)
lives in the phone's IndexedDB and comes from the API.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from maarid.catalogue import qr
from maarid.core import pdf
from maarid.core.services import absolute_url
from maarid.fairs.selectors import with_edition

from . import selectors, services
from .forms import CloseForm, CorrectionForm, DeviceForm, ReconcileForm
from .models import Payment, Sale

# --- The sales app ------------------------------------------------------------------------


def app_strings() -> dict:
    """The words the app's script shows, in the page's language (the page is cached whole)."""
    return {
        "notPaired": _("This phone is not registered yet."),
        "sent": _("Sent"),
        "pending": _("Waiting for the network"),
        "refused": _("Refused"),
        "oversold": _("Oversold: reconcile the stock"),
        "online": _("Online"),
        "offline": _("Offline"),
        "unsent": _("not sent"),
        "saleSaved": _("Sale recorded"),
        "saleQueued": _("Sale saved on the phone; it will be sent when the network is back."),
        "emptyCart": _("Add a product or an amount first."),
        "revoked": _("This phone's registration was revoked. Register it again."),
        "free": _("Amount"),
        "left": _("left"),
        "receipt": _("Receipt"),
        "qr": _("QR code for the customer"),
        # Both figures are put in by the script.
        "today": _("Sales today: %(sales)s · %(total)s"),
        "error": _("Something went wrong; the sale is kept on the phone."),
    }


@cache_control(no_cache=True)
def app(request):
    return render(
        request,
        "sales/app.html",
        {
            "strings": app_strings(),
            "payments": Payment.choices,
            "language": translation.get_language(),
        },
    )


def manifest(request):
    """The web app manifest, so the sales app installs on a phone's home screen."""
    language = translation.get_language()
    return JsonResponse(
        {
            "name": _("Maarid sales"),
            "short_name": _("Sales"),
            "lang": language,
            "dir": "rtl" if translation.get_language_bidi() else "ltr",
            "start_url": reverse("sales:app"),
            "scope": reverse("sales:app"),
            "display": "standalone",
            "orientation": "portrait",
            "background_color": "#fbf8f3",
            "theme_color": "#0b6e4f",
            # The project's icons (scripts/icons.py draws them).
            "icons": [
                {"src": static("core/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
                {"src": static("core/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("core/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {
                    "src": static("core/icon-maskable-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@cache_control(no_cache=True)
def service_worker(request):
    """Served from the site's root so that it may control the app in every language."""
    with open(_static_path("sales/sw.js"), "rb") as f:
        response = HttpResponse(f.read(), content_type="text/javascript")
    return response


def _static_path(name: str) -> str:
    from django.contrib.staticfiles import finders

    path = finders.find(name)
    if not isinstance(path, str):
        raise Http404
    return path


# --- Receipts -----------------------------------------------------------------------------


def _receipt_context(sale: Sale) -> dict:
    url = absolute_url(services.receipt_path(sale, translation.get_language()))
    return {
        "sale": sale,
        "lines": selectors.lines_of(sale),
        "corrections": list(selectors.corrections_of(sale)),
        "url": url,
        "qr": qr.svg_inline(url, _("QR code of this receipt")),
    }


def receipt(request, key):
    """A receipt for whoever has its link: the key in it cannot be guessed."""
    return render(request, "sales/receipt.html", _receipt_context(selectors.sale_by_receipt(key)))


def receipt_pdf(request, key):
    sale = selectors.sale_by_receipt(key)
    language = translation.get_language()
    context = _receipt_context(sale)
    context["qr_png"] = qr.png_data_uri(context["url"])
    body = pdf.render_pdf("sales/receipt_pdf.html", context, language)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{sale.number}.pdf"'
    return response


def receipt_qr(request, key):
    sale = selectors.sale_by_receipt(key)
    url = absolute_url(services.receipt_path(sale, translation.get_language()))
    return HttpResponse(qr.svg_document(url), content_type="image/svg+xml")


# --- An exhibitor's sales -----------------------------------------------------------------


def _day(request: HttpRequest) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()


@login_required
def ledger(request, series, number, organisation):
    exhibitor = selectors.exhibitor_for(request.user, series, number, organisation)
    day = _day(request)
    show = request.GET.get("show", "")
    entries = selectors.ledger_entries(exhibitor, day, oversold=show == "oversold")
    return render(
        request,
        "sales/ledger.html",
        {
            "exhibitor": exhibitor,
            "edition": exhibitor.edition,
            "summary": selectors.day_summary(exhibitor, day),
            "entries": entries[:500],
            "oversold_count": selectors.unreconciled(exhibitor).count(),
            "show": show,
            "day": day,
            "days": exhibitor.edition.dates(),
            "seller": selectors.may_sell(request.user, exhibitor),
            "total": selectors.exhibitor_total(exhibitor),
        },
    )


@login_required
def sale_detail(request, series, number, organisation, pk):
    exhibitor = selectors.exhibitor_for(request.user, series, number, organisation)
    sale = selectors.sale_of(exhibitor, pk)
    seller = selectors.may_sell(request.user, exhibitor)
    lines = selectors.lines_of(sale)
    left = selectors.remaining(sale) if sale.kind == Sale.Kind.SALE else {}
    form = CorrectionForm(lines=lines, left=left)
    reconcile_form = ReconcileForm()
    if request.method == "POST":
        if not seller:
            raise Http404
        action = request.POST.get("action")
        try:
            if action == "reconcile":
                reconcile_form = ReconcileForm(request.POST)
                if reconcile_form.is_valid():
                    services.reconcile(
                        actor=request.user, sale=sale, note=reconcile_form.cleaned_data["note"]
                    )
                    messages.success(request, _("The sale is reconciled."))
                    return redirect(request.path)
            else:
                form = CorrectionForm(request.POST, lines=lines, left=left)
                if form.is_valid():
                    entry = _correct(sale, action, form, request.user)
                    messages.success(request, _("Recorded: %(number)s.") % {"number": entry.number})
                    return redirect(request.path)
        except ValidationError as error:
            form.add_error(None, error)
    return render(
        request,
        "sales/sale.html",
        {
            "exhibitor": exhibitor,
            "edition": exhibitor.edition,
            "sale": sale,
            "lines": lines,
            "left": left,
            "corrections": selectors.corrections_of(sale),
            "form": form,
            "reconcile_form": reconcile_form,
            "seller": seller,
            "receipt": services.receipt_path(sale, translation.get_language()),
        },
    )


def _correct(sale: Sale, action: str | None, form: CorrectionForm, user) -> Sale:
    reason, uuid = form.cleaned_data["reason"], form.cleaned_data["uuid"]
    if action == "void":
        return services.void(actor=user, sale=sale, reason=reason, uuid=uuid)
    return services.refund(
        actor=user, sale=sale, returned=form.returned(), reason=reason, uuid=uuid
    )


@login_required
def devices(request, series, number, organisation):
    exhibitor = selectors.exhibitor_for(request.user, series, number, organisation, need="sell")
    form = DeviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, raw = services.register_device(
                actor=request.user, exhibitor=exhibitor, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            pairing = _pairing_url(request, raw)
            if request.POST.get("here"):
                return redirect(pairing)  # this very phone: straight into the app
            request.session["sales-pairing"] = [device.pk, pairing]
            return redirect(request.path)
    pairing = request.session.pop("sales-pairing", None)
    shown = None
    if pairing:
        shown = {
            "device": selectors.device_of(exhibitor, pairing[0]),
            "url": pairing[1],
            "qr": qr.svg_inline(pairing[1], _("QR code to scan with the phone")),
        }
    return render(
        request,
        "sales/devices.html",
        {
            "exhibitor": exhibitor,
            "edition": exhibitor.edition,
            "devices": selectors.devices_of(exhibitor),
            "form": form,
            "shown": shown,
        },
    )


def _pairing_url(request, raw: str) -> str:
    """The app's address with the token after ``#``: browsers never send that part anywhere."""
    return request.build_absolute_uri(reverse("sales:app")) + "#pair=" + raw


@login_required
@require_POST
def revoke(request, series, number, organisation, pk):
    exhibitor = selectors.exhibitor_for(request.user, series, number, organisation, need="sell")
    device = selectors.device_of(exhibitor, pk)
    services.revoke_device(actor=request.user, device=device)
    messages.success(request, _("“%(name)s” can no longer sell.") % {"name": device.name})
    return redirect("turnover:devices", series, number, organisation)


@login_required
def close(request, series, number, organisation):
    exhibitor = selectors.exhibitor_for(request.user, series, number, organisation)
    day = _day(request)
    summary = selectors.day_summary(exhibitor, day)
    form = CloseForm(request.POST or None)
    if request.method == "POST":
        if not selectors.may_sell(request.user, exhibitor):
            raise Http404
        if form.is_valid():
            try:
                services.close_day(
                    actor=request.user,
                    exhibitor=exhibitor,
                    day=day,
                    opening=form.cleaned_data["opening_cash"],
                    counted=form.cleaned_data["counted_cash"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The day is closed."))
                return redirect(f"{request.path}?day={day.isoformat()}")
    return render(
        request,
        "sales/close.html",
        {
            "exhibitor": exhibitor,
            "edition": exhibitor.edition,
            "summary": summary,
            "day": day,
            "form": form,
            "seller": selectors.may_sell(request.user, exhibitor),
        },
    )


# --- The organisers' board ----------------------------------------------------------------


@login_required
@with_edition(need="organise")
def board(request, series, number):
    """The edition's turnover, live: the page reloads its figures by itself (htmx)."""
    edition = request.edition
    figures = selectors.turnover(edition)
    context = {"edition": edition, "figures": figures, "charts": selectors.charts(figures)}
    if request.headers.get("HX-Request"):
        return render(request, "sales/board_figures.html", context)
    return render(request, "sales/board.html", context)
