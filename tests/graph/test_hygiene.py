"""Graph hygiene: one current edge per fact even when two stores of it run at once (two real
PostgreSQL connections), and one name normalisation for resolution and extraction."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection, transaction

from apps.core.tenancy import tenant_scope
from apps.graph.extraction.normalise import name_key as extraction_key
from apps.graph.models import Entity, Relation, RelationSource
from apps.graph.resolution import entity_resolve, name_key
from apps.graph.services import Triple, graph_store

FACT = Triple("Alice", "Person", "works_at", "Google", "Organization")


def _current(tenant) -> list[Relation]:
    with tenant_scope(tenant.pk):
        return list(
            Relation.objects.filter(
                tenant=tenant, predicate="works_at", valid_to__isnull=True,
                invalidated_at__isnull=True,
            )
        )  # fmt: skip


def _sources(tenant, relation: Relation) -> set[str]:
    with tenant_scope(tenant.pk):
        return {
            str(m)
            for m in RelationSource.objects.filter(relation=relation).values_list(
                "memory_id", flat=True
            )
        }


def _store(tenant, memory_id: str, *, hold: threading.Event | None = None,
           stored: threading.Event | None = None, fact: Triple = FACT) -> None:  # fmt: skip
    """graph_store on this thread's own connection; with `hold`, the transaction stays open
    (its edge inserted, not committed) until `hold` is set."""
    try:
        with tenant_scope(tenant.pk), transaction.atomic():
            graph_store(tenant=tenant, user_id="u1", triples=[fact], memory_id=memory_id)
            if stored is not None:
                stored.set()
            if hold is not None:
                assert hold.wait(10)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_the_same_fact_stored_at_once_makes_one_current_edge_with_both_sources(alice):
    # the entities exist already: the race is on the edge
    with tenant_scope(alice.tenant.pk):
        graph_store(tenant=alice.tenant, user_id="u1", triples=[], entities=[
            ("Alice", "Person"), ("Google", "Organization")])  # fmt: skip
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    hold, stored = threading.Event(), threading.Event()
    winner = threading.Thread(target=_store, args=(alice.tenant, first),
                              kwargs={"hold": hold, "stored": stored})  # fmt: skip
    winner.start()
    assert stored.wait(10)  # its edge is inserted, its transaction still open
    loser = threading.Thread(target=_store, args=(alice.tenant, second))
    loser.start()
    loser.join(0.5)
    assert loser.is_alive()  # waiting on the winner's uncommitted edge (the unique index)
    hold.set()
    winner.join(10)
    loser.join(10)
    [edge] = _current(alice.tenant)
    assert _sources(alice.tenant, edge) == {first, second}


@pytest.mark.django_db(transaction=True)
def test_two_employers_stored_at_once_leave_one_current_edge_and_close_the_other(alice):
    # works_at holds one value: the later store closes the earlier edge even when the
    # earlier one is not committed yet when the later one starts
    later = Triple("Alice", "Person", "works_at", "Microsoft", "Organization")
    with tenant_scope(alice.tenant.pk):
        graph_store(tenant=alice.tenant, user_id="u1", triples=[], entities=[
            ("Alice", "Person"), ("Google", "Organization"), ("Microsoft", "Organization")])  # fmt: skip
    hold, stored = threading.Event(), threading.Event()
    first = threading.Thread(target=_store, args=(alice.tenant, str(uuid.uuid4())),
                             kwargs={"hold": hold, "stored": stored})  # fmt: skip
    first.start()
    assert stored.wait(10)
    second = threading.Thread(target=_store, args=(alice.tenant, str(uuid.uuid4())),
                              kwargs={"fact": later})  # fmt: skip
    second.start()
    second.join(0.5)
    assert second.is_alive()  # waits for the first store of this subject's employer
    hold.set()
    first.join(10)
    second.join(10)
    [edge] = _current(alice.tenant)
    with tenant_scope(alice.tenant.pk):
        assert edge.object.name == "Microsoft"
        closed = Relation.objects.get(tenant=alice.tenant, predicate="works_at",
                                      valid_to__isnull=False)  # fmt: skip
        assert closed.object.name == "Google" and closed.valid_to == edge.valid_from


@pytest.mark.django_db(transaction=True)
def test_many_concurrent_stores_of_one_fact_leave_one_current_edge(alice):
    ids = [str(uuid.uuid4()) for _ in range(4)]
    threads = [threading.Thread(target=_store, args=(alice.tenant, m)) for m in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    [edge] = _current(alice.tenant)
    assert _sources(alice.tenant, edge) == set(ids)
    with tenant_scope(alice.tenant.pk):
        assert Entity.objects.filter(tenant=alice.tenant).count() == 2


@pytest.mark.django_db
def test_width_case_and_chinese_script_variants_resolve_to_one_entity(alice):
    with tenant_scope(alice.tenant.pk):
        made = [
            entity_resolve(tenant=alice.tenant, user_id="u1", name=name, entity_type="Organization")
            for name in ("Ｇｏｏｇｌｅ", "google", "GOOGLE.", "The Google")
        ]
        assert len({e.pk for e, _ in made}) == 1 and [m for _, m in made] == [True] + [False] * 3
        cities = [
            entity_resolve(tenant=alice.tenant, user_id="u1", name=name, entity_type="Place")[0]
            for name in ("臺北", "台北", "台 北")
        ]
        assert len({e.pk for e in cities}) == 1
        people = {
            entity_resolve(tenant=alice.tenant, user_id="u1", name=n, entity_type="Person")[0].pk
            for n in ("張偉", "张伟")
        }
        assert len(people) == 1
        assert Entity.objects.filter(tenant=alice.tenant).count() == 3


@pytest.mark.parametrize(
    "name", ["Ｇｏｏｇｌｅ", "The Google", "google.", "臺北", "台 北", "AT&T", "Jean-Luc", "微軟"]
)
def test_resolution_uses_the_extraction_key(name):
    assert name_key(name) == extraction_key(name)[:200]


@pytest.mark.django_db
def test_a_merge_that_would_repeat_a_fact_keeps_one_current_edge_and_undo_restores_both(alice):
    client = alice.client()
    parse = (
        "Relation: Bob works_at Google\nRelation: Bobby works_at Google\nRelation: Bobby likes tea"
    )
    assert client.post("/v1/graph/extract/llm-parse", {"response": parse},
                       format="json").status_code == 200  # fmt: skip
    with tenant_scope(alice.tenant.pk):
        bob, bobby = (Entity.objects.get(tenant=alice.tenant, key=k).pk for k in ("bob", "bobby"))
    merged = client.post("/v1/graph/entities/merge", {"entity_id": bobby, "into_id": bob},
                         format="json")  # fmt: skip
    assert merged.status_code == 200, merged.content
    current = client.get("/v1/graph/triples").json()["triples"]
    assert sorted((t["subject"], t["predicate"], t["object"]) for t in current) == [
        ("bob", "likes", "tea"), ("bob", "works_at", "google")]  # fmt: skip
    undone = client.post(f"/v1/graph/merges/{merged.json()['merge_id']}/undo")
    assert undone.status_code == 200, undone.content
    current = client.get("/v1/graph/triples").json()["triples"]
    assert sorted((t["subject"], t["predicate"], t["object"]) for t in current) == [
        ("bob", "works_at", "google"), ("bobby", "likes", "tea"), ("bobby", "works_at", "google")]  # fmt: skip
