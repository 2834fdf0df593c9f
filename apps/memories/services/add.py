"""The add: raw turns stored, embedded and indexed before it answers; `event_id` as an
idempotency key; a batch's ordered stages run per user in add order (apps.memories.registry);
unordered ones dispatched to their queues."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import redis
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import KombuError

from apps.core.degraded import redis_failed, redis_known_down
from apps.core.errors import AppError, Conflict
from apps.core.tenancy import tenant_scope
from apps.memories import registry as stages
from apps.memories.models import AddBatch, Memory, Message
from apps.memories.services.memories import MessageIn, Scope, _embed, embedding_text
from apps.memories.services.turns import (
    add_event,
    batch_memories,
    batch_turns,
    previous_turns,
    turns_ensure,
    turns_store,
)
from apps.tenants.models import Tenant

# --- messages -------------------------------------------------------------------------------


def batch_find(*, tenant: Tenant, event_id: str | None) -> AddBatch | None:
    if not event_id:
        return None
    return AddBatch.objects.filter(tenant=tenant, event_id=event_id).first()


def add_fingerprint(*, scope: Scope, messages: list[MessageIn], infer: bool) -> str:
    """What an add asked for, as a SHA-256. An event_id replayed with a different request is
    refused rather than answered with the earlier batch, which would drop the new content
    silently (Stripe does the same with a reused idempotency key)."""
    payload = {
        "scope": [scope.user_id, scope.agent_id, scope.conversation_id],
        "infer": infer,
        "messages": [
            [m.role, m.content, m.timestamp.isoformat() if m.timestamp else None, m.metadata]
            # image parts (apps.memories.registry), only when there are: text-only adds keep
            # the fingerprints they had
            + ([stages.content_parts_fingerprint(m.parts)] if m.parts else [])
            for m in messages
        ],
    }
    raw = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


# --- add: the entry point -------------------------------------------------------------------


def batch_claim(*, batch: AddBatch) -> bool:
    """Take a batch for processing. A batch left `running` longer than the task hard time limit
    belongs to a worker that died: it may be taken again (its memories, if any, were never
    committed, since they commit together with the `done` status)."""
    stale = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimable = Q(status__in=[AddBatch.Status.QUEUED, AddBatch.Status.FAILED]) | Q(
        status=AddBatch.Status.RUNNING, updated_at__lt=stale
    )
    return bool(
        AddBatch.objects.filter(claimable, pk=batch.pk).update(
            status=AddBatch.Status.RUNNING, updated_at=timezone.now()
        )
    )


def _user_lock(*, tenant_id: int, user_id: str) -> None:
    """Serialise the processing of one user's batches (held until the transaction ends)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                       [f"memories.batch:{tenant_id}:{user_id}"])  # fmt: skip


def batch_process(*, batch: AddBatch, actor: str) -> list[Memory]:
    """Run the ordered stages (apps.memories.registry: extraction and reconciliation, from the
    pipeline) on a batch whose turns the add already stored. Returns the memories they made.

    Per-user order: under a per-user lock, the user's earlier batches that are not done yet are
    processed first, in the order they were added, so a later add never races an earlier one.
    Idempotent: what the stages make and the batch's `done` status commit together, and a batch
    that is done (or taken by a live worker) is skipped."""
    if not batch_claim(batch=batch):
        return []
    failure: Exception | None = None
    memories: list[Memory] = []
    done: list[AddBatch] = []
    with transaction.atomic():
        _user_lock(tenant_id=batch.tenant_id, user_id=batch.user_id)
        pending = list(
            AddBatch.objects.select_related("tenant")
            .filter(tenant_id=batch.tenant_id, user_id=batch.user_id,
                    status__in=[AddBatch.Status.QUEUED, AddBatch.Status.RUNNING])
            .filter(Q(created_at__lt=batch.created_at) | Q(pk=batch.pk))
            .order_by("created_at", "id")
        )  # fmt: skip
        for item in pending:
            refusal = _gate_refusal(batch=item)
            if refusal is not None:  # consent withdrawn (or suppressed) while it was queued
                AddBatch.objects.filter(pk=item.pk).update(
                    status=AddBatch.Status.FAILED, error=refusal, updated_at=timezone.now()
                )
                continue
            try:
                with transaction.atomic():
                    made = _batch_run(batch=item, actor=actor)
            except Exception as exc:
                AddBatch.objects.filter(pk=item.pk).update(
                    status=AddBatch.Status.FAILED, error=repr(exc)[:1000], updated_at=timezone.now()
                )
                if item.pk == batch.pk:
                    failure = exc
                continue
            done.append(item)
            if item.pk == batch.pk:
                memories = made
    for item in done:
        _stages_dispatch(batch=item, actor=actor)
    if failure is not None:
        raise failure
    return memories


def _gate_refusal(*, batch: AddBatch) -> str | None:
    """Asks the processing gates again when the worker takes a batch: a withdrawal (or an
    erasure's suppression) made while the batch was queued stops it before any stage runs. The
    batch ends `failed` with the gate's code and message as its error (a failed batch is not
    requeued). Its raw turns stay, stored while processing was allowed; an erasure removes them."""
    activity = "extract" if batch.infer else "store"  # "store": turns the add left to the worker
    try:
        stages.processing_check(tenant=batch.tenant, user_id=batch.user_id, activity=activity)
    except AppError as exc:
        return f"{exc.code}: {exc.message}"[:1000]
    return None


def _batch_run(*, batch: AddBatch, actor: str) -> list[Memory]:
    messages = list(Message.objects.filter(batch=batch).order_by("id"))
    turns = turns_ensure(batch=batch, messages=messages, actor=actor)
    stage_input = _stage_input(batch=batch, messages=messages, turns=turns, actor=actor)
    made: list[Memory] = []
    extractors: list[str] = []
    decisions: list[dict[str, Any]] = []
    for stage in stages.stages_list(ordered=True) if batch.infer else []:
        result = stage.run(stage_input) or stages.StageResult()
        made += result.memories
        if result.extractor:
            extractors.append(result.extractor)
        decisions += result.decisions
    AddBatch.objects.filter(pk=batch.pk).update(
        status=AddBatch.Status.DONE,
        memory_count=len(turns) + len(made),
        extractor="; ".join(extractors)[:300],
        decisions=decisions,
        error="",
        updated_at=timezone.now(),
    )
    return made


def _stage_input(
    *, batch: AddBatch, messages: list[Message], turns: list[Memory], actor: str
) -> stages.StageInput:
    first = messages[0] if messages else None
    return stages.StageInput(
        batch=batch,
        user_id=batch.user_id,
        agent_id=first.agent_id if first else "",
        conversation_id=first.conversation_id if first else "",
        messages=messages,
        turns=turns,
        actor=actor,
    )


def stage_run(*, batch: AddBatch, stage_name: str, actor: str) -> None:
    """Run one unordered stage on a done batch (the body of its task)."""
    stage = stages.stage_get(stage_name)
    if stage is None or batch.status != AddBatch.Status.DONE:
        return
    messages = list(Message.objects.filter(batch=batch).order_by("id"))
    turns = batch_turns(batch=batch, messages=messages)
    stage.run(_stage_input(batch=batch, messages=messages, turns=turns, actor=actor))


def _stages_dispatch(*, batch: AddBatch, actor: str) -> None:
    """Queue the unordered stages of a batch that is done (after its transaction commits)."""
    if not batch.infer:
        return
    for stage in stages.stages_list(ordered=False):
        transaction.on_commit(
            lambda stage=stage: _stage_enqueue(batch=batch, stage=stage, actor=actor)
        )


def _stage_enqueue(*, batch: AddBatch, stage: stages.Stage, actor: str) -> None:
    from apps.memories.tasks import run_stage

    kwargs = {"tenant_id": batch.tenant_id, "batch_id": str(batch.pk), "stage": stage.name,
              "actor": actor}  # fmt: skip
    if not redis_known_down():
        try:
            run_stage.apply_async(kwargs=kwargs, queue=stage.queue)
            return
        except (KombuError, redis.RedisError, OSError) as exc:
            redis_failed(exc)
    with tenant_scope(batch.tenant_id):  # an on_commit callback may run outside the request's
        batch.refresh_from_db()
        stage_run(batch=batch, stage_name=stage.name, actor=actor)  # degraded: run it here


@dataclass
class AddResult:
    batch: AddBatch
    message_ids: list[int]
    memories: list[Memory]
    replayed: bool


def memory_add(
    *,
    tenant: Tenant,
    scope: Scope,
    messages: list[MessageIn],
    event_id: str | None,
    infer: bool,
    async_mode: str,
    actor: str,
    defer_turns: bool = False,
) -> AddResult:
    """Store an add's raw turns and their turn memories (embedded and indexed, so a search
    right after the add finds them, whatever `async_mode`), then, with `infer`, run the ordered
    stages: in a worker when `async_mode` is "async" (and Redis is up), else in the request.

    `defer_turns` (async only) leaves the embedding of the turns to the worker too: for callers
    that must not wait for it, like chat's write-back after the answer.

    `event_id` makes retries safe: the same request again answers the batch as it is now and
    stores nothing; a different request under the same event_id is a 409.

    The processing gates (consent, suppression: apps.memories.registry) are asked first, for
    "store" and, with `infer`, "extract": a refused add writes nothing (not even its raw turns),
    and a replay of an earlier add is refused as well."""
    stages.processing_check(tenant=tenant, user_id=scope.user_id, activity="store")
    if infer:
        stages.processing_check(tenant=tenant, user_id=scope.user_id, activity="extract")
    fingerprint = add_fingerprint(scope=scope, messages=messages, infer=infer)
    existing = batch_find(tenant=tenant, event_id=event_id)
    if existing is not None:
        return _replay(batch=existing, fingerprint=fingerprint)
    now = timezone.now()
    contexts = previous_turns(
        tenant_id=tenant.pk, user_id=scope.user_id, before_id=None,
        turns=[(scope.conversation_id, m.content, m.timestamp or now) for m in messages],
    )  # fmt: skip
    defer_turns = defer_turns and async_mode == "async"
    texts = [embedding_text(m.content, c) for m, c in zip(messages, contexts, strict=True)
             if m.content.strip() and not defer_turns]  # fmt: skip
    vectors, _ = _embed(texts) if texts else ([], "")  # outside the transaction: it is slow
    needs_stages = defer_turns or (infer and bool(stages.stages_list(ordered=True)))
    try:
        with transaction.atomic():
            batch = AddBatch.objects.create(
                tenant=tenant, event_id=event_id or None, request_hash=fingerprint,
                user_id=scope.user_id, infer=infer, message_count=len(messages),
                status=AddBatch.Status.QUEUED if needs_stages else AddBatch.Status.DONE,
            )  # fmt: skip
            rows = Message.objects.bulk_create(
                [
                    Message(
                        tenant=tenant,
                        batch=batch,
                        user_id=scope.user_id,
                        agent_id=scope.agent_id,
                        conversation_id=scope.conversation_id,
                        role=m.role,
                        content=m.content,
                        timestamp=m.timestamp or now,
                        metadata=m.metadata,
                    )
                    for m in messages
                ]
            )
            from_parts: list[Memory] = []
            for row, m in zip(rows, messages, strict=True):
                if m.parts:  # image / document parts: kept by their app (apps.memories.registry)
                    from_parts += stages.content_parts_store(
                        tenant=tenant, user_id=scope.user_id, role=m.role, message_id=row.pk,
                        parts=m.parts,
                    )  # fmt: skip
            turns = [] if defer_turns else turns_store(
                tenant=tenant, scope=scope, messages=rows, contexts=contexts, actor=actor,
                vectors=vectors,
            )  # fmt: skip
            turns += from_parts  # a document's chunks
            made = [m for m in turns if add_event(m, [r.pk for r in rows]) == "ADD"]
            AddBatch.objects.filter(pk=batch.pk).update(memory_count=len(made))
            batch.memory_count = len(made)
    except IntegrityError as exc:
        # Only the event_id constraint means a concurrent request with the same event_id won the
        # race; any other violation is a real error and must not pass for a 409.
        if not event_id or "memories_batch_event_unique" not in str(exc):
            raise
        existing = batch_find(tenant=tenant, event_id=event_id)
        if existing is None:
            raise Conflict("Concurrent add with the same event_id; retry.",
                           code="idempotency_key_in_use") from None  # fmt: skip
        return _replay(batch=existing, fingerprint=fingerprint)
    result = AddResult(batch=batch, message_ids=[r.pk for r in rows], memories=turns,
                       replayed=False)  # fmt: skip
    if not needs_stages:
        if infer:
            _stages_dispatch(batch=batch, actor=actor)
        return result
    if async_mode == "async" and connection.in_atomic_block:  # a worker must see the batch
        transaction.on_commit(
            lambda: _enqueue(batch=batch, actor=actor) or batch_process(batch=batch, actor=actor)
        )
        return result
    if async_mode == "async" and _enqueue(batch=batch, actor=actor):
        return result
    result.memories = turns + batch_process(batch=batch, actor=actor)
    batch.refresh_from_db()
    return result


def _replay(*, batch: AddBatch, fingerprint: str) -> AddResult:
    """The answer to an event_id seen before: the batch as it is now (its status, messages and
    the memories it made), or a 409 when the event_id came with a different request."""
    if batch.request_hash and batch.request_hash != fingerprint:
        raise Conflict(
            "This event_id was already used for a different add request; use a new event_id.",
            code="idempotency_key_reused",
            details={"event_id": batch.event_id, "batch_id": str(batch.pk)},
        )
    messages = list(Message.objects.filter(batch=batch).order_by("id"))
    memories = batch_memories(batch=batch, messages=messages)
    return AddResult(
        batch=batch, message_ids=[m.pk for m in messages], memories=memories, replayed=True
    )


def _enqueue(*, batch: AddBatch, actor: str) -> bool:
    """Queue the batch for a worker. False when Redis is down (degraded mode): the caller then
    processes it in the request, so an accepted add is never left waiting on a dead queue."""
    from apps.memories.tasks import process_batch

    if redis_known_down():
        return False
    try:
        process_batch.delay(tenant_id=batch.tenant_id, batch_id=str(batch.pk), actor=actor)
    except (KombuError, redis.RedisError, OSError) as exc:
        redis_failed(exc)
        return False
    return True
