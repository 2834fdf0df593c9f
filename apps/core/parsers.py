"""JSON parsing with bounded nesting: a deeply nested body is a 400, not a RecursionError."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON nested too deeply.") from None
        if _contains_nul(data):
            raise ParseError("Strings must not contain NUL characters.")
        return data


def _contains_nul(value: Any, depth: int = 0) -> bool:
    if depth > 64:
        raise ParseError("JSON nested too deeply (more than 64 levels).")
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(
            _contains_nul(k, depth + 1) or _contains_nul(v, depth + 1) for k, v in value.items()
        )
    if isinstance(value, list):
        return any(_contains_nul(v, depth + 1) for v in value)
    return False
