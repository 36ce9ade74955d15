from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maarid.core import access, audit, hooks
from maarid.core.text import normalise

from . import services
from .forms import InviteForm, JoinForm, OrganisationFilter, OrganisationForm
from .models import Commune, Membership, Organisation


def filtered_organisations(user, params):
    form = OrganisationFilter(params or None)
    qs = Organisation.objects.visible_to(user).select_related("province")
    if form.is_valid():
        data = form.cleaned_data
        for word in normalise(data["q"]).split():
            qs = qs.filter(search_text__contains=word)
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["sector"]:
            qs = qs.filter(sector=data["sector"])
        if data["province"]:
            qs = qs.filter(province=data["province"])
        if data["women"]:
            qs = qs.filter(women_led=True)
    return form, qs


@login_required
def organisation_list(request):
    form, qs = filtered_organisations(request.user, request.GET)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registry/list.html",
        {
            "filter": form,
            "filters_active": form.is_valid()
            and any(value for name, value in form.cleaned_data.items() if name != "q"),
            "page": page,
            "query": query.urlencode(),
            "can_create": access.is_organiser(request.user),
        },
    )


def organiser_series(user) -> list:
    """The fair series whose registries the user manages. Series live in ``fairs``, above this
    app, so they are asked for through ``core.access`` rather than imported."""
    return list(hooks.organiser_series(user))


@login_required
def organisation_create(request):
    access.require_organiser(request.user)
    return _create(
        request,
        organiser_series(request.user),
        services.save_organisation,
        _("The organisation has been created."),
    )


def _create(request, series_choices, save, done, own=False):
    """The organisation form, saved into the registry of the fair chosen in it."""
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        series = next((s for s in series_choices if str(s.pk) == request.POST.get("series")), None)
        try:
            if series is None:
                raise ValidationError(_("Choose the fair."))
            save(request.user, form.instance, series)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect("core:account" if own else form.instance)
    return render(
        request, "registry/form.html", {"form": form, "series_choices": series_choices, "own": own}
    )


@login_required
def organisation_detail(request, slug):
    organisation = get_object_or_404(
        Organisation.objects.select_related("province", "commune"), slug=slug
    )
    access.require_view(request.user, organisation)
    probe = Membership(organisation=organisation)
    can_manage = services.can_decide(request.user, probe)
    return render(
        request,
        "registry/detail.html",
        {
            "organisation": organisation,
            "can_change": access.can_change(request.user, organisation),
            "can_manage": can_manage,
            "members": organisation.memberships.select_related("user") if can_manage else [],
            "invite_form": InviteForm(),
            # Links of the apps that build on organisations (their products, …).
            "links": [
                link
                for links in hooks.organisation_links.collect(organisation, request.user)
                for link in links
            ],
        },
    )


@login_required
def organisation_edit(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    access.require_change(request.user, organisation)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.save_organisation(request.user, form.instance)
        messages.success(request, _("The changes have been saved."))
        return redirect(organisation)
    return render(request, "registry/form.html", {"form": form, "organisation": organisation})


def communes(request):
    """The <option>s of a province's communes, for the organisation form."""
    province = request.GET.get("province", "")
    options = Commune.objects.filter(province_id=province) if province else []
    return render(request, "registry/communes.html", {"communes": options})


@login_required
def organisation_history(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    access.require_change(request.user, organisation)
    events = audit.history(organisation)
    fields = {f.attname: f.verbose_name for f in Organisation._meta.concrete_fields}
    return render(
        request,
        "registry/history.html",
        {
            "organisation": organisation,
            "events": events,
            "fields": fields,
        },
    )


@login_required
def join(request):
    """Find one's organisation and ask to join it, or register it if it is not there."""
    form = JoinForm(request.GET or None)
    found = []
    if form.is_valid():
        words = normalise(form.cleaned_data["q"]).split()
        found = Organisation.objects.all()
        for word in words:
            found = found.filter(Q(search_text__contains=word))
        found = found.select_related("province")[:20]
    return render(request, "registry/join.html", {"form": form, "found": found})


@login_required
@require_POST
def join_request(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    services.request_membership(request.user, organisation)
    messages.success(
        request, _("Your request has been sent. You will get a message when it is confirmed.")
    )
    return redirect("core:account")


@login_required
def register_own(request):
    """Someone whose organisation is not in the registry yet registers it for a fair."""
    return _create(
        request,
        list(hooks.all_series()),
        services.register_own_organisation,
        _("Your organisation has been registered. The organisers will confirm your account."),
        own=True,
    )


@login_required
@require_POST
def membership_decide(request, pk):
    membership = get_object_or_404(Membership, pk=pk)
    access.require_view(request.user, membership.organisation)
    services.decide_membership(request.user, membership, request.POST.get("accept") == "1")
    messages.success(request, _("Done."))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = membership.organisation.get_absolute_url()
    return redirect(next_url)


@login_required
def memberships_pending(request):
    return render(request, "registry/pending.html", {"pending": services.pending_for(request.user)})


@login_required
@require_POST
def membership_invite(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    access.require_view(request.user, organisation)
    form = InviteForm(request.POST)
    if form.is_valid():
        services.invite(
            request.user,
            organisation,
            form.cleaned_data["contact"],
            base_url=request.build_absolute_uri("/"),
            admin=form.cleaned_data["admin"],
        )
        messages.success(request, _("The invitation has been sent."))
    else:
        messages.error(request, " ".join(form.errors.get("contact", [])))
    return redirect(organisation)
