"""Console: bans and whitelist entries kept in PostgreSQL (manual ones and the permanent bans
the automatic defence escalated to). Temporary automatic bans live in Redis: the list page
names those running (also in GET /v1/admin/defense/bans with a platform-admin key; lift one with
POST /v1/admin/defense/unban/<ip>).

Every add, change and deletion goes through apps.defense.services (ip_rule_add /
ip_rule_remove), never a bare row write: the services normalise the network, refuse a ban of
the operator's own address, bump the rules version so every process reloads, and an unban
also lifts the automatic ban and strikes of the address in Redis."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from unfold.admin import ModelAdmin

from apps.core.errors import AppError
from apps.core.netaddr import client_address
from apps.defense import selectors, services
from apps.defense.models import IpRule


class IpRuleForm(forms.ModelForm):
    """Validated and written through ip_rule_add in clean(): a refusal of the service (a bad
    network, a ban covering the operator's own address, a bad expiry) is shown on the form
    instead of failing after the admin has started saving. The change view runs in one
    transaction, so nothing stays written if a later step fails."""

    request: HttpRequest | None = None

    class Meta:
        model = IpRule
        fields = ["tenant", "kind", "network", "reason", "expires_at"]

    def validate_unique(self) -> None:
        """ip_rule_add renews an existing rule of the same level, kind and network."""

    def validate_constraints(self) -> None:
        """The same (Django 6 checks constraints apart from uniqueness): the row clean() has just
        written through ip_rule_add would otherwise fail the form's (tenant, kind, network)
        check whenever the network was typed in its normalised form (a bare address)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        expires_at = data.get("expires_at")
        duration = None
        if expires_at is not None:
            duration = int((expires_at - timezone.now()).total_seconds())
            if duration < 1:
                raise forms.ValidationError({"expires_at": "The expiry must be in the future."})
        user = getattr(self.request, "user", None)
        try:
            self.saved_rule = services.ip_rule_add(
                tenant=data.get("tenant"),
                kind=data["kind"],
                ip=data["network"],
                reason=data.get("reason", ""),
                duration_seconds=duration,
                actor=f"console:{user}",
                caller=client_address(self.request) if self.request else None,
            )
        except AppError as exc:
            raise forms.ValidationError(exc.message) from None
        return data


def _remove(rule: IpRule) -> None:
    try:
        services.ip_rule_remove(tenant=rule.tenant, kind=rule.kind, ip=rule.network)
    except AppError:  # already gone: the goal is reached
        pass


@admin.register(IpRule)
class IpRuleAdmin(ModelAdmin):
    form = IpRuleForm
    list_display = [
        "network",
        "kind",
        "tenant",
        "source",
        "expires_at",
        "reason",
        "created_by",
        "created_at",
    ]
    list_filter = ["kind", "source", "tenant"]
    search_fields = ["network", "reason"]
    list_select_related = ["tenant"]
    readonly_fields = ["source", "created_by", "created_at"]
    actions = ["lift"]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def save_model(self, request: HttpRequest, obj: IpRule, form: forms.Form, change: bool) -> None:
        saved: IpRule = form.saved_rule  # written by the service in the form's clean()
        if change and obj.pk != saved.pk:  # the rule now names another address or level
            _remove(IpRule.objects.get(pk=obj.pk))
        obj.pk, obj.created_at, obj.created_by = saved.pk, saved.created_at, saved.created_by
        obj.source = saved.source

    def delete_model(self, request: HttpRequest, obj: IpRule) -> None:
        _remove(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[IpRule]) -> None:
        for rule in queryset.select_related("tenant"):
            _remove(rule)

    @admin.action(
        description="Lift selected rules (and any automatic ban of the address)",
        permissions=["change"],
    )
    def lift(self, request: HttpRequest, queryset: QuerySet[IpRule]) -> None:
        count = 0
        for rule in queryset.select_related("tenant"):
            self.log_change(request, rule, "Lifted.")  # logged first: the row goes
            _remove(rule)
            count += 1
        self.message_user(request, f"Lifted {count} rule(s).")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        running = [
            row
            for row in selectors.ban_list(tenant=None)
            if row["source"] == "auto" and not row["permanent"]
        ]
        if running:
            shown = ", ".join(f"{r['ip']} (until {r['expires_at']:%H:%M:%S})" for r in running[:20])
            more = f" and {len(running) - 20} more" if len(running) > 20 else ""
            self.message_user(
                request,
                f"Temporary automatic bans in Redis: {shown}{more}.",
                level=messages.INFO,
            )
        return super().changelist_view(request, extra_context)
