"""Multimodal items: one stored message of text, image and audio parts.

A part's embedding arrives from the client (the platform embeds no images or audio). Each
modality has its own halfvec column with its own HNSW index; their dimensions follow
MULTIMODAL_IMAGE_DIM / MULTIMODAL_AUDIO_DIM (set by migration 0001, checked at start by
apps.multimodal.checks), so the model declares no dimension. An item holds at most one image and
one audio embedding; `parts` keeps every part's caption, URL and object in the order sent.
"""

from __future__ import annotations

import uuid

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from pgvector.django import HalfVectorField

from apps.core.tenancy import TenantOwnedModel

MODALITIES = ("image", "audio")


class MultimodalItem(TenantOwnedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user_id = models.CharField(max_length=200)
    role = models.CharField(max_length=16, default="user")
    # The text parts joined by newlines, and every caption: what /search looks in.
    text = models.TextField(blank=True, default="")
    captions = models.TextField(blank=True, default="")
    # [{"type": "text"|"image"|"audio", "text"?, "caption"?, "url"?, "object"?: sha256}]
    parts = models.JSONField(default=list)
    image_embedding = HalfVectorField(null=True)
    audio_embedding = HalfVectorField(null=True)
    search_vector = SearchVectorField(null=True)
    # The add turn this item came with (mem0 image_url parts), or null for /v1/multimodal/store.
    message_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "user_id", "created_at"], name="mm_item_user_idx"),
            GinIndex(fields=["search_vector"], name="mm_item_search_gin"),
        ]


class MultimodalObject(TenantOwnedModel):
    """A part's payload (a decoded base64 `data` or data: URL): bytes in PostgreSQL, so that it
    is written and erased in the same transaction as its item and is never on a served path."""

    item = models.ForeignKey(MultimodalItem, on_delete=models.CASCADE, related_name="objects_set")
    user_id = models.CharField(max_length=200)
    part = models.PositiveSmallIntegerField()  # the part's index in the item's contents
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100, default="application/octet-stream")
    size = models.PositiveIntegerField()
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "part"], name="mm_object_item_part_unique")
        ]
        indexes = [models.Index(fields=["tenant", "user_id"], name="mm_object_user_idx")]


class Document(TenantOwnedModel):
    """A document part of an add's turn (mem0's pdf_url / mdx_url / txt_url): the bytes as sent or
    fetched, kept as the source of the memories its text was cut into (each memory's metadata
    names this document, its pages and its chunk index). Bytes in PostgreSQL, as objects are."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user_id = models.CharField(max_length=200)
    message_id = models.BigIntegerField(null=True, blank=True)  # the add turn it came with
    kind = models.CharField(max_length=8)  # pdf | mdx | txt
    url = models.CharField(max_length=2048, blank=True, default="")  # fetched from, else ""
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100, default="application/octet-stream")
    size = models.PositiveIntegerField()
    data = models.BinaryField()
    pages = models.PositiveIntegerField(default=1)
    chars = models.PositiveIntegerField(default=0)
    chunks = models.PositiveIntegerField(default=0)
    # done: its memories exist; queued: a big document, cut into memories by a task after the
    # add (apps.multimodal.tasks.chunk_document); refused: a processing gate refused it meanwhile
    status = models.CharField(max_length=16, default="done")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["tenant", "user_id", "created_at"], name="mm_doc_user_idx")]
