"""A task that fails for good is logged and recorded in FailedTask (visible in the console)."""

from __future__ import annotations

import json
import logging
from typing import Any

from celery.signals import task_failure
from django.db import DatabaseError

from apps.core.models import FailedTask

logger = logging.getLogger("memplatform.tasks")


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
        return value
    except TypeError:
        return repr(value)


@task_failure.connect
def record_task_failure(
    sender: Any = None,
    task_id: str = "",
    exception: BaseException | None = None,
    args: Any = None,
    kwargs: Any = None,
    einfo: Any = None,
    **_: Any,
) -> None:
    name = getattr(sender, "name", str(sender))
    logger.error("task %s[%s] failed for good: %r", name, task_id, exception)
    try:
        FailedTask.objects.update_or_create(
            task_id=task_id,
            defaults={
                "task_name": name,
                "args": _jsonable(list(args or [])),
                "kwargs": _jsonable(dict(kwargs or {})),
                "exception": repr(exception)[:2000],
                "traceback": str(einfo or "")[-10000:],
            },
        )
    except DatabaseError:
        logger.exception("could not record failure of task %s[%s]", name, task_id)
