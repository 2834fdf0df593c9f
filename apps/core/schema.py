"""OpenAPI: the API key security scheme and the error envelope on every operation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, force_instance
from rest_framework import serializers

from apps.core.fields import NON_BLANK_PATTERN


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "apps.core.auth.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema: Any) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key `mpk_...`, as `Authorization: Bearer <key>` "
            "(also accepted: `Authorization: Token <key>`).",
        }


class InputSchema(OpenApiSerializerExtension):
    """A request body's `schema_extra` (what its fields cannot say) joins its schema."""

    target_class = "apps.core.fields.InputSerializer"
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: str) -> dict:
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        return {**schema, **self.target.schema_extra}


class _Refs:
    def __init__(self, auto_schema: AutoSchema, direction: str) -> None:
        self.auto_schema, self.direction = auto_schema, direction

    def serializer(self, serializer: type[serializers.Serializer]) -> dict[str, str]:
        return self.auto_schema.resolve_serializer(serializer, self.direction).ref

    def component(self, name: str, build: Callable[[], dict]) -> dict[str, str]:
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name)
        registry = self.auto_schema.registry
        if component not in registry:
            registry.register_on_missing(component)  # first: `build` may refer to it
            component.schema = build()
        return component.ref


class HandWrittenFieldSchema(OpenApiSerializerFieldExtension):
    """A `SchemaField` says its own schema."""

    target_class = "apps.core.fields.SchemaField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: AutoSchema, direction: str) -> dict:
        schema = self.target.openapi(_Refs(auto_schema, direction))
        if getattr(self.target, "json_in_query", False):
            schema = {**schema, JSON_IN_QUERY: True}  # see EnvelopeAutoSchema._get_parameters
        return schema


class ErrorDetailSerializer(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=[
            "BadRequest", "Unauthorized", "Forbidden", "NotFound", "MethodNotAllowed", "Conflict",
            "PayloadTooLarge", "UnsupportedMediaType", "TooManyRequests", "InternalError",
            "ExternalServiceError", "ServiceUnavailable",
        ]
    )  # fmt: skip
    code = serializers.CharField(
        help_text="Stable machine-readable reason (invalid_input, missing_scope, not_found, ...)"
    )
    message = serializers.CharField()
    details = serializers.JSONField(required=False, allow_null=True)
    request_id = serializers.CharField(required=False)


class ErrorEnvelopeSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


_ERRORS = {
    "400": "Invalid input",
    "401": "Missing, malformed, unknown, revoked or expired API key",
    "403": "Key lacks the scope, tenant suspended, or another tenant named",
    "404": "Not found (also: another tenant's object)",
    "409": "Conflict: an event_id reused with another request, or a state that forbids the change",
    "413": "Request body too large",
    "415": "Unsupported media type",
    "429": "Rate limit exceeded (see Retry-After)",
    "500": "Internal error",
    "502": "An upstream service (a model, an embedding service) failed",
    "503": "A backing service is unavailable",
}


JSON_IN_QUERY = "x-json-in-query"
_ANNOTATIONS = ("description", "default", "title", "readOnly", "writeOnly", "deprecated")


def _empty_is_absent(schema: dict) -> dict:
    """DRF reads an optional query parameter sent empty (`?user_id=`) as not sent."""
    if schema.get("type") != "string" or schema.get("pattern") != NON_BLANK_PATTERN:
        return schema
    pattern = f"^$|{NON_BLANK_PATTERN}"
    return {**{k: v for k, v in schema.items() if k != "minLength"}, "pattern": pattern}


def _nullable_as_any_of(schema: dict) -> dict:
    """`{"type": ["string", "null"], "format": "date-time"}` as the same schema written
    `anyOf: [{"type": "string", "format": "date-time"}, {"type": "null"}]`: generators
    (schemathesis 4.32) drop the format from a type list and send "" as a valid value."""
    types = schema.get("type")
    if not isinstance(types, list) or "null" not in types or "format" not in schema:
        return schema
    value = {k: v for k, v in schema.items() if k not in _ANNOTATIONS}
    value["type"] = next(t for t in types if t != "null")
    annotations = {k: v for k, v in schema.items() if k in _ANNOTATIONS}
    return {"anyOf": [value, {"type": "null"}], **annotations}


class EnvelopeAutoSchema(AutoSchema):
    """Adds the error envelope responses to every authenticated operation; a query parameter
    that carries JSON (a filter) is declared as JSON content, not as a plain string."""

    def _get_request_body(self, direction: str = "request") -> dict | None:
        # drf-spectacular documents bodies of POST, PUT and PATCH only; a view whose DELETE
        # takes one (mem0's batch delete) says so, and gets it documented the same way.
        if self.method != "DELETE" or not getattr(self.view, "delete_takes_body", False):
            return super()._get_request_body(direction)
        self.method = "POST"
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = "DELETE"

    def _map_basic_serializer(self, serializer: Any, direction: str) -> dict:
        schema = super()._map_basic_serializer(serializer, direction)
        for name, field in schema.get("properties", {}).items():
            schema["properties"][name] = _nullable_as_any_of(field)
        return schema

    def _get_request_for_media_type(self, serializer: Any, direction: str = "request") -> Any:
        schema, required = super()._get_request_for_media_type(serializer, direction)
        # No body reads as {}: a body is required when {} is not valid, which `schema_extra`
        # (one of these fields: anyOf/oneOf of required lists) says as well as required fields
        # do; a `not` (these two fields never together) holds for {}.
        extra = getattr(force_instance(serializer), "schema_extra", None) or {}
        return schema, required or bool(set(extra) - {"not"})

    def _get_parameters(self) -> list[dict]:
        parameters = super()._get_parameters()
        for parameter in parameters:
            if parameter.get("schema", {}).pop(JSON_IN_QUERY, False):
                parameter["content"] = {"application/json": {"schema": parameter.pop("schema")}}
            elif parameter["in"] == "query" and not parameter.get("required"):
                parameter["schema"] = _empty_is_absent(parameter.get("schema", {}))
        return parameters

    def _get_response_bodies(self, direction: str = "response") -> dict:
        responses = super()._get_response_bodies(direction)
        if not self.get_auth():
            return responses
        for code, description in _ERRORS.items():
            if code in responses:
                continue
            if code in {"413", "415"} and self.method not in {"POST", "PUT", "PATCH"}:
                continue
            if code == "409" and self.method == "GET":
                continue
            body = self._get_response_for_code(ErrorEnvelopeSerializer, code, direction=direction)
            body["description"] = description
            responses[code] = body
        return responses
