from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from apps.tenants.models import ApiKey, Tenant


def api_key_list(*, tenant: Tenant) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(tenant=tenant).order_by("-created_at")


def tenant_rate_limit(*, tenant: Tenant) -> int:
    """Requests per minute a key of `tenant` gets unless it has its own limit: the tenant's
    `rate_limit_per_minute` setting, else RATE_LIMIT_PER_MINUTE."""
    limit = tenant.settings.get("rate_limit_per_minute")
    if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0:
        return limit
    return settings.RATE_LIMIT_PER_MINUTE
