"""Failed tasks that name an end user (GDPR export and erasure). Task arguments are meant to be
ids only, but a failure's kwargs, exception or traceback may still carry a user id (a task that
takes one, an error message quoting a row): those records of the tenant are found and erased."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from celery import current_app
from django.db.models import QuerySet
from django.utils import timezone

from apps.core.models import FailedTask

_NAMES_USER = (
    "(kwargs->>'tenant_id') = %s AND (jsonb_path_exists(kwargs, '$.** ? (@ == $u)', "
    "jsonb_build_object('u', %s::text)) OR strpos(exception, %s) > 0 OR strpos(traceback, %s) > 0)"
)


def failed_tasks_naming_user(*, tenant_id: int, user_id: str) -> QuerySet[FailedTask]:
    params = [str(tenant_id), user_id, user_id, user_id]
    return FailedTask.objects.extra(where=[_NAMES_USER], params=params)  # noqa: S610  (constant SQL, parameterised)


def failed_tasks_export(*, tenant_id: int, user_id: str) -> Iterator[dict[str, Any]]:
    rows = failed_tasks_naming_user(tenant_id=tenant_id, user_id=user_id).order_by("created_at")
    yield from rows.values("task_name", "task_id", "kwargs", "exception", "created_at")


def failed_tasks_erase(*, tenant_id: int, user_id: str) -> int:
    return failed_tasks_naming_user(tenant_id=tenant_id, user_id=user_id).delete()[0]


# --- console: retry and discard ---------------------------------------------------------------


def failed_task_retry(*, failed: FailedTask) -> str:
    """Send the task again through Celery with its recorded arguments (routed to its queue by
    the task routes, like the first time), then mark the record. Tasks are idempotent by rule,
    so a second retry of the same record is harmless; the record keeps the latest send."""
    result = current_app.send_task(
        failed.task_name, args=list(failed.args), kwargs=dict(failed.kwargs)
    )
    FailedTask.objects.filter(pk=failed.pk).update(
        retried_at=timezone.now(), retry_task_id=str(result.id)
    )
    return str(result.id)


def failed_task_discard(*, failed: FailedTask) -> None:
    """Forget the failure (an operator looked at it and will not retry)."""
    FailedTask.objects.filter(pk=failed.pk).delete()
