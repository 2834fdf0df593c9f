"""Reads of the memories app: `search` (hybrid search: pgvector and BM25 fused by reciprocal
rank) and `lists` (listing, history, messages, batches). Import from here."""

from apps.memories.selectors.lists import (
    batch_get,
    memories_by_kind,
    memory_by_tags,
    memory_history,
    memory_ids_live,
    memory_list,
    memory_segment_ids,
    message_list,
)
from apps.memories.selectors.search import Hit, SearchQuery, memory_search

__all__ = [
    "Hit",
    "SearchQuery",
    "batch_get",
    "memories_by_kind",
    "memory_by_tags",
    "memory_history",
    "memory_ids_live",
    "memory_list",
    "memory_search",
    "memory_segment_ids",
    "message_list",
]
