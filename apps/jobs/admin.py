from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from unfold.admin import ModelAdmin

from apps.jobs.models import Job


@admin.register(Job)
class JobAdmin(ModelAdmin):
    list_display = ["created_at", "tenant", "kind", "status", "progress", "message"]
    list_filter = ["status", "kind", "tenant"]
    show_full_result_count = False
    list_select_related = ["tenant"]
    readonly_fields = ["tenant", "kind", "status", "total", "done", "message", "params",
                       "created_at", "updated_at", "finished_at"]  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet[Job]:
        return Job.unscoped.select_related("tenant")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="progress")
    def progress(self, job: Job) -> str:
        return format_html(
            '<progress value="{}" max="100" title="{}%"></progress> {} / {} ({}%)',
            job.percent, job.percent, job.done, job.total, job.percent,
        )  # fmt: skip
