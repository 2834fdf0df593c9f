"""Console: multimodal items (read-only). The contents are summarised (type, MIME type, size,
caption of each part); stored objects are linked for download; raw base64 never reaches the
page and the embeddings are not shown."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html_join
from unfold.admin import ModelAdmin

from apps.core.admin_filters import exact_filter
from apps.multimodal.models import MultimodalItem, MultimodalObject

_SHOWN = ("type", "mime_type", "url", "caption", "transcript", "name", "dimension")


def _part_summary(index: int, part: Any) -> tuple[int, str]:
    if not isinstance(part, dict):
        return index, type(part).__name__
    shown = []
    for key in _SHOWN:
        value = part.get(key)
        if value in (None, ""):
            continue
        text = str(value)
        if key == "url" and text[:5].lower() == "data:":
            text = f"data: URL ({len(text)} characters)"
        shown.append(f"{key}: {text[:120]}")
    if "data" in part:
        shown.append(f"data: {len(str(part['data']))} base64 characters (stored as an object)")
    if "vector" in part or "embedding" in part:
        shown.append("vector")
    return index, "; ".join(shown) or "-"


@admin.register(MultimodalItem)
class MultimodalItemAdmin(ModelAdmin):
    list_display = ("id", "tenant", "user_id", "role", "created_at")
    list_filter = (exact_filter("role"), "tenant")
    list_filter_submit = True
    search_fields = ("user_id",)
    readonly_fields = (
        "id",
        "tenant",
        "user_id",
        "role",
        "text",
        "captions",
        "contents",
        "objects",
        "message_id",
        "created_at",
    )
    exclude = ("image_embedding", "audio_embedding", "search_vector", "parts")
    list_select_related = ("tenant",)
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[MultimodalItem]:
        return MultimodalItem.unscoped.select_related("tenant")  # the admin sees every tenant

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="contents")
    def contents(self, obj: MultimodalItem) -> str:
        parts = obj.parts if isinstance(obj.parts, list) else []
        rows = [_part_summary(i, p) for i, p in enumerate(parts)]
        return format_html_join("", "<div>#{}: {}</div>", rows) or "-"

    @admin.display(description="objects")
    def objects(self, obj: MultimodalItem) -> str:
        rows = MultimodalObject.unscoped.filter(item_id=obj.pk).order_by("part")
        links = [
            (
                reverse("admin:multimodal_object_download", args=[obj.pk, o.part]),
                o.part,
                o.content_type,
                o.size,
                o.sha256[:12],
            )
            for o in rows.only("part", "content_type", "size", "sha256")
        ]
        return (
            format_html_join(
                "", '<div><a href="{}">part {}</a> {} ({} bytes, sha256 {})</div>', links
            )
            or "-"
        )

    def object_download(self, request: HttpRequest, item_id: str, part: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        found = MultimodalObject.unscoped.filter(item_id=item_id, part=part).first()
        if found is None:
            raise PermissionDenied
        response = HttpResponse(bytes(found.data), content_type=found.content_type)
        response["Content-Disposition"] = f'attachment; filename="{item_id}-{part}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.object_download)
        mine = [path("<uuid:item_id>/object/<int:part>/", view, name="multimodal_object_download")]
        return mine + super().get_urls()
