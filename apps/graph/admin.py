"""Console: entities (with a link to their relations), relations (read-only: edges change through
extraction, contradictions and retraction; filters by predicate and current/closed) and merges,
with an action that undoes merges (apps.graph.merges.merge_undo)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from unfold.admin import ModelAdmin

from apps.core.admin_filters import exact_filter
from apps.core.errors import AppError
from apps.core.tenancy import tenant_scope
from apps.graph.merges import merge_undo
from apps.graph.models import Entity, EntityMerge, Relation


class ReadOnly(ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class RelationState(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"
    _CURRENT = Q(valid_to__isnull=True, invalidated_at__isnull=True)

    def lookups(self, request: HttpRequest, model_admin: ModelAdmin) -> list[tuple[str, str]]:
        return [("current", "current"), ("closed", "closed or invalidated")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Relation]) -> QuerySet[Relation]:
        if self.value() == "current":
            return queryset.filter(self._CURRENT)
        if self.value() == "closed":
            return queryset.exclude(self._CURRENT)
        return queryset


@admin.register(Entity)
class EntityAdmin(ReadOnly):
    list_display = [
        "id",
        "tenant",
        "user_id",
        "name",
        "entity_type",
        "alias_list",
        "merged_into",
        "created_at",
    ]
    list_filter = [exact_filter("entity_type", "type"), "tenant"]
    list_filter_submit = True
    search_fields = ["name", "key", "user_id"]
    readonly_fields = [
        "tenant",
        "user_id",
        "name",
        "key",
        "entity_type",
        "aliases",
        "merged_into",
        "created_at",
        "updated_at",
        "relations",
    ]
    exclude = ["alias_keys", "trigrams"]
    list_select_related = ["tenant", "merged_into"]
    raw_id_fields = ["merged_into"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Entity]:
        return Entity.unscoped.select_related("tenant", "merged_into")

    @admin.display(description="aliases")
    def alias_list(self, obj: Entity) -> str:
        return ", ".join(obj.aliases[:5]) + (" ..." if len(obj.aliases) > 5 else "")

    @admin.display(description="relations")
    def relations(self, obj: Entity) -> str:
        url = reverse("admin:graph_relation_changelist")
        return format_html(
            '<a href="{}?subject__id__exact={}">as subject</a> &middot; '
            '<a href="{}?object__id__exact={}">as object</a>',
            url,
            obj.pk,
            url,
            obj.pk,
        )


@admin.register(Relation)
class RelationAdmin(ReadOnly):
    list_display = [
        "id",
        "tenant",
        "user_id",
        "subject",
        "predicate",
        "object",
        "confidence",
        "valid_from",
        "valid_to",
        "invalidated_at",
    ]
    list_filter = [RelationState, exact_filter("predicate"), "tenant"]
    list_filter_submit = True
    search_fields = ["user_id", "subject__name", "object__name"]
    list_select_related = ["tenant", "subject", "object"]
    raw_id_fields = ["subject", "object"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Relation]:
        return Relation.unscoped.select_related("tenant", "subject", "object")


@admin.register(EntityMerge)
class EntityMergeAdmin(ReadOnly):
    list_display = [
        "id",
        "tenant",
        "user_id",
        "entity",
        "into",
        "aliases_moved",
        "actor",
        "created_at",
        "undone_at",
    ]
    list_filter = ["tenant"]
    list_select_related = ["tenant", "entity", "into"]
    raw_id_fields = ["entity", "into"]
    actions = ["undo"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[EntityMerge]:
        return EntityMerge.unscoped.select_related("tenant", "entity", "into")

    def has_undo_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("graph.change_entitymerge")

    @admin.action(description="Undo the selected merges", permissions=["undo"])
    def undo(self, request: HttpRequest, queryset: QuerySet[EntityMerge]) -> None:
        for merge in queryset.order_by("-created_at"):  # the latest first: chains unwind
            try:
                with tenant_scope(merge.tenant_id):
                    merge_undo(tenant=merge.tenant, merge_id=merge.pk)
                self.log_change(request, merge, "Merge undone.")
                self.message_user(request, f"Merge {merge.pk} undone.")
            except AppError as error:
                self.message_user(request, f"Merge {merge.pk}: {error.message}", messages.ERROR)
