from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ["created_at", "tenant", "action", "status_code", "target_type", "target_id",
                    "end_user_id", "api_key_id", "client_ip", "request_id"]  # fmt: skip
    list_filter = ["status_code", "target_type", "tenant"]
    search_fields = ["action", "target_id", "end_user_id", "request_id"]
    date_hierarchy = "created_at"
    list_select_related = ["tenant"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        return AuditEvent.unscoped.select_related("tenant")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
