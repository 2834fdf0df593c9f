"""Prometheus metrics: requests by route and status, latency histograms, Celery queue length.

One registry per process. Run the web server with one process per container (or set
PROMETHEUS_MULTIPROC_DIR) so that the figures are not split across processes."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import redis
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from apps.core.ratelimit import redis_client

REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter(
    "memplatform_http_requests_total",
    "HTTP requests by route, method and status",
    ["route", "method", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "memplatform_http_request_duration_seconds",
    "HTTP request latency by route",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.015, 0.025, 0.04, 0.06, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)


class CeleryQueueCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauge = GaugeMetricFamily(
            "memplatform_celery_queue_length",
            "Messages waiting in each Celery queue",
            labels=["queue"],
        )
        try:
            pipe = redis_client().pipeline()
            for queue in settings.CELERY_TASK_QUEUES_NAMES:
                pipe.llen(queue)
            lengths = pipe.execute()
        except redis.RedisError:
            return
        for queue, length in zip(settings.CELERY_TASK_QUEUES_NAMES, lengths, strict=True):
            gauge.add_metric([queue], length)
        yield gauge


REGISTRY.register(CeleryQueueCollector())


def render_metrics() -> bytes:
    return generate_latest(REGISTRY)


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = f"/{match.route}" if match is not None else "unmatched"
        LATENCY.labels(route, request.method).observe(time.perf_counter() - started)
        REQUESTS.labels(route, request.method, str(response.status_code)).inc()
        return response
