"""Where a connector may go: local paths under WIKI_ALLOWED_ROOTS, and hosts that resolve only to
public addresses (the address rules live in apps.core.netguard, shared with the document parts of
adds; this module maps their refusals onto the connectors' codes)."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

from apps.core import netguard as core
from apps.core.errors import AppError, BadRequest, Forbidden, NotFound


def _refusal(exc: core.AddressRefused) -> AppError:
    if exc.reason == "refused":
        return Forbidden(exc.message, code="wiki_connector_address_refused",
                         details={"host": exc.host})  # fmt: skip
    if exc.reason == "not_found":
        details = {"field": exc.field} if exc.field else None
        return NotFound(exc.message, code="wiki_connector_host_not_found", details=details)
    message = "the connector names no host" if exc.field == "host" else exc.message
    return BadRequest(message, code="wiki_connector_config_invalid",
                      details={"field": exc.field or "url"})  # fmt: skip


def host_check(*, host: str, port: int | None = None) -> None:
    try:
        core.host_check(host=host, port=port)
    except core.AddressRefused as exc:
        raise _refusal(exc) from None


def url_check(*, url: str, schemes: tuple[str, ...] = ("https", "http")) -> None:
    try:
        core.url_check(url=url, schemes=schemes)
    except core.AddressRefused as exc:
        raise _refusal(exc) from None


def local_path_check(*, path: str) -> Path:
    """The real path (symlinks resolved) of `path`, if it lies under one of WIKI_ALLOWED_ROOTS
    (themselves resolved). `..` and symlinks are resolved before the comparison, so neither can
    leave a root; an empty list of roots refuses every local path."""
    if not isinstance(path, str) or not path or "\x00" in path:
        raise BadRequest(
            "path is required", code="wiki_connector_config_invalid", details={"field": "path"}
        )
    real = Path(os.path.realpath(path))
    for root in getattr(settings, "WIKI_ALLOWED_ROOTS", []):  # set by the parsing part
        root_real = Path(os.path.realpath(root))
        if real == root_real or root_real in real.parents:
            return real
    raise Forbidden(
        "the path is not under an allowed root (WIKI_ALLOWED_ROOTS)",
        code="wiki_connector_path_refused",
        details={"field": "path"},
    )


def relative_join(*, base: Path, remote: str) -> Path:
    """`remote` (a path from a remote listing) as a path under `base`, or refused: absolute
    parts, `..`, empty or NUL names never leave the working directory."""
    parts = [p for p in remote.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or any(p == ".." or "\x00" in p for p in parts):
        raise BadRequest(
            f"unsafe path in the remote listing: {remote!r}", code="wiki_connector_unsafe_path"
        )
    target = base.joinpath(*parts)
    if base not in target.parents:
        raise BadRequest(
            f"unsafe path in the remote listing: {remote!r}", code="wiki_connector_unsafe_path"
        )
    return target
