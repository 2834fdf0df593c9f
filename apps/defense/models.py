"""Bans and whitelist entries kept in PostgreSQL: every manual rule, and the permanent bans the
automatic defence escalates to (so that a Redis flush lifts none of them). Temporary automatic
bans live in Redis only, with their TTL (apps.defense.guard).

Not a TenantOwnedModel on purpose: a rule with no tenant is platform-wide, and the rules are
read all at once, for every tenant, by the request guard before any tenant is known. Every
management query names its level explicitly (`tenant=<tenant>` or `tenant=None`) in
services.py and selectors.py."""

from __future__ import annotations

from django.db import models


class IpRule(models.Model):
    class Kind(models.TextChoices):
        BAN = "ban"
        ALLOW = "allow"

    class Source(models.TextChoices):
        MANUAL = "manual"
        AUTO = "auto"

    tenant = models.ForeignKey(
        "tenants.Tenant", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text="Empty: platform-wide. Else it applies to requests with this tenant's keys.",
    )  # fmt: skip
    kind = models.CharField(max_length=8, choices=Kind.choices)
    network = models.CharField(max_length=64, help_text="Normalised CIDR (an address is /32).")
    reason = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.MANUAL)
    created_by = models.CharField(max_length=200, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: permanent.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "kind", "network"],
                name="defense_rule_unique_per_level",
                nulls_distinct=False,
            )
        ]
        verbose_name = "IP rule"

    def __str__(self) -> str:
        level = f"tenant {self.tenant_id}" if self.tenant_id else "platform"
        return f"{self.kind} {self.network} ({level})"
