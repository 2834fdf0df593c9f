"""One error type for the domain and one JSON envelope for every error the API answers.

`{"error": {"type": "BadRequest", "code": "invalid_input", "message": "...", "details": ...,
"request_id": "..."}}`: `type` names the HTTP status, `code` is the stable, machine-readable
reason a client can branch on, `message` is for people and may change.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, DataError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response

logger = logging.getLogger(__name__)

ERROR_TYPES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    406: "NotAcceptable",
    409: "Conflict",
    413: "PayloadTooLarge",
    415: "UnsupportedMediaType",
    422: "BadRequest",
    429: "TooManyRequests",
    500: "InternalError",
    502: "ExternalServiceError",
    503: "ServiceUnavailable",
}

# The code an error gets when nothing more specific is known: one per status.
DEFAULT_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
    500: "internal_error",
    502: "external_service_error",
    503: "service_unavailable",
}

DEFAULT_MESSAGES = {
    400: "Bad request.",
    401: "Authentication required; send 'Authorization: Bearer <key>'.",
    403: "Forbidden.",
    404: "Not found.",
    405: "Method not allowed.",
    406: "Not acceptable.",
    409: "Conflict.",
    413: "Request body too large.",
    415: "Unsupported media type.",
    429: "Too many requests.",
    500: "Internal error.",
    502: "An upstream service failed.",
    503: "Service unavailable; retry shortly.",
}


def error_type(status: int) -> str:
    """The envelope's `type`; a status without its own name gets its class's (4xx, 5xx)."""
    return ERROR_TYPES.get(status) or ("InternalError" if status >= 500 else "BadRequest")


def default_code(status: int) -> str:
    if status in DEFAULT_CODES:
        return DEFAULT_CODES[status]
    try:
        return re.sub(r"[^a-z0-9]+", "_", HTTPStatus(status).phrase.lower()).strip("_")
    except ValueError:
        return "internal_error" if status >= 500 else "bad_request"


def default_message(status: int) -> str:
    """Never "Internal error." for a client's mistake: a status we have no words for gets its
    HTTP reason phrase."""
    if status in DEFAULT_MESSAGES:
        return DEFAULT_MESSAGES[status]
    try:
        return f"{HTTPStatus(status).phrase}."
    except ValueError:
        return "Internal error." if status >= 500 else "Bad request."


class AppError(Exception):
    """The one error the services raise. `code` is stable and machine-readable; without one
    the class's own (`not_found`, `conflict`, ...) is used."""

    status = 400
    default_code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: Any = None,
        status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.details = details
        self.headers = headers or {}
        if status is not None:
            self.status = status


class BadRequest(AppError):
    status = 400


class Unauthorized(AppError):
    status = 401
    default_code = "unauthenticated"


class Forbidden(AppError):
    status = 403
    default_code = "forbidden"


class NotFound(AppError):
    status = 404
    default_code = "not_found"


class Conflict(AppError):
    status = 409
    default_code = "conflict"


class PayloadTooLarge(AppError):
    status = 413
    default_code = "payload_too_large"


class ExternalServiceError(AppError):
    status = 502
    default_code = "external_service_error"


class ServiceUnavailable(AppError):
    status = 503
    default_code = "service_unavailable"


@dataclass(frozen=True)
class ErrorInfo:
    """What the envelope says about one error, and the headers that go with it."""

    status: int
    code: str
    message: str
    details: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def error_body(
    status: int,
    message: str,
    details: Any = None,
    request_id: str | None = None,
    *,
    code: str | None = None,
) -> dict:
    error: dict[str, Any] = {
        "type": error_type(status),
        "code": code or default_code(status),
        "message": message,
    }
    if details is not None:
        error["details"] = details
    if request_id:
        error["request_id"] = request_id
    return {"error": error}


def error_response(
    request: HttpRequest | None,
    status: int,
    message: str | None = None,
    details: Any = None,
    *,
    code: str | None = None,
) -> JsonResponse:
    """For plain Django code paths (middleware, handler404/500) outside DRF."""
    request_id = getattr(request, "request_id", None)
    body = error_body(status, message or default_message(status), details, request_id, code=code)
    return JsonResponse(body, status=status)


_UNAUTHENTICATED = {"WWW-Authenticate": 'Bearer realm="api"'}


def _drf_code(exc: drf.APIException) -> str:
    """The code DRF's exception carries when it is a specific one (a parser's `invalid_unicode`),
    else the status's."""
    code = getattr(exc.detail, "code", None)
    if isinstance(code, str) and code != exc.default_code:
        return code
    if isinstance(exc, drf.ParseError):
        return "malformed_json"
    return default_code(exc.status_code)


def describe(exc: Exception) -> ErrorInfo:
    if isinstance(exc, AppError):
        headers = dict(exc.headers)
        if exc.status == 401:
            headers.setdefault("WWW-Authenticate", _UNAUTHENTICATED["WWW-Authenticate"])
        return ErrorInfo(exc.status, exc.code, exc.message, exc.details, headers)
    if isinstance(exc, drf.ValidationError):
        return ErrorInfo(400, "invalid_input", "Invalid input.", exc.detail)
    if isinstance(exc, drf.Throttled):
        wait = max(1, int(exc.wait or 1))
        message = f"Rate limit exceeded; retry in {wait} s."
        return ErrorInfo(429, "rate_limited", message, headers={"Retry-After": str(wait)})
    if isinstance(exc, drf.NotAuthenticated):
        return ErrorInfo(401, "unauthenticated", str(exc.detail), headers=dict(_UNAUTHENTICATED))
    if isinstance(exc, drf.AuthenticationFailed):
        return ErrorInfo(401, "invalid_api_key", str(exc.detail), headers=dict(_UNAUTHENTICATED))
    if isinstance(exc, drf.APIException):
        return ErrorInfo(exc.status_code, _drf_code(exc), str(exc.detail))
    if isinstance(exc, Http404):
        return ErrorInfo(404, "not_found", "Not found.")
    if isinstance(exc, DjangoPermissionDenied):
        return ErrorInfo(403, "forbidden", "Permission denied.")
    if isinstance(exc, RequestDataTooBig):
        return ErrorInfo(413, "payload_too_large", "Request body too large.")
    if isinstance(exc, RecursionError):
        return ErrorInfo(400, "nesting_too_deep", "JSON nested too deeply.")
    if isinstance(exc, DataError):  # a value PostgreSQL cannot store (NUL byte, out of range)
        logger.info("rejected value: %s", exc)
        message = "A value in the request cannot be stored (NUL character or out of range)."
        return ErrorInfo(400, "unstorable_value", message)
    if isinstance(exc, OperationalError | InterfaceError):
        logger.warning("database unavailable: %s", exc)
        message = "The database is unavailable; retry shortly."
        return ErrorInfo(503, "database_unavailable", message, headers={"Retry-After": "5"})
    if isinstance(exc, DatabaseError):
        logger.exception("database error")
        return ErrorInfo(500, "internal_error", "Internal error.")
    logger.exception("unhandled error", exc_info=exc)
    return ErrorInfo(500, "internal_error", "Internal error.")


def exception_handler(exc: Exception, context: dict) -> Response:
    """DRF's EXCEPTION_HANDLER: every exception a view raises becomes the envelope."""
    info = describe(exc)
    request = context.get("request")
    request_id = getattr(request, "request_id", None) if request else None
    body = error_body(info.status, info.message, info.details, request_id, code=info.code)
    response = Response(body, status=info.status)
    for name, value in info.headers.items():
        response[name] = value
    return response


def exception_response(request: HttpRequest, exc: Exception) -> JsonResponse:
    info = describe(exc)
    response = error_response(request, info.status, info.message, info.details, code=info.code)
    for name, value in info.headers.items():
        response[name] = value
    return response
