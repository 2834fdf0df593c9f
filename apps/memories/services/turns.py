"""Turns: each message of an add is kept as a memory of kind "turn", embedded with the turn before
it (its neighbour) as context; a statement made again becomes a mention of the turn that made it
first (issue 11, "one answer per fact")."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import F, JSONField, Q, Value
from django.db.models.expressions import CombinedExpression

from apps.memories import text
from apps.memories.models import AddBatch, Memory, Message
from apps.memories.services.memories import (
    CONTEXT_MAX_CHARS,
    MemoryIn,
    Scope,
    memories_create,
    memories_mention,
    message_source,
)
from apps.tenants.models import Tenant

TABLE = Memory._meta.db_table

# A turn stored by an earlier add is a neighbour only inside a named conversation and within
# this window of the new turn: a reply then still finds the question it answers (chat's
# write-back adds each exchange on its own), while unrelated adds of the same user never borrow
# each other's words (issue 11: "我喜欢草莓" was found as the context of "I am allergic to
# peanuts", which then came first for 草莓). Turns of one add are always neighbours.
NEIGHBOUR_WINDOW = timedelta(minutes=30)


def previous_turns(
    *,
    tenant_id: int,
    user_id: str,
    turns: list[tuple[str, str, datetime]],
    before_id: int | None,
) -> list[str]:
    """For each (conversation_id, content, time), the turn before it in its conversation:
    earlier in the list, or the last stored turn of that (named) conversation when it is at most
    NEIGHBOUR_WINDOW away (and before message `before_id`)."""
    out: list[str] = []
    last: dict[str, str] = {}
    for conv, content, when in turns:
        if conv not in last:
            last[conv] = ""
            if conv:
                earlier = Message.objects.filter(
                    tenant_id=tenant_id, user_id=user_id, conversation_id=conv
                )
                if before_id is not None:
                    earlier = earlier.filter(id__lt=before_id)
                row = earlier.order_by("-id").values_list("content", "timestamp").first()
                if row and abs(when - row[1]) <= NEIGHBOUR_WINDOW:
                    last[conv] = row[0]
        out.append(last[conv])
        last[conv] = content
    return out


def _turn_item(message: Message, context: str) -> MemoryIn:
    return MemoryIn(
        value=message.content,
        memory_type=Memory.Type.LONG_TERM,
        metadata=message.metadata,
        sources=[message_source(message)],
        occurred_at=message.timestamp,
        context=context,
        kind="turn",
    )


# Which turns collapse. A repeat is the same role saying the same normalised text (NORMAL_SQL:
# width, case, whitespace, trailing punctuation) to the same user and agent, while the turn it
# repeats is active. Two more conditions, because a turn's meaning is not only its words:
# - it is a statement (text.is_statement: three words or so). "ok", "yes", "好的", "哈哈" are
#   replies whose sense is the turn they answer; each is kept with its own context.
# - its borrowed context (the neighbour its embedding saw, `embed_context`) equals the earlier
#   turn's. A statement made on its own twice collapses; "I'm allergic to peanuts." answering
#   "Any allergies?" stays beside the same words said out of the blue, so each remains findable
#   by its own question. An add repeated whole (the same exchange sent twice without an
#   event_id) collapses turn by turn, since each turn has the same neighbour again.
# The conversation is not part of it: a statement repeated in another session is one memory
# (it keeps the conversation_id of the first; every source keeps its own message).

# A turn's text in normal form, in SQL (as apps.memories.text.turn_normal does in Python): NFKC
# (full-width letters and punctuation become ASCII), lower case, a curly apostrophe as a straight
# one, one space for any run of whitespace, no trailing punctuation. Migration 0011 indexes the
# md5 of it over each user's active turns; PostgreSQL uses that index only while this text and
# the migration's are the same (tests/memories/test_repeats.py holds them together).
NORMAL_SQL = (
    r"btrim(regexp_replace(regexp_replace(replace(lower(normalize({}, NFKC)), '’', ''''), "
    r"'\s+', ' ', 'g'), '[\s.!?。！？…~～,，;；:：、]+$', ''))"
)
REPEAT_KEY = f"md5({NORMAL_SQL.format(TABLE + '.value')})"


def _repeat_keys(values: list[str]) -> list[str]:
    """md5 of each value's normal form, computed by PostgreSQL as the index computes it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT md5({NORMAL_SQL.format('v.value')}) "
            "FROM unnest(%s::text[]) WITH ORDINALITY AS v(value, n) ORDER BY v.n",
            [values],
        )
        return [row[0] for row in cursor.fetchall()]


def _user_turns_lock(*, tenant_id: int, user_id: str) -> None:
    """Serialise the turn writes of one user (until the transaction ends), so two concurrent
    adds of one statement make one memory with two mentions, not two memories."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                       [f"memories.turns:{tenant_id}:{user_id}"])  # fmt: skip


def _role(memory: Memory) -> str:
    first = memory.sources[0] if memory.sources else {}
    return first.get("role", "") if isinstance(first, dict) else ""


def _earlier_turns(*, tenant: Tenant, scope: Scope, keys: list[str]) -> dict[tuple, Memory]:
    """The user's active turns (of the scope's agent) whose normal form is one of `keys`, by
    (key, role, context); the first said when there are several."""
    live = Memory.objects.filter(
        tenant=tenant, user_id=scope.user_id, agent_id=scope.agent_id, kind="turn",
        status=Memory.Status.ACTIVATED,
    )  # fmt: skip
    where = [f"{REPEAT_KEY} = ANY(%s)"]
    repeats = live.extra(select={"repeat_key": REPEAT_KEY}, where=where, params=[keys])  # noqa: S610  (constant SQL, parameterised)
    rows = repeats.defer("embedding", "search_vector").order_by("-created_at")
    return {(m.repeat_key, _role(m), m.embed_context): m for m in rows}  # the oldest wins


def memories_source_add(*, tenant: Tenant, memory_ids: list[Any], source: dict[str, Any]) -> int:
    """Append `source` (a `message_source`) to the sources of each memory that does not hold
    that message yet: a statement made again keeps every turn that made it."""
    appended = CombinedExpression(
        F("sources"), "||", Value([source], output_field=JSONField()), output_field=JSONField()
    )
    return (
        Memory.objects.filter(tenant=tenant, pk__in=list(memory_ids))
        .exclude(sources__contains=[{"message_id": source["message_id"]}])
        .update(sources=appended)
    )


def turns_store(
    *,
    tenant: Tenant,
    scope: Scope,
    messages: list[Message],
    contexts: list[str],
    actor: str,
    vectors: list[Any] | None = None,
) -> list[Memory]:
    """The turn memories of `messages` (stored, one per message with content; `vectors`, when
    given, are their embeddings in that order), in message order, each once: a new memory, or,
    for a repeat (see above), the earlier turn with one more mention and this message among its
    sources. Call inside a transaction."""
    pairs = [(m, _turn_item(m, c)) for m, c in zip(messages, contexts, strict=True)
             if m.content.strip()]  # fmt: skip
    statements = [text.is_statement(m.content) for m, _ in pairs]
    keys = [""] * len(pairs)
    earlier: dict[tuple, Memory] = {}
    if any(statements):
        _user_turns_lock(tenant_id=tenant.pk, user_id=scope.user_id)
        keys = _repeat_keys([m.content for m, _ in pairs])
        wanted = [k for k, said in zip(keys, statements, strict=True) if said]
        earlier = _earlier_turns(tenant=tenant, scope=scope, keys=wanted)
    new: list[MemoryIn] = []
    new_vectors: list[Any] = []
    plan: list[tuple[Message, Memory | int, bool]] = []  # (message, memory or new index, repeat)
    pending: dict[tuple, int] = {}
    for index, (message, item) in enumerate(pairs):
        slot = (keys[index], message.role, item.context[-CONTEXT_MAX_CHARS:])
        if statements[index] and slot in earlier:
            plan.append((message, earlier[slot], True))
        elif statements[index] and slot in pending:
            plan.append((message, pending[slot], True))
        else:
            pending.setdefault(slot, len(new))
            plan.append((message, len(new), False))
            new.append(item)
            if vectors is not None:
                new_vectors.append(vectors[index])
    created = memories_create(tenant=tenant, scope=scope, items=new, actor=actor,
                              vectors=new_vectors if vectors is not None else None)  # fmt: skip
    out: dict[Any, Memory] = {}
    repeated: list[Memory] = []
    for message, target, repeat in plan:
        memory = created[target] if isinstance(target, int) else target
        if repeat:
            memories_mention(tenant=tenant, memory_ids=[memory.pk], touch=True)
            memories_source_add(tenant=tenant, memory_ids=[memory.pk],
                                source=message_source(message))  # fmt: skip
            repeated.append(memory)
        out.setdefault(memory.pk, memory)
    for memory in repeated:
        memory.refresh_from_db(fields=["mentions", "sources", "updated_at"])
    return list(out.values())


def _holding(ids: list[int]) -> Q:
    """Memories whose sources hold one of the messages `ids`."""
    query = Q(pk__in=[])
    for message_id in ids:
        query |= Q(sources__contains=[{"message_id": message_id}])
    return query


def batch_turns(*, batch: AddBatch, messages: list[Message]) -> list[Memory]:
    """The turn memories the add stored for `messages` of `batch` (not the earlier turns its
    repeats counted a mention on), whatever their status."""
    ids = [m.pk for m in messages]
    if not ids:
        return []
    rows = Memory.objects.filter(
        tenant_id=batch.tenant_id, user_id=batch.user_id, kind="turn",
        sources__0__message_id__in=ids,
    )  # fmt: skip
    return sorted(rows, key=lambda m: m.sources[0]["message_id"])


def turns_ensure(*, batch: AddBatch, messages: list[Message], actor: str) -> list[Memory]:
    """The batch's turns; any not stored yet (a batch queued before turns were stored by the
    add itself, or whose add left the embedding to the worker) are stored now."""
    ids = [m.pk for m in messages]
    held: set[int] = set()
    if ids:
        rows = Memory.objects.filter(
            _holding(ids), tenant_id=batch.tenant_id, user_id=batch.user_id, kind="turn"
        ).values_list("sources", flat=True)
        held = {s.get("message_id") for sources in rows for s in sources if isinstance(s, dict)}
    missing = [m for m in messages if m.pk not in held]
    if missing:
        contexts = previous_turns(
            tenant_id=batch.tenant_id,
            user_id=batch.user_id,
            turns=[(m.conversation_id, m.content, m.timestamp) for m in messages],
            before_id=messages[0].pk,
        )
        by_id = dict(zip(ids, contexts, strict=True))
        scope = Scope(user_id=batch.user_id, agent_id=missing[0].agent_id,
                      conversation_id=missing[0].conversation_id)  # fmt: skip
        turns_store(tenant=batch.tenant, scope=scope, messages=missing,
                    contexts=[by_id[m.pk] for m in missing], actor=actor)  # fmt: skip
    return [m for m in batch_turns(batch=batch, messages=messages)
            if m.status != Memory.Status.DELETED]  # fmt: skip


def batch_memories(*, batch: AddBatch, messages: list[Message]) -> list[Memory]:
    """The live memories a batch made (its turns and what the stages derived from its turns),
    and the earlier turns its repeats counted a mention on: what the add answered."""
    ids = [m.pk for m in messages]
    if not ids:
        return []
    return list(
        Memory.objects.filter(tenant_id=batch.tenant_id, user_id=batch.user_id)
        .filter(Q(sources__0__message_id__in=ids) | (Q(kind="turn") & _holding(ids)))
        .exclude(status=Memory.Status.DELETED)
        .order_by("created_at", "id")
    )  # fmt: skip


def add_event(memory: Memory, message_ids: list[int]) -> str:
    """What an add did to a memory it answers with: ADD (made it), or NOOP (a turn it repeated:
    the memory stayed, with one more mention and the new message among its sources)."""
    first = memory.sources[0].get("message_id") if memory.sources else None
    return "NOOP" if memory.kind == "turn" and first not in set(message_ids) else "ADD"
