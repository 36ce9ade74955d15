"""Tells ``core.access`` which organisations a user belongs to."""

from maarid.core import hooks

from .models import BUYER_KINDS, Membership


@hooks.memberships.answer
def memberships(user) -> dict:
    rows = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values_list(
        "organisation_id", "is_admin", "organisation__kind"
    )
    return {org: {"admin": admin, "buyer": kind in BUYER_KINDS} for org, admin, kind in rows}


@hooks.personal_data.add
def personal_data(user) -> dict:
    return {
        "memberships": [
            {
                "organisation": str(m.organisation),
                "admin": m.is_admin,
                "status": m.status,
                "requested_at": m.requested_at.isoformat(),
            }
            for m in Membership.objects.filter(user=user).select_related("organisation")
        ]
    }


@hooks.erase_personal_data.add
def erase_personal_data(user) -> None:
    Membership.objects.filter(user=user).delete()
