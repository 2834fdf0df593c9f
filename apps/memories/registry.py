"""Where the apps above the floor plug into it, so that the floor never imports them.

`apps.memories` is the floor of the product (docs: STYLE.md, "The direction of the
architecture"): it imports nothing from the apps that stand on it (pipeline, chat, compat; later
graph, multimodal, privacy, wiki), and tests/test_architecture.py fails when it does. What the
floor must call back into those apps is registered here instead, from their
`AppConfig.ready()`:

- *access hooks*: once search-hit counters are folded into the memories (`access.access_flush`),
  every hook is called per tenant, inside that tenant's scope, with the ids of the memories that
  were hit. The pipeline registers the heat refresh of topic segments.
- *retrieve tiers*: what `/v1/memory/retrieve` shows beyond raw turns and search hits: the heat
  of each hit's topic segment (mid-term) and the user's profile and knowledge (long-term). One
  provider, the pipeline; without one, heat is 0.0 and long_term is None.
- *stages*: what runs after an add's turns are stored (below).

Registering is idempotent: `ready()` may run more than once (tests, management commands).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

if TYPE_CHECKING:
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
