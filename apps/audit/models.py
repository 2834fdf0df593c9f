from __future__ import annotations

from typing import Any

from django.db import models

from apps.core.tenancy import TenantOwnedModel


class AuditEvent(TenantOwnedModel):
    """Append-only: the database refuses UPDATE and DELETE (see the migration's trigger).
    Never holds request bodies or memory text."""

    api_key_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=120)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=120, blank=True)
    end_user_id = models.CharField(max_length=200, blank=True, db_index=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    status_code = models.PositiveSmallIntegerField()
    request_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "created_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.status_code} @ {self.created_at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)
