"""What every compatibility adapter checks in the bodies other clients send: a JSON object,
ids that are ids, the user turn a feedback becomes, and the add every adapter ends in."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from rest_framework.request import Request
from rest_framework.serializers import Serializer

from apps.core.errors import BadRequest
from apps.memories import serializers as s
from apps.memories import services


def json_object(request: Request) -> dict[str, Any]:
    if not isinstance(request.data, dict):
        raise BadRequest("The body must be a JSON object.", code="invalid_body")
    return request.data


def body_of(request: Request, serializer: type[Serializer]) -> dict[str, Any]:
    """The body checked by `serializer` (the route's request schema): its validated data."""
    data = serializer(data=json_object(request))
    data.is_valid(raise_exception=True)
    return data.validated_data


def parse_id(value: Any, where: str) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError as exc:
        raise BadRequest(f"{where} is not an id.", code="invalid_id") from exc


def parse_ids(values: Any, where: str) -> list[str]:
    if not isinstance(values, list):
        raise BadRequest(f"{where} must be a list.", code="invalid_parameter")
    return [parse_id(value, f"{where}[{index}]") for index, value in enumerate(values)]


def feedback_message(content: str, when: Any) -> dict[str, Any]:
    """A correction in the user's words, as the user turn the pipeline reconciles."""
    message: dict[str, Any] = {"role": "user", "content": content, "metadata": {"feedback": True}}
    if when:
        message["timestamp"] = when.isoformat() if isinstance(when, datetime) else when
    return message


def floor_add(request: Request, fields: dict[str, Any], *, actor: str) -> services.AddResult:
    """An adapter's add, once its body is mapped onto the platform's add fields (`messages`,
    `user_id`, `agent_id`, `conversation_id`, `metadata`, `infer`, `async_mode`, ...): the
    platform's own validation, then the floor's add in the caller's tenant."""
    data = s.AddSerializer(data=fields)
    data.is_valid(raise_exception=True)
    v = data.validated_data
    return services.memory_add(
        tenant=request.tenant,
        scope=services.Scope(user_id=v["user_id"], agent_id=v["agent_id"],
                             conversation_id=v["conversation_id"]),
        messages=v["parsed_messages"], event_id=v.get("event_id"), infer=v["infer"],
        async_mode=v["async_mode"], actor=actor,
    )  # fmt: skip
