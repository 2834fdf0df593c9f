"""POST /v1/chat/completions: OpenAI's chat API with the user's memories in the context."""

from __future__ import annotations

from typing import Any

from django.http import StreamingHttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.chat.routing import configured_models, model_route, supported_names
from apps.chat.services import ChatTurn, chat_complete, chat_stream_open
from apps.chat.streaming import sse_response
from apps.core import fields as f
from apps.core.api import TenantAPIView
from apps.core.fields import SchemaRefs

ROLES = ("system", "developer", "user", "assistant", "tool", "function")
MAX_MESSAGES = 500


class ModelNameField(f.SchemaField):
    """A configured model's name (or an alias); blank or absent: the first configured model.
    The schema lists the names configured when it is generated."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str) or len(data) > 200:
            raise serializers.ValidationError("a model name is a string")
        return data

    def openapi(self, refs: SchemaRefs) -> dict[str, Any]:
        names = supported_names(configured_models())
        if not names:
            return {"type": "string", "maxLength": 200}
        # consts, not an enum: the names are configuration, not a choice set to name
        return {"anyOf": [{"const": name} for name in ["", *names]]}


class ContentPartsField(f.SchemaField):
    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str | list):
            raise serializers.ValidationError("must be a string or a list of content parts")
        return data

    def openapi(self, refs: SchemaRefs) -> dict[str, Any]:
        return {"type": ["string", "array"], "description": "text, or OpenAI's content parts"}


class ChatMessageSerializer(f.InputSerializer):
    role = f.ChoiceField(choices=ROLES)
    content = ContentPartsField(required=False, allow_null=True)


class ChatMessagesField(f.SchemaField):
    """The messages, each checked, passed on as they came (with `name`, `tool_calls`, ...)."""

    def to_internal_value(self, data: Any) -> list[dict[str, Any]]:
        if not isinstance(data, list) or not 1 <= len(data) <= MAX_MESSAGES:
            raise serializers.ValidationError(f"a list of 1 to {MAX_MESSAGES} messages")
        for index, message in enumerate(data):
            check = ChatMessageSerializer(data=message)
            if not check.is_valid():
                raise serializers.ValidationError({index: check.errors})
        return data

    def openapi(self, refs: SchemaRefs) -> dict[str, Any]:
        item = refs.serializer(ChatMessageSerializer)
        return {"type": "array", "minItems": 1, "maxItems": MAX_MESSAGES, "items": item}


class ChatCompletionSerializer(f.InputSerializer):
    """The fields we read; every other field of the body goes to the model as it came."""

    model = ModelNameField(required=False)
    messages = ChatMessagesField()
    stream = f.BooleanField(required=False, default=False)
    temperature = f.FloatField(required=False, min_value=0, max_value=2)
    max_tokens = f.IntegerField(required=False, min_value=1, max_value=1_000_000)
    user = f.CharField(required=False, allow_blank=True, max_length=200)
    # mem0's OpenAI-compatible proxy names the end user here (the SDK's extra_body); first of
    # user_id, user and X-User-ID; never sent to the model
    user_id = f.CharField(required=False, allow_blank=True, allow_null=True, max_length=200)
    agent_id = f.CharField(required=False, allow_blank=True, max_length=200)
    conversation_id = f.CharField(required=False, allow_blank=True, max_length=200)


class ServerSentEvent(serializers.Serializer):
    """One event of a `text/event-stream` answer."""

    data = serializers.CharField(help_text="JSON, or [DONE] at the end of OpenAI's stream")
    event = serializers.CharField(required=False)


class ChatCompletionsView(TenantAPIView):
    required_scope = "chat"
    audit_target_type = "chat"

    @extend_schema(operation_id="chat_completions", request=ChatCompletionSerializer,
                   responses={(200, "application/json"): dict,
                              (200, "text/event-stream"): ServerSentEvent}, tags=["chat"],
                   description="OpenAI-compatible. The end user is `user_id` (mem0's proxy), "
                   "`user` or the X-User-ID header, the first given; their memories are added "
                   "to the context and the exchange is remembered. `stream: true` answers "
                   "with server-sent events.")  # fmt: skip
    def post(self, request: Request) -> Response | StreamingHttpResponse:
        data = ChatCompletionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        user_id = end_user(v, request)
        turn = ChatTurn(
            tenant=request.tenant, user_id=user_id, messages=v["messages"],
            body=dict(request.data), model=model_route(v.get("model")),
            actor=self.actor, agent_id=v.get("agent_id") or "",
            conversation_id=v.get("conversation_id") or "",
        )  # fmt: skip
        if not v["stream"]:
            completion = chat_complete(turn)
            return Response(completion, headers=memory_headers(turn))
        stream = chat_stream_open(turn)
        response = sse_response(stream.lines(), request, abort=stream.abort)
        for name, value in memory_headers(turn).items():
            response[name] = value
        return response


def end_user(v: dict[str, Any], request: Request) -> str | None:
    """The end user whose memories the chat reads and writes: `user_id` in the body (mem0's
    proxy, OpenAI SDK `extra_body`), else OpenAI's `user`, else the X-User-ID header; none of
    them goes to the model. A blank one counts as absent."""
    for value in (v.get("user_id"), v.get("user"), request.headers.get("X-User-ID")):
        if value and value.strip():
            return value.strip()
    return None


def memory_headers(turn: ChatTurn) -> dict[str, str]:
    """How many memories went into the context, and, when a processing gate refused the user's
    memory (consent_required), its code: the answer was made without memory and is not kept."""
    headers = {"X-Memory-Count": str(len(turn.memories))}
    if turn.refused:
        headers["X-Memory-Refused"] = ",".join(sorted(set(turn.refused.values())))
    return headers
