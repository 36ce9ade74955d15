"""Every write to fair series and editions."""

import datetime
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from maarid.core import access, audit, hooks
from maarid.core.models import User
from maarid.core.services import account_for, reset_link, tell
from maarid.registry.models import Organisation

from . import selectors
from .models import Edition, OpeningHours, Partner, Series, SeriesRole


class SpecialDay(TypedDict):
    """A day whose hours differ from the edition's usual ones (no hours when closed)."""

    day: datetime.date
    opens_at: datetime.time | None
    closes_at: datetime.time | None
    closed: bool


@transaction.atomic
def save_edition(
    *, actor: User, edition: Edition, special_days: Sequence[SpecialDay] | None = None
) -> Edition:
    """Saves an edition and, when given, the full list of its days with other hours (the
    days not listed go back to the usual hours)."""
    access.require_organiser(actor, edition.series_id)
    edition.full_clean()
    edition.save()
    if special_days is not None:
        days = [OpeningHours(edition=edition, **day) for day in special_days]
        for day in days:
            day.full_clean(validate_unique=False)
        edition.opening_hours.all().delete()
        for day in days:  # one by one, so that each is audited
            day.save()
    return edition


def update_edition(*, actor: User, edition: Edition, changes: Mapping[str, Any]) -> Edition:
    """Changes the fields given and leaves the others as they are (a partial update)."""
    for field, value in changes.items():
        setattr(edition, field, value)
    return save_edition(actor=actor, edition=edition)


def move_edition(*, actor: User, edition: Edition, status: str, reason: str = "") -> Edition:
    """Moves an edition one stage forward or back: draft → applications → running → closed.

    A step back needs a reason, kept in the edition's history; an edition that already holds
    sales, decisions or the like never goes back to draft, where its public pages would vanish."""
    access.require_organiser(actor, edition.series_id)
    flow = [str(s) for s in Edition.FLOW]
    if status not in flow:
        raise ValidationError({"status": _("Unknown status.")})
    step = flow.index(status) - flow.index(edition.status)
    if abs(step) != 1:
        raise ValidationError({"status": _("An edition moves one stage at a time.")})
    reason = reason.strip()
    if step < 0 and not reason:
        raise ValidationError(
            {"reason": _("Say why the edition steps back: it is kept in its history.")}
        )
    if status == Edition.Status.DRAFT:
        held = selectors.commitments_of(edition)
        if held:
            raise ValidationError(
                {
                    "status": _("This edition cannot go back to draft: %(held)s.")
                    % {"held": "; ".join(held)}
                }
            )
    previous, edition.status = edition.status, status
    with audit.because(reason):
        edition.save(update_fields=["status"])
    hooks.edition_moved.collect(edition, actor, previous)
    return edition


@transaction.atomic
def add_partner(*, actor: User, edition: Edition, organisation: Organisation, role: str) -> Partner:
    access.require_organiser(actor, edition.series_id)
    partner = Partner(
        edition=edition, organisation=organisation, role=role, order=edition.partners.count()
    )
    partner.full_clean()
    partner.save()
    edition.series.organisations.add(organisation)
    return partner


def remove_partner(*, actor: User, partner: Partner) -> None:
    access.require_organiser(actor, partner.edition.series_id)
    partner.delete()


def give_role(
    *, actor: User, series: Series, contact: dict[str, Any], role: str, base_url: str
) -> SeriesRole:
    """An organiser gives someone (found or invited by e-mail or mobile number) a role in the
    series: another organiser, a reviewer or a juror."""
    access.require_organiser(actor, series.pk)
    if role not in dict(SeriesRole.ROLE_CHOICES):
        raise ValidationError({"role": _("Unknown role.")})
    user = account_for(contact)
    series_role, created = SeriesRole.objects.get_or_create(user=user, series=series, role=role)
    if created:
        access.forget(user)
        msgid = gettext_noop("You are now %(role)s of %(series)s on Maarid.")
        params: dict[str, Any] = {
            "role": series_role.get_role_display().lower(),
            "series": series,
        }
        if not user.has_usable_password():
            msgid = gettext_noop(
                "You are now %(role)s of %(series)s on Maarid. Choose your password here: %(link)s"
            )
            params["link"] = reset_link(user, base_url)
        tell(user, msgid, **params)
    return series_role


def take_role(*, actor: User, series_role: SeriesRole) -> None:
    """Removes a role. The last organiser of a series cannot leave it without organisers."""
    access.require_organiser(actor, series_role.series_id)
    if (
        series_role.role == access.Role.ORGANISER
        and not SeriesRole.objects.filter(
            series_id=series_role.series_id, role=access.Role.ORGANISER
        )
        .exclude(pk=series_role.pk)
        .exists()
    ):
        raise ValidationError(_("A fair series keeps at least one organiser."))
    series_role.delete()
    access.forget(series_role.user)
