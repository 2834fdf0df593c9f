"""Input parsing and output shapes of the memory API (the add's messages: .messages)."""

from __future__ import annotations

import json
import math
from typing import Any, ClassVar

import numpy as np
from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core import fields as f
from apps.core.fields import SchemaRefs
from apps.memories.embeddings import vector_dim_for
from apps.memories.filters import filter_schema
from apps.memories.models import Memory
from apps.memories.serializers.messages import (  # noqa: F401  (the API's names, one place)
    ID_FIELD,
    MAX_MESSAGES,
    NON_BLANK,
    AddSerializer,
    ContentField,
    MessageField,
    MessageInSerializer,
    content_schema,
)


class FilterField(f.SchemaField):
    """Metadata and column filters (apps.memories.filters), compiled where they are used."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise serializers.ValidationError("filters must be an object")
        return data

    def openapi(self, refs: SchemaRefs) -> dict[str, Any]:
        return refs.component("Filter", lambda: filter_schema(refs.component("Filter", dict)))


class FilterParam(FilterField):
    """`filters` in a query string: the same filter, sent as JSON."""

    json_in_query = True

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        try:
            data = json.loads(data)
        except (TypeError, ValueError):
            raise serializers.ValidationError("filters must be a JSON object") from None
        return super().to_internal_value(data)


class UserQuery(serializers.Serializer):
    user_id = f.CharField(max_length=200)


class MessagesQuery(UserQuery):
    conversation_id = f.CharField(max_length=200, required=False)
    limit = serializers.IntegerField(min_value=1, max_value=1000, default=100)


HALF_MAX = 65504.0  # the largest float16; stored vectors are half precision
HALF_ZERO = 2.0**-25  # at most this far from 0, a float16 is 0


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "number", "minimum": -HALF_MAX, "maximum": HALF_MAX},
        "minItems": vector_dim_for(settings.EMBEDDING_BACKEND),
        "maxItems": vector_dim_for(settings.EMBEDDING_BACKEND),
        "contains": {"anyOf": [{"exclusiveMinimum": HALF_ZERO}, {"exclusiveMaximum": -HALF_ZERO}]},
        "description": "one component at least is not 0 in half precision",
    }
)
class VectorField(serializers.ListField):
    def __init__(self, **kwargs: Any) -> None:
        dim = vector_dim_for(settings.EMBEDDING_BACKEND)
        super().__init__(
            child=f.FloatField(min_value=-HALF_MAX, max_value=HALF_MAX),
            min_length=dim,
            max_length=dim,
            error_messages={"min_length": "expected {min_length} dimensions",
                            "max_length": "expected {max_length} dimensions"},
            **kwargs,
        )  # fmt: skip


# A search query may be a transcript of several turns (apps.memories.query): longer than a
# question, still bounded.
QUERY_MAX_CHARS = 20000


def parsed_messages(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each message of a `MessageField` validated ({"role", "content"}), or a ValidationError
    that names the message."""
    parsed, errors = [], {}
    for index, item in enumerate(raw):
        message = MessageInSerializer(data=item)
        if message.is_valid():
            parsed.append(message.validated_data)
        else:
            errors[str(index)] = message.errors
    if errors:
        raise serializers.ValidationError({"messages": errors})
    return parsed


class SearchSerializer(f.InputSerializer):
    schema_extra: ClassVar[dict[str, Any]] = {
        **f.one_of_required("query", "messages"),
        "description": "What to look for: a question (`query`), or the dialogue so far "
        "(`messages`, or a transcript as `query`), which is searched for by its last turns.",
    }

    query = f.CharField(max_length=QUERY_MAX_CHARS, required=False, allow_blank=True, default="")
    messages = MessageField(
        required=False,
        help_text="The conversation so far, as chat sends it: memories for its last turns.",
    )
    user_id = f.CharField(**ID_FIELD)
    agent_id = f.CharField(**ID_FIELD)
    conversation_id = f.CharField(**ID_FIELD)
    run_id = f.CharField(**ID_FIELD)
    filters = FilterField(required=False)
    tags = serializers.ListField(child=f.CharField(max_length=100), required=False)
    memory_type = f.ChoiceField(choices=Memory.Type.choices, required=False)
    start_time = f.DateTimeField(required=False)
    end_time = f.DateTimeField(required=False)
    limit = f.IntegerField(required=False, default=10, min_value=1, max_value=100)
    top_k = f.IntegerField(required=False, min_value=1, max_value=100)
    threshold = f.FloatField(required=False, min_value=-1.0, max_value=1.0)
    mode = f.ChoiceField(choices=["hybrid", "vector", "keyword"], default="hybrid")
    mmr = f.BooleanField(required=False, default=False)
    linked = f.BooleanField(
        required=False,
        default=True,
        help_text="In hybrid mode, also rank the memories linked to what the query names "
        "(the knowledge graph's edges within two hops of the entities named); false leaves "
        "that ranking out.",
    )
    vector = VectorField(
        required=False,
        help_text="Your own query embedding (same model and dimension as the server's).",
    )

    def validate_vector(self, value: list[float]) -> list[float]:
        # Stored vectors are half precision. A query whose norm is 0 there (zeros, or values such
        # as 1e-8 that round to 0) or infinite (above 65504) has no direction: its cosine with
        # every memory is NaN, which no JSON answer can carry.
        with np.errstate(over="ignore"):  # overflow to inf is what is being checked for
            half = np.asarray(value, dtype=np.float16).astype(np.float64)
        norm = float(np.linalg.norm(half))
        if norm == 0.0 or not math.isfinite(norm):
            raise serializers.ValidationError(
                "The vector has no direction in half precision (all components round to 0, or "
                "one is beyond ±65504); send a non-zero embedding.",
                code="vector_without_direction",
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("messages") is not None:
            attrs["messages"] = [
                {"role": m["role"], "content": m["content"]}
                for m in parsed_messages(attrs["messages"])
            ]
        elif not attrs["query"].strip() and attrs.get("vector") is None:
            raise serializers.ValidationError({"query": "give a query, messages or a vector"})
        return attrs


class SourceSerializer(serializers.Serializer):
    message_id = serializers.IntegerField(allow_null=True)
    role = serializers.CharField(required=False)
    metadata = serializers.DictField()


class MemoryOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    memory = serializers.CharField(source="value")
    key = serializers.CharField()
    memory_type = serializers.CharField()
    kind = serializers.CharField(
        help_text="turn, a fact kind (place, preference, event, ...), "
        "qa, faq_candidate, faq, or empty for memories written directly"
    )
    user_id = serializers.CharField()
    agent_id = serializers.CharField()
    conversation_id = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    metadata = serializers.DictField()
    confidence = serializers.FloatField()
    status = serializers.CharField()
    version = serializers.IntegerField()
    mentions = serializers.IntegerField(
        help_text="how often this was said: a statement or fact made again counts a mention, "
        "and its turn joins `sources`"
    )
    sources = SourceSerializer(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class AddedMemoryOutSerializer(MemoryOutSerializer):
    event = serializers.ChoiceField(
        choices=["ADD", "NOOP"],
        help_text="ADD: stored by this add; NOOP: a statement made before, counted as one more "
        "mention of the memory that holds it (this add's message is among its sources)",
    )


class HitOutSerializer(MemoryOutSerializer):
    score = serializers.FloatField()
    similarity = serializers.FloatField()


_DATETIME = serializers.DateTimeField()


def memory_data(memory: Memory) -> dict[str, Any]:
    """What `MemoryOutSerializer` renders, built directly: instantiating a DRF serializer per row
    deep-copies its fields and cost ~0.5 ms a memory, a third of a search's time in Python."""
    return {
        "id": str(memory.pk),
        "memory": memory.value,
        "key": memory.key,
        "memory_type": memory.memory_type,
        "kind": memory.kind,
        "user_id": memory.user_id,
        "agent_id": memory.agent_id,
        "conversation_id": memory.conversation_id,
        "tags": list(memory.tags),
        "metadata": memory.metadata,
        "confidence": memory.confidence,
        "status": memory.status,
        "version": memory.version,
        "mentions": memory.mentions,
        "sources": [_source_data(src) for src in memory.sources],
        "created_at": _DATETIME.to_representation(memory.created_at),
        "updated_at": _DATETIME.to_representation(memory.updated_at),
    }


def _source_data(source: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"message_id": source.get("message_id")}
    if "role" in source:
        data["role"] = source["role"]
    data["metadata"] = source.get("metadata", {})
    return data


def hit_data(hit: Any) -> dict[str, Any]:
    return {**memory_data(hit.memory), "score": hit.score, "similarity": hit.similarity}


class SearchOutSerializer(serializers.Serializer):
    results = HitOutSerializer(many=True)


class AddOutSerializer(serializers.Serializer):
    batch_id = serializers.UUIDField()
    status = serializers.CharField(
        help_text="done, or queued/running while extraction waits for a worker; the turns are "
        "stored and searchable either way"
    )
    event_id = serializers.CharField(allow_null=True)
    message_ids = serializers.ListField(child=serializers.IntegerField())
    results = AddedMemoryOutSerializer(many=True)


class MemoryUpdateSerializer(f.InputSerializer):
    schema_extra: ClassVar[dict[str, Any]] = f.one_of_required(
        "memory", "text", "key", "tags", "metadata", "memory_type"
    )

    memory = f.CharField(required=False, max_length=settings.MEMORY_CONTENT_MAX_CHARS)
    text = f.CharField(
        required=False, max_length=settings.MEMORY_CONTENT_MAX_CHARS, help_text="memory's alias"
    )
    key = f.CharField(required=False, max_length=200, allow_blank=True)
    tags = serializers.ListField(child=f.CharField(max_length=100), required=False)
    metadata = serializers.DictField(required=False)
    memory_type = f.ChoiceField(choices=Memory.Type.choices, required=False)


class ListOutSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    results = MemoryOutSerializer(many=True)


class VersionOutSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    event = serializers.CharField()
    old_memory = serializers.CharField(source="old_value", allow_null=True)
    new_memory = serializers.CharField(source="new_value", allow_null=True)
    actor = serializers.CharField()
    created_at = serializers.DateTimeField()


class MessageOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user_id = serializers.CharField()
    agent_id = serializers.CharField()
    conversation_id = serializers.CharField()
    role = serializers.CharField()
    content = serializers.CharField()
    timestamp = serializers.DateTimeField()
    metadata = serializers.DictField()


class DeletedOutSerializer(serializers.Serializer):
    deleted = serializers.IntegerField()
