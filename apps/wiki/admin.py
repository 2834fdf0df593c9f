"""Console: saved connectors (masked: secrets are never decrypted into the page or a form; a
"test" action runs apps.wiki.connectors.services.connector_test), wikis with the progress of
their generation jobs, and wiki pages rendered from Markdown (markdown-it-py, raw HTML off).

Mermaid diagrams are shown as their source in a code block: no installed package ships an
offline mermaid.js, and the console loads nothing from a CDN."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from unfold.admin import ModelAdmin

from apps.core.errors import AppError
from apps.core.tenancy import tenant_scope
from apps.jobs.models import Job
from apps.wiki.connectors.services import connector_test, saved_connector_out
from apps.wiki.models import SavedConnector, Wiki, WikiPage

# CommonMark with raw HTML disabled: a page's text cannot inject markup; markdown-it's
# validateLink refuses javascript:/vbscript:/data: links.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")


def page_html(content: str) -> SafeString:
    """A page as HTML. Fences keep their language class (```mermaid -> language-mermaid)."""
    return mark_safe(_MARKDOWN.render(content))  # noqa: S308  (html off: escaped by markdown-it)


class ReadOnly(ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # wikis and their pages follow their jobs and the API, never a bare delete


@admin.register(SavedConnector)
class SavedConnectorAdmin(ReadOnly):
    """View-only with a test action. `config` and `secrets` are never form fields: the page
    shows the configuration through saved_connector_out, every secret masked."""

    list_display = ["name", "tenant", "connector_type", "created_at", "updated_at"]
    list_filter = ["connector_type", "tenant"]
    search_fields = ["name"]
    fields = ["id", "tenant", "name", "connector_type", "masked_config", "created_at", "updated_at"]
    readonly_fields = fields
    list_select_related = ["tenant"]
    actions = ["test"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SavedConnector]:
        return SavedConnector.unscoped.select_related("tenant")

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # deleted through the API (DELETE /v1/wiki/connectors/saved/<id>)

    def has_test_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("wiki.change_savedconnector")

    @admin.display(description="configuration (secrets masked)")
    def masked_config(self, obj: SavedConnector) -> str:
        out = saved_connector_out(saved=obj)
        rows = sorted((k, str(v)) for k, v in out["config"].items())
        return format_html_join("", "<div><code>{}</code>: {}</div>", rows)

    @admin.action(description="Test the selected connectors", permissions=["test"])
    def test(self, request: HttpRequest, queryset: QuerySet[SavedConnector]) -> None:
        for saved in queryset.select_related("tenant"):
            try:
                with tenant_scope(saved.tenant_id):
                    result = connector_test(
                        tenant=saved.tenant, connector_type=None, config=None, saved_id=saved.pk
                    )
            except AppError as exc:
                self.message_user(
                    request, f"{saved.name}: failed ({exc.code}): {exc.message}", messages.ERROR
                )
                continue
            files = result["metadata"]["files_count"]
            self.log_change(request, saved, f"Tested: {files} files.")
            self.message_user(request, f"{saved.name}: ok, {files} files.", messages.SUCCESS)


@admin.register(Wiki)
class WikiAdmin(ReadOnly):
    list_display = ["name", "tenant", "namespace", "repo_key", "updated_at"]
    list_filter = ["tenant"]
    search_fields = ["name", "repo_key"]
    readonly_fields = [
        "id",
        "tenant",
        "name",
        "repo_key",
        "namespace",
        "created_at",
        "updated_at",
        "jobs",
        "pages",
    ]
    list_select_related = ["tenant"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Wiki]:
        return Wiki.unscoped.select_related("tenant")

    @admin.display(description="generation jobs (latest 10)")
    def jobs(self, obj: Wiki) -> str:
        found = Job.unscoped.filter(
            tenant_id=obj.tenant_id, kind="wiki", params__wiki_id=str(obj.pk)
        ).order_by("-created_at")[:10]
        rows = [
            (
                j.created_at.strftime("%Y-%m-%d %H:%M"),
                j.status,
                j.percent,
                j.done,
                j.total,
                j.message[:200],
            )
            for j in found
        ]
        return (
            format_html_join("", "<div>{} &middot; {} &middot; {}% ({}/{}) {}</div>", rows) or "-"
        )

    @admin.display(description="pages")
    def pages(self, obj: Wiki) -> str:
        from django.urls import reverse

        rows = [
            (reverse("admin:wiki_wikipage_change", args=[p.pk]), p.path, p.title)
            for p in WikiPage.unscoped.filter(wiki=obj).only("path", "title")[:200]
        ]
        return format_html_join("", '<div><a href="{}">{}</a> {}</div>', rows) or "-"


@admin.register(WikiPage)
class WikiPageAdmin(ReadOnly):
    list_display = ["path", "title", "wiki", "tenant", "narrated", "updated_at"]
    list_filter = ["narrated", "tenant"]
    search_fields = ["path", "title"]
    fields = ["tenant", "wiki", "path", "title", "narrated", "memory_id", "updated_at", "rendered"]
    readonly_fields = fields
    list_select_related = ["tenant", "wiki"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[WikiPage]:
        return WikiPage.unscoped.select_related("tenant", "wiki")

    @admin.display(description="page")
    def rendered(self, obj: WikiPage) -> str:
        note = ""
        if "```mermaid" in obj.content:
            note = format_html(
                "<p><em>{}</em></p>", "Diagrams are shown as Mermaid source (no offline renderer)."
            )
        return format_html('{}<div class="wiki-page prose">{}</div>', note, page_html(obj.content))
