"""The probes answer a wrong method as a client would expect from any endpoint: 405 in the
envelope with `Allow`, also for a client that gets CSRF checks (every real one does)."""

from __future__ import annotations

import json

import pytest
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.test import Client, RequestFactory

from apps.core.middleware import JsonErrorMiddleware

PROBES = ["/health", "/health/status", "/health/live", "/health/ready", "/metrics"]


@pytest.fixture
def browser_like() -> Client:
    return Client(enforce_csrf_checks=True)  # the test client skips CSRF unless told


@pytest.mark.django_db
@pytest.mark.parametrize("path", PROBES)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_wrong_method_on_a_probe_is_405_with_allow(browser_like, path, method):
    response = getattr(browser_like, method)(path, data="{}", content_type="application/json")
    assert response.status_code == 405, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert (error["type"], error["code"]) == ("MethodNotAllowed", "method_not_allowed")
    assert error["message"] == "Method not allowed."
    assert error["request_id"] == response["X-Request-ID"]
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}


@pytest.mark.django_db
@pytest.mark.parametrize("path", PROBES)
def test_probes_answer_get_and_head(browser_like, path):
    assert browser_like.get(path).status_code == 200
    head = browser_like.head(path)
    assert head.status_code == 200 and head.content == b""


def _through_middleware(response: HttpResponse) -> HttpResponse:
    request: HttpRequest = RequestFactory().get("/somewhere")
    request.request_id = "rid-1"
    return JsonErrorMiddleware(lambda _: response)(request)


@pytest.mark.parametrize(
    ("original", "status", "error_type", "code", "message"),
    [
        (HttpResponseForbidden(), 403, "Forbidden", "forbidden", "Forbidden."),
        (HttpResponse(status=410), 410, "BadRequest", "gone", "Gone."),
        (HttpResponse(status=418), 418, "BadRequest", "i_m_a_teapot", "I'm a Teapot."),
        (HttpResponse(status=502), 502, "ExternalServiceError", "external_service_error",
         "An upstream service failed."),
        (HttpResponse(status=500), 500, "InternalError", "internal_error", "Internal error."),
    ],
)  # fmt: skip
def test_every_status_outside_drf_gets_its_own_type_code_and_words(
    original, status, error_type, code, message
):
    response = _through_middleware(original)
    error = json.loads(response.content)["error"]
    assert response.status_code == status
    assert (error["type"], error["code"], error["message"]) == (error_type, code, message)
    if status < 500:
        assert error["message"] != "Internal error."


def test_the_middleware_keeps_the_headers_that_say_what_to_do():
    original = HttpResponse(status=503)
    original["Retry-After"] = "7"
    response = _through_middleware(original)
    assert response["Retry-After"] == "7"
    assert json.loads(response.content)["error"]["code"] == "service_unavailable"
