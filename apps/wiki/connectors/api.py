"""/v1/wiki/connectors*: the types, saved configurations, test (a session), browse, generate."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core import fields as f
from apps.core.api import TenantAPIView
from apps.wiki.connectors import services, specs
from apps.wiki.connectors.specs import TYPES, config_schema

TAGS = ["wiki"]


class ObjectField(f.SchemaField):
    """A JSON object, checked field by field by the connector's spec (specs.config_clean)."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise serializers.ValidationError("an object")
        return data

    def openapi(self, refs: f.SchemaRefs) -> dict[str, Any]:
        return {"type": "object"}


def _per_type(type_field: str) -> list[dict[str, Any]]:
    """One alternative per connector type: its name and the schema of its configuration."""
    return [
        {"required": [type_field, "config"],
         "properties": {type_field: {"type": "string", "pattern": f"^{name}$"},
                        "config": config_schema(kind)}}
        for name, kind in TYPES.items()
    ]  # fmt: skip


class ConnectorSaveIn(f.InputSerializer):
    schema_extra = {"oneOf": _per_type("connector_type")}
    name = f.CharField(max_length=200)
    connector_type = f.ChoiceField(choices=specs.TYPE_CHOICES)
    config = ObjectField()


class ConnectorTestIn(f.InputSerializer):
    schema_extra = {
        "oneOf": [
            *[{**alt, "not": {"required": ["connector_id"]}} for alt in _per_type("type")],
            {"required": ["connector_id"],
             "not": {"anyOf": [{"required": ["type"]}, {"required": ["config"]}]}},
        ]
    }  # fmt: skip
    type = f.ChoiceField(choices=specs.TYPE_CHOICES, required=False)
    config = ObjectField(required=False)
    connector_id = f.UUIDField(required=False, help_text="a saved configuration's id")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("type" in attrs or "config" in attrs) == ("connector_id" in attrs):
            raise serializers.ValidationError("give either type and config, or connector_id")
        if ("type" in attrs) != ("config" in attrs):
            raise serializers.ValidationError("type and config go together")
        return attrs


class ConnectorBrowseIn(f.InputSerializer):
    connector_id = f.UUIDField(help_text="a session's id (from test) or a saved configuration's")
    path = f.CharField(max_length=1024, required=False, allow_blank=True, trim_whitespace=False)


class GenerateConfigField(ObjectField):
    """The wiki job's options (checked by apps.wiki.services.generate_config_check)."""

    def openapi(self, refs: f.SchemaRefs) -> dict[str, Any]:
        return {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "output_dir": {"type": "string"},
                "namespace": {"type": "string"},
                "llm": {"type": "boolean"},
                "languages": {"type": "array", "items": {"type": "string"}},
            },
        }


class ConnectorGenerateIn(f.InputSerializer):
    connector_id = f.UUIDField(help_text="a session's id (from test) or a saved configuration's")
    config = GenerateConfigField(
        required=False, help_text="the wiki generation config (POST /v1/wiki/generate)"
    )


class ConnectorView(TenantAPIView):
    required_scope = "wiki"
    audit_target_type = "wiki_connector"


class ConnectorsView(ConnectorView):
    @extend_schema(operation_id="wiki_connector_types", tags=TAGS, responses={200: dict})
    def get(self, request: Request) -> Response:
        return Response({"connectors": services.connector_types_list()})

    @extend_schema(
        operation_id="wiki_connector_save",
        tags=TAGS,
        request=ConnectorSaveIn,
        responses={201: dict},
    )
    def post(self, request: Request) -> Response:
        data = ConnectorSaveIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        saved = services.connector_save(
            tenant=request.tenant,
            name=v["name"],
            connector_type=v["connector_type"],
            config=v["config"],
        )
        self.set_audit_target("wiki_connector", saved.pk)
        return Response({"success": True, **services.saved_connector_out(saved=saved)}, status=201)


class SavedView(ConnectorView):
    @extend_schema(operation_id="wiki_connector_saved", tags=TAGS, responses={200: dict})
    def get(self, request: Request) -> Response:
        saved = services.saved_connectors_list(tenant=request.tenant)
        return Response({"connectors": saved, "total": len(saved)})


class TestView(ConnectorView):
    @extend_schema(
        operation_id="wiki_connector_test",
        tags=TAGS,
        request=ConnectorTestIn,
        responses={200: dict},
    )
    def post(self, request: Request) -> Response:
        data = ConnectorTestIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        out = services.connector_test(
            tenant=request.tenant,
            connector_type=v.get("type"),
            config=v.get("config"),
            saved_id=v.get("connector_id"),
        )
        self.set_audit_target("wiki_connector_session", out["connector_id"])
        return Response(out)


class BrowseView(ConnectorView):
    read_only = True

    @extend_schema(
        operation_id="wiki_connector_browse",
        tags=TAGS,
        request=ConnectorBrowseIn,
        responses={200: dict},
    )
    def post(self, request: Request) -> Response:
        data = ConnectorBrowseIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        return Response(
            services.connector_browse(
                tenant=request.tenant, connector_id=v["connector_id"], path=v.get("path", "")
            )
        )


class GenerateView(ConnectorView):
    @extend_schema(
        operation_id="wiki_connector_generate",
        tags=TAGS,
        request=ConnectorGenerateIn,
        responses={202: dict},
    )
    def post(self, request: Request) -> Response:
        data = ConnectorGenerateIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        out = services.connector_generate(
            tenant=request.tenant,
            connector_id=v["connector_id"],
            config=v.get("config") or {},
            actor=self.actor,
        )
        self.set_audit_target("wiki_job", out.get("job_id", ""))
        return Response(out, status=202)
