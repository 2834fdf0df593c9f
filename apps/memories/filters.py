"""Metadata filters → parameterised SQL.

Grammar: a filter is an object. `AND` / `OR` take a list of filters, `NOT` takes one filter.
Any other key names a field: a column (`user_id`, `agent_id`, `conversation_id`/`run_id`,
`memory_type`, `key`, `tags`, `created_at`, `updated_at`) or a metadata key (`metadata.x`, or
`x` when it is not a column). Its value is a scalar (equality) or an object of operators:
eq, ne, in, nin, gt, gte, lt, lte, contains. Several keys in one object are ANDed.
Example:
`{"AND": [{"category": "food"}, {"score": {"gte": 3}}, {"NOT": {"tags": {"contains": "old"}}}]}`
"""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from django.utils.dateparse import parse_datetime

from apps.core import fields as f
from apps.core.errors import BadRequest
from apps.core.fields import utc

OPERATORS = {"eq", "ne", "in", "nin", "gt", "gte", "lt", "lte", "contains"}
TEXT_COLUMNS = {"user_id", "agent_id", "conversation_id", "memory_type", "key"}
TIME_COLUMNS = {"created_at", "updated_at"}
ALIASES = {"run_id": "conversation_id"}
COMPARE = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
MAX_DEPTH = 8


def _bad(message: str) -> BadRequest:
    return BadRequest(f"Invalid filters: {message}", code="invalid_filters")


def compile_filters(filters: Any, alias: str = "m") -> tuple[str, list[Any]]:
    if not isinstance(filters, dict):
        raise _bad("a filter must be an object")
    return _node(filters, alias, 0)


def _node(node: Any, alias: str, depth: int) -> tuple[str, list[Any]]:
    if depth > MAX_DEPTH:
        raise _bad(f"nested deeper than {MAX_DEPTH}")
    if not isinstance(node, dict) or not node:
        raise _bad("a filter must be a non-empty object")
    parts: list[str] = []
    params: list[Any] = []
    for key, value in node.items():
        if key in {"AND", "OR"}:
            if not isinstance(value, list) or not value:
                raise _bad(f"{key} takes a non-empty list")
            compiled = [_node(item, alias, depth + 1) for item in value]
            joiner = " AND " if key == "AND" else " OR "
            parts.append("(" + joiner.join(sql for sql, _ in compiled) + ")")
            for _, p in compiled:
                params += p
        elif key == "NOT":
            sql, p = _node(value, alias, depth + 1)
            parts.append(f"NOT ({sql})")
            params += p
        else:
            sql, p = _field(key, value, alias)
            parts.append(sql)
            params += p
    return "(" + " AND ".join(parts) + ")", params


def _field(name: str, spec: Any, alias: str) -> tuple[str, list[Any]]:
    if not isinstance(name, str) or not name or len(name) > 100:
        raise _bad("field names are non-empty strings of at most 100 characters")
    ops = spec if isinstance(spec, dict) else {"eq": spec}
    if not ops:
        raise _bad(f"no operator for {name!r}")
    unknown = set(ops) - OPERATORS
    if unknown:
        raise _bad(f"unknown operator(s) {sorted(unknown)} for {name!r}; use {sorted(OPERATORS)}")
    name = ALIASES.get(name, name)
    parts, params = [], []
    for op, value in ops.items():
        sql, p = _condition(name, op, value, alias)
        parts.append(sql)
        params += p
    return "(" + " AND ".join(parts) + ")", params


def _scalar(value: Any, name: str, op: str) -> Any:
    if isinstance(value, dict | list):
        raise _bad(f"{name!r} {op} takes a single value")
    return value


def _condition(name: str, op: str, value: Any, alias: str) -> tuple[str, list[Any]]:
    if name in TEXT_COLUMNS or name in TIME_COLUMNS:
        return _column(f"{alias}.{name}", op, value, name)
    if name == "tags":
        return _tags(alias, op, value)
    key = name.removeprefix("metadata.")
    if not key:
        raise _bad("empty metadata key")
    return _metadata(alias, key, op, value)


def _text(value: Any, name: str, op: str) -> str:
    """A text column compares with text: a number is taken as its digits; anything else would
    reach PostgreSQL as another type (`varchar = boolean`) and fail there."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _bad(f"{name!r} {op} takes a string or a number")
    return str(value)


def _moment(value: Any, name: str, op: str) -> Any:
    """A time column compares with a time, parsed here: an unparsable string would fail in
    PostgreSQL's cast instead."""
    try:
        moment = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        raise _bad(f"{name!r} {op} takes an ISO 8601 date-time")
    # In UTC: PostgreSQL refuses offsets beyond 15:59 (RFC 3339 allows 23:59).
    return utc(moment) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _column(column: str, op: str, value: Any, name: str) -> tuple[str, list[Any]]:
    if op == "contains":
        return f"{column}::text ILIKE %s", [f"%{_text(value, name, op)}%"]
    convert = _moment if name in TIME_COLUMNS else _text
    if op in {"in", "nin"}:
        if not isinstance(value, list) or not value:
            raise _bad(f"{name!r} {op} takes a non-empty list")
        sql = f"{column} {'=' if op == 'in' else '<>'} {'ANY' if op == 'in' else 'ALL'}(%s)"
        return sql, [[convert(v, name, op) for v in value]]
    value = convert(value, name, op)
    if op == "eq":
        return f"{column} = %s", [value]
    if op == "ne":
        return f"{column} <> %s", [value]
    return f"{column} {COMPARE[op]} %s", [value]


def _tags(alias: str, op: str, value: Any) -> tuple[str, list[Any]]:
    values = value if isinstance(value, list) else [value]
    values = [str(v) for v in values]
    if op in {"eq", "contains", "in"}:
        operator = "&&" if op == "in" else "@>"
        return f"{alias}.tags {operator} %s::varchar[]", [values]
    if op in {"ne", "nin"}:
        return f"NOT ({alias}.tags && %s::varchar[])", [values]
    raise _bad(f"tags do not support {op}")


def _metadata(alias: str, key: str, op: str, value: Any) -> tuple[str, list[Any]]:
    column = f"{alias}.metadata"
    if op in {"eq", "ne"}:
        value = _scalar(value, key, op)
        sql = f"{column} @> %s::jsonb"
        return (sql if op == "eq" else f"NOT ({sql})"), [json.dumps({key: value})]
    if op in {"in", "nin"}:
        if not isinstance(value, list) or not value:
            raise _bad(f"{key!r} {op} takes a non-empty list")
        any_sql = " OR ".join([f"{column} @> %s::jsonb"] * len(value))
        params = [json.dumps({key: v}) for v in value]
        return (f"({any_sql})" if op == "in" else f"NOT ({any_sql})"), params
    if op == "contains":
        if isinstance(value, dict):
            raise _bad(f"{key!r} contains takes a string, number or list")
        return (
            f"(({column} -> %s) @> %s::jsonb OR ({column} ->> %s) ILIKE %s)",
            [key, json.dumps(value if isinstance(value, list) else [value]), key, f"%{value}%"],
        )
    value = _scalar(value, key, op)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _bad(f"{key!r} {op} takes a number, a date or a string")
    if isinstance(value, int | float):
        return (
            f"(jsonb_typeof({column} -> %s) = 'number' AND ({column} ->> %s)::numeric "
            f"{COMPARE[op]} %s)",
            [key, key, value],
        )
    return f"({column} ->> %s) {COMPARE[op]} %s", [key, value]


# The grammar above as JSON Schema (OpenAPI 3.1), for the request bodies that take filters.
# Not said by it: nesting deeper than MAX_DEPTH.

SCALAR = {"type": ["string", "number", "boolean", "null"]}
TEXT = {"type": ["string", "number"]}
MOMENT = {"type": "string", "format": "date-time"}
NOT_OBJECT = {"type": ["string", "number", "boolean", "null", "array"]}
FIELD_NAME = {"minLength": 1, "maxLength": 100, "not": {"const": "metadata."}}


def nonempty_list(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "minItems": 1, "items": items}


def condition_schema(
    kind: str, *, aliases: dict[str, str] | None = None, wildcard: bool = False
) -> dict[str, Any]:
    """What a field of `kind` (text, time, tags, metadata) takes: a value (equality) or an
    object of operators. `aliases` adds operator names (alias → operator); `wildcard` lets any
    value be "*" (mem0's "any value", dropped before the grammar sees it)."""
    if kind == "text":
        plain = TEXT
        ops = {op: TEXT for op in OPERATORS}
        ops |= {"in": nonempty_list(TEXT), "nin": nonempty_list(TEXT)}
    elif kind == "time":
        plain = MOMENT
        ops = {op: MOMENT for op in OPERATORS} | {"contains": TEXT}
        ops |= {"in": nonempty_list(MOMENT), "nin": nonempty_list(MOMENT)}
    elif kind == "tags":
        plain, ops = NOT_OBJECT, {op: {} for op in ("eq", "ne", "in", "nin", "contains")}
    else:
        plain = SCALAR
        ops = {op: TEXT for op in COMPARE} | {"eq": SCALAR, "ne": SCALAR, "contains": NOT_OBJECT}
        ops |= {"in": nonempty_list({}), "nin": nonempty_list({})}
    ops |= {alias: ops[op] for alias, op in (aliases or {}).items() if op in ops}
    if wildcard:
        star = {"const": "*"}
        plain = {"anyOf": [plain, star]}
        ops = {op: {"anyOf": [schema, star]} if schema else schema for op, schema in ops.items()}
    operators = {"type": "object", "additionalProperties": False,
                 "properties": dict(sorted(ops.items()))}  # fmt: skip
    if not wildcard:
        operators["minProperties"] = 1
    return {"anyOf": [plain, operators]}


def field_conditions(**options: Any) -> dict[str, Any]:
    """The columns' conditions, by field name."""
    kinds = {name: "text" for name in (*TEXT_COLUMNS, *ALIASES)}
    kinds |= {name: "time" for name in TIME_COLUMNS} | {"tags": "tags"}
    return {name: condition_schema(kind, **options) for name, kind in sorted(kinds.items())}


def filter_schema(ref: dict[str, str]) -> dict[str, Any]:
    """A filter; `ref` points at this schema itself (AND, OR and NOT nest filters)."""
    return {
        "type": "object",
        "minProperties": 1,
        "description": "AND / OR take a list of filters, NOT one filter; any other key is a "
        "column or a metadata key (`metadata.x` or `x`) with a value (equality) or an object of "
        f"operators ({', '.join(sorted(OPERATORS))}). Nested at most {MAX_DEPTH} deep.",
        "properties": {
            "AND": nonempty_list(ref),
            "OR": nonempty_list(ref),
            "NOT": ref,
            **field_conditions(),
        },
        "propertyNames": FIELD_NAME,
        "additionalProperties": condition_schema("metadata"),
    }


# --- `view`: which memories a listing shows (issue 11, "one answer per fact") ---------------
# - "facts": what the pipeline drew from turns (facts, question-answer pairs) and memories
#   written directly: everything but turns;
# - "turns": the turns as they were said (kind "turn");
# - "distilled": one entry per piece of information: the facts, and the turns no fact was drawn
#   from (with infer off, or a turn the pipeline found nothing in);
# - "all": both. (Applied by apps.memories.selectors.lists.memory_list.)
VIEWS = ("all", "facts", "turns", "distilled")
VIEW_HELP = (
    "Which memories: `facts` (what was drawn from the turns, and memories written directly), "
    "`turns` (the messages as they were said), `distilled` (one entry per piece of "
    "information: the facts, and the turns no fact was drawn from) or `all`."
)


def view_field(default: str) -> f.ChoiceField:
    """The `view` parameter of a listing, with its default on that path."""
    return f.ChoiceField(
        choices=list(VIEWS), required=False, default=default,
        help_text=f"{VIEW_HELP} Default: `{default}`.",
    )  # fmt: skip
