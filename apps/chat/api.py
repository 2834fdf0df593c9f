"""POST /v1/chat/completions: OpenAI's chat API with the user's memories in the context."""

from __future__ import annotations

from typing import Any

from django.http import StreamingHttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.chat.routing import model_route
from apps.chat.services import ChatTurn, chat_complete, chat_stream_open
from apps.chat.streaming import sse_response
from apps.core.api import TenantAPIView

ROLES = ("system", "developer", "user", "assistant", "tool", "function")


class ChatMessageSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=ROLES)
    content = serializers.JSONField(required=False, allow_null=True)

    def validate_content(self, value: Any) -> Any:
        if value is not None and not isinstance(value, str | list):
            raise serializers.ValidationError("must be a string or a list of content parts")
        return value


class ChatCompletionSerializer(serializers.Serializer):
    """The fields we read; every other field of the body goes to the model as it came."""

    model = serializers.CharField(required=False, allow_blank=True, max_length=200)
    messages = serializers.ListField(child=serializers.DictField(), min_length=1, max_length=500)
    stream = serializers.BooleanField(required=False, default=False)
    temperature = serializers.FloatField(required=False, min_value=0, max_value=2)
    max_tokens = serializers.IntegerField(required=False, min_value=1, max_value=1_000_000)
    user = serializers.CharField(required=False, allow_blank=True, max_length=200)
    agent_id = serializers.CharField(required=False, allow_blank=True, max_length=200)
    conversation_id = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def validate_messages(self, value: list[dict]) -> list[dict]:
        for index, message in enumerate(value):
            check = ChatMessageSerializer(data=message)
            if not check.is_valid():
                raise serializers.ValidationError({index: check.errors})
        return value


class ChatCompletionsView(TenantAPIView):
    required_scope = "chat"
    audit_target_type = "chat"

    @extend_schema(operation_id="chat_completions", request=ChatCompletionSerializer,
                   responses={200: dict}, tags=["chat"],
                   description="OpenAI-compatible. The end user is `user` or the X-User-ID "
                   "header; their memories are added to the context and the exchange is "
                   "remembered. `stream: true` answers with server-sent events.")  # fmt: skip
    def post(self, request: Request) -> Response | StreamingHttpResponse:
        data = ChatCompletionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        user_id = (v.get("user") or request.headers.get("X-User-ID") or "").strip() or None
        turn = ChatTurn(
            tenant=request.tenant, user_id=user_id, messages=v["messages"],
            body=dict(request.data), model=model_route(v.get("model")),
            actor=self.actor, agent_id=v.get("agent_id") or "",
            conversation_id=v.get("conversation_id") or "",
        )  # fmt: skip
        headers = {"X-Memory-Count": str(0)}
        if not v["stream"]:
            completion = chat_complete(turn)
            headers["X-Memory-Count"] = str(len(turn.memories))
            return Response(completion, headers=headers)
        stream = chat_stream_open(turn)
        response = sse_response(stream.lines(), request, abort=stream.abort)
        response["X-Memory-Count"] = str(len(turn.memories))
        return response
