"""What a user turn that states no fact the rules recognise still says about a known fact.

"cilantro is the worst lol", "yeah still in boston", "我早就不去那家健身房了": no pattern yields a
fact, but the turn names the object of a fact the user already has. Named without a change cue,
it is a restatement (NOOP: the fact is mentioned again); named with one ("not", "anymore",
"quit", 不再, 不…了, 卖了), the fact no longer holds (DELETE); a named relative or pet that grew
("Emma just turned 7", 豆豆已经三岁了) has the turn as their fact's new text (UPDATE). With a
change cue and no object named, a word for the slot itself (job, live, 工作, 住) targets the
user's one fact in that slot, whatever language it was stated in. Objects are matched as they
appear in the stored fact, never through a lexicon of names.
"""

from __future__ import annotations

import re

from apps.memories.models import Memory
from apps.pipeline.extraction.rules import norm
from apps.pipeline.reconcile import NOT_FACTS, Decision
from apps.tenants.models import Tenant

_EN_CHANGE = re.compile(
    r"\b(?:not|no longer|anymore|any more|never again|quit|quitting|stopped|left|sold|gave up|"
    r"gave away|got rid of|broke up|split up|ended|used to|moved out|moved away|no more|"
    r"over it|done with|ex)\b|n't\b",
    re.I,
)
_ZH_CHANGE = re.compile(
    r"不再|已经不|早就不|不[在是喜爱吃喝养住做玩干去学用开]|没有再|没再|没了|戒了|戒掉|卖了|卖掉|"
    r"分手|离开|辞职|离职|不干了|送人|送走|去世|以前|曾经|放弃|换掉|搬走"
)
_SLOT_WORDS = {
    "job:employer": re.compile(
        r"\b(?:job|work|working|employer|company|office|workplace)\b|工作|上班|公司|单位", re.I
    ),
    "place:home": re.compile(r"\b(?:live|living|lived|apartment|flat)\b|住|房子", re.I),
    "family:partner": re.compile(
        r"\b(?:relationship|together|dating|boyfriend|girlfriend)\b|在一起|恋爱|男朋友|女朋友", re.I
    ),
}
_PROPER = re.compile(r"(?<=[a-z,] )([A-Z][a-z]{2,})\b")
# A named relative or pet that grew: the fact about them is replaced by the turn.
_GREW = re.compile(
    r"\b(?:turned|turns|is now|'s now) \d+|\b\d+ now\b|\bstarted (?:school|kindergarten|college|"
    r"university)|\bgraduated\b|\d+岁了|[一二三四五六七八九十]+岁了|上(?:小学|初中|高中|大学|幼儿园)了|毕业了",
    re.I,
)


_NAME = re.compile(
    r"\b(?:named|called|name is|name's)\s+([A-Z][a-z]+)|叫([\u4e00-\u9fff]{1,3}?)(?:[，。！,.!]|$)"
)


def _object_of(memory: Memory) -> str:
    """The object as the fact was stated: the part of its key after "kind: "."""
    _, _, obj = memory.key.partition(": ")
    return obj.strip()


def _names_of(memory: Memory) -> list[str]:
    """What a turn may call the fact by: its object, the proper names in that object ("Corolla"
    of "Toyota Corolla") and the name it gives ("a cat named Luna", 一只猫叫橘子)."""
    obj = _object_of(memory)
    names = [obj] if obj else []
    names += [w for w in obj.split() if w[:1].isupper() and len(w) >= 3 and w != obj]
    for match in _NAME.finditer(memory.value):
        names.append(match.group(1) or match.group(2))
    names += _PROPER.findall(memory.value)  # "My daughter Emma is 6": Emma
    return names


def _named(obj: str, text: str, lexemes: set[str]) -> bool:
    if re.search(r"[\u4e00-\u9fff]", obj):
        return len(obj) >= 2 and obj in text
    if len(obj) < 3:
        return False
    if re.search(rf"\b{re.escape(obj)}\b", text, re.I):
        return True
    words = norm(obj).split()
    return bool(words) and all(w in lexemes for w in words)


def _changes(text: str) -> bool:
    return bool(_EN_CHANGE.search(text) or _ZH_CHANGE.search(text))


def decide_unstated(text: str, facts: list[Memory]) -> Decision | None:
    """The decision for a user turn that gave no fact, or None when it says nothing of `facts`
    (the user's live facts, newest first)."""
    lexemes = set(norm(text).split())
    named = [(len(name), name, m) for m in facts for name in _names_of(m)
             if _named(name, text, lexemes)]  # fmt: skip
    change = _changes(text)
    if named:
        _, name, memory = max(named, key=lambda hit: hit[0])
        if memory.kind == "family" and _GREW.search(text):
            return Decision("UPDATE", memory, reason=f"turn says how '{name}' has changed")
        if change:
            return Decision("DELETE", memory, reason=f"turn names '{name}' as over")
        return Decision("NOOP", memory, reason=f"turn names '{name}' again")
    if not change:
        return None
    for slot, words in _SLOT_WORDS.items():
        in_slot = [m for m in facts if m.slot == slot]
        if words.search(text) and len(in_slot) == 1:
            return Decision("DELETE", in_slot[0], reason=f"turn says its {slot} is over")
    return None


def facts_live(*, tenant: Tenant, user_id: str, limit: int = 200) -> list[Memory]:
    """The user's live facts (not events), newest first."""
    return list(
        Memory.objects.filter(tenant=tenant, user_id=user_id, status=Memory.Status.ACTIVATED)
        .exclude(kind__in=[*NOT_FACTS, "event"])
        .defer("embedding", "search_vector")
        .order_by("-updated_at")[:limit]
    )
