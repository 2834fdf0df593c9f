"""API key authentication (Bearer or Token) and the per-endpoint scope check."""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from apps.core.errors import Forbidden, Unauthorized
from apps.core.netaddr import address_in, client_address, networks_of
from apps.tenants.models import ApiKey
from apps.tenants.services import api_key_authenticate, tenant_resolve_acting

SCHEMES = ("bearer", "token")  # OpenAI's SDK sends Bearer; mem0's and MemOS's clients send Token

# Sent with (request, key) once a key is authenticated and allowed from the client's address.
# A receiver refuses the request by raising an AppError (apps.defense: the tenant's own bans,
# which can only apply once the key has told us the tenant).
key_authenticated = Signal()


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[ApiKey, ApiKey] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None  # the permission check answers 401 "missing credentials"
        scheme, _, token = header.partition(" ")
        if scheme.lower() not in SCHEMES or not token.strip():
            raise Unauthorized(
                "Malformed Authorization header; use 'Bearer <key>' or 'Token <key>'.",
                code="malformed_header",
            )
        return key_of(request, token.strip())

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


def key_of(request: Request, raw: str) -> tuple[ApiKey, ApiKey]:
    """The key `raw` names, allowed from the client's address and by the tenant's bans: every
    way a key is presented (Authorization, mem0's X-API-Key) goes through here."""
    key = api_key_authenticate(raw=raw)
    if key.allowed_ips:
        _check_allowed_ip(request, key)
    key_authenticated.send(sender=ApiKey, request=request, key=key)
    return key, key


def _check_allowed_ip(request: Request, key: ApiKey) -> None:
    """A key limited to `allowed_ips` is refused anywhere else, and when the client's address
    cannot be told (fail closed). Only a holder of the whole secret learns of the limit."""
    if not address_in(client_address(request), networks_of(key.allowed_ips)):
        raise Forbidden("This API key may not be used from this address.", code="ip_not_allowed")


class HasEndpointScope(BasePermission):
    """Resolves the acting tenant (X-Tenant-ID) and checks the view's `required_scope`."""

    def has_permission(self, request: Request, view: Any) -> bool:
        key = request.auth
        if not isinstance(key, ApiKey):
            raise NotAuthenticated("Missing API key; send 'Authorization: Bearer <key>'.")
        request.tenant = tenant_resolve_acting(
            key=key, requested=request.headers.get("X-Tenant-ID")
        )
        # The usage counters (apps.core.usage) run outside DRF and read the plain request.
        request._request.usage_tenant_id = request.tenant.pk
        if not request.tenant.is_active and not key.is_platform_admin:
            raise Forbidden("This tenant is suspended.", code="tenant_suspended")
        scope = getattr(view, "required_scope", None)
        if scope and not key.has_scope(scope):
            raise Forbidden(f"This key lacks the '{scope}' scope.", code="missing_scope")
        return True
