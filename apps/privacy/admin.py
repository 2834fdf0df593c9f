"""Console: GDPR requests with their receipts (read-only: a receipt is evidence), a form to
start an export or an erasure for (tenant, user id) through apps.privacy services, the download
of a finished export (staff with the view permission), suppressions, and consents (read-only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from unfold.admin import ModelAdmin

from apps.core.admin_filters import exact_filter
from apps.core.errors import AppError
from apps.core.tenancy import tenant_scope
from apps.privacy.export import export_file, export_start
from apps.privacy.models import Consent, PrivacyRequest, Suppression
from apps.privacy.services import erasure_run, receipt_of
from apps.tenants.models import Tenant

START_PERMISSION = "privacy.add_privacyrequest"


class StartForm(forms.Form):
    tenant = forms.ModelChoiceField(queryset=Tenant.objects.order_by("slug"))
    user_id = forms.CharField(max_length=200, strip=True)
    kind = forms.ChoiceField(choices=PrivacyRequest.Kind.choices)
    dry_run = forms.BooleanField(required=False, help_text="Erasure only: count, delete nothing.")
    suppress = forms.BooleanField(
        required=False, help_text="Erasure only: refuse new data for this user afterwards."
    )


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(ModelAdmin):
    list_display = [
        "created_at",
        "tenant",
        "kind",
        "status",
        "dry_run",
        "subject_short",
        "finished_at",
    ]
    list_filter = ["kind", "status", "dry_run", "tenant"]
    search_fields = ["id", "subject", "receipt_hash"]
    readonly_fields = [
        "id",
        "tenant",
        "kind",
        "status",
        "subject",
        "user_id",
        "dry_run",
        "job_id",
        "counts_table",
        "errors",
        "receipt_hash",
        "receipt",
        "download",
        "file_sha256",
        "expires_at",
        "api_key_id",
        "created_at",
        "finished_at",
    ]
    exclude = ["counts", "file_path"]
    list_select_related = ["tenant"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PrivacyRequest]:
        return PrivacyRequest.unscoped.select_related("tenant")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the start form below, not a bare row

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="subject")
    def subject_short(self, obj: PrivacyRequest) -> str:
        return obj.subject[:12]

    @admin.display(description="counts")
    def counts_table(self, obj: PrivacyRequest) -> str:
        if not obj.counts:
            return "-"
        rows = format_html_join("", "<tr><td>{}</td><td>{}</td></tr>", sorted(obj.counts.items()))
        return format_html('<table class="receipt-counts">{}</table>', rows)

    @admin.display(description="receipt")
    def receipt(self, obj: PrivacyRequest) -> str:
        if obj.kind != PrivacyRequest.Kind.ERASURE or not obj.receipt_hash:
            return "-"
        body = receipt_of(obj)
        return format_html(
            "<div>status {} &middot; {} rows in {} collections &middot; hash <code>{}</code></div>",
            body.get("status", obj.status),
            sum(obj.counts.values()),
            len(obj.counts),
            obj.receipt_hash,
        )

    @admin.display(description="download")
    def download(self, obj: PrivacyRequest) -> str:
        if obj.kind != PrivacyRequest.Kind.EXPORT or obj.status != PrivacyRequest.Status.DONE:
            return "-"
        url = reverse("admin:privacy_privacyrequest_download", args=[obj.pk])
        return format_html('<a href="{}">Download the export (zip)</a>', url)

    # --- start an export or an erasure --------------------------------------------------------

    def start_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm(START_PERMISSION):
            raise PermissionDenied
        form = StartForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                privacy_request = self._start(request, form.cleaned_data)
            except AppError as exc:
                form.add_error(None, exc.message)
            else:
                url = reverse("admin:privacy_privacyrequest_change", args=[privacy_request.pk])
                return HttpResponseRedirect(url)
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "opts": self.opts,
            "title": "Start a privacy request",
        }
        return TemplateResponse(request, "privacy/admin_start.html", context)

    def _start(self, request: HttpRequest, data: dict[str, Any]) -> PrivacyRequest:
        tenant: Tenant = data["tenant"]
        with tenant_scope(tenant.pk):
            if data["kind"] == PrivacyRequest.Kind.EXPORT:
                started = export_start(tenant=tenant, user_id=data["user_id"], key=None)
                self.message_user(request, "Export queued; a worker builds the zip.")
            else:
                erasure = erasure_run(
                    tenant=tenant,
                    user_id=data["user_id"],
                    key=None,
                    dry_run=data["dry_run"],
                    suppress=data["suppress"],
                )
                started = erasure.request
                level = messages.SUCCESS if erasure.ok else messages.WARNING
                self.message_user(request, f"Erasure {started.status}; receipt below.", level)
        self.log_addition(request, started, f"Started {data['kind']} from the console.")
        return started

    def download_view(self, request: HttpRequest, request_id: str) -> HttpResponse:
        """Those who may start an export may fetch one (compliance): an export holds the user's
        memory text, which a view-only role (support) must not read."""
        if not request.user.has_perm(START_PERMISSION):
            raise PermissionDenied
        found = PrivacyRequest.unscoped.filter(pk=request_id).only("tenant").first()
        if found is None:
            raise PermissionDenied  # the admin's own 403 page; no id is confirmed
        try:
            with tenant_scope(found.tenant_id):
                file_path, privacy_request = export_file(tenant=found.tenant, request_id=request_id)
        except AppError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:privacy_privacyrequest_changelist"))
        name = f"export-{privacy_request.pk}.zip"
        return FileResponse(file_path.open("rb"), as_attachment=True, filename=name)

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        mine = [
            path("start/", wrap(self.start_view), name="privacy_privacyrequest_start"),
            path(
                "<uuid:request_id>/download/",
                wrap(self.download_view),
                name="privacy_privacyrequest_download",
            ),
        ]
        return mine + super().get_urls()

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        if request.user.has_perm(START_PERMISSION):
            url = reverse("admin:privacy_privacyrequest_start")
            self.message_user(
                request,
                format_html('<a href="{}">Start an export or an erasure</a>', url),
                messages.INFO,
            )
        return super().changelist_view(request, extra_context)


@admin.register(Suppression)
class SuppressionAdmin(ModelAdmin):
    list_display = ["created_at", "tenant", "subject_short", "request_id", "lifted_at"]
    list_filter = ["tenant"]
    search_fields = ["subject"]
    readonly_fields = ["tenant", "subject", "request_id", "api_key_id", "created_at"]
    list_select_related = ["tenant"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Suppression]:
        return Suppression.unscoped.select_related("tenant")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="subject")
    def subject_short(self, obj: Suppression) -> str:
        return obj.subject[:12]


@admin.register(Consent)
class ConsentAdmin(ModelAdmin):
    """Read-only: a consent row is evidence of what the user agreed to, and when. A change is a
    new row, recorded through the API (POST /v1/security/gdpr/consent)."""

    list_display = [
        "recorded_at",
        "tenant",
        "user_id",
        "purpose",
        "granted",
        "policy_version",
        "method",
        "api_key_id",
    ]
    list_filter = ["granted", exact_filter("purpose"), "tenant"]
    list_filter_submit = True
    search_fields = ["user_id", "purpose"]
    readonly_fields = [
        "tenant",
        "user_id",
        "purpose",
        "granted",
        "policy_version",
        "method",
        "api_key_id",
        "recorded_at",
    ]
    list_select_related = ["tenant"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Consent]:
        return Consent.unscoped.select_related("tenant")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
