from babel import numbers
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import access, auth, jobs, services
from .forms import LoginForm, ProfileForm, ResetRequestForm, SetPasswordForm, SignupForm, TokenForm
from .models import ApiToken, OutboxMessage
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
    User = get_user_model()
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "core/reset_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user.set_password(form.cleaned_data["password1"])
        user.save(update_fields=["password"])
        messages.success(request, _("Your password has been changed. You can log in."))
        return redirect("core:login")
    return render(request, "core/reset_confirm.html", {"form": form})


@login_required
def account(request):
    profile = ProfileForm(request.POST or None, instance=request.user, prefix="profile")
    if request.method == "POST" and profile.is_valid():
        profile.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("core:account")
    tokens = request.user.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at")
    return render(
        request,
        "core/account.html",
        {
            "profile": profile,
            "tokens": tokens,
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
        # A person's token; a phone's comes from registering it for a stand (sales devices).
        _token, raw = ApiToken.issue(request.user, form.cleaned_data["name"])
        request.session["new_token"] = raw
    else:
        messages.error(request, _("Give the token a name."))
    return redirect("core:account")


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, revoked_at__isnull=True)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
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
    found = []
    if query:
        found = (
            services.people_in_scope(request.user)
            .filter(
                Q(username__icontains=query)
                | Q(email__icontains=query)
                | Q(phone__icontains=query)
                | Q(first_name__icontains=query)
                | Q(last_name__icontains=query)
            )
            .distinct()[:50]
        )
    return render(request, "core/people.html", {"query": query, "found": found})


def _person_in_scope(request, pk):
    access.require_organiser(request.user)
    return get_object_or_404(services.people_in_scope(request.user), pk=pk)


@login_required
def person_export(request, pk):
    person = _person_in_scope(request, pk)
    body = services.export_personal_data(request.user, person)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="personal-data-{person.pk}.json"'
    return response


@login_required
@require_POST
def person_erase(request, pk):
    person = _person_in_scope(request, pk)
    services.erase_personal_data(request.user, person)
    messages.success(request, _("The person's data has been erased."))
    return redirect("core:people")


@login_required
def outbox(request):
    access.require_organiser(request.user)
    f = access.facts(request.user)
    messages_out = OutboxMessage.objects.all()
    if not f.superuser:
        messages_out = messages_out.filter(series_id__in=f.series_for(access.Role.ORGANISER))
    return render(request, "core/outbox.html", {"outbox": messages_out[:200]})


@login_required
def job(request, pk):
    """A background job's progress. The htmx fragment polls itself while the job runs and, once
    it is done, takes the user where the job's result says (without JavaScript, a link)."""
    found = jobs.get_for(request.user, pk)
    redirect_to = found.result.get("redirect") if isinstance(found.result, dict) else None
    if redirect_to and not url_has_allowed_host_and_scheme(redirect_to, allowed_hosts=None):
        redirect_to = None  # only addresses on this site
    percent = numbers.format_percent(found.progress / 100, locale=babel_locale(get_language()))
    context = {"job": found, "redirect_to": redirect_to, "percent": percent}
    if not request.headers.get("HX-Request"):
        if redirect_to and found.status == found.Status.DONE and request.GET.get("stay") is None:
            return redirect(redirect_to)  # done before the page was even shown: go on
        return render(request, "core/job.html", context)
    response = render(request, "core/job_progress.html", context)
    if redirect_to and found.status == found.Status.DONE:
        response["HX-Redirect"] = redirect_to
    return response
