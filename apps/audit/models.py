from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from apps.core.tenancy import TenantOwnedModel

GENESIS = "0" * 64  # prev_hash of a tenant's first event


class AuditEvent(TenantOwnedModel):
    """Append-only: the database refuses DELETE and every UPDATE but one (see migration 0004's
    trigger): the GDPR redaction, which blanks `end_user_id` and `target_id` and sets `redacted`.
    Never holds request bodies or memory text.

    Tamper-evident: each event carries `hash`, a SHA-256 over a canonical form of its fields and
    `prev_hash` (the hash of the tenant's previous event), so the events of a tenant form one chain
    in id order (apps.audit.chain). The canonical form holds the end user and the target only
    through their keyed hashes (`end_user_ref`, `target_ref`), which survive a redaction: the
    chain stays verifiable after an erasure and no longer names the user."""

    api_key_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=120)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=120, blank=True)
    end_user_id = models.CharField(max_length=200, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    status_code = models.PositiveSmallIntegerField()
    request_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)  # set before hashing
    end_user_ref = models.CharField(max_length=64, blank=True)  # HMAC(tenant, end_user_id)
    target_ref = models.CharField(max_length=64, blank=True)  # HMAC(tenant, target_id)
    redacted = models.BooleanField(default=False)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        # Every query is led by the tenant and reads newest first by id (the chain's order):
        # (tenant, id) finds a chain's head and pages unfiltered logs; one per filter besides.
        indexes = [
            models.Index(fields=["tenant", "created_at"]),
            models.Index(fields=["tenant", "id"], name="audit_tenant_id_idx"),
            models.Index(fields=["tenant", "end_user_ref", "id"], name="audit_tenant_user_idx"),
            models.Index(fields=["tenant", "action", "id"], name="audit_tenant_action_idx"),
            models.Index(fields=["tenant", "api_key_id", "id"], name="audit_tenant_key_idx"),
            models.Index(fields=["tenant", "status_code", "id"], name="audit_tenant_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.status_code} @ {self.created_at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)
