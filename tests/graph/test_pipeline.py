"""The graph stage (unordered, `graph` queue): edges from a done batch's user turns and facts,
sourced to their memories; idempotent; a memory's deletion retracts its edges, a GDPR erasure
removes every graph row of the user."""

from __future__ import annotations

import time

import pytest

from apps.core.tenancy import tenant_scope
from apps.graph.models import Entity, EntityMerge, Relation, RelationSource
from apps.memories.models import AddBatch, Memory
from apps.memories.services.add import stage_run
from tests.privacy.data import db_hits

pytestmark = pytest.mark.django_db


def _add(actor, user_id, *texts):
    messages = [{"role": "user", "content": t} for t in texts]
    response = actor.client().post("/v1/memory/add", {"user_id": user_id, "infer": True,
                                   "messages": messages}, format="json")  # fmt: skip
    assert response.status_code == 200, response.content
    with tenant_scope(actor.tenant.pk):
        return AddBatch.objects.filter(user_id=user_id).order_by("-created_at").first()


def _run(actor, batch):
    with tenant_scope(actor.tenant.pk):
        batch.refresh_from_db()
        stage_run(batch=batch, stage_name="graph", actor="test")


def _edges(actor, user_id, current=True):
    with tenant_scope(actor.tenant.pk):
        rows = Relation.objects.filter(user_id=user_id).select_related("subject", "object")
        if current:
            rows = rows.filter(valid_to__isnull=True, invalidated_at__isnull=True)
        return sorted((r.subject.key, r.predicate, r.object.key) for r in rows)


def test_stage_extracts_from_user_turns_with_sources_and_is_idempotent(alice):
    batch = _add(alice, "u1", "I live in Paris.", "My sister Emma lives in London.")
    _run(alice, batch)
    assert _edges(alice, "u1") == [("emma", "lives_in", "london"), ("u1", "lives_in", "paris"),
                                   ("u1", "sibling_of", "emma")]  # fmt: skip
    with tenant_scope(alice.tenant.pk):
        turn_ids = set(
            Memory.objects.filter(user_id="u1", kind="turn").values_list("pk", flat=True)
        )
        sources = list(RelationSource.objects.values_list("memory_id", "message_id"))
        assert sources and all(m in turn_ids or m is not None for m, _ in sources)
        assert {m for m, _ in sources} & turn_ids
        count = (Relation.objects.count(), RelationSource.objects.count(), Entity.objects.count())
    _run(alice, batch)  # a redelivered task
    with tenant_scope(alice.tenant.pk):
        assert (Relation.objects.count(), RelationSource.objects.count(),
                Entity.objects.count()) == count  # fmt: skip


def test_assistant_turns_are_not_extracted(alice):
    response = alice.client().post("/v1/memory/add", {"user_id": "u1", "infer": True, "messages": [
        {"role": "user", "content": "Where should I go?"},
        {"role": "assistant", "content": "I live in Rome."}]}, format="json")  # fmt: skip
    assert response.status_code == 200
    with tenant_scope(alice.tenant.pk):
        batch = AddBatch.objects.get(user_id="u1")
    _run(alice, batch)
    assert _edges(alice, "u1") == []


def test_a_later_batch_closes_the_earlier_fact(alice):
    _run(alice, _add(alice, "u1", "I live in Paris."))
    _run(alice, _add(alice, "u1", "I live in Berlin."))
    assert _edges(alice, "u1") == [("u1", "lives_in", "berlin")]
    assert len(_edges(alice, "u1", current=False)) == 2


def test_deleting_the_source_memories_retracts_the_edges_and_keeps_others(alice):
    _run(alice, _add(alice, "u1", "I live in Paris."))
    _run(alice, _add(alice, "u1", "I work at Google."))
    with tenant_scope(alice.tenant.pk):
        sourced = set(RelationSource.objects.filter(relation__object__key="paris")
                      .values_list("memory_id", flat=True))  # fmt: skip
    for memory_id in sourced:
        assert alice.client().delete(f"/v1/memory/{memory_id}").status_code in (200, 204)
    assert _edges(alice, "u1") == [("u1", "works_at", "google")]
    with tenant_scope(alice.tenant.pk):
        edge = Relation.objects.get(object__key="paris")
        assert edge.invalidated_at is not None  # retracted, not deleted: history keeps it
    stats = alice.client().get("/v1/graph/stats?user_id=u1").json()
    assert stats["relation_count"] == 1 and stats["retracted_relation_count"] == 1
    assert len(sourced) == 2  # the turn and the fact the pipeline made of it


def test_gdpr_erasure_removes_every_graph_row_of_the_user(alice):
    _run(alice, _add(alice, "eraseme", "I live in Zanzibarville.", "I work at Google."))
    alice.client().post("/v1/graph/extract/llm-parse", {"user_id": "eraseme", "response":
        "Entity: Zanzibar Town (Place)\nRelation: eraseme likes Zanzibar Town"},
        format="json")  # fmt: skip
    _run(alice, _add(alice, "keep", "I live in Paris."))
    with tenant_scope(alice.tenant.pk):
        ids = dict(Entity.objects.filter(user_id="eraseme").values_list("key", "pk"))
    merged = alice.client().post("/v1/graph/entities/merge", {"entity_id": ids["zanzibar town"],
                                 "into_id": ids["zanzibarville"]}, format="json")  # fmt: skip
    assert merged.status_code == 200
    dry = alice.client().post("/v1/security/gdpr/delete", {"user_id": "eraseme", "dry_run": True},
                              format="json").json()["receipt"]["counts"]  # fmt: skip
    assert dry["graph_entities"] >= 3 and dry["graph_relations"] >= 3
    assert dry["graph_sources"] >= 2 and dry["graph_merges"] == 1
    response = alice.client().post("/v1/security/gdpr/delete", {"user_id": "eraseme"},
                                   format="json")  # fmt: skip
    assert response.json()["status"] == "ok"
    with tenant_scope(alice.tenant.pk):
        assert not Entity.objects.filter(user_id="eraseme").exists()
        assert not Relation.objects.filter(user_id="eraseme").exists()
        assert not EntityMerge.objects.filter(user_id="eraseme").exists()
        assert set(RelationSource.objects.values_list("relation__user_id", flat=True)) == {"keep"}
    assert db_hits(["eraseme", "zanzibar"]) == []
    assert _edges(alice, "keep") == [("keep", "lives_in", "paris")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_the_stage_runs_on_the_graph_queue(alice, celery_worker):
    _add(alice, "u9", "I live in Madrid.")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not _edges(alice, "u9"):
        time.sleep(0.3)
    assert _edges(alice, "u9") == [("u9", "lives_in", "madrid")]


def test_mem0_entity_delete_retracts_the_users_edges(alice):
    """mem0's entities are users, agents and runs (not graph entities); deleting one deletes its
    memories, and through the floor's removal hook the edges they were the source of."""
    _run(alice, _add(alice, "u5", "I live in Oslo."))
    assert _edges(alice, "u5") == [("u5", "lives_in", "oslo")]
    response = alice.client("Token").delete("/v2/entities/user/u5/")
    assert response.status_code == 200, response.content
    assert _edges(alice, "u5") == []
    assert len(_edges(alice, "u5", current=False)) == 1  # retracted, kept in history


def test_an_extractor_failure_on_one_turn_does_not_stop_the_others(alice, monkeypatch):
    import apps.graph.extraction as extraction

    rules = extraction.extract

    def flaky(text):
        if "boom" in text:
            raise ValueError("extractor bug")
        return rules(text)

    monkeypatch.setattr(extraction, "extract", flaky)
    _run(alice, _add(alice, "u1", "boom I live in Rome.", "I live in Paris."))
    assert _edges(alice, "u1") == [("u1", "lives_in", "paris")]


def _delete_sources(actor, city):
    with tenant_scope(actor.tenant.pk):
        sourced = set(RelationSource.objects.filter(relation__object__key=city)
                      .values_list("memory_id", flat=True))  # fmt: skip
    for memory_id in sourced:
        assert actor.client().delete(f"/v1/memory/{memory_id}").status_code in (200, 204)
    return [str(m) for m in sourced]


def test_restoring_deleted_memories_reopens_the_edges_their_deletion_closed(alice):
    from apps.memories.services import memories_restore

    _run(alice, _add(alice, "u1", "I live in Paris."))
    deleted = _delete_sources(alice, "paris")
    assert _edges(alice, "u1") == []
    with tenant_scope(alice.tenant.pk):
        assert memories_restore(tenant=alice.tenant, memory_ids=deleted, actor="test") == 2
    assert _edges(alice, "u1") == [("u1", "lives_in", "paris")]


def test_a_restored_edge_does_not_displace_what_was_learnt_since(alice):
    from apps.memories.services import memories_restore

    _run(alice, _add(alice, "u1", "I live in Paris."))
    deleted = _delete_sources(alice, "paris")
    _run(alice, _add(alice, "u1", "I live in Berlin."))
    with tenant_scope(alice.tenant.pk):
        memories_restore(tenant=alice.tenant, memory_ids=deleted, actor="test")
    assert _edges(alice, "u1") == [("u1", "lives_in", "berlin")]  # lives_in holds one place
