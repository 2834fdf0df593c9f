"""The console's memory-side pages: memories (with their versions), messages, add batches and
versions. Memories are millions of rows: counts are PostgreSQL's estimates, filters are on
indexed columns only, the search box uses the full-text index (never `icontains`), and the list
never COUNTs the table. An end user's words (memory text, questions, turns, version values,
batch decisions) are shown only to staff with `memories.view_memory_text`; others see
"(hidden)" and cannot search the text either (a search would answer "is this word in it?").

Changes go through the floor's services (archive, restore, retry) and each changed object is
logged with `log_change`, which the console's audit hook turns into an audit event."""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.filters.admin import (
    ChoicesDropdownFilter,
    RelatedDropdownFilter,
    TextFilter,
)

from apps.core.admin_paginator import EstimatedCountPaginator
from apps.core.errors import AppError
from apps.memories import text
from apps.memories.models import AddBatch, Memory, MemoryVersion, Message
from apps.memories.services import memories_restore
from apps.memories.services.console import batch_retry, memories_archive, memories_unarchive
from apps.tenants.models import Tenant

HIDDEN = "(hidden)"
TEXT_PERMISSION = "memories.view_memory_text"
# Heavy columns a list or a detail never shows.
HEAVY = ("embedding", "embedding_second", "search_vector", "embed_context")


def can_read_text(request: HttpRequest) -> bool:
    return request.user.has_perm(TEXT_PERMISSION)


def actor_of(request: HttpRequest) -> str:
    return f"console:{request.user.get_username()}"[:100]


def shorten(value: str | None, limit: int = 80) -> str:
    value = value or ""
    return value if len(value) <= limit else value[: limit - 1] + "…"


class ExactTextFilter(TextFilter):
    """A text box matched exactly (`icontains` over a big table is a full scan)."""

    field = ""

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = (self.value() or "").strip()
        return queryset.filter(**{self.field: value}) if value else queryset


class UserIdFilter(ExactTextFilter):
    title = "user id"
    parameter_name = field = "user_id"


class KindFilter(ExactTextFilter):
    title = "kind (turn, qa, faq_candidate, faq, place, ...)"
    parameter_name = field = "kind"


class BigTableAdmin(ModelAdmin):
    """No full COUNT(*) anywhere on the changelist, the tenant joined once."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_filter_submit = True
    list_select_related = ["tenant"]
    list_per_page = 50

    # List columns that show an end user's words -> the column shown instead without
    # `memories.view_memory_text`. Chosen per request: an admin instance is shared by every
    # thread, so it never keeps a per-request flag.
    text_columns: dict[str, str] = {}

    def get_list_display(self, request: HttpRequest) -> list[str]:
        columns = list(super().get_list_display(request))
        if can_read_text(request):
            return columns
        return [self.text_columns.get(c, c) for c in columns]

    @admin.display(description="text")
    def hidden(self, obj: Any) -> str:
        return HIDDEN

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Rows are written by the services only: a detail page is read-only, while the actions
        # (which ask for "change" without an object) stay open to operators.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MemoryVersionInline(TabularInline):
    model = MemoryVersion
    extra = 0
    can_delete = False
    ordering = ["-version"]
    readonly_fields = ["version", "event", "old_text", "new_text", "actor", "created_at"]
    fields = readonly_fields
    max_num = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[MemoryVersion]:
        return MemoryVersion.unscoped.all()

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if can_read_text(request):
            return ["version", "event", "old_value", "new_value", "actor", "created_at"]
        return self.fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.get_fields(request, obj)

    @admin.display(description="old value")
    def old_text(self, obj: MemoryVersion) -> str:
        return HIDDEN if obj.old_value else "-"

    @admin.display(description="new value")
    def new_text(self, obj: MemoryVersion) -> str:
        return HIDDEN if obj.new_value else "-"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


MEMORY_FIELDS = ["id", "tenant", "user_id", "agent_id", "conversation_id", "memory_type", "kind",
                 "slot", "status", "version", "mentions", "confidence", "tags", "segment",
                 "embedding_model", "access_count", "last_accessed_at", "occurred_at",
                 "created_at", "updated_at"]  # fmt: skip


@admin.register(Memory)
class MemoryAdmin(BigTableAdmin):
    list_display = ["tenant", "user_id", "kind", "memory_type", "status", "short_value",
                    "mentions", "updated_at"]  # fmt: skip
    list_filter = [
        ("tenant", RelatedDropdownFilter),
        UserIdFilter,
        KindFilter,
        ("status", ChoicesDropdownFilter),
        ("memory_type", ChoicesDropdownFilter),
    ]
    # Newest id first: the primary key's index serves every ordering of a filtered page, where
    # `-updated_at` (not indexed) would sort the whole filtered set.
    ordering = ["-pk"]
    search_fields = ["value"]  # shows the box; get_search_results below decides what it does
    search_help_text = (
        "Full-text over the memory text (every word must appear), or a memory id. "
        "Text search needs the 'view memory text' permission."
    )
    inlines = [MemoryVersionInline]
    actions = ["archive", "restore"]
    text_columns = {"short_value": "hidden_value"}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Memory]:
        return Memory.unscoped.defer(*HEAVY)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Memory], search_term: str
    ) -> tuple[QuerySet[Memory], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        try:
            return queryset.filter(pk=uuid.UUID(term)), False
        except ValueError:
            pass
        terms = text.query_terms(term)
        if not terms or not can_read_text(request):
            return queryset.none(), False
        # The platform's own lexemes (apps.memories.text, as search writes them) against the
        # GIN index memories_search_gin; every term must be there.
        query = " & ".join(text.tsquery_literal([t]) for t in terms)
        # The query is a bound parameter; `extra` adds one WHERE clause the ORM has no lookup for.
        found = queryset.extra(  # noqa: S610
            where=[f"{Memory._meta.db_table}.search_vector @@ %s::tsquery"], params=[query]
        )
        return found, False

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        shown = ["key", "value", "metadata", "sources"] if can_read_text(request) else ["text"]
        return [*MEMORY_FIELDS[:8], *shown, *MEMORY_FIELDS[8:]]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.get_fields(request, obj)

    @admin.display(description="value")
    def short_value(self, obj: Memory) -> str:
        return shorten(obj.value)

    @admin.display(description="value")
    def hidden_value(self, obj: Memory) -> str:
        return HIDDEN

    @admin.display(description="text (key, value, metadata, sources)")
    def text(self, obj: Memory) -> str:
        return HIDDEN

    def _by_tenant(self, queryset: QuerySet[Memory]) -> dict[int, list[str]]:
        groups: dict[int, list[str]] = defaultdict(list)
        for tenant_id, pk in queryset.values_list("tenant_id", "pk"):
            groups[tenant_id].append(str(pk))
        return groups

    def _log(self, request: HttpRequest, ids: list[str], message: str) -> None:
        for memory in Memory.unscoped.filter(pk__in=ids).only("id", "tenant_id", "user_id"):
            self.log_change(request, memory, message)

    @admin.action(description="Archive the selected memories", permissions=["change"])
    def archive(self, request: HttpRequest, queryset: QuerySet[Memory]) -> None:
        changed: list[str] = []
        for tenant_id, ids in self._by_tenant(queryset).items():
            tenant = Tenant.objects.get(pk=tenant_id)
            changed += memories_archive(tenant=tenant, memory_ids=ids, actor=actor_of(request))
        self._log(request, changed, "Archived (status activated -> archived)")
        self.message_user(request, f"{len(changed)} memories archived.", messages.SUCCESS)

    @admin.action(description="Restore the selected archived or deleted memories",
                  permissions=["change"])  # fmt: skip
    def restore(self, request: HttpRequest, queryset: QuerySet[Memory]) -> None:
        changed: list[str] = []
        for tenant_id, ids in self._by_tenant(queryset).items():
            tenant = Tenant.objects.get(pk=tenant_id)
            deleted = list(
                Memory.unscoped.filter(pk__in=ids, status=Memory.Status.DELETED).values_list(
                    "pk", flat=True
                )
            )
            changed += memories_unarchive(tenant=tenant, memory_ids=ids, actor=actor_of(request))
            if memories_restore(tenant=tenant, memory_ids=deleted, actor=actor_of(request)):
                changed += [str(pk) for pk in deleted]
        self._log(request, changed, "Restored (status -> activated)")
        self.message_user(request, f"{len(changed)} memories restored.", messages.SUCCESS)


@admin.register(MemoryVersion)
class MemoryVersionAdmin(BigTableAdmin):
    list_display = ["memory_id", "tenant", "version", "event", "actor", "created_at"]
    list_filter = [("tenant", RelatedDropdownFilter), ("event", ChoicesDropdownFilter)]
    ordering = ["-pk"]
    raw_id_fields = ["memory"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[MemoryVersion]:
        return MemoryVersion.unscoped.all()

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        values = ["old_value", "new_value"] if can_read_text(request) else ["values"]
        return ["memory", "tenant", "version", "event", *values, "actor", "created_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.get_fields(request, obj)

    @admin.display(description="old and new value")
    def values(self, obj: MemoryVersion) -> str:
        return HIDDEN


@admin.register(Message)
class MessageAdmin(BigTableAdmin):
    list_display = ["id", "tenant", "user_id", "conversation_id", "role", "short_content",
                    "timestamp"]  # fmt: skip
    list_filter = [("tenant", RelatedDropdownFilter), UserIdFilter]
    ordering = ["-pk"]
    raw_id_fields = ["batch"]
    text_columns = {"short_content": "hidden_content"}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Message]:
        return Message.unscoped.all()

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        content = ["content", "metadata"] if can_read_text(request) else ["text"]
        return ["tenant", "batch", "user_id", "agent_id", "conversation_id", "role", *content,
                "timestamp", "created_at"]  # fmt: skip

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.get_fields(request, obj)

    @admin.display(description="content")
    def short_content(self, obj: Message) -> str:
        return shorten(obj.content)

    @admin.display(description="content")
    def hidden_content(self, obj: Message) -> str:
        return HIDDEN

    @admin.display(description="content, metadata")
    def text(self, obj: Message) -> str:
        return HIDDEN


@admin.register(AddBatch)
class AddBatchAdmin(BigTableAdmin):
    list_display = ["id", "tenant", "user_id", "status", "infer", "message_count",
                    "memory_count", "extractor", "short_error", "created_at"]  # fmt: skip
    list_filter = [("tenant", RelatedDropdownFilter), UserIdFilter,
                   ("status", ChoicesDropdownFilter)]  # fmt: skip
    ordering = ["-created_at"]
    actions = ["retry"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AddBatch]:
        return AddBatch.unscoped.all()

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        decisions = ["decisions"] if can_read_text(request) else ["hidden_decisions"]
        return ["id", "tenant", "user_id", "event_id", "status", "infer", "message_count",
                "memory_count", "extractor", "error", *decisions,
                "created_at", "updated_at"]  # fmt: skip

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.get_fields(request, obj)

    @admin.display(description="error")
    def short_error(self, obj: AddBatch) -> str:
        return shorten(obj.error, 60)

    @admin.display(description="decisions")
    def hidden_decisions(self, obj: AddBatch) -> str:
        return f"{HIDDEN} ({len(obj.decisions or [])} decisions)"

    @admin.action(description="Retry the selected failed batches", permissions=["change"])
    def retry(self, request: HttpRequest, queryset: QuerySet[AddBatch]) -> None:
        retried, refused = 0, []
        for batch in queryset.select_related("tenant"):
            try:
                batch_retry(tenant=batch.tenant, batch_id=batch.pk, actor=actor_of(request))
            except AppError as exc:
                refused.append(f"{batch.pk}: {exc.message}")
                continue
            self.log_change(request, batch, "Retried (status failed -> queued)")
            retried += 1
        if retried:
            self.message_user(request, f"{retried} batches queued again.", messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)
