from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from apps.core.tenancy import tenant_scope
from apps.jobs.models import Job
from apps.memories.checks import embedding_dimension_check
from apps.memories.models import Memory
from tests.memories.factories import make_memories


def add(actor, conversation_id, *turns):
    messages = [{"role": "user", "content": t} for t in turns]
    body = {"user_id": "u1", "conversation_id": conversation_id, "messages": messages}
    assert actor.client().post("/v1/memory/add", body, format="json").status_code == 200


def test_each_turn_is_embedded_with_the_turn_before_it_in_its_conversation(alice):
    add(alice, "c1", "Did you ever go to Japan?", "Yes, last May.")
    add(alice, "c2", "Unrelated conversation")
    add(alice, "c1", "What did you see there?")
    with tenant_scope(alice.tenant.pk):
        contexts = dict(Memory.objects.values_list("value", "embed_context"))
    assert contexts == {
        "Did you ever go to Japan?": "",
        "Yes, last May.": "Did you ever go to Japan?",
        "Unrelated conversation": "",
        "What did you see there?": "Yes, last May.",
    }


def test_a_reply_is_found_by_the_question_it_answers(alice):
    add(alice, "c1", "Caroline: did you adopt the dog from the shelter?", "Melanie: yes, in March!")
    add(alice, "c1", "Caroline: I painted a sunset over the lake.")
    hits = (
        alice.client()
        .post(
            "/v1/memory/search",
            {
                "query": "When did Melanie adopt her dog?",
                "user_id": "u1",
                "mode": "vector",
                "limit": 2,
            },
            format="json",
        )
        .json()["results"]
    )
    assert "Melanie: yes, in March!" in [h["memory"] for h in hits]


@pytest.mark.django_db(transaction=True)
def test_reembed_refreshes_stale_vectors_resumably_with_a_job(alice):
    memories = make_memories(alice.tenant, "u1", ["one", "two", "three"])
    Memory.unscoped.filter(pk=memories[0].pk).update(embedding_model="old-model", embedding=None)
    out = StringIO()
    call_command("reembed", "--tenant", "acme", "--batch-size", "2", stdout=out, stderr=StringIO())
    assert "re-embedded 1 memories" in out.getvalue()
    refreshed = Memory.unscoped.get(pk=memories[0].pk)
    assert (
        refreshed.embedding is not None and refreshed.embedding_model == memories[1].embedding_model
    )
    job = Job.unscoped.get(kind="reembed")
    assert (job.status, job.done, job.total, job.percent) == ("done", 1, 1, 100.0)
    call_command("reembed", "--tenant", "acme", stdout=StringIO(), stderr=StringIO())
    assert Job.unscoped.filter(kind="reembed").count() == 1  # nothing stale: no new job


@pytest.mark.django_db
def test_dimension_mismatch_is_reported_at_start():
    assert embedding_dimension_check() == []
    with override_settings(EMBEDDING_BACKEND="use"):
        [error] = embedding_dimension_check()
    assert error.id == "memories.E001" and "--resize" in error.hint


def test_jobs_api_shows_progress(alice):
    from apps.jobs.services import job_progress, job_start

    job = job_start(tenant=alice.tenant, kind="import", total=200)
    job_progress(job=job, done=50)
    body = alice.client().get(f"/v1/jobs/{job.pk}").json()
    assert (body["status"], body["done"], body["total"], body["percent"]) == (
        "running",
        50,
        200,
        25.0,
    )
    assert [j["id"] for j in alice.client().get("/v1/jobs").json()["results"]] == [str(job.pk)]


def test_the_keyword_index_covers_the_previous_turn_too(alice):
    add(alice, "c1", "Do you still play the cello?", "Every Sunday.")
    hits = (
        alice.client()
        .post(
            "/v1/memory/search",
            {"query": "cello", "user_id": "u1", "mode": "keyword"},
            format="json",
        )
        .json()["results"]
    )
    assert [h["memory"] for h in hits] == ["Do you still play the cello?", "Every Sunday."]


def test_term_statistics_follow_updates_and_deletes(alice):
    from apps.memories.models import TermStat

    def df(term):
        with tenant_scope(alice.tenant.pk):
            row = TermStat.objects.filter(user_id="u1", term=term).first()
        return row.df if row else 0

    [memory] = make_memories(alice.tenant, "u1", ["violin lessons"])
    assert (df("violin"), df("")) == (1, 1)
    alice.client().patch(f"/v1/memory/{memory.pk}", {"memory": "piano lessons"}, format="json")
    assert (df("violin"), df("piano"), df("lesson")) == (0, 1, 1)
    alice.client().delete(f"/v1/memory/{memory.pk}")
    assert (df("piano"), df("")) == (0, 0)


def test_term_statistics_count_the_context_the_index_holds(alice):
    from apps.memories.models import TermStat

    add(alice, "c1", "Do you still play the cello?", "Every Sunday.")
    with tenant_scope(alice.tenant.pk):
        cello = TermStat.objects.get(user_id="u1", term="cello")
    assert cello.df == 2  # the question itself, and the reply indexed with it as context


def test_a_batch_abandoned_by_a_dead_worker_is_taken_again_without_duplicates(alice, settings):
    from datetime import timedelta

    from django.utils import timezone

    from apps.memories.models import AddBatch
    from apps.memories.services import batch_process

    body = {"user_id": "u1", "messages": ["I live in Berlin.", "I have a dog named Rex."],
            "async_mode": "async", "infer": True}  # fmt: skip
    batch_id = alice.client().post("/v1/memory/add", body, format="json").json()["batch_id"]
    with tenant_scope(alice.tenant.pk):
        assert Memory.objects.filter(kind="turn").count() == 2  # the add stored the turns
        AddBatch.objects.filter(pk=batch_id).update(status="running")  # a worker took it, then died
        batch = AddBatch.objects.select_related("tenant").get(pk=batch_id)
        assert batch_process(batch=batch, actor="test") == []  # still leased: not taken
        AddBatch.objects.filter(pk=batch_id).update(
            updated_at=timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 1)
        )
        facts = batch_process(batch=batch, actor="test")  # lease expired: redone
        assert sorted(m.kind for m in facts) == ["family", "place"]
        assert batch_process(batch=batch, actor="test") == []  # done: never twice
        assert Memory.objects.count() == 4  # two turns, two facts: nothing written twice
        assert AddBatch.objects.get(pk=batch_id).status == "done"


@pytest.mark.django_db(transaction=True)
def test_reindex_keywords_rebuilds_index_and_statistics(alice):
    from apps.memories.models import TermStat

    add(alice, "c1", "Do you still play the cello?", "Every Sunday.")
    with tenant_scope(alice.tenant.pk):
        Memory.objects.update(search_vector=None)  # as if indexed by an older analyser
        TermStat.objects.all().delete()
    keyword = {"query": "cello", "user_id": "u1", "mode": "keyword"}
    assert alice.client().post("/v1/memory/search", keyword, format="json").json()["results"] == []
    out = StringIO()
    call_command("reindex_keywords", "--tenant", "acme", stdout=out, stderr=StringIO())
    assert "reindexed 2 memories of 1 users" in out.getvalue()
    hits = alice.client().post("/v1/memory/search", keyword, format="json").json()["results"]
    assert [h["memory"] for h in hits] == ["Do you still play the cello?", "Every Sunday."]
    with tenant_scope(alice.tenant.pk):
        assert TermStat.objects.get(user_id="u1", term="cello").df == 2
        assert TermStat.objects.get(user_id="u1", term="").df == 2
