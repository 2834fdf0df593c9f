"""What a search looks for when it is handed a dialogue instead of a question.

Assistants look memories up with the conversation so far: chat's `messages`, MemOS's and mem0's
clients with a transcript pasted into `query` ("user: ...\\nassistant: ..."). Measured on the
dialogue benchmark (bench/dialogue.py, docs/benchmarks.md, issue 11), the content of the last
three turns, without role labels, is the best query among the forms tried (the whole transcript,
the user's turns, the last user turn, the last 2-6 turns with and without labels, per-turn
queries fused, a decaying weighted mean of the turn embeddings): the latest user turn says what
is needed now, the exchange just before it says what about; older turns mostly add noise, and
the labels ("user:", "assistant:") pull every labelled memory closer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

DIALOGUE_TURNS = 3
QUERY_MAX_CHARS = 2000
# "user: ...", "Assistant：...", "Human: ...", "用户：..." at the start of a line
_LABEL = re.compile(
    r"^\s*(user|assistant|system|human|ai|bot|me|用户|助手|系统)\s*[:：]\s*(.*)$", re.IGNORECASE
)
_ROLES = {"human": "user", "me": "user", "用户": "user", "ai": "assistant", "bot": "assistant",
          "助手": "assistant", "系统": "system"}  # fmt: skip


@dataclass(frozen=True)
class LookupText:
    text: str  # what is embedded and keyword-matched
    dialogue: bool  # built from several turns (ranked as a dialogue: see selectors.search)


def text_of(content: Any) -> str:
    """The text of a message's content: a string, or OpenAI-style parts ({"type": "text"})."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(
            str(part.get("text", "")) for part in content
            if isinstance(part, Mapping) and part.get("type") in {"text", "input_text"}
        ).strip()  # fmt: skip
    return ""


def transcript_turns(query: str) -> list[tuple[str, str]] | None:
    """The turns of a query written as a transcript (at least two labelled lines; unlabelled
    lines continue the turn above them), or None when it is not one."""
    turns: list[tuple[str, str]] = []
    for line in query.splitlines():
        match = _LABEL.match(line)
        if match:
            role = match.group(1).lower()
            turns.append((_ROLES.get(role, role), match.group(2).strip()))
        elif turns and line.strip():
            role, content = turns[-1]
            turns[-1] = (role, f"{content}\n{line.strip()}")
        elif line.strip():
            return None  # text before the first label: prose, not a transcript
    return turns if len(turns) >= 2 else None


def dialogue_text(turns: Iterable[tuple[str, str]]) -> str:
    """The last DIALOGUE_TURNS non-empty, non-system turns' text, oldest first."""
    said = [content.strip() for role, content in turns if role != "system" and content.strip()]
    return "\n".join(said[-DIALOGUE_TURNS:])[-QUERY_MAX_CHARS:]


def lookup_text(query: str, messages: list[Mapping[str, Any]] | None = None) -> LookupText:
    """What to search for: the dialogue's last turns when `messages` are given or `query` is a
    transcript; `query` itself otherwise."""
    if messages:
        turns = [(str(m.get("role", "user")), text_of(m.get("content"))) for m in messages]
        if query.strip():  # a question asked about the dialogue comes last
            turns.append(("user", query))
        said = [t for t in turns if t[0] != "system" and t[1].strip()]
        return LookupText(dialogue_text(turns), dialogue=len(said) >= 2)
    turns = transcript_turns(query)
    if turns is None:
        return LookupText(query, dialogue=False)
    return LookupText(dialogue_text(turns), dialogue=True)
