"""Chat with memory: find the user's memories for the last user turns, put them before the
conversation as a system block, call the routed upstream model (plain or streaming), and hand
the exchange to the memory pipeline afterwards (queued, so the answer never waits for it).

The upstream body is the client's own, with `model` replaced by the upstream's name, the
memory block added and the model's `extra_body` merged: parameters we do not know (top_p, tools,
response_format, ...) pass through untouched."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection

from apps.chat.routing import ChatModel
from apps.core.degraded import postgres_failed
from apps.core.errors import AppError, ExternalServiceError
from apps.core.tenancy import tenant_scope
from apps.core.usage import llm_usage_count
from apps.memories import selectors
from apps.memories.query import text_of
from apps.memories.registry import processing_check
from apps.memories.services import MessageIn, Scope, memory_add
from apps.tenants.models import Tenant

logger = logging.getLogger(__name__)

CONTEXT_HEADER_EN = "Relevant memories about the user (use them when they help; they may be stale):"
CONTEXT_HEADER_ZH = "关于用户的相关记忆（有帮助时使用，可能已过时）："


@dataclass
class ChatTurn:
    tenant: Tenant
    user_id: str | None  # None: no memory is read or written
    messages: list[dict[str, Any]]
    body: dict[str, Any]  # the client's request body, passed through
    model: ChatModel
    actor: str
    agent_id: str = ""
    conversation_id: str = ""
    # MemOS cubes: the users' memory spaces to read from and to write the exchange to
    # (default: `user_id`'s own); `memory_limit` and `threshold` as MemOS's top_k / relativity.
    read_from: list[str] | None = None
    write_to: list[str] | None = None
    memory_limit: int | None = None
    threshold: float | None = None
    infer: bool | None = None  # None: the tenant's `chat_infer` setting (default on)
    hits: list[Any] = field(default_factory=list)  # what was injected (selectors.Hit)
    memories: list[str] = field(default_factory=list)  # the memory ids injected
    # Memory spaces a processing gate refused ({space: code}, e.g. consent_required): the chat
    # still answers, without reading or writing their memory (see memory_gates).
    refused: dict[str, str] = field(default_factory=dict)


def _query(messages: list[dict[str, Any]]) -> str:
    """The user's last turn (with the one before it when it is short): whether there is
    anything to look up, and which language the memory block is written in."""
    users = [text_of(m.get("content")) for m in messages if m.get("role") == "user"]
    users = [u for u in users if u.strip()]
    if not users:
        return ""
    last = users[-1]
    if len(last) < 40 and len(users) > 1:
        last = f"{users[-2]}\n{last}"
    return last[-2000:]


def memory_gates(turn: ChatTurn) -> None:
    """Asks the processing gates ("chat") for every memory space the turn reads or writes, once
    per request. A refused space (its user has not given the consent the tenant requires) is
    neither searched nor written back; the chat itself still answers, as it would for a user
    without memories, and the API names the refusal (X-Memory-Refused). Refusing the whole
    request instead would make one missing consent break an application's chat."""
    reads = turn.read_from if turn.read_from is not None else [turn.user_id or ""]
    writes = turn.write_to if turn.write_to is not None else [turn.user_id or ""]
    for space in dict.fromkeys(s for s in [*reads, *writes] if s):
        try:
            processing_check(tenant=turn.tenant, user_id=space, activity="chat")
        except AppError as exc:
            turn.refused[space] = exc.code


def memory_search_for(turn: ChatTurn) -> list[Any]:
    """The turn's memories for its dialogue (searched for by its last turns: see
    apps.memories.query): from each space it reads, best first."""
    spaces = turn.read_from if turn.read_from is not None else [turn.user_id or ""]
    limit = turn.memory_limit or settings.CHAT_MEMORY_LIMIT
    hits = []
    for space in [s for s in spaces if s and s not in turn.refused]:
        hits += selectors.memory_search(
            tenant=turn.tenant,
            q=selectors.SearchQuery(
                query="", messages=turn.messages, user_id=space,
                agent_id=turn.agent_id or None, limit=limit,
                threshold=turn.threshold,
            ),
        )  # fmt: skip
    return sorted(hits, key=lambda h: -h.score)[:limit]


def memory_context(turn: ChatTurn) -> list[dict[str, Any]]:
    """The messages to send upstream: the client's, with a system block of memories in front
    of the first non-system message. Records which memories went in."""
    memory_gates(turn)
    query = _query(turn.messages)
    if not (turn.user_id or turn.read_from) or not query or settings.CHAT_MEMORY_LIMIT == 0:
        return turn.messages
    try:
        hits = memory_search_for(turn)
    except (OperationalError, InterfaceError) as exc:  # degraded: answer without memory
        postgres_failed(exc)
        return turn.messages
    if not hits:
        return turn.messages
    turn.hits = hits
    turn.memories = [str(h.memory.pk) for h in hits]
    zh = any("\u4e00" <= ch <= "\u9fff" for ch in query)
    lines = []
    for hit in hits:
        when = hit.memory.occurred_at or hit.memory.created_at
        lines.append(f"- [{when:%Y-%m-%d}] {hit.memory.value}")
    block = {
        "role": "system",
        "content": (CONTEXT_HEADER_ZH if zh else CONTEXT_HEADER_EN) + "\n" + "\n".join(lines),
    }
    first = next(
        (i for i, m in enumerate(turn.messages) if m.get("role") != "system"), len(turn.messages)
    )
    return [*turn.messages[:first], block, *turn.messages[first:]]


# Fields of the request that are ours to read, not the model's: the rest passes through.
OURS = {"user", "user_id", "messages", "model", "agent_id", "conversation_id"}


def upstream_body(turn: ChatTurn, messages: list[dict[str, Any]], *, stream: bool) -> dict:
    body = {k: v for k, v in turn.body.items() if k not in OURS}
    body.update(turn.model.extra_body)
    body.update({"model": turn.model.name, "messages": messages, "stream": stream})
    if stream:
        options = dict(body.get("stream_options") or {})
        options.setdefault("include_usage", True)
        body["stream_options"] = options
    return body


def _headers(model: ChatModel) -> dict[str, str]:
    return {"Authorization": f"Bearer {model.api_key}"} if model.api_key else {}


def _url(model: ChatModel) -> str:
    return model.api_base.rstrip("/") + "/chat/completions"


def _upstream_error(model: ChatModel, what: str) -> ExternalServiceError:
    logger.warning("chat upstream %s failed: %s", model.name, what)
    return ExternalServiceError(
        f"The upstream model {model.name!r} failed: {what}.", code="upstream_failed"
    )


def chat_complete(turn: ChatTurn) -> dict[str, Any]:
    """The upstream's completion, in OpenAI's shape (with `usage`)."""
    messages = memory_context(turn)
    try:
        response = httpx.post(
            _url(turn.model), json=upstream_body(turn, messages, stream=False),
            headers=_headers(turn.model), timeout=settings.CHAT_TIMEOUT,
        )  # fmt: skip
    except httpx.TimeoutException as exc:
        raise _upstream_error(turn.model, "timeout") from exc
    except httpx.HTTPError as exc:
        raise _upstream_error(turn.model, type(exc).__name__) from exc
    if response.status_code != 200:
        raise _upstream_error(turn.model, f"HTTP {response.status_code}")
    try:
        completion = response.json()
        answer = text_of(completion["choices"][0]["message"].get("content"))
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise _upstream_error(turn.model, "a reply that is not a chat completion") from exc
    llm_usage_count(answer=completion)
    completion.setdefault("object", "chat.completion")
    completion.setdefault("usage", {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0})
    remember(turn, answer)
    return completion


@dataclass
class ChatStream:
    """An open upstream stream: SSE lines to relay as they come, then the write-back."""

    turn: ChatTurn
    response: httpx.Response
    client: httpx.Client
    answer: list[str] = field(default_factory=list)

    def lines(self) -> Iterator[bytes]:
        """The upstream's events, then `[DONE]`. A stream that ends without the upstream's
        `[DONE]` (cut, or broken) gets an error event first, and nothing is remembered."""
        done = False
        try:
            for line in self.response.iter_lines():
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    done = True
                    break
                self._collect(data)
                yield f"data: {data}\n\n".encode()
        except httpx.HTTPError as exc:
            logger.warning("chat stream from %s broke: %s", self.turn.model.name, exc)
        finally:
            self.response.close()
            self.client.close()
        if done:  # before the last event: a client that has it may hang up at once
            remember(self.turn, "".join(self.answer))
        else:
            error = {"error": {"type": "ExternalServiceError",
                               "message": "The upstream model's stream ended early."}}  # fmt: skip
            yield f"data: {json.dumps(error)}\n\n".encode()
        if not connection.in_atomic_block:
            connection.close()  # this may run on a relay thread that outlives the request
        yield b"data: [DONE]\n\n"

    def abort(self) -> None:
        """The client left: close the upstream connection (from any thread), which also ends
        `lines` wherever it is waiting."""
        self.response.close()
        self.client.close()

    def _collect(self, data: str) -> None:
        try:
            chunk = json.loads(data)
            for choice in chunk.get("choices") or []:
                piece = (choice.get("delta") or {}).get("content")
                if isinstance(piece, str):
                    self.answer.append(piece)
        except (ValueError, AttributeError):
            pass


def chat_stream_open(turn: ChatTurn) -> ChatStream:
    """Connects and checks the upstream's status before anything is sent to the client, so a
    failing upstream is still a 502 and not a broken stream."""
    messages = memory_context(turn)
    client = httpx.Client(timeout=settings.CHAT_TIMEOUT)
    request = client.build_request(
        "POST", _url(turn.model), json=upstream_body(turn, messages, stream=True),
        headers=_headers(turn.model),
    )  # fmt: skip
    try:
        response = client.send(request, stream=True)
    except httpx.TimeoutException as exc:
        client.close()
        raise _upstream_error(turn.model, "timeout") from exc
    except httpx.HTTPError as exc:
        client.close()
        raise _upstream_error(turn.model, type(exc).__name__) from exc
    if response.status_code != 200:
        response.close()
        client.close()
        raise _upstream_error(turn.model, f"HTTP {response.status_code}")
    llm_usage_count(answer=None)  # a stream's tokens are not known here
    return ChatStream(turn=turn, response=response, client=client)


def remember(turn: ChatTurn, answer: str) -> None:
    """Hand the exchange (the last user turn and the answer) to the memory pipeline, queued,
    in every space the turn writes to. A failure here is logged: the user has the answer."""
    spaces = turn.write_to if turn.write_to is not None else [turn.user_id or ""]
    spaces = [s for s in spaces if s and s not in turn.refused]
    if not spaces:
        return
    last_user = next(
        (text_of(m.get("content")) for m in reversed(turn.messages) if m.get("role") == "user"), ""
    )
    messages = [MessageIn(role="user", content=last_user)] if last_user.strip() else []
    if answer.strip():
        messages.append(MessageIn(role="assistant", content=answer))
    if not messages:
        return
    infer = turn.infer
    if infer is None:
        infer = turn.tenant.settings.get("chat_infer", True) is not False
    for space in spaces:
        try:
            with tenant_scope(turn.tenant.pk):
                memory_add(
                    tenant=turn.tenant,
                    scope=Scope(user_id=space, agent_id=turn.agent_id,
                                conversation_id=turn.conversation_id),
                    messages=messages, event_id=None, infer=infer, async_mode="async",
                    actor=turn.actor, defer_turns=True,  # the answer never waits
                )  # fmt: skip
        except (OperationalError, InterfaceError) as exc:
            postgres_failed(exc)  # degraded: the answer went out; the turn cannot be kept
        except AppError as exc:  # a gate refused the store (suppressed, consent withdrawn)
            logger.info("chat write-back refused for a user: %s", exc.code)
        except Exception:
            logger.exception("chat write-back to memory failed for %s", space)
