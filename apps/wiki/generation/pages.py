"""Skeleton pages from a RepoIR, without an LLM.

Each page is built from `inputs`: a JSON-ready dict of exactly what the page shows. The page's
`inputs_hash` is the sha256 of that JSON (keys sorted), so an incremental run compares hashes
and renders, writes and re-embeds only the pages whose inputs changed. Rendering is a pure
function of the inputs.

Pages: `overview.md` (languages, size, entry points, manifests and dependencies, the module
diagram), `modules/<module>.md` (one per directory: its files, its symbols with signature,
`file:line` and doc comment, what it imports and what imports it, its neighbourhood diagram) and
`api.md` (the endpoints, when there are any)."""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from apps.wiki.generation.mermaid import dependency_diagram
from apps.wiki.ir import RepoIR, module_of

ENTRY_NAMES = {
    "__main__.py", "manage.py", "main.py", "app.py", "wsgi.py", "asgi.py", "cli.py", "main.go",
    "main.rs", "lib.rs", "index.js", "index.ts", "server.js", "server.ts", "main.c", "main.cpp",
    "Main.java", "Application.java",
}  # fmt: skip
MAX_DOC = 600  # characters of a doc comment shown on a module page
MAX_SIGNATURE = 300
NEIGHBOURS = 15  # modules around one module in its page's diagram


@dataclass(frozen=True)
class PageDraft:
    path: str
    title: str
    inputs: dict[str, Any]

    @property
    def inputs_hash(self) -> str:
        return inputs_hash(self.inputs)

    def render(self) -> str:
        return RENDERERS[self.inputs["page"]](self.inputs)


def inputs_hash(inputs: dict[str, Any]) -> str:
    canonical = json.dumps(inputs, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def module_page_path(module: str) -> str:
    """A file name for a module: safe characters only, plus a short hash when any were replaced
    (two modules never share a page)."""
    slug = re.sub(r"[^A-Za-z0-9._-]", "_", module.replace("/", ".")).strip(".") or "root"
    if slug != module.replace("/", "."):
        slug += "-" + hashlib.sha256(module.encode()).hexdigest()[:8]
    return f"modules/{slug[:150]}.md"


# --- markdown helpers ---------------------------------------------------------------------------


def md(text: str) -> str:
    """Text from the repository as inline Markdown: HTML and Markdown specials escaped."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]|#])", r"\\\1", text.replace("\n", " "))


def code(text: str, *, cell: bool = False) -> str:
    """A code span that no backtick in `text` can close (in a table `cell`, pipes escaped)."""
    text = text.replace("\n", " ")
    if cell:
        text = text.replace("|", "\\|")
    run = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (run + 1)
    return f"{fence} {text} {fence}" if run else f"`{text}`"


def _mermaid(diagram: str) -> str:
    return f"```mermaid\n{diagram}\n```"


# --- building -----------------------------------------------------------------------------------


def module_edges(ir: RepoIR) -> set[tuple[str, str]]:
    """(importer module, imported module) from the imports that resolved to a repository file."""
    return {
        (module_of(ref.from_path), module_of(ref.resolved_path))
        for ref in ir.references
        if ref.kind == "import" and ref.resolved_path
    }


def _entry_points(ir: RepoIR) -> list[str]:
    return sorted(f.path for f in ir.files if posixpath.basename(f.path) in ENTRY_NAMES)


def _overview(ir: RepoIR, name: str, modules: list[str], edges: set) -> PageDraft:
    inputs = {
        "page": "overview",
        "name": name,
        "languages": ir.languages(),
        "files": len(ir.files),
        "bytes": sum(f.size for f in ir.files),
        "lines": sum(f.lines for f in ir.files),
        "symbols": len(ir.symbols),
        "endpoints": len(ir.endpoints),
        "diagnostics": len(ir.diagnostics),
        "skipped": dict(sorted(ir.skipped.items())),
        "entry_points": _entry_points(ir),
        "manifests": [
            {"path": m.path, "kind": m.kind, "name": m.name, "version": m.version,
             "dependencies": dict(sorted(m.dependencies.items()))}
            for m in sorted(ir.manifests, key=lambda m: m.path)
        ],
        "modules": [{"name": m, "page": module_page_path(m)} for m in modules],
        "diagram": dependency_diagram(edges, modules=modules),
    }  # fmt: skip
    return PageDraft(path="overview.md", title=f"{name}: overview", inputs=inputs)


def _module(ir: RepoIR, module: str, files: list, symbols: list, edges: set) -> PageDraft:
    imports = sorted({b for a, b in edges if a == module and b != module})
    imported_by = sorted({a for a, b in edges if b == module and a != module})
    near = [module, *imports[:NEIGHBOURS], *imported_by[:NEIGHBOURS]]
    local = {(a, b) for a, b in edges if a in near and b in near}
    inputs = {
        "page": "module",
        "module": module,
        "files": [{"path": f.path, "language": f.language, "lines": f.lines} for f in files],
        "symbols": [
            {"kind": s.kind, "name": s.qualified_name or s.name, "path": s.path,
             "line": s.start_line, "end_line": s.end_line,
             "signature": s.signature[:MAX_SIGNATURE], "doc": s.doc[:MAX_DOC]}
            for s in symbols
        ],
        "imports": [{"name": m, "page": module_page_path(m)} for m in imports],
        "imported_by": [{"name": m, "page": module_page_path(m)} for m in imported_by],
        "diagram": dependency_diagram(local, modules=near) if local else "",
    }  # fmt: skip
    title = "Module (repository root)" if module == "." else f"Module {module}"
    return PageDraft(path=module_page_path(module), title=title, inputs=inputs)


def _api(ir: RepoIR) -> PageDraft:
    endpoints = sorted(ir.endpoints, key=lambda e: (e.path, e.method, e.file, e.line))
    inputs = {
        "page": "api",
        "endpoints": [
            {"method": e.method, "path": e.path, "handler": e.handler,
             "framework": e.framework, "file": e.file, "line": e.line}
            for e in endpoints
        ],
    }  # fmt: skip
    return PageDraft(path="api.md", title="HTTP API", inputs=inputs)


def skeleton_pages(ir: RepoIR, *, name: str) -> list[PageDraft]:
    """Every page of the wiki of `ir`, in a stable order (overview, modules by name, api)."""
    by_module: dict[str, list] = defaultdict(list)
    for f in sorted(ir.files, key=lambda f: f.path):
        by_module[module_of(f.path)].append(f)
    symbols: dict[str, list] = defaultdict(list)
    for s in sorted(ir.symbols, key=lambda s: (s.path, s.start_line, s.qualified_name)):
        symbols[module_of(s.path)].append(s)
    modules = sorted(by_module)
    edges = {(a, b) for a, b in module_edges(ir) if a in by_module and b in by_module}
    pages = [_overview(ir, name, modules, edges)]
    pages += [_module(ir, m, by_module[m], symbols[m], edges) for m in modules]
    if ir.endpoints:
        pages.append(_api(ir))
    return pages


# --- rendering ----------------------------------------------------------------------------------


def _render_overview(i: dict[str, Any]) -> str:
    out = [f"# {md(i['name'])}", "", "## Summary", ""]
    out.append(
        f"{i['files']} files, {i['lines']} lines, {i['bytes']} bytes; {i['symbols']} symbols, "
        f"{i['endpoints']} HTTP endpoints, {i['diagnostics']} parse diagnostics."
    )
    if i["skipped"]:
        out.append("Skipped: " + ", ".join(f"{n} {md(k)}" for k, n in i["skipped"].items()) + ".")
    out += ["", "## Languages", "", "| Language | Files |", "| --- | --- |"]
    out += [f"| {md(lang)} | {n} |" for lang, n in i["languages"].items()]
    out += ["", "## Entry points", ""]
    out += [f"- {code(p)}" for p in i["entry_points"]] or ["None found."]
    out += ["", "## Manifests and dependencies", ""]
    for m in i["manifests"]:
        head = f"### {code(m['path'])} ({md(m['kind'])})"
        out += [head, "", f"Package {code(m['name'] or '?')} {md(m['version'])}".rstrip(), ""]
        out += [f"- {code(d)} {md(v)}".rstrip() for d, v in m["dependencies"].items()]
        out.append("")
    if not i["manifests"]:
        out += ["None found.", ""]
    out += ["## Modules", ""]
    out += [f"- [{md(m['name'])}]({m['page']})" for m in i["modules"]]
    out += ["", "## Module dependencies", "", _mermaid(i["diagram"]), ""]
    return "\n".join(out)


def _render_module(i: dict[str, Any]) -> str:
    name = "(repository root)" if i["module"] == "." else i["module"]
    out = [f"# Module {md(name)}", "", "## Files", ""]
    out += [f"- {code(f['path'])} ({md(f['language'])}, {f['lines']} lines)" for f in i["files"]]
    out += ["", "## Symbols", ""]
    for s in i["symbols"]:
        where = f"{s['path']}:{s['line']}"
        out += [f"### {md(s['kind'])} {code(s['name'])}", "", f"Defined at {code(where)}"]
        if s["signature"]:
            out += ["", "```", s["signature"].replace("```", "`\u200b``"), "```"]
        if s["doc"]:
            out += ["", "> " + md(s["doc"])]
        out.append("")
    if not i["symbols"]:
        out += ["No symbols found.", ""]
    for key, heading in (("imports", "Imports"), ("imported_by", "Imported by")):
        if i[key]:
            out += [f"## {heading}", ""]
            out += [f"- [{md(m['name'])}](../{m['page']})" for m in i[key]]
            out.append("")
    if i["diagram"]:
        out += ["## Dependencies", "", _mermaid(i["diagram"]), ""]
    return "\n".join(out)


def _render_api(i: dict[str, Any]) -> str:
    out = ["# HTTP API", "", "| Method | Path | Handler | Framework | Defined at |",
           "| --- | --- | --- | --- | --- |"]  # fmt: skip
    for e in i["endpoints"]:
        where = f"{e['file']}:{e['line']}"
        out.append(f"| {md(e['method'])} | {code(e['path'], cell=True)} | "
                   f"{code(e['handler'], cell=True)} | {md(e['framework'])} | "
                   f"{code(where, cell=True)} |")  # fmt: skip
    return "\n".join(out) + "\n"


RENDERERS = {"overview": _render_overview, "module": _render_module, "api": _render_api}
