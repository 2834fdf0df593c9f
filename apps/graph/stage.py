"""The graph's pipeline stage: an *unordered* stage (apps.memories.registry) on the `graph`
queue, run once a batch added with `infer` on is done. It extracts relations from the batch's
user turns and from the facts the pipeline made of them, each edge's source pointing at the
memory (and message) it came from, so that the memory's deletion retracts it.

Idempotent: a memory that is already the source of an edge is not extracted again, so a
redelivered task neither duplicates edges nor replays an older statement over a newer one."""

from __future__ import annotations

import logging

from apps.core.errors import AppError
from apps.graph.models import RelationSource
from apps.graph.services import graph_store, triples_extract
from apps.memories import registry
from apps.memories.models import Memory
from apps.memories.registry import StageInput, StageResult

logger = logging.getLogger(__name__)

# Turns are taken from the stage's input (user turns only); a question with its answer is not a
# statement of the user's.
NOT_FACTS = ("turn", "qa", "faq_candidate", "faq")


def _user_message_ids(stage_input: StageInput) -> set[int]:
    return {m.pk for m in stage_input.messages if m.role == "user"}


def _facts(stage_input: StageInput, message_ids: set[int]) -> list[Memory]:
    """The batch's facts: active memories of the user, not turns, sourced from its messages."""
    if not message_ids:
        return []
    rows = Memory.objects.filter(
        tenant=stage_input.batch.tenant,
        user_id=stage_input.user_id,
        status=Memory.Status.ACTIVATED,
        created_at__gte=stage_input.batch.created_at,
    ).exclude(kind__in=NOT_FACTS)
    return [m for m in rows if any(s.get("message_id") in message_ids for s in m.sources or [])]


def graph_stage(stage_input: StageInput) -> StageResult | None:
    tenant, user_id = stage_input.batch.tenant, stage_input.user_id
    try:
        registry.processing_check(tenant=tenant, user_id=user_id, activity="extract")
    except AppError:  # consent withdrawn or user suppressed since the batch ran
        return None
    message_ids = _user_message_ids(stage_input)
    turns = [t for t in stage_input.turns
             if any(s.get("message_id") in message_ids for s in t.sources or [])]  # fmt: skip
    memories = [*turns, *_facts(stage_input, message_ids)]
    done = set(
        RelationSource.objects.filter(
            tenant=tenant, memory_id__in=[m.pk for m in memories]
        ).values_list("memory_id", flat=True)
    )
    by_id = {m.pk: m for m in stage_input.messages}
    sourced = []
    for memory in memories:
        message_id = next((s.get("message_id") for s in memory.sources or []
                           if s.get("message_id") in message_ids), None)  # fmt: skip
        if message_id is not None and memory.pk not in done:
            sourced.append((by_id[message_id], memory))
    # In the order things were said, so that a later statement closes an earlier one.
    for message, memory in sorted(sourced, key=lambda p: (p[0].timestamp, p[0].pk)):
        try:
            triples, _ = triples_extract(memory.value)
        except Exception:  # an extractor bug on odd text must not fail the add (degraded mode
            # runs this stage inline in the request) nor stop the batch's other memories
            logger.exception("graph extraction failed on memory %s", memory.pk)
            continue
        if triples:
            graph_store(tenant=tenant, user_id=user_id, triples=triples,
                        memory_id=str(memory.pk), message_id=message.pk,
                        valid_from=message.timestamp)  # fmt: skip
    return None
