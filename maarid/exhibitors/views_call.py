"""The call for exhibitors: its public page, and its settings for the series' organisers."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from maarid.core import access
from maarid.fairs.selectors import with_edition
from maarid.registry.models import BUYER_KINDS, Kind, Sector

from . import selectors, services
from .forms import CallForm, CriteriaFormSet, DocumentsFormSet, QuotasFormSet
from .models import Call
from .reports import aggregation_text


@with_edition()
def call_detail(request, series, number):
    edition = request.edition
    call = selectors.call_of(edition)
    user = request.user
    today = timezone.localdate()
    criteria = list(call.criteria.all())
    total_weight = sum(c.weight for c in criteria) or 1
    shares = [(c, round(100 * c.weight / total_weight)) for c in criteria]
    kinds = call.eligible_kinds or [k for k in Kind.values if k not in BUYER_KINDS]
    own_applications = []
    organisations = []
    if user.is_authenticated:
        own_applications = selectors.own_applications(user, call)
        organisations = selectors.organisations_that_may_apply(user, call)
    return render(
        request,
        "exhibitors/call.html",
        {
            "edition": edition,
            "call": call,
            "is_open": call.is_open(today),
            "not_yet": today < call.opens_on,
            "criteria": shares,
            "documents": call.required_documents.all(),
            "kinds": [Kind(k).label for k in kinds],
            "sectors": [Sector(s).label for s in call.eligible_sectors],
            "sector_quotas": call.sector_quotas.all(),
            "own_applications": own_applications,
            "organisations": organisations,
            "is_member": bool(user.is_authenticated and access.facts(user).organisations),
            "can_manage": access.is_organiser(user, edition.series_id),
            "aggregation": aggregation_text(call),
        },
    )


@login_required
@with_edition(need="organise")
def call_edit(request, series, number):
    """One page for the whole call: settings, rubric, documents and sector quotas, saved
    together or not at all. Without a call yet, the same page opens it."""
    edition = request.edition
    call = selectors.call_or_none(edition)
    creating = call is None
    data = request.POST if request.method == "POST" else None
    form = CallForm(data, instance=call or Call(edition=edition))
    formsets: list[Any] = (
        []
        if creating
        else [
            CriteriaFormSet(data, instance=call, prefix="criteria"),
            DocumentsFormSet(data, instance=call, prefix="documents"),
            QuotasFormSet(data, instance=call, prefix="quotas"),
        ]
    )
    if data is not None:
        valid = [f.is_valid() for f in (form, *formsets)]
        if all(valid):
            try:
                _save(request.user, edition, form, formsets)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(
                    request,
                    _(
                        "The call has been created with the usual rubric and documents: "
                        "adjust them below."
                    )
                    if creating
                    else _("The call has been saved."),
                )
                return redirect("exhibitors:call-edit", edition.series.slug, edition.number)
    criteria, documents, quotas = formsets or (None, None, None)
    return render(
        request,
        "exhibitors/call_edit.html",
        {
            "edition": edition,
            "call": call,
            "form": form,
            "criteria": criteria,
            "documents": documents,
            "quotas": quotas,
        },
        status=400 if data is not None else 200,
    )


def _save(user, edition, form, formsets):
    """The page's form and formsets as the rows ``services.save_call`` takes."""
    if not formsets:
        return services.save_call(actor=user, edition=edition, settings=form.settings())
    criteria, documents, quotas = formsets
    return services.save_call(
        actor=user,
        edition=edition,
        settings=form.settings(),
        criteria=[services.CriterionRow(id=pk, **row) for pk, row in criteria.kept()],
        documents=[services.DocumentRow(id=pk, **row) for pk, row in documents.kept()],
        quotas=[services.QuotaRow(**row) for _pk, row in quotas.kept()],
    )
