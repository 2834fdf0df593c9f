from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.multimodal.models import MultimodalItem


@admin.register(MultimodalItem)
class MultimodalItemAdmin(admin.ModelAdmin):
    list_display = ("id", "tenant", "user_id", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user_id", "text", "captions")
    readonly_fields = ("id", "tenant", "user_id", "role", "text", "captions", "parts",
                       "message_id", "created_at")  # fmt: skip
    exclude = ("image_embedding", "audio_embedding", "search_vector")

    def get_queryset(self, request: HttpRequest) -> QuerySet[MultimodalItem]:
        return MultimodalItem.unscoped.select_related("tenant")  # the admin sees every tenant

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
