from __future__ import annotations

import uuid

from django.db import models
from pgvector.django import VectorField

from apps.core.tenancy import TenantOwnedModel
from apps.memories.models import Memory


class Segment(TenantOwnedModel):
    """A mid-term topic segment of one user's memories (after MemoryOS), with its heat:
    heat = alpha * visits + beta * size + gamma * exp(-hours since last visit / tau)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user_id = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True, default="")
    centroid = VectorField(null=True)
    size = models.PositiveIntegerField(default=0)  # memories in the segment
    length = models.PositiveIntegerField(default=0)  # characters: the interaction length
    visits = models.PositiveIntegerField(default=0)  # search hits and restatements
    last_visited_at = models.DateTimeField(null=True, blank=True)
    heat = models.FloatField(default=0.0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["tenant", "user_id", "heat"])]


class UserProfile(TenantOwnedModel):
    """The long-term tier: a user's profile and knowledge, rebuilt from the hottest segments."""

    user_id = models.CharField(max_length=200)
    profile = models.JSONField(default=dict, blank=True)
    knowledge = models.JSONField(default=list, blank=True)
    summary = models.TextField(blank=True, default="")
    source = models.CharField(max_length=16, default="rules")  # rules | llm
    heat = models.FloatField(default=0.0)  # the hottest segment's heat when it was built
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user_id"], name="pipeline_profile_unique")
        ]


class FaqEvent(TenantOwnedModel):
    """Promotion history: a memory moving between qa, faq_candidate and faq."""

    memory_id = models.UUIDField()
    question = models.TextField(blank=True, default="")
    from_kind = models.CharField(max_length=32)
    to_kind = models.CharField(max_length=32)
    reason = models.CharField(max_length=500, blank=True, default="")
    category = models.CharField(max_length=100, blank=True, default="")
    confidence = models.FloatField(null=True, blank=True)
    actor = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "FAQ event"


class FaqEntry(Memory):
    """The console's view of the question-and-answer memories (kinds qa, faq_candidate, faq):
    a proxy, no table of its own; they stay memories of the floor."""

    class Meta:
        proxy = True
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"
