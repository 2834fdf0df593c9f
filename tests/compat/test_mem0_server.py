"""mem0's open-source REST server (`server/main.py` of mem0ai/mem0) on our platform: plain HTTP
calls shaped as mem0's REST API docs and its server tests (tests/test_server_params.py) send
them, answered in mem0 OSS's shapes, behind our keys and tenancy."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.compat.mem0_server import NO_FILTER, NO_ID
from apps.core.tenancy import tenant_scope
from apps.graph.models import Relation
from apps.memories.models import AddBatch, Memory, Message
from apps.tenants.models import Tenant
from tests.memories.factories import make_memories

NO_SUCH = "00000000-0000-0000-0000-000000000000"
ITEM_KEYS = {"id", "memory", "hash", "metadata", "created_at", "updated_at"}


def x_api_key(actor) -> APIClient:
    """mem0's server clients send the key as X-API-Key."""
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=actor.secret)
    return client


def _counts(tenant) -> tuple[int, int]:
    with tenant_scope(tenant.pk):
        return Memory.objects.filter(tenant=tenant).count(), Message.objects.filter(
            tenant=tenant
        ).count()


def _edges(tenant) -> int:
    with tenant_scope(tenant.pk):
        return Relation.objects.filter(tenant=tenant).count()


def test_the_docs_walkthrough_with_x_api_key(alice):
    client = x_api_key(alice)
    added = client.post("/memories", {
        "messages": [{"role": "user", "content": "I love fresh vegetable pizza."}],
        "user_id": "alice", "infer": False, "metadata": {"source": "docs"},
    }, format="json")  # fmt: skip
    assert added.status_code == 200, added.content
    [result] = added.json()["results"]
    assert set(result) == {"id", "memory", "event"}
    assert result["event"] == "ADD" and "vegetable pizza" in result["memory"]
    mid = result["id"]

    listed = client.get("/memories", {"user_id": "alice"})
    assert listed.status_code == 200
    [item] = listed.json()["results"]
    assert ITEM_KEYS | {"user_id"} == set(item)  # no score in get_all, as mem0's
    assert item["id"] == mid and item["user_id"] == "alice"
    assert item["metadata"]["source"] == "docs"

    found = client.post("/search", {"query": "vegetable", "user_id": "alice"}, format="json")
    assert found.status_code == 200
    [hit] = found.json()["results"]
    assert hit["id"] == mid and isinstance(hit["score"], float)
    # the filters form (mem0's non-deprecated one) finds the same
    again = client.post("/search", {"query": "vegetable", "filters": {"user_id": "alice"},
                                    "top_k": 5}, format="json")  # fmt: skip
    assert [h["id"] for h in again.json()["results"]] == [mid]

    one = client.get(f"/memories/{mid}")
    assert one.status_code == 200 and one.json()["score"] is None
    assert one.json()["memory"] == item["memory"]

    updated = client.put(f"/memories/{mid}", {"text": "Loves margherita pizza"}, format="json")
    assert updated.json() == {"message": "Memory updated successfully!"}
    assert client.get(f"/memories/{mid}").json()["memory"] == "Loves margherita pizza"

    history = client.get(f"/memories/{mid}/history").json()
    assert history[-1]["event"] == "UPDATE"
    assert history[-1]["new_memory"] == "Loves margherita pizza"
    assert set(history[-1]) == {
        "id",
        "memory_id",
        "old_memory",
        "new_memory",
        "event",
        "created_at",
        "updated_at",
        "is_deleted",
        "actor_id",
        "role",
    }

    deleted = client.delete(f"/memories/{mid}")
    assert deleted.json() == {"message": "Memory deleted successfully"}
    gone = client.get(f"/memories/{mid}")
    assert gone.status_code == 404 and gone.json()["detail"] == "Memory not found."


def test_add_with_inference_answers_what_extraction_did(alice):
    client = alice.client()
    first = client.post("/memories", {
        "messages": [{"role": "user", "content": "My name is Ada and I live in Oslo."}],
        "user_id": "u1",
    }, format="json")  # fmt: skip
    assert first.status_code == 200, first.content
    results = first.json()["results"]
    # the extracted facts, not the raw turn (mem0 answers what it extracted)
    assert {(r["memory"], r["event"]) for r in results} == {
        ("My name is Ada", "ADD"), ("I live in Oslo.", "ADD")}  # fmt: skip
    home = next(r["id"] for r in results if "Oslo" in r["memory"])
    moved = client.post("/memories", {
        "messages": [{"role": "user", "content": "I moved to Bergen last week."}],
        "user_id": "u1",
    }, format="json").json()["results"]  # fmt: skip
    [update] = [r for r in moved if r["event"] == "UPDATE"]
    assert update["id"] == home and update["previous_memory"] == "I live in Oslo."
    assert "Bergen" in client.get(f"/memories/{home}").json()["memory"]


def test_get_all_defaults_to_mem0s_twenty_and_takes_top_k(alice):
    make_memories(alice.tenant, "u1", [f"fact number {i}" for i in range(25)])
    client = alice.client()
    assert len(client.get("/memories", {"user_id": "u1"}).json()["results"]) == 20
    assert len(client.get("/memories", {"user_id": "u1", "top_k": 3}).json()["results"]) == 3


def test_missing_identifier_is_mem0s_400(alice):
    response = alice.client().post(
        "/memories", {"messages": [{"role": "user", "content": "hello"}]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == NO_ID
    assert response.json()["error"]["code"] == "missing_identifier"
    searched = alice.client().post("/search", {"query": "q"}, format="json")
    assert searched.status_code == 400 and searched.json()["detail"] == NO_FILTER
    assert _counts(alice.tenant) == (0, 0)


def test_listing_everything_needs_the_admin_scope(alice, bob):
    make_memories(alice.tenant, "u1", ["likes tea"])
    make_memories(alice.tenant, "u2", ["likes coffee"])
    refused = bob.client().get("/memories")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Admin role required to list all memories."
    everything = alice.client().get("/memories").json()["results"]
    assert {m["memory"] for m in everything} == {"likes tea", "likes coffee"}


@pytest.mark.parametrize(("method", "path", "body", "status", "loc"), [
    ("post", "/memories", {"user_id": "u"}, 400, ["body", "messages"]),
    ("post", "/memories", {"messages": "x", "user_id": "u", "metadata": "x"}, 400,
     ["body", "metadata"]),
    ("post", "/memories", {"messages": "x", "user_id": "u", "infer": "yes"}, 400,
     ["body", "infer"]),
    ("post", "/memories", {"messages": "x", "user_id": "u", "memory_type": "core"}, 400, None),
    ("post", "/memories", {"messages": "x", "user_id": "u", "prompt": "Only food."}, 400, None),
    ("post", "/memories", ["x"], 400, None),
    ("post", "/search", {"query": "q", "user_id": "u", "top_k": "abc"}, 400, ["body", "top_k"]),
    ("post", "/search", {"query": "q", "filters": "x"}, 400, ["body", "filters"]),
    ("post", "/search", {"user_id": "u"}, 400, ["body", "query"]),
    ("get", "/memories?user_id=u&top_k=5000", None, 400, ["query", "top_k"]),
    ("put", f"/memories/{NO_SUCH}", {"text": "x"}, 404, None),
    ("put", "/memories/not-an-id", {"text": "x"}, 404, None),
    ("get", "/memories/not-an-id/history", None, 404, None),
    ("delete", f"/memories/{NO_SUCH}", None, 404, None),
], ids=["no-messages", "metadata", "infer", "memory-type", "prompt", "not-an-object", "top-k",
        "filters", "no-query", "get-all-top-k", "no-such-memory", "not-an-id", "history-id",
        "delete-no-such"])  # fmt: skip
def test_bad_input_is_a_clear_4xx_and_writes_nothing(alice, method, path, body, status, loc):
    response = getattr(alice.client(), method)(path, body, format="json")
    assert response.status_code == status, response.content
    out = response.json()
    assert out["error"]["message"] and out["detail"]
    if loc:  # FastAPI's validation detail: a list of {type, loc, msg}
        assert loc in [d["loc"] for d in out["detail"]], out["detail"]
    else:
        assert isinstance(out["detail"], str)
    assert _counts(alice.tenant) == (0, 0)


def test_update_needs_something_to_update(alice):
    [memory] = make_memories(alice.tenant, "u1", ["likes tea"])
    response = alice.client().put(f"/memories/{memory.pk}", {}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("At least one of text, metadata")


def test_paths_take_no_trailing_slash_and_no_redirect(alice):
    assert alice.client().get("/memories/?user_id=u").status_code == 404
    assert alice.client().post("/search/", {"query": "q"}, format="json").status_code == 404


def test_delete_all_of_a_user_needs_admin_and_an_identifier(alice, bob):
    make_memories(alice.tenant, "u1", ["likes tea", "likes jazz"])
    make_memories(alice.tenant, "u2", ["likes coffee"])
    assert bob.client().delete("/memories?user_id=u1").status_code == 403
    missing = alice.client().delete("/memories")
    assert missing.status_code == 400
    assert missing.json()["detail"] == "At least one identifier is required."
    done = alice.client().delete("/memories?user_id=u1")
    assert done.json() == {"message": "All relevant memories deleted"}
    assert alice.client().get("/memories", {"user_id": "u1"}).json()["results"] == []
    assert len(alice.client().get("/memories", {"user_id": "u2"}).json()["results"]) == 1


def test_reset_erases_the_calling_tenant_only(alice, bob, charlie):
    for user in ("u1", "u2", ""):
        alice.client().post("/memories", {"messages": [{"role": "user", "content":
                            f"I live in Oslo {user}"}], "user_id": user or None,
                            "agent_id": "helper"}, format="json")  # fmt: skip
    charlie.client().post("/memories", {"messages": [{"role": "user", "content":
                          "I live in Lima"}], "user_id": "u1"}, format="json")  # fmt: skip
    for actor in (alice, charlie):  # a graph edge of u1's in each tenant
        edge = actor.client().post("/v1/graph/extract/llm-parse", {
            "user_id": "u1", "response": "Relation: u1 likes jazz"}, format="json")  # fmt: skip
        assert edge.status_code == 200, edge.content
    before_b = _counts(charlie.tenant), _edges(charlie.tenant)
    assert before_b[0][0] > 0 and _counts(alice.tenant)[0] > 0 and _edges(alice.tenant)

    refused = bob.client().post("/reset")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "missing_scope"
    assert _counts(alice.tenant)[0] > 0

    response = x_api_key(alice).post("/reset")
    assert response.status_code == 200 and response.json() == {"message": "All memories reset"}
    assert _counts(alice.tenant) == (0, 0)  # hard-erased: no row left, deleted or not
    assert _edges(alice.tenant) == 0
    with tenant_scope(alice.tenant.pk):
        assert not AddBatch.objects.filter(tenant=alice.tenant).exists()
    assert (_counts(charlie.tenant), _edges(charlie.tenant)) == before_b
    assert charlie.client().get("/memories", {"user_id": "u1"}).json()["results"]
    assert x_api_key(alice).post("/reset").status_code == 200  # idempotent


def test_configure_maps_what_fits_onto_the_tenant(alice, bob, llm, settings):
    settings.EMBEDDING_BACKEND = "e5"
    settings.EMBEDDING_DIM = 384
    config = {
        "version": "v1.1",
        "llm": {"provider": "openai", "config": {"model": "gpt-4o-mini"}},
        "embedder": {"provider": "huggingface",
                     "config": {"model": "intfloat/multilingual-e5-small", "embedding_dims": 384}},
    }  # fmt: skip
    Tenant.objects.filter(pk=alice.tenant.pk).update(settings={"extractor": "rules"})
    assert bob.client().post("/configure", config, format="json").status_code == 403
    response = alice.client().post("/configure", config, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"message": "Configuration set successfully"}
    alice.tenant.refresh_from_db()
    assert alice.tenant.settings["extractor"] == "llm"
    assert alice.tenant.settings["reconciler"] == "llm"
    current = bob.client().get("/configure").json()
    assert current["llm"] == {"provider": "openai", "config": {"model": "gpt-4o-mini"}}
    assert current["embedder"]["config"]["embedding_dims"] == 384


def test_configure_refuses_the_rest_naming_each_key(alice, llm):
    Tenant.objects.filter(pk=alice.tenant.pk).update(settings={"extractor": "rules"})
    config = {
        "llm": {"provider": "openai", "config": {"model": "gpt-4o", "api_key": "sk-mine"}},
        "embedder": {"provider": "openai", "config": {"model": "text-embedding-3-small"}},
        "vector_store": {"provider": "qdrant", "config": {"host": "q"}},
        "graph_store": {"provider": "neo4j"},
        "history_db_path": "/tmp/history.db",
        "telemetry": True,
    }
    response = alice.client().post("/configure", config, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "config_refused"
    refused = set(body["error"]["details"]["refused"])
    assert refused == {
        "llm.config.model",
        "llm.config.api_key",
        "embedder.provider",
        "vector_store",
        "graph_store",
        "history_db_path",
        "telemetry",
    }
    for key in ("vector_store", "llm.config.api_key", "history_db_path"):
        assert key in body["detail"]
    alice.tenant.refresh_from_db()
    assert alice.tenant.settings == {"extractor": "rules"}  # nothing applied


def test_configure_llm_without_a_platform_llm_is_refused(alice):
    response = alice.client().post(
        "/configure", {"llm": {"provider": "openai", "config": {}}}, format="json"
    )
    assert response.status_code == 400
    assert "llm" in response.json()["error"]["details"]["refused"]


def test_a_wrong_x_api_key_is_401(alice):
    client = APIClient()
    client.credentials(HTTP_X_API_KEY="mpk_000000000000_" + "x" * 30)
    response = client.get("/memories", {"user_id": "u"})
    assert response.status_code == 401 and response.json()["detail"]


def test_configure_with_nulls_asks_for_nothing(alice):
    Tenant.objects.filter(pk=alice.tenant.pk).update(settings={"extractor": "rules"})
    body = {"version": "v1.1", "llm": None, "embedder": None, "vector_store": None}
    response = alice.client().post("/configure", body, format="json")
    assert response.status_code == 200, response.content
    alice.tenant.refresh_from_db()
    assert alice.tenant.settings == {"extractor": "rules"}


def test_configure_without_a_body_is_400(alice):
    response = alice.client().post("/configure")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_body"
