"""LLM-decided reconciliation, used when an LLM is configured (and the tenant did not choose
`"reconciler": "rules"`). The model sees the new fact and the user's related facts, numbered,
and answers which event applies to which fact, as JSON that is validated like the extractor's.
The rules decide first anyway: with no related fact there is nothing to ask, and when the model
fails or answers out of bounds, the rule decision stands and the recorded reason says so.

Numbers, not memory ids, go to the model: it cannot name a fact it was not shown."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from apps.memories.models import Memory
from apps.pipeline.extraction.rules import Candidate
from apps.pipeline.llm import LlmError, chat_json
from apps.pipeline.reconcile import Decision
from apps.tenants.models import Tenant

EVENTS = ("ADD", "UPDATE", "DELETE", "NOOP")
MAX_FACTS = 12

PROMPT_EN = """You keep a memory of facts about a user. Compare the NEW fact with the EXISTING
facts (numbered) and choose one event:
- ADD: the new fact is new information;
- UPDATE: it replaces an existing fact that it makes outdated or contradicts (give its number);
- DELETE: it says an existing fact is no longer true, without a new value (give its number);
- NOOP: an existing fact already says the same (give its number).
Return JSON only: {"event": "ADD" | "UPDATE" | "DELETE" | "NOOP", "fact": <number or null>,
"reason": "<a few words>"}"""
PROMPT_ZH = """你在维护关于一个用户的事实记忆。把“新事实”与编号的“已有事实”比较，选择一个事件：
- ADD：新事实是新信息；
- UPDATE：它取代了一条已过时或与之矛盾的已有事实（给出编号）；
- DELETE：它表示某条已有事实不再成立，且没有新的值（给出编号）；
- NOOP：已有事实已经说过同样的内容（给出编号）。
只返回 JSON：{"event": "ADD" | "UPDATE" | "DELETE" | "NOOP", "fact": <编号或 null>,
"reason": "<简短理由>"}"""


def llm_reconciles(tenant: Tenant) -> bool:
    return bool(settings.LLM_API_BASE) and tenant.settings.get("reconciler") != "rules"


def _validate(count: int) -> Any:
    def check(payload: dict[str, Any]) -> dict[str, Any]:
        event = str(payload.get("event", "")).upper()
        if event not in EVENTS:
            raise LlmError("schema: 'event' must be ADD, UPDATE, DELETE or NOOP")
        fact = payload.get("fact")
        if event != "ADD" and (not isinstance(fact, int) or not 0 <= fact < count):
            raise LlmError(f"schema: {event} needs 'fact', the number of an existing fact")
        reason = payload.get("reason")
        return {"event": event, "fact": fact, "reason": str(reason or "")[:160]}

    return check


def _line(memory: Memory) -> str:
    when = memory.occurred_at.date().isoformat() if memory.occurred_at else "undated"
    return f"[{memory.kind or 'fact'}, {when}] {memory.value}"


def decide_with_llm(candidate: Candidate, facts: list[Memory], rules: Decision) -> Decision:
    """The model's decision over `facts` (the related ones, most relevant first), or the rules'
    decision `rules` when there is nothing to compare or the model fails."""
    facts = list({m.pk: m for m in facts}.values())[:MAX_FACTS]
    if not facts:
        return rules
    prompt = PROMPT_ZH if candidate.lang == "zh" else PROMPT_EN
    existing = "\n".join(f"{i}. {_line(m)}" for i, m in enumerate(facts))
    new = f"[{candidate.kind}] {candidate.value}" + (
        " (retraction)" if candidate.retraction else ""
    )
    messages = [
        {"role": "system", "content": prompt},
        {"role": "user", "content": f"EXISTING:\n{existing}\n\nNEW: {new}"},
    ]
    try:
        answer = chat_json(messages, _validate(len(facts)))
    except LlmError as exc:
        return Decision(rules.event, rules.target, f"rules (llm failed: {exc}): {rules.reason}")
    target = None if answer["event"] == "ADD" else facts[answer["fact"]]
    return Decision(answer["event"], target, f"llm: {answer['reason']}".strip())
