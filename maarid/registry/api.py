import datetime
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import create_model

from maarid.api.api import AUTH, InputSchema
from maarid.api.pagination import PageNumberPagination
from maarid.api.schemas import Error, FieldErrors, named_choices
from maarid.core import access

from . import selectors, services
from .forms import OrganisationFilter
from .models import Kind, Membership, Organisation, Sector

router = Router(tags=["registry"], auth=AUTH)


class OrganisationOut(Schema):
    id: int
    slug: str
    kind: Kind
    name_ar: str
    name_fr: str
    description_ar: str
    description_fr: str
    registration_number: str
    ice: str
    founded_on: datetime.date | None
    province: str = Field(alias="province_id")
    commune: str | None = Field(None, alias="commune_id")
    sector: Sector
    members_women: int
    members_men: int
    women_led: bool
    eco_friendly: bool
    craft_at_risk: bool


class OrganisationDetail(OrganisationOut):
    """What those who may change the organisation read: every field they may write, its
    contact details included, so that the body read can be sent back with PUT."""

    contact_name: str
    phone: str
    email: str
    website: str
    address: str
    contact_public: bool


class OrganisationIn(InputSchema):
    kind: Kind
    name_ar: str = ""
    name_fr: str = ""
    description_ar: str = ""
    description_fr: str = ""
    registration_number: str = ""
    ice: str = ""
    founded_on: datetime.date | None = None
    province: str
    commune: str | None = None
    sector: Sector
    members_women: int = Field(0, ge=0)
    members_men: int = Field(0, ge=0)
    women_led: bool = False
    eco_friendly: bool = False
    craft_at_risk: bool = False
    contact_name: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    address: str = ""
    contact_public: bool = False


class OrganisationCreate(OrganisationIn):
    series: str = Field(description="slug of the fair series whose registry receives it")


def _body(name: str, *, whole: bool) -> type[InputSchema]:
    """The body of a PUT (``whole``: every field of OrganisationIn required, as the read gives
    them) or of a PATCH (any of them), with OrganisationIn's types. A field a PATCH leaves out
    is not sent, it is not null: null stays refused where the type takes none ("kind": null is
    a 422, "commune": null clears the commune). The read's ``id`` and ``slug`` may come back with
    the body; they cannot be changed."""
    fields: dict[str, Any] = {"id": (int | None, None), "slug": (str | None, None)}
    for field, info in OrganisationIn.model_fields.items():
        annotation = (
            Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        )
        fields[field] = (annotation, ... if whole else None)
    return create_model(name, __base__=InputSchema, **fields)


if TYPE_CHECKING:  # made at run time: for the type checker, input schemas like any other
    OrganisationPut: TypeAlias = InputSchema
    OrganisationPatch: TypeAlias = InputSchema
else:
    OrganisationPut = _body("OrganisationPut", whole=True)
    OrganisationPatch = _body("OrganisationPatch", whole=False)
READ_ONLY = {"id", "slug"}


class OrganisationFilters(FilterSchema):
    q: str | None = None
    kind: Kind | None = None
    sector: Sector | None = None
    province: str | None = None
    women: bool | None = None


@router.get("/organisations", response=list[OrganisationOut])
@paginate(PageNumberPagination, page_size=50)
def list_organisations(request, filters: Query[OrganisationFilters]):
    params = {k: v for k, v in filters.dict().items() if v not in (None, "", False)}
    criteria = OrganisationFilter(params or None).criteria()
    return selectors.organisations_for(request.user, **criteria)


# Tried in this order: an organisation read in full fits the first, one without its contact
# details only the second.
OrganisationRead = Annotated[
    OrganisationDetail | OrganisationOut, Field(union_mode="left_to_right")
]


@router.get("/organisations/{slug}", response={200: OrganisationRead, 404: Error})
def get_organisation(request, slug: str):
    """The organisation; its contact details only for those who may change it."""
    organisation = access.require_view(request.user, selectors.organisation(slug))
    if access.can_change(request.user, organisation):
        return organisation
    return OrganisationOut.from_orm(organisation).dict(by_alias=True)


@router.post("/organisations", response={201: OrganisationDetail, 403: Error, 422: FieldErrors})
def create_organisation(request, payload: OrganisationCreate):
    choices = selectors.organiser_series(request.user)
    series = next((s for s in choices if s.slug == payload.series), None)
    if series is None:
        raise PermissionDenied
    organisation = services.create_organisation(
        actor=request.user, data=payload.dict(exclude={"series"}), series=series
    )
    return Status(201, organisation)


def _update(request, slug: str, changes: dict) -> Organisation:
    organisation = access.require_change(request.user, selectors.organisation(slug))
    moved = {
        name: [_("This field cannot be changed.")]
        for name in sorted(READ_ONLY)
        if changes.get(name) is not None and changes[name] != getattr(organisation, name)
    }
    if moved:
        raise ValidationError(moved)
    changes = {name: value for name, value in changes.items() if name not in READ_ONLY}
    return services.update_organisation(
        actor=request.user, organisation=organisation, changes=changes
    )


@router.put(
    "/organisations/{slug}",
    response={200: OrganisationDetail, 403: Error, 404: Error, 422: FieldErrors},
)
def update_organisation(request, slug: str, payload: OrganisationPut):
    """Replaces the organisation: every field is sent (a field left out is a 422, never
    blanked). To change some fields only, PATCH."""
    return _update(request, slug, payload.dict())


@router.patch(
    "/organisations/{slug}",
    response={200: OrganisationDetail, 403: Error, 404: Error, 422: FieldErrors},
)
def patch_organisation(request, slug: str, payload: OrganisationPatch):
    """Changes the fields sent and no other."""
    return _update(request, slug, payload.dict(exclude_unset=True))


MembershipStatus = Annotated[
    Membership.Status, named_choices(Membership.Status, "MembershipStatus")
]


class MembershipOut(Schema):
    status: MembershipStatus


@router.post("/organisations/{slug}/join", response={202: MembershipOut, 404: Error})
def join_organisation(request, slug: str):
    organisation = selectors.organisation(slug)
    membership = services.request_membership(actor=request.user, organisation=organisation)
    return Status(202, {"status": membership.status})
