"""Reconciliation: what a newly extracted fact does to the user's existing facts.

ADD a new fact; UPDATE an existing one it replaces (same single-valued slot with another value:
"I moved to Shanghai" after "I live in Beijing"; or the same taste with the opposite polarity:
"I can't stand coffee anymore" after "I love coffee"); DELETE one it retracts ("I don't have a
dog anymore"); NOOP when it says again what is already known (same slot and object, or an
embedding nearly identical to a fact of the same kind).

`decide` is a pure function of the candidate and the facts it is compared with, so the rules are
unit-tested without a database; `facts_related` gathers those facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db.models import Q
from pgvector.django import CosineDistance

from apps.memories.models import Memory
from apps.pipeline.extraction.rules import SINGLE_SLOTS, Candidate, norm
from apps.tenants.models import Tenant

NOT_FACTS = ("", "turn", "qa", "faq_candidate", "faq")


@dataclass
class Decision:
    event: str  # ADD | UPDATE | DELETE | NOOP
    target: Memory | None = None
    reason: str = ""


def _slot_object(slot: str) -> str:
    return slot.split(":", 1)[1] if ":" in slot else ""


# Where a relationship stands, so that "my husband" after "I have a boyfriend" is an update and
# "my boyfriend" after "I'm dating someone" is not.
_PARTNER_STAGES = [
    ("single", "单身"),
    ("dating", "seeing", "boyfriend", "girlfriend", "partner", "男朋友", "女朋友", "男友", "女友",
     "对象", "恋爱", "在一起", "gf", "bf"),
    ("engaged", "fianc", "未婚", "订婚", "求婚成功", "proposed", "said yes"),
    ("married", "wife", "husband", "老婆", "妻子", "太太", "爱人", "老公", "丈夫", "结婚", "领证"),
    ("divorced", "separated", "离婚", "分手"),
    ("widowed", "丧偶"),
]  # fmt: skip


CHANGE_TO = re.compile(
    r"\b(?:moved|moving|relocated|new|now|switched|joined|started|changed|became|accepted|"
    r"anymore|no longer|finally)\b|搬|换|跳槽|现在|新|入职|改|变成|成了|不再|已经",
    re.I,
)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _cross_script(obj: str, key: str) -> bool:
    theirs = key.partition(": ")[2]
    return bool(obj and theirs) and bool(_CJK.search(obj)) != bool(_CJK.search(theirs))


_ANNOTATION = re.compile(r"[（(][^）)]*[）)]")


def _partner_stage(text: str) -> int | None:
    text = text.lower()
    found = [i for i, words in enumerate(_PARTNER_STAGES) if any(w in text for w in words)]
    return max(found) if found else None


def _same_object(candidate: Candidate, memory: Memory) -> bool:
    if candidate.key == "family:partner":
        mine = _partner_stage(f"{candidate.obj} {candidate.value}")
        theirs = _partner_stage(f"{memory.key} {memory.value}")
        return mine is None or theirs is None or mine == theirs
    if _cross_script(candidate.obj, memory.key):
        # 北京 and Beijing cannot be compared without a dictionary: a turn that says the value
        # changed ("moved", "now", 搬, 现在) is an update, one that just says it is a restatement.
        return not CHANGE_TO.search(candidate.value)
    mine, theirs = norm(candidate.obj), _slot_object(memory.slot)
    if candidate.key.startswith(("taste:", "health:", "possession:", "plan:", "family:")):
        return True  # the slot is keyed by the object already
    if not mine:
        return False
    said = norm(_ANNOTATION.sub("", memory.value))  # "今年（2026）" does not say 26
    return mine == theirs or mine in said.split() or mine in said


def _retraction_target(candidate: Candidate, facts: list[Memory]) -> Memory | None:
    words = set(norm(candidate.obj).split())
    in_slot = [m for m in facts if candidate.key and m.slot == candidate.key]
    # The slot the retraction names ("不在…工作了": job:employer) decides when the object is in
    # another language or not said: the user's one fact there is the one retracted.
    fallback = in_slot[0] if len(in_slot) == 1 else None
    if not words:
        return fallback
    best, best_overlap = None, 0.0
    raw = candidate.obj.strip().lower()
    for memory in facts:
        if raw and raw in memory.value.lower():
            return memory
        theirs = set(norm(memory.value).split()) | set(_slot_object(memory.slot).split())
        overlap = len(words & theirs) / len(words)
        if overlap > best_overlap:
            best, best_overlap = memory, overlap
    return best if best_overlap >= 0.5 else fallback


def decide(
    candidate: Candidate,
    *,
    same_slot: list[Memory],
    similar: list[tuple[Memory, float]],
    all_facts: list[Memory] | None = None,
) -> Decision:
    """The decision for one candidate. `same_slot`: the user's live facts in the candidate's
    slot, newest first; `similar`: (fact, cosine similarity) nearest first; `all_facts`: what a
    retraction may target."""
    if candidate.retraction:
        target = _retraction_target(candidate, all_facts or [m for m, _ in similar])
        if target is None:
            return Decision("NOOP", reason="retraction of nothing stored")
        return Decision("DELETE", target, reason=f"retracts '{candidate.obj}'")
    conflict = _slot_conflict(candidate, same_slot)
    if conflict is not None:  # a slot that says otherwise beats a similar sentence
        return conflict
    duplicate = settings.PIPELINE_DUPLICATE_SIMILARITY
    for memory, similarity in similar:
        if memory.kind == candidate.kind and similarity >= duplicate:
            if not _slots_compatible(candidate.key, memory.slot):
                continue  # 对青霉素过敏 is not 对花生过敏, however alike the sentences
            return Decision("NOOP", memory, reason=f"same as an existing fact ({similarity:.2f})")
    if candidate.kind == "event":
        return Decision("ADD", reason="new event")
    if same_slot and candidate.kind == "family" and _ANOTHER.search(candidate.value):
        return Decision("ADD", reason="another one")
    if same_slot:
        latest = same_slot[0]
        if candidate.key.startswith("taste:"):
            if latest.kind != candidate.kind:
                return Decision("UPDATE", latest, reason="taste reversed")
            return Decision("NOOP", latest, reason="taste already known")
        if _single(candidate.key):
            if _same_object(candidate, latest):
                return Decision("NOOP", latest, reason="same value")
            return Decision("UPDATE", latest, reason=f"new value for {candidate.key}")
        if _same_object(candidate, latest):
            return Decision("NOOP", latest, reason="already known")
    return Decision("ADD", reason="new fact")


_ANOTHER = re.compile(r"\b(?:another|second|third|one more|new)\b|又|第二|再养|新养", re.I)


def _single(key: str) -> bool:
    return key in SINGLE_SLOTS or key.startswith(("identity:", "favorite:"))


def _slot_conflict(candidate: Candidate, same_slot: list[Memory]) -> Decision | None:
    """An UPDATE the slot alone decides: a single-valued slot given another value, or a taste
    reversed."""
    if not same_slot or candidate.kind == "event":
        return None
    latest = same_slot[0]
    if candidate.key.startswith("taste:") and latest.kind != candidate.kind:
        return Decision("UPDATE", latest, reason="taste reversed")
    if _single(candidate.key) and not _same_object(candidate, latest):
        return Decision("UPDATE", latest, reason=f"new value for {candidate.key}")
    return None


def _slots_compatible(mine: str, theirs: str) -> bool:
    if not mine or not theirs or mine == theirs or mine == "event" or theirs == "event":
        return True
    head_mine, _, obj_mine = mine.partition(":")
    head_theirs, _, obj_theirs = theirs.partition(":")
    if head_mine != head_theirs:
        return True  # different kinds of slot: the sentences decide
    return bool(set(obj_mine.split()) & set(obj_theirs.split()))


def facts_related(
    *, tenant: Tenant, user_id: str, candidate: Candidate, vector: np.ndarray, k: int = 5
) -> tuple[list[Memory], list[tuple[Memory, float]]]:
    """The user's live facts in the candidate's slot (newest first) and its nearest facts."""
    live = Memory.objects.filter(
        tenant=tenant, user_id=user_id, status=Memory.Status.ACTIVATED
    ).exclude(kind__in=NOT_FACTS)
    same_slot = (
        list(live.filter(slot=candidate.key).defer("embedding", "search_vector")
             .order_by("-updated_at")[:5])
        if candidate.key and candidate.key != "event"
        else []
    )  # fmt: skip
    nearest = (
        live.filter(~Q(embedding=None))
        .annotate(distance=CosineDistance("embedding", vector))
        .defer("embedding", "search_vector")
        .order_by("distance")[:k]
    )
    return same_slot, [(m, 1.0 - float(m.distance)) for m in nearest]


def facts_for_retraction(*, tenant: Tenant, user_id: str, candidate: Candidate) -> list[Memory]:
    """Live facts whose text mentions a word of what is retracted, and those in the slot the
    retraction names."""
    words = [w for w in norm(candidate.obj).split() if w]
    raw = candidate.obj.strip()
    query = Q(slot=candidate.key) if candidate.key else Q(pk__in=[])
    if raw:
        query |= Q(value__icontains=raw)
    for word in words:
        query |= Q(slot__icontains=word)
    return list(
        Memory.objects.filter(tenant=tenant, user_id=user_id, status=Memory.Status.ACTIVATED)
        .exclude(kind__in=NOT_FACTS)
        .filter(query)
        .defer("embedding", "search_vector")
        .order_by("-updated_at")[:20]
    )
