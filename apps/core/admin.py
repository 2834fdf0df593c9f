"""Console: failed tasks, with retry (re-sent through Celery with the recorded arguments, then
marked) and discard (the record is deleted) through apps.core.failed."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from unfold.admin import ModelAdmin

from apps.core.failed import failed_task_discard, failed_task_retry
from apps.core.models import FailedTask


@admin.register(FailedTask)
class FailedTaskAdmin(ModelAdmin):
    list_display = ["created_at", "task_name", "task_id", "exception", "retried_at"]
    list_filter = ["task_name", "retried_at"]
    search_fields = ["task_name", "task_id"]
    readonly_fields = [
        "task_name",
        "task_id",
        "args",
        "kwargs",
        "exception",
        "traceback",
        "created_at",
        "retried_at",
        "retry_task_id",
    ]
    show_full_result_count = False
    actions = ["retry", "discard"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(
        description="Retry the selected tasks (send again with their arguments)",
        permissions=["change"],
    )
    def retry(self, request: HttpRequest, queryset: QuerySet[FailedTask]) -> None:
        for failed in queryset:
            new_id = failed_task_retry(failed=failed)
            self.log_change(request, failed, f"Retried as task {new_id}.")
        self.message_user(request, f"{queryset.count()} task(s) sent again.", messages.SUCCESS)

    @admin.action(description="Discard the selected failures", permissions=["delete"])
    def discard(self, request: HttpRequest, queryset: QuerySet[FailedTask]) -> None:
        count = 0
        for failed in queryset:
            self.log_change(request, failed, "Discarded.")  # logged first: the row goes
            failed_task_discard(failed=failed)
            count += 1
        self.message_user(request, f"{count} failure(s) discarded.", messages.SUCCESS)
