"""mem0's platform API in our terms: its filters, its memory shape, its entities.

mem0 (`MemoryClient`, package `mem0ai` 2.x) names memories by `user_id`, `agent_id`, `app_id`
and `run_id`, mostly inside a `filters` object with its own operators. Here `run_id` is our
`conversation_id`, `app_id` a metadata key, `categories` our tags."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from apps.core.errors import BadRequest
from apps.memories.models import Memory, MemoryVersion

ENTITY_FIELDS = {"user": "user_id", "agent": "agent_id", "run": "conversation_id"}
_KEYS = {"run_id": "conversation_id", "categories": "tags", "app_id": "metadata.app_id"}
_OPERATORS = {op: op for op in ("in", "nin", "ne", "eq", "gt", "gte", "lt", "lte", "contains")}
_OPERATORS["icontains"] = "contains"


def _bad(message: str) -> BadRequest:
    return BadRequest(f"Invalid filters: {message}", code="invalid_filters")


def _translate(node: Any, depth: int = 0) -> dict[str, Any] | None:
    """mem0's filter grammar → ours (apps.memories.filters). `"*"` (any value) drops out."""
    if depth > 8 or not isinstance(node, dict):
        raise _bad("a filter is an object, nested at most 8 deep")
    out: list[dict[str, Any]] = []
    for key, value in node.items():
        if key in {"AND", "OR"}:
            if not isinstance(value, list):
                raise _bad(f"{key} takes a list")
            items = [t for t in (_translate(v, depth + 1) for v in value) if t]
            if items:
                out.append({key: items})
        elif key == "NOT":
            inner = _translate(value[0] if isinstance(value, list) and value else value, depth + 1)
            if inner:
                out.append({"NOT": inner})
        elif key == "metadata" and isinstance(value, dict):
            out += [{f"metadata.{k}": v} for k, v in value.items()]
        elif value == "*":
            continue
        else:
            if isinstance(value, dict):
                unknown = set(value) - set(_OPERATORS)
                if unknown:
                    raise _bad(f"unknown operator(s) {sorted(unknown)} for {key!r}")
                value = {_OPERATORS[op]: v for op, v in value.items() if v != "*"}
                if not value:
                    continue
            out.append({_KEYS.get(key, key): value})
    if not out:
        return None
    return out[0] if len(out) == 1 else {"AND": out}


def split_filters(filters: Any, **top: Any) -> tuple[dict[str, str], dict[str, Any] | None]:
    """(scope, rest): the entity ids given as plain equality at the top of `filters` (or as
    top-level fields) become the search scope; everything else stays a filter."""
    scope = {k: str(v) for k, v in top.items() if v}
    if filters in (None, {}):
        return scope, None
    if not isinstance(filters, dict):
        raise _bad("filters must be an object")
    conditions = list(filters.get("AND", [])) if set(filters) == {"AND"} else [filters]
    rest: list[dict[str, Any]] = []
    for condition in conditions:
        if not isinstance(condition, dict):
            raise _bad("AND takes a list of objects")
        remaining = {}
        for key, value in condition.items():
            field = {"user_id": "user_id", "agent_id": "agent_id", "run_id": "conversation_id"}
            is_id = isinstance(value, str | int) and not isinstance(value, bool)
            if key in field and is_id and value != "*":
                scope[field[key]] = str(value)
            else:
                remaining[key] = value
        if remaining:
            rest.append(remaining)
    translated = _translate({"AND": rest}) if rest else None
    return scope, translated


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


def memory_out(memory: Memory, score: float | None = None) -> dict[str, Any]:
    metadata = dict(memory.metadata or {})
    body: dict[str, Any] = {
        "id": str(memory.pk),
        "memory": memory.value,
        "user_id": memory.user_id or None,
        "agent_id": memory.agent_id or None,
        "app_id": metadata.get("app_id"),
        "run_id": memory.conversation_id or None,
        "hash": hashlib.md5(memory.value.encode(), usedforsecurity=False).hexdigest(),
        "metadata": metadata or None,
        "categories": list(memory.tags),
        "immutable": False,
        "expiration_date": None,
        # not in mem0's shape: how often it was said (an extra key its clients pass through)
        "mentions": memory.mentions,
        "created_at": _iso(memory.created_at),
        "updated_at": _iso(memory.updated_at),
    }
    if score is not None:
        body["score"] = score
    return body


def version_out(version: MemoryVersion, memory: Memory) -> dict[str, Any]:
    return {
        "id": str(version.pk),
        "memory_id": str(memory.pk),
        "user_id": memory.user_id or None,
        "old_memory": version.old_value,
        "new_memory": version.new_value,
        "event": version.event,
        "input": [],
        "metadata": memory.metadata or None,
        "created_at": _iso(version.created_at),
        "updated_at": _iso(version.created_at),
    }


def timestamp_iso(value: Any) -> str | None:
    """mem0 sends Unix seconds; we take ISO 8601 too."""
    if value in (None, ""):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(float(value), tz=UTC).isoformat()
        except (OverflowError, OSError, ValueError) as exc:
            raise BadRequest(
                "timestamp is not a valid Unix time", code="invalid_timestamp"
            ) from exc
    return str(value)
