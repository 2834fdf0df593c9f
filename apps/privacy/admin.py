"""Console: GDPR requests with their receipts (read-only: a receipt is evidence) and
suppressions (lifted through the API, or here by an operator), and consents (read-only)."""

from __future__ import annotations

import json

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from apps.privacy.models import Consent, PrivacyRequest, Suppression
from apps.privacy.services import receipt_of


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(admin.ModelAdmin):
    list_display = ["created_at", "tenant", "kind", "status", "dry_run", "subject_short",
                    "finished_at"]  # fmt: skip
    list_filter = ["kind", "status", "dry_run", "tenant"]
    search_fields = ["id", "subject", "receipt_hash"]
    readonly_fields = ["id", "tenant", "kind", "status", "subject", "user_id", "dry_run", "job_id",
                       "counts", "errors", "receipt_hash", "receipt", "file_path", "file_sha256",
                       "expires_at", "api_key_id", "created_at", "finished_at"]  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet[PrivacyRequest]:
        return PrivacyRequest.unscoped.select_related("tenant")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="subject")
    def subject_short(self, obj: PrivacyRequest) -> str:
        return obj.subject[:12]

    @admin.display(description="receipt")
    def receipt(self, obj: PrivacyRequest) -> str:
        if obj.kind != PrivacyRequest.Kind.ERASURE:
            return "-"
        return format_html("<pre>{}</pre>", json.dumps(receipt_of(obj), indent=2))


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "tenant", "subject_short", "request_id", "lifted_at"]
    list_filter = ["tenant"]
    search_fields = ["subject"]
    readonly_fields = ["tenant", "subject", "request_id", "api_key_id", "created_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Suppression]:
        return Suppression.unscoped.select_related("tenant")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="subject")
    def subject_short(self, obj: Suppression) -> str:
        return obj.subject[:12]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    """Read-only: a consent row is evidence of what the user agreed to, and when. A change is a
    new row, recorded through the API (POST /v1/security/gdpr/consent)."""

    list_display = ["recorded_at", "tenant", "user_id", "purpose", "granted", "policy_version",
                    "method", "api_key_id"]  # fmt: skip
    list_filter = ["granted", "purpose", "tenant"]
    search_fields = ["user_id", "purpose"]
    readonly_fields = ["tenant", "user_id", "purpose", "granted", "policy_version", "method",
                       "api_key_id", "recorded_at"]  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet[Consent]:
        return Consent.unscoped.select_related("tenant")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
