"""The graph's pipeline stage: an *unordered* stage (apps.memories.registry) on the `graph`
queue, run once a batch added with `infer` on is done. It extracts relations from the batch's
user turns and from the facts the pipeline made of them, each edge's source pointing at the
memory (and message) it came from, so that the memory's deletion retracts it.

A batch that is a transcript of several people ("Caroline: ...", "Melanie: ...": at least two
user turns open with a name and a colon, or turns whose metadata names the speaker) has each
turn's "I" stand for its speaker, not for the user the batch was stored under.

Idempotent: a memory that is already the source of an edge is not extracted again, so a
redelivered task neither duplicates edges nor replays an older statement over a newer one."""

from __future__ import annotations

import logging
import re

from apps.core.errors import AppError
from apps.graph.models import RelationSource
from apps.graph.services import graph_store, triples_extract
from apps.memories import registry
from apps.memories.models import Memory, Message
from apps.memories.registry import StageInput, StageResult

logger = logging.getLogger(__name__)

# "Caroline: ...", "Mary Ann: ...", "张伟：...": a name of one to three capitalised words or of
# two to four Chinese characters, then a colon.
_SPEAKER = re.compile(
    r"^\s*(?P<name>[A-Z][\w.'-]{0,20}(?: [A-Z][\w.'-]{0,20}){0,2}|[\u4e00-\u9fff]{2,4})\s*[:：]\s*"
)
_NOT_NAMES = frozenset({"User", "Assistant", "System", "Human", "Note", "Update", "Edit", "PS"})
_PRONOUN = "我你您他她它这那"  # "我觉得：..." is not a speaker


def _named(message: Message) -> str | None:
    """Who a turn names as its speaker: metadata `speaker`/`name`, else a "Name: " prefix."""
    meta = message.metadata if isinstance(message.metadata, dict) else {}
    for key in ("speaker", "name"):
        if isinstance(meta.get(key), str) and meta[key].strip():
            return meta[key].strip()[:100]
    match = _SPEAKER.match(message.content)
    if match and match.group("name") not in _NOT_NAMES and match.group("name")[0] not in _PRONOUN:
        return match.group("name")
    return None


def speakers(messages: list[Message]) -> dict[int, str]:
    """{message id: speaker} when the batch is a transcript of named speakers, else {}."""
    named = {m.pk: _named(m) for m in messages if m.role == "user"}
    found = {pk: name for pk, name in named.items() if name}
    by_meta = any(_meta_names(m) for m in messages)
    return found if by_meta or len(found) >= 2 else {}


def _meta_names(message: Message) -> bool:
    meta = message.metadata if isinstance(message.metadata, dict) else {}
    return any(isinstance(meta.get(k), str) and meta[k].strip() for k in ("speaker", "name"))


# Turns are taken from the stage's input (user turns only); a question with its answer is not a
# statement of the user's.
NOT_FACTS = ("turn", "qa", "faq_candidate", "faq")


def _user_message_ids(stage_input: StageInput) -> set[int]:
    return {m.pk for m in stage_input.messages if m.role == "user"}


def _facts(stage_input: StageInput, message_ids: set[int]) -> list[Memory]:
    """The batch's facts: active memories of the user, not turns, sourced from its messages."""
    if not message_ids:
        return []
    rows = Memory.objects.filter(
        tenant=stage_input.batch.tenant,
        user_id=stage_input.user_id,
        status=Memory.Status.ACTIVATED,
        created_at__gte=stage_input.batch.created_at,
    ).exclude(kind__in=NOT_FACTS)
    return [m for m in rows if any(s.get("message_id") in message_ids for s in m.sources or [])]


def graph_stage(stage_input: StageInput) -> StageResult | None:
    tenant, user_id = stage_input.batch.tenant, stage_input.user_id
    try:
        registry.processing_check(tenant=tenant, user_id=user_id, activity="extract")
    except AppError:  # consent withdrawn or user suppressed since the batch ran
        return None
    message_ids = _user_message_ids(stage_input)
    turns = [t for t in stage_input.turns
             if any(s.get("message_id") in message_ids for s in t.sources or [])]  # fmt: skip
    memories = [*turns, *_facts(stage_input, message_ids)]
    done = set(
        RelationSource.objects.filter(
            tenant=tenant, memory_id__in=[m.pk for m in memories]
        ).values_list("memory_id", flat=True)
    )
    by_id = {m.pk: m for m in stage_input.messages}
    named = speakers(list(stage_input.messages))
    sourced = []
    for memory in memories:
        message_id = next((s.get("message_id") for s in memory.sources or []
                           if s.get("message_id") in message_ids), None)  # fmt: skip
        if message_id is not None and memory.pk not in done:
            sourced.append((by_id[message_id], memory))
    # In the order things were said, so that a later statement closes an earlier one.
    for message, memory in sorted(sourced, key=lambda p: (p[0].timestamp, p[0].pk)):
        try:
            text = memory.value
            if message.pk in named:  # the turn without its "Name: ", so that its "I" is read
                text = _SPEAKER.sub("", text, count=1)
            triples, _ = triples_extract(text)
        except Exception:  # an extractor bug on odd text must not fail the add (degraded mode
            # runs this stage inline in the request) nor stop the batch's other memories
            logger.exception("graph extraction failed on memory %s", memory.pk)
            continue
        if triples:
            graph_store(tenant=tenant, user_id=user_id, triples=triples,
                        memory_id=str(memory.pk), message_id=message.pk,
                        valid_from=message.timestamp, speaker=named.get(message.pk))  # fmt: skip
    return None
