"""Every read of the registry that is more than handing on an object: organisations as a user
may list and find them, duplicates, places, memberships, and the fair series a user's
registries belong to (asked through ``core.hooks``: series live in ``fairs``, above this app)."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from maarid.core import access, hooks
from maarid.core.models import Job, User
from maarid.core.text import normalise, words_filter

from .models import Commune, Membership, Organisation, Province

if TYPE_CHECKING:  # a class of the type stubs only
    from django.db.models.fields.related_descriptors import ManyRelatedManager

# What makes two organisations the same: ("registration_number", number), ("ice", ice) or
# ("name", province id, normalised name).
Identity = tuple[str, ...]


class FairSeries(Protocol):
    """A fair series as the registry sees it: its id and its registry of organisations."""

    pk: Any
    slug: str

    @property
    def organisations(self) -> "ManyRelatedManager[Organisation, Any]": ...


# Organisations ---------------------------------------------------------------------------


def organisations_for(
    user: User,
    *,
    q: str = "",
    kind: str = "",
    sector: str = "",
    province: Province | None = None,
    women: bool = False,
) -> QuerySet[Organisation]:
    """The organisations the user may open, filtered: every word of ``q`` in a name or an
    identifier, and the kind, sector, province and women-led criteria that are given."""
    given = {"kind": kind, "sector": sector, "province": province, "women_led": women}
    found = Organisation.objects.visible_to(user).select_related("province")
    return with_words(found, q).filter(**{name: value for name, value in given.items() if value})


def organisation(slug: str) -> Organisation:
    """The organisation a URL names (404 if there is none); access is the caller's check."""
    return get_object_or_404(Organisation.objects.select_related("province", "commune"), slug=slug)


def search_organisations(q: str, *, limit: int = 20) -> list[Organisation]:
    """Organisations with every word of ``q`` in a name or an identifier: someone looking for
    their own to ask to join it."""
    return list(with_words(Organisation.objects.select_related("province"), q)[:limit])


def with_words(found: QuerySet[Organisation], q: str) -> QuerySet[Organisation]:
    """Those with every word of ``q`` in a name or an identifier (compared normalised, an
    Arabic word with or without its attached particles, or by its stem)."""
    return found.filter(words_filter(q))


def find_duplicate(organisation: Organisation) -> Organisation | None:
    """Another organisation with the same registration number or ICE, or the same name
    (Arabic or French, normalised) in the same province."""
    query = Q()
    for _field, key in identity_keys(organisation):
        if key[0] == "name":
            query |= Q(province_id=key[1], search_text__contains=key[2])
        else:
            query |= Q(**{key[0]: key[1]})
    if not query:
        return None
    own = {key for _field, key in identity_keys(organisation)}
    candidates = Organisation.objects.filter(query).exclude(pk=organisation.pk)
    return next((c for c in candidates if own & {key for _f, key in identity_keys(c)}), None)


def identity_keys(organisation: Organisation) -> list[tuple[str, Identity]]:
    """What makes two organisations the same, with the field each key comes from. Names only
    count within a province: many cooperatives across Morocco are called Al Amal."""
    keys: list[tuple[str, Identity]] = [
        (name, (name, getattr(organisation, name)))
        for name in ("registration_number", "ice")
        if getattr(organisation, name)
    ]
    for name in ("name_fr", "name_ar"):
        if text := normalise(getattr(organisation, name)):
            keys.append((name, ("name", organisation.province_id, text)))
    return keys


# Places ----------------------------------------------------------------------------------


def provinces() -> QuerySet[Province]:
    return Province.objects.select_related("region")


def communes_of(province_id: str | None) -> QuerySet[Commune]:
    """The communes of a province; none without one."""
    if not province_id:
        return Commune.objects.none()
    return Commune.objects.filter(province_id=province_id)


# Memberships -----------------------------------------------------------------------------


def membership(pk: int) -> Membership:
    return get_object_or_404(Membership.objects.select_related("organisation"), pk=pk)


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user")


def pending_memberships(user: User) -> QuerySet[Membership]:
    """Membership requests this user may decide on."""
    f = access.facts(user)
    pending = Membership.objects.filter(status=Membership.Status.PENDING).select_related(
        "user", "organisation"
    )
    if f.superuser:
        return pending
    return pending.filter(organisation_id__in=f.admin_of | f.managed_organisations)


def deciders(organisation: Organisation) -> list[User]:
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


# Fair series -----------------------------------------------------------------------------


def organiser_series(user: User) -> list[FairSeries]:
    """The fair series whose registries the user manages."""
    return list(hooks.organiser_series(user))


def all_series() -> list[FairSeries]:
    return list(hooks.all_series())


def series_among(choices: Iterable[FairSeries], pk: object) -> FairSeries | None:
    """The series of ``choices`` whose id is ``pk`` (as a form or a job gives it), if any."""
    return next((s for s in choices if str(s.pk) == str(pk)), None)


# Imports ---------------------------------------------------------------------------------


def own_finished_job(user: User, pk: str | None, kind: str) -> Job | None:
    """A finished job of this kind started by this user (not even a superuser's view of
    someone else's), or None."""
    if pk is None:
        return None
    try:
        return Job.objects.get(pk=pk, kind=kind, user=user, status=Job.Status.DONE)
    except (Job.DoesNotExist, ValidationError, ValueError, TypeError):
        return None


def active_user(pk: int) -> User | None:
    return User.objects.filter(pk=pk, is_active=True).first()
