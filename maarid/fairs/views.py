from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maarid.core import access, hooks

from . import selectors, services
from .forms import EditionForm, OpeningHoursFormSet, PartnerForm, RoleForm
from .models import Edition
from .selectors import with_edition


def home(request):
    return render(
        request,
        "fairs/home.html",
        {
            "editions": selectors.public_editions(),
            "managed": selectors.series_for_organiser(request.user),
        },
    )


def series_detail(request, series):
    series = selectors.series_for(request.user, series)
    return render(
        request,
        "fairs/series.html",
        {
            "series": series,
            "editions": selectors.editions_of(series, request.user),
            "can_manage": access.is_organiser(request.user, series.pk),
        },
    )


@with_edition()
def edition_detail(request, series, number):
    edition = request.edition
    return render(
        request,
        "fairs/edition.html",
        {
            "edition": edition,
            "partners": selectors.partners_of(edition),
            "days": [(d, *edition.hours_on(d)) for d in edition.dates()],
            "can_manage": access.is_organiser(request.user, edition.series_id),
            "links": [
                link
                for links in hooks.edition_links.collect(edition, request.user)
                for link in links
            ],
            # Figures so far from the apps that build on editions (exhibitors, products, …).
            "figures": [f for fs in hooks.edition_figures.collect(edition) for f in fs],
        },
    )


@login_required
@with_edition(need="organise")
def dashboard(request, series, number):
    edition = request.edition
    flow = [str(s) for s in Edition.FLOW]
    i = flow.index(edition.status)
    previous = Edition.Status(flow[i - 1]) if i > 0 else None
    return render(
        request,
        "fairs/dashboard.html",
        {
            "edition": edition,
            "registry": selectors.registry_figures(edition.series),
            "partners": selectors.partners_of(edition),
            "next_status": Edition.Status(flow[i + 1]) if i + 1 < len(flow) else None,
            "previous_status": previous,
            # What keeps the edition from going back to draft, said before anyone tries.
            "held": selectors.commitments_of(edition) if previous == Edition.Status.DRAFT else [],
            "partner_form": PartnerForm(series=edition.series),
            # Panels of the apps that build on editions (the call for exhibitors, …).
            "panels": hooks.edition_panels.collect(edition, request.user),
        },
    )


@login_required
@with_edition(need="organise")
def edition_edit(request, series, number):
    edition = request.edition
    form = EditionForm(request.POST or None, instance=edition, series=edition.series)
    hours = OpeningHoursFormSet(request.POST or None, instance=edition, prefix="hours")
    if request.method == "POST" and form.is_valid() and hours.is_valid():
        services.save_edition(
            actor=request.user, edition=form.instance, special_days=hours.special_days()
        )
        messages.success(request, _("The edition has been saved."))
        return redirect("fairs:dashboard", edition.series.slug, edition.number)
    return render(
        request, "fairs/edition_form.html", {"form": form, "hours": hours, "edition": edition}
    )


@login_required
def edition_create(request, series):
    series = selectors.series_for(request.user, series, need="organise")
    form = EditionForm(
        request.POST or None,
        series=series,
        initial={"number": selectors.next_edition_number(series)},
    )
    if request.method == "POST" and form.is_valid():
        edition = services.save_edition(actor=request.user, edition=form.instance)
        messages.success(request, _("The edition has been created."))
        return redirect("fairs:dashboard", series.slug, edition.number)
    return render(request, "fairs/edition_form.html", {"form": form, "series": series})


@login_required
@require_POST
@with_edition()
def edition_status(request, series, number):
    edition = request.edition
    try:
        services.move_edition(
            actor=request.user,
            edition=edition,
            status=request.POST.get("status", ""),
            reason=request.POST.get("reason", "")[:500],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("fairs:dashboard", edition.series.slug, edition.number)


@login_required
@require_POST
@with_edition(need="organise")
def partner_add(request, series, number):
    edition = request.edition
    form = PartnerForm(request.POST, series=edition.series)
    if form.is_valid():
        try:
            services.add_partner(
                actor=request.user,
                edition=edition,
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Choose an organisation and a role."))
    return redirect("fairs:dashboard", edition.series.slug, edition.number)


@login_required
@require_POST
@with_edition()
def partner_remove(request, series, number, pk):
    edition = request.edition
    partner = selectors.partner_of(edition, pk)
    services.remove_partner(actor=request.user, partner=partner)
    return redirect("fairs:dashboard", edition.series.slug, edition.number)


@login_required
def team(request, series):
    """Who runs the series: organisers, reviewers and jurors; organisers add and remove them."""
    series = selectors.series_for(request.user, series, need="organise")
    form = RoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.give_role(
            actor=request.user,
            series=series,
            contact=form.cleaned_data["contact"],
            role=form.cleaned_data["role"],
            base_url=request.build_absolute_uri("/"),
        )
        messages.success(request, _("The role has been given."))
        return redirect("fairs:team", series.slug)
    return render(
        request,
        "fairs/team.html",
        {"series": series, "roles": selectors.team_of(series), "form": form},
    )


@login_required
@require_POST
def role_remove(request, series, pk):
    series_role = selectors.role_in(request.user, series, pk)
    try:
        services.take_role(actor=request.user, series_role=series_role)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("fairs:team", series)
