"""The messages of an add: content (text and registered content parts), roles, the add body."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from rest_framework import serializers

from apps.core import fields as f
from apps.core.fields import SchemaRefs
from apps.memories.models import Role
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
