"""Where a connector may go: local paths under WIKI_ALLOWED_ROOTS, and hosts that resolve only to
public addresses.

Why: a tenant names the host, so without this a connector is a proxy into our own network (the
database, Redis, cloud metadata at 169.254.169.254). Every address a name resolves to is
checked, not just the first, and a refused one names nothing of what answered. The check runs
at connect time, so a DNS answer that changes between test and fetch (rebinding) is checked
again; it does not pin the address for the library's own later lookup, a residual risk noted in
the README. WIKI_CONNECTORS_ALLOW_PRIVATE turns the address check off (development, tests)."""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

from apps.core.errors import BadRequest, Forbidden, NotFound


def host_check(*, host: str, port: int | None = None) -> None:
    if not host or len(host) > 253:
        raise BadRequest(
            "the connector names no host",
            code="wiki_connector_config_invalid",
            details={"field": "host"},
        )
    if settings.WIKI_CONNECTORS_ALLOW_PRIVATE:
        return
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        raise NotFound(f"cannot resolve {host!r}", code="wiki_connector_host_not_found") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global or address.is_multicast:
            raise Forbidden(
                f"{host!r} resolves to a loopback, private, link-local or reserved address",
                code="wiki_connector_address_refused",
                details={"host": host},
            )


def url_check(*, url: str, schemes: tuple[str, ...] = ("https", "http")) -> None:
    try:
        parts = urlsplit(url)
    except ValueError:  # a malformed [IPv6] host
        raise NotFound("the URL's host cannot be resolved", code="wiki_connector_host_not_found",
                       details={"field": "url"}) from None  # fmt: skip
    if parts.scheme not in schemes or not parts.hostname:
        raise BadRequest(
            f"the URL must be {' or '.join(schemes)} with a host",
            code="wiki_connector_config_invalid",
            details={"field": "url"},
        )
    try:
        port = parts.port
    except ValueError:
        raise BadRequest(
            "the URL's port is invalid",
            code="wiki_connector_config_invalid",
            details={"field": "url"},
        ) from None
    host_check(host=parts.hostname, port=port)


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
