"""The ingestion pipeline for one add batch with `infer` on: an ordered stage of the memories
app's stage registry (registered in `PipelineConfig.ready()`), run by
`apps.memories.services.batch_process` under the user's lock, inside the batch's transaction,
after the add itself stored every turn as a memory (kind "turn"):

1. facts are extracted from the user's turns (LLM when configured, else the offline rules; the
   rules also take over when the LLM fails, and the batch records it);
2. each fact is reconciled against the user's facts (ADD / UPDATE / DELETE / NOOP), by the rules
   or, when an LLM is configured, by the LLM with the rules as fallback (`reconcile_llm`);
   every change leaves a MemoryVersion;
3. question-and-answer pairs are recorded for FAQ promotion;
4. the turns and the new memories get their topic segment (heat).
"""

from __future__ import annotations

from typing import Any

from apps.memories.models import Memory, Message
from apps.memories.registry import StageInput, StageResult
from apps.memories.services import (
    MemoryIn,
    Scope,
    embed_texts,
    memories_create,
    memories_delete,
    memories_mention,
    memory_facts_set,
    memory_update,
    message_source,
)
from apps.memories.services.turns import memories_source_add
from apps.pipeline import faq, tiers
from apps.pipeline.extraction import Extraction, choose_extractor
from apps.pipeline.extraction.rules import PROFILE_KINDS, Candidate
from apps.pipeline.mentions import decide_unstated, facts_live
from apps.pipeline.reconcile import Decision, decide, facts_for_retraction, facts_related
from apps.pipeline.reconcile_llm import decide_with_llm, llm_reconciles
from apps.tenants.models import Tenant


def _fact_item(candidate: Candidate, message: Message) -> MemoryIn:
    return MemoryIn(
        value=candidate.value,
        key=f"{candidate.kind}: {candidate.obj}"[:200] if candidate.obj else candidate.kind,
        memory_type=Memory.Type.USER if candidate.kind in PROFILE_KINDS else Memory.Type.LONG_TERM,
        tags=candidate.tags,
        metadata=message.metadata,
        confidence=candidate.confidence,
        sources=[message_source(message)],
        occurred_at=candidate.occurred_at or message.timestamp,
        kind=candidate.kind,
        slot=candidate.key,
    )


def batch_infer(stage: StageInput) -> StageResult:
    batch, messages, actor = stage.batch, stage.messages, stage.actor
    tenant = batch.tenant
    scope = Scope(user_id=stage.user_id, agent_id=stage.agent_id,
                  conversation_id=stage.conversation_id)  # fmt: skip
    created: list[Memory] = []
    extraction = choose_extractor(tenant).run(messages)
    by_id = {m.pk: m for m in messages}
    decisions: list[dict[str, Any]] = []
    vectors = embed_texts([c.value for c in extraction.facts])
    use_llm = llm_reconciles(tenant)
    replaces: dict[int, Memory] = {}  # a fact's index -> what a retraction of its turn ended
    for index, (candidate, vector) in enumerate(zip(extraction.facts, vectors, strict=True)):
        message = by_id[candidate.source_ids[0]]
        if index in replaces:
            decision = Decision("UPDATE", replaces[index], reason="replaces what the turn ended")
            related = [replaces[index]]
        elif candidate.retraction:
            pool = facts_for_retraction(tenant=tenant, user_id=scope.user_id, candidate=candidate)
            decision = decide(candidate, same_slot=[], similar=[], all_facts=pool)
            related = pool
            successor = _successor(extraction.facts, index, decision.target)
            if successor is not None and not use_llm:  # "I left Google and joined Stripe"
                replaces[successor] = decision.target
                continue
        else:
            same_slot, similar = facts_related(
                tenant=tenant, user_id=scope.user_id, candidate=candidate, vector=vector
            )
            decision = decide(candidate, same_slot=same_slot, similar=similar)
            related = same_slot + [m for m, _ in similar]
        if use_llm:
            decision = decide_with_llm(candidate, related, decision)
        target = decision.target
        if decision.event == "ADD":
            (memory,) = memories_create(
                tenant=tenant, scope=scope, items=[_fact_item(candidate, message)], actor=actor,
                vectors=[vector],
            )  # fmt: skip
            created.append(memory)
            target = memory
        elif decision.event == "UPDATE" and target is not None:
            sources = [*target.sources, message_source(message)][-20:]
            memory_update(
                tenant=tenant, memory_id=str(target.pk), actor=actor, value=candidate.value,
                key=f"{candidate.kind}: {candidate.obj}"[:200] if candidate.obj else None,
            )  # fmt: skip
            memory_facts_set(
                tenant=tenant, memory_id=target.pk, kind=candidate.kind, slot=candidate.key,
                sources=sources, occurred_at=candidate.occurred_at or message.timestamp,
            )  # fmt: skip
        elif decision.event == "DELETE" and target is not None:
            memories_delete(tenant=tenant, memories=[target], actor=actor)
        elif decision.event == "NOOP" and target is not None:
            memories_mention(tenant=tenant, memory_ids=[target.pk], touch=True)
            # the fact keeps every turn that stated it, as its repeated turn does
            memories_source_add(tenant=tenant, memory_ids=[target.pk],
                                source=message_source(message))  # fmt: skip
        decisions.append(
            {"event": decision.event, "memory_id": str(target.pk) if target else None,
             "kind": candidate.kind, "slot": candidate.key, "value": candidate.value,
             "reason": decision.reason}
        )  # fmt: skip
    if extraction.extractor.startswith("rules"):
        decisions += _unstated_apply(tenant=tenant, scope=scope, extraction=extraction,
                                     messages=messages, actor=actor)  # fmt: skip
    created += faq.qa_record(tenant=tenant, scope=scope, messages=messages, actor=actor)
    tiers.segments_assign(tenant=tenant, user_id=scope.user_id, memories=stage.turns + created)
    return StageResult(memories=created, extractor=extraction.extractor, decisions=decisions)


def _successor(facts: list[Candidate], index: int, ended: Memory | None) -> int | None:
    """The later fact of the same turn that takes the place of what a retraction ended: same
    kind or slot ("I left Google and joined Stripe", "我把朗逸卖了，换了辆理想L7", "I used to love
    coffee, now I can't stand it")."""
    if ended is None:
        return None
    source = facts[index].source_ids[:1]
    for later in range(index + 1, len(facts)):
        fact = facts[later]
        same = fact.kind == ended.kind or (fact.key and fact.key == ended.slot)
        if fact.source_ids[:1] == source and not fact.retraction and same:
            return later
    return None


def _unstated_apply(
    *, tenant: Tenant, scope: Scope, extraction: Extraction, messages: list[Message], actor: str
) -> list[dict[str, Any]]:
    """User turns the rules found no fact in may still restate or end a known fact
    (`mentions.decide_unstated`)."""
    stated = {c.source_ids[0] for c in extraction.facts if c.source_ids}
    decisions: list[dict[str, Any]] = []
    for message in messages:
        if message.role != "user" or message.pk in stated:
            continue
        facts = facts_live(tenant=tenant, user_id=scope.user_id)
        decision = decide_unstated(message.content, facts)
        if decision is None or decision.target is None:
            continue
        target = decision.target
        if decision.event == "DELETE":
            memories_delete(tenant=tenant, memories=[target], actor=actor)
        elif decision.event == "UPDATE":
            memory_update(tenant=tenant, memory_id=str(target.pk), actor=actor,
                          value=message.content)  # fmt: skip
        else:
            memories_mention(tenant=tenant, memory_ids=[target.pk], touch=True)
        decisions.append(
            {"event": decision.event, "memory_id": str(target.pk), "kind": target.kind,
             "slot": target.slot, "value": message.content[:500], "reason": decision.reason}
        )  # fmt: skip
    return decisions
