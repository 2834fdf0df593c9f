"""Every error is the one JSON envelope: never HTML, never a stack trace."""

from __future__ import annotations

import pytest
from django.test import override_settings

from apps.tenants.models import ApiKey

KEYS = "/v1/admin/keys"


def assert_envelope(response, status: int, error_type: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["type"] == error_type
    assert error["message"]
    assert "Traceback" not in response.content.decode()
    return error


def test_malformed_json_is_400(alice):
    response = alice.client().post(KEYS, data='{"name": ', content_type="application/json")
    assert_envelope(response, 400, "BadRequest")


def test_wrong_content_type_is_415(alice):
    response = alice.client().post(KEYS, data="name=x", content_type="text/plain")
    assert_envelope(response, 415, "UnsupportedMediaType")


@override_settings(REQUEST_BODY_LIMIT=2048, DATA_UPLOAD_MAX_MEMORY_SIZE=2048)
def test_oversized_body_is_413_and_writes_nothing(alice):
    before = ApiKey.unscoped.count()
    body = '{"name": "' + "x" * 5000 + '"}'
    response = alice.client().post(KEYS, data=body, content_type="application/json")
    assert_envelope(response, 413, "PayloadTooLarge")
    assert ApiKey.unscoped.count() == before


@override_settings(REQUEST_BODY_LIMIT=2048, DATA_UPLOAD_MAX_MEMORY_SIZE=2048)
def test_a_body_of_exactly_the_limit_is_accepted_one_byte_more_is_not(alice):
    def padded(name: str, size: int) -> str:  # JSON whitespace up to `size` bytes
        start = '{"name": "' + name + '"'
        return start + " " * (size - len(start) - 1) + "}"

    response = alice.client().post(KEYS, data=padded("past", 2049), content_type="application/json")
    assert_envelope(response, 413, "PayloadTooLarge")
    response = alice.client().post(KEYS, data=padded("at", 2048), content_type="application/json")
    assert response.status_code == 201, response.content
    made = ApiKey.unscoped.filter(name__in=["at", "past"]).values_list("name", flat=True)
    assert list(made) == ["at"]


def test_validation_error_names_the_field(alice):
    response = alice.client().post(KEYS, {"name": "x" * 500}, format="json")
    error = assert_envelope(response, 400, "BadRequest")
    assert "name" in error["details"]


@pytest.mark.parametrize("path", ["/nope", "/v1/nope", "/v1/admin/keys/1/extra"])
def test_unknown_route_is_404_json(alice, path):
    assert_envelope(alice.client().get(path), 404, "NotFound")


def test_wrong_method_is_405(alice):
    assert_envelope(alice.client().put(KEYS, {}, format="json"), 405, "MethodNotAllowed")
    assert_envelope(alice.client().post("/health", {}, format="json"), 405, "MethodNotAllowed")


def test_every_response_carries_a_request_id(alice, anon):
    assert len(anon.get("/health")["X-Request-ID"]) == 32
    response = alice.client().get(KEYS, HTTP_X_REQUEST_ID="trace-123")
    assert response["X-Request-ID"] == "trace-123"
    error = anon.get(KEYS, HTTP_X_REQUEST_ID="trace-456").json()["error"]
    assert error["request_id"] == "trace-456"


def test_unsafe_incoming_request_id_is_replaced(anon):
    response = anon.get("/health", HTTP_X_REQUEST_ID="<script>")
    assert response["X-Request-ID"] != "<script>"


def test_rate_limit_is_per_key_and_answers_429_with_retry_after(alice, tenant_a):
    ApiKey.unscoped.filter(pk=alice.key.pk).update(rate_limit_per_minute=3)
    statuses = [alice.client().get(KEYS).status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]
    response = alice.client().get(KEYS)
    assert_envelope(response, 429, "TooManyRequests")
    assert 1 <= int(response["Retry-After"]) <= 60


def test_tenant_setting_sets_the_rate_limit(alice, charlie):
    tenant = alice.tenant
    tenant.settings = {"rate_limit_per_minute": 2}
    tenant.save()
    statuses = [alice.client().get(KEYS).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert charlie.client().get(KEYS).status_code == 200  # another tenant is not affected


# Regressions from fuzzing the OpenAPI schema (schemathesis) and hand-made nasty inputs.


def test_deeply_nested_json_is_400_not_500(alice):
    for body in ("[" * 10000 + "]" * 10000, '{"a":' * 10000 + "1" + "}" * 10000):
        response = alice.client().post(KEYS, data=body, content_type="application/json")
        assert_envelope(response, 400, "BadRequest")


def test_nul_characters_are_400_and_leave_nothing_behind(alice):
    before = ApiKey.unscoped.count()
    response = alice.client().post(
        KEYS, data='{"name": "a\\u0000b"}', content_type="application/json"
    )
    assert_envelope(response, 400, "BadRequest")
    assert ApiKey.unscoped.count() == before


@pytest.mark.parametrize(
    "ref", ["%00", "a%00b", "mpk_%00", "%C2%B2", "%D9%A1%D9%A2", "9" * 5000, "x" * 300]
)
def test_odd_key_references_are_404(alice, ref):
    response = alice.client().delete(f"{KEYS}/{ref}")
    assert_envelope(response, 404, "NotFound")
    assert alice.client().get(KEYS).status_code == 200  # nothing was revoked


def test_nul_in_a_path_is_audited_without_the_nul(alice):
    from apps.audit.models import AuditEvent

    alice.client().delete(f"{KEYS}/a%00b")
    event = AuditEvent.unscoped.get(action="DELETE /v1/admin/keys/<str:key>")
    assert event.status_code == 404 and event.target_id == "ab"


@pytest.mark.django_db
def test_openapi_declares_delete_bodies_and_one_security_entry(anon):
    schema = anon.get("/openapi.json").json()
    delete = schema["paths"]["/v1/admin/keys/{key}"]["delete"]
    assert "200" in delete["responses"] and "204" not in delete["responses"]
    assert delete["security"] == [{"ApiKeyAuth": []}]


# Every error path above carries a stable machine code next to the human message.


def _error_cases(alice, anon):
    from rest_framework.test import APIClient

    client = alice.client()
    wrong_key = APIClient()
    wrong_key.credentials(HTTP_AUTHORIZATION="Bearer mpk_000000000000_" + "x" * 30)

    def raw(body: str):
        return client.post(KEYS, data=body, content_type="application/json")

    return {
        "malformed_json": raw('{"name": '),
        "unsupported_media_type": client.post(KEYS, data="name=x", content_type="text/plain"),
        "invalid_input": client.post(KEYS, {"name": "x" * 500}, format="json"),
        "not_found": client.get("/v1/nope"),
        "method_not_allowed": client.put(KEYS, {}, format="json"),
        "nesting_too_deep": raw("[" * 10000 + "]" * 10000),
        "nul_character": raw('{"name": "a\\u0000b"}'),
        "invalid_unicode": raw('{"name": "a\\ud800b"}'),
        "key_not_found": client.delete(f"{KEYS}/nope"),
        "unauthenticated": anon.get(KEYS),
        "invalid_key": wrong_key.get(KEYS),
        "malformed_header": anon.get(KEYS, HTTP_AUTHORIZATION="Basic abc"),
    }


def test_every_error_carries_a_stable_code(alice, anon, tenant_a):
    for code, response in _error_cases(alice, anon).items():
        error = response.json()["error"]
        assert error["code"] == code, (code, response.status_code, error)
        assert list(error)[:3] == ["type", "code", "message"]


@override_settings(REQUEST_BODY_LIMIT=2048, DATA_UPLOAD_MAX_MEMORY_SIZE=2048)
def test_too_large_and_rate_limited_carry_their_codes(alice):
    body = '{"name": "' + "x" * 5000 + '"}'
    response = alice.client().post(KEYS, data=body, content_type="application/json")
    assert response.json()["error"]["code"] == "payload_too_large"
    ApiKey.unscoped.filter(pk=alice.key.pk).update(rate_limit_per_minute=1)
    alice.client().get(KEYS)
    assert alice.client().get(KEYS).json()["error"]["code"] == "rate_limited"


def test_an_unexpected_failure_is_internal_error_and_a_lost_database_is_named(alice, monkeypatch):
    from django.db import OperationalError

    from apps.tenants import selectors

    def boom(**kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(selectors, "api_key_list", boom)
    error = assert_envelope(alice.client().get(KEYS), 500, "InternalError")
    assert error["code"] == "internal_error" and error["message"] == "Internal error."

    def gone(**kwargs):
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(selectors, "api_key_list", gone)
    response = alice.client().get(KEYS)
    error = assert_envelope(response, 503, "ServiceUnavailable")
    assert error["code"] == "database_unavailable" and response["Retry-After"]
