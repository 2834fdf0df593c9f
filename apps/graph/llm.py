"""Relation extraction by an LLM, when one is configured (LLM_API_BASE, LLM_MODEL, LLM_API_KEY,
LLM_TIMEOUT, LLM_MAX_RETRIES: the same settings as the pipeline's) and GRAPH_LLM_EXTRACT is on.

One call per text, JSON mode, and the reply validated: relations whose predicate is not one of
ours, or whose ends are empty or too long, are dropped; a reply that is not the JSON asked for is
retried, then given up. Whatever fails, the caller falls back to the rules (`None` here). The
graph does not import the pipeline's client (apps on layer 3 stay independent); this one is the
same few lines: OpenAI-compatible chat completions over httpx, the key only in the header.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
from django.conf import settings

from apps.graph.models import PREDICATES

logger = logging.getLogger(__name__)

TYPES = ("Person", "Organization", "Place", "Role", "Thing", "Group", "School")
SYSTEM = (
    'Extract relations from the user\'s text as JSON: {"relations": [{"subject", '
    '"subject_type", "predicate", "object", "object_type"}]}. Predicates: '
    + ", ".join(PREDICATES)
    + ". Types: "
    + ", ".join(TYPES)
    + '. The speaker is "USER". Only relations the text states; none: {"relations": []}.'
)


def enabled() -> bool:
    return bool(settings.GRAPH_LLM_EXTRACT and settings.LLM_API_BASE)


def _call(text: str) -> str:
    body = {"model": settings.LLM_MODEL, "temperature": 0, "max_tokens": 800,
            "response_format": {"type": "json_object"},
            "messages": [{"role": "system", "content": SYSTEM},
                         {"role": "user", "content": text[:8000]}]}  # fmt: skip
    headers = {"Authorization": f"Bearer {settings.LLM_API_KEY}"} if settings.LLM_API_KEY else {}
    url = settings.LLM_API_BASE.rstrip("/") + "/chat/completions"
    response = httpx.post(url, json=body, headers=headers, timeout=settings.LLM_TIMEOUT)
    response.raise_for_status()
    return str(response.json()["choices"][0]["message"]["content"] or "")


def _name(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if 0 < len(value) <= 200 else None


def validated(reply: str) -> list[Any]:
    """The reply's relations as triples; ValueError when it is not the JSON object asked for."""
    from apps.graph.services import Triple

    start, end = reply.find("{"), reply.rfind("}")
    data = json.loads(reply[start : end + 1]) if start >= 0 else None
    if not isinstance(data, dict) or not isinstance(data.get("relations"), list):
        raise ValueError('reply is not {"relations": [...]}')
    triples = []
    for item in data["relations"][:100]:
        if not isinstance(item, dict) or item.get("predicate") not in PREDICATES:
            continue
        subject, obj = _name(item.get("subject")), _name(item.get("object"))
        if subject is None or obj is None:
            continue
        types = [t if t in TYPES else "Thing" for t in (item.get("subject_type"),
                                                         item.get("object_type"))]  # fmt: skip
        triples.append(Triple(subject, types[0], item["predicate"], obj, types[1], 0.8))
    return triples


def llm_triples(text: str) -> list[Any] | None:
    """Triples from the LLM, or None (not configured, or every attempt failed)."""
    if not enabled():
        return None
    for attempt in range(settings.LLM_MAX_RETRIES + 1):
        try:
            return validated(_call(text))
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
            logger.warning("graph LLM extraction failed (attempt %d): %s", attempt + 1,
                           type(exc).__name__)  # fmt: skip
    return None
