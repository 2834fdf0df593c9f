"""What runs after an add's turns are stored: the floor's registry of post-store stages.

The memories app stores, embeds and indexes the raw turns of an add before the add answers, and
knows nothing else about what happens to them. Apps above it (the ingestion pipeline, later the
knowledge graph) register stages here in their `AppConfig.ready()`; the floor runs them for
batches added with `infer` on:

- an *ordered* stage runs inside the batch's task, under the user's lock, in the order the user's
  batches were added; the batch is `done` once every ordered stage has run, and what they return
  (memories made, the extractor used, reconciliation decisions) is recorded on the batch;
- an *unordered* stage runs as its own task on its own queue once the batch is done (e.g. graph
  extraction on the `graph` queue). It must be idempotent: a redelivered task runs it again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from apps.memories.models import AddBatch, Memory, Message


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
