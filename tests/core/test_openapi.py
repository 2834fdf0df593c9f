"""The OpenAPI schema: generated without a drf-spectacular warning or error, valid OpenAPI 3.1,
every request body a declared object, and the request fields as strict as the schema says."""

from __future__ import annotations

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

BODY_METHODS = ("post", "put", "patch", "delete")


def _generate() -> tuple[dict, dict]:
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        generated = SchemaGenerator().get_schema(request=None, public=True)
    problems = {**GENERATOR_STATS._warn_cache, **GENERATOR_STATS._error_cache}
    GENERATOR_STATS.reset()
    return generated, problems


@pytest.fixture(scope="module")
def schema():
    return _generate()


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def test_generates_without_warnings_and_validates(schema):
    generated, problems = schema
    assert not problems, "drf-spectacular warnings/errors:\n" + "\n".join(problems)
    validate_schema(generated)  # raises on a schema that is not valid OpenAPI
    assert generated["openapi"].startswith("3.1")


def test_with_chat_models_configured_the_model_names_are_the_choices(settings):
    settings.CHAT_MODEL_LIST = []
    settings.LLM_API_BASE, settings.LLM_MODEL = "http://127.0.0.1:9/v1", "house-model"
    generated, problems = _generate()
    assert not problems, "drf-spectacular warnings/errors:\n" + "\n".join(problems)
    chat = _resolve(generated, {"$ref": "#/components/schemas/ChatCompletionRequest"})
    assert chat["properties"]["model"] == {"anyOf": [{"const": ""}, {"const": "house-model"}]}


def test_every_request_body_is_a_declared_object(schema):
    generated, _ = schema
    bodies = 0
    for path, operations in generated["paths"].items():
        for method in BODY_METHODS:
            body = operations.get(method, {}).get("requestBody")
            if body is None:
                continue
            bodies += 1
            declared = _resolve(generated, body["content"]["application/json"]["schema"])
            assert declared.get("properties"), f"{method.upper()} {path}: free-form body"
    assert bodies > 30  # every body of every route is checked; this guards the walk itself


def test_messages_are_a_string_a_message_or_a_list(schema):
    generated, _ = schema
    add = _resolve(generated, {"$ref": "#/components/schemas/AddRequest"})
    string, message, many = add["properties"]["messages"]["oneOf"]
    assert string["type"] == "string"
    assert _resolve(generated, message)["required"] == ["content"]
    assert many["type"] == "array" and many["maxItems"] == 500
    assert add["oneOf"] == [{"required": ["messages"]}, {"required": ["content"]}]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        {"query": 5},
        {"query": "x", "limit": "5"},
        {"query": "x", "limit": 5.5},
        {"query": "x", "mmr": "yes"},
        {"query": "x", "user_id": 7},
        {"query": "   "},
        {"query": "x", "filters": {"created_at": {"gt": "not a time"}}},
        {"query": "x", "filters": {"user_id": True}},
    ],
    ids=["int-query", "str-limit", "float-limit", "str-bool", "int-id", "blank", "bad-time",
         "bool-text"],
)  # fmt: skip
def test_request_fields_take_only_the_declared_type(alice, body):
    response = alice.client().post("/v1/memory/search", body, format="json")
    assert response.status_code == 400, response.content
