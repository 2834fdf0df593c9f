"""The IP defence in front of every request (settings.MIDDLEWARE, right after metrics): banned
addresses are refused with 403 `ip_banned` before parsing, key lookup or any view."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from apps.core.errors import describe, error_response
from apps.core.netaddr import client_address
from apps.defense import guard

# Probes and scrapes: never refused, never counted (an orchestrator must see the process).
EXEMPT_PREFIXES = ("/health", "/metrics")


class IpDefenseMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.IP_DEFENSE_ENABLED or request.path.startswith(EXEMPT_PREFIXES):
            return self.get_response(request)
        address = client_address(request)
        if address is None:  # a trusted proxy sent no usable address: nothing to hold it to
            return self.get_response(request)
        verdict = guard.check(address)
        if verdict.blocked:
            info = describe(guard.refusal_error(verdict.retry_after))
            response = error_response(request, info.status, info.message, info.details,
                                      code=info.code)  # fmt: skip
            for name, value in info.headers.items():
                response[name] = value
            return response
        response = self.get_response(request)
        guard.after(request, address, response.status_code, verdict)
        return response
