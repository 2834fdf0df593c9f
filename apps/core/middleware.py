"""Request id, body size limit, JSON errors outside DRF, and operator scope for the console."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse

from apps.core.errors import error_response, exception_response
from apps.core.tenancy import all_tenants_scope

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_HTML_PREFIXES = ("/admin/", "/static/", "/docs", "/redoc")
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")

Handler = Callable[[HttpRequest], HttpResponse]


class RequestIdMiddleware:
    """Takes a sane incoming X-Request-ID or makes one; every response carries it."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class BodySizeLimitMiddleware:
    """413 before any parsing when a body is over REQUEST_BODY_LIMIT (declared or streamed)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.REQUEST_BODY_LIMIT
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared.isdigit() and int(declared) > limit:
            return _too_large(request, limit)
        if not declared and request.method in {"POST", "PUT", "PATCH"}:
            try:
                request.body  # noqa: B018  (reads a chunked body; Django enforces the limit)
            except RequestDataTooBig:
                return _too_large(request, limit)
        return self.get_response(request)


def _too_large(request: HttpRequest, limit: int) -> HttpResponse:
    return error_response(request, 413, f"Request body exceeds the limit of {limit} bytes.")


class JsonErrorMiddleware:
    """Outside DRF views (unknown routes, plain Django views) errors are JSON envelopes too,
    whatever DEBUG says; the HTML console and docs keep their pages."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or request.path.startswith(_HTML_PREFIXES):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        # Every status gets its own type, code and words (a 403 or 405 from Django itself is no
        # "Internal error."), and keeps the headers that tell a client what to do next.
        envelope = error_response(request, response.status_code)
        for name in _KEPT_HEADERS:
            if name in response:
                envelope[name] = response[name]
        return envelope

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if request.path.startswith(_HTML_PREFIXES):
            return None
        return exception_response(request, exc)


class ConsoleScopeMiddleware:
    """The operator console (Django admin, staff only) works across all tenants."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/admin/"):
            with all_tenants_scope():
                return self.get_response(request)
        return self.get_response(request)
