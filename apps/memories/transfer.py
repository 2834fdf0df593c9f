"""Export and import of a user's memories. An import is validated row by row first and then
written all at once: either every row lands or none does."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework import serializers

from apps.core.errors import BadRequest
from apps.memories.models import Memory
from apps.memories.services import MemoryIn
from apps.tenants.models import Tenant

SYNC_IMPORT_LIMIT = 1000
ASYNC_IMPORT_LIMIT = 20000


class ImportRowSerializer(serializers.Serializer):
    memory = serializers.CharField(required=False, max_length=20000)
    summary = serializers.CharField(required=False, max_length=20000)  # the reference's name
    key = serializers.CharField(required=False, max_length=200, allow_blank=True, default="")
    memory_type = serializers.CharField(required=False, default=Memory.Type.LONG_TERM)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, default=list, max_length=100
    )
    metadata = serializers.DictField(required=False, default=dict)
    confidence = serializers.FloatField(required=False, default=1.0, min_value=0, max_value=1)

    def validate_memory_type(self, value: str) -> str:
        legacy = {"qa": Memory.Type.LONG_TERM, "faq": Memory.Type.LONG_TERM}
        value = legacy.get(value, value)
        if value not in Memory.Type.values:
            raise serializers.ValidationError(f"must be one of {', '.join(Memory.Type.values)}")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        text = (attrs.get("memory") or attrs.get("summary") or "").strip()
        if not text:
            raise serializers.ValidationError({"memory": "each row needs a non-empty memory"})
        if len(text) > settings.MEMORY_CONTENT_MAX_CHARS:
            raise serializers.ValidationError({"memory": "too long"})
        attrs["text"] = text
        return attrs


def import_validate(rows: Any, *, limit: int) -> list[MemoryIn]:
    """Every row checked; all errors reported together, keyed by row index."""
    if not isinstance(rows, list) or not rows:
        raise BadRequest("Give a non-empty list of memories to import.", code="invalid_import")
    if len(rows) > limit:
        hint = (
            "" if limit >= ASYNC_IMPORT_LIMIT else f"; async_mode=async takes {ASYNC_IMPORT_LIMIT}"
        )
        raise BadRequest(f"At most {limit} rows per import{hint}.", code="import_too_large")
    items, errors = [], {}
    for index, row in enumerate(rows):
        parsed = ImportRowSerializer(data=row) if isinstance(row, dict) else None
        if parsed is None:
            errors[str(index)] = {"row": ["must be an object"]}
        elif not parsed.is_valid():
            errors[str(index)] = parsed.errors
        else:
            v = parsed.validated_data
            items.append(
                MemoryIn(
                    value=v["text"],
                    key=v["key"],
                    memory_type=v["memory_type"],
                    tags=v["tags"],
                    metadata=v["metadata"],
                    confidence=v["confidence"],
                    sources=[{"message_id": None, "role": "import", "metadata": {}}],
                )
            )
    if errors:
        raise BadRequest(
            f"{len(errors)} of {len(rows)} rows are invalid; nothing was imported.",
            code="invalid_import",
            details={"rows": errors},
        )
    return items


@dataclass
class Export:
    user_id: str
    exported_at: str
    memories: list[Memory]


def export_collect(*, tenant: Tenant, user_id: str) -> Export:
    memories = list(
        Memory.objects.filter(tenant=tenant, user_id=user_id, status=Memory.Status.ACTIVATED)
        .defer("embedding", "search_vector")
        .order_by("created_at")
    )
    return Export(user_id=user_id, exported_at=timezone.now().isoformat(), memories=memories)


def export_markdown(export: Export) -> str:
    return "".join(_markdown_lines(export))


def _markdown_lines(export: Export) -> Iterator[str]:
    yield f"# Memory Export: {export.user_id}\n\n"
    yield f"Exported: {export.exported_at}\nMemories: {len(export.memories)}\n\n"
    for m in export.memories:
        yield f"## {m.key or m.pk} (v{m.version})\n\n{m.value}\n\n"
        yield f"Tags: {', '.join(m.tags)}\nType: {m.memory_type}\n"
        yield f"Created: {m.created_at.isoformat()}\nId: {m.pk}\n\n---\n\n"
