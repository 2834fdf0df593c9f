"""The MemOS server routes of issue 15: memories by ids, cubes with an owner and readers, the
soft delete by record id and its recover, suggestions (offline and with an LLM) and the
scheduler status on our add batches. Every answer is validated with MemOS's own pydantic
response models (the installed MemoryOS package)."""

from __future__ import annotations

import json

import pytest

from apps.compat.models import Cube, CubeDeletion
from apps.core.tenancy import tenant_scope
from apps.memories.models import AddBatch, Memory, MemoryVersion
from tests.compat.memos_package import product_models as pm
from tests.llm_server import Reply
from tests.memories.factories import make_memories


def post(actor, path, body, status=200):
    response = actor.client().post(f"/product/{path}", body, format="json")
    assert response.status_code == status, response.content
    return response.json()


def get(actor, path, status=200):
    response = actor.client().get(f"/product/{path}")
    assert response.status_code == status, response.content
    return response.json()


def search(actor, user_id, query, cubes, status=200):
    return post(actor, "search", {"user_id": user_id, "query": query,
                                  "readable_cube_ids": cubes}, status)  # fmt: skip


# --- get_memory_by_ids ----------------------------------------------------------------------


def test_get_memory_by_ids_answers_the_known_ones_in_order(alice, charlie):
    first, second = make_memories(alice.tenant, "ann", ["I like tea", "I live in Lyon"])
    [theirs] = make_memories(charlie.tenant, "ann", ["charlie's own"])
    ids = [str(second.pk), "not-an-id", str(theirs.pk), str(first.pk), str(second.pk),
           "00000000-0000-0000-0000-000000000000"]  # fmt: skip
    body = post(alice, "get_memory_by_ids", ids)
    pm.GetMemoryResponse.model_validate(body)
    assert [m["memory"] for m in body["data"]["memories"]] == ["I live in Lyon", "I like tea"]
    assert body["data"]["memories"][0]["metadata"]["user_id"] == "ann"
    assert post(alice, "get_memory_by_ids", {"memory_ids": [str(first.pk)]})["data"][
        "memories"][0]["id"] == str(first.pk)  # fmt: skip
    assert post(alice, "get_memory_by_ids", [])["data"]["memories"] == []


@pytest.mark.parametrize("body", [{"memory_ids": "x"}, [1, 2], ["x"] * 101, "abc"],
                         ids=["not-a-list", "not-strings", "too-many", "a-string"])  # fmt: skip
def test_get_memory_by_ids_bad_bodies_are_400(alice, body):
    assert post(alice, "get_memory_by_ids", body, 400)["error"]["code"] in {
        "invalid_parameter", "invalid_body"}  # fmt: skip


# --- cubes ----------------------------------------------------------------------------------


def test_create_cube_answers_memos_shape_and_refuses_a_second_with_the_same_id(alice):
    body = post(alice, "create_cube", {"cube_name": "Team", "owner_id": "ann",
                                       "cube_id": "team", "reader_ids": ["bo"]})  # fmt: skip
    pm.CreateCubeResponse.model_validate(body)
    assert body["data"] == {"cube_id": "team", "cube_name": "Team", "owner_id": "ann",
                            "reader_ids": ["bo"]}  # fmt: skip
    again = post(alice, "create_cube", {"cube_name": "Mine", "owner_id": "cy", "cube_id": "team"},
                 409)  # fmt: skip
    assert again["error"]["code"] == "cube_exists"
    generated = post(alice, "create_cube", {"cube_name": "Auto", "owner_id": "ann"})
    assert len(generated["data"]["cube_id"]) == 36


def test_a_registered_cube_is_read_by_owner_and_readers_and_written_by_its_owner(alice, llm):
    post(alice, "add", {"user_id": "ann", "mem_cube_id": "team", "async_mode": "sync",
                        "messages": "We ship on Fridays"})  # unregistered: anyone  # fmt: skip
    post(alice, "create_cube", {"cube_name": "Team", "owner_id": "ann", "cube_id": "team",
                                "reader_ids": ["bo"]})  # fmt: skip
    for reader in ("ann", "bo"):
        found = search(alice, reader, "ship", ["team"])
        assert found["data"]["text_mem"][0]["memories"][0]["memory"] == "We ship on Fridays"
    refused = search(alice, "cy", "ship", ["team"], 403)
    assert refused["error"]["code"] == "cube_forbidden"
    assert post(alice, "get_all", {"user_id": "cy", "mem_cube_ids": ["team"]},
                403)["error"]["code"] == "cube_forbidden"  # fmt: skip
    assert post(alice, "get_memory", {"mem_cube_id": "team"}, 403)["error"]["code"] == (
        "cube_forbidden")  # no user_id: nobody  # fmt: skip
    assert post(alice, "get_memory", {"mem_cube_id": "team", "user_id": "bo"})["data"][
        "text_mem"][0]["total"] == 1  # fmt: skip
    # a reader does not write; the owner does
    with tenant_scope(alice.tenant.pk):
        before = Memory.objects.filter(user_id="team").count()
    post(alice, "add", {"user_id": "bo", "writable_cube_ids": ["team"], "messages": "no",
                        "async_mode": "sync"}, 403)  # fmt: skip
    post(alice, "feedback", {"user_id": "bo", "mem_cube_id": "team",
                             "feedback_content": "no"}, 403)  # fmt: skip
    post(alice, "delete_memory", {"writable_cube_ids": ["team"], "user_id": "bo"}, 403)
    post(alice, "delete_memory", {"writable_cube_ids": ["team"]}, 403)
    asked = len(llm.requests)  # the adds' extraction used the LLM; the refused chat must not
    post(alice, "chat/complete", {"user_id": "cy", "query": "when?",
                                  "readable_cube_ids": ["team"]}, 403)  # fmt: skip
    assert len(llm.requests) == asked
    with tenant_scope(alice.tenant.pk):
        assert Memory.objects.filter(user_id="team", status="activated").count() == before
    post(alice, "add", {"user_id": "ann", "writable_cube_ids": ["team"], "async_mode": "sync",
                        "messages": "Standup is at nine"})  # fmt: skip
    # other cubes keep today's behaviour
    assert search(alice, "cy", "ship", ["open-cube"])["data"]["text_mem"][0]["memories"] == []


def test_register_cube_claims_and_reregisters_by_its_owner_only(alice):
    body = post(alice, "register_cube", {"mem_cube_name_or_path": "/data/cubes/ann",
                                         "mem_cube_id": "ann-cube", "user_id": "ann"})  # fmt: skip
    pm.RegisterCubeResponse.model_validate(body)
    assert body["data"]["cube_id"] == "ann-cube"
    assert body["data"]["cube_name_or_path"] == "/data/cubes/ann"
    again = post(alice, "register_cube", {"mem_cube_name_or_path": "renamed", "user_id": "ann",
                                          "mem_cube_id": "ann-cube", "reader_ids": ["bo"]})  # fmt: skip
    assert again["data"]["reader_ids"] == ["bo"] and again["data"]["cube_name_or_path"] == "renamed"
    taken = post(alice, "register_cube", {"mem_cube_name_or_path": "x", "user_id": "cy",
                                          "mem_cube_id": "ann-cube"}, 409)  # fmt: skip
    assert taken["error"]["code"] == "cube_exists"
    own = post(alice, "register_cube", {"mem_cube_name_or_path": "dee", "mem_cube_id": "dee"})
    assert own["data"]["owner_id"] == "dee"  # no user_id: the user the cube is named after


@pytest.mark.parametrize(("path", "body"), [
    ("create_cube", {"owner_id": "ann"}),
    ("create_cube", {"cube_name": "x"}),
    ("create_cube", {"cube_name": "x", "owner_id": 5}),
    ("create_cube", {"cube_name": "x", "owner_id": "a", "reader_ids": "bo"}),
    ("create_cube", {"cube_name": "x", "owner_id": "a", "cube_id": "c" * 201}),
    ("register_cube", {"mem_cube_id": "x"}),
    ("register_cube", {"mem_cube_name_or_path": ""}),
    ("delete_memory_by_record_id", {"mem_cube_id": "x"}),
    ("delete_memory_by_record_id", {"mem_cube_id": "x", "record_id": "r", "hard_delete": "yes"}),
    ("recover_memory_by_record_id", {"mem_cube_id": "x", "record_id": "r"}),
    ("suggestions", {"user_id": "u"}),
    ("suggestions", {"user_id": "u", "mem_cube_id": "u", "language": "fr"}),
    ("suggestions", {"user_id": "u", "mem_cube_id": "u", "message": 5}),
])  # fmt: skip
def test_bad_bodies_are_400_in_the_envelope_and_change_nothing(alice, path, body):
    make_memories(alice.tenant, "x", ["kept"])
    error = post(alice, path, body, 400)["error"]
    assert error["code"] and error["message"]
    with tenant_scope(alice.tenant.pk):
        assert Memory.objects.get(user_id="x").status == "activated"
        assert Cube.objects.count() == 0


# --- delete / recover by record id ----------------------------------------------------------


def test_delete_by_record_id_hides_the_cube_and_recover_brings_it_back(alice):
    make_memories(alice.tenant, "fay", ["I play the cello", "My sister is Ines"])
    [other] = make_memories(alice.tenant, "gus", ["Gus likes cello too"])
    deleted = post(alice, "delete_memory_by_record_id", {"mem_cube_id": "fay",
                                                         "record_id": "rec-1"})  # fmt: skip
    pm.DeleteMemoryByRecordIdResponse.model_validate(deleted)
    assert deleted["data"] == {"status": "success", "deleted": 2}
    assert search(alice, "fay", "cello", ["fay"])["data"]["text_mem"][0]["memories"] == []
    assert post(alice, "get_memory", {"mem_cube_id": "fay"})["data"]["text_mem"][0]["total"] == 0
    make_memories(alice.tenant, "fay", ["Added after the delete"])  # not part of rec-1
    recovered = post(alice, "recover_memory_by_record_id", {"mem_cube_id": "fay",
                                                            "delete_record_id": "rec-1"})  # fmt: skip
    pm.RecoverMemoryByRecordIdResponse.model_validate(recovered)
    assert recovered["data"] == {"status": "success", "recovered": 2}
    hits = search(alice, "fay", "cello", ["fay"])["data"]["text_mem"][0]["memories"]
    assert [h["memory"] for h in hits][:1] == ["I play the cello"]
    assert post(alice, "get_memory", {"mem_cube_id": "fay"})["data"]["text_mem"][0]["total"] == 3
    with tenant_scope(alice.tenant.pk):
        cello = Memory.objects.get(value="I play the cello")
        events = list(MemoryVersion.objects.filter(memory=cello).values_list("event", "version"))
        assert events == [("ADD", 1), ("DELETE", 2), ("UPDATE", 3)] and cello.version == 3
        assert Memory.objects.get(pk=other.pk).status == "activated"  # another cube untouched
    # the record is used up: a second recover brings nothing; an unknown record neither
    assert post(alice, "recover_memory_by_record_id", {"mem_cube_id": "fay",
                "delete_record_id": "rec-1"})["data"]["recovered"] == 0  # fmt: skip


def test_hard_delete_of_a_record_makes_it_unrecoverable(alice):
    make_memories(alice.tenant, "hal", ["Hal runs marathons"])
    post(alice, "delete_memory_by_record_id", {"mem_cube_id": "hal", "record_id": "r"})
    post(alice, "delete_memory_by_record_id", {"mem_cube_id": "hal", "record_id": "r",
                                               "hard_delete": True})  # fmt: skip
    assert post(alice, "recover_memory_by_record_id", {"mem_cube_id": "hal",
                "delete_record_id": "r"})["data"]["recovered"] == 0  # fmt: skip
    with tenant_scope(alice.tenant.pk):
        assert Memory.objects.get(user_id="hal").status == "deleted"


def test_delete_by_record_id_of_a_registered_cube_needs_its_owner(alice):
    make_memories(alice.tenant, "ivy-cube", ["Ivy's secret"])
    post(alice, "create_cube", {"cube_name": "Ivy", "owner_id": "ivy", "cube_id": "ivy-cube",
                                "reader_ids": ["jo"]})  # fmt: skip
    for body in ({}, {"user_id": "jo"}):
        refused = post(alice, "delete_memory_by_record_id",
                       {"mem_cube_id": "ivy-cube", "record_id": "r", **body}, 403)  # fmt: skip
        assert refused["error"]["code"] == "cube_forbidden"
    post(alice, "delete_memory_by_record_id", {"mem_cube_id": "ivy-cube", "record_id": "r",
                                               "user_id": "ivy"})  # fmt: skip
    post(alice, "recover_memory_by_record_id", {"mem_cube_id": "ivy-cube",
                                                "delete_record_id": "r"}, 403)  # fmt: skip
    assert post(alice, "recover_memory_by_record_id", {"mem_cube_id": "ivy-cube",
                "delete_record_id": "r", "user_id": "ivy"})["data"]["recovered"] == 1  # fmt: skip


# --- suggestions ----------------------------------------------------------------------------


def test_suggestions_offline_from_the_hottest_memories_in_the_users_language(alice):
    make_memories(alice.tenant, "kim", ["I am learning Japanese", "My dog is called Rex"])
    body = post(alice, "suggestions", {"user_id": "kim", "mem_cube_id": "kim", "language": "en"})
    pm.SuggestionResponse.model_validate(body)
    queries = body["data"]["query"]
    assert len(queries) == 2 and all(q.endswith("?") for q in queries)
    assert any("Rex" in q for q in queries) and any("Japanese" in q for q in queries)
    assert (body["generator"], body["source"]) == ("templates", "memories")
    assert post(alice, "suggestions", {"user_id": "kim", "mem_cube_id": "kim",
                                       "language": "en"})["data"]["query"] == queries  # fmt: skip
    make_memories(alice.tenant, "lin", ["我每天早上跑步五公里", "我的女儿在上海读大学"])
    chinese = post(alice, "suggestions", {"user_id": "lin", "mem_cube_id": "lin"})["data"]
    assert all("？" in q for q in chinese["query"]) and any("跑步" in q for q in chinese["query"])
    empty = post(alice, "suggestions", {"user_id": "new", "mem_cube_id": "new",
                                        "language": "zh"})["data"]  # fmt: skip
    assert len(empty["query"]) == 3 and all("？" in q for q in empty["query"])


def test_suggestions_from_a_dialogue(alice):
    body = post(
        alice,
        "suggestions",
        {
            "user_id": "mo",
            "mem_cube_id": "mo",
            "language": "en",
            "message": [
                {"role": "user", "content": "Plan a trip"},
                {"role": "assistant", "content": "Where?"},
            ],
        },
    )
    assert body["source"] == "dialogue" and "Plan a trip" in body["data"]["query"][0]


def test_suggestions_with_an_llm_and_the_fallback_when_it_fails(alice, llm):
    make_memories(alice.tenant, "ned", ["I am moving to Oslo in June"])
    llm.script(Reply(content=json.dumps({"query": ["Where will I live in Oslo?",
                                                   "What should I pack?"]})))  # fmt: skip
    body = post(alice, "suggestions", {"user_id": "ned", "mem_cube_id": "ned", "language": "en"})
    assert body["data"] == {"query": ["Where will I live in Oslo?", "What should I pack?"]}
    assert body["generator"] == "llm"
    pm.SuggestionResponse.model_validate(body)
    assert "Oslo" in llm.requests[0]["body"]["messages"][1]["content"]
    llm.script(Reply(content="not json"), Reply(content='{"query": "one"}'))
    fallen = post(alice, "suggestions", {"user_id": "ned", "mem_cube_id": "ned",
                                         "language": "en"})  # fmt: skip
    assert fallen["generator"].startswith("templates (llm failed")
    assert "Oslo" in fallen["data"]["query"][0]


def test_suggestions_of_a_registered_cube_need_a_reader(alice):
    post(alice, "create_cube", {"cube_name": "P", "owner_id": "oli", "cube_id": "oli-cube"})
    assert post(alice, "suggestions", {"user_id": "pat", "mem_cube_id": "oli-cube"},
                403)["error"]["code"] == "cube_forbidden"  # fmt: skip


# --- scheduler ------------------------------------------------------------------------------


def test_scheduler_status_lists_the_users_batches(alice):
    done = post(alice, "add", {"user_id": "quinn", "messages": "hello", "async_mode": "sync"})
    # async without a worker (and no commit in this test): the batch stays queued
    waiting = post(alice, "add", {"user_id": "quinn", "messages": "later", "async_mode": "async"})
    task = waiting["data"][-1]["task_id"]
    body = get(alice, "scheduler/status?user_id=quinn")
    pm.StatusResponse.model_validate(body)
    statuses = {t["task_id"]: t["status"] for t in body["data"]}
    assert statuses[task] == "waiting" and "completed" in statuses.values() and len(statuses) == 2
    one = get(alice, f"scheduler/status?user_id=quinn&task_id={task}")
    assert one["data"] == [{"task_id": task, "status": "waiting"}]
    assert get(alice, f"scheduler/status?user_id=other&task_id={task}",
               404)["error"]["code"] == "task_not_found"  # fmt: skip
    assert get(alice, "scheduler/status?user_id=quinn&task_id=nope", 404)
    assert get(alice, "scheduler/status", 400)["error"]["code"]
    assert done["code"] == 200

    summary = get(alice, "scheduler/allstatus")
    pm.AllStatusResponse.model_validate(summary)
    every = summary["data"]["all_tasks_summary"]
    assert (every["waiting"], every["completed"], every["total"]) == (1, 1, 2)
    assert summary["data"]["scheduler_summary"]["total"] == 2  # both with extraction (infer)

    queue = get(alice, "scheduler/task_queue_status?user_id=quinn")
    pm.TaskQueueResponse.model_validate(queue)
    data = queue["data"]
    assert (data["remaining_tasks_count"], data["pending_tasks_count"]) == (1, 0)
    assert data["stream_keys"] == ["memplatform:ingest:quinn"] and data["users_count"] == 1
    assert set(data["queues"]) >= {"ingest", "default"}
    idle = get(alice, "scheduler/task_queue_status?user_id=nobody")["data"]
    assert idle["stream_keys"] == [] and idle["remaining_tasks_count"] == 0


def test_scheduler_wait_times_out_on_a_waiting_batch_and_is_idle_without(alice):
    post(alice, "add", {"user_id": "rae", "messages": "later", "async_mode": "async"})
    body = post(alice, "scheduler/wait?user_name=rae&timeout_seconds=0.3&poll_interval=0.1", None)
    assert body["message"] == "timeout"
    assert body["data"]["timed_out"] is True and body["data"]["running_tasks"] == 1
    assert 0.3 <= body["data"]["waited_seconds"] < 2
    idle = post(alice, "scheduler/wait?user_name=sam&timeout_seconds=5", None)
    assert idle["message"] == "idle" and idle["data"]["timed_out"] is False
    assert idle["data"]["user_name"] == "sam" and idle["data"]["waited_seconds"] < 1
    for bad in ("", "?user_name=x&timeout_seconds=-1", "?user_name=x&poll_interval=0"):
        assert post(alice, f"scheduler/wait{bad}", None, 400)["error"]["code"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_scheduler_wait_returns_when_the_worker_finished_the_users_batches(celery_worker, alice):
    post(alice, "add", {"user_id": "tia", "messages": ["I live in Porto", "I like fado"],
                        "async_mode": "async"})  # fmt: skip
    body = post(alice, "scheduler/wait?user_name=tia&timeout_seconds=60", None)
    assert body["message"] == "idle" and body["data"]["running_tasks"] == 0, body
    with tenant_scope(alice.tenant.pk):
        assert set(AddBatch.objects.filter(user_id="tia").values_list("status", flat=True)) == {
            "done"}  # fmt: skip
    assert {t["status"] for t in get(alice, "scheduler/status?user_id=tia")["data"]} == {
        "completed"}  # fmt: skip


# --- privacy: cubes hold user ids ------------------------------------------------------------


def test_gdpr_erasure_removes_the_users_cubes_readership_and_deletion_records(alice):
    make_memories(alice.tenant, "uma", ["Uma's note"])
    post(alice, "create_cube", {"cube_name": "Uma's", "owner_id": "uma", "cube_id": "uma-team"})
    post(alice, "create_cube", {"cube_name": "Shared", "owner_id": "vic", "cube_id": "vic-team",
                                "reader_ids": ["uma", "wes"]})  # fmt: skip
    post(alice, "delete_memory_by_record_id", {"mem_cube_id": "uma", "record_id": "r"})
    dry = alice.client().post("/v1/security/gdpr/delete", {"user_id": "uma", "dry_run": True},
                              format="json").json()["receipt"]["counts"]  # fmt: skip
    assert (dry["cubes"], dry["cube_deletions"]) == (2, 1)
    erased = alice.client().post("/v1/security/gdpr/delete", {"user_id": "uma"}, format="json")
    assert erased.status_code == 200, erased.content
    with tenant_scope(alice.tenant.pk):
        cubes = {c.cube_id: c.reader_ids for c in Cube.objects.all()}
        assert not CubeDeletion.objects.filter(cube_id="uma").exists()
    assert cubes == {"vic-team": ["wes"]}


def test_bodies_as_memos_request_models_dump_them_are_accepted(alice):
    """What a client built on MemOS's own request models sends (every field, None included)."""
    make_memories(alice.tenant, "yan", ["Yan sails on weekends"])
    bodies = {
        "create_cube": pm.CreateCubeRequest(cube_name="Yan", owner_id="yan", cube_id="yan-cube"),
        "register_cube": pm.RegisterCubeRequest(mem_cube_name_or_path="/cubes/zoe"),
        "suggestions": pm.SuggestionRequest(user_id="yan", mem_cube_id="yan"),
        "delete_memory_by_record_id": pm.DeleteMemoryByRecordIdRequest(mem_cube_id="yan",
                                                                        record_id="r"),
        "recover_memory_by_record_id": pm.RecoverMemoryByRecordIdRequest(mem_cube_id="yan",
                                                                          delete_record_id="r"),
    }  # fmt: skip
    answers = {path: post(alice, path, model.model_dump(mode="json"))
               for path, model in bodies.items()}  # fmt: skip
    assert answers["create_cube"]["data"]["cube_id"] == "yan-cube"
    registered = answers["register_cube"]["data"]
    assert len(registered["cube_id"]) == 36 and registered["owner_id"] == registered["cube_id"]
    [question] = answers["suggestions"]["data"]["query"]  # zh, MemOS's default: Chinese templates
    assert "Yan sails on weekends" in question and question.endswith("？")
    assert answers["delete_memory_by_record_id"]["data"]["deleted"] == 1
    assert answers["recover_memory_by_record_id"]["data"]["recovered"] == 1
