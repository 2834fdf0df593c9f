from __future__ import annotations

from typing import Any, ClassVar

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.audit import selectors
from apps.audit.chain import chain_verify
from apps.core import fields as f
from apps.core.api import TenantAPIView

# The patterns are the validation and the schema: a request the schema allows is answered.
STATUS = RegexValidator(r"^[1-5](\d\d|xx)$", 'Use a status code ("404") or a class ("4xx").')
CURSOR = RegexValidator(r"^[1-9][0-9]{0,17}$", "Not a cursor this API gave.")


class AuditLogsIn(f.InputSerializer):
    # A cursor and an offset are two ways to page: one at a time.
    schema_extra: ClassVar[dict[str, Any]] = {"not": {"required": ["cursor", "offset"]}}

    user_id = f.CharField(required=False, max_length=200)
    action = f.CharField(required=False, max_length=120, help_text='e.g. "POST /v1/memory/add"')
    api_key_id = f.IntegerField(required=False, min_value=1)
    status = f.CharField(required=False, trim_whitespace=False, validators=[STATUS],
                         help_text='a code ("404") or a class ("4xx")')  # fmt: skip
    start_time = f.DateTimeField(required=False, help_text="inclusive, ISO 8601")
    end_time = f.DateTimeField(
        required=False, help_text="exclusive, ISO 8601 (not after start_time: no events)"
    )
    limit = f.IntegerField(required=False, default=50, min_value=1, max_value=500)
    cursor = f.CharField(required=False, trim_whitespace=False, validators=[CURSOR],
                         help_text="next_cursor of the previous page")  # fmt: skip
    offset = f.IntegerField(required=False, min_value=0, max_value=100_000)

    def validate_cursor(self, value: str) -> int:
        return int(value)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if "cursor" in data and "offset" in data:
            raise serializers.ValidationError({"offset": "Give a cursor or an offset, not both."})
        return data


class AuditEventOut(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    action = serializers.CharField()
    status_code = serializers.IntegerField()
    api_key_id = serializers.IntegerField(allow_null=True)
    target_type = serializers.CharField()
    target_id = serializers.CharField()
    user_id = serializers.CharField()
    client_ip = serializers.CharField(allow_null=True)
    request_id = serializers.CharField()
    redacted = serializers.BooleanField()
    prev_hash = serializers.CharField()
    hash = serializers.CharField()


class AuditLogsOut(serializers.Serializer):
    status = serializers.CharField()
    count = serializers.IntegerField()
    events = AuditEventOut(many=True)
    next_cursor = serializers.CharField(allow_null=True)


class AuditStatsIn(f.InputSerializer):
    days = serializers.IntegerField(required=False, min_value=1, max_value=366)


class AuditDayOut(serializers.Serializer):
    day = serializers.DateField()
    count = serializers.IntegerField()


class AuditStatsOut(serializers.Serializer):
    status = serializers.CharField()
    total_events = serializers.IntegerField()
    by_action = serializers.DictField(child=serializers.IntegerField())
    by_status = serializers.DictField(child=serializers.IntegerField())
    by_day = AuditDayOut(many=True)
    days = serializers.IntegerField()


class AuditBreakOut(serializers.Serializer):
    event_id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    field = serializers.CharField()
    expected = serializers.CharField()
    found = serializers.CharField()


class AuditVerifyOut(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok", "broken"])
    tenant = serializers.CharField()
    events_checked = serializers.IntegerField()
    first_break = AuditBreakOut(allow_null=True)


class AuditLogsView(TenantAPIView):
    required_scope = "security"
    read_only = True  # a query, not a change

    @extend_schema(operation_id="security_audit_logs", request=AuditLogsIn, responses=AuditLogsOut,
                   tags=["security"])  # fmt: skip
    def post(self, request: Request) -> Response:
        params = AuditLogsIn(data=request.data)
        params.is_valid(raise_exception=True)
        query = selectors.LogQuery(**params.validated_data)
        page = selectors.audit_log_query(tenant_id=request.tenant.pk, query=query)
        return Response(
            {
                "status": "ok",
                "count": len(page.events),
                "events": page.events,
                "next_cursor": page.next_cursor,
            }
        )


class AuditStatsView(TenantAPIView):
    required_scope = "security"

    @extend_schema(operation_id="security_audit_stats", parameters=[AuditStatsIn],
                   responses=AuditStatsOut, tags=["security"])  # fmt: skip
    def get(self, request: Request) -> Response:
        params = AuditStatsIn(data=request.query_params)
        params.is_valid(raise_exception=True)
        stats = selectors.audit_stats(tenant_id=request.tenant.pk, **params.validated_data)
        return Response({"status": "ok", **stats.__dict__})


class AuditVerifyView(TenantAPIView):
    required_scope = "security"

    @extend_schema(
        operation_id="security_audit_verify", responses=AuditVerifyOut, tags=["security"]
    )
    def get(self, request: Request) -> Response:
        result = chain_verify(tenant_id=request.tenant.pk)
        broken = result.first_break
        return Response(
            {
                "status": "ok" if result.ok else "broken",
                "tenant": request.tenant.slug,
                "events_checked": result.events_checked,
                "first_break": broken.as_dict() if broken else None,
            }
        )
