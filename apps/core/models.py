from __future__ import annotations

from django.db import models


class WorkStatus(models.TextChoices):
    """The life of any queued unit of work (add batches, jobs)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class FailedTask(models.Model):
    """A Celery task that failed for good (after its retries). Platform-level, not tenant-owned:
    arguments are ids only, never user content."""

    task_name = models.CharField(max_length=200, db_index=True)
    task_id = models.CharField(max_length=64, unique=True)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    exception = models.TextField()
    traceback = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Set when an operator re-sent the task from the console (apps.core.failed.failed_task_retry).
    retried_at = models.DateTimeField(null=True, blank=True)
    retry_task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.task_name} {self.task_id}"
