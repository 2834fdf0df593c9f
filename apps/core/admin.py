from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from apps.core.models import FailedTask


@admin.register(FailedTask)
class FailedTaskAdmin(admin.ModelAdmin):
    list_display = ["created_at", "task_name", "task_id", "exception"]
    list_filter = ["task_name"]
    search_fields = ["task_name", "task_id", "exception"]
    readonly_fields = [
        "task_name",
        "task_id",
        "args",
        "kwargs",
        "exception",
        "traceback",
        "created_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
