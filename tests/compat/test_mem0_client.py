"""mem0's own `MemoryClient` (mem0ai 2.2.1), unchanged, pointed at the platform under uvicorn."""

from __future__ import annotations

import pytest
from mem0 import MemoryClient
from mem0.exceptions import MemoryNotFoundError

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mem0_alice(live_api, alice):
    return MemoryClient(api_key=alice.secret, host=live_api.url)


def test_add_in_every_form_then_search_get_all_and_get(mem0_alice):
    client = mem0_alice
    client.add("I live in Hangzhou", user_id="ann", infer=False)
    client.add({"role": "user", "content": "My sister lives in Shanghai"}, user_id="ann",
               agent_id="travel-bot", metadata={"source": "chat"}, infer=False)  # fmt: skip
    added = client.add(
        [{"role": "user", "content": "我喜欢草莓"},
         {"role": "assistant", "content": "草莓很好吃"}],
        user_id="ann", run_id="session-1", infer=False,
    )  # fmt: skip
    assert [r["event"] for r in added["results"]] == ["ADD", "ADD"]
    assert added["results"][0]["run_id"] == "session-1"

    found = client.search("where does my sister live", filters={"user_id": "ann"}, top_k=2)
    top = found["results"][0]
    assert top["memory"] == "My sister lives in Shanghai" and top["agent_id"] == "travel-bot"
    assert top["metadata"]["source"] == "chat" and isinstance(top["score"], float)
    assert client.search("草莓", filters={"AND": [{"user_id": "ann"}, {"run_id": "session-1"}]},
                         top_k=1)["results"][0]["memory"] == "我喜欢草莓"  # fmt: skip

    page = client.get_all(filters={"user_id": "ann"}, page=1, page_size=3)
    assert page["count"] == 4 and len(page["results"]) == 3 and page["next"]
    only_bot = client.get_all(filters={"AND": [{"user_id": "ann"}, {"agent_id": "travel-bot"}]})
    assert [m["memory"] for m in only_bot["results"]] == ["My sister lives in Shanghai"]
    assert client.get(top["id"])["memory"] == "My sister lives in Shanghai"


def test_add_with_inference_extracts_facts(mem0_alice):
    added = mem0_alice.add("I just moved to Berlin last month", user_id="bea")
    kinds = {r["memory"] for r in added["results"]}
    assert "I just moved to Berlin last month" in {k.split(" (")[0] for k in kinds}
    assert len(added["results"]) == 2  # the turn, and the place fact


def test_update_history_delete_and_delete_all(mem0_alice):
    client = mem0_alice
    [first, second] = client.add([{"role": "user", "content": "I drive a Volvo"},
                                  {"role": "user", "content": "I have a cat"}],
                                 user_id="cid", infer=False)["results"]  # fmt: skip
    updated = client.update(first["id"], text="I drive a Tesla", metadata={"checked": True})
    assert updated["memory"] == "I drive a Tesla" and updated["metadata"] == {"checked": True}
    history = client.history(first["id"])
    assert [(h["event"], h["old_memory"], h["new_memory"]) for h in history] == [
        ("ADD", None, "I drive a Volvo"),
        ("UPDATE", "I drive a Volvo", "I drive a Tesla"),
    ]
    assert "deleted" in client.delete(second["id"])["message"]
    with pytest.raises(MemoryNotFoundError):
        client.get(second["id"])
    client.delete_all(user_id="cid")
    assert client.get_all(filters={"user_id": "cid"})["count"] == 0


def test_users_batches_and_entity_deletion(mem0_alice):
    client = mem0_alice
    results = client.add([{"role": "user", "content": "one"}, {"role": "user", "content": "two"}],
                         user_id="dee", infer=False)["results"]  # fmt: skip
    client.add("agent note", agent_id="helper", user_id="eve", infer=False)
    entities = {(e["type"], e["name"]): e["total_memories"] for e in client.users()["results"]}
    assert entities[("user", "dee")] == 2 and entities[("agent", "helper")] == 1
    ids = [r["id"] for r in results]
    assert (
        "2"
        in client.batch_update([{"memory_id": i, "text": f"new {i[:4]}"} for i in ids])["message"]
    )
    assert {m["memory"][:3] for m in client.get_all(filters={"user_id": "dee"})["results"]} == {
        "new"
    }
    client.batch_delete([{"memory_id": ids[0]}])
    assert client.get_all(filters={"user_id": "dee"})["count"] == 1
    client.delete_users(user_id="dee")
    assert ("user", "dee") not in {(e["type"], e["name"]) for e in client.users()["results"]}


def test_another_tenants_client_sees_nothing(mem0_alice, live_api, charlie):
    [memory] = mem0_alice.add("alice-secret plan", user_id="fay", infer=False)["results"]
    outsider = MemoryClient(api_key=charlie.secret, host=live_api.url)
    assert outsider.search("alice-secret plan", filters={"user_id": "fay"})["results"] == []
    assert outsider.get_all(filters={"user_id": "fay"})["count"] == 0
    with pytest.raises(MemoryNotFoundError):
        outsider.get(memory["id"])
    with pytest.raises(MemoryNotFoundError):
        outsider.update(memory["id"], text="mine now")
    assert mem0_alice.get(memory["id"])["memory"] == "alice-secret plan"


def test_exports_and_feedback(mem0_alice):
    client = mem0_alice
    [memory] = client.add("I collect vinyl records", user_id="gus", infer=False)["results"]
    created = client.create_memory_export(schema='{"type": "object"}', filters={"user_id": "gus"})
    export = client.get_memory_export(memory_export_id=created["id"])
    assert [m["memory"] for m in export["memories"]] == ["I collect vinyl records"]
    answer = client.feedback(memory["id"], feedback="negative", feedback_reason="outdated")
    assert (answer["feedback"], answer["feedback_reason"]) == ("NEGATIVE", "outdated")
