"""The LLM extractor: structured JSON facts from an OpenAI-compatible chat model, validated
against the schema below, falling back to the offline rules when the model fails."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from apps.memories.models import Message
from apps.pipeline.extraction import Extraction, Extractor
from apps.pipeline.extraction.rules import KINDS, Candidate, norm
from apps.pipeline.llm import LlmError, chat_json

PROMPT_EN = """Extract durable facts about the USER from the conversation below (identity, job,
family and pets, places, preferences, dislikes, health, plans, possessions, dated events).
Resolve relative times ("yesterday", "last Friday") to absolute dates using each message's date.
Write each fact as a short sentence in the user's own language. Mark explicit retractions
("I don't have a dog anymore") with "retraction": true. Return JSON only:
{"facts": [{"message": <index of the message>, "kind": one of %s,
  "slot": "<attribute, e.g. place:home, job:employer, taste:coffee>", "object": "<key words>",
  "value": "<the fact>", "date": "YYYY-MM-DD" or null, "retraction": false}]}"""
PROMPT_ZH = """从下面的对话中提取关于用户本人的长期事实（身份、工作、家人和宠物、地点、喜好、厌恶、健康、计划、
物品、带日期的事件）。根据每条消息的日期把相对时间（“昨天”“上周五”）换算成具体日期。每条事实用用户自己的语言写成一句短句。
明确的撤回（“我已经不养狗了”）标记 "retraction": true。只返回 JSON：
{"facts": [{"message": <消息序号>, "kind": %s 之一, "slot": "<属性，如 place:home、job:employer、taste:咖啡>",
  "object": "<关键词>", "value": "<事实>", "date": "YYYY-MM-DD" 或 null, "retraction": false}]}"""


def _validate(count: int) -> Any:
    def check(payload: dict[str, Any]) -> list[dict[str, Any]]:
        facts = payload.get("facts")
        if not isinstance(facts, list):
            raise LlmError("schema: 'facts' must be a list")
        out = []
        for fact in facts:
            if not isinstance(fact, dict):
                raise LlmError("schema: a fact must be an object")
            index, kind, value = fact.get("message"), fact.get("kind"), fact.get("value")
            if not isinstance(index, int) or not 0 <= index < count:
                raise LlmError("schema: 'message' must index a message")
            if kind not in KINDS or not isinstance(value, str) or not value.strip():
                raise LlmError("schema: bad 'kind' or empty 'value'")
            date = fact.get("date")
            if date is not None:
                try:
                    datetime.strptime(str(date), "%Y-%m-%d")
                except ValueError as exc:
                    raise LlmError("schema: 'date' must be YYYY-MM-DD") from exc
            out.append(fact)
        return out

    return check


class LlmExtractor:
    def __init__(self, *, fallback: Extractor) -> None:
        self.fallback = fallback

    def run(self, messages: list[Message]) -> Extraction:
        users = [m for m in messages if m.role == "user" and m.content.strip()]
        if not users:
            return Extraction(facts=[], extractor="llm")
        zh = (
            sum(1 for m in users if any("\u4e00" <= c <= "\u9fff" for c in m.content))
            > len(users) / 2
        )
        prompt = (PROMPT_ZH if zh else PROMPT_EN) % ", ".join(KINDS)
        listing = "\n".join(
            f"[{i}] ({m.timestamp:%Y-%m-%d %A}) {m.role}: {m.content[:2000]}"
            for i, m in enumerate(messages)
        )
        try:
            facts = chat_json(
                [{"role": "system", "content": prompt}, {"role": "user", "content": listing}],
                _validate(len(messages)),
            )
        except LlmError as exc:
            fallen = self.fallback.run(messages)
            return Extraction(facts=fallen.facts, extractor=f"rules (llm failed: {exc})"[:300])
        out = []
        for fact in facts:
            message = messages[fact["message"]]
            if message.role != "user":
                continue
            date = fact.get("date")
            occurred = (datetime.combine(datetime.strptime(date, "%Y-%m-%d").date(), time(12),
                                         tzinfo=UTC) if date else None)  # fmt: skip
            obj = str(fact.get("object") or "")[:80]
            slot = str(fact.get("slot") or "")[:120] or (
                f"{fact['kind']}:{norm(obj)}" if obj else fact["kind"]
            )
            out.append(Candidate(
                kind="retraction" if fact.get("retraction") else fact["kind"],
                key="event" if fact["kind"] == "event" else slot,
                value=fact["value"].strip()[:2000],
                lang="zh" if zh else "en", obj=obj, retraction=bool(fact.get("retraction")),
                occurred_at=occurred, time_precision="day" if occurred else "",
                confidence=0.9, source_ids=[message.pk],
                tags=[] if fact.get("retraction") else [fact["kind"]],
            ))  # fmt: skip
        return Extraction(facts=out, extractor="llm")
