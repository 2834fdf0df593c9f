"""The console's pipeline pages: topic segments, user profiles, the FAQ (question-and-answer
memories as candidates and promoted FAQs, with promote and demote actions through
apps.pipeline.faq) and the FAQ history. An end user's words (segment titles, profiles,
questions and answers) follow the memories' rule: shown only with
`memories.view_memory_text`, else "(hidden)". Each change is logged with `log_change` for the
console's audit hook."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import DropdownFilter, RelatedDropdownFilter

from apps.core.errors import AppError
from apps.memories.admin import (
    HEAVY,
    HIDDEN,
    BigTableAdmin,
    UserIdFilter,
    actor_of,
    can_read_text,
    shorten,
)
from apps.pipeline.faq import QA_KINDS, faq_demote, faq_promote
from apps.pipeline.models import FaqEntry, FaqEvent, Segment, UserProfile


@admin.register(Segment)
class SegmentAdmin(BigTableAdmin):
    list_display = ["id", "tenant", "user_id", "shown_title", "size", "visits", "heat",
                    "last_visited_at"]  # fmt: skip
    list_filter = [("tenant", RelatedDropdownFilter), UserIdFilter]
    ordering = ["-pk"]
    exclude = ["centroid"]
    text_columns = {"shown_title": "hidden_title"}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Segment]:
        return Segment.unscoped.defer("centroid")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        title = "shown_title" if can_read_text(request) else "hidden_title"
        return ["tenant", "user_id", title, "size", "length", "visits", "heat",
                "last_visited_at", "created_at", "updated_at"]  # fmt: skip

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.get_fields(request, obj)

    @admin.display(description="title")
    def shown_title(self, obj: Segment) -> str:
        return obj.title

    @admin.display(description="title")
    def hidden_title(self, obj: Segment) -> str:
        return HIDDEN


@admin.register(UserProfile)
class UserProfileAdmin(BigTableAdmin):
    list_display = ["tenant", "user_id", "source", "heat", "updated_at"]
    list_filter = [("tenant", RelatedDropdownFilter), UserIdFilter]
    ordering = ["-pk"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[UserProfile]:
        return UserProfile.unscoped.all()

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        text = ["profile", "knowledge", "summary"] if can_read_text(request) else ["text"]
        return ["tenant", "user_id", *text, "source", "heat", "updated_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.get_fields(request, obj)

    @admin.display(description="profile, knowledge, summary")
    def text(self, obj: UserProfile) -> str:
        return HIDDEN


class FaqKindFilter(DropdownFilter):
    title = "kind"
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("faq_candidate", "candidate"), ("faq", "FAQ"), ("qa", "question and answer")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        return queryset.filter(kind=value) if value in QA_KINDS else queryset


@admin.register(FaqEntry)
class FaqEntryAdmin(BigTableAdmin):
    """Candidates (kind faq_candidate), promoted FAQs (faq) and plain question-and-answer
    memories (qa); promote and demote go through apps.pipeline.faq, which writes FaqEvent."""

    list_display = ["tenant", "user_id", "kind", "question", "mentions", "access_count",
                    "updated_at"]  # fmt: skip
    list_filter = [("tenant", RelatedDropdownFilter), FaqKindFilter]
    ordering = ["-pk"]
    actions = ["promote", "demote"]
    text_columns = {"question": "hidden_question"}

    def get_queryset(self, request: HttpRequest) -> QuerySet[FaqEntry]:
        return FaqEntry.unscoped.filter(kind__in=QA_KINDS).defer(*HEAVY)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        text = ["key", "value"] if can_read_text(request) else ["hidden_question"]
        return ["id", "tenant", "user_id", "kind", "status", *text, "mentions", "access_count",
                "history", "created_at", "updated_at"]  # fmt: skip

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.get_fields(request, obj)

    @admin.display(description="question")
    def question(self, obj: FaqEntry) -> str:
        return shorten(obj.key)

    @admin.display(description="question and answer")
    def hidden_question(self, obj: FaqEntry) -> str:
        return HIDDEN

    @admin.display(description="history (FaqEvent)")
    def history(self, obj: FaqEntry) -> str:
        events = FaqEvent.unscoped.filter(tenant_id=obj.tenant_id, memory_id=obj.pk)[:50]
        return format_html_join(
            "\n", "<div>{} {} &rarr; {}: {} ({})</div>",
            ((f"{e.created_at:%Y-%m-%d %H:%M}", e.from_kind, e.to_kind, e.reason, e.actor)
             for e in events),
        ) or "-"  # fmt: skip

    def _each(self, request: HttpRequest, queryset: QuerySet[FaqEntry], change: Any) -> None:
        done, refused = 0, []
        for entry in queryset.select_related("tenant"):
            try:
                event = change(entry)
            except AppError as exc:
                refused.append(f"{entry.pk}: {exc.message}")
                continue
            self.log_change(request, entry, f"FAQ {event.from_kind} -> {event.to_kind}")
            done += 1
        if done:
            self.message_user(request, f"{done} changed.", messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)

    @admin.action(description="Promote the selected to FAQ", permissions=["change"])
    def promote(self, request: HttpRequest, queryset: QuerySet[FaqEntry]) -> None:
        self._each(request, queryset, lambda e: faq_promote(
            tenant=e.tenant, memory_id=str(e.pk), reason="promoted in the console",
            actor=actor_of(request)))  # fmt: skip

    @admin.action(description="Demote the selected FAQs to plain Q&A", permissions=["change"])
    def demote(self, request: HttpRequest, queryset: QuerySet[FaqEntry]) -> None:
        self._each(request, queryset, lambda e: faq_demote(
            tenant=e.tenant, memory_id=str(e.pk), actor=actor_of(request)))  # fmt: skip


@admin.register(FaqEvent)
class FaqEventAdmin(ModelAdmin):
    list_display = ["created_at", "tenant", "memory_id", "shown_question", "from_kind", "to_kind",
                    "reason", "actor"]  # fmt: skip
    list_filter = [("tenant", RelatedDropdownFilter), "to_kind"]
    list_select_related = ["tenant"]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[FaqEvent]:
        return FaqEvent.unscoped.all()

    def get_list_display(self, request: HttpRequest) -> list[str]:
        columns = list(self.list_display)
        if can_read_text(request):
            return columns
        return ["hidden_question" if c == "shown_question" else c for c in columns]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        question = "shown_question" if can_read_text(request) else "hidden_question"
        return ["tenant", "memory_id", question, "from_kind", "to_kind", "reason",
                "category", "confidence", "actor", "created_at"]  # fmt: skip

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.get_fields(request, obj)

    @admin.display(description="question")
    def shown_question(self, obj: FaqEvent) -> str:
        return shorten(obj.question)

    @admin.display(description="question")
    def hidden_question(self, obj: FaqEvent) -> str:
        return HIDDEN

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
