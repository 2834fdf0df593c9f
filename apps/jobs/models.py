from __future__ import annotations

import uuid

from django.db import models

from apps.core.models import WorkStatus
from apps.core.tenancy import TenantOwnedModel


class Job(TenantOwnedModel):
    """Long work (re-embedding, imports, benchmarks, wiki builds) with a progress figure."""

    Status = WorkStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.status} {self.percent}%"

    @property
    def percent(self) -> float:
        if self.status == self.Status.DONE:
            return 100.0
        return round(100.0 * self.done / self.total, 1) if self.total else 0.0
