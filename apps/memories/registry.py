"""Where the apps above the floor plug into it, so that the floor never imports them.

`apps.memories` is the floor of the product (docs: STYLE.md, "The direction of the
architecture"): it imports nothing from the apps that stand on it (pipeline, chat, compat; later
graph, multimodal, privacy, wiki), and tests/test_architecture.py fails when it does. What the
floor must call back into those apps is registered here instead, from their
`AppConfig.ready()`:

- *access hooks*: once search-hit counters are folded into the memories (`access.access_flush`),
  every hook is called per tenant, inside that tenant's scope, with the ids of the memories that
  were hit. The pipeline registers the heat refresh of topic segments.
- *relations*: a user's knowledge-graph edges in mem0's shapes, for the mem0 compatibility
  paths (`enable_graph`). One provider, the graph; without one there are none.
- *retrieve tiers*: what `/v1/memory/retrieve` shows beyond raw turns and search hits: the heat
  of each hit's topic segment (mid-term) and the user's profile and knowledge (long-term). One
  provider, the pipeline; without one, heat is 0.0 and long_term is None.
- *stages*: what runs after an add's turns are stored (below).
- *per-user data*: an exporter, a counter and an eraser for every collection that holds an end
  user's data (the privacy app's GDPR export and erasure walk it).
- *processing gates*: checks (consent, suppression) asked before anything is stored or
  processed for an end user.
- *linked memories*: memories linked to what a search query names (the graph's neighbourhood
  of the entities named), fused by search as one more ranking.

Registering is idempotent: `ready()` may run more than once (tests, management commands).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

# content parts (non-text parts of an add's messages) live in their own module; same registry
from apps.memories.content_parts import (  # noqa: F401
    ContentPartHandler,
    content_part_handler,
    content_part_handler_register,
    content_parts_fingerprint,
    content_parts_store,
)

if TYPE_CHECKING:
    from datetime import datetime

    from apps.memories.models import AddBatch, Memory, Message
    from apps.tenants.models import Tenant


# --- access hooks (after search hits are folded into memories) --------------------------------


class AccessHook(Protocol):
    def __call__(self, *, tenant: Tenant, memory_ids: list[str]) -> None: ...


_access_hooks: list[AccessHook] = []


def access_hook_register(hook: AccessHook) -> None:
    if hook not in _access_hooks:
        _access_hooks.append(hook)


def access_hooks() -> tuple[AccessHook, ...]:
    return tuple(_access_hooks)


# --- retrieve tiers (/v1/memory/retrieve's mid-term heat and long-term profile) ---------------


class SegmentHeat(Protocol):
    def __call__(self, *, tenant: Tenant, segment_ids: Collection[UUID]) -> dict[UUID, float]: ...


class LongTerm(Protocol):
    def __call__(self, *, tenant: Tenant, user_id: str) -> dict[str, Any] | None: ...


@dataclass(frozen=True)
class RetrieveTiers:
    segment_heat: SegmentHeat  # {segment id: heat} of the given segments
    long_term: LongTerm  # the user's profile and knowledge, or None when there is none


_retrieve_tiers: list[RetrieveTiers] = []


def retrieve_tiers_register(tiers: RetrieveTiers) -> None:
    """One provider: registering again replaces it."""
    _retrieve_tiers[:] = [tiers]


def retrieve_tiers() -> RetrieveTiers | None:
    return _retrieve_tiers[0] if _retrieve_tiers else None


# --- stages (post-store pipeline stages) ---
# The memories app stores, embeds and indexes an add's raw turns before the add answers, and knows
# nothing else about what happens to them. For batches added with `infer` on it runs the stages
# registered here:
# - an *ordered* stage runs inside the batch's task, under the user's lock, in the order the
#   user's batches were added; the batch is `done` once every ordered stage has run, and what they
#   return (memories made, the extractor used, reconciliation decisions) is recorded on it;
# - an *unordered* stage runs as its own task on its own queue once the batch is done (e.g. graph
#   extraction on the `graph` queue). It must be idempotent: a redelivered task runs it again.


@dataclass
class StageInput:
    batch: AddBatch
    user_id: str
    agent_id: str
    conversation_id: str
    messages: list[Message]
    turns: list[Memory]  # the batch's turns as stored by the add (kind "turn")
    actor: str


@dataclass
class StageResult:
    memories: list[Memory] = field(default_factory=list)  # memories the stage created
    extractor: str = ""
    decisions: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[StageInput], StageResult | None]
    queue: str = "ingest"
    ordered: bool = True


_STAGES: dict[str, Stage] = {}


def stage_register(stage: Stage) -> None:
    """Called from an AppConfig.ready(); registering the same name again replaces it."""
    _STAGES[stage.name] = stage


def stage_unregister(name: str) -> None:
    _STAGES.pop(name, None)


def stages_list(*, ordered: bool | None = None) -> list[Stage]:
    return [s for s in _STAGES.values() if ordered is None or s.ordered == ordered]


def stage_get(name: str) -> Stage | None:
    return _STAGES.get(name)


# --- memory removal hooks (what was derived from memories follows them) ---------------------------
# Called by the floor, once per batch of ids, inside the transaction that soft-deletes memories
# (status `deleted`: `erase=False`, a retraction) and, with `erase=True`, before memories are
# hard-deleted (GDPR erasure). The graph closes or deletes the edges those memories were the
# only source of.


class MemoryRemovalHook(Protocol):
    def __call__(self, *, tenant: Tenant, memory_ids: list[str], erase: bool) -> None: ...


_memory_removal_hooks: list[MemoryRemovalHook] = []


def memory_removal_hook_register(hook: MemoryRemovalHook) -> None:
    if hook not in _memory_removal_hooks:
        _memory_removal_hooks.append(hook)


def memories_removed(*, tenant: Tenant, memory_ids: list[str], erase: bool) -> None:
    if not memory_ids:
        return
    for hook in _memory_removal_hooks:
        hook(tenant=tenant, memory_ids=memory_ids, erase=erase)


# Called by the floor inside the transaction that brings soft-deleted memories back (status
# `activated` again): the graph reopens the edges their deletion closed.


class MemoryRestoreHook(Protocol):
    def __call__(self, *, tenant: Tenant, memory_ids: list[str]) -> None: ...


_memory_restore_hooks: list[MemoryRestoreHook] = []


def memory_restore_hook_register(hook: MemoryRestoreHook) -> None:
    if hook not in _memory_restore_hooks:
        _memory_restore_hooks.append(hook)


def memories_restored(*, tenant: Tenant, memory_ids: list[str]) -> None:
    if not memory_ids:
        return
    for hook in _memory_restore_hooks:
        hook(tenant=tenant, memory_ids=memory_ids)


# --- linked memories (graph-aware retrieval) -----------------------------------------------------
# Search asks every provider which memories are linked to what the query names (the graph: the
# sources of edges within two hops of the entities named) and fuses them, nearest first, as one
# more ranking (apps.memories.selectors.linked). Without a provider there is no such ranking.


class LinkedMemories(Protocol):
    def __call__(
        self, *, tenant: Tenant, user_id: str | None, text: str, limit: int
    ) -> dict[str, int]: ...  # {memory id: hops from an entity the text names (1, 2, ...)}


_linked_memories: list[LinkedMemories] = []


def linked_memories_register(provider: LinkedMemories) -> None:
    if provider not in _linked_memories:
        _linked_memories.append(provider)


def linked_memories(
    *, tenant: Tenant, user_id: str | None, text: str, limit: int
) -> dict[str, int]:
    """{memory id: fewest hops} over every provider ({} without one)."""
    found: dict[str, int] = {}
    for provider in _linked_memories:
        for memory_id, hops in provider(
            tenant=tenant, user_id=user_id, text=text, limit=limit
        ).items():
            found[memory_id] = min(hops, found.get(memory_id, hops))
    return found


# --- per-user data (privacy: GDPR export and erasure) ------------------------------------------
# Every app that stores anything about an end user registers, from its AppConfig.ready(), one
# `UserData` per collection: how to export it, how to count it and how to erase it. The privacy
# app walks this registry and knows nothing else about where a user's data lives; a table that
# holds user data and is not covered by some entry's `models` fails tests/privacy (the model walk).
# An entry of Redis keys lists no models. The floor registers its own collections (messages,
# memories, versions, batches, term stats, import stages, access counters).


class UserExport(Protocol):
    def __call__(self, *, tenant: Tenant, user_id: str) -> Iterable[dict[str, Any]]: ...


class UserCount(Protocol):
    def __call__(self, *, tenant: Tenant, user_id: str) -> int: ...


class UserErase(Protocol):
    def __call__(self, *, tenant: Tenant, user_id: str) -> int: ...


@dataclass(frozen=True)
class UserData:
    name: str  # the collection: the export's file name (<name>.jsonl) and the receipt's key
    export: UserExport  # JSON-ready rows, streamed (a user may have millions)
    count: UserCount  # rows or keys `erase` would remove (dry_run, progress)
    erase: UserErase  # removes them, returns how many; idempotent (a retry after `partial`)
    models: tuple[str, ...] = ()  # "app_label.ModelName" of the tables this entry covers
    order: int = 100  # erasure order, low first: what references a table goes before it


_USER_DATA: dict[str, UserData] = {}


def user_data_register(entry: UserData) -> None:
    """Registering the same name again replaces it (ready() may run more than once)."""
    _USER_DATA[entry.name] = entry


def user_data_list() -> list[UserData]:
    return sorted(_USER_DATA.values(), key=lambda e: (e.order, e.name))


# --- processing gates (consent, suppression) -----------------------------------------------------
# Before the floor stores or processes anything for an end user it asks every registered gate.
# A gate refuses by raising an ApiError (a 403 with its own code: `consent_required`,
# `user_suppressed`); nothing has been written at that point. Activities:
#   "store"   an add's turns or a memory written through the API (chat write-back included)
#   "extract" the ordered stages of a batch with infer on, checked again when the worker takes it,
#             so a withdrawal stops processing that is queued
#   "chat"    chat's memory lookup and write-back for the user


class ProcessingGate(Protocol):
    def __call__(self, *, tenant: Tenant, user_id: str, activity: str) -> None: ...


ACTIVITIES = ("store", "extract", "chat")
_gates: list[ProcessingGate] = []


def processing_gate_register(gate: ProcessingGate) -> None:
    if gate not in _gates:
        _gates.append(gate)


def processing_check(*, tenant: Tenant, user_id: str, activity: str) -> None:
    """Raise the first gate's refusal, if any."""
    if activity not in ACTIVITIES:
        raise ValueError(f"unknown activity {activity!r}")
    for gate in _gates:
        gate(tenant=tenant, user_id=user_id, activity=activity)


# --- relations (mem0's `relations`, for apps.compat) ----------------------------------------------
# mem0's add, search and get_all answer a `relations` key when asked (`enable_graph`). The compat
# app cannot import the graph (both stand on the floor), so the graph registers what it answers
# with here. Every function is tenant-scoped by its `tenant` argument; `user_id` "" is the
# tenant-wide graph (adds without a user).


class RelationList(Protocol):
    def __call__(
        self, *, tenant: Tenant, user_id: str, query: str | None = None, limit: int
    ) -> list[dict[str, Any]]: ...  # [{source, source_type, relationship, target, target_type}]


class RelationChanges(Protocol):
    def __call__(self, *, tenant: Tenant, message_ids: list[int]) -> dict[str, list[Any]]: ...


class RelationForget(Protocol):
    def __call__(self, *, tenant: Tenant, user_id: str) -> int: ...


class RelationUsers(Protocol):
    def __call__(self, *, tenant: Tenant) -> dict[str, tuple[datetime, datetime]]: ...


@dataclass(frozen=True)
class RelationProvider:
    # the user's current edges; with a query, those touching what it names first
    relations: RelationList
    # what an add's messages did: {"added_entities": [...], "deleted_entities": [...]}
    changes: RelationChanges
    # retracts every edge of the user (mem0's entity delete); returns how many
    forget: RelationForget
    # the end users with current edges: {user_id: (first, last recorded)} (mem0's entity list)
    users: RelationUsers
    # the stage that makes edges from an add: run in the request by a synchronous mem0 add that
    # asks for its relations (it is idempotent, so the queued run writes nothing twice)
    stage: str = ""


_relation_providers: list[RelationProvider] = []


def relations_register(provider: RelationProvider) -> None:
    """One provider: registering again replaces it."""
    _relation_providers[:] = [provider]


def relation_provider() -> RelationProvider | None:
    return _relation_providers[0] if _relation_providers else None
