"""/v1/admin/keys: create, list, update (name, allowed_ips) and revoke API keys (admin scope)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core import fields as f
from apps.core.api import TenantAPIView
from apps.core.tenancy import tenant_scope
from apps.tenants import selectors, services
from apps.tenants.models import SCOPES, ApiKey


class ApiKeyOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField(source="display_prefix")
    tenant = serializers.CharField(source="tenant.slug")
    scopes = serializers.ListField(child=serializers.CharField())
    is_platform_admin = serializers.BooleanField()
    rate_limit_per_minute = serializers.IntegerField(allow_null=True)
    allowed_ips = serializers.ListField(child=serializers.CharField())
    expires_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    last_used_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class ApiKeyCreatedSerializer(ApiKeyOutSerializer):
    key = serializers.CharField(help_text="The whole key. Shown once; store it now.")


class ApiKeyListSerializer(serializers.Serializer):
    results = ApiKeyOutSerializer(many=True)


class ApiKeyCreateSerializer(f.InputSerializer):
    name = f.CharField(max_length=200, required=False, default="", allow_blank=True)
    scopes = serializers.ListField(
        child=f.ChoiceField(choices=SCOPES), required=False, allow_empty=True,
        help_text="Default: memory only. Name every scope the key needs.",
    )  # fmt: skip
    expires_at = f.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Must be in the future."
    )
    rate_limit_per_minute = f.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=1_000_000,
        help_text="At most the tenant's limit, unless a platform-admin key asks.",
    )  # fmt: skip
    tenant = f.CharField(
        required=False, help_text="Slug or id; another tenant needs a platform-admin key."
    )
    is_platform_admin = f.BooleanField(required=False, default=False)
    allowed_ips = serializers.ListField(
        child=f.NetworkField(), required=False, allow_empty=True, max_length=100,
        help_text="Addresses or CIDR ranges the key may be used from; empty or absent: anywhere.",
    )  # fmt: skip


class ApiKeyUpdateSerializer(f.InputSerializer):
    name = f.CharField(max_length=200, required=False, allow_blank=True)
    allowed_ips = serializers.ListField(
        child=f.NetworkField(), required=False, allow_empty=True, max_length=100,
        help_text="Replaces the list; [] lets the key be used from anywhere.",
    )  # fmt: skip


class ApiKeyCollectionView(TenantAPIView):
    required_scope = "admin"
    audit_target_type = "api_key"

    @extend_schema(operation_id="admin_keys_list", responses=ApiKeyListSerializer, tags=["admin"])
    def get(self, request: Request) -> Response:
        keys = selectors.api_key_list(tenant=request.tenant).select_related("tenant")
        return Response({"results": ApiKeyOutSerializer(keys, many=True).data})

    @extend_schema(
        operation_id="admin_keys_create",
        request=ApiKeyCreateSerializer,
        responses={201: ApiKeyCreatedSerializer},
        tags=["admin"],
    )
    def post(self, request: Request) -> Response:
        data = ApiKeyCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        caller: ApiKey = request.auth
        tenant = request.tenant
        if params.get("tenant"):
            tenant = services.tenant_resolve_acting(key=caller, requested=params["tenant"])
        with tenant_scope(tenant.pk):  # a platform admin may create in another tenant
            issued = services.api_key_create(
                tenant=tenant,
                name=params["name"],
                scopes=params.get("scopes"),
                expires_at=params["expires_at"],
                is_platform_admin=params["is_platform_admin"],
                rate_limit_per_minute=params["rate_limit_per_minute"],
                allowed_ips=params.get("allowed_ips"),
                actor=caller,
            )
        self.set_audit_target("api_key", issued.key.pk)
        body = {**ApiKeyOutSerializer(issued.key).data, "key": issued.secret}
        return Response(body, status=status.HTTP_201_CREATED)


class ApiKeyDetailView(TenantAPIView):
    required_scope = "admin"
    audit_target_type = "api_key"

    @extend_schema(
        operation_id="admin_keys_revoke",
        parameters=[
            OpenApiParameter("key", str, OpenApiParameter.PATH, description="Key, prefix or id")
        ],
        responses={200: ApiKeyOutSerializer},
        tags=["admin"],
    )
    def delete(self, request: Request, key: str) -> Response:
        revoked = services.api_key_revoke(tenant=request.tenant, ref=key)
        self.set_audit_target("api_key", revoked.pk)
        return Response(ApiKeyOutSerializer(revoked).data)

    @extend_schema(
        operation_id="admin_keys_update",
        parameters=[
            OpenApiParameter("key", str, OpenApiParameter.PATH, description="Key, prefix or id")
        ],
        request=ApiKeyUpdateSerializer,
        responses={200: ApiKeyOutSerializer},
        tags=["admin"],
    )
    def patch(self, request: Request, key: str) -> Response:
        data = ApiKeyUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        params = data.validated_data
        updated = services.api_key_update(
            tenant=request.tenant,
            ref=key,
            name=params.get("name"),
            allowed_ips=params.get("allowed_ips"),
        )
        self.set_audit_target("api_key", updated.pk)
        return Response(ApiKeyOutSerializer(updated).data)
