"""Console: the audit trail (read-only: append-only), with filters by tenant, action, status and
date, and the hash chain verification (of the selected events' tenants, or of one tenant at
/admin/audit/auditevent/verify/<tenant_id>/)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from unfold.admin import ModelAdmin

from apps.audit.chain import chain_verify
from apps.audit.models import AuditEvent
from apps.core.admin_filters import exact_filter
from apps.tenants.models import Tenant


@admin.register(AuditEvent)
class AuditEventAdmin(ModelAdmin):
    """Read-only: the audit trail is append-only. Console changes are the `console.*` actions;
    the operator is in `request_id` ("console:<username>")."""

    list_display = [
        "id",
        "created_at",
        "tenant",
        "action",
        "status_code",
        "target_type",
        "target_id",
        "end_user_id",
        "request_id",
        "redacted",
        "short_hash",
    ]
    list_filter = [
        "tenant",
        exact_filter("action", "action (e.g. console.change)"),
        exact_filter("status_code", "status code"),
        "redacted",
        "created_at",
    ]
    list_filter_submit = True
    search_fields = ["action", "target_id", "end_user_id", "request_id", "hash"]
    list_select_related = ["tenant"]
    show_full_result_count = False
    actions = ["verify_chain"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        return AuditEvent.unscoped.select_related("tenant")

    @admin.display(description="hash")
    def short_hash(self, obj: AuditEvent) -> str:
        return obj.hash[:12]

    def _verify(self, request: HttpRequest, *, tenant_id: int, slug: str) -> None:
        result = chain_verify(tenant_id=tenant_id)
        fault = result.first_break
        if fault is None:
            message = f"Audit chain of {slug}: ok, {result.events_checked} events checked"
            self.message_user(request, message, messages.SUCCESS)
            return
        message = (
            f"Audit chain of {slug}: BROKEN at event {fault.event_id} "
            f"({fault.created_at:%Y-%m-%d %H:%M:%S}), {fault.field}: expected "
            f"{fault.expected[:16]}, found {fault.found[:16]}"
        )
        self.message_user(request, message, messages.ERROR)

    @admin.action(description="Verify the hash chain of the selected events' tenants")
    def verify_chain(self, request: HttpRequest, queryset: QuerySet[AuditEvent]) -> None:
        for tenant_id, slug in sorted(set(queryset.values_list("tenant_id", "tenant__slug"))):
            self._verify(request, tenant_id=tenant_id, slug=slug)

    def verify_tenant_view(self, request: HttpRequest, tenant_id: int) -> HttpResponseRedirect:
        """Verification only reads: a GET. The tenant's chain, whatever the list shows."""
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        tenant = Tenant.objects.filter(pk=tenant_id).first()
        if tenant is None:
            self.message_user(request, f"No tenant {tenant_id}.", messages.ERROR)
        else:
            self._verify(request, tenant_id=tenant.pk, slug=tenant.slug)
        changelist = reverse("admin:audit_auditevent_changelist")
        return HttpResponseRedirect(f"{changelist}?tenant__id__exact={tenant_id}")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        tenant_id = request.GET.get("tenant__id__exact", "")
        if tenant_id.isdigit():  # a tenant's events are shown: offer its chain's verification
            url = reverse("admin:audit_auditevent_verify", args=[int(tenant_id)])
            link = format_html('<a href="{}">Verify this tenant\'s audit chain</a>', url)
            self.message_user(request, link, messages.INFO)
        return super().changelist_view(request, extra_context)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.verify_tenant_view)
        mine = [path("verify/<int:tenant_id>/", view, name="audit_auditevent_verify")]
        return mine + super().get_urls()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
