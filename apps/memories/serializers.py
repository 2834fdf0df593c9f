"""Input parsing and output shapes of the memory API."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from django.conf import settings
from rest_framework import serializers

from apps.memories.models import Memory, Role
from apps.memories.services import MessageIn

ID_FIELD = {"max_length": 200, "required": False, "allow_blank": False}


def _content_text(content: Any) -> str:
    """A message content: a string, or a list of parts ({"type": "text", "text": ...})."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for part in content:
            if isinstance(part, str):
                texts.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                texts.append(part["text"])
            else:
                raise serializers.ValidationError("content parts must be strings or text parts")
        return "\n".join(texts)
    raise serializers.ValidationError("content must be a string or a list of parts")


class MessageField(serializers.Field):
    """`messages`: a string, one message object, or a list of them."""

    def to_internal_value(self, data: Any) -> list[dict[str, Any]]:
        items = data if isinstance(data, list) else [data]
        if not items:
            raise serializers.ValidationError("at least one message is required")
        if len(items) > 500:
            raise serializers.ValidationError("at most 500 messages per request")
        out = []
        for index, item in enumerate(items):
            if isinstance(item, str):
                item = {"role": "user", "content": item}
            if not isinstance(item, dict):
                raise serializers.ValidationError(f"message {index}: must be a string or object")
            out.append(item)
        return out

    def to_representation(self, value: Any) -> Any:
        return value


class MessageInSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, default=Role.USER)
    content = serializers.JSONField()
    timestamp = serializers.DateTimeField(required=False, allow_null=True)
    metadata = serializers.DictField(required=False, default=dict)
    name = serializers.CharField(required=False, max_length=200)

    def validate_content(self, value: Any) -> str:
        content = _content_text(value).strip()
        if not content:
            raise serializers.ValidationError("content must not be empty")
        if len(content) > settings.MEMORY_CONTENT_MAX_CHARS:
            raise serializers.ValidationError(
                f"content is longer than {settings.MEMORY_CONTENT_MAX_CHARS} characters"
            )
        return content


class AddSerializer(serializers.Serializer):
    user_id = serializers.CharField(max_length=200)
    agent_id = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    conversation_id = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True
    )
    run_id = serializers.CharField(max_length=200, required=False, allow_blank=True)
    messages = MessageField(required=False)
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    content = serializers.JSONField(required=False)
    event_id = serializers.CharField(max_length=200, required=False, allow_blank=False)
    timestamp = serializers.DateTimeField(required=False, allow_null=True)
    metadata = serializers.DictField(required=False, default=dict)
    infer = serializers.BooleanField(required=False, default=False)
    async_mode = serializers.ChoiceField(choices=["sync", "async"], required=False, default="sync")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        raw = attrs.get("messages")
        if raw is None:
            if "content" not in attrs:
                raise serializers.ValidationError(
                    {"messages": "give messages, or role and content"}
                )
            raw = [{"role": attrs.get("role", "user"), "content": attrs["content"]}]
        elif "content" in attrs:
            raise serializers.ValidationError({"content": "give messages or content, not both"})
        parsed = []
        errors = {}
        for index, item in enumerate(raw):
            message = MessageInSerializer(data=item)
            if message.is_valid():
                parsed.append(message.validated_data)
            else:
                errors[str(index)] = message.errors
        if errors:
            raise serializers.ValidationError({"messages": errors})
        attrs["parsed_messages"] = [
            MessageIn(
                role=m["role"],
                content=m["content"],
                timestamp=m.get("timestamp") or attrs.get("timestamp"),
                metadata={**attrs["metadata"], **m.get("metadata", {})},
            )
            for m in parsed
        ]
        if attrs.get("run_id") and not attrs.get("conversation_id"):
            attrs["conversation_id"] = attrs["run_id"]
        return attrs


class SearchSerializer(serializers.Serializer):
    query = serializers.CharField(max_length=4000)
    user_id = serializers.CharField(**ID_FIELD)
    agent_id = serializers.CharField(**ID_FIELD)
    conversation_id = serializers.CharField(**ID_FIELD)
    run_id = serializers.CharField(**ID_FIELD)
    filters = serializers.DictField(required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    memory_type = serializers.ChoiceField(choices=Memory.Type.choices, required=False)
    start_time = serializers.DateTimeField(required=False)
    end_time = serializers.DateTimeField(required=False)
    limit = serializers.IntegerField(required=False, default=10, min_value=1, max_value=100)
    top_k = serializers.IntegerField(required=False, min_value=1, max_value=100)
    threshold = serializers.FloatField(required=False, min_value=-1.0, max_value=1.0)
    mode = serializers.ChoiceField(choices=["hybrid", "vector", "keyword"], default="hybrid")
    mmr = serializers.BooleanField(required=False, default=False)
    vector = serializers.ListField(
        child=serializers.FloatField(), required=False, max_length=16000,
        help_text="Your own query embedding (same model and dimension as the server's).",
    )  # fmt: skip

    def validate_vector(self, value: list[float]) -> list[float]:
        from apps.memories.embeddings import get_embedder

        dim = get_embedder().dim
        if len(value) != dim:
            raise serializers.ValidationError(f"expected {dim} dimensions, got {len(value)}")
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
    sources = SourceSerializer(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


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
    results = MemoryOutSerializer(many=True)


class MemoryUpdateSerializer(serializers.Serializer):
    memory = serializers.CharField(required=False, max_length=20000, allow_blank=False)
    text = serializers.CharField(required=False, max_length=20000, allow_blank=False)
    key = serializers.CharField(required=False, max_length=200, allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    metadata = serializers.DictField(required=False)
    memory_type = serializers.ChoiceField(choices=Memory.Type.choices, required=False)


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
