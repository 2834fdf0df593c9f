"""The bounded walk of a repository: which files are parsed and why the others are not.

Symlinks are never followed (neither directories nor files): a link inside an allowed root could
name any file of the server. `.git` is not walked; `.gitignore` files are honoured at every level
(pathspec's git semantics); vendored directories, binary and oversized files are skipped and
counted; the walk stops after `max_files` source files (and a bounded number of entries)."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from apps.wiki.parsing.manifests import MANIFEST_NAMES

VENDORED = frozenset({
    "node_modules", "vendor", ".venv", "venv", "site-packages", "dist", "build", "third_party",
    "bower_components", "__pycache__", ".tox", "target",
})  # fmt: skip
NEVER_WALKED = frozenset({".git", ".hg", ".svn"})
SNIFF_BYTES = 8192


@dataclass
class WalkResult:
    sources: list[tuple[str, str]] = field(default_factory=list)  # (relative path, language)
    manifests: list[str] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    truncated: bool = False


def is_binary(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if b"\0" in head:
        return True
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start < len(head) - 4  # a multi-byte character cut by the sniff is fine
    return False


def _ignored(rel: str, is_dir: bool, specs: list[tuple[str, pathspec.PathSpec]]) -> bool:
    for base, spec in specs:
        if base and not rel.startswith(base + "/"):
            continue
        local = rel[len(base) + 1 :] if base else rel
        if spec.match_file(local + "/" if is_dir else local):
            return True
    return False


def _load_gitignore(directory: Path) -> pathspec.PathSpec | None:
    ignore = directory / ".gitignore"
    if not ignore.is_file() or ignore.is_symlink():
        return None
    try:
        lines = ignore.read_text(encoding="utf-8", errors="replace").splitlines()[:5000]
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(lines)


def repository_walk(
    *, root: Path, extensions: dict[str, str], max_files: int, max_file_bytes: int
) -> WalkResult:
    out = WalkResult()
    specs: list[tuple[str, pathspec.PathSpec]] = []
    budget = max_files * 20  # entries looked at, so that a huge tree is bounded too
    for directory, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(directory)
        rel_dir = here.relative_to(root).as_posix()
        rel_dir = "" if rel_dir == "." else rel_dir
        spec = _load_gitignore(here)
        if spec is not None:
            specs.append((rel_dir, spec))
        kept = []
        for name in sorted(dirnames):
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if name in NEVER_WALKED:
                continue
            if (here / name).is_symlink():
                out.skipped["symlink"] += 1
            elif name in VENDORED or name.endswith(".egg-info"):
                out.skipped["vendored"] += 1
            elif _ignored(rel, True, specs):
                out.skipped["gitignored"] += 1
            else:
                kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            budget -= 1
            if budget < 0 or len(out.sources) >= max_files:
                out.truncated = True
                out.skipped["limit"] += 1
                continue
            _classify(out, here / name, f"{rel_dir}/{name}" if rel_dir else name, specs,
                      extensions, max_file_bytes)  # fmt: skip
        if budget < -max_files:
            break  # counted enough of what was left out
    return out


def _classify(
    out: WalkResult,
    full: Path,
    rel: str,
    specs: list[tuple[str, pathspec.PathSpec]],
    extensions: dict[str, str],
    max_file_bytes: int,
) -> None:
    if _ignored(rel, False, specs):
        out.skipped["gitignored"] += 1
        return
    try:
        info = full.lstat()
    except OSError:
        out.skipped["unreadable"] += 1
        return
    if full.is_symlink():
        out.skipped["symlink"] += 1
        return
    if not full.is_file():
        return
    name = full.name
    if name in MANIFEST_NAMES and info.st_size <= max_file_bytes:
        out.manifests.append(rel)
        return
    language = extensions.get(full.suffix.lower())
    if info.st_size > max_file_bytes:
        out.skipped["oversized"] += 1
        return
    try:
        binary = is_binary(full)
    except OSError:
        out.skipped["unreadable"] += 1
        return
    if binary:
        out.skipped["binary"] += 1
    elif language is None:
        out.skipped["unsupported"] += 1
    else:
        out.sources.append((rel, language))
