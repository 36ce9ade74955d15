"""The programme API, under /api/v1/programme/: the published sessions (anyone), registration
and cancellation (anyone; a signed-in person registers themselves), check-in at the door (a door
phone's device token, or an organiser's session).

Certificates: an edition's organisers list them (``?page=``, by kind or session) and download
each one's PDF (laid out on the first download, kept after); anyone checks a code, with the
public verification page's answers (genuine, revoked with the date, replaced, unknown) and
within its throttle (one counter per client address for both).

Refusals say why in the caller's language: 409 for a session that cannot take the registration
now (closed, not open yet, ended, already registered, full at the door), 422 for input that is
wrong (a name of 5,000 characters, a phone that is not a phone, an unknown or forged code, a
code of another edition), 403/404 for who may not.
"""

import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import AwareDatetime

from maarid.api.api import AUTH, DEVICE_AUTH, OPTIONAL_AUTH, InputSchema
from maarid.api.pagination import PageNumberPagination
from maarid.api.schemas import EditionNumber, Error, FieldErrors, Id
from maarid.core import auth, uploads
from maarid.core import certificates as core_certificates
from maarid.core import selectors as core_selectors
from maarid.core.models import Certificate
from maarid.fairs.selectors import with_edition

from . import certificates, selectors, services
from .models import Registration

router = Router(tags=["programme"], auth=OPTIONAL_AUTH)

CONFLICTS = {"closed", "not_open", "ended", "unpublished", "duplicate", "full", "cancelled"}
Key = Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


def _refused(error: ValidationError) -> None:
    """A refusal of the session's state is a 409 with its message; bad input stays a 422."""
    code = getattr(error, "code", None)
    if code in CONFLICTS:
        raise HttpError(409, " ".join(error.messages)) from error
    raise error


def _user(request):
    return request.user if request.user.is_authenticated else None


# --- Sessions ---------------------------------------------------------------------------------


class SpeakerOut(Schema):
    name: str
    organisation: str


class SessionOut(Schema):
    id: int
    kind: str
    title: str
    title_ar: str
    title_fr: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    room: str
    track: str
    language: str
    capacity: int
    registered: int
    waiting: int
    speakers: list[SpeakerOut]


def _session_out(session) -> dict:
    return {
        "id": session.pk,
        "kind": session.kind,
        "title": session.title,
        "title_ar": session.title_ar,
        "title_fr": session.title_fr,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "room": session.room.name,
        "track": session.track.name if session.track else "",
        "language": session.language,
        "capacity": session.capacity,
        "registered": session.registered,
        "waiting": session.waiting,
        "speakers": [
            {"name": s.name, "organisation": s.affiliation} for s in session.speakers.all()
        ],
    }


@router.get(
    "/{series}/{number}/sessions",
    response={200: list[SessionOut], 404: Error},
    summary="The edition's published sessions",
)
@with_edition()
def list_sessions(request, series: str, number: EditionNumber):
    return [_session_out(s) for s in selectors.sessions_of(request.edition, request.user)]


@router.get(
    "/{series}/{number}/sessions/{pk}",
    response={200: SessionOut, 404: Error},
    summary="A published session",
)
@with_edition()
def get_session(request, series: str, number: EditionNumber, pk: Id):
    return _session_out(selectors.session_for(request.user, request.edition, pk))


# --- Registration -----------------------------------------------------------------------------


class RegistrationIn(InputSchema):
    name: str = Field("", max_length=5000, description="empty for a signed-in person: theirs")
    phone: str = Field("", max_length=100)
    email: str = Field("", max_length=300)
    organisation_name: str = Field("", max_length=5000)
    language: str = Field("", max_length=2, description="ar, fr or en: the messages' language")
    holder: str = Field(
        "", max_length=32, description="the key of earlier registrations from this phone"
    )


class RegistrationOut(Schema):
    id: int
    session: int
    name: str
    status: str = Field(description="registered, waiting or cancelled")
    waiting_rank: int = Field(description="1: next to move up; 0: not waiting")
    code: str = Field(description="the short code to show or type at the door")
    qr: str = Field(description="what the registration's QR code carries")
    holder: str = Field(description="the secret key of the person's registrations and calendar")
    url: str


def _registration_out(request, registration: Registration) -> dict:
    edition = registration.session.edition
    return {
        "id": registration.pk,
        "session": registration.session_id,
        "name": registration.name,
        "status": registration.status,
        "waiting_rank": selectors.waiting_rank(registration),
        "code": registration.code,
        "qr": registration.qr_payload,
        "holder": registration.holder.key,
        "url": request.build_absolute_uri(
            reverse(
                "programme:mine",
                args=[edition.series.slug, edition.number, registration.holder.key],
            )
        ),
    }


@router.post(
    "/{series}/{number}/sessions/{pk}/registrations",
    response={201: RegistrationOut, 404: Error, 409: Error, 422: FieldErrors},
    summary="Register for a session (a place, or the waiting list when full)",
    url_name="programme_register",
)
@with_edition()
def register(request, series: str, number: EditionNumber, pk: Id, payload: RegistrationIn):
    session = selectors.session_to_register(request.user, request.edition, pk)
    try:
        registration = services.register(
            actor=_user(request),
            session=session,
            name=payload.name,
            phone=payload.phone,
            email=payload.email,
            organisation_name=payload.organisation_name,
            language=payload.language,
            holder_key=payload.holder,
        )
    except ValidationError as error:
        _refused(error)
    return 201, _registration_out(request, registration)


class CancelIn(InputSchema):
    holder: str = Field("", max_length=32, description="the key the registration gave")


@router.post(
    "/{series}/{number}/registrations/{pk}/cancel",
    response={200: RegistrationOut, 403: Error, 404: Error, 409: Error},
    summary="Cancel a registration (the first person waiting moves up)",
)
@with_edition()
def cancel(request, series: str, number: EditionNumber, pk: Id, payload: CancelIn):
    if payload.holder:
        registration = selectors.registration_of(selectors.holder_by_key(payload.holder), pk)
    else:
        registration = selectors.registration_by_pk(request.user, request.edition, pk)
    if registration.edition_id != request.edition.pk:
        raise HttpError(404, "")
    try:
        services.cancel(actor=_user(request), registration=registration, holder_key=payload.holder)
    except ValidationError as error:
        _refused(error)
    return _registration_out(request, registration)


# --- The door ---------------------------------------------------------------------------------


class CheckInIn(InputSchema):
    key: Key = Field(description="made by the door phone: the same key sent again counts once")
    code: str = Field("", max_length=500, description="the typed code or the QR code's text")
    name: str = Field("", max_length=5000, description="a walk-in's name (without a code)")
    phone: str = Field("", max_length=100)
    past_capacity: bool = Field(False, description="let a walk-in in past the places")
    at: AwareDatetime | None = Field(None, description="when, by the phone's clock")
    offline: bool = False


class CheckInOut(Schema):
    id: int
    outcome: str = Field(description="checked_in, already (earlier, by another key) or repeated")
    name: str
    at: datetime.datetime
    message: str


def _door_device(request):
    token = getattr(request.user, "api_token", None)
    if token is not None and token.device:
        return selectors.door_device_for(request.user)
    return None


@router.post(
    "/{series}/{number}/sessions/{pk}/check-ins",
    response={
        200: CheckInOut,
        201: CheckInOut,
        403: Error,
        404: Error,
        409: Error,
        422: FieldErrors,
    },
    auth=[*DEVICE_AUTH, *AUTH],
    summary="Check someone in at the door (a code, or a walk-in's name)",
    url_name="programme_check_in",
)
@with_edition()
def check_in(request, series: str, number: EditionNumber, pk: Id, payload: CheckInIn):
    device = _door_device(request)
    session = selectors.door_session(request.edition, pk)
    clock = payload.at if payload.at is None or payload.at.year > 1900 else None
    try:
        if payload.code or not payload.name:
            admission = services.check_in(
                actor=_user(request),
                device=device,
                session=session,
                code=payload.code,
                key=payload.key,
                device_clock=clock,
                offline=payload.offline,
            )
        else:
            admission = services.walk_in(
                actor=_user(request),
                device=device,
                session=session,
                name=payload.name,
                phone=payload.phone,
                key=payload.key,
                past_capacity=payload.past_capacity,
                device_clock=clock,
                offline=payload.offline,
            )
    except ValidationError as error:
        _refused(error)
    made = admission.check_in
    outcome = "already" if admission.already else "repeated" if admission.repeated else "checked_in"
    body = {
        "id": made.pk,
        "outcome": outcome,
        "name": made.name,
        "at": timezone.localtime(made.at),
        "message": admission.warning,
    }
    return (200 if outcome != "checked_in" else 201), body


# --- The door phone's app ---------------------------------------------------------------------


class DoorSessionOut(Schema):
    id: int
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    room: str
    capacity: int


class DoorOut(Schema):
    name: str = Field(description="the door phone's name (or the organiser's)")
    edition: int
    edition_name: str
    now: datetime.datetime = Field(description="the fair's time now, with its offset")
    sessions: list[DoorSessionOut]


def _door_caller(request):
    """A door phone of this edition, or one of its organisers; anyone else is refused."""
    token = getattr(request.user, "api_token", None)
    if token is not None and token.device:
        return selectors.door_phone_of(request.user, request.edition)
    if not selectors.is_organiser(request.user, request.edition):
        raise HttpError(403, "")
    return None


@router.get(
    "/{series}/{number}/door",
    response={200: DoorOut, 403: Error, 404: Error},
    auth=[*DEVICE_AUTH, *AUTH],
    summary="What a door phone needs: its name and the edition's sessions",
    url_name="programme_door",
)
@with_edition()
def door(request, series: str, number: EditionNumber):
    device = _door_caller(request)
    edition = request.edition
    return {
        "name": device.name if device is not None else request.user.get_full_name(),
        "edition": edition.pk,
        "edition_name": str(edition),
        "now": timezone.localtime(),
        "sessions": [
            {
                "id": s.pk,
                "title": s.title,
                "starts_at": timezone.localtime(s.starts_at),
                "ends_at": timezone.localtime(s.ends_at),
                "room": s.room.name,
                "capacity": s.capacity,
            }
            for s in selectors.door_sessions(edition)
        ],
    }


class DoorPersonOut(Schema):
    code: str
    name: str
    status: str = Field(description="registered or waiting")
    checked_in_at: datetime.datetime | None


@router.get(
    "/{series}/{number}/sessions/{pk}/door-list",
    response={200: list[DoorPersonOut], 403: Error, 404: Error},
    auth=[*DEVICE_AUTH, *AUTH],
    summary="The people who may come in at a session, kept by the door phone for offline use",
    url_name="programme_door_list",
)
@with_edition()
def door_list(request, series: str, number: EditionNumber, pk: Id):
    _door_caller(request)
    session = selectors.door_session(request.edition, pk)
    people = []
    for r in selectors.door_list(session):
        check_in = getattr(r, "check_in", None)
        people.append(
            {
                "code": r.code,
                "name": r.name,
                "status": r.status,
                "checked_in_at": timezone.localtime(check_in.at) if check_in else None,
            }
        )
    return people


# --- Certificates -----------------------------------------------------------------------------


class CertificateLineOut(Schema):
    ar: str
    fr: str


class ProgrammeCertificateOut(Schema):
    id: int
    code: str = Field(description="the verification code as printed: K7QM-X3PA-9HTR-WDZE")
    kind: str = Field(description="participation, speaker, exhibitor or partner")
    status: str = Field(description="genuine (in force), revoked or replaced")
    holder_name_ar: str
    holder_name_latin: str
    title_ar: str
    title_fr: str
    lines: list[CertificateLineOut]
    language: str
    issued_at: datetime.datetime
    revoked_at: datetime.datetime | None
    revoked_reason: str
    replaced_at: datetime.datetime | None
    replaced_by: str | None = Field(description="the code of the corrected version")
    verify_url: str = Field(description="the public page its QR code leads to")
    pdf_url: str = Field(description="its PDF, for the edition's organisers")

    @staticmethod
    def resolve_code(certificate: Certificate) -> str:
        return certificate.display_code

    @staticmethod
    def resolve_kind(certificate: Certificate) -> str:
        return certificates.short_kind(certificate)

    @staticmethod
    def resolve_status(certificate: Certificate) -> str:
        if certificate.revoked_at is not None:
            return core_certificates.REVOKED
        if certificate.replaced_at is not None:
            return core_certificates.REPLACED
        return core_certificates.GENUINE

    @staticmethod
    def resolve_lines(certificate: Certificate) -> list[dict]:
        return _lines(certificate)

    @staticmethod
    def resolve_replaced_by(certificate: Certificate) -> str | None:
        newer = certificate.replaced_by
        return newer.display_code if newer is not None else None

    @staticmethod
    def resolve_verify_url(certificate: Certificate, context) -> str:
        return context["request"].build_absolute_uri(certificate.get_absolute_url())

    @staticmethod
    def resolve_pdf_url(certificate: Certificate, context) -> str:
        request = context["request"]
        edition = request.edition
        path = reverse(
            "api:programme_certificate_pdf",
            args=[edition.series.slug, edition.number, certificate.pk],
        )
        return request.build_absolute_uri(path)


def _lines(certificate: Certificate) -> list[dict]:
    return [
        {"ar": str(line.get("ar", "")), "fr": str(line.get("fr", ""))}
        for line in certificate.lines
        if isinstance(line, dict)
    ]


class CertificateFilters(Schema):
    kind: Literal["participation", "speaker", "exhibitor", "partner"] | None = Field(
        None, description="one kind only"
    )
    session: Id | None = Field(
        None, description="the certificates of one session's people: who came, its speakers"
    )


@router.get(
    "/{series}/{number}/certificates",
    response={200: list[ProgrammeCertificateOut], 403: Error, 404: Error},
    auth=AUTH,
    summary="The edition's certificates (its organisers), in force first",
    url_name="programme_certificates",
)
@with_edition(need="organise")
@paginate(PageNumberPagination, page_size=100)
def list_certificates(
    request, series: str, number: EditionNumber, filters: Query[CertificateFilters]
):
    session = None
    if filters.session is not None:
        session = selectors.door_session(request.edition, filters.session)
    return certificates.listed(request.edition, filters.kind, session)


@router.get(
    "/{series}/{number}/certificates/{pk}",
    response={200: ProgrammeCertificateOut, 403: Error, 404: Error},
    auth=AUTH,
    summary="One of the edition's certificates (its organisers)",
)
@with_edition(need="organise")
def get_certificate(request, series: str, number: EditionNumber, pk: Id):
    return certificates.certificate_of(request.edition, pk)


@router.get(
    "/{series}/{number}/certificates/{pk}/pdf",
    response={200: None, 403: Error, 404: Error},
    auth=AUTH,
    summary="A certificate's PDF (its edition's organisers)",
    url_name="programme_certificate_pdf",
    description="The PDF itself, laid out on the first download and kept after; a revoked or "
    "replaced certificate's too (the organisers' copy).",
)
@with_edition(need="organise")
def certificate_pdf(request, series: str, number: EditionNumber, pk: Id) -> HttpResponse:
    found = certificates.certificate_of(request.edition, pk)
    return uploads.serve_protected(
        request,
        core_certificates.pdf_of(found),
        True,
        filename=core_certificates.download_name(found),
    )


class CertificateCheckOut(Schema):
    status: str = Field(description="genuine, revoked, replaced or unknown")
    message: str = Field(description="what the verification page says, in the caller's language")
    code: str = Field(description="the code as printed, or as asked when unknown")
    holder_name_ar: str = ""
    holder_name_latin: str = ""
    title_ar: str = ""
    title_fr: str = ""
    lines: list[CertificateLineOut] = []
    issuer_ar: str = ""
    issuer_fr: str = ""
    issued_at: datetime.datetime | None = None
    revoked_at: datetime.datetime | None = None
    revoked_reason: str = ""
    replaced_at: datetime.datetime | None = None
    current: str | None = Field(None, description="the code of the version in force, if any")
    url: str = Field("", description="the public verification page")
    pdf_url: str = Field("", description="the PDF, for a genuine certificate")


def _day(moment: datetime.datetime) -> str:
    """A date as the verification page writes it (``j F Y``, in the caller's language)."""
    return dateformat.format(timezone.localtime(moment), "j F Y")


def _check_out(request, asked: str, verdict: core_certificates.Verdict) -> dict:
    found = verdict.certificate
    if found is None:
        return {
            "status": core_certificates.UNKNOWN,
            "message": _(
                "No certificate has this code. Check that it was typed exactly as printed."
            ),
            "code": asked[:40],
        }
    if verdict.status == core_certificates.REVOKED and found.revoked_at is not None:
        message = _("This certificate was revoked on %(date)s. It is no longer valid.") % {
            "date": _day(found.revoked_at)
        }
    elif verdict.status == core_certificates.REPLACED and found.replaced_at is not None:
        message = _(
            "This certificate was replaced by a corrected version on %(date)s. "
            "This copy is no longer valid."
        ) % {"date": _day(found.replaced_at)}
    else:
        message = _("Genuine certificate")
    issuer = found.issuer if isinstance(found.issuer, dict) else {}
    genuine = verdict.status == core_certificates.GENUINE
    return {
        "status": verdict.status,
        "message": message,
        "code": found.display_code,
        "holder_name_ar": found.holder_name_ar,
        "holder_name_latin": found.holder_name_latin,
        "title_ar": found.title_ar,
        "title_fr": found.title_fr,
        "lines": _lines(found),
        "issuer_ar": str(issuer.get("name_ar", "")),
        "issuer_fr": str(issuer.get("name_fr", "")),
        "issued_at": found.issued_at,
        "revoked_at": found.revoked_at,
        "revoked_reason": found.revoked_reason,
        "replaced_at": found.replaced_at,
        "current": verdict.current.display_code if verdict.current is not None else None,
        "url": request.build_absolute_uri(found.get_absolute_url()),
        "pdf_url": request.build_absolute_uri(reverse("core:verify-pdf", args=[found.display_code]))
        if genuine
        else "",
    }


@router.get(
    "/certificates/{code}",
    response={200: CertificateCheckOut, 404: CertificateCheckOut, 429: Error},
    summary="Check a certificate's code (anyone): genuine, revoked, replaced or unknown",
    description="The public verification page's answer, as data: 404 for a code no "
    "certificate has, 429 past 60 lookups a minute from one address (the page's and the "
    "API's together). The code as printed, typed (spaces, dashes, lower case) or scanned "
    "(the QR code's address).",
    url_name="programme_certificate_check",
)
def check_certificate(request, code: str):
    if not auth.verify_allowed(request):
        raise HttpError(
            429, _("Too many checks from this connection. Wait a minute and try again.")
        )
    verdict = core_selectors.verify(code)
    body = _check_out(request, code, verdict)
    return Status(404 if verdict.status == core_certificates.UNKNOWN else 200, body)
