"""Question-and-answer pairs and their promotion to FAQ (reference: `/v1/admin/faq/*`).

The pipeline records each user question answered by the assistant as a memory of kind "qa"
(`Q: ...\\nA: ...`); the same question asked again (embedding similarity at least
PIPELINE_QA_SIMILARITY, anywhere in the tenant) adds a mention instead. A QA's heat is its
mentions plus its search hits; a periodic task marks QAs whose heat reaches FAQ_CANDIDATE_HEAT as
"faq_candidate"; an operator promotes candidates to "faq" (or demotes them back to "qa"). Promoted
FAQs are tenant knowledge: search puts a matching FAQ first, whoever asks.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F
from pgvector.django import CosineDistance

from apps.core.errors import BadRequest, Conflict, NotFound
from apps.memories.models import Memory, Message
from apps.memories.selectors import memories_by_kind
from apps.memories.services import (
    MemoryIn,
    Scope,
    embed_texts,
    memories_create,
    memories_mention,
    memory_kind_set,
    message_source,
)
from apps.pipeline.models import FaqEvent
from apps.tenants.models import Tenant

QA_KINDS = ("qa", "faq_candidate", "faq")
_QUESTION = re.compile(
    r"[?？]\s*$|^(how|what|why|when|where|who|which|can|could|do|does|is|are|should)\b"
    r"|^(怎么|如何|为什么|什么|哪|谁|能不能|可以|是否)|(吗|呢)[?？]?$",
    re.I,
)


def qa_pairs(messages: list[Message]) -> list[tuple[Message, Message]]:
    pairs = []
    for question, answer in itertools.pairwise(messages):
        if (
            question.role == "user"
            and answer.role == "assistant"
            and _QUESTION.search(question.content.strip())
            and answer.content.strip()
        ):
            pairs.append((question, answer))  # fmt: skip
    return pairs


def qa_record(*, tenant: Tenant, scope: Scope, messages: list[Message], actor: str) -> list[Memory]:
    made: list[Memory] = []
    pairs = qa_pairs(messages)
    if not pairs:
        return made
    texts = [f"Q: {q.content.strip()}\nA: {a.content.strip()}" for q, a in pairs]
    vectors = embed_texts([q.content.strip() for q, _ in pairs])
    for (question, answer), value, vector in zip(pairs, texts, vectors, strict=True):
        same = (
            memories_by_kind(tenant=tenant, kinds=QA_KINDS)
            .annotate(distance=CosineDistance("embedding", vector))
            .filter(distance__lte=1 - settings.PIPELINE_QA_SIMILARITY)
            .order_by("distance")
            .only("id")
            .first()
        )
        if same is not None:
            memories_mention(tenant=tenant, memory_ids=[same.pk])
            continue
        (memory,) = memories_create(
            tenant=tenant, scope=scope, actor=actor, vectors=[vector],
            items=[MemoryIn(value=value, key=question.content.strip()[:200], kind="qa",
                            metadata=question.metadata, tags=["qa"],
                            sources=[message_source(question), message_source(answer)],
                            occurred_at=question.timestamp)],
        )  # fmt: skip
        made.append(memory)
    return made


def qa_heat(memory: Memory) -> int:
    return memory.mentions + memory.access_count


def candidates_mark(*, tenant: Tenant) -> int:
    """Mark QAs whose heat reached FAQ_CANDIDATE_HEAT as candidates (periodic)."""
    threshold = settings.FAQ_CANDIDATE_HEAT
    rising = list(
        memories_by_kind(tenant=tenant, kinds=["qa"])
        .annotate(heat=F("mentions") + F("access_count"))
        .filter(heat__gte=threshold)
        .only("id", "key")
    )
    with transaction.atomic():
        for memory in rising:
            memory_kind_set(tenant=tenant, memory_id=memory.pk, kind="faq_candidate",
                            from_kinds=["qa"])  # fmt: skip
            FaqEvent.objects.create(tenant=tenant, memory_id=memory.pk, question=memory.key,
                                    from_kind="qa", to_kind="faq_candidate",
                                    reason=f"heat reached {threshold}", actor="system")  # fmt: skip
    return len(rising)


def _qa(tenant: Tenant, memory_id: str, kinds: tuple[str, ...]) -> Memory:
    memory = (
        Memory.objects.filter(tenant=tenant, pk=memory_id, kind__in=kinds)
        .exclude(status=Memory.Status.DELETED)
        .defer("embedding", "search_vector")
        .first()
    )
    if memory is None:
        raise NotFound("No such question-and-answer memory.", code="faq_not_found")
    return memory


def faq_promote(*, tenant: Tenant, memory_id: str, reason: str, actor: str) -> FaqEvent:
    memory = _qa(tenant, memory_id, ("qa", "faq_candidate", "faq"))
    if memory.kind == "faq":
        raise Conflict("This memory is already an FAQ.", code="already_faq")
    with transaction.atomic():
        memory_kind_set(tenant=tenant, memory_id=memory.pk, kind="faq")
        return FaqEvent.objects.create(tenant=tenant, memory_id=memory.pk, question=memory.key,
                                       from_kind=memory.kind, to_kind="faq", reason=reason,
                                       actor=actor)  # fmt: skip


def faq_demote(*, tenant: Tenant, memory_id: str, actor: str) -> FaqEvent:
    memory = _qa(tenant, memory_id, ("faq",))
    with transaction.atomic():
        memory_kind_set(tenant=tenant, memory_id=memory.pk, kind="qa")
        return FaqEvent.objects.create(tenant=tenant, memory_id=memory.pk, question=memory.key,
                                       from_kind="faq", to_kind="qa", reason="demoted",
                                       actor=actor)  # fmt: skip


CLASSIFY_PROMPT = """You classify frequently asked questions of a customer-facing assistant.
Question: {question}
Answer: {answer}
Reply with exactly two lines:
category: <one short lowercase category, e.g. account, billing, shipping, product, technical, other>
confidence: <a number between 0 and 1>"""


def classify_prompt(question: str, answer: str) -> str:
    return CLASSIFY_PROMPT.format(question=question.strip(), answer=answer.strip())


# What a reply must hold (the API's request schema states it as this pattern, so no IGNORECASE).
CATEGORY_LINE = r"[Cc][Aa][Tt][Ee][Gg][Oo][Rr][Yy]\s*[:：]\s*[^\n]"
_CATEGORY = re.compile(r"category\s*[:：]\s*([^\n]+)", re.I)
_CONFIDENCE = re.compile(r"confidence\s*[:：]\s*([0-9]*\.?[0-9]+)", re.I)


def classify_parse(response_text: str) -> dict[str, Any]:
    """A model's reply read: its category, and its confidence when it is one from 0 to 1 (a
    model's "confidence: 85" is no probability; it is dropped, the category kept)."""
    category = _CATEGORY.search(response_text)
    confidence = _CONFIDENCE.search(response_text)
    if category is None:
        raise BadRequest("response_text has no 'category:' line.", code="unparseable")
    value = float(confidence.group(1)) if confidence else None
    if value is not None and not 0 <= value <= 1:
        value = None
    return {"category": category.group(1).strip().lower()[:100], "confidence": value}


def faq_candidates(*, tenant: Tenant, limit: int = 200) -> list[Memory]:
    """QAs marked as candidates, the most restated and most found first."""
    candidates = memories_by_kind(tenant=tenant, kinds=["faq_candidate"])
    return list(candidates.order_by("-mentions", "-access_count")[:limit])


def faq_history(*, tenant: Tenant, limit: int = 500) -> tuple[list[FaqEvent], int]:
    """The latest promotions and demotions, newest first, and how many there are in all."""
    events = FaqEvent.objects.filter(tenant=tenant)
    return list(events[:limit]), events.count()


def faq_stats(*, tenant: Tenant) -> dict[str, Any]:
    live = memories_by_kind(tenant=tenant, kinds=QA_KINDS)
    counts = dict(live.values_list("kind").annotate(n=Count("id")).order_by())
    counts = {kind: counts.get(kind, 0) for kind in QA_KINDS}
    events = FaqEvent.objects.filter(tenant=tenant)
    top = (live.annotate(heat=F("mentions") + F("access_count"))
           .order_by("-heat").values("id", "key", "kind", "heat")[:10])  # fmt: skip
    return {
        "qa": counts["qa"], "candidates": counts["faq_candidate"], "faqs": counts["faq"],
        "promotions": events.filter(to_kind="faq").count(),
        "demotions": events.filter(from_kind="faq").count(),
        "top": [{"id": str(t["id"]), "question": t["key"], "kind": t["kind"], "heat": t["heat"]}
                for t in top],
    }  # fmt: skip
