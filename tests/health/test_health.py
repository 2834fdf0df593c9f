from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_health_endpoints(anon):
    assert anon.get("/health").json() == {"status": "ok"}
    status = anon.get("/health/status")
    assert status.status_code == 200
    body = status.json()
    assert (body["mode"], body["postgres"], body["redis"]) == ("ready", "up", "up")
    live = anon.get("/health/live").json()
    assert live["status"] == "alive" and live["timestamp"]
    ready = anon.get("/health/ready")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


def test_platform_mode_table():
    from apps.health.probes import platform_mode

    assert platform_mode(postgres=True, redis_ok=True) == "ready"
    assert platform_mode(postgres=True, redis_ok=False) == "degraded_ready"
    assert platform_mode(postgres=False, redis_ok=True) == "not_ready"


def test_metrics_count_requests_by_route_and_status(alice, anon):
    alice.client().get("/v1/admin/keys")
    anon.get("/v1/admin/keys")
    text = anon.get("/metrics").content.decode()
    assert (
        'memplatform_http_requests_total{method="GET",route="/v1/admin/keys",status="200"}' in text
    )
    assert 'route="/v1/admin/keys",status="401"' in text
    assert "memplatform_http_request_duration_seconds_bucket" in text
    assert 'memplatform_celery_queue_length{queue="ingest"}' in text


@pytest.mark.django_db
def test_openapi_declares_bearer_and_error_envelope(anon):
    schema = anon.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["ApiKeyAuth"]["scheme"] == "bearer"
    operation = schema["paths"]["/v1/admin/keys"]["post"]
    assert set(operation["responses"]) >= {"201", "400", "401", "403", "413", "415", "429"}
    ref = operation["responses"]["400"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/ErrorEnvelope")
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]


@pytest.mark.django_db
def test_docs_render_offline_with_their_assets(anon):
    for page in ("/docs", "/redoc"):
        html = anon.get(page).content.decode()
        assert "/static/drf_spectacular_sidecar/" in html
    asset = anon.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert asset.status_code == 200
