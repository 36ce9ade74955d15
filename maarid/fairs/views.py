import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maarid.core import access, hooks
from maarid.registry.models import Kind

from . import services
from .forms import EditionForm, OpeningHoursFormSet, PartnerForm, RoleForm
from .models import Edition, Partner, Series, SeriesRole


def home(request):
    editions = Edition.objects.public().select_related("series", "city").order_by("-starts_on")
    managed = (
        services.series_for_organiser(request.user)
        if request.user.is_authenticated
        else Series.objects.none()
    )
    return render(request, "fairs/home.html", {"editions": editions, "managed": managed})


def series_detail(request, series):
    series = get_object_or_404(Series, slug=series)
    editions = series.editions.select_related("city")
    can_manage = access.is_organiser(request.user, series.pk)
    if not can_manage:
        editions = editions.public()
    return render(
        request,
        "fairs/series.html",
        {"series": series, "editions": editions, "can_manage": can_manage},
    )


def _edition(request, series, number):
    edition = get_object_or_404(
        Edition.objects.select_related("series", "city"), series__slug=series, number=number
    )
    access.require_view(request.user, edition)
    return edition


def edition_detail(request, series, number):
    edition = _edition(request, series, number)
    partners = edition.partners.select_related("organisation")
    return render(
        request,
        "fairs/edition.html",
        {
            "edition": edition,
            "partners": partners,
            "days": [(d, *edition.hours_on(d)) for d in _days(edition)],
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


def _days(edition):
    return [edition.starts_on + datetime.timedelta(days=i) for i in range(edition.days)]


@login_required
def dashboard(request, series, number):
    edition = _edition(request, series, number)
    access.require_organiser(request.user, edition.series_id)
    registry = edition.series.organisations.aggregate(
        total=Count("id"),
        cooperatives=Count("id", filter=Q(kind=Kind.COOPERATIVE)),
        womens=Count("id", filter=Q(kind=Kind.COOPERATIVE, women_led=True)),
        buyers=Count("id", filter=Q(kind__in=[Kind.COMPANY, Kind.PLATFORM])),
    )
    flow = [str(s) for s in Edition.FLOW]
    i = flow.index(edition.status)
    return render(
        request,
        "fairs/dashboard.html",
        {
            "edition": edition,
            "registry": registry,
            "partners": edition.partners.select_related("organisation"),
            "next_status": Edition.Status(flow[i + 1]) if i + 1 < len(flow) else None,
            "previous_status": Edition.Status(flow[i - 1]) if i > 0 else None,
            "partner_form": PartnerForm(series=edition.series),
            # Panels of the apps that build on editions (the call for exhibitors, …).
            "panels": hooks.edition_panels.collect(edition, request.user),
        },
    )


@login_required
def edition_edit(request, series, number):
    edition = _edition(request, series, number)
    access.require_organiser(request.user, edition.series_id)
    form = EditionForm(request.POST or None, instance=edition, series=edition.series)
    hours = OpeningHoursFormSet(request.POST or None, instance=edition, prefix="hours")
    if request.method == "POST" and form.is_valid() and hours.is_valid():
        services.save_edition(request.user, form.instance, special_days=hours)
        messages.success(request, _("The edition has been saved."))
        return redirect("fairs:dashboard", edition.series.slug, edition.number)
    return render(
        request, "fairs/edition_form.html", {"form": form, "hours": hours, "edition": edition}
    )


@login_required
def edition_create(request, series):
    series = get_object_or_404(Series, slug=series)
    access.require_organiser(request.user, series.pk)
    form = EditionForm(
        request.POST or None,
        series=series,
        initial={
            "number": (
                series.editions.order_by("-number").values_list("number", flat=True).first() or 0
            )
            + 1
        },
    )
    if request.method == "POST" and form.is_valid():
        edition = services.save_edition(request.user, form.instance)
        messages.success(request, _("The edition has been created."))
        return redirect("fairs:dashboard", series.slug, edition.number)
    return render(request, "fairs/edition_form.html", {"form": form, "series": series})


@login_required
@require_POST
def edition_status(request, series, number):
    edition = _edition(request, series, number)
    try:
        services.move_edition(request.user, edition, request.POST.get("status", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("fairs:dashboard", edition.series.slug, edition.number)


@login_required
@require_POST
def partner_add(request, series, number):
    edition = _edition(request, series, number)
    access.require_organiser(request.user, edition.series_id)
    form = PartnerForm(request.POST, series=edition.series)
    if form.is_valid():
        try:
            services.add_partner(
                request.user, edition, form.cleaned_data["organisation"], form.cleaned_data["role"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Choose an organisation and a role."))
    return redirect("fairs:dashboard", edition.series.slug, edition.number)


@login_required
@require_POST
def partner_remove(request, series, number, pk):
    edition = _edition(request, series, number)
    partner = get_object_or_404(Partner, pk=pk, edition=edition)
    services.remove_partner(request.user, partner)
    return redirect("fairs:dashboard", edition.series.slug, edition.number)


@login_required
def team(request, series):
    """Who runs the series: organisers, reviewers and jurors; organisers add and remove them."""
    series = get_object_or_404(Series, slug=series)
    access.require_organiser(request.user, series.pk)
    form = RoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.give_role(
            request.user,
            series,
            form.cleaned_data["contact"],
            form.cleaned_data["role"],
            request.build_absolute_uri("/"),
        )
        messages.success(request, _("The role has been given."))
        return redirect("fairs:team", series.slug)
    roles = series.roles.select_related("user").order_by("role", "user__last_name")
    return render(request, "fairs/team.html", {"series": series, "roles": roles, "form": form})


@login_required
@require_POST
def role_remove(request, series, pk):
    series_role = get_object_or_404(SeriesRole, pk=pk, series__slug=series)
    try:
        services.take_role(request.user, series_role)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("fairs:team", series)
