"""Who may see and change what: the one place every view and API endpoint asks.

Objects that need protection describe what they belong to with ``access_scope()``, which
returns a ``Scope``: the organisations that own them (their members may edit), the fair series
whose organisers manage them, and whether the public may see them. A user's side of the check
(memberships, roles per series) comes from the questions of ``core.hooks``, which the apps
owning those facts answer at start-up, so ``core`` imports no app.

Roles: organiser, reviewer and juror are given per fair series; exhibitor and buyer come from
belonging to an organisation; everyone else is the anonymous public.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from . import hooks


class Role(models.TextChoices):
    ORGANISER = "organiser", _("Organiser")
    REVIEWER = "reviewer", _("Reviewer")
    JUROR = "juror", _("Juror")
    EXHIBITOR = "exhibitor", _("Exhibitor")
    BUYER = "buyer", _("Buyer")
    PUBLIC = "public", _("Public")


SERIES_ROLES = (Role.ORGANISER, Role.REVIEWER, Role.JUROR)


@dataclass(frozen=True)
class Scope:
    organisation_ids: frozenset = frozenset()
    series_ids: frozenset = frozenset()
    public: bool = False
    # Reviewers and jurors of the series may read it (applications, entries), not change it.
    assessed: bool = False
    # Particular users who may read it (e.g. the reviewers assigned to an application).
    reader_ids: frozenset = frozenset()


@dataclass(frozen=True)
class Facts:
    """What one user is: the organisations they belong to and their roles per series."""

    organisations: frozenset = frozenset()  # active memberships
    admin_of: frozenset = frozenset()  # organisations whose members they manage
    buyer_organisations: frozenset = frozenset()
    series: dict = field(default_factory=dict)  # role -> frozenset of series ids
    managed_organisations: frozenset = frozenset()  # in the registries of their series
    superuser: bool = False

    def series_for(self, *roles) -> frozenset:
        return frozenset().union(*(self.series.get(r, frozenset()) for r in roles))


NOBODY = Facts()


def facts(user) -> Facts:
    """The user's facts, computed once per request (cached on the user object)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    cached = getattr(user, "_maarid_facts", None)
    if cached is not None:
        return cached
    memberships = hooks.memberships(user)
    series = hooks.series_roles(user)
    result = Facts(
        organisations=frozenset(memberships),
        admin_of=frozenset(k for k, m in memberships.items() if m["admin"]),
        buyer_organisations=frozenset(k for k, m in memberships.items() if m["buyer"]),
        series={role: frozenset(ids) for role, ids in series.items()},
        managed_organisations=frozenset(
            hooks.managed_organisations(user, series.get(Role.ORGANISER, ()))
        ),
        superuser=user.is_superuser,
    )
    user._maarid_facts = result
    return result


def forget(user):
    """Drops cached facts after a membership or role changed."""
    if user is not None and hasattr(user, "_maarid_facts"):
        del user._maarid_facts


def roles(user) -> set[str]:
    f = facts(user)
    result = {role for role, ids in f.series.items() if ids}
    if f.organisations - f.buyer_organisations:
        result.add(Role.EXHIBITOR)
    if f.buyer_organisations:
        result.add(Role.BUYER)
    return result or {Role.PUBLIC}


def is_organiser(user, series_id=None) -> bool:
    f = facts(user)
    if f.superuser:
        return True
    ids = f.series.get(Role.ORGANISER, frozenset())
    return bool(ids) if series_id is None else series_id in ids


def can_change(user, obj) -> bool:
    f = facts(user)
    if f.superuser:
        return True
    scope = obj.access_scope()
    return bool(
        scope.organisation_ids & f.organisations
        or scope.series_ids & f.series.get(Role.ORGANISER, frozenset())
    )


def can_view(user, obj) -> bool:
    scope = obj.access_scope()
    if scope.public or can_change(user, obj):
        return True
    if user is not None and user.is_authenticated and user.pk in scope.reader_ids:
        return True
    return scope.assessed and bool(
        scope.series_ids & facts(user).series_for(Role.REVIEWER, Role.JUROR)
    )


def require_view(user, obj):
    """Raises 404 for what the user may not see: not even its existence is revealed."""
    if not can_view(user, obj):
        raise Http404
    return obj


def require_change(user, obj):
    require_view(user, obj)
    if not can_change(user, obj):
        raise PermissionDenied
    return obj


def require_organiser(user, series_id=None):
    if not is_organiser(user, series_id):
        raise PermissionDenied
