"""JSON parsing that answers 400 for what the rest of the platform cannot hold: nesting too deep
to walk, NUL characters (PostgreSQL text refuses them) and lone UTF-16 surrogates (JSON allows
"\\ud800" but it is no Unicode character: UTF-8 cannot encode it, so the database driver fails on
it wherever it lands, a query, a stored turn or the audit row written after the change). They are
refused once, here, for every API view, instead of in each serializer that takes text."""

from __future__ import annotations

import re
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 64
# NUL and the surrogate range. Python's json joins a valid surrogate pair into one code point,
# so a surrogate left in a parsed string is always a lone one.
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


class SafeJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON nested too deeply.", code="nesting_too_deep") from None
        bad = _first_bad_char(data)
        if bad == "\x00":
            raise ParseError("Strings must not contain NUL characters.", code="nul_character")
        if bad is not None:
            raise ParseError(
                "Strings must not contain lone UTF-16 surrogates (such as \\ud800); "
                "they are not Unicode characters.",
                code="invalid_unicode",
            )
        return data


def _first_bad_char(value: Any, depth: int = 0) -> str | None:
    """The first NUL or lone surrogate in any string or key of `value`, else None."""
    if depth > MAX_DEPTH:
        raise ParseError(
            f"JSON nested too deeply (more than {MAX_DEPTH} levels).", code="nesting_too_deep"
        )
    if isinstance(value, str):
        match = _BAD_TEXT.search(value)
        return match.group() if match else None
    if isinstance(value, dict):
        for key, item in value.items():
            bad = _first_bad_char(key, depth + 1) or _first_bad_char(item, depth + 1)
            if bad is not None:
                return bad
    elif isinstance(value, list):
        for item in value:
            bad = _first_bad_char(item, depth + 1)
            if bad is not None:
                return bad
    return None
