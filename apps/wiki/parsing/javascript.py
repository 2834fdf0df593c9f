"""JavaScript, TypeScript and TSX: functions, classes, methods, arrow functions bound to names,
interfaces, enums and type aliases with JSDoc; `import` / `require` / re-exports resolved to
repository files; Express routes (`app.get('/x', h)`, `router.post(...)`)."""

from __future__ import annotations

import posixpath
from functools import cache

import tree_sitter as ts
import tree_sitter_javascript
import tree_sitter_typescript

from apps.wiki.ir import Endpoint
from apps.wiki.parsing.engine import FileContext, LanguageSpec, line, text, unquote

JS_DEFINITIONS = """
(function_declaration name: (identifier) @name) @def.function
(generator_function_declaration name: (identifier) @name) @def.function
(class_declaration name: (_) @name) @def.class
(method_definition name: (_) @name) @def.method
(variable_declarator name: (identifier) @name
  value: [(arrow_function) (function_expression)]) @def.function
"""
TS_DEFINITIONS = (
    JS_DEFINITIONS
    + """
(abstract_class_declaration name: (_) @name) @def.class
(interface_declaration name: (_) @name) @def.interface
(enum_declaration name: (_) @name) @def.enum
(type_alias_declaration name: (_) @name) @def.type
"""
)
CALLS = """
(call_expression function: (_) @callee)
(new_expression constructor: (_) @callee)
"""
IMPORTS = """
(import_statement source: (string) @module) @import
(export_statement source: (string) @module) @import
(call_expression function: (identifier) @_req arguments: (arguments . (string) @module)
  (#eq? @_req "require")) @import
"""
EXTENSIONS = ("", ".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", "/index.ts", "/index.tsx",
              "/index.js", "/index.jsx")  # fmt: skip
VERBS = {"get", "post", "put", "delete", "patch", "all", "options", "head"}
WRAPPERS = frozenset({"export_statement", "lexical_declaration", "variable_declaration"})


def resolve_import(target: str, path: str, context: FileContext) -> str | None:
    if not target.startswith("."):
        return None  # a package (node_modules), never a repository file
    base = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    if base.startswith(".."):
        return None
    for ext in EXTENSIONS:
        if f"{base}{ext}" in context.paths:
            return f"{base}{ext}"
    return None


def _router_name(name: str) -> bool:
    lowered = name.lower()
    return lowered in {"app", "router", "api", "server", "routes"} or lowered.endswith(
        ("router", "app")
    )


@cache
def _routes_query(grammar: str) -> ts.Query:
    lang = ts.Language(LANGUAGES[grammar]())
    return ts.Query(lang, """(call_expression
        function: (member_expression object: (identifier) @obj
                                     property: (property_identifier) @verb)
        arguments: (arguments . (string) @path)) @call""")  # fmt: skip


def _endpoints(grammar: str):  # noqa: ANN202  (a closure per grammar)
    def endpoints(root: ts.Node, source: bytes, path: str) -> list[Endpoint]:
        out = []
        for _, cap in ts.QueryCursor(_routes_query(grammar)).matches(root):
            verb, route = text(cap["verb"][0], source), unquote(text(cap["path"][0], source))
            if verb not in VERBS or not route.startswith("/"):
                continue
            if not _router_name(text(cap["obj"][0], source)):
                continue
            args = cap["call"][0].child_by_field_name("arguments")
            last = args.named_children[-1] if args and args.named_child_count > 1 else None
            handler = text(last, source) if last is not None and last.type in (
                "identifier", "member_expression") else "(inline)"  # fmt: skip
            out.append(Endpoint(method=verb.upper(), path=route, handler=handler,
                                framework="express", file=path,
                                line=line(cap["call"][0])))  # fmt: skip
        return out

    return endpoints


LANGUAGES = {
    "javascript": tree_sitter_javascript.language,
    "typescript": tree_sitter_typescript.language_typescript,
    "tsx": tree_sitter_typescript.language_tsx,
}

JAVASCRIPT = LanguageSpec(
    name="javascript", extensions=(".js", ".jsx", ".mjs", ".cjs"),
    language=tree_sitter_javascript.language, definitions=JS_DEFINITIONS, calls=CALLS,
    imports=IMPORTS, resolve_import=resolve_import, endpoints=_endpoints("javascript"),
    wrappers=WRAPPERS,
)  # fmt: skip
TYPESCRIPT = LanguageSpec(
    name="typescript", extensions=(".ts", ".mts", ".cts"),
    language=tree_sitter_typescript.language_typescript, definitions=TS_DEFINITIONS, calls=CALLS,
    imports=IMPORTS, resolve_import=resolve_import, endpoints=_endpoints("typescript"),
    wrappers=WRAPPERS,
)  # fmt: skip
TSX = LanguageSpec(
    name="tsx", extensions=(".tsx",),
    language=tree_sitter_typescript.language_tsx, definitions=TS_DEFINITIONS, calls=CALLS,
    imports=IMPORTS, resolve_import=resolve_import, endpoints=_endpoints("tsx"),
    wrappers=WRAPPERS,
)  # fmt: skip
