"""The knowledge graph: entities, relations between them with their validity and their sources,
and the merges of entities (recorded so that they can be undone).

An entity belongs to a tenant and, optionally, to one end user (`user_id`, "" for tenant-wide
knowledge). A relation is never deleted by a contradiction: a newer single-valued fact closes
the older edge's validity (`valid_to`). `invalidated_at` is set when every memory an edge came
from was deleted or archived (retraction); erasure deletes the rows.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.core.tenancy import TenantOwnedModel

# A newer edge of one of these for the same subject closes the older one.
SINGLE_VALUED = frozenset({"lives_in", "works_at", "married_to", "born_in"})
PREDICATES = (
    "works_at", "has_role", "lives_in", "born_in", "married_to", "parent_of", "child_of",
    "sibling_of", "friend_of", "likes", "owns", "studied_at", "member_of", "located_in",
    "attended", "does",
)  # fmt: skip


class Entity(TenantOwnedModel):
    user_id = models.CharField(max_length=200, blank=True, default="")
    name = models.CharField(max_length=200, help_text="canonical label")
    key = models.CharField(max_length=200, help_text="normalised name: the lookup key")
    entity_type = models.CharField(max_length=40, default="Thing")
    aliases = ArrayField(models.CharField(max_length=200), blank=True, default=list)
    alias_keys = ArrayField(models.CharField(max_length=200), blank=True, default=list)
    # pg_trgm's trigrams of the key (Latin names only), so that similar names are found through
    # a GIN index without the pg_trgm extension (the embedded PostgreSQL has no contrib).
    trigrams = ArrayField(models.CharField(max_length=3), blank=True, default=list)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "key"], name="graph_entity_key_idx"),
            GinIndex(fields=["alias_keys"], name="graph_entity_alias_gin"),
            GinIndex(fields=["trigrams"], name="graph_entity_trigram_gin"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "user_id", "key"],
                condition=Q(merged_into__isnull=True),
                name="graph_entity_unique_key",
            )
        ]
        verbose_name_plural = "entities"

    def __str__(self) -> str:
        return f"{self.name} ({self.entity_type})"


class Relation(TenantOwnedModel):
    user_id = models.CharField(max_length=200, blank=True, default="")
    subject = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    predicate = models.CharField(max_length=40)
    object = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    confidence = models.FloatField(default=1.0)
    valid_from = models.DateTimeField(default=timezone.now)
    valid_to = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    invalidated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "subject", "predicate"], name="graph_rel_subject_idx"),
            models.Index(fields=["tenant", "object"], name="graph_rel_object_idx"),
            models.Index(fields=["tenant", "user_id", "recorded_at"], name="graph_rel_user_idx"),
        ]
        # One current edge per fact: two stores of the same triple at once (two workers, or a
        # request and a worker) cannot both insert one; the loser takes the winner's edge
        # (services._relation_store).
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "user_id", "subject", "predicate", "object"],
                condition=Q(valid_to__isnull=True, invalidated_at__isnull=True),
                name="graph_relation_one_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.predicate} {self.object_id}"

    @property
    def current(self) -> bool:
        return self.valid_to is None and self.invalidated_at is None


class RelationSource(TenantOwnedModel):
    """Where an edge came from: a memory, a message, or both. A memory's removal finds its
    edges through the index on `memory_id`."""

    relation = models.ForeignKey(Relation, on_delete=models.CASCADE, related_name="sources")
    memory_id = models.UUIDField(null=True, blank=True)
    message_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["tenant", "memory_id"], name="graph_source_memory_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["relation", "memory_id", "message_id"],
                name="graph_source_unique",
                nulls_distinct=False,
            )
        ]


class EntityMerge(TenantOwnedModel):
    """`entity` was merged into `into`: its aliases moved, its edges repointed. Undo reverses
    exactly what is recorded here."""

    user_id = models.CharField(max_length=200, blank=True, default="")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    into = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    aliases_moved = ArrayField(models.CharField(max_length=200), blank=True, default=list)
    subject_relation_ids = ArrayField(models.BigIntegerField(), blank=True, default=list)
    object_relation_ids = ArrayField(models.BigIntegerField(), blank=True, default=list)
    # repointed edges that would have repeated a current edge of `into` (one current edge per
    # fact): retracted at the merge's time, current again on undo
    collapsed_relation_ids = ArrayField(models.BigIntegerField(), blank=True, default=list)
    actor = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["tenant", "user_id"], name="graph_merge_user_idx")]

    def __str__(self) -> str:
        return f"merge {self.entity_id} -> {self.into_id}"
