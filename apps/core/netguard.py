"""Where the platform may go on a tenant's behalf: hosts that resolve only to public addresses.

Why: a tenant names the host (a wiki connector's endpoint, a document part's URL), so without
this the platform is a proxy into our own network (the database, Redis, cloud metadata at
169.254.169.254). Every address a name resolves to is checked, not just the first, and a refused
one names nothing of what answered. The check runs at connect time, so a DNS answer that changes
between test and fetch (rebinding) is checked again; it does not pin the address for the HTTP
library's own later lookup, a residual risk noted in the README. Redirects are followed by hand,
each hop checked again.

OUTBOUND_ALLOW_PRIVATE turns the address check off (development, tests);
WIKI_CONNECTORS_ALLOW_PRIVATE, its older name, still does too.

The checks raise `AddressRefused` with a `reason` (`invalid`, `not_found`, `refused`); each
caller maps it onto its own codes (apps.wiki.connectors.netguard, apps.multimodal.documents)."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings

MAX_REDIRECTS = 3


class AddressRefused(Exception):
    def __init__(self, reason: str, message: str, *, field: str = "", host: str = "") -> None:
        super().__init__(message)
        self.reason = reason  # invalid | not_found | refused
        self.message = message
        self.field = field
        self.host = host


class FetchFailed(Exception):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason  # too_large | unreachable | status
        self.message = message


def private_allowed() -> bool:
    return bool(
        getattr(settings, "OUTBOUND_ALLOW_PRIVATE", False)
        or getattr(settings, "WIKI_CONNECTORS_ALLOW_PRIVATE", False)
    )


def host_check(*, host: str, port: int | None = None) -> None:
    if not host or len(host) > 253:
        raise AddressRefused("invalid", "no host is named", field="host")
    if private_allowed():
        return
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        raise AddressRefused("not_found", f"cannot resolve {host!r}", host=host) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global or address.is_multicast:
            raise AddressRefused(
                "refused",
                f"{host!r} resolves to a loopback, private, link-local or reserved address",
                host=host,
            )


def url_check(*, url: str, schemes: tuple[str, ...] = ("https", "http")) -> None:
    try:
        parts = urlsplit(url)
    except ValueError:  # a malformed [IPv6] host
        raise AddressRefused("not_found", "the URL's host cannot be resolved",
                             field="url") from None  # fmt: skip
    if parts.scheme not in schemes or not parts.hostname:
        raise AddressRefused("invalid", f"the URL must be {' or '.join(schemes)} with a host",
                             field="url")  # fmt: skip
    try:
        port = parts.port
    except ValueError:
        raise AddressRefused("invalid", "the URL's port is invalid", field="url") from None
    host_check(host=parts.hostname, port=port)


@dataclass
class Fetched:
    data: bytes
    content_type: str
    url: str  # the last URL (after redirects)


def url_fetch(*, url: str, max_bytes: int, timeout: float) -> Fetched:
    """GET `url` (http or https, public addresses only, each redirect checked again), reading at
    most `max_bytes`: a longer body is refused (`too_large`) rather than cut."""
    for _ in range(MAX_REDIRECTS + 1):
        url_check(url=url)
        try:
            with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
                with client.stream("GET", url, headers={"Accept": "*/*"}) as response:
                    if response.is_redirect and response.headers.get("location"):
                        url = urljoin(url, response.headers["location"])
                        continue
                    if response.status_code != 200:
                        raise FetchFailed("status", f"the URL answered {response.status_code}")
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > max_bytes:
                        raise FetchFailed("too_large", f"the body is over {max_bytes} bytes")
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body += chunk
                        if len(body) > max_bytes:
                            raise FetchFailed("too_large", f"the body is over {max_bytes} bytes")
                    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
                    return Fetched(data=bytes(body), content_type=kind, url=url)
        except httpx.HTTPError as exc:
            raise FetchFailed("unreachable", f"the URL could not be fetched: {type(exc).__name__}"
                              ) from None  # fmt: skip
    raise FetchFailed("unreachable", f"more than {MAX_REDIRECTS} redirects")
