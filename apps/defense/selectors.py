"""Reading the defence: stats in the reference's shape, bans and whitelist of one level."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import redis
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.core.degraded import redis_failed, redis_known_down
from apps.core.ratelimit import redis_client
from apps.defense import guard
from apps.defense.models import IpRule
from apps.tenants.models import Tenant


def _active(*, tenant: Tenant | None, kind: str) -> QuerySet[IpRule]:
    live = Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    return IpRule.objects.filter(live, tenant=tenant, kind=kind)


def _redis(*commands: tuple[str, tuple]) -> list[Any] | None:
    if redis_known_down():
        return None
    try:
        pipe = redis_client().pipeline(transaction=False)
        for name, args in commands:
            getattr(pipe, name)(*args)
        return pipe.execute()
    except redis.RedisError as exc:
        redis_failed(exc)
        return None


def _temporary_bans() -> list[tuple[str, float]]:
    """Automatic temporary bans still running (platform level), from Redis."""
    now = time.time()
    found = _redis(
        ("zremrangebyscore", (guard.TEMP_INDEX, "-inf", now)),
        ("zrangebyscore", (guard.TEMP_INDEX, now, "+inf", None, None, True)),
    )
    if not found:
        return []
    return [(ip.decode(), score) for ip, score in found[1]]


def defense_stats(*, tenant: Tenant | None) -> dict[str, int]:
    """The reference's keys. Platform level: every request the defence saw and refused; a
    tenant: requests made with its keys and those its own rules refused. Counts lag by at most
    one request per server process (apps.defense.guard.count_later)."""
    if tenant is None:
        counters = _redis(("get", (guard.TOTAL,)), ("get", (guard.BLOCKED,)))
        automatic = len(_temporary_bans())
        whitelist = _active(tenant=None, kind="allow").count() + len(settings.IP_DEFENSE_WHITELIST)
    else:
        counters = _redis(("get", (guard.TENANT_TOTAL.format(tenant=tenant.pk),)),
                          ("get", (guard.TENANT_BLOCKED.format(tenant=tenant.pk),)))  # fmt: skip
        automatic = 0
        whitelist = _active(tenant=tenant, kind="allow").count()
    total, blocked = (int(c or 0) for c in (counters or (0, 0)))
    bans = _active(tenant=tenant, kind="ban")
    permanent = bans.filter(expires_at__isnull=True).count()
    temporary = bans.filter(expires_at__isnull=False).count() + automatic
    return {
        "total_requests": total,
        "blocked_requests": blocked,
        "total_bans": temporary + permanent,
        "temp_bans": temporary,
        "permanent_bans": permanent,
        "whitelist_size": whitelist,
    }


def rule_row(rule: IpRule) -> dict[str, Any]:
    return {
        "ip": rule.network,
        "scope": "platform" if rule.tenant_id is None else "tenant",
        "source": rule.source,
        "reason": rule.reason,
        "permanent": rule.expires_at is None,
        "expires_at": rule.expires_at,
        "created_at": rule.created_at,
    }


def ban_list(*, tenant: Tenant | None) -> list[dict[str, Any]]:
    rows = [rule_row(rule) for rule in _active(tenant=tenant, kind="ban")]
    if tenant is None:
        rows += [
            {"ip": ip, "scope": "platform", "source": "auto",
             "reason": "automatic temporary ban", "permanent": False,
             "expires_at": datetime.fromtimestamp(expiry, tz=UTC), "created_at": None}
            for ip, expiry in _temporary_bans()
        ]  # fmt: skip
    return rows


def whitelist_list(*, tenant: Tenant | None) -> list[dict[str, Any]]:
    rows = [rule_row(rule) for rule in _active(tenant=tenant, kind="allow")]
    if tenant is None:
        rows += [
            {"ip": value, "scope": "platform", "source": "settings",
             "reason": "IP_DEFENSE_WHITELIST", "permanent": True, "expires_at": None,
             "created_at": None}
            for value in settings.IP_DEFENSE_WHITELIST
        ]  # fmt: skip
    return rows
