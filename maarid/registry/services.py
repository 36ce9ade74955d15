"""Every write to the registry: organisations and memberships."""

import copy

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from maarid.core import access, hooks
from maarid.core.services import account_for, reset_link, tell

from .forms import OrganisationForm
from .models import Membership, Organisation
from .queries import find_duplicate


def save_organisation(actor, organisation: Organisation, series=None) -> Organisation:
    """Validates and saves an organisation. A new one is created by an organiser into the
    registry of ``series``, so that the organisers of that fair manage it."""
    creating = organisation.pk is None
    if creating:
        if series is None:
            raise ValueError("a new organisation joins the registry of a fair series")
        access.require_organiser(actor, series.pk)
    else:
        access.require_change(actor, organisation)
    organisation.full_clean()
    if creating:
        check_not_duplicate(organisation)
    with transaction.atomic():
        organisation.save()
        if creating:
            series.organisations.add(organisation)
    access.forget(actor)
    return organisation


def update_organisation(actor, organisation: Organisation, changes: dict) -> Organisation:
    """Changes the fields named in ``changes`` and no other: a field not given keeps its value,
    it is never blanked (the API's PUT gives every field, its PATCH some). The values are checked
    by the form of the pages, against the rest of the record as it is, so that both accept the
    same input and a rule across fields (a company needs an ICE) names the field at fault. None
    is an empty value, refused where the field needs one. Raises ValidationError by field."""
    access.require_change(actor, organisation)
    editable = OrganisationForm._meta.fields
    unknown = sorted(set(changes) - set(editable))
    if unknown:
        raise ValidationError({name: _("This field is not expected.") for name in unknown})
    data = model_to_dict(organisation, fields=editable)
    data.update({name: "" if value is None else value for name, value in changes.items()})
    # The form fills in a copy: the organisation is left as it was if anything is refused.
    form = OrganisationForm(data=data, instance=copy.copy(organisation))
    if not form.is_valid():
        raise ValidationError(
            {name: [str(m) for m in errors] for name, errors in form.errors.items()}
        )
    fields = [Organisation._meta.get_field(name) for name in changes]
    changed = [
        f for f in fields if f.value_from_object(form.instance) != f.value_from_object(organisation)
    ]
    if not changed:
        return organisation
    for field in changed:
        setattr(organisation, field.attname, field.value_from_object(form.instance))
    return save_organisation(actor, organisation)


def request_membership(user, organisation: Organisation) -> Membership:
    """A user asks to join an organisation; its administrators and organisers confirm."""
    membership, created = Membership.objects.get_or_create(user=user, organisation=organisation)
    if not created and membership.status == Membership.Status.DECLINED:
        membership.status = Membership.Status.PENDING
        membership.requested_at = timezone.now()
        membership.save(update_fields=["status", "requested_at"])
        created = True
    if created:
        for decider in deciders(organisation):
            tell(
                decider,
                gettext_noop("%(person)s asks to join %(org)s on Maarid."),
                person=user,
                org=organisation,
            )
    return membership


def deciders(organisation: Organisation) -> list:
    """Who confirms requests to join: the organisation's administrators, else the organisers
    of the fairs whose registries hold it."""
    admins = [
        m.user
        for m in organisation.memberships.filter(
            is_admin=True, status=Membership.Status.ACTIVE
        ).select_related("user")
    ]
    if admins:
        return admins
    series = organisation.access_scope().series_ids
    return list(hooks.series_organisers(series))


@transaction.atomic
def register_own_organisation(user, organisation: Organisation, series) -> Membership:
    """Someone signing up for an organisation that is not in the registry yet: it is created,
    added to the chosen fair's registry, and they become its administrator once an
    organiser confirms."""
    organisation.full_clean()
    check_not_duplicate(organisation)
    organisation.save()
    series.organisations.add(organisation)
    return Membership.objects.create(user=user, organisation=organisation, is_admin=True)


def can_decide(actor, membership: Membership) -> bool:
    f = access.facts(actor)
    return (
        f.superuser
        or membership.organisation_id in f.admin_of
        or bool(
            membership.organisation.access_scope().series_ids
            & f.series.get(access.Role.ORGANISER, frozenset())
        )
    )


def decide_membership(actor, membership: Membership, accept: bool) -> Membership:
    if not can_decide(actor, membership):
        raise PermissionDenied
    membership.status = Membership.Status.ACTIVE if accept else Membership.Status.DECLINED
    membership.decided_at, membership.decided_by = timezone.now(), actor
    membership.save(update_fields=["status", "decided_at", "decided_by"])
    access.forget(membership.user)
    tell(
        membership.user,
        gettext_noop("Your request to join %(org)s was accepted.")
        if accept
        else gettext_noop("Your request to join %(org)s was declined."),
        org=membership.organisation,
    )
    return membership


def invite(
    actor, organisation: Organisation, contact: dict, base_url: str, admin=False
) -> Membership:
    """An organiser or an administrator of the organisation invites someone by e-mail or
    mobile number: an inactive account is made if needed, with a link to set a password."""
    probe = Membership(organisation=organisation)
    if not can_decide(actor, probe):
        raise PermissionDenied
    user = account_for(contact)
    membership, _created = Membership.objects.update_or_create(
        user=user,
        organisation=organisation,
        defaults={
            "status": Membership.Status.ACTIVE,
            "is_admin": admin,
            "decided_at": timezone.now(),
            "decided_by": actor,
        },
    )
    access.forget(user)
    tell(
        user,
        gettext_noop(
            "You have been added to %(org)s on Maarid. Choose your password here: %(link)s"
        ),
        org=organisation,
        link=reset_link(user, base_url),
    )
    return membership


def pending_for(actor):
    """Membership requests this user may decide on."""
    f = access.facts(actor)
    qs = Membership.objects.filter(status=Membership.Status.PENDING).select_related(
        "user", "organisation"
    )
    if f.superuser:
        return qs
    return qs.filter(organisation_id__in=f.admin_of | f.managed_organisations)


def check_not_duplicate(organisation: Organisation):
    """Refuses a second record of an organisation already in the registry (same identifier,
    or same name in the same province): its people should ask to join it instead."""
    other = find_duplicate(organisation)
    if other is not None:
        raise ValidationError(
            _("This organisation seems to be in the registry already: %(name)s.") % {"name": other}
        )
