"""/v1/admin/defense/*: stats, bans and whitelist (admin scope).

The level a request manages: a platform-admin key without X-Tenant-ID manages the platform-wide
rules (and sees the automatic bans, which are platform-wide: they happen before any key is
known); any other admin key, or a platform-admin key naming a tenant, manages that tenant's
rules, which apply to requests made with that tenant's keys."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core import fields as f
from apps.core.api import TenantAPIView
from apps.core.netaddr import NETWORK_SCHEMA, client_address
from apps.defense import selectors, services
from apps.defense.models import IpRule
from apps.tenants.models import Tenant

IP_PATH = OpenApiParameter("ip", NETWORK_SCHEMA, OpenApiParameter.PATH)


def level(request: Request) -> Tenant | None:
    """None: the platform level."""
    if request.auth.is_platform_admin and not request.headers.get("X-Tenant-ID"):
        return None
    return request.tenant


class DefenseStatsSerializer(serializers.Serializer):
    total_requests = serializers.IntegerField()
    blocked_requests = serializers.IntegerField()
    total_bans = serializers.IntegerField()
    temp_bans = serializers.IntegerField()
    permanent_bans = serializers.IntegerField()
    whitelist_size = serializers.IntegerField()


class IpRuleOutSerializer(serializers.Serializer):
    ip = serializers.CharField()
    scope = serializers.ChoiceField(choices=["platform", "tenant"])
    source = serializers.CharField()
    reason = serializers.CharField()
    permanent = serializers.BooleanField()
    expires_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField(allow_null=True)


class IpRuleListSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    results = IpRuleOutSerializer(many=True)


class DefensePageSerializer(f.InputSerializer):
    limit = f.IntegerField(required=False, default=100, min_value=1, max_value=1000)
    offset = f.IntegerField(required=False, default=0, min_value=0, max_value=10_000_000)


def _page(request: Request, rows: list[dict]) -> Response:
    """Newest first (automatic bans after the stored rules); `total` counts them all."""
    page = DefensePageSerializer(data={k: _int_or_raw(v) for k, v in request.query_params.items()
                                if k in {"limit", "offset"}})  # fmt: skip
    page.is_valid(raise_exception=True)
    start, limit = page.validated_data["offset"], page.validated_data["limit"]
    shown = IpRuleOutSerializer(rows[start : start + limit], many=True).data
    return Response({"total": len(rows), "results": shown})


def _int_or_raw(value: str) -> object:
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else value


PAGE_PARAMS = [DefensePageSerializer]


class DefenseMessageSerializer(serializers.Serializer):
    message = serializers.CharField()
    ip = serializers.CharField()


class WhitelistInSerializer(f.InputSerializer):
    ip = f.NetworkField()
    reason = f.CharField(max_length=500, required=False, default="", allow_blank=True)


class BanInSerializer(WhitelistInSerializer):
    duration_seconds = f.IntegerField(
        required=False, allow_null=True, default=None, min_value=1,
        max_value=services.MAX_DURATION, help_text="Absent or null: permanent.",
    )  # fmt: skip


class DefenseView(TenantAPIView):
    required_scope = "admin"
    audit_target_type = "ip_rule"


class StatsView(DefenseView):
    @extend_schema(operation_id="defense_stats", responses=DefenseStatsSerializer, tags=["defense"])
    def get(self, request: Request) -> Response:
        return Response(selectors.defense_stats(tenant=level(request)))


class BanListView(DefenseView):
    @extend_schema(operation_id="defense_bans", parameters=PAGE_PARAMS,
                   responses=IpRuleListSerializer, tags=["defense"])  # fmt: skip
    def get(self, request: Request) -> Response:
        return _page(request, selectors.ban_list(tenant=level(request)))


def _add(request: Request, view: DefenseView, kind: str, data: dict) -> IpRule:
    rule = services.ip_rule_add(
        tenant=level(request),
        kind=kind,
        ip=data["ip"],
        reason=data["reason"],
        duration_seconds=data.get("duration_seconds"),
        actor=view.actor,
        caller=client_address(request),
    )
    view.set_audit_target("ip_rule", rule.network)
    return rule


class BanView(DefenseView):
    @extend_schema(operation_id="defense_ban", request=BanInSerializer,
                   responses={201: IpRuleOutSerializer}, tags=["defense"])  # fmt: skip
    def post(self, request: Request) -> Response:
        data = BanInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rule = _add(request, self, IpRule.Kind.BAN, data.validated_data)
        body = {**IpRuleOutSerializer(selectors.rule_row(rule)).data,
                "message": f"IP {rule.network} banned"}  # fmt: skip
        return Response(body, status=status.HTTP_201_CREATED)


class UnbanView(DefenseView):
    @extend_schema(operation_id="defense_unban", parameters=[IP_PATH], request=None,
                   responses=DefenseMessageSerializer, tags=["defense"])  # fmt: skip
    def post(self, request: Request, ip: str) -> Response:
        network = services.ip_rule_remove(tenant=level(request), kind=IpRule.Kind.BAN, ip=ip)
        self.set_audit_target("ip_rule", network)
        return Response({"message": f"IP {network} unbanned", "ip": network})


class WhitelistView(DefenseView):
    @extend_schema(operation_id="defense_whitelist_list", parameters=PAGE_PARAMS,
                   responses=IpRuleListSerializer, tags=["defense"])  # fmt: skip
    def get(self, request: Request) -> Response:
        return _page(request, selectors.whitelist_list(tenant=level(request)))

    @extend_schema(operation_id="defense_whitelist_add", request=WhitelistInSerializer,
                   responses={201: DefenseMessageSerializer}, tags=["defense"])  # fmt: skip
    def post(self, request: Request) -> Response:
        data = WhitelistInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rule = _add(request, self, IpRule.Kind.ALLOW, data.validated_data)
        body = {"message": f"IP {rule.network} added to whitelist", "ip": rule.network}
        return Response(body, status=status.HTTP_201_CREATED)


class WhitelistEntryView(DefenseView):
    @extend_schema(operation_id="defense_whitelist_remove", parameters=[IP_PATH],
                   responses={200: DefenseMessageSerializer}, tags=["defense"])  # fmt: skip
    def delete(self, request: Request, ip: str) -> Response:
        network = services.ip_rule_remove(tenant=level(request), kind=IpRule.Kind.ALLOW, ip=ip)
        self.set_audit_target("ip_rule", network)
        return Response({"message": f"IP {network} removed from whitelist", "ip": network})
