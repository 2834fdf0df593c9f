"""Console: tenants and keys. A key made here is shown once, in the confirmation message."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from unfold.admin import ModelAdmin

from apps.core.errors import AppError
from apps.tenants import services
from apps.tenants.models import SCOPES, ApiKey, Tenant
from apps.tenants.settings_form import TenantSettingsForm


@admin.register(Tenant)
class TenantAdmin(ModelAdmin):
    list_display = ["slug", "name", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["slug", "name"]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["suspend", "activate"]
    form = TenantSettingsForm
    fieldsets = [
        (None, {"fields": ["slug", "name", "status", "created_at", "updated_at"]}),
        ("Limits and quotas", {"fields": ["rate_limit_per_minute"]}),
        ("Pipeline", {"fields": ["extractor", "reconciler", "chat_infer", "heat_alpha",
                                 "heat_beta", "heat_gamma", "heat_tau_hours",
                                 "heat_profile_threshold"]}),
        ("Privacy", {"fields": ["required_consents"]}),
    ]  # fmt: skip

    def save_model(
        self, request: HttpRequest, obj: Tenant, form: TenantSettingsForm, change: bool
    ) -> None:
        with transaction.atomic():
            if change:
                obj.save(update_fields=["slug", "name", "status", "updated_at"])
            else:
                obj.save()
            services.tenant_settings_update(tenant=obj, changes=form.settings_changes())

    def delete_model(self, request: HttpRequest, obj: Tenant) -> None:
        services.tenant_delete(tenant=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Tenant]) -> None:
        for tenant in queryset:
            services.tenant_delete(tenant=tenant)

    @admin.action(description="Suspend selected tenants")
    def suspend(self, request: HttpRequest, queryset: QuerySet[Tenant]) -> None:
        count = queryset.update(status=Tenant.Status.SUSPENDED, updated_at=timezone.now())
        self.message_user(request, f"Suspended {count} tenant(s).")

    @admin.action(description="Activate selected tenants")
    def activate(self, request: HttpRequest, queryset: QuerySet[Tenant]) -> None:
        count = queryset.update(status=Tenant.Status.ACTIVE, updated_at=timezone.now())
        self.message_user(request, f"Activated {count} tenant(s).")


class ApiKeyCreateForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=[(s, s) for s in SCOPES], widget=forms.CheckboxSelectMultiple, initial=list(SCOPES)
    )

    class Meta:
        model = ApiKey
        fields = [
            "tenant",
            "name",
            "scopes",
            "is_platform_admin",
            "rate_limit_per_minute",
            "allowed_ips",
            "expires_at",
        ]

    def clean_allowed_ips(self) -> list[str]:
        return _clean_allowed_ips(self.cleaned_data.get("allowed_ips") or [])


class ApiKeyChangeForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ["name", "scopes", "is_platform_admin", "rate_limit_per_minute", "allowed_ips",
                  "expires_at"]  # fmt: skip

    def clean_allowed_ips(self) -> list[str]:
        return _clean_allowed_ips(self.cleaned_data.get("allowed_ips") or [])


def _clean_allowed_ips(values: list[str]) -> list[str]:
    try:
        return services.validate_allowed_ips(list(values))
    except AppError as exc:
        raise forms.ValidationError(exc.message) from None


class RevokedFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("active", "Active"), ("revoked", "Revoked")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> QuerySet[ApiKey]:
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiKey)
class ApiKeyAdmin(ModelAdmin):
    list_display = [
        "name", "display_prefix", "tenant", "scope_list", "is_platform_admin",
        "expires_at", "revoked_at", "last_used_at", "created_at",
    ]  # fmt: skip
    list_filter = [RevokedFilter, "is_platform_admin", "tenant"]
    search_fields = ["name", "prefix", "tenant__slug"]
    list_select_related = ["tenant"]
    actions = ["revoke"]
    form = ApiKeyChangeForm
    readonly_fields = ["prefix", "tenant", "last_used_at", "revoked_at", "created_at"]
    fields = [
        "tenant", "name", "prefix", "scopes", "is_platform_admin", "rate_limit_per_minute",
        "allowed_ips", "expires_at", "revoked_at", "last_used_at", "created_at",
    ]  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiKey]:
        return ApiKey.unscoped.select_related("tenant")

    def get_form(
        self, request: HttpRequest, obj: ApiKey | None = None, **kwargs: Any
    ) -> type[forms.ModelForm]:
        if obj is None:
            kwargs["form"] = ApiKeyCreateForm
            kwargs["fields"] = ApiKeyCreateForm.Meta.fields
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[str]:
        return self.readonly_fields if obj else []

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[str]:
        return self.fields if obj else ApiKeyCreateForm.Meta.fields

    def save_model(self, request: HttpRequest, obj: ApiKey, form: forms.Form, change: bool) -> None:
        if change:
            obj.save()
            return
        data = form.cleaned_data
        issued = services.api_key_create(
            tenant=data["tenant"],
            name=data["name"],
            scopes=list(data["scopes"]),
            expires_at=data["expires_at"],
            is_platform_admin=data["is_platform_admin"],
            rate_limit_per_minute=data["rate_limit_per_minute"],
            allowed_ips=data.get("allowed_ips") or [],
        )
        obj.pk = issued.key.pk
        obj.prefix = issued.key.prefix
        self.message_user(
            request,
            f"New API key (shown once, copy it now): {issued.secret}",
            level=messages.WARNING,
        )

    @admin.display(description="scopes")
    def scope_list(self, obj: ApiKey) -> str:
        return ", ".join(obj.scopes)

    @admin.action(description="Revoke selected keys")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"Revoked {count} key(s).")
