"""mem0's `POST /reset` and `POST /configure` (its open-source REST server) in our terms.

`reset` erases one tenant's memories and everything hanging off them, for every end user of the
tenant, through the erasers of the per-user data registry (the ones a GDPR erasure runs), so
nothing of the removed memories survives in turns, versions, graph edges, counters or derived
pages. What the platform keeps *about* a person rather than their memories (consents, export
requests, audit events) is left alone: a reset is not a right-to-erasure request.

`configure` takes mem0's config dict. The platform has one LLM and one embedder for every tenant
(LLM_API_BASE / LLM_MODEL, EMBEDDING_BACKEND: one vector column for all), so what fits is
choosing the platform's LLM for this tenant's extraction and reconciliation (instead of the
rules), and naming the embedder the platform already uses. Everything else (credentials, another
model or provider, vector_store, graph_store, history_db_path, prompts, unknown keys) is refused
with the keys named, and nothing is applied."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings

from apps.core.errors import BadRequest, ServiceUnavailable
from apps.memories import registry
from apps.memories.models import AddBatch, Memory, Message
from apps.tenants.models import Tenant
from apps.tenants.services import tenant_settings_update

logger = logging.getLogger(__name__)

# records about a person that are not their memories: a reset keeps them
KEPT = frozenset({"consents", "export_requests", "audit_events"})

LLM_PROVIDERS = ("openai",)  # our LLM client speaks OpenAI's chat API
# mem0's names of our packaged embedders (provider, model)
EMBEDDERS = {
    "e5": ({"huggingface", "e5"},
           {"intfloat/multilingual-e5-small", "multilingual-e5-small", "e5"}),
    "use": ({"use", "tensorflow_hub", "huggingface"},
            {"universal-sentence-encoder-multilingual", "universal-sentence-encoder", "use"}),
}  # fmt: skip
PLATFORM_WIDE = "is the platform's, for every tenant"
REFUSED_KEYS = {
    "vector_store": "one vector store (PostgreSQL with pgvector) serves every tenant",
    "graph_store": "the graph is built in (apps.graph); no external graph store",
    "history_db_path": "history is kept in the database, not in a file",
    "reranker": "no packaged reranker; search is already hybrid",
    "custom_fact_extraction_prompt": "per-tenant extraction prompts are not supported",
    "custom_update_memory_prompt": "per-tenant update prompts are not supported",
    "custom_instructions": "per-tenant extraction prompts are not supported",
}


def _users(tenant: Tenant) -> set[str]:
    """Every end user of the tenant who has memories, turns, batches or graph edges ("" is
    the tenant-wide space)."""
    users: set[str] = set()
    for model in (Memory, Message, AddBatch):
        users |= set(
            model.objects.filter(tenant=tenant).values_list("user_id", flat=True).distinct()
        )
    provider = registry.relation_provider()
    if provider is not None:
        users |= set(provider.users(tenant=tenant))
    return users


def tenant_memories_reset(*, tenant: Tenant) -> dict[str, int]:
    """Erase the tenant's memories for all its users; idempotent (a retry finishes a reset
    a failed collection interrupted). Returns the rows removed per collection."""
    counts: dict[str, int] = {}
    failed: list[str] = []
    entries = [e for e in registry.user_data_list() if e.name not in KEPT]
    for user_id in sorted(_users(tenant)):
        for entry in entries:
            try:
                removed = entry.erase(tenant=tenant, user_id=user_id)
            except Exception:
                logger.exception("reset of tenant %s: collection %s failed", tenant.pk, entry.name)
                failed.append(entry.name)
                continue
            counts[entry.name] = counts.get(entry.name, 0) + removed
    if failed:
        raise ServiceUnavailable(
            f"The reset did not finish ({', '.join(sorted(set(failed)))}); send it again.",
            code="reset_incomplete",
        )
    return counts


# --- configure ------------------------------------------------------------------------------


def _llm_changes(llm: Any, refused: dict[str, str]) -> dict[str, Any]:
    if not isinstance(llm, dict):
        refused["llm"] = "must be an object {provider, config}"
        return {}
    if not settings.LLM_API_BASE:
        refused["llm"] = "no LLM is configured on this platform (LLM_API_BASE)"
        return {}
    for key in set(llm) - {"provider", "config"}:
        refused[f"llm.{key}"] = "unknown key"
    provider = llm.get("provider") or "openai"
    if provider not in LLM_PROVIDERS:
        refused["llm.provider"] = (
            f"{provider!r} is not served; the platform's LLM is OpenAI-compatible"
        )
    config = llm.get("config") or {}
    if not isinstance(config, dict):
        refused["llm.config"] = "must be an object"
        return {}
    for key, value in config.items():
        if key == "model" and value in (None, settings.LLM_MODEL):
            continue
        if key == "model":
            refused["llm.config.model"] = (
                f"{value!r} is not the platform's model ({settings.LLM_MODEL})"
            )
        else:
            refused[f"llm.config.{key}"] = f"{PLATFORM_WIDE} (LLM_API_BASE, LLM_MODEL)"
    return {"extractor": "llm", "reconciler": "llm"}


def _embedder_check(embedder: Any, refused: dict[str, str]) -> None:
    backend = settings.EMBEDDING_BACKEND
    reason = f"{PLATFORM_WIDE} (EMBEDDING_BACKEND={backend}, {settings.EMBEDDING_DIM}-d): " \
             "all vectors share one column"  # fmt: skip
    if not isinstance(embedder, dict):
        refused["embedder"] = "must be an object {provider, config}"
        return
    providers, models = EMBEDDERS.get(backend, (set(), set()))
    config = embedder.get("config") or {}
    if embedder.get("provider") not in providers or not isinstance(config, dict):
        refused["embedder.provider"] = reason
        return
    for key in set(embedder) - {"provider", "config"}:
        refused[f"embedder.{key}"] = "unknown key"
    for key, value in config.items():
        fits = (key == "model" and value in models) or (
            key == "embedding_dims" and value == settings.EMBEDDING_DIM
        )
        if not fits:
            refused[f"embedder.config.{key}"] = reason


def config_apply(*, tenant: Tenant, config: dict[str, Any]) -> dict[str, Any]:
    """Apply what fits of mem0's config to the tenant's settings, all or nothing: any refused
    key is a 400 naming each one (`details.refused`: key -> reason). Returns the changes."""
    refused: dict[str, str] = {}
    changes: dict[str, Any] = {}
    for key, value in config.items():
        if key == "version":
            if not isinstance(value, str | None):
                refused["version"] = "must be a string"
        elif value is None and key in {"llm", "embedder"}:
            continue  # null asks for nothing
        elif key == "llm":
            changes |= _llm_changes(value, refused)
        elif key == "embedder":
            _embedder_check(value, refused)
        elif value is None and key in REFUSED_KEYS:
            continue  # naming it unset asks for nothing
        else:
            refused[key] = REFUSED_KEYS.get(key, "unknown configuration key")
    if refused:
        names = ", ".join(sorted(refused))
        raise BadRequest(
            f"Configuration refused for: {names}. Nothing was applied.",
            code="config_refused",
            details={"refused": dict(sorted(refused.items()))},
        )
    if changes:
        tenant_settings_update(tenant=tenant, changes=changes)
    return changes


def config_current(*, tenant: Tenant) -> dict[str, Any]:
    """The tenant's effective configuration in mem0's shape (no secret in it)."""
    uses_llm = bool(settings.LLM_API_BASE) and tenant.settings.get("extractor") != "rules"
    backend = settings.EMBEDDING_BACKEND
    model = {
        "e5": "intfloat/multilingual-e5-small",
        "use": "universal-sentence-encoder-multilingual",
    }
    return {
        "version": "v1.1",
        "llm": ({"provider": "openai", "config": {"model": settings.LLM_MODEL}}
                if uses_llm else None),
        "embedder": {"provider": "huggingface" if backend == "e5" else backend,
                     "config": {"model": model.get(backend, settings.EMBEDDING_MODEL),
                                "embedding_dims": settings.EMBEDDING_DIM}},
        "vector_store": {"provider": "pgvector", "config": {}},
        "graph_store": None,
        "history_db_path": None,
    }  # fmt: skip
