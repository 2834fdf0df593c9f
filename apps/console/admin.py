"""The console's own pages: the rollup rows (read-only), and the tenant page extended with the
tenant's usage from the rollup and its keys (the tenants app cannot read the rollup: layer 1)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from unfold.admin import ModelAdmin

from apps.console.models import DailyUsage
from apps.console.selectors import usage_totals
from apps.tenants.admin import TenantAdmin
from apps.tenants.models import ApiKey, Tenant

USAGE_DAYS = 30
USAGE_LABELS = [
    ("requests", "API requests"), ("errors_4xx", "4xx answers"), ("errors_5xx", "5xx answers"),
    ("memories_added", "memories added"), ("messages_added", "messages added"),
    ("batches_failed", "add batches failed"), ("llm_calls", "LLM calls"),
    ("llm_tokens", "LLM tokens"), ("embedding_calls", "embedding calls"),
    ("embedding_texts", "texts embedded"),
]  # fmt: skip


@admin.register(DailyUsage)
class DailyUsageAdmin(ModelAdmin):
    list_display = ["day", "tenant", "requests", "errors_4xx", "errors_5xx", "p50_ms", "p95_ms",
                    "memories_added", "messages_added", "batches_failed", "llm_calls",
                    "embedding_calls"]  # fmt: skip
    list_filter = ["day"]
    list_select_related = ["tenant"]
    show_full_result_count = False
    raw_id_fields = ["tenant"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: DailyUsage | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: DailyUsage | None = None) -> bool:
        return False


class TenantConsoleAdmin(TenantAdmin):
    """The tenant page: its settings form (apps.tenants) plus usage and keys, read-only."""

    readonly_fields = [*TenantAdmin.readonly_fields, "usage", "api_keys"]

    def get_fieldsets(self, request: HttpRequest, obj: Tenant | None = None) -> list:
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None:
            fieldsets.insert(1, (f"Usage, last {USAGE_DAYS} days", {"fields": ["usage"]}))
            fieldsets.append(("API keys", {"fields": ["api_keys"]}))
        return fieldsets

    @admin.display(description=f"usage (daily rollup, last {USAGE_DAYS} days)")
    def usage(self, obj: Tenant) -> str:
        totals = usage_totals(tenant_id=obj.pk, days=USAGE_DAYS)
        return format_html(
            '<dl id="tenant-usage" class="grid grid-cols-2 gap-x-6 gap-y-1">{}</dl>',
            format_html_join("", "<dt>{}</dt><dd>{}</dd>",
                             ((label, f"{totals[name]:,}") for name, label in USAGE_LABELS)),
        )  # fmt: skip

    @admin.display(description="keys")
    def api_keys(self, obj: Tenant) -> str:
        keys: QuerySet[ApiKey] = ApiKey.unscoped.filter(tenant=obj).order_by("-created_at")[:50]
        rows = [
            (k.name, k.display_prefix, ", ".join(k.scopes),
             "revoked" if k.revoked_at else "active")
            for k in keys
        ]  # fmt: skip
        if not rows:
            return "no keys"
        return format_html(
            '<ul id="tenant-keys">{}</ul>',
            format_html_join("", "<li>{} <code>{}</code> ({}; {})</li>", rows),
        )


admin.site.unregister(Tenant)
admin.site.register(Tenant, TenantConsoleAdmin)
