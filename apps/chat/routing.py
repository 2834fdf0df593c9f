"""Which upstream model serves a chat request: CHAT_MODEL_LIST (MemOS's shape), else the
pipeline's LLM (LLM_API_BASE / LLM_MODEL). An upstream's key stays here: it is sent to that
upstream only, never returned or logged."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from apps.core.errors import BadRequest, ServiceUnavailable


@dataclass(frozen=True)
class ChatModel:
    name: str  # what the upstream calls it (`model_name_or_path`)
    api_base: str
    api_key: str = field(repr=False)
    backend: str = "openai"
    extra_body: dict[str, Any] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()  # `support_models`: names clients may ask for

    def serves(self, requested: str) -> bool:
        return requested == self.name or requested in self.aliases


def configured_models() -> list[ChatModel]:
    models = []
    for entry in settings.CHAT_MODEL_LIST or []:
        if not isinstance(entry, dict) or not entry.get("api_base"):
            continue
        name = str(entry.get("model_name_or_path") or entry.get("model") or "")
        aliases = tuple(str(a) for a in entry.get("support_models") or [])
        models.append(ChatModel(
            name=name or (aliases[0] if aliases else ""), api_base=str(entry["api_base"]),
            api_key=str(entry.get("api_key") or ""), backend=str(entry.get("backend") or "openai"),
            extra_body=dict(entry.get("extra_body") or {}), aliases=aliases,
        ))  # fmt: skip
    if not models and settings.LLM_API_BASE:
        models.append(ChatModel(name=settings.LLM_MODEL, api_base=settings.LLM_API_BASE,
                                api_key=settings.LLM_API_KEY))  # fmt: skip
    return models


def supported_names(models: list[ChatModel]) -> list[str]:
    return list(dict.fromkeys(n for m in models for n in (m.name, *m.aliases) if n))


def model_route(requested: str | None) -> ChatModel:
    """The model for `requested` (the first configured one when none is asked for)."""
    models = configured_models()
    if not models:
        raise ServiceUnavailable(
            "No chat model is configured: set CHAT_MODEL_LIST (or LLM_API_BASE and LLM_MODEL).",
            code="chat_not_configured",
        )
    if not requested:
        return models[0]
    for model in models:
        if model.serves(requested):
            return model
    raise BadRequest(
        f"Unknown model {requested!r}.",
        code="unknown_model",
        details={"model": requested, "supported": supported_names(models)},
    )
