from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.audit.chain import chain_verify
from apps.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ["id", "created_at", "tenant", "action", "status_code", "target_type",
                    "target_id", "end_user_id", "redacted", "api_key_id", "client_ip",
                    "short_hash"]  # fmt: skip
    list_filter = ["status_code", "target_type", "redacted", "tenant"]
    search_fields = ["action", "target_id", "end_user_id", "request_id", "hash"]
    date_hierarchy = "created_at"
    list_select_related = ["tenant"]
    actions = ["verify_chain"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        return AuditEvent.unscoped.select_related("tenant")

    @admin.display(description="hash")
    def short_hash(self, obj: AuditEvent) -> str:
        return obj.hash[:12]

    @admin.action(description="Verify the hash chain of the selected events' tenants")
    def verify_chain(self, request: HttpRequest, queryset: QuerySet[AuditEvent]) -> None:
        tenants = sorted(set(queryset.values_list("tenant_id", "tenant__slug")))
        for tenant_id, slug in tenants:
            result = chain_verify(tenant_id=tenant_id)
            fault = result.first_break
            if fault is None:
                message = f"Audit chain of {slug}: ok, {result.events_checked} events checked"
                self.message_user(request, message, messages.SUCCESS)
            else:
                message = (
                    f"Audit chain of {slug}: BROKEN at event {fault.event_id} "
                    f"({fault.created_at:%Y-%m-%d %H:%M:%S}), {fault.field}: expected "
                    f"{fault.expected[:16]}, found {fault.found[:16]}"
                )
                self.message_user(request, message, messages.ERROR)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
