"""Client addresses and networks: the one place that decides which address a request comes from.

Why this matters: the client address feeds the audit trail, per-key `allowed_ips` and the IP
defence (apps.defense). `X-Forwarded-For` is written by whoever sends the request, so it is only
believed when the peer that connected to us (REMOTE_ADDR) is one of our own proxies
(TRUSTED_PROXIES). The header is then read right to left: each hop appended by a trusted proxy is
skipped, and the first address that is not one of ours is the client. Anything left of it was
written by the client and proves nothing. With no trusted proxies the header is ignored."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
EVERYWHERE = ("0.0.0.0/0", "::/0")

# What the API's schema says an address or CIDR range is (without IPv6 zones or embedded IPv4):
# everything it matches parses (checked by hypothesis in tests/core/test_netaddr_pattern.py), so
# a schema-valid value is never refused; the parser accepts a little more (the forms left out).
_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_H = "[0-9a-fA-F]{1,4}"
_V4 = rf"({_OCTET}\.){{3}}{_OCTET}"
_V6 = (
    f"(({_H}:){{7}}{_H}|({_H}:){{1,7}}:|({_H}:){{1,6}}:{_H}|({_H}:){{1,5}}(:{_H}){{1,2}}"
    f"|({_H}:){{1,4}}(:{_H}){{1,3}}|({_H}:){{1,3}}(:{_H}){{1,4}}|({_H}:){{1,2}}(:{_H}){{1,5}}"
    f"|{_H}:(:{_H}){{1,6}}|:((:{_H}){{1,7}}|:))"
)
NETWORK_PATTERN = rf"^({_V4}(/(3[0-2]|[12]?[0-9]))?|{_V6}(/(12[0-8]|1[01][0-9]|[1-9]?[0-9]))?)$"
NETWORK_SCHEMA = {
    "type": "string",
    "maxLength": 64,
    "pattern": NETWORK_PATTERN,
    "description": "An address or CIDR range (203.0.113.7, 10.0.0.0/8, 2001:db8::/32)",
}
_ATTR = "_memplatform_client_ip"


def parse_network(value: str) -> Network:
    """An address or CIDR range as a network (a bare address is its own /32 or /128). Host bits
    in a range are dropped (10.1.2.3/8 is 10.0.0.0/8). ValueError for anything else."""
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        raise ValueError(f"not an IP address or CIDR range: {value!r}")
    network = ipaddress.ip_network(value.strip(), strict=False)
    if isinstance(network, ipaddress.IPv6Network) and network.network_address.ipv4_mapped:
        mapped = network.network_address.ipv4_mapped
        network = ipaddress.ip_network(f"{mapped}/{max(0, network.prefixlen - 96)}", strict=False)
    return network


def network_text(network: Network) -> str:
    """The stored and shown form: a single address without its /32 or /128."""
    if network.num_addresses == 1:
        return str(network.network_address)
    return str(network)


def parse_address(value: str | None) -> Address | None:
    if not value:
        return None
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def address_in(address: Address | None, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(
        address.version == net.version and address in net for net in networks
    )


@lru_cache(maxsize=8)
def _networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(parse_network(v) for v in values)


def networks_of(values: list[str] | tuple[str, ...]) -> tuple[Network, ...]:
    """Parsed once per distinct list (settings, a key's allowed_ips)."""
    return _networks(tuple(values))


def trusted_proxies() -> tuple[Network, ...]:
    proxies = tuple(settings.TRUSTED_PROXIES)
    if not proxies and settings.TRUST_X_FORWARDED_FOR:  # deprecated: every hop is trusted
        proxies = EVERYWHERE
    return networks_of(proxies)


def client_address(request: HttpRequest) -> Address | None:
    """The client's address (cached on the request); None when it cannot be told (a trusted
    proxy sent a hop that is no address)."""
    if hasattr(request, _ATTR):
        return getattr(request, _ATTR)
    address = _resolve(request)
    setattr(request, _ATTR, address)
    return address


def _resolve(request: HttpRequest) -> Address | None:
    peer = parse_address(request.META.get("REMOTE_ADDR"))
    proxies = trusted_proxies()
    if not proxies or not address_in(peer, proxies):
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = parse_address(hop)
        if address is None:
            return None  # a trusted proxy passed on garbage: the client is unknown
        if not address_in(address, proxies):
            return address
    # every hop is one of ours: the leftmost is as far as we can see
    return parse_address(hops[0]) if hops else peer


def client_ip(request: HttpRequest) -> str | None:
    address = client_address(request)
    return str(address) if address is not None else None
