"""Health and metrics. No authentication: for load balancers, Kubernetes and Prometheus.

Every probe is `probe`: GET and HEAD only, and exempt from CSRF. These views use no cookie and
change nothing, so a CSRF check protects nothing here; left on, it refused a PATCH or POST with
403 before the method check could answer 405 (with `Allow`) as it should.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from apps.health import probes
from apps.health.metrics import render_metrics

View = Callable[[HttpRequest], HttpResponse]


def probe(view: View) -> View:
    return csrf_exempt(require_safe(view))


@probe
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@probe
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


@probe
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "alive", "timestamp": timezone.now().isoformat()})


@probe
def ready(request: HttpRequest) -> JsonResponse:
    postgres = probes.postgres_up()
    body = {"status": "ready" if postgres else "not_ready", "timestamp": timezone.now().isoformat()}
    return JsonResponse(body, status=200 if postgres else 503)


@probe
def metrics(request: HttpRequest) -> HttpResponse:
    return HttpResponse(render_metrics(), content_type="text/plain; version=0.0.4; charset=utf-8")
