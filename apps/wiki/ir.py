"""The intermediate representation of a parsed repository (issue 14).

Parsing (`apps.wiki.parsing.parse_repository`) produces one `RepoIR`; generation reads it.
Every type is a plain dataclass with `to_dict()` giving JSON-serialisable data (paths are POSIX
strings relative to the repository root), so an IR can be stored in a job, hashed for
incremental runs or shipped to a worker.
"""

from __future__ import annotations

import posixpath
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SymbolKind = Literal[
    "function",
    "class",
    "method",
    "struct",
    "interface",
    "enum",
    "trait",
    "type",
    "module",
    "constant",
]
ReferenceKind = Literal["import", "call"]
SkipReason = Literal["gitignored", "binary", "vendored", "oversized", "limit", "unreadable"]


@dataclass(frozen=True, slots=True)
class FileIR:
    """One source file that was parsed. `language` is one of `LANGUAGES` in apps.wiki.parsing."""

    path: str
    language: str
    size: int
    sha256: str
    lines: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Symbol:
    """A definition. `qualified_name` is `Class.method` inside a file (`name` at top level);
    `signature` is the declaration without the body; `doc` the docstring / doc comment or ""."""

    kind: str
    name: str
    qualified_name: str
    path: str
    start_line: int
    end_line: int
    signature: str = ""
    doc: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Reference:
    """An import or a call. `from_symbol` is the qualified name of the enclosing definition
    ("" at module level); `target` the text as written (`os.path`, `./util`, `foo.bar`);
    `resolved_path` the repository file it resolves to and `resolved_symbol` the symbol there,
    each None when not resolved."""

    kind: str
    from_path: str
    from_symbol: str
    target: str
    line: int
    resolved_path: str | None = None
    resolved_symbol: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Endpoint:
    """An HTTP route found in the code. `method` is upper case, or "ANY" when the framework
    does not say (Django `path`, `@RequestMapping` without a method); `framework` one of django,
    fastapi, flask, express, axum, spring, gin."""

    method: str
    path: str
    handler: str
    framework: str
    file: str
    line: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem met while parsing (a syntax error: ERROR or MISSING nodes; a bad manifest)."""

    path: str
    line: int
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Manifest:
    """A package manifest. `kind` is pyproject, package.json, cargo, go.mod or pom;
    `dependencies` maps a dependency name to its version requirement ("" when none is given)."""

    path: str
    kind: str
    name: str
    version: str
    dependencies: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class RepoIR:
    """Everything parsed from one repository. `skipped` counts files left out, by `SkipReason`."""

    root: str
    files: list[FileIR] = field(default_factory=list)
    symbols: list[Symbol] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    endpoints: list[Endpoint] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    manifests: list[Manifest] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    truncated: bool = False

    def languages(self) -> dict[str, int]:
        """Files per language, most files first."""
        counts: dict[str, int] = {}
        for f in self.files:
            counts[f.language] = counts.get(f.language, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def counts(self) -> dict[str, int]:
        """The reference's figures for `POST /v1/wiki/parse`."""
        return {
            "files": len(self.files),
            "symbols": len(self.symbols),
            "references": len(self.references),
            "endpoints": len(self.endpoints),
            "diagnostics": len(self.diagnostics),
            "manifests": len(self.manifests),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "files": [f.to_dict() for f in self.files],
            "symbols": [s.to_dict() for s in self.symbols],
            "references": [r.to_dict() for r in self.references],
            "endpoints": [e.to_dict() for e in self.endpoints],
            "diagnostics": [d.to_dict() for d in self.diagnostics],
            "manifests": [m.to_dict() for m in self.manifests],
            "skipped": dict(self.skipped),
            "truncated": self.truncated,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RepoIR:
        return cls(
            root=data["root"],
            files=[FileIR(**f) for f in data.get("files", [])],
            symbols=[Symbol(**s) for s in data.get("symbols", [])],
            references=[Reference(**r) for r in data.get("references", [])],
            endpoints=[Endpoint(**e) for e in data.get("endpoints", [])],
            diagnostics=[Diagnostic(**d) for d in data.get("diagnostics", [])],
            manifests=[Manifest(**m) for m in data.get("manifests", [])],
            skipped=dict(data.get("skipped", {})),
            truncated=bool(data.get("truncated", False)),
        )


def module_of(path: str) -> str:
    """The module / package a file belongs to: its directory relative to the root ("." at root)."""
    directory = posixpath.dirname(path.replace("\\", "/").lstrip("/"))
    return directory or "."
