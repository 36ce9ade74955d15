from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maarid.core import access, audit, hooks

from . import selectors, services
from .forms import InviteForm, JoinForm, OrganisationFilter, OrganisationForm
from .models import Organisation


def filtered_organisations(user, params):
    """The filter form read from ``params``, and the organisations it lets through."""
    form = OrganisationFilter(params or None)
    return form, selectors.organisations_for(user, **form.criteria())


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


@login_required
def organisation_create(request):
    access.require_organiser(request.user)
    return _create(
        request,
        selectors.organiser_series(request.user),
        services.save_organisation,
        _("The organisation has been created."),
    )


def _create(request, series_choices, save, done, own=False):
    """The organisation form, saved into the registry of the fair chosen in it."""
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        series = selectors.series_among(series_choices, request.POST.get("series"))
        try:
            if series is None:
                raise ValidationError(_("Choose the fair."))
            save(actor=request.user, organisation=form.instance, series=series)
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
    organisation = access.require_view(request.user, selectors.organisation(slug))
    can_manage = services.can_decide(actor=request.user, organisation=organisation)
    return render(
        request,
        "registry/detail.html",
        {
            "organisation": organisation,
            "can_change": access.can_change(request.user, organisation),
            "can_manage": can_manage,
            "members": selectors.members_of(organisation) if can_manage else [],
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
    organisation = access.require_change(request.user, selectors.organisation(slug))
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.save_organisation(actor=request.user, organisation=form.instance)
        messages.success(request, _("The changes have been saved."))
        return redirect(organisation)
    return render(request, "registry/form.html", {"form": form, "organisation": organisation})


def communes(request):
    """The <option>s of a province's communes, for the organisation form."""
    options = selectors.communes_of(request.GET.get("province"))
    return render(request, "registry/communes.html", {"communes": options})


@login_required
def organisation_history(request, slug):
    organisation = access.require_change(request.user, selectors.organisation(slug))
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
    found = selectors.search_organisations(form.cleaned_data["q"]) if form.is_valid() else []
    return render(request, "registry/join.html", {"form": form, "found": found})


@login_required
@require_POST
def join_request(request, slug):
    organisation = selectors.organisation(slug)
    services.request_membership(actor=request.user, organisation=organisation)
    messages.success(
        request, _("Your request has been sent. You will get a message when it is confirmed.")
    )
    return redirect("core:account")


@login_required
def register_own(request):
    """Someone whose organisation is not in the registry yet registers it for a fair."""
    return _create(
        request,
        selectors.all_series(),
        services.register_own_organisation,
        _("Your organisation has been registered. The organisers will confirm your account."),
        own=True,
    )


@login_required
@require_POST
def membership_decide(request, pk):
    membership = selectors.membership(pk)
    access.require_view(request.user, membership.organisation)
    services.decide_membership(
        actor=request.user, membership=membership, accept=request.POST.get("accept") == "1"
    )
    messages.success(request, _("Done."))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = membership.organisation.get_absolute_url()
    return redirect(next_url)


@login_required
def memberships_pending(request):
    return render(
        request, "registry/pending.html", {"pending": selectors.pending_memberships(request.user)}
    )


@login_required
@require_POST
def membership_invite(request, slug):
    organisation = access.require_view(request.user, selectors.organisation(slug))
    form = InviteForm(request.POST)
    if form.is_valid():
        services.invite(
            actor=request.user,
            organisation=organisation,
            contact=form.cleaned_data["contact"],
            base_url=request.build_absolute_uri("/"),
            admin=form.cleaned_data["admin"],
        )
        messages.success(request, _("The invitation has been sent."))
    else:
        messages.error(request, " ".join(str(error) for error in form.errors.get("contact", [])))
    return redirect(organisation)
