"""The one API object: every app's router is mounted here under /api/v1/<app>/."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, django_auth
from pydantic import ConfigDict

from maarid.core.auth import user_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


bearer = BearerToken()


class InputSchema(Schema):
    """Request bodies refuse fields they do not know: a typo must not pass silently."""

    model_config = ConfigDict(extra="forbid")


api = NinjaAPI(
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


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": _("You may not do this.")}, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(AuthenticationError)
def unauthorised(request, exc):
    return api.create_response(request, {"detail": _("Authentication required.")}, status=401)


AUTH = [bearer, django_auth]
OPTIONAL_AUTH = [bearer, django_auth, lambda request: True]


def mount():
    from maarid.catalogue.api import router as catalogue_router
    from maarid.catalogue.api_search import router as search_router
    from maarid.exhibitors.api import router as exhibitors_router
    from maarid.fairs.api import router as fairs_router
    from maarid.registry.api import router as registry_router

    api.add_router("/v1/registry/", registry_router)
    api.add_router("/v1/fairs/", fairs_router)
    api.add_router("/v1/exhibitors/", exhibitors_router)
    api.add_router("/v1/search", search_router)
    api.add_router("/v1/catalogue/", catalogue_router)


mount()
