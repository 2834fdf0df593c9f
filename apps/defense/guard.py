"""The request guard: what every request pays for the IP defence, and the automatic bans.

Per request, before the view: at most one Redis round trip (a pipeline: is this address under
a temporary ban, the rules' version, the request counter, and counters this process has held
back), then in-process checks against the rules cached from PostgreSQL (whitelist, permanent
and manual bans, CIDR ranges). A banned address is refused here, before any key lookup.

After the view, only for a 4xx: a second pipeline counts authentication failures (401) and
4xx per address, each in a window that opens with its first failure; crossing a threshold
bans the address in Redis for IP_BAN_SECONDS, doubling with each ban remembered
(IP_BAN_STRIKE_MEMORY), and after IP_BAN_MAX_TEMPORARY temporary bans the next one is
permanent, in PostgreSQL.

Without Redis (apps.core.degraded): rules from PostgreSQL still apply (cached for
IP_DEFENSE_CACHE_SECONDS), counters and temporary bans are skipped, requests are served.
With Redis, a rule change bumps a version key that every process reads in its pipeline, so a
new ban or whitelist entry applies everywhere on the next request."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import redis
from django.conf import settings
from django.db import Error as DatabaseFailure  # DatabaseError and InterfaceError alike
from django.http import HttpRequest

from apps.core.degraded import redis_failed, redis_known_down
from apps.core.errors import Forbidden
from apps.core.netaddr import Address, Network, client_address, networks_of, parse_network
from apps.core.ratelimit import redis_client
from apps.tenants.models import ApiKey

logger = logging.getLogger(__name__)

P = "mp:ipd:"
BAN = P + "ban:{ip}"  # a temporary automatic ban; value: its strike number; TTL: its length
STRIKES = P + "strikes:{ip}"  # temporary bans so far (escalation)
TEMP_INDEX = P + "temp"  # sorted set ip -> expiry (epoch s), for listings and stats
AUTH_FAILS = P + "af:{ip}"  # failures in the window that opened with the first one
FOURXX = P + "4xx:{ip}"
VERSION = P + "version"
TOTAL = P + "total"
BLOCKED = P + "blocked"
TENANT_TOTAL = P + "t:{tenant}:total"
TENANT_BLOCKED = P + "t:{tenant}:blocked"
REFUSED_ATTR = "_memplatform_ip_refused"

# Counters this process owes Redis: added to the next request's pipeline, so counting by tenant
# (known only after the view) and counting refusals costs no round trip of its own.
_pending: Counter[str] = Counter()
_pending_lock = threading.Lock()


def count_later(key: str, n: int = 1) -> None:
    with _pending_lock:
        _pending[key] += n


def _drain() -> list[tuple[str, int]]:
    with _pending_lock:
        items = list(_pending.items())
        _pending.clear()
    return items


@dataclass
class Matcher:
    """Addresses and ranges, each with its expiry (epoch seconds, None: permanent). Ranges are
    grouped by IP version and prefix length and keyed by their leading bits as an integer, so
    a lookup costs one shift and one dict probe per distinct prefix length (at most 33 or 129),
    whatever the number of rules."""

    exact: dict[Address, float | None] = field(default_factory=dict)
    # (version, host bits) -> {leading bits of the network: expiry}
    ranges: dict[tuple[int, int], dict[int, float | None]] = field(default_factory=dict)

    def add(self, network: Network, expires: float | None) -> None:
        if network.num_addresses == 1:
            address = network.network_address
            self.exact[address] = _later(self.exact, address, expires)
            return
        host_bits = network.max_prefixlen - network.prefixlen
        group = self.ranges.setdefault((network.version, host_bits), {})
        lead = int(network.network_address) >> host_bits
        group[lead] = _later(group, lead, expires)

    def match(self, address: Address, now: float) -> tuple[bool, float | None]:
        """(matched, the latest expiry among live matches; None when one is permanent)."""
        hits = [self.exact[address]] if address in self.exact else []
        if self.ranges:
            value, version = int(address), address.version
            for (group_version, host_bits), group in self.ranges.items():
                if group_version == version and (value >> host_bits) in group:
                    hits.append(group[value >> host_bits])
        live = [exp for exp in hits if exp is None or exp > now]
        if not live:
            return False, None
        return True, None if None in live else max(live)


def _later(existing: dict, key: object, expires: float | None) -> float | None:
    if key not in existing:
        return expires
    other = existing[key]
    return None if other is None or expires is None else max(other, expires)


@dataclass
class Rules:
    loaded_at: float
    version: bytes | None
    platform_allow: Matcher
    platform_ban: Matcher
    tenant_allow: dict[int, Matcher]
    tenant_ban: dict[int, Matcher]


_EMPTY = Matcher()
_rules: Rules | None = None


def rules_invalidate() -> None:
    global _rules
    _rules = None


def _load(version: bytes | None) -> Rules:
    from apps.defense.models import IpRule

    now = datetime.now(tz=UTC)
    rules = Rules(time.monotonic(), version, Matcher(), Matcher(), {}, {})
    for network in networks_of(settings.IP_DEFENSE_WHITELIST):
        rules.platform_allow.add(network, None)
    rows = IpRule.objects.filter(expires_at__isnull=True) | IpRule.objects.filter(
        expires_at__gt=now
    )
    for tenant_id, kind, network, expires_at in rows.values_list(
        "tenant_id", "kind", "network", "expires_at"
    ):
        expires = expires_at.timestamp() if expires_at else None
        if tenant_id is None:
            target = rules.platform_allow if kind == "allow" else rules.platform_ban
        else:
            by_tenant = rules.tenant_allow if kind == "allow" else rules.tenant_ban
            target = by_tenant.setdefault(tenant_id, Matcher())
        target.add(parse_network(network), expires)
    return rules


def current_rules(version: bytes | None = None, *, known: bool = False) -> Rules:
    """The cached rules; reloaded when older than IP_DEFENSE_CACHE_SECONDS or, when Redis
    answered (`known`), when another process changed them. A database outage keeps the
    last rules (or none) rather than failing the request."""
    global _rules
    rules = _rules
    fresh = rules is not None and (
        time.monotonic() - rules.loaded_at < settings.IP_DEFENSE_CACHE_SECONDS
    )
    if rules is not None and fresh and (not known or rules.version == version):
        return rules
    try:
        _rules = _load(version)
    except DatabaseFailure as exc:
        # Keep the last rules (or none) for another period rather than asking a database that
        # is down on every request.
        logger.warning("IP defence: could not load rules, keeping the last ones: %s", exc)
        kept = rules or Rules(0.0, None, Matcher(), Matcher(), {}, {})
        _rules = replace(kept, loaded_at=time.monotonic(), version=version)
    return _rules


@dataclass(frozen=True)
class Verdict:
    whitelisted: bool = False
    blocked: bool = False
    retry_after: int | None = None  # seconds; None for a permanent ban


def check(address: Address) -> Verdict:
    """Before the view: one pipeline, then in-process matching."""
    ip = str(address)
    now = time.time()
    ttl_ms = version = None
    known = False
    if not redis_known_down():
        try:
            pipe = redis_client().pipeline(transaction=False)
            pipe.pttl(BAN.format(ip=ip))
            pipe.get(VERSION)
            pipe.incr(TOTAL)
            for key, n in _drain():
                pipe.incrby(key, n)
            ttl_ms, version, *_ = pipe.execute()
            known = True
        except redis.RedisError as exc:
            redis_failed(exc)  # degrade: rules from PostgreSQL only, no counters
    rules = current_rules(version, known=known)
    if rules.platform_allow.match(address, now)[0]:
        return Verdict(whitelisted=True)
    banned, expires = rules.platform_ban.match(address, now)
    if banned:
        count_later(BLOCKED)
        return Verdict(blocked=True, retry_after=_seconds_until(expires, now))
    if ttl_ms is not None and ttl_ms != -2:  # -2: no such key; -1: no expiry
        count_later(BLOCKED)
        return Verdict(blocked=True, retry_after=max(1, math.ceil(ttl_ms / 1000)) if ttl_ms > 0
                       else None)  # fmt: skip
    return Verdict()


def _seconds_until(expires: float | None, now: float) -> int | None:
    return None if expires is None else max(1, math.ceil(expires - now))


def refusal_error(retry_after: int | None) -> Forbidden:
    headers = {"Retry-After": str(retry_after)} if retry_after else {}
    message = (
        f"Requests from this address are banned; retry in {retry_after} s."
        if retry_after
        else "Requests from this address are banned."
    )
    details = {"retry_after": retry_after, "permanent": retry_after is None}
    return Forbidden(message, code="ip_banned", details=details, headers=headers)


def tenant_rules_check(sender: Any, request: Any, key: ApiKey, **kwargs: Any) -> None:
    """After key authentication (apps.core.auth.key_authenticated): the key's tenant's own
    whitelist and bans. Its whitelist exempts an address from its own bans only: a tenant
    cannot shield an address from the platform's bans."""
    if not settings.IP_DEFENSE_ENABLED:
        return
    tenant_id = key.tenant_id
    rules = current_rules()
    if tenant_id not in rules.tenant_ban:
        return
    address = client_address(request)
    if address is None:
        return
    now = time.time()
    if rules.tenant_allow.get(tenant_id, _EMPTY).match(address, now)[0]:
        return
    banned, expires = rules.tenant_ban[tenant_id].match(address, now)
    if banned:
        count_later(BLOCKED)
        count_later(TENANT_BLOCKED.format(tenant=tenant_id))
        setattr(getattr(request, "_request", request), REFUSED_ATTR, True)
        raise refusal_error(_seconds_until(expires, now))


def after(request: HttpRequest, address: Address, status: int, verdict: Verdict) -> None:
    """After the view: count the request for its key's tenant, and count failures."""
    key = getattr(request, "user", None)
    if isinstance(key, ApiKey):
        count_later(TENANT_TOTAL.format(tenant=key.tenant_id))
    if (
        verdict.whitelisted
        or not 400 <= status < 500
        or status == 429  # the rate limiter's own answer: it already slows the client down
        or getattr(request, REFUSED_ATTR, False)
        or redis_known_down()
    ):
        return
    try:
        _count_failure(str(address), status)
    except redis.RedisError as exc:
        redis_failed(exc)


def _count_failure(ip: str, status: int) -> None:
    auth_limit, flood_limit = settings.IP_BAN_AUTH_FAILURES, settings.IP_BAN_4XX
    pipe = redis_client().pipeline(transaction=False)
    flood_key = FOURXX.format(ip=ip)
    pipe.incr(flood_key)
    pipe.expire(flood_key, settings.IP_BAN_4XX_WINDOW, nx=True)  # the window opens once
    if status == 401:
        auth_key = AUTH_FAILS.format(ip=ip)
        pipe.incr(auth_key)
        pipe.expire(auth_key, settings.IP_BAN_AUTH_WINDOW, nx=True)
    counts = pipe.execute()[::2]
    # ">=": a count still over the limit after a ban ran out bans again at once (and escalates)
    flooded = flood_limit and counts[0] >= flood_limit
    failed = status == 401 and auth_limit and counts[1] >= auth_limit
    if flooded or failed:
        reason = (
            f"{auth_limit} authentication failures in {settings.IP_BAN_AUTH_WINDOW} s"
            if failed
            else f"{flood_limit} 4xx answers in {settings.IP_BAN_4XX_WINDOW} s"
        )
        auto_ban(ip=ip, reason=reason, counters=[flood_key] + ([auth_key] if status == 401 else []))


def auto_ban(*, ip: str, reason: str, counters: list[str] = ()) -> int | None:
    """Ban `ip` for its next strike: seconds of the temporary ban, None when it became
    permanent. Its failure `counters` start again from zero, so requests already in flight
    when the ban is set cannot ban it a second time."""
    client = redis_client()
    pipe = client.pipeline(transaction=False)
    if counters:
        pipe.delete(*counters)
    pipe.incr(STRIKES.format(ip=ip))
    pipe.expire(STRIKES.format(ip=ip), settings.IP_BAN_STRIKE_MEMORY)
    strikes = pipe.execute()[-2]
    if strikes > settings.IP_BAN_MAX_TEMPORARY:
        from apps.defense.services import ip_ban_permanent_auto

        try:
            ip_ban_permanent_auto(ip=ip, reason=f"{reason}; after {strikes - 1} temporary bans")
            logger.warning("IP defence: %s banned permanently (%s)", ip, reason)
            return None
        except DatabaseFailure as exc:  # no database: the longest temporary ban instead
            logger.warning("IP defence: could not store a permanent ban of %s: %s", ip, exc)
            strikes = settings.IP_BAN_MAX_TEMPORARY
    seconds = ban_seconds(strikes)
    pipe = client.pipeline(transaction=False)
    pipe.set(BAN.format(ip=ip), strikes, ex=seconds)
    pipe.zadd(TEMP_INDEX, {ip: time.time() + seconds})
    pipe.execute()
    logger.warning("IP defence: %s banned for %s s, strike %s (%s)", ip, seconds, strikes, reason)
    return seconds


def ban_seconds(strike: int) -> int:
    return min(settings.IP_BAN_SECONDS * 2 ** max(0, strike - 1), 365 * 86400)
