"""The offline extractor: rules for English and Chinese self-statements.

A turn is cut into clauses; each clause is tried against the patterns below, in order, and the
first that matches gives a fact of its kind. A fact keeps the user's words (the clause itself, in
the user's language) with every relative time expression followed by the absolute date it means,
so "I moved to Shanghai last month" becomes "I moved to Shanghai last month (2024-02)". Each fact
gets a slot `key` (`place:home`, `job:employer`, `taste:coffee`, ...) that reconciliation uses to
tell an update from an addition, and retractions ("I don't have a dog anymore", 我不再吃素了)
are marked as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from apps.memories import text as lexicon
from apps.pipeline.extraction import rules_en, rules_zh
from apps.pipeline.extraction.timeparse import TimeRef, find_times

KINDS = ("identity", "job", "family", "place", "preference", "dislike", "health", "plan",
         "possession", "event")  # fmt: skip
PROFILE_KINDS = frozenset({"identity", "job", "family", "place", "preference", "dislike",
                           "health", "possession"})  # fmt: skip
# Slots that hold one value at a time: a new value replaces the old one.
SINGLE_SLOTS = frozenset({"identity:name", "identity:age", "identity:nationality", "job:title",
                          "job:employer", "job:school", "place:home", "place:origin",
                          "family:partner"})  # fmt: skip


@dataclass
class Candidate:
    kind: str
    key: str
    value: str
    lang: str
    obj: str = ""
    polarity: int = 1  # taste: +1 likes, -1 dislikes
    retraction: bool = False
    occurred_at: datetime | None = None
    time_precision: str = ""
    confidence: float = 0.8
    source_ids: list[int] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


# --- clause splitting, objects, values ------------------------------------------------------

# "我们养了一只金毛，叫豆豆": a name after the comma belongs to the clause before it.
_CLAUSES = re.compile(
    r"(?<=[.!?;。！？；\n，,])\s*(?!叫|名叫|名字叫|named\b|called\b)|\s+(?=but I\b)"
)
_SPEAKER = re.compile(r"^\s*[A-Za-z][\w .'-]{0,30}:\s+")
_STOP_OBJ = re.compile(
    r"\s+(?:and|but|because|since|so|though|although|when|while|which|who|that|if|as well|too|"
    r"anymore|any more|a lot|so much|very much|these days|nowadays|lately|now|though|"
    # a place or a name ends where a prepositional tail starts: "Beijing with my wife"
    r"with|near|since|for|from|at|on|in|by|until|after|before|last|this|next|ago|lol|haha|btw|"
    r"every|each|daily|instead|again|already|either|yesterday|today|tomorrow|tonight|ugh)\b.*$"
    r"|[,.;:!?，。；：！？(（].*$",
    re.I,
)
_ZH_STOP_OBJ = re.compile(
    r"(了|啦|呢|吧|啊|哦|，|。|！|？|、|[,.;:!?]|因为|所以|但是|但|而且|不过|还|也|和我|跟我|"
    r"(?:去|来)(?=了|$)|已经|快|都|一个月|几个月|半年|一年|好久).*$"
)
_LEADING = re.compile(r"^(?:the|a|an|my|some|to|to the|of|of the|playing|eating|drinking)\s+", re.I)


def _is_zh(value: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", value))


def _object(raw: str, zh: bool, max_words: int = 5) -> str:
    raw = raw.strip()
    if zh:
        obj = _ZH_STOP_OBJ.sub("", raw.strip())
        obj = re.sub(r"^(?:吃|喝|玩|看|听|去|做|养|学|弹|打|踢)(?=.)", "", obj)
        obj = re.sub(r"^我(?:的|家)?(?=.)", "", obj[:12].strip())
        obj = re.sub(r"(?<=.)的$", "", obj)
        if len(obj) == 2 and obj[0] == obj[1]:
            obj = obj[0]  # 狗狗 is 狗
        return "" if obj in rules_zh.PRONOUNS else obj
    obj = _EMOJI.sub(" ", raw)
    obj = _STOP_OBJ.sub("", obj)
    for _ in range(2):
        obj = _LEADING.sub("", obj)
    obj = " ".join(obj.split()[:max_words]).strip(" '\"")
    return "" if obj.lower() in rules_en.PRONOUNS else obj


def norm(value: str) -> str:
    """The comparable form of an object or value: its lexemes (stemmed, stop words out)."""
    return " ".join(lexicon.lexemes(value))


def _annotate(clause: str, times: list[TimeRef], zh: bool) -> str:
    out = clause
    for ref in times:
        label = ref.label()
        if zh and ref.precision == "day":
            label = f"{ref.day.year}年{ref.day.month}月{ref.day.day}日"
        note = f"（{label}）" if zh else f" ({label})"
        out = out.replace(ref.text, ref.text + note, 1)
    return out.strip()


# --- slots (the patterns themselves are in rules_en and rules_zh) ------------------------------

_PARTNER = {"wife", "husband", "partner", "boyfriend", "girlfriend", "fiance", "fiancé",
            "fiancee", "fiancée", "老婆", "妻子", "太太", "爱人", "老公", "丈夫", "先生", "男朋友",
            "女朋友", "男友", "女友", "对象", "未婚妻", "未婚夫"}  # fmt: skip


def _slot(slot: str, obj: str, match: re.Match[str]) -> str:
    if "{g1}" in slot:
        rel = match.group(1).lower()
        return "family:partner" if rel in _PARTNER else f"family:{rel}"
    if slot == "family:{obj}" and obj.lower().split()[-1:] and obj.lower().split()[-1] in _PARTNER:
        return "family:partner"  # "I have a boyfriend": the partner slot, as "my boyfriend" is
    if "{cat}" in slot:  # "my favourite band is ...": one value per category
        return slot.replace("{cat}", norm(match.group("cat")) or match.group("cat").lower())
    if "{obj}" in slot:
        key = norm(obj) or obj.lower()
        return slot.replace("{obj}", key[:80])
    return slot


# --- what the patterns see ------------------------------------------------------------------
# Chat speech puts fillers where the patterns expect a verb: "Yeah I'm still living in Boston",
# "I also really like green tea", "我最近还迷上了游泳", and often drops the subject: "Just turned
# 30 today". The patterns match a normalised copy of the clause (the stored value is the clause
# as said): leading interjections out, adverbs after the subject out, an implied "I" put back.
def _for_matching(clause: str, zh: bool) -> str:
    clause = _EMOJI.sub("", clause).strip()
    if zh:  # 啦 咯 喽 end a clause as 了 does
        clause = re.sub(r"(?<=[\u4e00-\u9fff])(?:啦|咯|喽|嘞)", "了", clause)
        return rules_zh.FILLER.sub("我", rules_zh.LEAD.sub("", clause))
    for pattern, replacement in rules_en.CHAT:
        clause = pattern.sub(replacement, clause)
    if not re.search(r"[A-Z]", clause.replace("I", "")):  # all lowercase: names lost their capital
        clause = rules_en.NAME_AFTER.sub(lambda m: m.group(1) + m.group(2).capitalize(), clause)
    text = rules_en.LEAD.sub("", clause)
    text = re.sub(r"^(?:not|no longer) (?=(?:a|an|into|at|with|vegan|vegetarian|single)\b)",
                  lambda m: "I'm " + m.group(0), text)  # fmt: skip
    if rules_en.NO_SUBJECT.match(text):  # "living in Shenzhen now": I'm living
        rest = rules_en.NO_SUBJECT.sub("", text, count=1)
        lead = (
            "I'm "
            if re.match(r"\w+ing\b|still\b", rest)
            else "I've "
            if rest.startswith("been")
            else "I "
        )
        text = lead + rest
    return rules_en.FILLER.sub(lambda m: m.group(1) + " ", text)


def _facts_in_clause(
    clause: str,
    lang: str,
    when: datetime,
    implied_me: bool = False,
    topic: str = "",
    antecedent: str = "",
) -> list[Candidate]:
    zh = lang == "zh"
    times = find_times(clause, when.date())
    past_times = [t for t in times if not t.future and t.precision != "week"]
    future_times = [t for t in times if t.future]
    value = _annotate(clause, times, zh)
    anchor = times[0] if times and times[0].precision != "week" else None
    occurred = datetime.combine(anchor.day, time(12), tzinfo=UTC) if anchor else None
    precision = anchor.precision if anchor else ""

    clause = _for_matching(clause, zh)
    if zh and implied_me and "我" not in clause and not _OTHER_SUBJECT.match(clause):
        clause = rules_zh.FILLER.sub("我", "我" + clause)  # 我住在北京，养了一只猫: 我 养了
    else:
        implied_me = False
    third = (rules_zh.THIRD if zh else rules_en.THIRD).match(clause)
    for pattern, group, hint in rules_zh.RETRACT if zh else rules_en.RETRACT:
        match = pattern.search(clause)
        if match:
            raw = match.group(group) or ""
            for ref in times:
                raw = raw.replace(ref.text, " ")
            obj = _object(raw, zh) if raw.strip() else ""
            obj = antecedent if not obj and _PRONOUN_LEAD.match(raw) else obj
            if obj or hint:
                ended = [Candidate(kind="retraction", key=hint, value=value, lang=lang, obj=obj,
                                   retraction=True, confidence=0.7)]  # fmt: skip
                if past_times:  # "I got laid off from Meta three days ago": an event as well
                    ended.append(Candidate(kind="event", key="event", value=value, lang=lang,
                                           obj=obj, occurred_at=occurred,
                                           time_precision=precision, confidence=0.7))  # fmt: skip
                return ended

    facts: list[Candidate] = []
    taken: list[tuple[int, int]] = []
    for kind, slot, pattern, group, flag in rules_zh.RULES if zh else rules_en.RULES:
        match = pattern.search(clause)
        if not match or any(s < match.end() and match.start() < e for s, e in taken):
            continue
        if (kind == "event" and facts) or (implied_me and kind not in _IMPLIED):
            continue  # an event clause that already gave a fact is that fact
        raw = match.group(group) or "" if group else ""
        for ref in times:
            raw = raw.replace(ref.text, " ")
        obj = _object(raw, zh) if raw.strip() else ""
        obj = antecedent if not obj and _PRONOUN_LEAD.match(raw) else obj
        if kind == "event":
            if not past_times and (future_times or not _strong_event(clause, zh)):
                continue
            facts.append(Candidate(kind="event", key="event", value=value, lang=lang,
                                   obj=obj, occurred_at=occurred, time_precision=precision,
                                   confidence=0.7))  # fmt: skip
            break
        if future_times and (kind in {"place", "job"} or slot == "family:partner"):
            continue  # "我们下个月结婚": a plan, not yet a fact
        if flag == "future" and not (future_times or _intent(clause, zh)):
            continue
        if not obj and antecedent and kind in {"preference", "dislike"} and raw.strip() == "":
            obj = antecedent  # 以前爱吃甜的，现在不怎么吃了
        if not obj and kind != "family":
            continue
        if third and kind not in {"family", "event", "plan"} and not _SELF.search(match.group(0)):
            continue  # 她今年五岁: said of someone else, not the user's own age
        if not (kind == "job" and slot == "job:employer"):
            taken.append(match.span())
        facts.append(
            Candidate(
                kind=kind, key=_slot(slot, obj, match), value=value, lang=lang, obj=obj,
                polarity=-1 if flag == "neg" else 1,
                occurred_at=occurred if kind in _DATED or (kind == "place" and past_times) else None,
                time_precision=precision if kind in _DATED or kind == "place" else "",
                confidence=0.8 if kind in PROFILE_KINDS else 0.7,
            )
        )  # fmt: skip
    bare = rules_zh.BARE_AT.match(clause) if zh and topic else None
    if not facts and bare:  # 我换工作了，现在在京东 / 我们搬家了，现在在苏州
        key = "job:employer" if topic == "job" else "place:home"
        facts.append(Candidate(kind=key.split(":")[0], key=key, value=value, lang=lang,
                               obj=_object(bare.group(1), zh)))  # fmt: skip
    if not facts and not implied_me and _SELF.search(clause):
        # A self-statement with a time that no rule named: a dated event or plan all the same.
        if past_times:
            facts.append(Candidate(kind="event", key="event", value=value, lang=lang,
                                   occurred_at=occurred, time_precision=precision,
                                   confidence=0.6))  # fmt: skip
        elif future_times:
            facts.append(Candidate(kind="plan", key=f"plan:{norm(clause)[:60]}", value=value,
                                   lang=lang, occurred_at=occurred, time_precision=precision,
                                   confidence=0.6))  # fmt: skip
    return facts


_SELF = re.compile(r"\b(?:I|we|my)\b|我", re.I)
_EMOJI = re.compile(r"[\U0001F000-\U0001FFFF\u2600-\u27BF\uFE0F\u200D]+")
# "cilantro is the worst, I really hate it": "it" is what the turn was talking about.
_PRONOUN_LEAD = re.compile(r"\s*(?:it|that|them|this|those|these|它|这个|那个)(?:\b|$)", re.I)
_TOPIC_LEAD = re.compile(r"^(?!(?:I|it|this|that|he|she|they|we|you|there|what)\b)([A-Za-z][\w' -]{1,30}?) "
                         r"(?:is|are|was|were|has been|have been)\b", re.I)  # fmt: skip
_EN_SUBJECT = re.compile(r"\b(?:I|I'm|I've|we|we're|my)\b")
_THIRD_ANY = re.compile(rf"{rules_zh.THIRD.pattern}|{rules_en.THIRD.pattern}", re.I)
_OTHER_SUBJECT = re.compile(rf"[他她它你A-Z]|{rules_zh.THIRD.pattern}")
# A clause whose 我 is implied by the one before: only what it plainly states about the user.
_IMPLIED = frozenset({"place", "family", "possession", "preference"})
_DATED = frozenset({"plan", "event"})  # and a move: "we moved to Shanghai last month"


def _intent(clause: str, zh: bool) -> bool:
    return bool((rules_zh.INTENT if zh else rules_en.INTENT).search(clause))


def _strong_event(clause: str, zh: bool) -> bool:
    return bool((rules_zh.STRONG_EVENT if zh else rules_en.STRONG_EVENT).search(clause))


_QUESTION = re.compile(r"[?？]\s*$|^(?:can|could|would|will|do|does|did|is|are|what|how|why|when|"
                       r"where|who|which|should)\b|(?:吗|么)[?？]?$|(?:什么|怎么|哪|谁|几|多少).*呢$|"
                       r"^请|^帮我|^能不能|^可以", re.I)  # fmt: skip
_HYPOTHETICAL = re.compile(r"^\s*(?:if|when|whether|maybe|perhaps|I wish|I'd|I would)\b|如果|要是|假如|"
                           r"假设|也许|可能|要不是|希望", re.I)  # fmt: skip


def clauses(content: str) -> list[str]:
    """The turn cut at sentence and comma punctuation, then at a conjunction that starts a new
    subject ("I live in Beijing and I have a dog": two clauses, two facts, each its own text);
    "Chris and I got married" stays whole (too short a left side to state anything)."""
    content = _SPEAKER.sub("", content)
    parts: list[str] = []
    for part in _CLAUSES.split(content):
        for piece in _conjuncts(part):
            piece = piece.strip().rstrip(",，;；、").strip()
            if piece and len(piece) > 1:
                parts.append(piece)
    return parts


def _conjuncts(part: str) -> list[str]:
    pattern = rules_zh.CONJ if _is_zh(part) else rules_en.CONJ
    pieces, start = [], 0
    for match in pattern.finditer(part):
        left = part[start : match.start()]
        if len(left.split()) >= 3 or (_is_zh(left) and len(left) >= 3):
            pieces.append(left)
            start = match.end()
    return [*pieces, part[start:]]


def extract(
    content: str, *, when: datetime, role: str = "user", source_ids: list[int] | None = None
) -> list[Candidate]:
    """The facts a user turn states about its speaker. Assistant and system turns state none."""
    if role != "user" or not content.strip():
        return []
    out: list[Candidate] = []
    me = True  # a subjectless clause of a user turn speaks of the user unless another says so
    said = ""  # what the turn last talked about, for a later "it"
    topic = ("job" if rules_zh.JOB_TOPIC.search(content)
             else "place" if rules_zh.HOME_TOPIC.search(content) else "")  # fmt: skip
    for clause in clauses(content):
        if _QUESTION.search(clause) or _HYPOTHETICAL.search(clause):
            continue
        lang = "zh" if _is_zh(clause) else "en"
        found = _facts_in_clause(clause, lang, when, implied_me=me, topic=topic, antecedent=said)
        if not found and lang == "zh" and _EN_SUBJECT.search(clause):  # code-switched
            found = _facts_in_clause(clause, "en", when)
        for fact in found:
            fact.source_ids = list(source_ids or [])
            fact.tags = [fact.kind] if fact.kind != "retraction" else []
            out.append(fact)
        me = not _THIRD_ANY.match(clause)
        lead = _TOPIC_LEAD.match(clause)
        said = next((f.obj for f in reversed(found) if f.obj), lead.group(1) if lead else said)
    return _dedupe(out)


def _dedupe(facts: list[Candidate]) -> list[Candidate]:
    seen: set[tuple[str, str]] = set()
    out = []
    for fact in facts:
        marker = (fact.key, norm(fact.value))
        if marker in seen:
            continue
        seen.add(marker)
        out.append(fact)
    return out
