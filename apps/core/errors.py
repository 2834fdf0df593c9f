"""One error type for the domain and one JSON envelope for every error the API answers.

`{"error": {"type": "BadRequest", "message": "...", "details": ..., "request_id": "..."}}`
"""

from __future__ import annotations

import logging
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


class AppError(Exception):
    """The one error the services raise. `code` is stable and machine-readable."""

    status = 400

    def __init__(
        self,
        message: str,
        *,
        code: str = "bad_request",
        details: Any = None,
        status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.details = details
        self.headers = headers or {}
        if status is not None:
            self.status = status


class BadRequest(AppError):
    status = 400


class Unauthorized(AppError):
    status = 401


class Forbidden(AppError):
    status = 403


class NotFound(AppError):
    status = 404


class Conflict(AppError):
    status = 409


class PayloadTooLarge(AppError):
    status = 413


class ExternalServiceError(AppError):
    status = 502


class ServiceUnavailable(AppError):
    status = 503


def error_body(
    status: int, message: str, details: Any = None, request_id: str | None = None
) -> dict:
    error: dict[str, Any] = {"type": ERROR_TYPES.get(status, "Error"), "message": message}
    if details is not None:
        error["details"] = details
    if request_id:
        error["request_id"] = request_id
    return {"error": error}


def error_response(
    request: HttpRequest | None, status: int, message: str, details: Any = None
) -> JsonResponse:
    """For plain Django code paths (middleware, handler404/500) outside DRF."""
    request_id = getattr(request, "request_id", None)
    return JsonResponse(error_body(status, message, details, request_id), status=status)


def _describe(exc: Exception) -> tuple[int, str, Any, dict[str, str]]:
    if isinstance(exc, AppError):
        headers = dict(exc.headers)
        if exc.status == 401:
            headers.setdefault("WWW-Authenticate", 'Bearer realm="api"')
        return exc.status, exc.message, exc.details, headers
    if isinstance(exc, drf.ValidationError):
        return 400, "Invalid input.", exc.detail, {}
    if isinstance(exc, drf.Throttled):
        wait = max(1, int(exc.wait or 1))
        return 429, f"Rate limit exceeded; retry in {wait} s.", None, {"Retry-After": str(wait)}
    if isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
        return 401, str(exc.detail), None, {"WWW-Authenticate": 'Bearer realm="api"'}
    if isinstance(exc, drf.APIException):
        return exc.status_code, str(exc.detail), None, {}
    if isinstance(exc, Http404):
        return 404, "Not found.", None, {}
    if isinstance(exc, DjangoPermissionDenied):
        return 403, "Permission denied.", None, {}
    if isinstance(exc, RequestDataTooBig):
        return 413, "Request body too large.", None, {}
    if isinstance(exc, RecursionError):
        return 400, "JSON nested too deeply.", None, {}
    if isinstance(exc, DataError):  # a value PostgreSQL cannot store (NUL byte, out of range)
        logger.info("rejected value: %s", exc)
        return (
            400,
            "A value in the request cannot be stored (NUL character or out of range).",
            None,
            {},
        )
    if isinstance(exc, OperationalError | InterfaceError):
        logger.warning("database unavailable: %s", exc)
        return 503, "The database is unavailable; retry shortly.", None, {"Retry-After": "5"}
    if isinstance(exc, DatabaseError):
        logger.exception("database error")
        return 500, "Internal error.", None, {}
    logger.exception("unhandled error", exc_info=exc)
    return 500, "Internal error.", None, {}


def exception_handler(exc: Exception, context: dict) -> Response:
    """DRF's EXCEPTION_HANDLER: every exception a view raises becomes the envelope."""
    status, message, details, headers = _describe(exc)
    request = context.get("request")
    request_id = getattr(request, "request_id", None) if request else None
    response = Response(error_body(status, message, details, request_id), status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def exception_response(request: HttpRequest, exc: Exception) -> JsonResponse:
    status, message, details, headers = _describe(exc)
    response = error_response(request, status, message, details)
    for name, value in headers.items():
        response[name] = value
    return response
