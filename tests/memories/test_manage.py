"""retrieve, manage (tags, search/tags, export, import, versions) and add status."""

from __future__ import annotations

import time

import pytest

from apps.core.tenancy import tenant_scope
from apps.memories.models import Memory
from tests.memories.factories import make_memories

M = "/v1/memory/manage"


def post(actor, path, body):
    return actor.client().post(path, body, format="json")


def test_retrieve_gives_three_tiers(alice):
    post(
        alice, "/v1/memory/add", {"user_id": "u1", "messages": ["I love hiking", "I live in Oslo"]}
    )
    post(alice, "/v1/memory/add", {"user_id": "u1", "messages": "I work as a nurse",
                                   "infer": True, "conversation_id": "c2"})  # fmt: skip
    body = post(alice, "/v1/memory/retrieve", {"user_id": "u1", "query": "Where do I live?"}).json()
    assert [m["content"] for m in body["short_term"]][1:] == ["I live in Oslo", "I love hiking"]
    assert body["mid_term"][0]["summary"] == "I live in Oslo"
    assert body["long_term"]["profile"]["job"] == ["I work as a nurse"]


def test_retrieve_for_an_unknown_user_is_empty(alice):
    body = post(alice, "/v1/memory/retrieve", {"user_id": "nobody", "query": "x"}).json()
    assert body == {"short_term": [], "mid_term": [], "long_term": None}


def test_tags_add_remove_set_and_versions(alice):
    [memory] = make_memories(alice.tenant, "u1", ["tagged"], tags=["a"])
    base = {"user_id": "u1", "memory_id": str(memory.pk)}
    assert post(alice, f"{M}/tags", {**base, "tags": ["b", "a"]}).json()["memory"]["tags"] == [
        "a",
        "b",
    ]
    assert post(alice, f"{M}/tags", {**base, "tags": ["a"], "mode": "remove"}).json()["memory"][
        "tags"
    ] == ["b"]
    assert post(alice, f"{M}/tags", {**base, "tags": ["z"], "mode": "set"}).json()["memory"][
        "tags"
    ] == ["z"]
    versions = post(alice, f"{M}/versions", {"user_id": "u1", "segment_id": str(memory.pk)}).json()
    assert versions["version_count"] == 4
    assert [h["version"] for h in versions["history"]] == [4, 3, 2, 1]
    other_user = post(alice, f"{M}/tags", {**base, "user_id": "u2", "tags": ["x"]})
    assert other_user.status_code == 404


def test_search_by_tags_all_or_any(alice):
    make_memories(alice.tenant, "u1", ["both"], tags=["x", "y"])
    make_memories(alice.tenant, "u1", ["only x"], tags=["x"])
    make_memories(alice.tenant, "u2", ["other user"], tags=["x", "y"])
    all_of = post(alice, f"{M}/search/tags", {"user_id": "u1", "tags": ["x", "y"]}).json()
    assert [m["memory"] for m in all_of["results"]] == ["both"] and all_of["count"] == 1
    any_of = post(alice, f"{M}/search/tags", {"user_id": "u1", "tags": ["x", "y"], "match": "any"})
    assert {m["memory"] for m in any_of.json()["results"]} == {"both", "only x"}


def test_export_json_and_markdown(alice):
    make_memories(alice.tenant, "u1", ["first fact", "第二个事实"], tags=["t"])
    data = post(alice, f"{M}/export", {"user_id": "u1"}).json()["data"]
    assert data["count"] == 2 and [m["memory"] for m in data["memories"]] == [
        "first fact",
        "第二个事实",
    ]
    content = post(alice, f"{M}/export", {"user_id": "u1", "format": "markdown"}).json()["content"]
    assert (
        content.startswith("# Memory Export: u1")
        and "第二个事实" in content
        and "Tags: t" in content
    )
    assert post(alice, f"{M}/export", {"user_id": "u1", "format": "csv"}).status_code == 400


def test_import_round_trips_an_export_and_is_searchable(alice):
    make_memories(alice.tenant, "u1", ["I keep bees", "我会弹吉他"], tags=["hobby"])
    exported = post(alice, f"{M}/export", {"user_id": "u1"}).json()["data"]["memories"]
    response = post(alice, f"{M}/import", {"user_id": "u9", "memories": exported})
    assert response.json() == {"status": "ok", "imported": 2}
    hits = post(alice, "/v1/memory/search", {"query": "吉他", "user_id": "u9"}).json()["results"]
    assert hits[0]["memory"] == "我会弹吉他" and hits[0]["tags"] == ["hobby"]


def test_import_reports_every_bad_row_and_imports_nothing(alice):
    rows = [{"memory": "fine"}, {"memory": ""}, "not an object", {"memory": "x", "memory_type": "Bogus"},
            {"summary": "reference field name is fine"}]  # fmt: skip
    response = post(alice, f"{M}/import", {"user_id": "u1", "segments": rows})
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]["rows"]) == {"1", "2", "3"}
    with tenant_scope(alice.tenant.pk):
        assert Memory.objects.count() == 0


def test_import_size_limits(alice):
    rows = [{"memory": f"m{i}"} for i in range(1001)]
    response = post(alice, f"{M}/import", {"user_id": "u1", "memories": rows})
    assert response.status_code == 400 and "async" in response.json()["error"]["message"]
    assert post(alice, f"{M}/import", {"user_id": "u1", "memories": []}).status_code == 400
    with tenant_scope(alice.tenant.pk):
        assert Memory.objects.count() == 0


def test_an_import_of_exactly_the_limit_lands(alice, monkeypatch):
    from apps.memories import transfer

    monkeypatch.setattr(transfer, "SYNC_IMPORT_LIMIT", 5)  # the bound, without 1,000 embeddings
    rows = [{"memory": f"m{i}"} for i in range(6)]
    assert post(alice, f"{M}/import", {"user_id": "u1", "memories": rows}).status_code == 400
    response = post(alice, f"{M}/import", {"user_id": "u1", "memories": rows[:5]})
    assert response.status_code == 200, response.content
    with tenant_scope(alice.tenant.pk):
        assert sorted(Memory.objects.values_list("value", flat=True)) == [f"m{i}" for i in range(5)]


def wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_async_import_runs_on_the_worker_with_progress(celery_worker, alice):
    rows = [{"memory": f"imported fact number {i}"} for i in range(70)]
    response = post(
        alice, f"{M}/import", {"user_id": "u1", "memories": rows, "async_mode": "async"}
    )
    assert response.status_code == 202
    job_id = response.json()["job"]["id"]

    def done():
        return alice.client().get(f"/v1/jobs/{job_id}").json()["status"] in {"done", "failed"}

    wait_for(done)
    job = alice.client().get(f"/v1/jobs/{job_id}").json()
    assert (job["status"], job["done"], job["total"], job["percent"]) == ("done", 70, 70, 100.0)
    assert alice.client().get("/v1/memory?user_id=u1").json()["count"] == 70


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_async_add_reports_its_status_until_done(celery_worker, alice):
    response = post(alice, "/v1/memory/add",
                    {"user_id": "u1", "messages": ["one", "two"], "async_mode": "async",
                     "infer": True})  # fmt: skip
    body = response.json()
    assert body["status"] == "queued"  # extraction waits for the worker; the turns are stored
    assert [m["memory"] for m in body["results"]] == ["one", "two"]
    path = f"/v1/memory/add/status/{body['batch_id']}"
    wait_for(lambda: alice.client().get(path).json()["status"] == "done")
    status = alice.client().get(path).json()
    assert (status["message_count"], status["memory_count"]) == (2, 2)


def test_unknown_batch_is_404(alice):
    assert (
        alice.client().get("/v1/memory/add/status/00000000-0000-0000-0000-000000000000").status_code
        == 404
    )
