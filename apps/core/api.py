"""The one way into the API: authenticate the key, enter the tenant scope, check the endpoint's
scope, audit what changes state, and always leave the scope."""

from __future__ import annotations

import logging
from typing import Any

from django.db import InterfaceError, OperationalError, transaction
from django.http import HttpRequest
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.audit.services import audit_record
from apps.core.netaddr import client_ip
from apps.core.tenancy import enter_tenant_scope, exit_tenant_scope
from apps.tenants.models import ApiKey

logger = logging.getLogger(__name__)


class TenantAPIView(APIView):
    required_scope: str | None = None
    audit_target_type: str = ""
    # POST endpoints that only read (search, retrieve, export) are not audited as changes.
    read_only: bool = False
    # False where the end user's id must not be kept with the event (a GDPR erasure: its audit
    # row is written after the user's events were redacted).
    audit_end_user: bool = True
    # Who acts, as versions, FAQ events and batches record it: "key:<api key id>". Set here once
    # the key is authenticated; views use it and never rebuild it.
    actor: str = ""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authentication, scope, rate limit
        self.actor = f"key:{request.auth.pk}"
        self._scope_token = enter_tenant_scope(request.tenant.pk)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
        self._scope_token = None
        self._audit_target: tuple[str, str] | None = None
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            if self._scope_token is not None:
                exit_tenant_scope(self._scope_token)

    def set_audit_target(self, target_type: str, target_id: object) -> None:
        self._audit_target = (target_type, str(target_id))

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        key = request.auth
        changes_state = request.method not in SAFE_METHODS and not self.read_only
        if isinstance(key, ApiKey) and (changes_state or self.required_scope == "admin"):
            self._audit(request, response, key, kwargs)
        return response

    def _audit(self, request: Request, response: Response, key: ApiKey, kwargs: dict) -> None:
        target_type, target_id = self._audit_target or (
            self.audit_target_type,
            str(next(iter(kwargs.values()), "")),
        )
        route = getattr(request.resolver_match, "route", "") or request.path
        tenant = getattr(request, "tenant", None) or key.tenant
        event = {
            "tenant_id": tenant.pk,
            "api_key_id": key.pk,
            "action": f"{request.method} /{route}",
            "status_code": response.status_code,
            "request_id": getattr(request, "request_id", ""),
        }
        details = {
            "target_type": target_type,
            "target_id": target_id,
            "end_user_id": _end_user_id(request) if self.audit_end_user else "",
            "client_ip": client_ip(request),
        }
        # The change this request made is already done (and, outside a transaction, committed):
        # whatever happens to its audit row must not turn the answer into an error. The row is
        # written in its own savepoint, so a failed insert cannot poison a surrounding
        # transaction; if the request's own values still break it, the row is written without
        # them rather than not at all.
        for attempt in (details, {}):
            try:
                with transaction.atomic():
                    audit_record(**event, **attempt)
                return
            except (OperationalError, InterfaceError):  # no database: a retry cannot help
                logger.exception("could not write audit event for request %s", event["request_id"])
                return
            except Exception:
                logger.exception(
                    "could not write audit event for request %s%s",
                    event["request_id"],
                    "" if attempt else " (even without target, end user and client address)",
                )


def _end_user_id(request: Request) -> str:
    user_id = request.query_params.get("user_id") or request.headers.get("X-User-ID") or ""
    if not user_id:
        try:
            data = request.data
        except Exception:  # an unparsable body was already answered with 400
            return ""
        if isinstance(data, dict):
            user_id = data.get("user_id") or data.get("user") or ""
    return str(user_id) if isinstance(user_id, str | int) else ""
