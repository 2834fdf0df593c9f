from __future__ import annotations

from celery import shared_task

from apps.console.services import usage_rollup


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180, ignore_result=True)
def rollup_usage() -> int:
    """Periodic (beat): refreshes today's and yesterday's DailyUsage rows (idempotent)."""
    return usage_rollup()
