"""Request bodies of the mem0 paths (`MemoryClient`), as the views accept them."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from rest_framework import serializers

from apps.core import fields as f
from apps.core.fields import SchemaRefs
from apps.memories import filters as grammar
from apps.memories.filters import view_field
from apps.memories.serializers import QUERY_MAX_CHARS, MessageField

ID = {"max_length": 200}
OPTIONAL_ID = {"max_length": 200, "required": False, "allow_blank": True}
TEXT_LIMIT = settings.MEMORY_CONTENT_MAX_CHARS


# --- mem0 -----------------------------------------------------------------------------------


def mem0_filter_schema(ref: dict[str, str]) -> dict[str, Any]:
    """mem0's filters (apps.compat.mem0): our grammar plus `"*"` (any value, dropped), the
    operator `icontains`, a `metadata` object of metadata conditions, NOT taking a list, and
    its own names (`run_id`, `app_id`, `categories`)."""
    options = {"aliases": {"icontains": "contains"}, "wildcard": True}
    fields = grammar.field_conditions(**options)
    fields |= {"app_id": grammar.condition_schema("metadata", **options)}
    fields |= {"categories": grammar.condition_schema("tags", **options)}
    metadata = {"type": "object", "propertyNames": {"minLength": 1, "maxLength": 91},
                "additionalProperties": grammar.condition_schema("metadata")}  # fmt: skip
    return {
        "type": "object",
        "description": "mem0's filters: AND / OR take a list of filters, NOT one (or a list "
        "whose first is taken); user_id, agent_id, run_id, app_id, categories, created_at, ... "
        "or a metadata key, with a value or an object of operators (eq, ne, in, nin, gt, gte, "
        'lt, lte, contains, icontains); "*" means any value.',
        "properties": {
            "AND": {"type": "array", "items": ref},
            "OR": {"type": "array", "items": ref},
            "NOT": {"anyOf": [ref, {"type": "array", "minItems": 1, "prefixItems": [ref]}]},
            "metadata": {"anyOf": [metadata, {"const": "*"}]},
            **fields,
        },
        "propertyNames": grammar.FIELD_NAME,
        "additionalProperties": grammar.condition_schema("metadata", **options),
    }


class Mem0FilterField(f.SchemaField):
    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError("filters must be an object")
        return data

    def openapi(self, refs: SchemaRefs) -> dict[str, Any]:
        return refs.component(
            "Mem0Filter", lambda: mem0_filter_schema(refs.component("Mem0Filter", dict))
        )


# The Unix times datetime can hold (years 1 to 9999).
FIRST_SECOND, LAST_SECOND = -62135596800, 253402300799


class Mem0TimestampField(f.SchemaField):
    """mem0 sends Unix seconds; ISO 8601 is taken too."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            raise serializers.ValidationError("timestamp is Unix seconds or an ISO 8601 time")
        if isinstance(data, int | float) and not FIRST_SECOND <= data <= LAST_SECOND:
            raise serializers.ValidationError("timestamp is not a valid Unix time")
        return data

    def openapi(self, refs: SchemaRefs) -> dict[str, Any]:
        return {"anyOf": [{"type": "number", "minimum": FIRST_SECOND, "maximum": LAST_SECOND},
                          {"type": "string", "format": "date-time"}]}  # fmt: skip


class Mem0ScopeIn(f.InputSerializer):
    """Whose memories: top-level ids, or the same names inside `filters`."""

    user_id = f.CharField(**OPTIONAL_ID)
    agent_id = f.CharField(**OPTIONAL_ID)
    run_id = f.CharField(**OPTIONAL_ID)
    filters = Mem0FilterField(required=False, allow_null=True)


class Mem0QueryIn(Mem0ScopeIn):
    categories = serializers.ListField(
        child=f.CharField(max_length=100), required=False, allow_null=True
    )


class Mem0AddIn(Mem0ScopeIn):
    schema_extra: ClassVar[dict[str, Any]] = {
        "anyOf": [
            {"required": ["user_id"], "properties": {"user_id": {"minLength": 1}}},
            {"required": ["filters"],
             "properties": {"filters": {"type": "object", "required": ["user_id"]}}},
        ],
    }  # fmt: skip

    messages = MessageField()
    user_id = f.CharField(max_length=200, required=False)
    metadata = serializers.DictField(required=False, allow_null=True)
    app_id = f.CharField(required=False, allow_blank=True, max_length=200)
    infer = f.BooleanField(required=False, default=True)
    async_mode = f.BooleanField(required=False, default=False)
    timestamp = Mem0TimestampField(required=False, allow_null=True)
    event_id = f.CharField(required=False, allow_blank=True, allow_null=True, max_length=200)
    enable_graph = f.BooleanField(
        required=False, default=False, help_text="answer the user's graph edges as `relations`"
    )


class Mem0SearchIn(Mem0QueryIn):
    query = f.CharField(max_length=QUERY_MAX_CHARS)
    top_k = f.IntegerField(required=False, allow_null=True, min_value=1, max_value=100)
    threshold = f.FloatField(required=False, allow_null=True)
    enable_graph = f.BooleanField(
        required=False, default=False, help_text="answer the user's graph edges as `relations`"
    )


class Mem0MomentField(f.SchemaField):
    """An ISO 8601 date or date-time (parsed by the view)."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            raise serializers.ValidationError("must be an ISO 8601 date or time")
        return data

    def openapi(self, refs: SchemaRefs) -> dict[str, Any]:
        return {"anyOf": [{"type": "string", "format": "date"},
                          {"type": "string", "format": "date-time"}]}  # fmt: skip


class Mem0ListIn(Mem0QueryIn):
    start_date = Mem0MomentField(required=False, allow_null=True)
    end_date = Mem0MomentField(required=False, allow_null=True)
    # mem0 lists what it extracted (or, with infer off, the messages it stored): one entry per
    # piece of information, so `distilled` by default
    view = view_field("distilled")
    enable_graph = f.BooleanField(
        required=False, default=False, help_text="answer the user's graph edges as `relations`"
    )


class Mem0PageQuery(serializers.Serializer):
    page = serializers.IntegerField(required=False, min_value=1, max_value=10**6, default=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=500, default=100)


class Mem0UpdateIn(f.InputSerializer):
    schema_extra: ClassVar[dict[str, Any]] = {
        "anyOf": [
            {"required": ["text"], "properties": {"text": {"type": "string"}}},
            {"required": ["metadata"], "properties": {"metadata": {"type": "object"}}},
        ]
    }

    text = f.CharField(required=False, allow_null=True, max_length=TEXT_LIMIT)
    metadata = serializers.DictField(required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("text") is None and attrs.get("metadata") is None:
            raise serializers.ValidationError("Give text or metadata to update.")
        return attrs


class Mem0DeleteAllQuery(f.InputSerializer):
    """What to delete: one of these at least, not blank (blank ones are ignored)."""

    schema_extra: ClassVar[dict[str, Any]] = {
        "anyOf": [
            {"required": [name], "properties": {name: {"pattern": f.NON_BLANK_PATTERN}}}
            for name in ("user_id", "agent_id", "app_id", "run_id")
        ]
    }

    user_id = f.CharField(required=False, allow_blank=True, max_length=200)
    agent_id = f.CharField(required=False, allow_blank=True, max_length=200)
    app_id = f.CharField(required=False, allow_blank=True, max_length=200)
    run_id = f.CharField(required=False, allow_blank=True, max_length=200)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not any(attrs.values()):
            raise serializers.ValidationError(
                "Name what to delete: user_id, agent_id, app_id or run_id."
            )
        return attrs


MAX_BATCH = 1000


class Mem0BatchItemIn(f.InputSerializer):
    memory_id = f.UUIDField()


class Mem0BatchUpdateItemIn(Mem0BatchItemIn):
    schema_extra: ClassVar[dict[str, Any]] = Mem0UpdateIn.schema_extra

    text = f.CharField(required=False, allow_null=True, max_length=TEXT_LIMIT)
    metadata = serializers.DictField(required=False, allow_null=True)
    validate = Mem0UpdateIn.validate


class Mem0BatchDeleteIn(f.InputSerializer):
    memories = f.ListOf(Mem0BatchItemIn, min_items=1, max_items=MAX_BATCH)


class Mem0BatchUpdateIn(f.InputSerializer):
    memories = f.ListOf(Mem0BatchUpdateItemIn, min_items=1, max_items=MAX_BATCH)


class Mem0ExportIn(Mem0QueryIn):
    schema = serializers.JSONField(required=False, help_text="kept with the export, returned")


class OptionalIdField(f.SchemaField):
    """An id, or null / "" for none."""

    def to_internal_value(self, data: Any) -> str | None:
        if data == "":
            return None
        return str(f.UUIDField().run_validation(data))

    def openapi(self, refs: SchemaRefs) -> dict[str, Any]:
        return {"anyOf": [{"type": "string", "format": "uuid"}, {"const": ""}]}


class Mem0ExportGetIn(f.InputSerializer):
    """Which export: its id (either name), else the latest."""

    memory_export_id = OptionalIdField(required=False, allow_null=True)
    id = OptionalIdField(required=False, allow_null=True, help_text="memory_export_id's alias")


class Mem0FeedbackIn(f.InputSerializer):
    memory_id = f.UUIDField()
    feedback = f.ChoiceField(
        choices=["POSITIVE", "NEGATIVE", "VERY_NEGATIVE"], required=False, allow_null=True
    )
    feedback_reason = f.CharField(required=False, allow_null=True, allow_blank=True)
