"""Request bodies and query strings of mem0's open-source REST server (`server/main.py` of
mem0: `MemoryCreate`, `MemoryUpdate`, `SearchRequest`, the `GET /memories` query), as the views
accept them."""

from __future__ import annotations

from typing import Any, ClassVar

from rest_framework import serializers

from apps.compat.serializers.mem0 import TEXT_LIMIT, Mem0FilterField
from apps.core import fields as f
from apps.memories.serializers import QUERY_MAX_CHARS, MessageField

NAMES = ("user_id", "agent_id", "run_id")
ONE_ID = [{"required": [n], "properties": {n: {"type": "string", "pattern": f.NON_BLANK_PATTERN}}}
          for n in NAMES]  # fmt: skip
OPTIONAL_ID = {"max_length": 200, "required": False, "allow_blank": True, "allow_null": True}
ALL_MEMORIES_LIMIT = 1000  # mem0's server lists at most this many


class Mem0ServerEntityIn(f.InputSerializer):
    user_id = f.CharField(**OPTIONAL_ID)
    agent_id = f.CharField(**OPTIONAL_ID)
    run_id = f.CharField(**OPTIONAL_ID)


class Mem0ServerAddIn(Mem0ServerEntityIn):
    """mem0's `MemoryCreate`. `expiration_date`, `memory_type` and `prompt` are its fields too:
    taken when absent or null, refused (400) otherwise: no expiry, procedural memory or
    per-request extraction prompt exists here."""

    schema_extra: ClassVar[dict[str, Any]] = {
        "anyOf": ONE_ID,
        "allOf": [{"properties": {n: {"type": "null"}
                                  for n in ("expiration_date", "memory_type", "prompt")}}],
    }  # fmt: skip

    messages = MessageField()
    metadata = serializers.DictField(required=False, allow_null=True)
    infer = f.BooleanField(required=False, allow_null=True, default=True)
    expiration_date = f.CharField(required=False, allow_null=True, max_length=40)
    memory_type = f.CharField(required=False, allow_null=True, max_length=40)
    prompt = f.CharField(required=False, allow_null=True, max_length=TEXT_LIMIT)


class Mem0ServerUpdateIn(f.InputSerializer):
    """mem0's `MemoryUpdate`: `text` and/or `metadata` (`expiration_date` null only)."""

    text = f.CharField(required=False, allow_null=True, max_length=TEXT_LIMIT)
    metadata = serializers.DictField(required=False, allow_null=True)
    expiration_date = f.CharField(required=False, allow_null=True, max_length=40)


class Mem0ServerSearchIn(Mem0ServerEntityIn):
    """mem0's `SearchRequest` (the ids at the top are deprecated there in favour of `filters`).
    `limit` is the older servers' name of `top_k`."""

    schema_extra: ClassVar[dict[str, Any]] = {
        "anyOf": [*ONE_ID, *({"required": ["filters"], "properties": {"filters": {
            "type": "object", "required": [n], "properties": {n: {"type": "string"}}}}}
            for n in NAMES)],
    }  # fmt: skip

    query = f.CharField(max_length=QUERY_MAX_CHARS)
    filters = Mem0FilterField(required=False, allow_null=True)
    top_k = f.IntegerField(required=False, allow_null=True, min_value=1, max_value=100)
    limit = f.IntegerField(required=False, allow_null=True, min_value=1, max_value=100)
    threshold = f.FloatField(required=False, allow_null=True)
    explain = f.BooleanField(required=False, allow_null=True)
    show_expired = f.BooleanField(required=False, allow_null=True)


class Mem0ServerListQuery(serializers.Serializer):
    """`GET /memories` and `DELETE /memories` query strings."""

    user_id = serializers.CharField(required=False, allow_blank=True, max_length=200)
    agent_id = serializers.CharField(required=False, allow_blank=True, max_length=200)
    run_id = serializers.CharField(required=False, allow_blank=True, max_length=200)
    top_k = serializers.IntegerField(required=False, min_value=0, max_value=ALL_MEMORIES_LIMIT)
    show_expired = serializers.BooleanField(required=False, default=False)


class Mem0ServerConfigIn(f.InputSerializer):
    """mem0's `MemoryConfig` dict, for the schema: the view reads every key itself (it names
    the keys it refuses). The stores and paths are refused unless null."""

    schema_extra: ClassVar[dict[str, Any]] = {
        "allOf": [{"properties": {n: {"type": "null"}
                                  for n in ("vector_store", "graph_store", "history_db_path")}}],
    }  # fmt: skip

    version = f.CharField(required=False, allow_null=True, max_length=20)
    llm = serializers.DictField(required=False, allow_null=True)
    embedder = serializers.DictField(required=False, allow_null=True)
    vector_store = serializers.DictField(
        required=False, allow_null=True, help_text="refused: one store for every tenant"
    )
    graph_store = serializers.DictField(
        required=False, allow_null=True, help_text="refused: the graph is built in"
    )
    history_db_path = f.CharField(
        required=False, allow_null=True, help_text="refused: history is in the database"
    )


def entity_ids(data: dict[str, Any]) -> dict[str, str]:
    """The ids given, not blank, in our names (mem0's `run_id` is our `conversation_id`)."""
    names = {"user_id": "user_id", "agent_id": "agent_id", "run_id": "conversation_id"}
    return {ours: str(data[theirs]) for theirs, ours in names.items() if data.get(theirs)}
