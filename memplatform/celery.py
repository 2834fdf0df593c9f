"""The Celery app: Redis broker, JSON, late acks, time limits, named queues, beat schedule."""

import os
import time

from celery import Celery
from celery.signals import before_task_publish
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memplatform.settings.base")

app = Celery("memplatform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [
    Queue(name) for name in ("default", "ingest", "graph", "wiki", "maintenance")
]
app.conf.task_routes = {
    "apps.health.tasks.*": {"queue": "maintenance"},
    "apps.core.tasks.*": {"queue": "maintenance"},
    "apps.console.tasks.*": {"queue": "maintenance"},
}
app.conf.beat_schedule = {
    "worker-heartbeat": {"task": "apps.health.tasks.worker_heartbeat", "schedule": 30.0},
    "flush-access-counts": {
        "task": "apps.memories.tasks.flush_access_counts",
        "schedule": 15.0,
    },
    "mark-faq-candidates": {"task": "apps.pipeline.tasks.mark_faq_candidates", "schedule": 60.0},
    "requeue-stalled-batches": {
        "task": "apps.memories.tasks.requeue_stalled_batches",
        "schedule": 60.0,
    },
    "expire-gdpr-exports": {"task": "apps.privacy.tasks.expire_exports", "schedule": 600.0},
    "fail-stale-wiki-jobs": {"task": "apps.wiki.tasks.fail_stale_jobs", "schedule": 60.0},
    "requeue-queued-documents": {
        "task": "apps.multimodal.tasks.requeue_queued_documents",
        "schedule": 120.0,
    },
    # The console's daily rollup (apps.console): today's and yesterday's rows, idempotent.
    "rollup-usage": {"task": "apps.console.tasks.rollup_usage", "schedule": 300.0},
}
app.autodiscover_tasks()


@before_task_publish.connect
def stamp_sent_at(headers: dict | None = None, **_: object) -> None:
    """When a task was queued: the console shows the age of each queue's oldest waiting task."""
    if headers is not None:
        headers.setdefault("sent_at", time.time())
