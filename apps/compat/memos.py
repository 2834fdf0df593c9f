"""What the MemOS adapters (cloud API `memos_api`, product API `memos_product`) share."""

from __future__ import annotations

import uuid
from typing import Any

from apps.core.errors import BadRequest
from apps.memories.models import Memory
from apps.tenants.models import Tenant


def memos_filters(value: Any) -> dict[str, Any] | None:
    """MemOS writes `and` / `or` / `not`; our grammar spells them in capitals."""
    if value in (None, {}):
        return None
    if not isinstance(value, dict):
        raise BadRequest("filter must be an object.", code="invalid_filters")

    def upper(node: Any) -> Any:
        if isinstance(node, dict):
            return {(k.upper() if k in {"and", "or", "not"} else k): upper(v)
                    for k, v in node.items()}  # fmt: skip
        if isinstance(node, list):
            return [upper(v) for v in node]
        return node

    return upper(value)


def memories_by_ids(*, tenant: Tenant, memory_ids: list[str]) -> list[Memory]:
    """The tenant's memories among `memory_ids` that are not deleted, in the order asked; ids
    that are none of them (unknown, another tenant's, not an id) are skipped, as MemOS does."""
    wanted = []
    for value in memory_ids:
        try:
            wanted.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    rows = Memory.objects.filter(tenant=tenant, pk__in=wanted).exclude(status=Memory.Status.DELETED)
    found = {str(m.pk): m for m in rows}
    return [found[i] for i in dict.fromkeys(wanted) if i in found]
