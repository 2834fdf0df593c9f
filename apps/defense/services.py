"""Managing bans and the whitelist. A rule belongs to one level: the platform (tenant None,
managed by platform-admin keys and the console) or one tenant (managed by that tenant's admin
keys, applied to requests made with that tenant's keys)."""

from __future__ import annotations

import logging
from datetime import timedelta

import redis
from django.db import transaction
from django.utils import timezone

from apps.core.degraded import redis_failed, redis_known_down
from apps.core.errors import BadRequest, NotFound
from apps.core.netaddr import Address, Network, address_in, network_text, parse_network
from apps.core.ratelimit import redis_client
from apps.defense import guard
from apps.defense.models import IpRule
from apps.tenants.models import Tenant

logger = logging.getLogger(__name__)
MAX_DURATION = 10 * 365 * 86400


def network_parse(*, ip: str) -> Network:
    try:
        return parse_network(ip)
    except ValueError:
        raise BadRequest(
            f"{str(ip)[:80]!r} is not an IP address or CIDR range.",
            code="invalid_ip",
            details={"ip": str(ip)[:80]},
        ) from None


def rules_changed() -> None:
    """Every process reloads its rules on its next request (the version is in its pipeline);
    without Redis they do within IP_DEFENSE_CACHE_SECONDS."""
    guard.rules_invalidate()
    if redis_known_down():
        return
    try:
        redis_client().incr(guard.VERSION)
    except redis.RedisError as exc:
        redis_failed(exc)


def ip_rule_add(
    *,
    tenant: Tenant | None,
    kind: str,
    ip: str,
    reason: str = "",
    duration_seconds: int | None = None,
    actor: str = "",
    caller: Address | None = None,
) -> IpRule:
    """Add (or renew) a ban or whitelist entry at one level. A ban that would cover the caller's
    own address is refused unless that address is whitelisted at the same level: an admin does
    not lock themself out by a typo (0.0.0.0/0)."""
    network = network_parse(ip=ip)
    if duration_seconds is not None and not 1 <= duration_seconds <= MAX_DURATION:
        raise BadRequest(
            f"duration_seconds must be between 1 and {MAX_DURATION}.", code="invalid_duration"
        )
    if kind == IpRule.Kind.BAN and caller is not None and address_in(caller, (network,)):
        if not _whitelisted(tenant=tenant, address=caller):
            raise BadRequest(
                f"{network} covers your own address {caller}; whitelist it first.",
                code="ban_covers_caller",
            )
    expires_at = timezone.now() + timedelta(seconds=duration_seconds) if duration_seconds else None
    with transaction.atomic():
        rule, _ = IpRule.objects.update_or_create(
            tenant=tenant,
            kind=kind,
            network=network_text(network),
            defaults={"reason": reason, "expires_at": expires_at, "created_by": actor,
                      "source": IpRule.Source.MANUAL},
        )  # fmt: skip
    rules_changed()
    return rule


def _whitelisted(*, tenant: Tenant | None, address: Address) -> bool:
    rules = guard.current_rules()
    matcher = rules.platform_allow if tenant is None else rules.tenant_allow.get(tenant.pk)
    now = timezone.now().timestamp()
    return matcher is not None and matcher.match(address, now)[0]


def ip_rule_remove(*, tenant: Tenant | None, kind: str, ip: str) -> str:
    """Remove the entry for exactly this address or range at this level; for a platform ban
    also the automatic temporary ban and its strikes (an unban is a pardon). NotFound when
    there was nothing to remove. Returns the normalised network."""
    network = network_text(network_parse(ip=ip))
    deleted, _ = IpRule.objects.filter(tenant=tenant, kind=kind, network=network).delete()
    lifted = 0
    if tenant is None and kind == IpRule.Kind.BAN:
        lifted = _lift_temporary(network)
    if not deleted and not lifted:
        what = "ban" if kind == IpRule.Kind.BAN else "whitelist entry"
        raise NotFound(f"No {what} for {network}.", code=f"{what.replace(' ', '_')}_not_found")
    rules_changed()
    return network


def _lift_temporary(network: str) -> int:
    parsed = parse_network(network)
    if parsed.num_addresses != 1 or redis_known_down():
        return 0
    ip = str(parsed.network_address)
    try:
        pipe = redis_client().pipeline(transaction=False)
        pipe.delete(guard.BAN.format(ip=ip))
        pipe.delete(guard.STRIKES.format(ip=ip))
        pipe.zrem(guard.TEMP_INDEX, ip)
        return pipe.execute()[0]
    except redis.RedisError as exc:
        redis_failed(exc)
        return 0


def ip_ban_permanent_auto(*, ip: str, reason: str) -> IpRule:
    """The escalation of the automatic bans: a platform-wide permanent ban in PostgreSQL."""
    network = network_text(parse_network(ip))
    rule, _ = IpRule.objects.update_or_create(
        tenant=None,
        kind=IpRule.Kind.BAN,
        network=network,
        defaults={"reason": reason[:500], "expires_at": None, "created_by": "auto",
                  "source": IpRule.Source.AUTO},
    )  # fmt: skip
    rules_changed()
    return rule
