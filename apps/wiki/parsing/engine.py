"""The language-independent half of parsing: one `LanguageSpec` per grammar (queries plus a few
hooks), and `parse_source` that runs them over one file and yields IR records.

A spec's definition query captures the definition node as `@def.<kind>` and its name as `@name`
(optionally `@receiver` for a Go method's type); `@def.scope` qualifies the names inside it (a
Rust `impl`) without being a symbol itself. The call query captures `@callee`; the import query
captures `@module` (the imported text) on an `@import` node."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import tree_sitter as ts

from apps.wiki.ir import Diagnostic, Endpoint, Reference, Symbol

CONTAINER_KINDS = frozenset({"class", "struct", "interface", "trait", "enum", "scope"})
MAX_SIGNATURE = 300
MAX_DOC = 2000
MAX_TARGET = 200
MAX_DIAGNOSTICS_PER_FILE = 5


@dataclass(frozen=True)
class FileContext:
    """What a hook may know about the repository: every parsed file's path, the Go module name."""

    paths: frozenset[str]
    root_name: str = ""
    go_module: str = ""
    by_dir: dict[str, list[str]] = field(default_factory=dict)
    by_name: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class ParsedFile:
    symbols: list[Symbol] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    endpoints: list[Endpoint] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass
class LanguageSpec:
    name: str
    extensions: tuple[str, ...]
    language: Callable[[], Any]
    definitions: str
    calls: str = ""
    imports: str = ""
    # (import node, source) -> [(target, line)], when the query's `@module` captures are not enough
    import_targets: Callable[[ts.Node, bytes], list[tuple[str, int]]] | None = None
    # (node, source) -> the doc comment, when not the comments just above the definition
    doc: Callable[[ts.Node, bytes], str] | None = None
    # (import target, importing path, context) -> the repository file it names, or None
    resolve_import: Callable[[str, str, FileContext], str | None] = lambda t, p, c: None
    # (root node, source, path) -> HTTP routes found in the file
    endpoints: Callable[[ts.Node, bytes, str], list[Endpoint]] = lambda n, s, p: []
    # node types that wrap a definition and carry its comments (export, decorators, templates)
    wrappers: frozenset[str] = frozenset()
    # node types skipped between a doc comment and the definition (Rust attributes)
    between: frozenset[str] = frozenset()

    @cached_property
    def ts_language(self) -> ts.Language:
        return ts.Language(self.language())

    @cached_property
    def queries(self) -> tuple[ts.Query, ts.Query | None, ts.Query | None]:
        lang = self.ts_language
        return (
            ts.Query(lang, self.definitions),
            ts.Query(lang, self.calls) if self.calls else None,
            ts.Query(lang, self.imports) if self.imports else None,
        )


def text(node: ts.Node | None, source: bytes) -> str:
    if node is None:
        return ""
    return source[node.start_byte : node.end_byte].decode("utf-8", errors="replace")


def line(node: ts.Node) -> int:
    return node.start_point[0] + 1


def unquote(value: str) -> str:
    """A string literal's content (Python, JS, Go, Rust, Java, C): quotes and prefixes dropped."""
    value = value.strip()
    for quote in ('"""', "'''", '"', "'", "`"):
        start = value.find(quote)
        if start != -1 and value.endswith(quote) and len(value) >= start + 2 * len(quote):
            if value[:start].isalpha() or start == 0:
                return value[start + len(quote) : len(value) - len(quote)]
    return value


def clean_comment(raw: str) -> str:
    """`/** ... */`, `// ...`, `/// ...` and `# ...` comments as plain text."""
    lines = []
    for row in raw.strip().splitlines():
        row = row.strip()
        for prefix in ("/**", "/*!", "/*", "///", "//!", "//", "#"):
            if row.startswith(prefix):
                row = row[len(prefix) :]
                break
        if row.endswith("*/"):
            row = row[:-2]
        row = row.strip()
        if row.startswith("*"):
            row = row[1:].strip()
        lines.append(row)
    return "\n".join(lines).strip()[:MAX_DOC]


def _last_row(node: ts.Node) -> int:
    """The last line a node covers (a Rust line comment ends at column 0 of the next line)."""
    row, column = node.end_point
    return row - 1 if column == 0 and row > node.start_point[0] else row


def comments_above(node: ts.Node, source: bytes, spec: LanguageSpec) -> str:
    """The comment block that ends on the line just above the definition (or its wrapper)."""
    while node.parent is not None and node.parent.type in spec.wrappers:
        node = node.parent
    block: list[str] = []
    expected_row = node.start_point[0] - 1
    sibling = node.prev_sibling
    while sibling is not None:
        if sibling.type in spec.between:
            expected_row = sibling.start_point[0] - 1
        elif "comment" in sibling.type and _last_row(sibling) == expected_row:
            block.append(text(sibling, source))
            expected_row = sibling.start_point[0] - 1
        else:
            break
        sibling = sibling.prev_sibling
    return clean_comment("\n".join(reversed(block)))


def python_docstring(node: ts.Node, source: bytes) -> str:
    body = node.child_by_field_name("body")
    if body is None or body.named_child_count == 0:
        return ""
    first = body.named_children[0]
    if first.type == "expression_statement" and first.named_child_count:
        first = first.named_children[0]
    if first.type != "string":
        return ""
    return inspect.cleandoc(unquote(text(first, source)))[:MAX_DOC]


def signature(node: ts.Node, source: bytes) -> str:
    """The declaration without its body or the comments before the body, on one line."""
    body = node.child_by_field_name("body")
    end = None
    if body is not None:
        for child in node.children:
            if child.id == body.id or "comment" in child.type:
                break
            end = child.end_byte
    raw = source[node.start_byte : end].decode("utf-8", errors="replace") if end else None
    if raw is None:
        raw = text(node, source).split("\n", 1)[0]
    return " ".join(raw.split()).rstrip(" :{")[:MAX_SIGNATURE]


def error_nodes(node: ts.Node) -> Iterator[ts.Node]:
    """ERROR and MISSING nodes in source order, without descending into the subtrees that have
    no error (iterative: a deeply nested file must not exhaust the stack)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.is_error or current.is_missing:
            yield current
            continue
        stack.extend(c for c in reversed(current.children) if c.has_error or c.is_missing)


def enclosing(node: ts.Node, defs: dict[int, Symbol]) -> Symbol | None:
    parent = node.parent
    while parent is not None:
        found = defs.get(parent.id)
        if found is not None:
            return found
        parent = parent.parent
    return None


def parse_source(
    *, spec: LanguageSpec, source: bytes, path: str, context: FileContext
) -> ParsedFile:
    parser = ts.Parser(spec.ts_language)
    tree = parser.parse(source)
    root = tree.root_node
    out = ParsedFile()
    if root.has_error:
        for bad in list(error_nodes(root))[:MAX_DIAGNOSTICS_PER_FILE]:
            near = " ".join(text(bad, source).split())[:40]
            what = f"syntax error: missing {bad.type!r}" if bad.is_missing else (
                f"syntax error near {near!r}" if near else "syntax error")  # fmt: skip
            out.diagnostics.append(Diagnostic(path=path, line=line(bad), message=what))
    definitions, calls, imports = spec.queries
    defs: dict[int, Symbol] = {}
    scopes: dict[int, Symbol] = {}
    matches = ts.QueryCursor(definitions).matches(root)
    # outer definitions first, so that a method finds its class already recorded
    matches.sort(key=lambda m: next(iter(n for k, v in m[1].items() if k.startswith("def.")
                                         for n in v)).start_byte)  # fmt: skip
    for _, captures in matches:
        kind, node = next((k[4:], v[0]) for k, v in captures.items() if k.startswith("def."))
        name_node = captures.get("name", [None])[0]
        name = text(name_node, source)
        if not name or node.id in defs or node.id in scopes:
            continue
        outer = enclosing(node, defs | scopes)
        receiver = text(captures.get("receiver", [None])[0], source).lstrip("*")
        prefix = receiver or (outer.qualified_name if outer is not None else "")
        if kind == "function" and (
            receiver or (outer is not None and outer.kind in CONTAINER_KINDS)
        ):
            kind = "method"
        doc = spec.doc(node, source) if spec.doc else comments_above(node, source, spec)
        symbol = Symbol(
            kind=kind,
            name=name,
            qualified_name=f"{prefix}.{name}" if prefix else name,
            path=path,
            start_line=line(node),
            end_line=node.end_point[0] + 1,
            signature=signature(node, source),
            doc=doc,
        )
        if kind == "scope":
            scopes[node.id] = symbol
        else:
            defs[node.id] = symbol
            out.symbols.append(symbol)
    if imports is not None:
        for _, captures in ts.QueryCursor(imports).matches(root):
            if spec.import_targets is not None:
                found = [
                    t for n in captures.get("import", []) for t in spec.import_targets(n, source)
                ]
                owner_node = captures.get("import", [root])[0]
            else:
                found = [(unquote(text(n, source)), line(n)) for n in captures.get("module", [])]
                owner_node = captures.get("module", [root])[0]
            owner = enclosing(owner_node, defs)
            for target, at in found:
                target = target.strip("<>")[:MAX_TARGET]
                if not target:
                    continue
                out.references.append(Reference(
                    kind="import", from_path=path,
                    from_symbol=owner.qualified_name if owner else "", target=target, line=at,
                    resolved_path=spec.resolve_import(target, path, context),
                ))  # fmt: skip
    if calls is not None:
        for node in ts.QueryCursor(calls).captures(root).get("callee", []):
            owner = enclosing(node, defs)
            out.references.append(Reference(
                kind="call", from_path=path, from_symbol=owner.qualified_name if owner else "",
                target=" ".join(text(node, source).split())[:MAX_TARGET], line=line(node),
            ))  # fmt: skip
    out.endpoints.extend(spec.endpoints(root, source, path))
    return out
