"""MemOS's `/product/suggestions`: follow-up questions for a user, from their memories or from
the last turns of a dialogue.

Offline by default: the user's most mentioned and most recent memories (facts first) are turned
into questions with fixed templates in the user's language, so the same memories always give the
same questions. With an LLM configured (LLM_API_BASE) the model writes them from the same
memories, answering JSON `{"query": [...]}`; any failure or malformed reply falls back to the
offline questions."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings

from apps.memories.models import Memory
from apps.memories.selectors import memory_list
from apps.pipeline import llm
from apps.tenants.models import Tenant

COUNT = 3
SNIPPET = {"en": 60, "zh": 24}
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

TEMPLATES = {
    "en": ("What else do you remember about “{x}”?", "How does “{x}” matter for my plans?",
           "Can you remind me of the details of “{x}”?"),
    "zh": ("关于“{x}”，你还记得哪些细节？", "“{x}”对我接下来的安排有什么影响？",
           "能再提醒我一下“{x}”的具体情况吗？"),
}  # fmt: skip
DIALOGUE = {
    "en": ("Can you tell me more about “{x}”?", "What should I do next about “{x}”?",
           "What do you remember about “{x}” from before?"),
    "zh": ("能再详细说说“{x}”吗？", "关于“{x}”，我下一步该做什么？", "之前关于“{x}”你还记得什么？"),
}  # fmt: skip
EMPTY = {
    "en": ["What do you remember about me?", "What did we talk about last time?",
           "What should I focus on today?"],
    "zh": ["你还记得关于我的哪些事？", "我们上次聊了什么？", "我今天应该专注做什么？"],
}  # fmt: skip


def language_of(texts: list[str]) -> str:
    """Chinese ("zh") when most of the texts are written in it, else English ("en")."""
    chinese = sum(1 for t in texts if len(_HAN.findall(t)) * 2 >= len(t.strip()) / 2)
    return "zh" if texts and chinese * 2 >= len(texts) else "en"


def _snippet(text: str, language: str) -> str:
    text = " ".join(text.split()).strip(" .。!！?？")
    limit = SNIPPET[language]
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _memories(tenant: Tenant, user_id: str) -> list[Memory]:
    """The user's hottest memories, facts before turns, newest first among equals."""
    rows = memory_list(tenant=tenant, user_id=user_id, view="distilled")
    hottest = list(rows.order_by("-mentions", "-access_count", "-created_at")[:50])
    return sorted(hottest, key=lambda m: m.kind == "turn")  # stable: facts first


def _from_texts(texts: list[str], templates: tuple[str, ...], language: str) -> list[str]:
    texts = list(dict.fromkeys(_snippet(t, language) for t in texts if t.strip()))[:COUNT]
    return [templates[i % len(templates)].format(x=t) for i, t in enumerate(texts)]


def _dialogue_texts(message: Any) -> list[str]:
    if isinstance(message, str):
        return [message]
    users = [m["content"] for m in message if m.get("role") == "user"]
    return (users or [m["content"] for m in message])[-2:][::-1]


def _validated(reply: dict[str, Any]) -> list[str]:
    queries = reply.get("query")
    if not isinstance(queries, list) or not 1 <= len(queries) <= 10 or not all(
        isinstance(q, str) and 0 < len(q.strip()) <= 300 for q in queries
    ):  # fmt: skip
        raise llm.LlmError("reply has no list of questions under `query`")
    return [q.strip() for q in queries][:COUNT]


def _llm_questions(source: str, language: str) -> list[str]:
    tongue = "Chinese" if language == "zh" else "English"
    prompt = (f"Write {COUNT} short follow-up questions, in {tongue}, that this user might ask "
              "an assistant that remembers the following. Answer with JSON "
              f'{{"query": ["question", ...]}} only.\n\n{source}')  # fmt: skip
    return llm.chat_json([{"role": "system", "content": "You suggest questions to ask."},
                          {"role": "user", "content": prompt}], _validated)  # fmt: skip


def suggestions_make(
    *, tenant: Tenant, user_id: str, language: str | None, message: Any = None
) -> dict[str, Any]:
    """{"query": [questions], "source": "memories" | "dialogue", "generator": "llm" |
    "templates" | "templates (llm failed: ...)"}; `language` None: the memories' own."""
    if message:
        texts = _dialogue_texts(message)
        source = "dialogue"
    else:
        texts = [m.value for m in _memories(tenant, user_id)]
        source = "memories"
    language = language or language_of(texts)
    templates = DIALOGUE if message else TEMPLATES
    offline = _from_texts(texts, templates[language], language) or EMPTY[language]
    generator = "templates"
    if texts and settings.LLM_API_BASE:
        try:
            return {"query": _llm_questions("\n".join(t[:200] for t in texts[:COUNT * 2]),
                                            language),
                    "source": source, "generator": "llm"}  # fmt: skip
        except llm.LlmError as exc:
            generator = f"templates (llm failed: {exc})"[:200]
    return {"query": offline, "source": source, "generator": generator}
