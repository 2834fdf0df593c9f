"""What an add promises: its turns are searchable when it answers (read-your-writes, also for
queued adds), an event_id is an idempotency key (Stripe's rules), the batch status tells what
the pipeline decided, and stages registered by other apps see the stored turns."""

from __future__ import annotations

import pytest

from apps.core.tenancy import tenant_scope
from apps.memories import registry as stages
from apps.memories.models import AddBatch, Memory, Message
from apps.memories.services import batch_process

ADD, SEARCH = "/v1/memory/add", "/v1/memory/search"


def add(actor, **body):
    body.setdefault("user_id", "u1")
    return actor.client().post(ADD, body, format="json")


def found(actor, query, user_id="u1"):
    body = {"query": query, "user_id": user_id}
    response = actor.client().post(SEARCH, body, format="json")
    assert response.status_code == 200, response.content
    return [hit["memory"] for hit in response.json()["results"]]


# --- read-your-writes ----------------------------------------------------------------------


def test_a_queued_add_is_searchable_before_any_worker_runs(alice):
    """No worker runs in this test: the batch stays queued, and the turns are found anyway."""
    text = "My violin teacher lives in Leipzig."
    response = add(alice, messages=text, infer=True, async_mode="async")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "queued"
    assert [m["memory"] for m in body["results"]] == [text]  # the stored turn, with its id
    assert found(alice, "violin teacher")[0] == text
    assert found(alice, "Leipzig")[0] == text
    status = alice.client().get(f"/v1/memory/add/status/{body['batch_id']}").json()
    assert status["status"] == "queued"  # extraction still waits for the worker
    with tenant_scope(alice.tenant.pk):
        assert Memory.objects.filter(kind="turn").count() == 1
        assert not Memory.objects.exclude(kind="turn").exists()  # no fact before the worker


def test_the_worker_adds_facts_and_never_stores_the_turns_twice(alice):
    response = add(alice, messages="I live in Berlin.", infer=True, async_mode="async")
    batch_id = response.json()["batch_id"]
    with tenant_scope(alice.tenant.pk):
        batch = AddBatch.objects.select_related("tenant").get(pk=batch_id)
        facts = batch_process(batch=batch, actor="test")
        assert [m.kind for m in facts] == ["place"]
        assert Memory.objects.filter(kind="turn").count() == 1
        assert AddBatch.objects.get(pk=batch_id).memory_count == 2


def test_memos_cloud_add_then_search_right_away(alice):
    """MemOS clients add with async_mode on by default and search at once."""
    base = "/api/openmem/v1"
    add_body = {"user_id": "u7", "conversation_id": "c1",
                "messages": [{"role": "user", "content": "我的猫叫小白，今年三岁。"}]}  # fmt: skip
    assert alice.client().post(f"{base}/add/message", add_body, format="json").status_code == 200
    hits = alice.client().post(f"{base}/search/memory", {"user_id": "u7", "query": "猫叫什么"},
                               format="json").json()["data"]["memory_detail_list"]  # fmt: skip
    assert hits and "小白" in hits[0]["memory_value"]


# --- event_id: an idempotency key -----------------------------------------------------------


def test_an_event_id_reused_with_another_payload_is_a_409_and_stores_nothing(alice):
    first = add(alice, messages="I like tea.", event_id="evt-1")
    assert first.status_code == 200
    for changed in ({"messages": "I like coffee."}, {"messages": "I like tea.", "user_id": "u2"},
                    {"messages": "I like tea.", "infer": True}):  # fmt: skip
        response = add(alice, event_id="evt-1", **changed)
        assert response.status_code == 409, changed
        error = response.json()["error"]
        assert error["type"] == "Conflict"
        assert "event_id" in error["message"]
        assert error["details"]["batch_id"] == first.json()["batch_id"]
    with tenant_scope(alice.tenant.pk):
        assert list(Message.objects.values_list("content", flat=True)) == ["I like tea."]
        assert AddBatch.objects.count() == 1


def test_the_same_event_id_in_another_tenant_is_another_request(alice, charlie):
    assert add(alice, messages="Alice's turn", event_id="evt-1").status_code == 200
    response = add(charlie, messages="Charlie's turn", event_id="evt-1")
    assert response.status_code == 200
    assert [m["memory"] for m in response.json()["results"]] == ["Charlie's turn"]


def test_a_replay_answers_the_batch_as_it_is_now(alice):
    body = {"messages": "I live in Berlin.", "infer": True, "async_mode": "async",
            "event_id": "evt-9"}  # fmt: skip
    first = add(alice, **body).json()
    assert first["status"] == "queued"
    with tenant_scope(alice.tenant.pk):
        batch = AddBatch.objects.select_related("tenant").get(pk=first["batch_id"])
        batch_process(batch=batch, actor="test")
    replay = add(alice, **body)
    assert replay.status_code == 200
    assert replay.headers["Idempotent-Replayed"] == "true"
    again = replay.json()
    assert again["batch_id"] == first["batch_id"]
    assert again["status"] == "done"  # not the "queued" of the first answer
    assert again["message_ids"] == first["message_ids"]
    assert sorted(m["kind"] for m in again["results"]) == ["place", "turn"]
    with tenant_scope(alice.tenant.pk):
        assert Message.objects.count() == 1


# --- the batch status --------------------------------------------------------------------------


def test_batch_status_shows_the_extractor_and_the_decisions(alice):
    add(alice, messages="I live in Beijing.", infer=True)
    batch_id = add(alice, messages="I moved to Shanghai.", infer=True).json()["batch_id"]
    status = alice.client().get(f"/v1/memory/add/status/{batch_id}").json()
    assert status["status"] == "done"
    assert status["infer"] is True
    assert status["extractor"] == "rules"
    [decision] = status["decisions"]
    assert decision["event"] == "UPDATE"
    assert "Shanghai" in decision["value"]
    assert decision["reason"]


# --- stages registered by the apps above ------------------------------------------------------


@pytest.fixture
def recording_stage():
    seen: list[stages.StageInput] = []

    def run(stage_input: stages.StageInput) -> stages.StageResult:
        seen.append(stage_input)
        return stages.StageResult(extractor="recorder")

    stages.stage_register(stages.Stage(name="test-recorder", run=run, ordered=True))
    yield seen
    stages.stage_unregister("test-recorder")


def test_an_ordered_stage_sees_the_stored_turns_and_only_with_infer(alice, recording_stage):
    add(alice, messages="no inference here", infer=False)
    assert recording_stage == []
    batch_id = add(alice, messages=["first", "second"], infer=True).json()["batch_id"]
    [seen] = recording_stage
    assert str(seen.batch.pk) == batch_id
    assert [t.value for t in seen.turns] == ["first", "second"]
    assert [m.content for m in seen.messages] == ["first", "second"]
    status = alice.client().get(f"/v1/memory/add/status/{batch_id}").json()
    assert status["extractor"] == "rules; recorder"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_an_unordered_stage_runs_on_its_own_queue_after_the_batch_is_done(celery_worker, alice):
    import time

    from apps.core.ratelimit import redis_client
    from tests.worker_tasks import STAGE_KEY, register_test_stage

    register_test_stage()
    try:
        body = {"messages": ["I live in Berlin.", "我养了一只猫。"], "infer": True,
                "async_mode": "async"}  # fmt: skip
        batch_id = add(alice, **body).json()["batch_id"]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            seen = redis_client().get(STAGE_KEY.format(batch_id=batch_id))
            if seen:
                break
            time.sleep(0.2)
        assert seen and seen.decode() == "I live in Berlin.,我养了一只猫。"
        with tenant_scope(alice.tenant.pk):
            assert AddBatch.objects.get(pk=batch_id).status == "done"  # it ran after the batch
    finally:
        stages.stage_unregister("test-unordered")


def test_without_redis_an_unordered_stage_runs_in_the_request(
    alice, django_capture_on_commit_callbacks
):
    from apps.core.degraded import redis_failed, redis_recovered
    from apps.core.ratelimit import redis_client
    from tests.worker_tasks import STAGE_KEY, register_test_stage

    register_test_stage()
    try:
        redis_failed(OSError("test: Redis is down"))
        with django_capture_on_commit_callbacks(execute=True):
            batch_id = add(alice, messages="I live in Berlin.", infer=True).json()["batch_id"]
    finally:
        stages.stage_unregister("test-unordered")
        redis_recovered()
    assert redis_client().get(STAGE_KEY.format(batch_id=batch_id)) == b"I live in Berlin."


def test_deferred_turns_are_stored_by_the_worker_even_without_infer(alice):
    """Chat's write-back must not make the answer wait for embeddings: it defers the turns."""
    from apps.memories.services import MessageIn, Scope, memory_add

    with tenant_scope(alice.tenant.pk):
        result = memory_add(
            tenant=alice.tenant, scope=Scope(user_id="u1"), event_id=None, infer=False,
            messages=[MessageIn(role="user", content="Where does my sister live?"),
                      MessageIn(role="assistant", content="In Shanghai.")],
            async_mode="async", actor="test", defer_turns=True,
        )  # fmt: skip
        assert result.batch.status == "queued" and result.memories == []
        assert not Memory.objects.exists()
        batch = AddBatch.objects.select_related("tenant").get(pk=result.batch.pk)
        assert batch_process(batch=batch, actor="test") == []  # no stage: infer is off
        assert sorted(Memory.objects.values_list("value", flat=True)) == [
            "In Shanghai.", "Where does my sister live?"
        ]  # fmt: skip
        assert AddBatch.objects.get(pk=batch.pk).status == "done"


@pytest.mark.django_db(transaction=True)
def test_concurrent_adds_with_one_event_id_store_once(alice):
    """Eight clients retrying the same add at once: one batch, one message, the same answer."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    def send(_: int) -> tuple[int, str]:
        try:
            response = add(alice, messages="Exactly once, please.", event_id="evt-race")
            return response.status_code, response.json().get("batch_id", "")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(send, range(8)))
    assert {status for status, _ in answers} == {200}
    assert len({batch_id for _, batch_id in answers}) == 1
    with tenant_scope(alice.tenant.pk):
        assert Message.objects.count() == 1 and AddBatch.objects.count() == 1


def test_an_unordered_stage_that_hits_a_deadlock_runs_again(alice):
    # PostgreSQL aborts one of two deadlocked transactions; the stage's task retries it
    from django.db import OperationalError

    from apps.memories.tasks import run_stage

    calls: list[int] = []

    def run(stage_input: stages.StageInput) -> None:
        calls.append(len(calls))
        if len(calls) == 1:
            raise OperationalError("deadlock detected")

    stages.stage_register(stages.Stage(name="test-flaky", run=run, queue="graph", ordered=False))
    try:
        batch_id = add(alice, messages="I live in Beijing.", infer=False).json()["batch_id"]
        result = run_stage.apply(kwargs={"tenant_id": alice.tenant.pk, "batch_id": batch_id,
                                         "stage": "test-flaky", "actor": "test"})  # fmt: skip
    finally:
        stages.stage_unregister("test-flaky")
    assert calls == [0, 1]
    assert result.successful()
