"""Every write to fair series and editions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maarid.core import access

from .models import Edition, Partner, Series


@transaction.atomic
def save_edition(actor, edition: Edition, special_days=None) -> Edition:
    """Saves an edition and, when given, its validated formset of special opening hours."""
    access.require_organiser(actor, edition.series_id)
    edition.full_clean()
    edition.save()
    if special_days is not None:
        special_days.instance = edition
        special_days.save()
    return edition


def move_edition(actor, edition: Edition, status: str) -> Edition:
    """Moves an edition one stage forward or back: draft → applications → running → closed."""
    access.require_organiser(actor, edition.series_id)
    flow = [str(s) for s in Edition.FLOW]
    if status not in flow:
        raise ValidationError({"status": _("Unknown status.")})
    if abs(flow.index(status) - flow.index(edition.status)) != 1:
        raise ValidationError({"status": _("An edition moves one stage at a time.")})
    edition.status = status
    edition.save(update_fields=["status"])
    return edition


@transaction.atomic
def add_partner(actor, edition: Edition, organisation, role: str) -> Partner:
    access.require_organiser(actor, edition.series_id)
    partner = Partner(
        edition=edition, organisation=organisation, role=role, order=edition.partners.count()
    )
    partner.full_clean()
    partner.save()
    edition.series.organisations.add(organisation)
    return partner


def remove_partner(actor, partner: Partner) -> None:
    access.require_organiser(actor, partner.edition.series_id)
    partner.delete()


def series_for_organiser(actor):
    f = access.facts(actor)
    return (
        Series.objects.all()
        if f.superuser
        else Series.objects.filter(pk__in=f.series_for(access.Role.ORGANISER))
    )
