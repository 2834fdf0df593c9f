"""Request bodies of MemOS's cloud and product APIs, as the views accept them."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from rest_framework import serializers

from apps.chat.api import ModelNameField
from apps.core import fields as f
from apps.core.fields import SchemaRefs
from apps.memories import filters as grammar
from apps.memories.filters import view_field
from apps.memories.models import Role
from apps.memories.serializers import QUERY_MAX_CHARS, ContentField, MessageField

ID = {"max_length": 200}
OPTIONAL_ID = {"max_length": 200, "required": False, "allow_blank": True}
TEXT_LIMIT = settings.MEMORY_CONTENT_MAX_CHARS


# --- MemOS (cloud API and product API) -------------------------------------------------------


def memos_filter_schema(ref: dict[str, str]) -> dict[str, Any]:
    """MemOS writes the logic words in lower case (`and`, `or`, `not`); the rest is ours."""
    schema = grammar.filter_schema(ref)
    logic = {name.lower(): schema["properties"][name] for name in ("AND", "OR", "NOT")}
    return {**schema, "properties": {**schema["properties"], **logic}}


class MemosFilterField(f.SchemaField):
    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError("filter must be an object")
        return data

    def openapi(self, refs: SchemaRefs) -> dict[str, Any]:
        component = refs.component(
            "MemosFilter", lambda: memos_filter_schema(refs.component("MemosFilter", dict))
        )
        return {"anyOf": [component, {"type": "object", "maxProperties": 0}]}


class OneIdField(f.SchemaField):
    """MemOS lets some ids be a list; we serve one: a string, or a list of one string."""

    def __init__(self, *, blank: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.blank = blank

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, list):
            if len(data) != 1:
                raise serializers.ValidationError("give one id")
            data = data[0]
        if not isinstance(data, str) or len(data) > 200:
            raise serializers.ValidationError("an id is a string of at most 200 characters")
        if not self.blank and not data.strip():
            raise serializers.ValidationError("This field may not be blank.")
        return data.strip()

    def openapi(self, refs: SchemaRefs) -> dict[str, Any]:
        return _one_id(blank=self.blank)


def _one_id(*, blank: bool) -> dict[str, Any]:
    one = {"type": "string", "maxLength": 200} | ({} if blank else {"pattern": f.NON_BLANK_PATTERN})
    return {"anyOf": [one, {"type": "array", "minItems": 1, "maxItems": 1, "items": one}]}


def _non_blank_one() -> dict[str, Any]:
    return _one_id(blank=False)


# MemOS names a memory space by user_id or agent_id: one of them, not blank.
SUBJECT: dict[str, Any] = {
    "anyOf": [
        {"required": ["user_id"], "properties": {"user_id": _non_blank_one()}},
        {"required": ["agent_id"], "properties": {"agent_id": _non_blank_one()}},
    ]
}


class MemosSubjectIn(f.InputSerializer):
    schema_extra: ClassVar[dict[str, Any]] = SUBJECT

    user_id = OneIdField(required=False, allow_null=True)
    agent_id = OneIdField(required=False, allow_null=True)
    conversation_id = OneIdField(required=False, allow_null=True)


class MemosMessageIn(f.InputSerializer):
    role = f.ChoiceField(choices=Role.choices, default=Role.USER)
    content = ContentField()
    chat_time = f.DateTimeField(required=False, allow_null=True, help_text="when it was said")
    metadata = serializers.DictField(required=False)


class MemosMessagesField(MessageField):
    message_serializer = MemosMessageIn


class MemosAddIn(MemosSubjectIn):
    messages = MemosMessagesField()
    info = serializers.DictField(required=False, allow_null=True)
    tags = serializers.ListField(child=f.CharField(max_length=100), required=False, allow_null=True)
    source = f.CharField(required=False, allow_blank=True, allow_null=True, max_length=200)
    app_id = f.CharField(required=False, allow_blank=True, allow_null=True, max_length=200)
    async_mode = f.BooleanField(required=False, default=True)


class MemosFeedbackIn(MemosSubjectIn):
    feedback_content = f.CharField(max_length=TEXT_LIMIT)
    feedback_time = f.DateTimeField(required=False, allow_null=True)
    info = serializers.DictField(required=False, allow_null=True)
    tags = serializers.ListField(child=f.CharField(max_length=100), required=False, allow_null=True)
    source = f.CharField(required=False, allow_blank=True, allow_null=True, max_length=200)
    app_id = f.CharField(required=False, allow_blank=True, allow_null=True, max_length=200)


class MemosSearchIn(MemosSubjectIn):
    query = f.CharField(max_length=QUERY_MAX_CHARS)
    relativity = f.FloatField(required=False, allow_null=True)
    memory_limit_number = f.IntegerField(required=False, allow_null=True, min_value=1, max_value=50)
    filter = MemosFilterField(required=False, allow_null=True)


class MemosGetMemoryIn(MemosSubjectIn):
    page = f.IntegerField(required=False, allow_null=True, min_value=1, max_value=10**6)
    size = f.IntegerField(required=False, allow_null=True, min_value=1, max_value=50)
    filter = MemosFilterField(required=False, allow_null=True)
    # MemOS lists the memories it extracted: one entry per piece of information
    view = view_field("distilled")


SOME_MEMORY_IDS = {
    "required": ["memory_ids"],
    "properties": {"memory_ids": {"type": "array", "minItems": 1}},
}


class MemosDeleteIn(f.InputSerializer):
    schema_extra: ClassVar[dict[str, Any]] = {
        "anyOf": [
            SOME_MEMORY_IDS,
            *SUBJECT["anyOf"],
            {"required": ["user_ids"], "properties": {"user_ids": _non_blank_one()}},
        ]
    }

    memory_ids = serializers.ListField(child=f.UUIDField(), required=False, allow_null=True)
    user_id = OneIdField(required=False, allow_null=True)
    user_ids = OneIdField(required=False, allow_null=True)
    agent_id = OneIdField(required=False, allow_null=True)
    memory_type = f.CharField(required=False, allow_blank=True, allow_null=True, max_length=32)
    filter = MemosFilterField(required=False, allow_null=True)


class MemosGetMessageIn(f.InputSerializer):
    user_id = OneIdField(blank=False)
    conversation_id = OneIdField(required=False, allow_null=True)
    message_limit_number = f.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=500
    )


class MemosStatusIn(f.InputSerializer):
    task_id = f.CharField(max_length=200, help_text="an add's task_id (unknown: 404)")


def _cubes() -> serializers.ListField:
    """MemOS product API: a list of cube ids (our user_ids), at most 20."""
    return serializers.ListField(child=f.CharField(max_length=200), max_length=20, required=False)


class ProductIn(f.InputSerializer):
    user_id = f.CharField(**ID)
    mem_cube_id = f.CharField(required=False, allow_blank=True, allow_null=True, **ID)
    session_id = f.CharField(required=False, allow_blank=True, allow_null=True, **ID)


class ProductAddIn(ProductIn):
    schema_extra: ClassVar[dict[str, Any]] = {
        "anyOf": [
            {"required": ["messages"]},
            {"required": ["memory_content"], "properties": {"memory_content": {"minLength": 1}}},
        ]
    }

    messages = MessageField(required=False)
    memory_content = f.CharField(required=False, allow_blank=True, max_length=TEXT_LIMIT)
    info = serializers.DictField(required=False, allow_null=True)
    custom_tags = serializers.ListField(
        child=f.CharField(max_length=100), required=False, allow_null=True
    )
    async_mode = f.ChoiceField(choices=["sync", "async"], required=False, default="sync")
    writable_cube_ids = _cubes()


class ProductSearchIn(ProductIn):
    query = f.CharField(max_length=QUERY_MAX_CHARS)
    top_k = f.IntegerField(required=False, allow_null=True, min_value=1, max_value=100)
    relativity = f.FloatField(required=False, allow_null=True, min_value=0, max_value=1)
    threshold = f.FloatField(required=False, allow_null=True, min_value=0, max_value=1)
    filter = MemosFilterField(required=False, allow_null=True)
    readable_cube_ids = _cubes()


class ProductGetAllIn(ProductIn):
    memory_type = f.ChoiceField(
        choices=["text_mem", "act_mem", "param_mem", "para_mem"], required=False, allow_null=True
    )
    mem_cube_ids = _cubes()
    view = view_field("distilled")


class ProductGetMemoryIn(f.InputSerializer):
    mem_cube_id = f.CharField(**ID)
    user_id = f.CharField(required=False, allow_blank=True, allow_null=True, **ID)
    page = f.IntegerField(required=False, allow_null=True, min_value=1, max_value=10**6)
    page_size = f.IntegerField(required=False, allow_null=True, min_value=1, max_value=500)
    filter = MemosFilterField(required=False, allow_null=True)
    view = view_field("distilled")


class ProductDeleteIn(f.InputSerializer):
    schema_extra: ClassVar[dict[str, Any]] = {
        "anyOf": [
            SOME_MEMORY_IDS,
            {"required": ["writable_cube_ids"],
             "properties": {"writable_cube_ids": {"type": "array", "minItems": 1}}},
        ]
    }  # fmt: skip

    memory_ids = serializers.ListField(child=f.UUIDField(), required=False, allow_null=True)
    writable_cube_ids = _cubes()
    filter = MemosFilterField(required=False, allow_null=True)
    session_id = f.CharField(required=False, allow_blank=True, allow_null=True, **ID)
    user_id = f.CharField(
        required=False, allow_blank=True, allow_null=True,
        help_text="for a registered cube in writable_cube_ids: its owner", **ID,
    )  # fmt: skip


class ProductFeedbackIn(ProductIn):
    feedback_content = f.CharField(max_length=TEXT_LIMIT)
    feedback_time = f.DateTimeField(required=False, allow_null=True)
    writable_cube_ids = _cubes()


class HistoryTurnIn(f.InputSerializer):
    role = f.ChoiceField(choices=Role.choices)
    content = f.CharField(allow_blank=True, trim_whitespace=False)


class ProductChatIn(ProductIn):
    query = f.CharField(max_length=TEXT_LIMIT)
    history = f.ListOf(HistoryTurnIn, required=False, allow_null=True)
    system_prompt = f.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=TEXT_LIMIT
    )
    model_name_or_path = ModelNameField(required=False, allow_null=True)
    max_tokens = f.IntegerField(required=False, allow_null=True, min_value=1, max_value=1_000_000)
    temperature = f.FloatField(required=False, allow_null=True, min_value=0, max_value=2)
    top_p = f.FloatField(required=False, allow_null=True, min_value=0, max_value=1)
    add_message_on_answer = f.BooleanField(required=False, default=True)
    top_k = f.IntegerField(required=False, allow_null=True, min_value=1, max_value=50)
    relativity = f.FloatField(required=False, allow_null=True, min_value=0, max_value=1)
    readable_cube_ids = _cubes()
    writable_cube_ids = _cubes()


class Mem0VersionOut(serializers.Serializer):
    """One entry of a memory's history, in mem0's shape."""

    id = serializers.CharField()
    memory_id = serializers.UUIDField()
    user_id = serializers.CharField(allow_null=True)
    old_memory = serializers.CharField(allow_null=True)
    new_memory = serializers.CharField(allow_null=True)
    event = serializers.ChoiceField(choices=["ADD", "UPDATE", "DELETE"])
    input = serializers.ListField(child=serializers.DictField())
    metadata = serializers.DictField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
