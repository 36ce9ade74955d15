import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from maarid.api.api import AUTH, InputSchema
from maarid.core import access
from maarid.core.audit import acting_as

from . import services
from .forms import OrganisationForm
from .models import Kind, Organisation, Sector

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


class OrganisationFilters(FilterSchema):
    q: str | None = None
    kind: Kind | None = None
    sector: Sector | None = None
    province: str | None = None
    women: bool | None = None


class Error(Schema):
    detail: dict | str


def _validated(data: dict, instance=None) -> Organisation:
    """Runs the same form as the pages, so the API and the pages accept the same input."""
    form = OrganisationForm(
        data={k: ("" if v is None else v) for k, v in data.items()}, instance=instance
    )
    if not form.is_valid():
        raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
    return form.instance


@router.get("/organisations", response=list[OrganisationOut])
@paginate(PageNumberPagination, page_size=50)
def list_organisations(request, filters: Query[OrganisationFilters]):
    from .views import filtered_organisations

    params = {k: v for k, v in filters.dict().items() if v not in (None, "", False)}
    _form, qs = filtered_organisations(request.user, params)
    return qs


@router.get("/organisations/{slug}", response={200: OrganisationOut, 404: Error})
def get_organisation(request, slug: str):
    return access.require_view(request.user, get_object_or_404(Organisation, slug=slug))


@router.post("/organisations", response={201: OrganisationOut, 403: Error, 422: Error})
def create_organisation(request, payload: OrganisationCreate):
    from .views import organiser_series

    series = next((s for s in organiser_series(request.user) if s.slug == payload.series), None)
    if series is None:
        raise PermissionDenied
    organisation = _validated(payload.dict(exclude={"series"}))
    with acting_as(request.user), transaction.atomic():
        services.save_organisation(request.user, organisation, series=series)
    return Status(201, organisation)


@router.put(
    "/organisations/{slug}", response={200: OrganisationOut, 403: Error, 404: Error, 422: Error}
)
def update_organisation(request, slug: str, payload: OrganisationIn):
    organisation = access.require_change(request.user, get_object_or_404(Organisation, slug=slug))
    organisation = _validated(payload.dict(), instance=organisation)
    with acting_as(request.user):
        services.save_organisation(request.user, organisation)
    return organisation


@router.post("/organisations/{slug}/join", response={202: dict, 404: Error})
def join_organisation(request, slug: str):
    organisation = get_object_or_404(Organisation, slug=slug)
    membership = services.request_membership(request.user, organisation)
    return Status(202, {"status": membership.status})
