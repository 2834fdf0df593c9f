"""Health and metrics. No authentication: for load balancers, Kubernetes and Prometheus."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.health import probes
from apps.health.metrics import render_metrics


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
def status(request: HttpRequest) -> JsonResponse:
    postgres, redis_ok = probes.postgres_up(), probes.redis_up()
    mode = probes.platform_mode(postgres=postgres, redis_ok=redis_ok)
    body = {
        "mode": mode,
        "postgres": "up" if postgres else "down",
        "redis": "up" if redis_ok else "down",
        "worker": probes.worker_state() if redis_ok else "unknown",
        "timestamp": timezone.now().isoformat(),
    }
    return JsonResponse(body, status=503 if mode == "not_ready" else 200)


@require_GET
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "alive", "timestamp": timezone.now().isoformat()})


@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    postgres = probes.postgres_up()
    body = {"status": "ready" if postgres else "not_ready", "timestamp": timezone.now().isoformat()}
    return JsonResponse(body, status=200 if postgres else 503)


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    return HttpResponse(render_metrics(), content_type="text/plain; version=0.0.4; charset=utf-8")
