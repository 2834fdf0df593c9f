"""Privacy: GDPR requests (export and erasure) with their receipts, suppressions and consents.

An erased user's id must not survive anywhere in the database (tests/privacy scans every text and
JSON column for it), so the records that must outlive an erasure (its receipt, a suppression)
name the user by `subject`: an HMAC of the tenant and the user id under the platform's secret.
The same user id always gives the same subject, so a suppression can be checked on each add and
a receipt matched to a later request, but the id cannot be read back from it."""

from __future__ import annotations

import uuid

from django.db import models

from apps.core.models import WorkStatus
from apps.core.tenancy import TenantOwnedModel


class PrivacyRequest(TenantOwnedModel):
    """One export or erasure request. An export keeps `user_id` (the file is the user's data and
    is erased with it); an erasure keeps only `subject` and its receipt."""

    class Kind(models.TextChoices):
        EXPORT = "export"
        ERASURE = "erasure"

    class Status(models.TextChoices):
        QUEUED = WorkStatus.QUEUED
        RUNNING = WorkStatus.RUNNING
        DONE = WorkStatus.DONE
        FAILED = WorkStatus.FAILED
        PARTIAL = "partial"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    subject = models.CharField(max_length=64, db_index=True)
    user_id = models.CharField(max_length=200, blank=True, default="")  # exports only
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    dry_run = models.BooleanField(default=False)
    job_id = models.UUIDField(null=True, blank=True)  # progress, for work done by a worker
    counts = models.JSONField(default=dict, blank=True)  # {collection: rows}
    errors = models.JSONField(default=list, blank=True)  # ["<collection>: <error>"]
    receipt_hash = models.CharField(max_length=64, blank=True, default="")
    file_path = models.CharField(max_length=500, blank=True, default="")  # an export's zip
    file_sha256 = models.CharField(max_length=64, blank=True, default="")
    expires_at = models.DateTimeField(null=True, blank=True)  # the download's
    api_key_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.status} {self.id}"


class Suppression(TenantOwnedModel):
    """Adds for this subject are refused (403 `user_suppressed`) until the suppression is lifted."""

    subject = models.CharField(max_length=64)
    request_id = models.UUIDField(null=True, blank=True)  # the erasure that asked for it
    api_key_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "subject"],
                condition=models.Q(lifted_at__isnull=True),
                name="privacy_suppression_active_unique",
            )
        ]

    def __str__(self) -> str:
        return f"suppressed {self.subject[:12]}"


class Consent(TenantOwnedModel):
    """One grant or withdrawal. Rows are never changed: the user's current consent for a purpose
    is the latest row, and the rows before it are the history."""

    user_id = models.CharField(max_length=200)
    purpose = models.CharField(max_length=100)
    granted = models.BooleanField()
    policy_version = models.CharField(max_length=100, blank=True, default="")
    method = models.CharField(max_length=100, blank=True, default="api")  # how it was collected
    api_key_id = models.BigIntegerField(null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["tenant", "user_id", "purpose", "recorded_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.purpose} {'granted' if self.granted else 'withdrawn'}"
