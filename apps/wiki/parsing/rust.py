"""Rust: functions, methods (inside `impl` and traits), structs, enums, traits and modules with
their `///` doc comments; `use crate::` / `self::` / `super::` resolved to the crate's files;
Axum routes (`.route("/x", get(h).post(h2))`)."""

from __future__ import annotations

import posixpath
from functools import cache

import tree_sitter as ts
import tree_sitter_rust

from apps.wiki.ir import Endpoint
from apps.wiki.parsing.engine import FileContext, LanguageSpec, line, text, unquote

DEFINITIONS = """
(function_item name: (identifier) @name) @def.function
(function_signature_item name: (identifier) @name) @def.function
(struct_item name: (type_identifier) @name) @def.struct
(enum_item name: (type_identifier) @name) @def.enum
(trait_item name: (type_identifier) @name) @def.trait
(impl_item type: (_) @name) @def.scope
(mod_item name: (identifier) @name) @def.module
"""
CALLS = "(call_expression function: (_) @callee)"
IMPORTS = "(use_declaration argument: (_) @module) @import"
VERBS = {"get", "post", "put", "delete", "patch", "head", "options", "any"}


def resolve_import(target: str, path: str, context: FileContext) -> str | None:
    parts = [p for p in target.split("{", 1)[0].split("::") if p]
    if not parts:
        return None
    head, rest = parts[0], parts[1:]
    if head == "crate":
        at = path.find("src/")
        base = path[: at + 3] if at != -1 else ""
    elif head in ("self", "super"):
        base = posixpath.dirname(path)
        if head == "super":
            base = posixpath.dirname(base)
    else:
        return None  # another crate
    for size in range(len(rest), 0, -1):
        stem = posixpath.join(base, *rest[:size])
        for candidate in (f"{stem}.rs", posixpath.join(stem, "mod.rs")):
            if candidate in context.paths:
                return candidate
    return None


@cache
def _routes_query() -> ts.Query:
    return ts.Query(ts.Language(tree_sitter_rust.language()), """(call_expression
        function: (field_expression field: (field_identifier) @route (#eq? @route "route"))
        arguments: (arguments . (string_literal) @path . (_) @router)) @call""")  # fmt: skip


def _handlers(node: ts.Node, source: bytes) -> list[tuple[str, str]]:
    """`get(a).post(b)` -> [("GET", "a"), ("POST", "b")]."""
    found: list[tuple[str, str]] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "call_expression":
            fn = current.child_by_field_name("function")
            args = current.child_by_field_name("arguments")
            verb = ""
            if fn is not None and fn.type == "identifier":
                verb = text(fn, source)
            elif fn is not None and fn.type == "field_expression":
                verb = text(fn.child_by_field_name("field"), source)
                stack.append(fn.child_by_field_name("value"))
            if verb in VERBS and args is not None and args.named_child_count:
                found.append((verb.upper(), text(args.named_children[0], source)))
    return list(reversed(found))


def endpoints(root: ts.Node, source: bytes, path: str) -> list[Endpoint]:
    out = []
    for _, cap in ts.QueryCursor(_routes_query()).matches(root):
        route = unquote(text(cap["path"][0], source))
        for method, handler in _handlers(cap["router"][0], source):
            out.append(Endpoint(method=method, path=route, handler=handler, framework="axum",
                                file=path, line=line(cap["call"][0])))  # fmt: skip
    return out


SPEC = LanguageSpec(
    name="rust", extensions=(".rs",), language=tree_sitter_rust.language, definitions=DEFINITIONS,
    calls=CALLS, imports=IMPORTS, resolve_import=resolve_import, endpoints=endpoints,
    between=frozenset({"attribute_item"}),
)  # fmt: skip
