"""A small client for any OpenAI-compatible chat API (settings LLM_API_BASE, LLM_API_KEY,
LLM_MODEL), used by the LLM extractor, profile summaries and FAQ classification.

Bounded: LLM_TIMEOUT seconds per call, LLM_MAX_RETRIES retries on timeouts, 5xx and replies that
are not the JSON asked for. Every failure ends in LlmError, which callers turn into a fallback.
The API key is sent only in the Authorization header and never logged.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import httpx
from django.conf import settings

from apps.core.usage import llm_usage_count

logger = logging.getLogger(__name__)


class LlmError(Exception):
    pass


def chat(messages: list[dict[str, str]], *, json_mode: bool = False, max_tokens: int = 800) -> str:
    """The assistant's reply text, after up to LLM_MAX_RETRIES retries."""
    if not settings.LLM_API_BASE:
        raise LlmError("no LLM configured (LLM_API_BASE)")
    body: dict[str, Any] = {"model": settings.LLM_MODEL, "messages": messages,
                            "temperature": 0, "max_tokens": max_tokens}  # fmt: skip
    if json_mode:
        body["response_format"] = {"type": "json_object"}
    headers = {"Authorization": f"Bearer {settings.LLM_API_KEY}"} if settings.LLM_API_KEY else {}
    url = settings.LLM_API_BASE.rstrip("/") + "/chat/completions"
    last = "no attempt"
    for attempt in range(settings.LLM_MAX_RETRIES + 1):
        try:
            response = httpx.post(url, json=body, headers=headers, timeout=settings.LLM_TIMEOUT)
            if response.status_code >= 500 or response.status_code == 429:
                last = f"HTTP {response.status_code}"
                continue
            if response.status_code >= 400:
                raise LlmError(f"HTTP {response.status_code}")
            answer = response.json()
            llm_usage_count(answer=answer)
            return str(answer["choices"][0]["message"]["content"] or "")
        except httpx.TimeoutException:
            last = "timeout"
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
            last = type(exc).__name__
        logger.warning("LLM call failed (attempt %d): %s", attempt + 1, last)
    raise LlmError(last)


def _json_object(text: str) -> dict[str, Any]:
    fenced = re.search(r"```(?:json)?\s*(\{.*\})\s*```", text, re.S)
    candidate = fenced.group(1) if fenced else text[text.find("{") : text.rfind("}") + 1]
    try:
        value = json.loads(candidate)
    except ValueError as exc:
        raise LlmError("reply is not JSON") from exc
    if not isinstance(value, dict):
        raise LlmError("reply is not a JSON object")
    return value


def chat_json(messages: list[dict[str, str]], validate: Any) -> Any:
    """A JSON reply passed through `validate` (which raises LlmError); malformed replies are
    retried like failed calls."""
    last = "no attempt"
    for _ in range(settings.LLM_MAX_RETRIES + 1):
        try:
            return validate(_json_object(chat(messages, json_mode=True)))
        except LlmError as exc:
            last = str(exc)
            if last.startswith(("HTTP", "timeout", "no LLM")):
                raise
    raise LlmError(last)


def profile_summary(profile: dict[str, list[str]]) -> str:
    facts = "\n".join(f"- {kind}: {value}" for kind, values in profile.items() for value in values)
    return chat([
        {"role": "system", "content": "Write a short third-person profile of the user from "
         "these facts, in the language the facts are written in. No invented details."},
        {"role": "user", "content": facts[:6000]},
    ], max_tokens=300).strip()  # fmt: skip
