"""Mermaid diagrams of module dependencies, always syntactically valid, and a validator of the
subset we emit.

A name from a repository is never written as Mermaid syntax: node ids are generated (m0, m1, ...)
and every label is a double-quoted string whose characters outside a small safe set are written
as Mermaid entity codes (`#35;` for `#`, `#quot;` for `"`). So a module named `a"]-->x`,
`<script>`, `%%`, a backtick or a pipe is shown as text and cannot end the label, start an edge,
open a comment or inject HTML (Mermaid renders labels as HTML unless `securityLevel` is strict).

The subset: a `graph LR` header, node declarations `m0["label"]`, edges `m0 --> m1`, one a line.
`mermaid_check` parses exactly that and raises MermaidError on anything else; the tests run it on
every diagram the generator writes, hostile names included."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

HEADER = "graph LR"
MAX_NODES = 40
MAX_LABEL = 80
# Characters written as they are; anything else becomes an entity code.
_SAFE = re.compile(r"[A-Za-z0-9 _.,:/\-+=@$^~*!?]")
_NODE = re.compile(r'^    (m\d+)\["((?:[A-Za-z0-9 _.,:/\-+=@$^~*!?]|#[0-9]+;|#quot;)*)"\]$')
_EDGE = re.compile(r"^    (m\d+) --> (m\d+)$")


class MermaidError(ValueError):
    pass


def label_escape(text: str) -> str:
    """`text` as the inside of a quoted Mermaid label (entity codes for anything not safe);
    long names are shortened with an ellipsis written as an entity."""
    if len(text) > MAX_LABEL:
        text = text[: MAX_LABEL - 1] + "\u2026"
    return "".join(c if _SAFE.fullmatch(c) else f"#{ord(c)};" for c in text) or "#32;"


def dependency_diagram(
    edges: Iterable[tuple[str, str]], *, modules: Iterable[str] = (), max_nodes: int = MAX_NODES
) -> str:
    """`graph LR` of the module graph: the `max_nodes` modules of highest degree (ties by
    name), the edges between them, self-edges and repeats dropped."""
    pairs = sorted({(a, b) for a, b in edges if a != b})
    degree: Counter[str] = Counter({m: 0 for m in modules})
    for a, b in pairs:
        degree[a] += 1
        degree[b] += 1
    kept = sorted(degree, key=lambda m: (-degree[m], m))[:max_nodes]
    ids = {name: f"m{i}" for i, name in enumerate(sorted(kept))}
    lines = [HEADER]
    lines += [f'    {ids[name]}["{label_escape(name)}"]' for name in sorted(kept)]
    lines += [f"    {ids[a]} --> {ids[b]}" for a, b in pairs if a in ids and b in ids]
    return "\n".join(lines)


def mermaid_check(diagram: str) -> None:
    """Raise MermaidError unless `diagram` is in our subset: the header, then node declarations
    (each id once), then edges between declared ids."""
    lines = diagram.split("\n")
    if lines[0] != HEADER:
        raise MermaidError(f"line 1: expected {HEADER!r}")
    declared: set[str] = set()
    edges_started = False
    for number, line in enumerate(lines[1:], start=2):
        node, edge = _NODE.match(line), _EDGE.match(line)
        if node and not edges_started:
            if node.group(1) in declared:
                raise MermaidError(f"line {number}: {node.group(1)} declared twice")
            declared.add(node.group(1))
        elif edge:
            edges_started = True
            missing = {edge.group(1), edge.group(2)} - declared
            if missing:
                raise MermaidError(f"line {number}: undeclared node {sorted(missing)[0]}")
        else:
            raise MermaidError(f"line {number}: not a node or an edge: {line[:60]!r}")


def mermaid_blocks(markdown: str) -> list[str]:
    """The bodies of the ```mermaid fences of a page."""
    return re.findall(r"```mermaid\n(.*?)\n```", markdown, re.S)
