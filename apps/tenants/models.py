from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from apps.core.tenancy import TenantOwnedModel

SCOPES = ("memory", "chat", "graph", "multimodal", "wiki", "faq", "security", "admin")
KEY_PREFIX = "mpk_"


class Tenant(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active"
        SUSPENDED = "suspended"

    slug = models.SlugField(max_length=63, unique=True)
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # Quotas and policies: rate_limit_per_minute, max_memories, language, ... (see README).
    settings = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class ApiKey(TenantOwnedModel):
    """An API key: `mpk_<prefix>_<secret>`. Only the prefix (for lookup) and an HMAC of the
    whole key are stored; the secret is shown once, when the key is made."""

    name = models.CharField(max_length=200, blank=True)
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    scopes = ArrayField(models.CharField(max_length=32), default=list, blank=True)
    is_platform_admin = models.BooleanField(
        default=False, help_text="May act on any tenant through the X-Tenant-ID header."
    )
    rate_limit_per_minute = models.PositiveIntegerField(
        null=True, blank=True, help_text="Overrides the tenant's limit for this key."
    )
    allowed_ips = ArrayField(
        models.CharField(max_length=64), default=list, blank=True,
        help_text="Addresses or CIDR ranges this key may be used from; empty: anywhere.",
    )  # fmt: skip
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "created_at"])]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name or 'key'} ({self.display_prefix})"

    # DRF treats the authenticated key as request.user.
    is_authenticated = True

    @property
    def display_prefix(self) -> str:
        return f"{KEY_PREFIX}{self.prefix}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    def has_scope(self, scope: str) -> bool:
        return self.is_platform_admin or "admin" in self.scopes or scope in self.scopes
