"""What every compatibility adapter checks in the bodies other clients send: a JSON object,
ids that are ids, and the user turn a feedback becomes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from rest_framework.request import Request
from rest_framework.serializers import Serializer

from apps.core.errors import BadRequest


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
