"""/v1/memory/retrieve, /v1/memory/manage/* (tags, search/tags, export, import, versions) and
/v1/memory/add/status/{batch_id}. Paths and shapes follow the memoryos-rust reference."""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core import fields as f
from apps.core.errors import NotFound
from apps.jobs.api import JobOutSerializer
from apps.memories import context, selectors, services, transfer
from apps.memories.api.memory import MemoryView
from apps.memories.serializers import (
    QUERY_MAX_CHARS,
    MemoryOutSerializer,
    VersionOutSerializer,
    memory_data,
)

TAGS = ["memory manage"]
USER = {"max_length": 200}


class RetrieveIn(f.InputSerializer):
    user_id = f.CharField(**USER)
    query = f.CharField(max_length=QUERY_MAX_CHARS)
    conversation_id = f.CharField(required=False, **USER)
    short_term_limit = f.IntegerField(
        required=False, min_value=0, max_value=100, help_text="default STM_WINDOW (10)"
    )
    mid_term_limit = f.IntegerField(required=False, default=5, min_value=1, max_value=50)


class RetrieveOut(serializers.Serializer):
    short_term = serializers.ListField(child=serializers.DictField())
    mid_term = serializers.ListField(child=serializers.DictField())
    long_term = serializers.DictField(allow_null=True)


class RetrieveView(MemoryView):
    read_only = True

    @extend_schema(
        operation_id="memory_retrieve", request=RetrieveIn, responses=RetrieveOut, tags=TAGS
    )
    def post(self, request: Request) -> Response:
        data = RetrieveIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(context.memory_retrieve(tenant=request.tenant, **data.validated_data))


class MemoryRefIn(f.InputSerializer):
    """A memory of one user, named `memory_id` (or `segment_id`, the reference's name)."""

    schema_extra: ClassVar[dict[str, Any]] = f.one_of_required("memory_id", "segment_id")

    user_id = f.CharField(**USER)
    memory_id = f.UUIDField(required=False)
    segment_id = f.UUIDField(required=False)

    def validate(self, attrs: dict) -> dict:
        attrs["memory_id"] = attrs.get("memory_id") or attrs.get("segment_id")
        if not attrs["memory_id"]:
            raise serializers.ValidationError({"memory_id": "required"})
        attrs["memory_id"] = str(attrs["memory_id"])
        return attrs


class TagsIn(MemoryRefIn):
    tags = serializers.ListField(child=f.CharField(max_length=100), max_length=100)
    mode = f.ChoiceField(choices=["add", "remove", "set"], default="add")


class TagsOut(serializers.Serializer):
    status = serializers.CharField()
    message = serializers.CharField()
    memory = MemoryOutSerializer()


class TagsView(MemoryView):
    @extend_schema(operation_id="memory_tags", request=TagsIn, responses=TagsOut, tags=TAGS)
    def post(self, request: Request) -> Response:
        data = TagsIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        memory = services.memory_update(
            tenant=request.tenant, memory_id=v["memory_id"], user_id=v["user_id"], tags=v["tags"],
            tag_mode=v["mode"], actor=self.actor,
        )  # fmt: skip
        self.set_audit_target("memory", memory.pk)
        body = {
            "status": "ok",
            "message": "Tags updated",
            "memory": memory_data(memory),
        }
        return Response(body)


class SearchTagsIn(f.InputSerializer):
    user_id = f.CharField(**USER)
    tags = serializers.ListField(child=f.CharField(max_length=100), min_length=1)
    match = f.ChoiceField(choices=["all", "any"], default="all")
    limit = f.IntegerField(required=False, default=50, min_value=1, max_value=500)


class SearchTagsOut(serializers.Serializer):
    status = serializers.CharField()
    count = serializers.IntegerField()
    results = MemoryOutSerializer(many=True)


class SearchTagsView(MemoryView):
    read_only = True

    @extend_schema(operation_id="memory_search_tags", request=SearchTagsIn,
                   responses=SearchTagsOut, tags=TAGS)  # fmt: skip
    def post(self, request: Request) -> Response:
        data = SearchTagsIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        rows = selectors.memory_by_tags(
            tenant=request.tenant, user_id=v["user_id"], tags=v["tags"],
            match_all=v["match"] == "all", limit=v["limit"],
        )  # fmt: skip
        results = [memory_data(m) for m in rows]
        return Response({"status": "ok", "count": len(results), "results": results})


class ExportIn(f.InputSerializer):
    user_id = f.CharField(**USER)
    format = f.ChoiceField(choices=["json", "markdown"], default="json")


class ExportOut(serializers.Serializer):
    status = serializers.CharField()
    format = serializers.CharField()
    data = serializers.DictField(required=False)
    content = serializers.CharField(required=False)


class ExportView(MemoryView):
    read_only = True

    @extend_schema(operation_id="memory_export", request=ExportIn, responses=ExportOut, tags=TAGS)
    def post(self, request: Request) -> Response:
        data = ExportIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        export = transfer.export_collect(tenant=request.tenant, user_id=v["user_id"])
        if v["format"] == "markdown":
            content = transfer.export_markdown(export)
            return Response({"status": "ok", "format": "markdown", "content": content})
        body = {
            "user_id": export.user_id,
            "exported_at": export.exported_at,
            "count": len(export.memories),
            "memories": [memory_data(m) for m in export.memories],
        }
        return Response({"status": "ok", "format": "json", "data": body})


class ImportRowsField(f.SchemaField):
    """The rows of an import, checked row by row by `transfer.import_validate`."""

    def to_internal_value(self, data: Any) -> Any:
        return data

    def openapi(self, refs: f.SchemaRefs) -> dict[str, Any]:
        return {
            "type": "array",
            "minItems": 1,
            "items": refs.serializer(transfer.ImportRowSerializer),
            "description": f"At most {transfer.SYNC_IMPORT_LIMIT} rows, "
            f"{transfer.ASYNC_IMPORT_LIMIT} with async_mode=async.",
        }


def _rows_at_most(limit: int) -> dict[str, Any]:
    return {"properties": {name: {"maxItems": limit} for name in ("memories", "segments")}}


class ImportIn(f.InputSerializer):
    schema_extra: ClassVar[dict[str, Any]] = {
        "oneOf": [{"required": ["memories"]}, {"required": ["segments"]}],
        "if": {"required": ["async_mode"], "properties": {"async_mode": {"const": "async"}}},
        "then": _rows_at_most(transfer.ASYNC_IMPORT_LIMIT),
        "else": _rows_at_most(transfer.SYNC_IMPORT_LIMIT),
    }

    user_id = f.CharField(**USER)
    agent_id = f.CharField(required=False, default="", allow_blank=True, **USER)
    memories = ImportRowsField(required=False)
    segments = ImportRowsField(required=False, help_text="memories' alias (the reference's name)")
    async_mode = f.ChoiceField(choices=["sync", "async"], default="sync")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("memories" in attrs) == ("segments" in attrs):
            raise serializers.ValidationError({"memories": "give memories or segments (one)"})
        return attrs


class ImportOut(serializers.Serializer):
    status = serializers.CharField()
    imported = serializers.IntegerField()
    job = JobOutSerializer(required=False)


class ImportView(MemoryView):
    @extend_schema(operation_id="memory_import", request=ImportIn,
                   responses={200: ImportOut, 202: ImportOut}, tags=TAGS)  # fmt: skip
    def post(self, request: Request) -> Response:
        data = ImportIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        self.set_audit_target("user", v["user_id"])
        result = transfer.memories_import(
            tenant=request.tenant,
            scope=services.Scope(user_id=v["user_id"], agent_id=v["agent_id"]),
            rows=v.get("memories", v.get("segments")),
            async_mode=v["async_mode"],
            actor=self.actor,
        )
        if result.job is not None:
            return Response(
                {"status": "queued", "imported": 0, "job": JobOutSerializer(result.job).data},
                status=202,
            )
        return Response({"status": "ok", "imported": result.imported})


class VersionsIn(MemoryRefIn):
    pass


class VersionsOut(serializers.Serializer):
    status = serializers.CharField()
    memory_id = serializers.CharField()
    version_count = serializers.IntegerField()
    history = VersionOutSerializer(many=True)


class VersionsView(MemoryView):
    read_only = True

    @extend_schema(operation_id="memory_versions", request=VersionsIn, responses=VersionsOut,
                   tags=TAGS)  # fmt: skip
    def post(self, request: Request) -> Response:
        data = VersionsIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        memory = services.memory_get(
            tenant=request.tenant, memory_id=v["memory_id"], user_id=v["user_id"]
        )
        versions = list(selectors.memory_history(tenant=request.tenant, memory=memory))[::-1]
        return Response(
            {"status": "ok", "memory_id": str(memory.pk), "version_count": len(versions),
             "history": VersionOutSerializer(versions, many=True).data}
        )  # fmt: skip


class DecisionOut(serializers.Serializer):
    event = serializers.ChoiceField(choices=["ADD", "UPDATE", "DELETE", "NOOP"])
    memory_id = serializers.CharField(allow_null=True)
    kind = serializers.CharField()
    slot = serializers.CharField()
    value = serializers.CharField()
    reason = serializers.CharField()


class BatchStatusOut(serializers.Serializer):
    batch_id = serializers.UUIDField(source="pk")
    status = serializers.CharField()
    event_id = serializers.CharField(allow_null=True)
    infer = serializers.BooleanField()
    message_count = serializers.IntegerField()
    memory_count = serializers.IntegerField()
    extractor = serializers.CharField(
        help_text='with infer: "rules", "llm" or "rules (llm failed: ...)"'
    )
    decisions = DecisionOut(many=True)
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class BatchStatusView(MemoryView):
    @extend_schema(operation_id="memory_add_status", responses=BatchStatusOut, tags=TAGS)
    def get(self, request: Request, batch_id: str) -> Response:
        batch = selectors.batch_get(tenant=request.tenant, batch_id=batch_id)
        if batch is None:
            raise NotFound("Batch not found.", code="batch_not_found")
        return Response(BatchStatusOut(batch).data)
