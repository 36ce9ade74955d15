"""The API as a whole: its OpenAPI schema tells the truth (one name, one shape), and bodies or
numbers it cannot take are a clean 4xx in the user's language, never a server error."""

import enum
import json
import typing

import pytest
from django.test import Client
from ninja.schema import NinjaGenerateJsonSchema
from pydantic import BaseModel, WithJsonSchema

import maarid.urls  # noqa: F401 (mounts the apps' routers on the API)
from maarid.api.api import api
from maarid.api.schemas import REF_TEMPLATE
from maarid.core.models import ApiToken

pytestmark = pytest.mark.django_db


def operations():
    for router in api._get_bound_routers():
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                yield router.prefix + path, operation


def _inlined(metadata) -> bool:
    """A type given its own JSON schema is written in place: its class name is never used."""
    return any(isinstance(item, WithJsonSchema) for item in metadata)


def _classes_in(annotation, found):
    """The schema and enum classes an annotation reaches (through lists, unions, fields...)."""
    if typing.get_origin(annotation) is typing.Annotated and _inlined(annotation.__metadata__):
        return
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        found.setdefault(annotation.__name__, set()).add(annotation)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found.get(annotation.__name__, set()):
            return
        found.setdefault(annotation.__name__, set()).add(annotation)
        for field in annotation.model_fields.values():
            if not _inlined(field.metadata):
                _classes_in(field.annotation, found)
    for arg in typing.get_args(annotation):
        _classes_in(arg, found)


def test_no_two_schemas_share_a_name():
    """In the OpenAPI document every schema name is global: two classes of one name overwrite
    each other, and an operation is documented with the other one's shape."""
    found = {}
    for _path, operation in operations():
        for model in operation.models:  # a wrapper per source (path, query, body...)
            for field in model.model_fields.values():
                if not _inlined(field.metadata):
                    _classes_in(field.annotation, found)
        for model in operation.response_models.values():
            if model is not None and hasattr(model, "model_fields"):
                _classes_in(model.model_fields["response"].annotation, found)
    clashes = {
        name: sorted(f"{c.__module__}.{c.__qualname__}" for c in classes)
        for name, classes in found.items()
        if len(classes) > 1
    }
    assert not clashes


def _resolve(node, components):
    """The schema with every $ref replaced by what it points to."""
    if isinstance(node, dict):
        if "$ref" in node:
            return _resolve(components[node["$ref"].rsplit("/", 1)[-1]], components)
        return {key: _resolve(value, components) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolve(value, components) for value in node]
    return node


def test_every_answer_is_documented_with_its_own_shape():
    """Each response as the schema documents it is the response model's own schema."""
    document = api.get_openapi_schema(path_prefix="")
    components = document["components"]["schemas"]
    documented = {
        details["operationId"]: details
        for methods in document["paths"].values()
        for details in methods.values()
    }
    checked = 0
    for _path, operation in operations():
        details = documented[operation.operation_id or api.get_openapi_operation_id(operation)]
        for status, model in operation.response_models.items():
            if model is None or status is Ellipsis:
                continue
            own = model.model_json_schema(
                ref_template=REF_TEMPLATE,
                by_alias=operation.by_alias,
                schema_generator=NinjaGenerateJsonSchema,
                mode="serialization",
            )
            expected = _resolve(own["properties"]["response"], own.get("$defs", {}))
            content = details["responses"][status]["content"]["application/json"]["schema"]
            shown = _resolve(content, components)
            assert shown == expected, (details["operationId"], status)
            checked += 1
    assert checked > 50


def test_the_schema_documents_the_answers_every_operation_may_give():
    paths = api.get_openapi_schema()["paths"]
    organisations = paths["/api/v1/registry/organisations"]
    assert {"401", "422"} <= set(map(str, organisations["get"]["responses"]))
    assert {"400", "401", "403", "413", "422"} <= set(map(str, organisations["post"]["responses"]))
    public = paths["/api/v1/catalogue/editions"]["get"]
    assert 401 not in public["responses"] and {} in public["security"]
    assert 422 not in paths["/api/v1/fairs/series"]["get"]["responses"]  # it takes nothing


# --- Bodies and numbers the API cannot take -----------------------------------------------


@pytest.fixture
def member(exhibitor):
    _token, raw = ApiToken.issue(exhibitor, "script")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def test_a_multipart_body_without_its_boundary_is_a_400(member, debug):
    response = Client().post(
        "/api/v1/exhibitors/applications/1/documents",
        b"--x\r\nContent-Disposition: form-data; name=file\r\n\r\nx\r\n--x--",
        content_type="multipart/form-data",
        **member,
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "The form sent cannot be read."}


def test_a_json_body_over_the_size_limit_is_a_413(member, debug, settings, series):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = Client().post(
        "/api/v1/registry/organisations",
        json.dumps({"series": series.slug, "name_fr": "x" * 5000}),
        content_type="application/json",
        **member,
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "The request is too large."}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/catalogue/editions",
        "/api/v1/catalogue/products",
        "/api/v1/catalogue/editions/ess-tta/3/exhibitors",
        "/api/v1/registry/organisations",
    ],
)
def test_a_page_number_no_database_can_count_to_is_an_empty_page(path, member, edition):
    response = Client().get(path, {"page": "2282589375379155456"}, **member)
    assert response.status_code == 200, response.content
    assert response.json()["items"] == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/fairs/editions/ess-tta/9223372036854775808",
        "/api/v1/exhibitors/applications/9223372036854775808",
        "/api/v1/exhibitors/applications/1/documents/9223372036854775808",
        "/api/v1/b2b/editions/ess-tta/100000000000000000000000000000/profiles",
        "/api/v1/sales/exhibitors/9223372036854775808/days/2024-06-01",
        "/api/v1/search?q=miel&edition=1000000000000000000000000000000",
    ],
)
def test_an_identifier_no_database_can_hold_is_a_422(path, member, edition):
    response = Client().get(path, **member)
    assert response.status_code == 422, response.content
    assert "This number is too large." in str(response.json()["detail"])


@pytest.mark.parametrize(
    ("method", "path", "body", "where"),
    [
        ("get", "/api/v1/catalogue/products/argan%00", None, "slug"),
        ("get", "/api/v1/catalogue/products?label=bio%00", None, "label"),
        ("get", "/api/v1/search?q=miel%00", None, "q"),
        ("patch", "/api/v1/fairs/editions/ess-tta/3", {"venue_fr": "Place\x00"}, "venue_fr"),
        ("post", "/api/v1/registry/organisations", {"a": {"b": ["", "\x00"]}}, "a.b.1"),
    ],
)
def test_text_holding_a_nul_character_is_a_422_on_every_database(
    method, path, body, where, edition, organiser
):
    """PostgreSQL cannot hold it in text: it was a 500 (DataError) wherever it met a query."""
    _token, raw = ApiToken.issue(organiser, "script")
    send = getattr(Client(), method)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_ACCEPT_LANGUAGE": "en"}
    if body is None:
        response = send(path, **headers)
    else:
        response = send(path, json.dumps(body), content_type="application/json", **headers)
    assert response.status_code == 422, response.content
    assert response.json() == {"detail": {where: ["Text cannot contain the NUL character."]}}
