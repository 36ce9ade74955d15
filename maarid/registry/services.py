"""Every write to the registry, and its rules: organisations and memberships."""

import copy
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from maarid.core import access
from maarid.core.models import User
from maarid.core.services import account_for, reset_link, tell

from .forms import OrganisationForm
from .models import Membership, Organisation
from .selectors import FairSeries, deciders, find_duplicate

# The fields a person may write, on the pages and through the API.
EDITABLE: list[str] = list(OrganisationForm.Meta.fields)


def save_organisation(
    *, actor: User, organisation: Organisation, series: FairSeries | None = None
) -> Organisation:
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
        check_not_duplicate(organisation=organisation)
    with transaction.atomic():
        organisation.save()
        if series is not None and creating:
            series.organisations.add(organisation)
    access.forget(actor)
    return organisation


def create_organisation(*, actor: User, data: dict[str, Any], series: FairSeries) -> Organisation:
    """A new organisation in the registry of ``series``, from the values of its fields (the
    API's body), checked by the form of the pages so that both accept the same input. None is
    an empty value. Raises ValidationError by field."""
    form = OrganisationForm(data={name: "" if v is None else v for name, v in data.items()})
    return save_organisation(actor=actor, organisation=_valid(form), series=series)


def update_organisation(
    *, actor: User, organisation: Organisation, changes: dict[str, Any]
) -> Organisation:
    """Changes the fields named in ``changes`` and no other: a field not given keeps its value,
    it is never blanked (the API's PUT gives every field, its PATCH some). The values are checked
    by the form of the pages, against the rest of the record as it is, so that both accept the
    same input and a rule across fields (a company needs an ICE) names the field at fault. None
    is an empty value, refused where the field needs one. Raises ValidationError by field."""
    access.require_change(actor, organisation)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValidationError({name: _("This field is not expected.") for name in unknown})
    data = model_to_dict(organisation, fields=EDITABLE)
    data.update({name: "" if value is None else value for name, value in changes.items()})
    # The form fills in a copy: the organisation is left as it was if anything is refused.
    checked = _valid(OrganisationForm(data=data, instance=copy.copy(organisation)))
    fields = [_concrete(name) for name in changes]
    changed = [
        f for f in fields if f.value_from_object(checked) != f.value_from_object(organisation)
    ]
    if not changed:
        return organisation
    for field in changed:
        setattr(organisation, field.attname, field.value_from_object(checked))
    return save_organisation(actor=actor, organisation=organisation)


def _valid(form: OrganisationForm) -> Organisation:
    """The form's organisation, or ValidationError by field as the form found it."""
    if not form.is_valid():
        raise ValidationError(
            {name: [str(m) for m in errors] for name, errors in form.errors.items()}
        )
    organisation: Organisation = form.instance
    return organisation


def _concrete(name: str) -> models.Field[Any, Any]:
    field = Organisation._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def check_not_duplicate(*, organisation: Organisation) -> None:
    """Refuses a second record of an organisation already in the registry (same identifier,
    or same name in the same province): its people should ask to join it instead."""
    other = find_duplicate(organisation)
    if other is not None:
        raise ValidationError(
            _("This organisation seems to be in the registry already: %(name)s.") % {"name": other}
        )


@transaction.atomic
def register_own_organisation(
    *, actor: User, organisation: Organisation, series: FairSeries
) -> Membership:
    """Someone signing up for an organisation that is not in the registry yet: it is created,
    added to the chosen fair's registry, and they become its administrator once an
    organiser confirms."""
    organisation.full_clean()
    check_not_duplicate(organisation=organisation)
    organisation.save()
    series.organisations.add(organisation)
    return Membership.objects.create(user=actor, organisation=organisation, is_admin=True)


# Memberships -----------------------------------------------------------------------------


def request_membership(*, actor: User, organisation: Organisation) -> Membership:
    """A user asks to join an organisation; its administrators and organisers confirm."""
    membership, created = Membership.objects.get_or_create(user=actor, organisation=organisation)
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
                person=actor,
                org=organisation,
            )
    return membership


def can_decide(*, actor: User, organisation: Organisation) -> bool:
    """Who confirms requests to join an organisation and invites people into it: its
    administrators and the organisers of the fairs whose registries hold it."""
    f = access.facts(actor)
    return (
        f.superuser
        or organisation.pk in f.admin_of
        or bool(
            organisation.access_scope().series_ids
            & f.series.get(access.Role.ORGANISER, frozenset())
        )
    )


def decide_membership(*, actor: User, membership: Membership, accept: bool) -> Membership:
    if not can_decide(actor=actor, organisation=membership.organisation):
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
    *,
    actor: User,
    organisation: Organisation,
    contact: dict[str, str],
    base_url: str,
    admin: bool = False,
) -> Membership:
    """An organiser or an administrator of the organisation invites someone by e-mail or
    mobile number: an inactive account is made if needed, with a link to set a password."""
    if not can_decide(actor=actor, organisation=organisation):
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
