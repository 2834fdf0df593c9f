"""Which local paths a tenant may read (repositories) and write (generated Markdown).

Why this is strict: `repo_path` and `output_dir` come from a tenant's API key, and the worker runs
with the server's file permissions. A path is resolved first (symlinks followed, `..` folded),
then it must lie inside one of the configured roots, themselves resolved. So `/srv/repos/../etc`,
a symlink inside a root that points out of it, or a relative path cannot reach the server's own
files. Both settings are empty by default: nothing is readable or writable until configured."""

from __future__ import annotations

from pathlib import Path

from apps.core.errors import BadRequest, Forbidden


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def allowed_path(path: str, roots: list[str] | tuple[str, ...]) -> Path:
    """`path` resolved, if it is an existing directory inside one of `roots`."""
    if not roots:
        raise Forbidden("Local repositories are disabled (WIKI_ALLOWED_ROOTS is empty).",
                        code="path_not_allowed")  # fmt: skip
    if not path or "\x00" in path or not Path(path).is_absolute():
        raise BadRequest("repo_path must be an absolute path.", code="invalid_path")
    resolved = Path(path).resolve()
    if not any(_inside(resolved, Path(root).resolve()) for root in roots if root):
        raise Forbidden("This path is outside the allowed roots.", code="path_not_allowed")
    try:
        is_dir = resolved.is_dir()
    except OSError:  # a name too long for the file system, a permission refused
        is_dir = False
    if not is_dir:
        raise BadRequest("repo_path is not a directory.", code="invalid_path")
    return resolved


def output_path(output_dir: str, root: str) -> Path:
    """The directory under `root` (WIKI_OUTPUT_ROOT) that `output_dir` names, relative to it."""
    if not root:
        raise Forbidden("Writing Markdown files is disabled (WIKI_OUTPUT_ROOT is empty).",
                        code="output_not_allowed")  # fmt: skip
    if not output_dir or "\x00" in output_dir:
        raise BadRequest(
            "output_dir must be a non-empty path under WIKI_OUTPUT_ROOT.", code="invalid_path"
        )
    if any(len(part.encode("utf-8", "surrogatepass")) > 255 for part in Path(output_dir).parts):
        raise BadRequest("output_dir has a name longer than 255 bytes.", code="invalid_path")
    base = Path(root).resolve()
    candidate = Path(output_dir)
    resolved = (candidate if candidate.is_absolute() else base / candidate).resolve()
    if not _inside(resolved, base) or resolved == base:
        raise Forbidden("output_dir is outside WIKI_OUTPUT_ROOT.", code="output_not_allowed")
    return resolved


def inside(path: Path, root: Path) -> bool:
    """For the writer: `path` (resolved) is still inside `root` when the file is written."""
    return _inside(path.resolve(), root.resolve())
