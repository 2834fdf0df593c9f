"""Memory writes: the inputs, keyword statistics, create / update / delete with versions, and
the bookkeeping writes the apps above the floor make on a memory (through these, never on the
rows)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from apps.core.errors import NotFound
from apps.memories import registry, text
from apps.memories.embeddings import get_embedder, get_second_embedder, use_binary_vectors
from apps.memories.models import Memory, MemoryVersion, Message, TermStat
from apps.tenants.models import Tenant


@dataclass
class MessageIn:
    role: str
    content: str
    timestamp: datetime | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    # Parsed non-text parts [(handler name, parsed part)], stored by their handler with the turn.
    parts: list[tuple[str, Any]] = field(default_factory=list)


@dataclass
class MemoryIn:
    value: str
    key: str = ""
    memory_type: str = Memory.Type.LONG_TERM
    tags: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    confidence: float = 1.0
    sources: list[dict[str, Any]] = field(default_factory=list)
    occurred_at: datetime | None = None
    context: str = ""  # what the embedding sees before the value (e.g. the previous turn)
    kind: str = ""  # see Memory.kind
    slot: str = ""


@dataclass
class Scope:
    user_id: str
    agent_id: str = ""
    conversation_id: str = ""


# --- keyword statistics (BM25) ----------------------------------------------------------------


def _term_deltas(values: list[str], sign: int) -> tuple[Counter, int, int]:
    df: Counter = Counter()
    total = 0
    for value in values:
        tokens = text.lexemes(value)
        df.update(set(tokens))
        total += len(tokens)
    return Counter({t: sign * n for t, n in df.items()}), sign * len(values), sign * total


def term_stats_apply(*, tenant_id: int, user_id: str, added: list[str], removed: list[str]) -> None:
    plus, docs_plus, len_plus = _term_deltas(added, 1)
    minus, docs_minus, len_minus = _term_deltas(removed, -1)
    plus.update(minus)
    rows = [(t, n, 0) for t, n in sorted(plus.items()) if n]
    rows.insert(0, ("", docs_plus + docs_minus, len_plus + len_minus))
    if not any(n or total for _, n, total in rows):
        return
    placeholders = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    params: list[Any] = []
    for term, n, total in rows:
        params += [tenant_id, user_id, term, n, total]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {TermStat._meta.db_table} (tenant_id, user_id, term, df, total_length)
            VALUES {placeholders}
            ON CONFLICT (tenant_id, user_id, term) DO UPDATE
            SET df = {TermStat._meta.db_table}.df + EXCLUDED.df,
                total_length = {TermStat._meta.db_table}.total_length + EXCLUDED.total_length
            """,
            params,
        )


def message_source(message: Message) -> dict[str, Any]:
    return {"message_id": message.pk, "role": message.role, "metadata": message.metadata}


# --- memories -------------------------------------------------------------------------------


CONTEXT_MAX_CHARS = 1000


def embedding_text(value: str, context: str) -> str:
    """What the embedding and the keyword index see: the context (previous turn), then the value."""
    return f"{context[-CONTEXT_MAX_CHARS:]}\n{value}" if context else value


def time_anchor_text(moment: datetime | None) -> str:
    """A memory's date in words, English and Chinese ("30 August 2023 2023年8月30日"), so that
    "what did I do in August 2023?" or "2023年8月" finds it by keyword."""
    if moment is None:
        return ""
    return f"{moment.day} {moment:%B} {moment.year} {moment.year}年{moment.month}月{moment.day}日"


def index_text(memory: Memory) -> str:
    """What the keyword index sees: the context and value, then the memory's date."""
    anchor = time_anchor_text(memory.occurred_at)
    body = embedding_text(memory.value, memory.embed_context)
    return f"{body}\n{anchor}" if anchor else body


def embed_texts(values: list[str]) -> list[Any]:
    """Document embeddings of `values` (for callers that compare before they write)."""
    return _embed(values)[0] if values else []


def _embed(values: list[str]) -> tuple[list[Any], str]:
    use_binary_vectors()
    embedder = get_embedder()
    return list(embedder.embed_documents(values)), embedder.name


def embed_second(values: list[str]) -> tuple[list[Any], str]:
    """The second embedder's vectors of `values` (Nones and "" when it is off)."""
    second = get_second_embedder()
    if second is None or not values:
        return [None] * len(values), ""
    use_binary_vectors()
    return list(second.embed_documents(values)), second.name


EMBED_CHUNK = 64


def memories_create(
    *,
    tenant: Tenant,
    scope: Scope,
    items: list[MemoryIn],
    actor: str,
    on_progress: Callable[[int], None] | None = None,
    vectors: list[Any] | None = None,
) -> list[Memory]:
    """Create memories with their embeddings, keyword index, statistics and ADD versions.
    Embeds in chunks (reporting progress) unless `vectors` are given, then writes everything in
    one transaction."""
    if not items:
        return []
    model_name = get_embedder().name
    if vectors is None:
        texts = [embedding_text(item.value, item.context) for item in items]
        vectors = []
        for start in range(0, len(texts), EMBED_CHUNK):
            chunk, model_name = _embed(texts[start : start + EMBED_CHUNK])
            vectors += chunk
            if on_progress:
                on_progress(len(vectors))
    else:
        use_binary_vectors()
    # The second vector is of the value alone: a signal free of borrowed context (search's
    # owners-before-borrowers rule), and LoCoMo ranked better with it (docs/benchmarks.md).
    seconds, second_name = embed_second([item.value for item in items])
    with transaction.atomic():
        memories = Memory.objects.bulk_create(
            [
                Memory(
                    tenant=tenant,
                    user_id=scope.user_id,
                    agent_id=scope.agent_id,
                    conversation_id=scope.conversation_id,
                    memory_type=item.memory_type,
                    key=item.key[:200],
                    value=item.value,
                    tags=item.tags,
                    metadata=item.metadata,
                    confidence=item.confidence,
                    sources=item.sources,
                    embedding=vector,
                    embedding_model=model_name,
                    embedding_second=second,
                    embedding_second_model=second_name,
                    embed_context=item.context[-CONTEXT_MAX_CHARS:],
                    occurred_at=item.occurred_at,
                    kind=item.kind,
                    slot=item.slot[:120],
                )
                for item, vector, second in zip(items, vectors, seconds, strict=True)
            ]
        )
        search_vectors_write(memories)
        MemoryVersion.objects.bulk_create(
            [
                MemoryVersion(
                    tenant=tenant, memory=m, version=1, event="ADD", new_value=m.value, actor=actor
                )
                for m in memories
            ]
        )
        term_stats_apply(
            tenant_id=tenant.pk,
            user_id=scope.user_id,
            added=[index_text(m) for m in memories],
            removed=[],
        )
    return memories


def search_vectors_write(memories: list[Memory]) -> None:
    rows = []
    for memory in memories:
        literal, length = text.tsvector_literal(index_text(memory))
        memory.search_length = length
        rows.append((literal, length, memory.tenant_id, memory.pk))
    with connection.cursor() as cursor:  # the tenant condition too: defence in depth
        cursor.executemany(
            f"UPDATE {Memory._meta.db_table} SET search_vector = %s::tsvector, search_length = %s "
            "WHERE tenant_id = %s AND id = %s",
            rows,
        )


def memory_get(*, tenant: Tenant, memory_id: str, user_id: str | None = None) -> Memory:
    """A live memory of `tenant` (and of `user_id`, when given), else NotFound."""
    queryset = Memory.objects.filter(tenant=tenant, pk=memory_id)
    if user_id is not None:
        queryset = queryset.filter(user_id=user_id)
    memory = queryset.exclude(status=Memory.Status.DELETED).first()
    if memory is None:
        raise NotFound("Memory not found.", code="memory_not_found")
    return memory


def memories_get(*, tenant: Tenant, memory_ids: list[str]) -> list[Memory]:
    """Live memories of `tenant`, once each, in the order asked, in one query; NotFound naming
    the first id that is not one (so a batch is checked whole before anything changes)."""
    wanted = list(dict.fromkeys(memory_ids))
    rows = Memory.objects.filter(tenant=tenant, pk__in=wanted).exclude(status=Memory.Status.DELETED)
    found = {str(m.pk): m for m in rows}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise NotFound(f"Memory {missing[0]} not found.", code="memory_not_found")
    return [found[i] for i in wanted]


def memory_update(
    *,
    tenant: Tenant,
    memory_id: str,
    actor: str,
    value: str | None = None,
    metadata: dict[str, Any] | None = None,
    tags: list[str] | None = None,
    tag_mode: str = "set",
    key: str | None = None,
    memory_type: str | None = None,
    replace_metadata: bool = False,
    user_id: str | None = None,
) -> Memory:
    """Change a memory; every call records a version. `tag_mode` add/remove/set applies `tags`
    to the row as locked, so concurrent tag changes do not overwrite each other. A change of a
    user's memory is a "store" for the processing gates (consent, suppression): refused, it
    changes nothing."""
    with transaction.atomic():
        memory = memory_get(tenant=tenant, memory_id=memory_id, user_id=user_id)
        if memory.user_id:  # not tenant knowledge (FAQ), which belongs to no end user
            registry.processing_check(tenant=tenant, user_id=memory.user_id, activity="store")
        memory = Memory.objects.select_for_update().get(pk=memory.pk)
        old_value = memory.value
        old_index = index_text(memory)
        if metadata is not None:
            memory.metadata = metadata if replace_metadata else {**memory.metadata, **metadata}
        if tags is not None:
            memory.tags = _tags_changed(memory.tags, tags, tag_mode)
        if key is not None:
            memory.key = key[:200]
        if memory_type is not None:
            memory.memory_type = memory_type
        changed_text = value is not None and value != old_value
        if changed_text:
            memory.value = value
            [vector], memory.embedding_model = _embed([embedding_text(value, memory.embed_context)])
            memory.embedding = vector
            [memory.embedding_second], memory.embedding_second_model = embed_second([value])
        memory.version += 1
        memory.save()
        if changed_text:
            search_vectors_write([memory])
            term_stats_apply(
                tenant_id=tenant.pk,
                user_id=memory.user_id,
                added=[index_text(memory)],
                removed=[old_index],
            )
        MemoryVersion.objects.create(
            tenant=tenant,
            memory=memory,
            version=memory.version,
            event="UPDATE",
            old_value=old_value,
            new_value=memory.value,
            actor=actor,
        )
    return memory


def _tags_changed(current: list[str], tags: list[str], mode: str) -> list[str]:
    if mode == "add":
        return list(dict.fromkeys([*current, *tags]))
    if mode == "remove":
        return [t for t in current if t not in set(tags)]
    return tags


def memories_delete(*, tenant: Tenant, memories: list[Memory], actor: str) -> int:
    """Soft-delete: status `deleted`, a DELETE version, out of search and statistics."""
    if not memories:
        return 0
    with transaction.atomic():
        ids = [m.pk for m in memories]
        locked = list(
            Memory.objects.select_for_update()
            .filter(pk__in=ids)
            .exclude(status=Memory.Status.DELETED)
        )
        now = timezone.now()
        for memory in locked:
            memory.status = Memory.Status.DELETED
            memory.version += 1
            memory.updated_at = now
        Memory.objects.bulk_update(locked, ["status", "version", "updated_at"])
        MemoryVersion.objects.bulk_create(
            [
                MemoryVersion(
                    tenant=tenant,
                    memory=m,
                    version=m.version,
                    event="DELETE",
                    old_value=m.value,
                    new_value=None,
                    actor=actor,
                )
                for m in locked
            ]
        )
        by_user: dict[str, list[str]] = {}
        for memory in locked:
            by_user.setdefault(memory.user_id, []).append(index_text(memory))
        for user_id, values in by_user.items():
            term_stats_apply(tenant_id=tenant.pk, user_id=user_id, added=[], removed=values)
        # What was derived from them (graph edges) is retracted in the same transaction.
        registry.memories_removed(
            tenant=tenant, memory_ids=[str(m.pk) for m in locked], erase=False
        )
    return len(locked)


def memory_delete(*, tenant: Tenant, memory_id: str, actor: str) -> None:
    memories_delete(
        tenant=tenant, memories=[memory_get(tenant=tenant, memory_id=memory_id)], actor=actor
    )


def user_memories_delete(*, tenant: Tenant, user_id: str, actor: str) -> int:
    """Soft-delete every active memory of one end user; how many were."""
    active = Memory.objects.filter(tenant=tenant, user_id=user_id, status=Memory.Status.ACTIVATED)
    return memories_delete(tenant=tenant, memories=list(active.only("id")), actor=actor)


# --- derived-memory writes: what the apps above the floor change on a memory -----------------
# The pipeline (and later the graph) never writes Memory rows itself; it calls these. They
# change bookkeeping fields only (no text, so no embedding, keyword index or version), each in
# one UPDATE filtered by the tenant as well as the id.


def memories_mention(
    *, tenant: Tenant, memory_ids: Sequence[str | UUID], touch: bool = False
) -> int:
    """Count one more mention of each memory (a fact stated again, a question asked again; heat
    input). `touch` also marks them updated now (a restated fact is current again)."""
    fields: dict[str, Any] = {"mentions": F("mentions") + 1}
    if touch:
        fields["updated_at"] = timezone.now()
    return Memory.objects.filter(tenant=tenant, pk__in=list(memory_ids)).update(**fields)


def memory_kind_set(
    *,
    tenant: Tenant,
    memory_id: str | UUID,
    kind: str,
    from_kinds: Sequence[str] | None = None,
) -> bool:
    """Change a memory's kind (qa -> faq_candidate -> faq and back); with `from_kinds`, only
    from one of those. True when the memory changed."""
    queryset = Memory.objects.filter(tenant=tenant, pk=memory_id)
    if from_kinds is not None:
        queryset = queryset.filter(kind__in=list(from_kinds))
    return bool(queryset.update(kind=kind))


def memories_segment_set(
    *, tenant: Tenant, memory_ids: Sequence[str | UUID], segment_id: str | UUID | None
) -> int:
    """Put memories into a topic segment (apps.pipeline.tiers), or take them out with None."""
    return Memory.objects.filter(tenant=tenant, pk__in=list(memory_ids)).update(
        segment_id=segment_id
    )


def memory_facts_set(
    *,
    tenant: Tenant,
    memory_id: str | UUID,
    kind: str,
    slot: str,
    sources: list[dict[str, Any]],
    occurred_at: datetime | None,
) -> bool:
    """Set what reconciliation knows about a fact it updated: its kind, slot, source turns and
    when it happened (the text itself changes through `memory_update`, with a version)."""
    return bool(
        Memory.objects.filter(tenant=tenant, pk=memory_id).update(
            kind=kind, slot=slot[:120], sources=sources, occurred_at=occurred_at
        )
    )
