"""Console: bans and whitelist entries kept in PostgreSQL (manual ones and the permanent bans
the automatic defence escalated to). Temporary automatic bans live in Redis: the list page
names those running (also in GET /v1/admin/defense/bans with a platform-admin key; lift one with
POST /v1/admin/defense/unban/<ip>). The "Lift" action here also lifts the automatic ban and the
strikes of a platform ban's address."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from apps.core.errors import AppError
from apps.defense import selectors, services
from apps.defense.models import IpRule


class IpRuleForm(forms.ModelForm):
    class Meta:
        model = IpRule
        fields = ["tenant", "kind", "network", "reason", "expires_at"]

    def clean_network(self) -> str:
        try:
            network = services.network_parse(ip=self.cleaned_data["network"])
        except AppError as exc:
            raise forms.ValidationError(exc.message) from None
        from apps.core.netaddr import network_text

        return network_text(network)


@admin.register(IpRule)
class IpRuleAdmin(admin.ModelAdmin):
    form = IpRuleForm
    list_display = ["network", "kind", "tenant", "source", "expires_at", "reason", "created_by",
                    "created_at"]  # fmt: skip
    list_filter = ["kind", "source", "tenant"]
    search_fields = ["network", "reason"]
    list_select_related = ["tenant"]
    readonly_fields = ["source", "created_by", "created_at"]
    actions = ["lift"]

    def save_model(self, request: HttpRequest, obj: IpRule, form: forms.Form, change: bool) -> None:
        if not change:
            obj.created_by = f"console:{request.user}"
        super().save_model(request, obj, form, change)
        services.rules_changed()

    def delete_model(self, request: HttpRequest, obj: IpRule) -> None:
        super().delete_model(request, obj)
        services.rules_changed()

    @admin.action(description="Lift selected rules (and any automatic ban of the address)")
    def lift(self, request: HttpRequest, queryset: QuerySet[IpRule]) -> None:
        count = 0
        for rule in queryset:
            try:
                services.ip_rule_remove(tenant=rule.tenant, kind=rule.kind, ip=rule.network)
                count += 1
            except AppError:
                pass
        self.message_user(request, f"Lifted {count} rule(s).")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        running = [row for row in selectors.ban_list(tenant=None) if row["source"] == "auto"
                   and not row["permanent"]]  # fmt: skip
        if running:
            shown = ", ".join(f"{r['ip']} (until {r['expires_at']:%H:%M:%S})" for r in running[:20])
            more = f" and {len(running) - 20} more" if len(running) > 20 else ""
            self.message_user(
                request,
                f"Temporary automatic bans in Redis: {shown}{more}.",
                level=messages.INFO,
            )
        return super().changelist_view(request, extra_context)
