"""What the MemOS adapters (cloud API `memos_api`, product API `memos_product`) share."""

from __future__ import annotations

from typing import Any

from apps.core.errors import BadRequest


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
