"""Java: classes, interfaces, enums, records, methods and constructors with their Javadoc;
imports resolved to repository files by package path; Spring routes (`@GetMapping("/x")`,
`@RequestMapping` on the class as a prefix and on methods with `method = RequestMethod.X`)."""

from __future__ import annotations

import re

import tree_sitter as ts
import tree_sitter_java

from apps.wiki.ir import Endpoint
from apps.wiki.parsing.engine import FileContext, LanguageSpec, line, text

DEFINITIONS = """
(class_declaration name: (identifier) @name) @def.class
(interface_declaration name: (identifier) @name) @def.interface
(enum_declaration name: (identifier) @name) @def.enum
(record_declaration name: (identifier) @name) @def.class
(method_declaration name: (identifier) @name) @def.method
(constructor_declaration name: (identifier) @name) @def.method
"""
CALLS = """
(method_invocation name: (identifier) @callee)
(object_creation_expression type: (_) @callee)
"""
IMPORTS = "(import_declaration (scoped_identifier) @module) @import"
MAPPINGS = {
    "GetMapping": "GET", "PostMapping": "POST", "PutMapping": "PUT", "DeleteMapping": "DELETE",
    "PatchMapping": "PATCH", "RequestMapping": "ANY",
}  # fmt: skip


def resolve_import(target: str, path: str, context: FileContext) -> str | None:
    suffix = target.replace(".", "/") + ".java"
    for candidate in context.by_name.get(suffix.rsplit("/", 1)[-1], []):
        if candidate == suffix or candidate.endswith("/" + suffix):
            return candidate
    return None


def _mapping(node: ts.Node, source: bytes) -> tuple[str, list[str]] | None:
    """The (path, methods) of a method's or class's Spring mapping annotation, or None."""
    modifiers = next((c for c in node.children if c.type == "modifiers"), None)
    if modifiers is None:
        return None
    for annotation in modifiers.named_children:
        if annotation.type not in ("annotation", "marker_annotation"):
            continue
        name = text(annotation.child_by_field_name("name"), source)
        if name not in MAPPINGS:
            continue
        args = annotation.child_by_field_name("arguments")
        raw = text(args, source) if args is not None else ""
        strings = re.findall(r'"((?:[^"\\]|\\.)*)"', raw)
        methods = re.findall(r"RequestMethod\.([A-Z]+)", raw)
        return (strings[0] if strings else "", methods or [MAPPINGS[name]])
    return None


def endpoints(root: ts.Node, source: bytes, path: str) -> list[Endpoint]:
    out = []
    stack = [(root, "")]
    while stack:
        node, prefix = stack.pop()
        if node.type == "class_declaration":
            found = _mapping(node, source)
            prefix = prefix + (found[0] if found else "")
        elif node.type == "method_declaration":
            found = _mapping(node, source)
            if found is not None:
                handler = text(node.child_by_field_name("name"), source)
                route = "/" + "/".join(p for p in (prefix + "/" + found[0]).split("/") if p)
                for method in found[1]:
                    out.append(Endpoint(method=method, path=route, handler=handler,
                                        framework="spring", file=path,
                                        line=line(node)))  # fmt: skip
            continue
        stack.extend((child, prefix) for child in reversed(node.named_children))
    return sorted(out, key=lambda e: e.line)


SPEC = LanguageSpec(
    name="java", extensions=(".java",), language=tree_sitter_java.language,
    definitions=DEFINITIONS, calls=CALLS, imports=IMPORTS, resolve_import=resolve_import,
    endpoints=endpoints,
)  # fmt: skip
