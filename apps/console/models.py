"""The console's per-tenant, per-day figures, kept by the rollup task (apps.console.tasks).

Not tenant-owned (TenantOwnedModel) on purpose: the console reads it across tenants, and a row
with no tenant holds the API requests that never reached one (no key, an unknown key). Only
counts are stored, no end user's data."""

from __future__ import annotations

from django.db import models


class DailyUsage(models.Model):
    tenant = models.ForeignKey(
        "tenants.Tenant", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    day = models.DateField()
    requests = models.PositiveBigIntegerField(default=0)
    errors_4xx = models.PositiveBigIntegerField(default=0)
    errors_5xx = models.PositiveBigIntegerField(default=0)
    # Upper bounds of the latency histogram's buckets (apps.core.usage.LATENCY_BUCKETS_MS).
    p50_ms = models.FloatField(null=True, blank=True)
    p95_ms = models.FloatField(null=True, blank=True)
    latency_buckets = models.JSONField(default=list, blank=True)
    memories_added = models.PositiveBigIntegerField(default=0)
    messages_added = models.PositiveBigIntegerField(default=0)
    batches_failed = models.PositiveBigIntegerField(default=0)
    llm_calls = models.PositiveBigIntegerField(default=0)
    llm_tokens = models.PositiveBigIntegerField(default=0)
    embedding_calls = models.PositiveBigIntegerField(default=0)
    embedding_texts = models.PositiveBigIntegerField(default=0)
    embedding_tokens = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "daily usage"
        verbose_name_plural = "daily usage"
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "day"], name="console_usage_day_unique", nulls_distinct=False
            )
        ]
        indexes = [models.Index(fields=["day"], name="console_usage_day_idx")]

    def __str__(self) -> str:
        return f"{self.tenant_id or '-'} {self.day}"
