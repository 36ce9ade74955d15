"""What every app's API shares: the error bodies; ids, edition numbers and dates bounded to
what a database (and a clock) can hold; the fair's local time; and the API class itself, whose
schema documents the answers any operation may give and which refuses text holding a NUL
character. (The pages of a list: maarid/api/pagination.py.)

Every schema name is global in the OpenAPI document (``components.schemas``): two classes of one
name would overwrite each other there and document an operation with another one's shape. So
the error bodies live here once, and an app's own schemas carry names of their own
(``CatalogueProductOut``, ``SaleProductOut``); ``tests/api/test_api.py`` refuses a collision.
"""

import datetime
import enum
import functools
import json
from collections.abc import Iterable
from http.client import responses as reasons
from typing import Annotated, Any

from django.utils.translation import gettext_lazy
from ninja import Field, NinjaAPI, Schema
from ninja.schema import NinjaGenerateJsonSchema
from ninja.security import SessionAuth
from ninja.security.base import AuthBase
from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from maarid.core.params import MAX_INT

REF_TEMPLATE = "#/components/schemas/{model}"


class Error(Schema):
    """Why the request was refused, in the caller's language."""

    detail: str


class FieldErrors(Schema):
    """What is wrong with the request, field by field (``lines.0.quantity``); ``__all__``: the
    request as a whole."""

    detail: dict[str, list[str]]


# --- Bounded numbers ----------------------------------------------------------------------
# A number a database column cannot hold is refused (422) before it reaches a query: SQLite
# cannot even compare with an integer over 64 bits (OverflowError, a 500).

Id = Annotated[int, Field(ge=1, le=MAX_INT)]
EditionNumber = Annotated[int, Field(ge=1, le=32767, description="the edition's number")]


# Dates far from ours are refused: a day of year 1 or 9999 overflows as soon as it is turned
# into a time in UTC (OverflowError, a 500), and no fair happens then.
FIRST_DAY, LAST_DAY = datetime.date(1900, 1, 1), datetime.date(2999, 12, 31)


def _in_range(value: datetime.date) -> datetime.date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise PydanticCustomError("date_range", "Expected a date between 1900 and 2999.")
    return value


Day = Annotated[
    datetime.date, AfterValidator(_in_range), Field(description="a date from 1900 to 2999")
]


def _local(value: datetime.time) -> datetime.time:
    if value.tzinfo is not None:
        raise PydanticCustomError(
            "time_local", "Expected the fair's local time, without a time zone."
        )
    return value


# A time of day at the fair (opening hours): Casablanca's, so without an offset. JSON Schema's
# "time" format demands one, so the schema says what is sent and read: "10:00" or "10:00:00".
LocalTime = Annotated[
    datetime.time,
    AfterValidator(_local),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
            "description": "the fair's local time, hh:mm or hh:mm:ss",
        }
    ),
]


def omittable(**constraints: Any) -> Any:
    """A field of a partial update: left out means unchanged, and null is refused (the field
    always has a value). Typed ``Any`` so that ``name: str = omittable()`` reads as it works."""
    return Field(None, **constraints)


def named_choices(choices: type[enum.Enum], name: str) -> WithJsonSchema:
    """A model's choices under a name of their own, for ``Annotated[Model.Status,
    named_choices(Model.Status, "ModelStatus")]``: Django calls the choices of every model
    ``Status`` or ``Kind``, and in the schema two enums of one name would be one enum. Values
    are read into the model's own choices."""
    return WithJsonSchema({"title": name, "type": "string", "enum": [m.value for m in choices]})


# --- What any operation may answer --------------------------------------------------------

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def common_answers(operation) -> dict[int, tuple[type[Schema], str]]:
    """The answers the API's exception handlers (maarid/api/api.py) may give this operation,
    besides those it declares itself."""
    answers: dict[int, tuple[type[Schema], str]] = {}
    callbacks = operation.auth_callbacks or []
    if callbacks and all(isinstance(auth, AuthBase) for auth in callbacks):
        answers[401] = (Error, "Not signed in: no valid token (or session) was sent.")
    sources = {model.__ninja_param_source__ for model in operation.models}
    if any(isinstance(auth, SessionAuth) for auth in callbacks) and UNSAFE & set(operation.methods):
        answers[403] = (Error, "Refused (with a session: the CSRF token is missing or wrong).")
    if sources & {"body", "form", "file"}:
        answers[400] = (Error, "The body cannot be read (not JSON, a broken form).")
        answers[413] = (Error, "The body is too large.")
    if operation.models:  # any parameter or body (even a slug may hold a NUL: see refuse_nul)
        answers[422] = (FieldErrors, "A parameter or a field is missing or wrong.")
    return answers


def _component(model) -> dict:
    return model.model_json_schema(
        ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema, mode="serialization"
    )


# --- Text a database cannot hold -----------------------------------------------------------

NUL = "\x00"
NUL_REFUSED = gettext_lazy("Text cannot contain the NUL character.")


def _nul_in(value, where: str) -> str | None:
    """Where in a JSON value a NUL character is (``lines.0.label``), or None."""
    if isinstance(value, str):
        return where if NUL in value else None
    items: Iterable[tuple[object, object]]
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        inner = f"{where}.{key}" if where else str(key)
        if NUL in str(key):
            return inner
        found = _nul_in(item, inner)
        if found:
            return found
    return None


def _nul_field(data) -> str | None:
    """The first field of a query or form holding a NUL character, or None."""
    return next((k for k, vs in data.lists() if NUL in k or any(NUL in v for v in vs)), None)


def _nul_sent(operation, request, path_params: dict) -> str | None:
    sources = {model.__ninja_param_source__ for model in operation.models}
    found = _nul_in(path_params, "")
    if not found and "query" in sources:
        found = _nul_field(request.GET)
    if not found and "body" in sources:
        try:
            found = _nul_in(json.loads(request.body), "")
        except ValueError:  # not JSON: the operation says so
            return None
    if not found and sources & {"form", "file"}:
        files = (name for name, file in request.FILES.items() if NUL in (file.name or ""))
        found = _nul_field(request.POST) or next(files, None)
    return found


def refuse_nul(run):
    """PostgreSQL cannot hold a NUL character in text: a slug, a filter or a field holding one
    was a 500 (DataError) wherever it reached a query. Refused for the whole API, on every
    database, before any parameter is read: 422, at the place it was found."""

    @functools.wraps(run)
    def checked(request, *args, **kwargs):
        operation = run.__self__
        try:
            where = _nul_sent(operation, request, kwargs)
        except Exception as exc:  # a body too large, a broken form: the API's handlers answer
            return operation.api.on_exception(request, exc)
        if where is None:
            return run(request, *args, **kwargs)
        detail = {where: [str(NUL_REFUSED)]}
        return operation.api.create_response(request, {"detail": detail}, status=422)

    return checked


class MaaridAPI(NinjaAPI):
    """django-ninja's API whose schema also documents, for every operation, what the API's
    exception handlers may answer (401, 422...), and says where signing in is optional. It
    refuses text no database can hold (refuse_nul)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_decorator(refuse_nul, mode="view")

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        documented = {
            details["operationId"]: details
            for methods in schema["paths"].values()
            for details in methods.values()
        }
        for operation in self._operations():
            details = documented[operation.operation_id or self.get_openapi_operation_id(operation)]
            self._document(operation, details, schema["components"]["schemas"])
        return schema

    def _operations(self):
        # The bound routers are what django-ninja's own schema generator walks.
        for router in self._get_bound_routers():
            for path_view in router.path_operations.values():
                yield from (op for op in path_view.operations if op.include_in_schema)

    def _document(self, operation, details: dict, components: dict) -> None:
        for status, (model, text) in common_answers(operation).items():
            components.setdefault(model.__name__, _component(model))
            ref = {"$ref": REF_TEMPLATE.format(model=model.__name__)}
            details["responses"].setdefault(
                status,
                {
                    "description": f"{reasons[status]}. {text}",
                    "content": {self.renderer.media_type: {"schema": ref}},
                },
            )
        if details.get("security") and any(
            not isinstance(auth, AuthBase) for auth in operation.auth_callbacks
        ):
            details["security"].append({})  # signing in is optional
