"""POST /v1/wiki/parse: parse a local repository a tenant may read and answer its figures."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings

from apps.core.errors import Forbidden
from apps.wiki.parsing import parse_repository
from apps.wiki.paths import allowed_path


def _server_dirs() -> list[Path]:
    return [Path(p).resolve() for p in (settings.BASE_DIR, sys.prefix, sys.base_prefix)]


def _overlaps(path: Path, other: Path) -> bool:
    return path == other or other in path.parents or path in other.parents


def repository_path_check(*, repo_path: str) -> Path:
    """The resolved repository directory, if a tenant may read it.

    Why this is strict: `repo_path` comes from a tenant's key and the server reads it with its
    own file permissions. The path is resolved first (symlinks followed, `..` folded), then it
    must lie inside one of WIKI_ALLOWED_ROOTS (themselves resolved; none by default, so every
    path is refused until an operator configures them). On top of the roots, an operator who
    allows a broad root (`/srv`, `/`) must not thereby hand the server's own code, `.env` and
    virtualenv to every tenant: a path that contains the server's directory, or lies inside it,
    is refused whatever the roots say. The walk never follows symlinks, so nothing under an
    accepted path leads out of it."""
    repo = allowed_path(repo_path, settings.WIKI_ALLOWED_ROOTS)
    if any(_overlaps(repo, server) for server in _server_dirs()):
        raise Forbidden("This path holds the server's own files.", code="path_not_allowed")
    return repo


def repository_parse(*, repo_path: str) -> dict[str, Any]:
    """The reference's counts (files, symbols, references, endpoints, diagnostics, manifests)
    plus languages, skipped files by reason, whether the file limit cut the walk, and seconds.
    Synchronous but bounded by WIKI_MAX_FILES and WIKI_MAX_FILE_BYTES."""
    repo = repository_path_check(repo_path=repo_path)
    started = time.perf_counter()
    ir = parse_repository(repo)
    return {
        **ir.counts(),
        "repo_path": str(repo),
        "languages": ir.languages(),
        "skipped": dict(sorted(ir.skipped.items())),
        "truncated": ir.truncated,
        "max_files": settings.WIKI_MAX_FILES,
        "seconds": round(time.perf_counter() - started, 3),
    }
