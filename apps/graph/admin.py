"""Console: entities, relations (read-only: edges change through extraction, contradictions,
retraction) and merges, with an action that undoes merges (apps.graph.merges.merge_undo)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.core.errors import AppError
from apps.core.tenancy import tenant_scope
from apps.graph.merges import merge_undo
from apps.graph.models import Entity, EntityMerge, Relation


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Entity)
class EntityAdmin(ReadOnly):
    list_display = ["id", "tenant", "user_id", "name", "entity_type", "merged_into", "created_at"]
    list_filter = ["entity_type", "tenant"]
    search_fields = ["name", "key", "user_id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Entity]:
        return Entity.unscoped.select_related("tenant")


@admin.register(Relation)
class RelationAdmin(ReadOnly):
    list_display = ["id", "tenant", "user_id", "subject", "predicate", "object", "confidence",
                    "valid_from", "valid_to", "invalidated_at"]  # fmt: skip
    list_filter = ["predicate", "tenant"]
    search_fields = ["user_id", "subject__name", "object__name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Relation]:
        return Relation.unscoped.select_related("tenant", "subject", "object")


@admin.register(EntityMerge)
class EntityMergeAdmin(ReadOnly):
    list_display = ["id", "tenant", "user_id", "entity", "into", "aliases_moved", "actor",
                    "created_at", "undone_at"]  # fmt: skip
    list_filter = ["tenant"]
    actions = ["undo"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[EntityMerge]:
        return EntityMerge.unscoped.select_related("tenant", "entity", "into")

    @admin.action(description="Undo the selected merges")
    def undo(self, request: HttpRequest, queryset: QuerySet[EntityMerge]) -> None:
        for merge in queryset.order_by("-created_at"):  # the latest first: chains unwind
            try:
                with tenant_scope(merge.tenant_id):
                    merge_undo(tenant=merge.tenant, merge_id=merge.pk)
                self.message_user(request, f"Merge {merge.pk} undone.")
            except AppError as error:
                self.message_user(request, f"Merge {merge.pk}: {error.message}", messages.ERROR)
