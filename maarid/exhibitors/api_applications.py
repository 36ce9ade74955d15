"""Applications over JSON: listed as each caller may see them, started, filled in, submitted
and withdrawn by the applicant's members, with their products and documents."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, FilterSchema, Form, Query, Router, Status, UploadedFile
from ninja.pagination import paginate

from maarid.api.api import AUTH, InputSchema
from maarid.api.pagination import PageNumberPagination
from maarid.api.schemas import EditionNumber, Error, FieldErrors, Id
from maarid.core import access, uploads
from maarid.fairs.selectors import with_edition
from maarid.registry import selectors as registry
from maarid.registry.models import Kind, Sector

from . import selectors, services
from .api_schemas import (
    ApplicationDetail,
    ApplicationOut,
    ApplicationProductOut,
    ApplicationStatus,
    DocumentOut,
)
from .models import Application, BoothSize

# Every operation here is for signed-in callers; the router of api.py tags them.
router = Router(auth=AUTH)


class ApplicationProductIn(InputSchema):
    name_ar: str = Field("", max_length=150)
    name_fr: str = Field("", max_length=150)
    description: str = Field("", max_length=5000)
    price: Decimal | None = Field(
        None, ge=0, max_digits=10, decimal_places=2, description='MAD, e.g. "125.50".'
    )


class ApplicationStart(InputSchema):
    organisation: str = Field(description="Slug of the organisation applying.", max_length=80)


class ApplicationPatch(InputSchema):
    motivation: str | None = Field(None, max_length=10_000)
    booth_size: BoothSize | None = None
    electricity: bool | None = None
    water: bool | None = None
    refrigeration: bool | None = None


class ApplicationFilters(FilterSchema):
    status: ApplicationStatus | None = None
    decision: Application.Decision | None = None
    kind: Kind | None = None
    sector: Sector | None = None
    province: str | None = Field(None, max_length=20)
    women: bool | None = Field(None, description="Women's cooperatives only.")
    first_time: bool | None = None
    q: str | None = Field(None, max_length=100, description="Words of the organisation's name.")


@router.get(
    "/editions/{series}/{number}/applications",
    response={200: list[ApplicationOut], 404: Error},
    summary="Applications to an edition",
    description="Organisers see all of them; reviewers those assigned to them; applicants "
    "their own. Filters narrow the list; before publication, filtering on a decision only "
    "works for organisers.",
)
@with_edition()
@paginate(PageNumberPagination, page_size=50)
def list_applications(
    request, series: str, number: EditionNumber, filters: Query[ApplicationFilters]
):
    call = selectors.call_of(request.edition)
    return selectors.applications_for(
        request.user, call, selectors.ApplicationQuery(**filters.dict())
    )


@router.post(
    "/editions/{series}/{number}/applications",
    response={
        200: ApplicationDetail,
        201: ApplicationDetail,
        403: Error,
        404: Error,
        422: FieldErrors,
    },
    summary="Start an application for one's organisation",
    description="A member of the organisation starts its draft; if it already has one, that "
    "one is returned (200).",
)
@with_edition()
def start_application(request, series: str, number: EditionNumber, payload: ApplicationStart):
    call = selectors.call_of(request.edition)
    organisation = access.require_view(request.user, registry.organisation(payload.organisation))
    existed = selectors.application_from(call, organisation) is not None
    application = services.start_application(
        actor=request.user, call=call, organisation=organisation
    )
    return Status(200 if existed else 201, selectors.application_detail(application.pk))


@router.get(
    "/applications/{application}",
    response={200: ApplicationDetail, 404: Error},
    summary="One application",
    description="For the applicant's members, the reviewers assigned to it and the organisers.",
)
def get_application(request, application: Id):
    return selectors.application_detail(selectors.application_for(request.user, application).pk)


@router.patch(
    "/applications/{application}",
    response={200: ApplicationDetail, 403: Error, 404: Error, 422: FieldErrors},
    summary="Change a draft (motivation, booth)",
)
def update_application(request, application: Id, payload: ApplicationPatch):
    found = selectors.application_for(request.user, application)
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    services.update_application(actor=request.user, application=found, **fields)
    return selectors.application_detail(found.pk)


@router.post(
    "/applications/{application}/submit",
    response={200: ApplicationDetail, 403: Error, 404: Error, 422: FieldErrors},
    summary="Submit a draft",
    description="Refused (422, with what is missing) without products or required documents, "
    "or when the call is closed.",
)
def submit_application(request, application: Id):
    found = selectors.application_for(request.user, application)
    services.submit(actor=request.user, application=found)
    return selectors.application_detail(found.pk)


@router.post(
    "/applications/{application}/withdraw",
    response={200: ApplicationDetail, 403: Error, 404: Error},
    summary="Withdraw an application",
    description="An accepted exhibitor's place then goes to the waiting list.",
)
def withdraw_application(request, application: Id):
    found = selectors.application_for(request.user, application)
    services.withdraw(actor=request.user, application=found)
    return selectors.application_detail(found.pk)


# --- A draft's products and documents ---------------------------------------------------


@router.post(
    "/applications/{application}/products",
    response={201: ApplicationProductOut, 403: Error, 404: Error, 422: FieldErrors},
    summary="Add a product to bring",
    description="The name in Arabic, in French or both; the price in MAD as a decimal string.",
)
def add_product(request, application: Id, payload: ApplicationProductIn):
    found = selectors.application_for(request.user, application)
    product = services.add_product(actor=request.user, application=found, **payload.dict())
    return Status(201, product)


@router.delete(
    "/applications/{application}/products/{product}",
    response={204: None, 403: Error, 404: Error, 422: FieldErrors},
    summary="Remove a product from a draft",
)
def remove_product(request, application: Id, product: Id):
    found = selectors.application_for(request.user, application)
    services.remove_product(actor=request.user, product=selectors.product_of(found, product))
    return Status(204, None)


@router.post(
    "/applications/{application}/documents",
    response={201: DocumentOut, 403: Error, 404: Error, 422: FieldErrors},
    summary="Upload a document (multipart)",
    description="A PDF, JPEG or PNG of 5 MB at most, recognised by its content (not its name). "
    "`requirement` is the id of the required document it provides.",
)
def upload_document(
    request,
    application: Id,
    file: File[UploadedFile],
    requirement: Form[Id | None] = None,
):
    found = selectors.application_for(request.user, application)
    required = None
    if requirement is not None:
        required = selectors.requirement_of(found.call, requirement)
        if required is None:
            raise ValidationError({"requirement": _("This call asks for no such document.")})
    document = services.add_document(
        actor=request.user, application=found, uploaded=file, requirement=required
    )
    return Status(201, document)


@router.get(
    "/applications/{application}/documents/{document}",
    response={200: None, 404: Error},
    summary="Download a document",
    description="The file itself, for those who may read the application.",
)
def download_document(request, application: Id, document: Id) -> HttpResponse:
    item = selectors.document_of(selectors.application_for(request.user, application), document)
    return uploads.serve_protected(request, item.file, True, filename=item.original_name)


@router.delete(
    "/applications/{application}/documents/{document}",
    response={204: None, 403: Error, 404: Error, 422: FieldErrors},
    summary="Remove a document from a draft",
)
def remove_document(request, application: Id, document: Id):
    found = selectors.application_for(request.user, application)
    services.remove_document(actor=request.user, document=selectors.document_of(found, document))
    return Status(204, None)
