from babel import numbers
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST, require_safe

from . import access, auth, certificates, jobs, scanner, selectors, services, uploads
from .forms import LoginForm, ProfileForm, ResetRequestForm, SetPasswordForm, SignupForm, TokenForm
from .money import babel_locale


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "core/login.html"
    redirect_authenticated_user = True


def signup(request):
    form = SignupForm(request.POST or None, initial={"language": get_language()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.sign_up(
            first_name=data["first_name"],
            last_name=data["last_name"],
            contact=data["contact"],
            password=data["password1"],
            language=data["language"],
        )
        login(request, user, backend="maarid.core.auth.EmailOrPhoneBackend")
        messages.success(request, _("Welcome! Now find your organisation and ask to join it."))
        return redirect("registry:join")
    return render(request, "core/signup.html", {"form": form})


def password_reset(request):
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["identifier"]
        # Sent, throttled or for no account: the same answer; only the message is held back.
        if auth.reset_allowed(identifier, auth.client_address(request)):
            services.send_password_reset(identifier, request.build_absolute_uri("/"))
        return render(request, "core/reset_sent.html")
    return render(request, "core/reset.html", {"form": form})


def password_reset_confirm(request, uidb64, token):
    user = selectors.user_of_reset_link(uidb64, token)
    if user is None:
        return render(request, "core/reset_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.set_password(user=user, password=form.cleaned_data["password1"])
        messages.success(request, _("Your password has been changed. You can log in."))
        return redirect("core:login")
    return render(request, "core/reset_confirm.html", {"form": form})


@login_required
def account(request):
    profile = ProfileForm(request.POST or None, instance=request.user, prefix="profile")
    if request.method == "POST" and profile.is_valid():
        services.update_profile(actor=request.user, changes=profile.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        return redirect("core:account")
    return render(
        request,
        "core/account.html",
        {
            "profile": profile,
            "tokens": selectors.live_tokens(request.user),
            "token_form": TokenForm(),
            "new_token": request.session.pop("new_token", None),
            "roles": [access.Role(r).label for r in sorted(access.roles(request.user))],
        },
    )


@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if form.is_valid():
        raw = services.issue_token(actor=request.user, name=form.cleaned_data["name"])
        request.session["new_token"] = raw
    else:
        messages.error(request, _("Give the token a name."))
    return redirect("core:account")


@login_required
@require_POST
def token_revoke(request, pk):
    token = selectors.live_token_of(request.user, pk)
    services.revoke_token(actor=request.user, token=token)
    messages.success(request, _("The token has been revoked."))
    return redirect("core:account")


def about(request):
    return render(request, "core/about.html")


def privacy(request):
    return render(request, "core/privacy.html")


@login_required
def people(request):
    """Organisers find a person to export or erase their personal data (law 09-08)."""
    access.require_organiser(request.user)
    query = request.GET.get("q", "").strip()
    found = selectors.find_people(request.user, query)
    return render(request, "core/people.html", {"query": query, "found": found})


@login_required
def person_export(request, pk):
    person = selectors.person_in_scope(request.user, pk)
    body = services.export_personal_data(actor=request.user, person=person)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="personal-data-{person.pk}.json"'
    return response


@login_required
@require_POST
def person_erase(request, pk):
    person = selectors.person_in_scope(request.user, pk)
    services.erase_personal_data(actor=request.user, person=person)
    messages.success(request, _("The person's data has been erased."))
    return redirect("core:people")


@login_required
def outbox(request):
    return render(request, "core/outbox.html", {"outbox": selectors.outbox_for(request.user)})


@login_required
def job(request, pk):
    """A background job's progress. The htmx fragment polls itself while the job runs and, once
    it is done, takes the user where the job's result says (without JavaScript, a link), or
    offers the file it made for download."""
    found = jobs.get_for(request.user, pk)
    result = found.result if isinstance(found.result, dict) else {}
    # Only addresses on this site.
    redirect_to, download = (
        url if url and url_has_allowed_host_and_scheme(url, allowed_hosts=None) else None
        for url in (result.get("redirect"), result.get("download"))
    )
    percent = numbers.format_percent(found.progress / 100, locale=babel_locale(get_language()))
    context = {"job": found, "redirect_to": redirect_to, "download": download, "percent": percent}
    if not request.headers.get("HX-Request"):
        if redirect_to and found.status == found.Status.DONE and request.GET.get("stay") is None:
            return redirect(redirect_to)  # done before the page was even shown: go on
        return render(request, "core/job.html", context)
    response = render(request, "core/job_progress.html", context)
    if redirect_to and found.status == found.Status.DONE:
        response["HX-Redirect"] = redirect_to
    return response


@require_safe
@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request):
    """/favicon.ico: the icon that pages name in <link rel="icon">, at the address that
    browsers, feed readers and crawlers ask for without reading a page."""
    path = finders.find("core/favicon.ico")
    assert isinstance(path, str)  # the file ships with the code (scripts/icons.py)
    return FileResponse(open(path, "rb"), content_type="image/x-icon")  # noqa: SIM115 (closed by the response)


# --- Certificates -----------------------------------------------------------------------------


def _verify_throttled(request) -> bool:
    """The page and the API share one counter per address (``auth.verify_allowed``)."""
    return not auth.verify_allowed(request)


@require_safe
@scanner.page
def verify_form(request):
    """Checks a certificate: scan its QR code with the phone's camera, or type its code."""
    typed = request.GET.get("code")
    if typed is not None:
        code = certificates.normalise_code(typed)
        if code is not None:
            return redirect("core:verify", certificates.display(code))
        error = _("This is not a certificate code: it has 16 letters and digits, like %(example)s.")
        return render(
            request,
            "core/verify_form.html",
            {"error": error % {"example": "K7QM-X3PA-9HTR-WDZE"}, "typed": typed[:40]},
            status=400,
        )
    return render(request, "core/verify_form.html")


@require_safe
def verify(request, code):
    """The public page that says whether a certificate is genuine, revoked or replaced."""
    if _verify_throttled(request):
        response = render(request, "core/verify.html", {"throttled": True}, status=429)
        response["Retry-After"] = "60"
        return response
    verdict = selectors.verify(code)
    status = 404 if verdict.status == certificates.UNKNOWN else 200
    response = render(
        request,
        "core/verify.html",
        {"verdict": verdict, "asked": code[:40], "cert": verdict.certificate},
        status=status,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def verify_pdf(request, code):
    """A certificate in force as PDF, for whoever holds its code (the code, unguessable, is
    what an e-mail or SMS sends the holder). Revoked, replaced and unknown codes get the
    verification page, which says why."""
    if _verify_throttled(request):
        return verify(request, code)
    verdict = selectors.verify(code)
    if verdict.status != certificates.GENUINE or verdict.certificate is None:
        return verify(request, code)
    name = certificates.pdf_of(verdict.certificate)
    return uploads.serve_protected(
        request, name, True, filename=certificates.download_name(verdict.certificate)
    )
