"""The API's machinery, which every app's ``api.py`` uses: the one API object, authentication
(a person's token or session; a sales phone's token), the input schema's base and the error
handlers that answer in the user's language. It imports no app: the apps' routers are mounted
on ``api`` from the top, in ``maarid/urls.py``."""

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError
from ninja.security import HttpBearer, SessionAuth
from pydantic import ConfigDict

from maarid.api.schemas import MaaridAPI
from maarid.core.auth import user_for_token


class BearerToken(HttpBearer):
    """A person's token. A device token (a sales phone's, kept in the phone's storage) is not
    one: it opens only the point of sale's endpoints, so a lost phone is not a lost account."""

    device = False

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is None or user.api_token.device != self.device:
            return None
        request.user = user
        return user


class DeviceToken(BearerToken):
    """A sales device's token, the only key to the point of sale's device endpoints."""

    device = True


bearer = BearerToken()
device_bearer = DeviceToken()


class InputSchema(Schema):
    """Request bodies refuse fields they do not know: a typo must not pass silently."""

    model_config = ConfigDict(extra="forbid")


api = MaaridAPI(
    title="Maarid API",
    version="1",
    description="The JSON API of Maarid. Authenticate with `Authorization: Bearer <token>` "
    "(create tokens on your account page) or with a browser session.",
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api",
)


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": detail}, status=422)


# Pydantic's messages are English only: the usual ones are said again in the user's language.
SCHEMA_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "extra_forbidden": gettext_lazy("This field is not expected."),
    "int_type": gettext_lazy("Expected a whole number."),
    "int_parsing": gettext_lazy("Expected a whole number."),
    "int_from_float": gettext_lazy("Expected a whole number."),
    "string_type": gettext_lazy("Expected text."),
    "string_too_long": gettext_lazy("This text is too long."),
    "string_pattern_mismatch": gettext_lazy("This value is not in the expected form."),
    "bool_type": gettext_lazy("Expected true or false."),
    "bool_parsing": gettext_lazy("Expected true or false."),
    "list_type": gettext_lazy("Expected a list."),
    "too_long": gettext_lazy("This list is too long."),
    "too_short": gettext_lazy("This list is too short."),
    "dict_type": gettext_lazy("Expected an object."),
    "model_type": gettext_lazy("Expected an object."),
    "model_attributes_type": gettext_lazy("Expected an object."),
    "uuid_type": gettext_lazy("Expected an identifier (UUID)."),
    "uuid_parsing": gettext_lazy("Expected an identifier (UUID)."),
    "datetime_type": gettext_lazy("Expected a date and time."),
    "datetime_parsing": gettext_lazy("Expected a date and time."),
    "datetime_from_date_parsing": gettext_lazy("Expected a date and time."),
    "date_parsing": gettext_lazy("Expected a date."),
    "date_from_datetime_parsing": gettext_lazy("Expected a date."),
    "enum": gettext_lazy("This is not one of the allowed values."),
    "literal_error": gettext_lazy("This is not one of the allowed values."),
    "json_invalid": gettext_lazy("The request body is not valid JSON."),
    "greater_than_equal": gettext_lazy("This number is too small."),
    "less_than_equal": gettext_lazy("This number is too large."),
    "greater_than": gettext_lazy("This number is too small."),
    "less_than": gettext_lazy("This number is too large."),
    "date_type": gettext_lazy("Expected a date."),
    "time_type": gettext_lazy("Expected a time of day (hh:mm)."),
    "time_parsing": gettext_lazy("Expected a time of day (hh:mm)."),
    "time_local": gettext_lazy("Expected the fair's local time, without a time zone."),
    "date_range": gettext_lazy("Expected a date between 1900 and 2999."),
    "timezone_aware": gettext_lazy("Expected a date and time with its time zone."),
    "decimal_type": gettext_lazy("Expected a number."),
    "decimal_parsing": gettext_lazy("Expected a number."),
    "decimal_max_digits": gettext_lazy("This number is too large."),
    "decimal_whole_digits": gettext_lazy("This number is too large."),
    "decimal_max_places": gettext_lazy("Too many decimal places."),
    "string_too_short": gettext_lazy("This text is too short."),
}


@api.exception_handler(SchemaError)
def schema_error(request, exc):
    """A body or parameter of the wrong shape: 422, with a message per field in the user's
    language (``lines.0.quantity``: the path of the field, without the ``body`` prefix)."""
    detail: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc and loc[0] in ("body", "query", "path", "form"):
            loc = loc[1:]
        if len(loc) > 1 and loc[0] == "payload":
            loc = loc[1:]
        message = SCHEMA_MESSAGES.get(error.get("type"), error.get("msg", ""))
        detail.setdefault(".".join(loc) or "__all__", []).append(str(message))
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(HttpError)
def http_error(request, exc):
    """django-ninja answers a body that is not JSON (400) and a session request without its
    CSRF token (403) in English: the same statuses, in the user's language."""
    if isinstance(exc.__cause__, TOO_LARGE):
        return too_large(request, exc.__cause__)
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        detail = str(SCHEMA_MESSAGES["json_invalid"])
    elif exc.status_code == 403 and str(exc) == "CSRF check Failed":
        detail = _("The security check failed: send the X-CSRFToken header with the session.")
    else:
        detail = str(exc)
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


@api.exception_handler(RequestDataTooBig)
@api.exception_handler(TooManyFieldsSent)
@api.exception_handler(TooManyFilesSent)
def too_large(request, exc):
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE (or with too many fields or files): 413, in the
    user's language, whether DEBUG is on or off (Django alone answers 400, or 500 with DEBUG)."""
    return api.create_response(request, {"detail": _("The request is too large.")}, status=413)


@api.exception_handler(MultiPartParserError)
def unreadable_form(request, exc):
    """A multipart body that cannot be parsed (no boundary, cut short): 400, not a 500."""
    return api.create_response(request, {"detail": _("The form sent cannot be read.")}, status=400)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": _("You may not do this.")}, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(AuthenticationError)
def unauthorised(request, exc):
    return api.create_response(request, {"detail": _("Authentication required.")}, status=401)


class Session(SessionAuth):
    """The browser's session, CSRF-checked; a request without a session cookie is simply not
    signed in (401, or anonymous where allowed) rather than a failed CSRF check (403)."""

    def _get_key(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super()._get_key(request)


session = Session()
AUTH = [bearer, session]
DEVICE_AUTH = [device_bearer]
OPTIONAL_AUTH = [bearer, session, lambda request: True]
