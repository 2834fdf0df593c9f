"""Tasks loaded only by the test worker (`--include tests.worker_tasks`)."""

from __future__ import annotations

from celery import shared_task

from apps.core.tenancy import tenant_scope
from apps.tenants.models import ApiKey


@shared_task(name="tests.count_keys", acks_late=True)
def count_keys(tenant_id: int) -> int:
    with tenant_scope(tenant_id):
        return ApiKey.objects.count()


@shared_task(name="tests.always_fails", acks_late=True)
def always_fails(tenant_id: int) -> None:
    raise ValueError("this task always fails")


# An unordered stage (apps.memories.registry) the test worker knows; tests register it in their
# own process too, so that the add dispatches it. It leaves a Redis key the test can read.
STAGE_KEY = "tests:stage:{batch_id}"


def record_stage(stage_input) -> None:
    from apps.core.ratelimit import redis_client

    key = STAGE_KEY.format(batch_id=stage_input.batch.pk)
    redis_client().set(key, ",".join(t.value for t in stage_input.turns), ex=300)


def register_test_stage() -> None:
    from apps.memories.registry import Stage, stage_register

    stage_register(Stage(name="test-unordered", run=record_stage, queue="graph", ordered=False))


register_test_stage()
