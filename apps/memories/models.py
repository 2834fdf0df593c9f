from __future__ import annotations

import uuid

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from pgvector.django import HalfVectorField, HnswIndex

from apps.core.models import WorkStatus
from apps.core.tenancy import TenantOwnedModel

# The vector column's dimension is not part of the model: migration 0003 sets it from the
# embedding backend, `manage.py reembed --resize` changes it, checks.py compares it at start.


class Role(models.TextChoices):
    USER = "user"
    ASSISTANT = "assistant"
    SYSTEM = "system"


class AddBatch(TenantOwnedModel):
    """One `add` call: its idempotency key (event_id), status and answer."""

    Status = WorkStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event_id = models.CharField(max_length=200, null=True, blank=True)
    # SHA-256 of what the add asked for (scope, messages, options): an event_id reused with a
    # different request is refused (409), as Stripe does with idempotency keys.
    request_hash = models.CharField(max_length=64, blank=True, default="")
    user_id = models.CharField(max_length=200, db_index=True)
    infer = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    message_count = models.PositiveIntegerField(default=0)
    memory_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # With infer: which extractor ran ("rules", "llm", or "rules (llm failed: ...)") and the
    # reconciliation decisions [{event, memory_id, value, reason}].
    extractor = models.CharField(max_length=300, blank=True, default="")
    decisions = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "event_id"],
                condition=models.Q(event_id__isnull=False),
                name="memories_batch_event_unique",
            )
        ]
        # The console's daily rollup counts a day's failed batches per tenant (selectors.daily).
        indexes = [models.Index(fields=["tenant", "status", "created_at"], name="batch_day_idx")]


class Message(TenantOwnedModel):
    """A raw conversation turn. Kept whatever happens to extraction."""

    batch = models.ForeignKey(AddBatch, on_delete=models.SET_NULL, null=True, related_name="+")
    user_id = models.CharField(max_length=200)
    agent_id = models.CharField(max_length=200, blank=True, default="")
    conversation_id = models.CharField(max_length=200, blank=True, default="")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.USER)
    content = models.TextField()
    timestamp = models.DateTimeField()
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "user_id", "conversation_id", "timestamp"]),
            # The console's daily rollup counts a day's messages per tenant (selectors.daily).
            models.Index(fields=["tenant", "created_at"], name="message_day_idx"),
        ]


class Memory(TenantOwnedModel):
    class Type(models.TextChoices):
        WORKING = "WorkingMemory"
        LONG_TERM = "LongTermMemory"
        USER = "UserMemory"

    class Status(models.TextChoices):
        ACTIVATED = "activated"
        ARCHIVED = "archived"
        DELETED = "deleted"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user_id = models.CharField(max_length=200)
    agent_id = models.CharField(max_length=200, blank=True, default="")
    conversation_id = models.CharField(max_length=200, blank=True, default="")
    memory_type = models.CharField(max_length=32, choices=Type.choices, default=Type.LONG_TERM)
    key = models.CharField(max_length=200, blank=True, default="")
    value = models.TextField()
    # What the pipeline made this from: "turn" (a message kept as-is), a fact kind ("place",
    # "preference", "event", ... see apps.pipeline.extraction.rules.KINDS), "qa" / "faq_candidate"
    # / "faq" (a question and its answer), or "" (written through the API or imported).
    kind = models.CharField(max_length=32, blank=True, default="")
    # The attribute a fact fills ("place:home", "taste:coffee"): reconciliation's key.
    slot = models.CharField(max_length=120, blank=True, default="")
    # How often the same fact was stated again (NOOP) or a question asked again; heat input.
    mentions = models.PositiveIntegerField(default=1)
    # Its mid-term topic segment (apps.pipeline), which carries the heat.
    segment = models.ForeignKey(
        "pipeline.Segment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tags = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    confidence = models.FloatField(default=1.0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVATED)
    version = models.PositiveIntegerField(default=1)
    # [{"message_id": ..., "role": ..., "metadata": {...}}]: the turns this memory came from
    sources = models.JSONField(default=list, blank=True)
    # Half precision: half the storage and scan cost of float32 for the same ranking (cosine
    # agrees to ~1e-3). The dimension follows EMBEDDING_BACKEND (migration 0003, `reembed
    # --resize`); besides the HNSW index below, apps.memories.maintenance keeps a covering index
    # of each user's vectors for exact scans of a user's scope.
    embedding = HalfVectorField(null=True)
    # What the embedding saw besides the value: the turn before it in the conversation, so a
    # reply ("Yes, last May") is found by the question it answers. Kept to re-embed the same.
    embed_context = models.TextField(blank=True, default="")
    embedding_model = models.CharField(max_length=100, blank=True, default="")
    # The same text by the second packaged embedder (settings.SECOND_EMBEDDING_BACKEND), whose
    # ranking search fuses with the first's for dialogue queries. Its dimension follows that
    # setting (migration 0012, `reembed --resize`); null when it is off.
    embedding_second = HalfVectorField(null=True)
    embedding_second_model = models.CharField(max_length=100, blank=True, default="")
    search_vector = SearchVectorField(null=True)
    search_length = models.PositiveIntegerField(default=0)
    occurred_at = models.DateTimeField(null=True, blank=True)
    # Search hits count as accesses (flushed from Redis by a periodic task; feeds heat).
    access_count = models.PositiveIntegerField(default=0)
    last_accessed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # The console shows a memory's text only to those granted this (superusers have it);
        # support staff see "(hidden)" (apps/memories/admin.py).
        verbose_name_plural = "memories"
        permissions = [("view_memory_text", "Can view the text of memories")]
        indexes = [
            models.Index(fields=["tenant", "user_id", "status", "created_at"]),
            models.Index(fields=["tenant", "status", "created_at"]),
            models.Index(fields=["tenant", "user_id", "slot"], name="memories_slot_idx"),
            models.Index(fields=["tenant", "kind"], name="memories_kind_idx"),
            HnswIndex(
                name="memories_embedding_hnsw",
                fields=["embedding"],
                m=16,
                ef_construction=64,
                opclasses=["halfvec_cosine_ops"],
            ),
            GinIndex(fields=["search_vector"], name="memories_search_gin"),
            GinIndex(
                fields=["metadata"], name="memories_metadata_gin", opclasses=["jsonb_path_ops"]
            ),
            GinIndex(fields=["tags"], name="memories_tags_gin"),
        ]


class MemoryVersion(TenantOwnedModel):
    class Event(models.TextChoices):
        ADD = "ADD"
        UPDATE = "UPDATE"
        DELETE = "DELETE"

    memory = models.ForeignKey(Memory, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    event = models.CharField(max_length=8, choices=Event.choices)
    old_value = models.TextField(null=True, blank=True)
    new_value = models.TextField(null=True, blank=True)
    actor = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["memory", "version"]

    def __str__(self) -> str:  # no text: the console's support role may not read it
        return f"version {self.version} ({self.event.lower()})"


class TermStat(TenantOwnedModel):
    """Document frequency of a lexeme among one user's active memories (for BM25's IDF).
    The row with term '' holds the user's document count (df) and total length."""

    user_id = models.CharField(max_length=200)
    term = models.CharField(max_length=64)
    df = models.IntegerField(default=0)
    total_length = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "user_id", "term"], name="memories_termstat_unique"
            )
        ]


class ImportStage(TenantOwnedModel):
    """The validated rows of an async import while its job waits for a worker. Tasks take ids
    only: the task gets the job's id and reads the rows here, so user content never sits in the
    queue or, when the task fails, in FailedTask. Deleted when the job finishes, either way."""

    job = models.OneToOneField(
        "jobs.Job", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    actor = models.CharField(max_length=100, blank=True)
    # One object per memory: the MemoryIn fields an import sets (value, key, memory_type, tags,
    # metadata, confidence, sources).
    rows = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
