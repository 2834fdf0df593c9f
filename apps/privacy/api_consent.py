"""/v1/security/gdpr/consent (record: POST; history: GET) and /v1/security/gdpr/consent/check,
in the memoryos-rust reference's shapes (`{"status": "ok", ...}`)."""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core import fields as f
from apps.core.api import TenantAPIView
from apps.privacy import consent
from apps.privacy.models import Consent

TAGS = ["security"]
USER = {"max_length": 200}
# A purpose is a name an application branches on: letters (any script), digits, _ . : -
# One pattern (the schema shows one): it also refuses a blank, so NON_BLANK is not needed.
PURPOSE_CHARS = RegexValidator(r"^[\w.:-]+$", "A purpose is letters, digits, _ . : or - only.")


class PurposeField(f.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=100, **kwargs)
        self.validators = [v for v in self.validators if v is not f.NON_BLANK] + [PURPOSE_CHARS]


class ConsentIn(f.InputSerializer):
    user_id = f.CharField(**USER)
    purpose = PurposeField()
    granted = f.BooleanField()
    policy_version = f.CharField(required=False, allow_blank=True, default="", max_length=100)
    method = f.CharField(
        required=False, default="api", max_length=100,
        help_text="how it was collected: api (default), web_form, app, paper, ...",
    )  # fmt: skip


class ConsentCheckIn(f.InputSerializer):
    user_id = f.CharField(**USER)
    purpose = PurposeField()


class ConsentHistoryQuery(f.InputSerializer):
    user_id = f.CharField(**USER)
    purpose = PurposeField(required=False)
    limit = serializers.IntegerField(required=False, default=200, min_value=1, max_value=1000)


class ConsentOut(serializers.Serializer):
    id = serializers.IntegerField()
    user_id = serializers.CharField()
    purpose = serializers.CharField()
    granted = serializers.BooleanField()
    policy_version = serializers.CharField()
    method = serializers.CharField()
    api_key_id = serializers.IntegerField(allow_null=True)
    recorded_at = serializers.DateTimeField()


class ConsentRecordOut(serializers.Serializer):
    status = serializers.CharField()
    user_id = serializers.CharField()
    purpose = serializers.CharField()
    granted = serializers.BooleanField()
    has_consent = serializers.BooleanField()
    consent = ConsentOut()


class ConsentCheckOut(serializers.Serializer):
    status = serializers.CharField()
    user_id = serializers.CharField()
    purpose = serializers.CharField()
    has_consent = serializers.BooleanField()
    required = serializers.BooleanField(help_text="the tenant requires it for processing")
    recorded_at = serializers.DateTimeField(allow_null=True)
    policy_version = serializers.CharField(allow_null=True)


class ConsentPurposeOut(serializers.Serializer):
    purpose = serializers.CharField()
    has_consent = serializers.BooleanField()
    required = serializers.BooleanField()
    history = ConsentOut(many=True)


class ConsentHistoryOut(serializers.Serializer):
    status = serializers.CharField()
    user_id = serializers.CharField()
    required = serializers.ListField(child=serializers.CharField())
    missing = serializers.ListField(child=serializers.CharField())
    purposes = ConsentPurposeOut(many=True)


def consent_data(row: Consent) -> dict[str, Any]:
    return {
        "id": row.pk,
        "user_id": row.user_id,
        "purpose": row.purpose,
        "granted": row.granted,
        "policy_version": row.policy_version,
        "method": row.method,
        "api_key_id": row.api_key_id,
        "recorded_at": row.recorded_at.isoformat(),
    }


class ConsentView(TenantAPIView):
    required_scope = "security"
    audit_target_type = "user"

    @extend_schema(operation_id="gdpr_consent_record", request=ConsentIn,
                   responses=ConsentRecordOut, tags=TAGS)  # fmt: skip
    def post(self, request: Request) -> Response:
        data = ConsentIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        self.set_audit_target("user", v["user_id"])
        row = consent.consent_record(tenant=request.tenant, api_key_id=request.auth.pk, **v)
        return Response(
            {"status": "ok", "user_id": row.user_id, "purpose": row.purpose,
             "granted": row.granted, "has_consent": row.granted, "consent": consent_data(row)}
        )  # fmt: skip

    @extend_schema(operation_id="gdpr_consent_history", parameters=[ConsentHistoryQuery],
                   responses=ConsentHistoryOut, tags=TAGS)  # fmt: skip
    def get(self, request: Request) -> Response:
        query = ConsentHistoryQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        v = query.validated_data
        overview = consent.consent_overview(
            tenant=request.tenant, user_id=v["user_id"], purpose=v.get("purpose"),
            limit=v["limit"],
        )  # fmt: skip
        purposes = [
            {"purpose": p.purpose, "has_consent": p.has_consent, "required": p.required,
             "history": [consent_data(r) for r in p.history]}
            for p in overview.purposes
        ]  # fmt: skip
        return Response({"status": "ok", "user_id": v["user_id"], "required": overview.required,
                         "missing": overview.missing, "purposes": purposes})  # fmt: skip


class ConsentCheckView(TenantAPIView):
    required_scope = "security"
    audit_target_type = "user"
    read_only = True

    @extend_schema(operation_id="gdpr_consent_check", request=ConsentCheckIn,
                   responses=ConsentCheckOut, tags=TAGS)  # fmt: skip
    def post(self, request: Request) -> Response:
        data = ConsentCheckIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        state = consent.consent_check(tenant=request.tenant, **v)
        latest = state.latest
        return Response({
            "status": "ok", "user_id": v["user_id"], "purpose": v["purpose"],
            "has_consent": state.has_consent, "required": state.required,
            "recorded_at": latest.recorded_at.isoformat() if latest else None,
            "policy_version": latest.policy_version if latest else None,
        })  # fmt: skip
