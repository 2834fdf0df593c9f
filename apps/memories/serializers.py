"""Input parsing and output shapes of the memory API."""

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
from apps.memories.models import Memory, Role
from apps.memories.registry import content_part_handler
from apps.memories.services import MessageIn

ID_FIELD = {"max_length": 200, "required": False, "allow_blank": False}
NON_BLANK = {"type": "string", "pattern": f.NON_BLANK_PATTERN}


def _one_part(content: Any, accept_parts: bool) -> Any:
    """mem0 sends a single part as the content itself ({"type": "pdf_url", ...}): a list of it."""
    if accept_parts and isinstance(content, dict) and content_part_handler(content.get("type")):
        return [content]
    return content


def _content_text(content: Any, *, accept_parts: bool = False) -> str:
    """A message content: a string, or a list of parts ({"type": "text", "text": ...}); with
    `accept_parts`, parts a registered handler takes (image_url, pdf_url) are skipped here."""
    content = _one_part(content, accept_parts)
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for part in content:
            if isinstance(part, str):
                texts.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                texts.append(part["text"])
            elif accept_parts and isinstance(part, dict) and content_part_handler(part.get("type")):
                continue  # an image_url part: kept by its handler (MessageInSerializer.validate)
            else:
                raise serializers.ValidationError("content parts must be strings or text parts")
        return "\n".join(texts)
    raise serializers.ValidationError("content must be a string or a list of parts")


def _text_part(text: dict[str, Any]) -> dict[str, Any]:
    kind = {"type": "string", "example": "text"}
    return {"type": "object", "required": ["text"], "properties": {"type": kind, "text": text}}


def content_schema() -> dict[str, Any]:
    """A message's content: non-blank text, or text parts of which one at least is not blank."""
    limit = settings.MEMORY_CONTENT_MAX_CHARS
    return {
        "oneOf": [
            {**NON_BLANK, "maxLength": limit},
            {
                "type": "array",
                "items": {"anyOf": [{"type": "string"}, _text_part({"type": "string"})]},
                "contains": {"anyOf": [NON_BLANK, _text_part(NON_BLANK)]},
                "description": f"Text parts, joined by newlines: {limit} characters in all.",
            },
        ]
    }


class ContentField(f.SchemaField):
    def __init__(self, *, accept_parts: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.accept_parts = accept_parts  # the owner stores the parts (MessageInSerializer)

    def to_internal_value(self, data: Any) -> str:
        content = _content_text(data, accept_parts=self.accept_parts)
        if len(content) > settings.MEMORY_CONTENT_MAX_CHARS:
            raise serializers.ValidationError(
                f"content is longer than {settings.MEMORY_CONTENT_MAX_CHARS} characters"
            )
        content = content.strip()
        if not content:
            data = _one_part(data, self.accept_parts)
            parts = data if self.accept_parts and isinstance(data, list) else []
            handlers = [content_part_handler(p.get("type")) for p in parts if isinstance(p, dict)]
            handler = next((h for h in handlers if h), None)
            if handler is None:
                raise serializers.ValidationError("content must not be empty")
            content = handler.placeholder  # a message of image parts only
        return content

    def openapi(self, refs: SchemaRefs) -> dict[str, Any]:
        schema = content_schema()
        if self.accept_parts and content_part_handler("image_url"):
            image = {"type": "object", "required": ["type", "image_url"], "properties": {
                "type": {"type": "string", "enum": ["image_url"]},
                "image_url": {"type": "object", "required": ["url"],
                              "properties": {"url": {"type": "string"}}}}}  # fmt: skip
            array = schema["oneOf"][1]
            array["items"] = {"anyOf": [*array["items"]["anyOf"], image]}
            array["contains"] = {"anyOf": [*array["contains"]["anyOf"], image]}
            array["description"] += " Image parts (image_url) are kept as multimodal items."
        documents = [t for t in ("pdf_url", "mdx_url", "txt_url") if content_part_handler(t)]
        if self.accept_parts and documents:
            ref = {"type": "object", "properties": {
                "url": {"type": "string", "description": "data: URL, base64, or http(s) URL"},
                "data": {"type": "string", "description": "base64"},
                "text": {"type": "string", "description": "mdx_url / txt_url only"}}}  # fmt: skip
            document = {"type": "object", "required": ["type"], "properties": {
                "type": {"type": "string", "enum": documents},
                **{t: {"anyOf": [ref, {"type": "string"}]} for t in documents}}}  # fmt: skip
            array = schema["oneOf"][1]
            array["items"] = {"anyOf": [*array["items"]["anyOf"], document]}
            array["contains"] = {"anyOf": [*array["contains"]["anyOf"], document]}
            array["description"] += (" Document parts (pdf_url, mdx_url, txt_url) are kept as "
                                     "documents and cut into memories.")  # fmt: skip
            schema["oneOf"].append(document)  # mem0: one part as the content itself
        return schema


class MessageInSerializer(f.InputSerializer):
    role = f.ChoiceField(choices=Role.choices, default=Role.USER)
    content = ContentField(accept_parts=True)
    timestamp = f.DateTimeField(required=False, allow_null=True)
    metadata = serializers.DictField(required=False, default=dict)
    name = f.CharField(required=False, max_length=200)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Non-text parts with a registered handler (apps.memories.registry): checked here, stored
        # with the turn. Their errors are the handler's (a 400 with its own code).
        raw = self.initial_data.get("content") if isinstance(self.initial_data, dict) else None
        raw = _one_part(raw, True)
        attrs["parts"] = []
        for part in raw if isinstance(raw, list) else []:
            handler = content_part_handler(part.get("type")) if isinstance(part, dict) else None
            if handler is not None and not isinstance(part.get("text"), str):
                attrs["parts"].append((handler.name, handler.parse(part)))
        return attrs


MAX_MESSAGES = 500


class MessageField(f.SchemaField):
    """`messages`: a string, one message object, or a list of them."""

    message_serializer: type[serializers.Serializer] = MessageInSerializer

    def to_internal_value(self, data: Any) -> list[dict[str, Any]]:
        items = data if isinstance(data, list) else [data]
        if not items:
            raise serializers.ValidationError("at least one message is required")
        if len(items) > MAX_MESSAGES:
            raise serializers.ValidationError(f"at most {MAX_MESSAGES} messages per request")
        out = []
        for index, item in enumerate(items):
            if isinstance(item, str):
                item = {"role": "user", "content": item}
            if not isinstance(item, dict):
                raise serializers.ValidationError(f"message {index}: must be a string or object")
            out.append(item)
        return out

    def openapi(self, refs: SchemaRefs) -> dict[str, Any]:
        one = {"anyOf": [content_schema()["oneOf"][0], refs.serializer(self.message_serializer)]}
        return {
            "oneOf": [*one["anyOf"], {"type": "array", "minItems": 1, "maxItems": MAX_MESSAGES,
                                      "items": one}],
            "description": "A string (a user turn), a message, or a list of them.",
        }  # fmt: skip


class AddSerializer(f.InputSerializer):
    schema_extra: ClassVar[dict[str, Any]] = {
        "oneOf": [{"required": ["messages"]}, {"required": ["content"]}],
        "description": "The turns: `messages`, or one turn as `role` and `content`.",
    }

    user_id = f.CharField(max_length=200)
    agent_id = f.CharField(max_length=200, required=False, default="", allow_blank=True)
    conversation_id = f.CharField(max_length=200, required=False, default="", allow_blank=True)
    run_id = f.CharField(max_length=200, required=False, allow_blank=True)
    messages = MessageField(required=False)
    role = f.ChoiceField(choices=Role.choices, required=False)
    content = ContentField(required=False)
    event_id = f.CharField(max_length=200, required=False, allow_blank=False)
    timestamp = f.DateTimeField(required=False, allow_null=True)
    metadata = serializers.DictField(required=False, default=dict)
    infer = f.BooleanField(required=False, default=False)
    async_mode = f.ChoiceField(choices=["sync", "async"], required=False, default="sync")

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
                parts=m.get("parts", []),
            )
            for m in parsed
        ]
        if attrs.get("run_id") and not attrs.get("conversation_id"):
            attrs["conversation_id"] = attrs["run_id"]
        return attrs


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
