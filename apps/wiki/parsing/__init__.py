"""Parsing a repository into `apps.wiki.ir.RepoIR` with tree-sitter (issue 14).

The grammars come from the official per-language wheels (tree-sitter-python, -javascript,
-typescript, -go, -rust, -java, -c, -cpp): nothing is downloaded at run time. One module per
language family holds its queries and hooks; `engine` runs them, `walk` decides which files are
read, `manifests` reads the package manifests. Calls are resolved after every file is parsed:
to a symbol of the same file, else of a file it imports, else of the one symbol of that name in
the repository."""

from __future__ import annotations

import hashlib
import logging
import re
from collections import defaultdict
from pathlib import Path

from django.conf import settings

from apps.wiki.ir import Diagnostic, FileIR, Manifest, Reference, RepoIR, Symbol
from apps.wiki.parsing import c, go, java, javascript, python, rust
from apps.wiki.parsing.engine import FileContext, LanguageSpec, ParsedFile, parse_source
from apps.wiki.parsing.manifests import manifest_parse
from apps.wiki.parsing.walk import repository_walk

logger = logging.getLogger(__name__)

SPECS: dict[str, LanguageSpec] = {
    spec.name: spec
    for spec in (python.SPEC, javascript.JAVASCRIPT, javascript.TYPESCRIPT, javascript.TSX,
                 go.SPEC, rust.SPEC, java.SPEC, c.C, c.CPP)
}  # fmt: skip
LANGUAGES = tuple(SPECS)
EXTENSIONS = {ext: spec.name for spec in SPECS.values() for ext in spec.extensions}
# A `.h` header is C unless it reads as C++ (parsed as C it would be all syntax errors).
CPP_HEADER = re.compile(rb"^\s*(class|namespace|template\s*<)\b|\bpublic:|\bstd::", re.MULTILINE)

__all__ = ["EXTENSIONS", "LANGUAGES", "parse_repository"]


def parse_repository(
    root: Path, *, max_files: int | None = None, max_file_bytes: int | None = None
) -> RepoIR:
    """Parse the tree under `root` (already checked by the caller: see `services`). Bounded by
    WIKI_MAX_FILES and WIKI_MAX_FILE_BYTES unless given."""
    root = Path(root)
    walked = repository_walk(
        root=root,
        extensions=EXTENSIONS,
        max_files=max_files or settings.WIKI_MAX_FILES,
        max_file_bytes=max_file_bytes or settings.WIKI_MAX_FILE_BYTES,
    )
    ir = RepoIR(root=str(root), skipped=dict(walked.skipped), truncated=walked.truncated)
    for rel in walked.manifests:
        found = _read(root / rel)
        result = manifest_parse(path=rel, data=found) if found is not None else None
        if isinstance(result, Manifest):
            ir.manifests.append(result)
        elif isinstance(result, Diagnostic):
            ir.diagnostics.append(result)
    context = _context(root, [rel for rel, _ in walked.sources], ir.manifests)
    for rel, language in walked.sources:
        data = _read(root / rel)
        if data is None:
            ir.skipped["unreadable"] = ir.skipped.get("unreadable", 0) + 1
            continue
        if language == "c" and rel.endswith(".h") and CPP_HEADER.search(data):
            language = "cpp"
        try:
            parsed = parse_source(spec=SPECS[language], source=data, path=rel, context=context)
        except (RecursionError, ValueError, RuntimeError) as exc:
            # one pathological file (nesting, a grammar limit) is a diagnostic, not a failed parse
            logger.warning("wiki parse of %s failed: %r", rel, exc)
            failed = Diagnostic(path=rel, line=1, message="could not be parsed")
            parsed = ParsedFile(diagnostics=[failed])
        ir.files.append(FileIR(
            path=rel, language=language, size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            lines=data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1),
        ))  # fmt: skip
        ir.symbols.extend(parsed.symbols)
        ir.references.extend(parsed.references)
        ir.endpoints.extend(parsed.endpoints)
        ir.diagnostics.extend(parsed.diagnostics)
    ir.references = _resolve_calls(ir.references, ir.symbols)
    return ir


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _context(root: Path, paths: list[str], manifests: list[Manifest]) -> FileContext:
    by_dir: dict[str, list[str]] = defaultdict(list)
    by_name: dict[str, list[str]] = defaultdict(list)
    for rel in paths:
        directory, _, name = rel.rpartition("/")
        by_dir[directory].append(rel)
        by_name[name].append(rel)
    go_module = next((m.name for m in manifests if m.kind == "go.mod" and "/" not in m.path), "")
    return FileContext(paths=frozenset(paths), root_name=root.name, go_module=go_module,
                       by_dir=dict(by_dir), by_name=dict(by_name))  # fmt: skip


def _last_name(target: str) -> str:
    for sep in ("::", "->", "."):
        target = target.rsplit(sep, 1)[-1]
    return target.strip()


def _qualifier(target: str) -> str:
    """`Router::new` -> Router, `Cart().total` -> Cart, `self.save` -> self, `run` -> ""."""
    for sep in ("::", "->", "."):
        if sep in target:
            head = target.rsplit(sep, 1)[0]
            head = head.split("(", 1)[0].removeprefix("new ").strip()
            return _last_name(head)
    return ""


def _fits(target: str, symbol: Symbol) -> bool:
    """A call on a type (`Router::new`) only resolves to that type's member."""
    qualifier = _qualifier(target)
    if not qualifier[:1].isupper():
        return True
    return symbol.qualified_name.endswith(f"{qualifier}.{symbol.name}")


def _resolve_calls(references: list[Reference], symbols: list[Symbol]) -> list[Reference]:
    """A call's target by its last name: in the same file, then in a file the caller imports
    (resolved), then the only symbol of that name in the repository; else left unresolved."""
    by_file: dict[tuple[str, str], Symbol] = {}
    by_name: dict[str, list[Symbol]] = defaultdict(list)
    for symbol in symbols:
        by_file.setdefault((symbol.path, symbol.name), symbol)
        by_name[symbol.name].append(symbol)
    imported: dict[str, set[str]] = defaultdict(set)
    for ref in references:
        if ref.kind == "import" and ref.resolved_path:
            imported[ref.from_path].add(ref.resolved_path)
    out = []
    for ref in references:
        if ref.kind != "call":
            out.append(ref)
            continue
        name = _last_name(ref.target)
        candidates = [by_file.get((ref.from_path, name))]
        candidates += [by_file.get((p, name)) for p in sorted(imported[ref.from_path])]
        if len(by_name.get(name, ())) == 1:
            candidates.append(by_name[name][0])
        found = next((s for s in candidates if s is not None and _fits(ref.target, s)), None)
        if found is not None:
            ref = Reference(kind=ref.kind, from_path=ref.from_path, from_symbol=ref.from_symbol,
                            target=ref.target, line=ref.line, resolved_path=found.path,
                            resolved_symbol=found.qualified_name)  # fmt: skip
        out.append(ref)
    return out
