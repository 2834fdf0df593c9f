"""Go: functions, methods (qualified by their receiver type), structs and interfaces with the
comments above them; imports of the module's own packages resolved (go.mod); Gin routes
(`r.GET("/x", h)`)."""

from __future__ import annotations

from functools import cache

import tree_sitter as ts
import tree_sitter_go

from apps.wiki.ir import Endpoint
from apps.wiki.parsing.engine import FileContext, LanguageSpec, line, text, unquote

DEFINITIONS = """
(function_declaration name: (identifier) @name) @def.function
(method_declaration
  receiver: (parameter_list (parameter_declaration
    type: [(type_identifier) @receiver (pointer_type (type_identifier) @receiver)]))
  name: (field_identifier) @name) @def.method
(type_spec name: (type_identifier) @name type: (struct_type)) @def.struct
(type_spec name: (type_identifier) @name type: (interface_type)) @def.interface
"""
CALLS = "(call_expression function: (_) @callee)"
IMPORTS = "(import_spec path: (_) @module) @import"
VERBS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "Any", "Handle"}


def resolve_import(target: str, path: str, context: FileContext) -> str | None:
    """A package of this module (go.mod's `module` prefix) -> the first .go file there."""
    module = context.go_module
    if not module or not (target == module or target.startswith(module + "/")):
        return None
    directory = target[len(module) :].strip("/")
    files = sorted(p for p in context.by_dir.get(directory, []) if p.endswith(".go"))
    return files[0] if files else None


@cache
def _routes_query() -> ts.Query:
    return ts.Query(ts.Language(tree_sitter_go.language()), """(call_expression
        function: (selector_expression field: (field_identifier) @verb)
        arguments: (argument_list . (interpreted_string_literal) @path)) @call""")  # fmt: skip


def endpoints(root: ts.Node, source: bytes, path: str) -> list[Endpoint]:
    out = []
    for _, cap in ts.QueryCursor(_routes_query()).matches(root):
        verb, route = text(cap["verb"][0], source), unquote(text(cap["path"][0], source))
        if verb not in VERBS or not route.startswith("/"):
            continue
        args = cap["call"][0].child_by_field_name("arguments")
        handler = text(args.named_children[-1], source) if args.named_child_count > 1 else ""
        method = "ANY" if verb in ("Any", "Handle") else verb
        out.append(Endpoint(method=method, path=route, handler=" ".join(handler.split())[:200],
                            framework="gin", file=path, line=line(cap["call"][0])))  # fmt: skip
    return out


SPEC = LanguageSpec(
    name="go", extensions=(".go",), language=tree_sitter_go.language, definitions=DEFINITIONS,
    calls=CALLS, imports=IMPORTS, resolve_import=resolve_import, endpoints=endpoints,
    wrappers=frozenset({"type_declaration"}),
)  # fmt: skip
