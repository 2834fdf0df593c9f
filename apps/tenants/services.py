"""Tenants and API keys: creation, authentication, revocation, acting tenant."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone

from apps.core.degraded import postgres_failed
from apps.core.errors import BadRequest, Conflict, Forbidden, NotFound, Unauthorized
from apps.core.netaddr import network_text, parse_network
from apps.tenants.models import KEY_PREFIX, SCOPES, ApiKey, Tenant
from apps.tenants.selectors import tenant_rate_limit

_PREFIX_LEN = 12
_KEY_RE = re.compile(rf"^{KEY_PREFIX}([0-9a-f]{{{_PREFIX_LEN}}})_([A-Za-z0-9_-]{{20,128}})$")
_SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_REF_RE = re.compile(r"^[A-Za-z0-9_.-]{1,200}$")
LAST_USED_GRANULARITY = timedelta(seconds=60)
BOOTSTRAP_TENANT = "default"
# Least privilege: a key made without naming its scopes reads and writes memories, nothing more
# (no chat spending, no admin). Every way of making a key (API, command) shares this default.
DEFAULT_SCOPES = ("memory",)


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    secret: str  # the whole key string; never stored, shown once


def _is_id(ref: str) -> bool:
    """An ASCII whole number that fits a bigint (Unicode digits are not ids)."""
    return ref.isascii() and ref.isdigit() and len(ref) <= 18


def _digest(prefix: str, secret: str) -> str:
    message = f"{prefix}.{secret}".encode()
    return hmac.new(settings.API_KEY_PEPPER.encode(), message, hashlib.sha256).hexdigest()


def tenant_create(*, slug: str, name: str = "", tenant_settings: dict | None = None) -> Tenant:
    if not _SLUG_RE.match(slug):
        raise BadRequest(
            "Tenant slug must be 1-63 lowercase letters, digits or inner hyphens.",
            code="invalid_slug",
        )
    try:
        with transaction.atomic():
            return Tenant.objects.create(
                slug=slug, name=name or slug, settings=tenant_settings or {}
            )
    except IntegrityError:
        raise Conflict(f"Tenant {slug!r} already exists.", code="tenant_exists") from None


def tenant_set_status(*, tenant: Tenant, status: str) -> Tenant:
    if status not in Tenant.Status.values:
        raise BadRequest(f"Unknown tenant status {status!r}.", code="invalid_status")
    tenant.status = status
    tenant.save(update_fields=["status", "updated_at"])
    return tenant


def tenant_settings_update(*, tenant: Tenant, changes: dict) -> Tenant:
    """Merge `changes` into the tenant's settings (a key set to None is removed), under a row
    lock so two updates of different keys both land."""
    with transaction.atomic():
        row = Tenant.objects.select_for_update().get(pk=tenant.pk)
        merged = dict(row.settings or {})
        for key, value in changes.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        row.settings = merged
        row.save(update_fields=["settings", "updated_at"])
    tenant.settings = merged
    return tenant


def validate_scopes(scopes: list[str]) -> list[str]:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise BadRequest(
            f"Unknown scopes: {', '.join(unknown)}.",
            code="invalid_scope",
            details={"allowed": SCOPES},
        )
    return sorted(set(scopes))


MAX_ALLOWED_IPS = 100


def validate_allowed_ips(values: list[str]) -> list[str]:
    """Normalised CIDR strings (a bare address becomes /32 or /128), or BadRequest naming the
    first bad entry. Order kept, duplicates dropped."""
    if len(values) > MAX_ALLOWED_IPS:
        raise BadRequest(
            f"At most {MAX_ALLOWED_IPS} entries in allowed_ips.", code="invalid_allowed_ips"
        )
    out: list[str] = []
    for value in values:
        try:
            network = network_text(parse_network(value))
        except ValueError:
            raise BadRequest(
                f"allowed_ips: {str(value)[:80]!r} is not an IP address or CIDR range.",
                code="invalid_allowed_ips",
                details={"value": str(value)[:80]},
            ) from None
        if network not in out:
            out.append(network)
    return out


def api_key_create(
    *,
    tenant: Tenant,
    name: str = "",
    scopes: list[str] | None = None,
    expires_at: datetime | None = None,
    is_platform_admin: bool = False,
    rate_limit_per_minute: int | None = None,
    allowed_ips: list[str] | None = None,
    actor: ApiKey | None = None,
) -> IssuedKey:
    """A new key; `scopes` None means DEFAULT_SCOPES. `actor` is the key asking for it through
    the API (None for operators: console and commands), and may not give more than it holds.
    A platform-admin key holds every scope (`ApiKey.has_scope`), so its row lists them all:
    a listing never shows it as narrower than it is."""
    scopes = validate_scopes(list(DEFAULT_SCOPES) if scopes is None else scopes)
    if is_platform_admin:
        scopes = sorted(SCOPES)
    if actor is not None and not actor.is_platform_admin:
        _check_within_actor(
            tenant=tenant,
            is_platform_admin=is_platform_admin,
            rate_limit_per_minute=rate_limit_per_minute,
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise BadRequest("expires_at must be in the future.", code="invalid_expiry")
    allowed_ips = validate_allowed_ips(allowed_ips or [])
    prefix = secrets.token_hex(_PREFIX_LEN // 2)
    secret = secrets.token_urlsafe(32)
    key = ApiKey.unscoped.create(
        tenant=tenant,
        name=name,
        prefix=prefix,
        digest=_digest(prefix, secret),
        scopes=scopes,
        expires_at=expires_at,
        is_platform_admin=is_platform_admin,
        rate_limit_per_minute=rate_limit_per_minute,
        allowed_ips=allowed_ips,
    )
    return IssuedKey(key=key, secret=f"{KEY_PREFIX}{prefix}_{secret}")


def _check_within_actor(
    *, tenant: Tenant, is_platform_admin: bool, rate_limit_per_minute: int | None
) -> None:
    """What a tenant's own admin key may not hand out: platform-wide power, or more requests per
    minute than the tenant gets (a key's own limit overrides the tenant's, so without this bound
    a tenant admin could lift the platform operator's limit for itself)."""
    if is_platform_admin:
        raise Forbidden(
            "Only a platform-admin key may create platform-admin keys.",
            code="platform_admin_required",
        )
    tenant_limit = tenant_rate_limit(tenant=tenant)
    if rate_limit_per_minute is not None and rate_limit_per_minute > tenant_limit:
        raise Forbidden(
            f"rate_limit_per_minute {rate_limit_per_minute} exceeds the tenant's limit of "
            f"{tenant_limit} per minute; only a platform-admin key may set a higher one.",
            code="rate_limit_above_tenant",
            details={"rate_limit_per_minute": rate_limit_per_minute, "tenant_limit": tenant_limit},
        )


def api_key_authenticate(*, raw: str) -> ApiKey:
    """The key for a presented secret, or Unauthorized. Constant-time digest comparison.

    Lookup is by prefix across all tenants (`unscoped`): the key is what tells us the tenant.
    Every failure gives the same kind of answer, so a caller learns nothing about which keys exist
    beyond revoked/expired, which only a holder of the full secret can see.
    """
    match = _KEY_RE.match(raw)
    if not match:
        raise Unauthorized("Malformed API key.", code="malformed_key")
    prefix, secret = match.groups()
    degraded = False
    try:
        key = ApiKey.unscoped.select_related("tenant").filter(prefix=prefix).first()
    except (OperationalError, InterfaceError) as exc:
        key, degraded = _verified_while_down(prefix, exc), True
    if key is None or not hmac.compare_digest(key.digest, _digest(prefix, secret)):
        raise Unauthorized("Invalid API key.", code="invalid_key")
    if key.is_revoked:
        raise Unauthorized("This API key has been revoked.", code="revoked_key")
    if key.is_expired:
        raise Unauthorized("This API key has expired.", code="expired_key")
    if not degraded:
        _touch_last_used(key)
        _VERIFIED[prefix] = (time.monotonic(), key)
    return key


# Keys verified recently, for degraded mode only: when the database cannot be reached, a key
# seen in the last VERIFIED_TTL seconds still authenticates (its digest is checked again), so
# chat can pass through to the model. Never consulted while the database answers, so a
# revocation takes effect at once whenever there is a database to record it in.
VERIFIED_TTL = 300.0
_VERIFIED: dict[str, tuple[float, ApiKey]] = {}


def _verified_while_down(prefix: str, exc: Exception) -> ApiKey:
    postgres_failed(exc)
    seen, key = _VERIFIED.get(prefix, (0.0, None))
    if key is None or time.monotonic() - seen > VERIFIED_TTL:
        raise exc
    return key


def _touch_last_used(key: ApiKey) -> None:
    now = timezone.now()
    if key.last_used_at and now - key.last_used_at < LAST_USED_GRANULARITY:
        return
    ApiKey.unscoped.filter(pk=key.pk).update(last_used_at=now)
    key.last_used_at = now


def tenant_get_by_ref(*, ref: str) -> Tenant:
    """A tenant by slug or numeric id."""
    if len(ref) > 100 or "\x00" in ref:
        raise NotFound("Tenant not found.", code="tenant_not_found")
    lookup = {"pk": int(ref)} if _is_id(ref) else {"slug": ref}
    tenant = Tenant.objects.filter(**lookup).first()
    if tenant is None:
        raise NotFound(f"Tenant {ref!r} not found.", code="tenant_not_found")
    return tenant


def tenant_resolve_acting(*, key: ApiKey, requested: str | None) -> Tenant:
    """The tenant a request acts on: the key's own, or for a platform-admin key the one named
    by X-Tenant-ID. Any other key naming another tenant is refused (403)."""
    own = key.tenant
    if not own.is_active and not key.is_platform_admin:
        raise Forbidden("This tenant is suspended.", code="tenant_suspended")
    requested = (requested or "").strip()
    if not requested or requested in {own.slug, str(own.pk)}:
        return own
    if not key.is_platform_admin:
        raise Forbidden("This key may not act on another tenant.", code="cross_tenant")
    return tenant_get_by_ref(ref=requested)


def api_key_get_by_ref(*, tenant: Tenant, ref: str) -> ApiKey:
    """A key of `tenant`, named by its full secret, its prefix or its id; else NotFound."""
    ref = ref.strip()
    if not _REF_RE.match(ref):
        raise NotFound("API key not found.", code="key_not_found")
    match = _KEY_RE.match(ref)
    if match:
        lookup = {"prefix": match.group(1)}
    elif ref.startswith(KEY_PREFIX):
        lookup = {"prefix": ref[len(KEY_PREFIX) :]}
    elif _is_id(ref):
        lookup = {"pk": int(ref)}
    else:
        lookup = {"prefix": ref}
    key = ApiKey.unscoped.filter(tenant=tenant, **lookup).first()
    if key is None:
        raise NotFound("API key not found.", code="key_not_found")
    return key


def api_key_revoke(*, tenant: Tenant, ref: str) -> ApiKey:
    """Revoke a key of `tenant`, named by its full secret, its prefix or its id. Idempotent."""
    key = api_key_get_by_ref(tenant=tenant, ref=ref)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def api_key_update(
    *, tenant: Tenant, ref: str, name: str | None = None, allowed_ips: list[str] | None = None
) -> ApiKey:
    """Rename a key of `tenant` or replace its allowed_ips (None: unchanged; []: anywhere).
    Validated before anything is written."""
    key = api_key_get_by_ref(tenant=tenant, ref=ref)
    fields = []
    if allowed_ips is not None:
        key.allowed_ips = validate_allowed_ips(allowed_ips)
        fields.append("allowed_ips")
    if name is not None:
        key.name = name
        fields.append("name")
    if fields:
        key.save(update_fields=fields)
    return key


def bootstrap_ensure(*, slug: str = BOOTSTRAP_TENANT) -> IssuedKey | None:
    """Make sure the bootstrap tenant and a platform-admin key exist. Returns the new key the
    first time (to print once), None when one already exists."""
    tenant, _ = Tenant.objects.get_or_create(slug=slug, defaults={"name": "Default tenant"})
    if ApiKey.unscoped.filter(
        tenant=tenant, is_platform_admin=True, revoked_at__isnull=True
    ).exists():
        return None
    return api_key_create(
        tenant=tenant, name="bootstrap admin", scopes=list(SCOPES), is_platform_admin=True
    )


def tenant_delete(*, tenant: Tenant) -> None:
    """Delete a tenant and everything it owns, its audit trail included (the only path that may
    purge audit events: the append-only trigger lets DELETE through when this flag is set)."""
    from django.db import connection

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL memplatform.audit_purge = 'on'")
        tenant.delete()
