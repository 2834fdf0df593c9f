"""/v1/chat/completions through the Django test client, against the local OpenAI-compatible
server of tests/llm_server.py (a real HTTP server that can stream, fail and stall)."""

from __future__ import annotations

import json

import pytest

from apps.core.tenancy import tenant_scope
from apps.memories.models import AddBatch, Message
from tests.llm_server import Reply
from tests.memories.factories import make_memories

CHAT = "/v1/chat/completions"
QUESTION = {"role": "user", "content": "Where does my sister live?"}


def chat(actor, **body):
    body.setdefault("messages", [QUESTION])
    return actor.client().post(CHAT, body, format="json")


def sse_events(response) -> list[str]:
    raw = b"".join(response.streaming_content).decode()
    return [block[len("data: ") :] for block in raw.split("\n\n") if block.startswith("data: ")]


def stored_turns(actor, user="u1"):
    with tenant_scope(actor.tenant.pk):
        return list(Message.objects.filter(tenant=actor.tenant, user_id=user)
                    .order_by("id").values_list("role", "content"))  # fmt: skip


def test_completion_injects_memories_passes_parameters_and_remembers(alice, llm):
    make_memories(alice.tenant, "u1", ["My sister lives in Shanghai", "I like green tea"])
    llm.script(Reply(content="Your sister lives in Shanghai."))
    tools = [{"type": "function", "function": {"name": "lookup", "parameters": {}}}]
    response = chat(alice, user="u1", temperature=0.2, top_p=0.5, tools=tools,
                    response_format={"type": "text"}, seed=7, conversation_id="c9")  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["choices"][0]["message"]["content"] == "Your sister lives in Shanghai."
    assert body["usage"]["total_tokens"] == 15 and body["object"] == "chat.completion"
    assert int(response["X-Memory-Count"]) >= 1
    [upstream] = llm.requests
    sent = upstream["body"]
    assert sent["model"] == "gpt-4o-mini" and sent["stream"] is False
    assert (sent["temperature"], sent["top_p"], sent["seed"]) == (0.2, 0.5, 7)
    assert sent["tools"] == tools and sent["response_format"] == {"type": "text"}
    assert not {"user", "conversation_id"} & set(sent)  # ours, not the model's
    context, question = sent["messages"]
    assert context["role"] == "system" and "My sister lives in Shanghai" in context["content"]
    assert question == QUESTION
    assert upstream["auth"] == "Bearer sk-test-upstream-secret"
    assert "sk-test-upstream-secret" not in response.content.decode()
    assert stored_turns(alice) == [
        ("user", "Where does my sister live?"),
        ("assistant", "Your sister lives in Shanghai."),
    ]


def test_the_memory_block_goes_after_the_clients_system_prompt(alice, llm):
    make_memories(alice.tenant, "u1", ["My sister lives in Shanghai"])
    system = {"role": "system", "content": "You are terse."}
    chat(alice, messages=[system, QUESTION], user="u1")
    messages = llm.requests[0]["body"]["messages"]
    assert messages[0] == system and "Shanghai" in messages[1]["content"]
    assert messages[2] == QUESTION


def test_the_x_user_id_header_names_the_user(alice, llm):
    make_memories(alice.tenant, "u7", ["My sister lives in Shanghai"])
    response = alice.client().post(CHAT, {"messages": [QUESTION]}, format="json",
                                   HTTP_X_USER_ID="u7")  # fmt: skip
    assert response.status_code == 200
    assert "Shanghai" in llm.requests[0]["body"]["messages"][0]["content"]
    assert [role for role, _ in stored_turns(alice, "u7")] == ["user", "assistant"]


def test_without_a_user_nothing_is_read_or_written(alice, llm):
    make_memories(alice.tenant, "u1", ["My sister lives in Shanghai"])
    assert chat(alice).status_code == 200
    assert llm.requests[0]["body"]["messages"] == [QUESTION]
    with tenant_scope(alice.tenant.pk):
        assert not Message.objects.filter(tenant=alice.tenant).exists()


def test_another_tenants_memories_never_reach_the_context(alice, charlie, llm):
    make_memories(alice.tenant, "u1", ["My sister lives in Shanghai"])
    assert chat(charlie, user="u1").status_code == 200
    assert llm.requests[0]["body"]["messages"] == [QUESTION]


def test_a_key_without_the_chat_scope_is_refused(bob, llm):
    response = chat(bob, user="u1")
    assert response.status_code == 403 and response.json()["error"]["type"]
    assert llm.requests == []


def test_routing_by_chat_model_list(alice, llm, settings):
    settings.CHAT_MODEL_LIST = [
        {"backend": "openai", "api_base": llm.url, "api_key": "sk-first",
         "model_name_or_path": "deepseek-chat", "support_models": ["deepseek-chat"]},
        {"backend": "openai", "api_base": llm.url, "api_key": "sk-qwen",
         "model_name_or_path": "qwen-plus", "support_models": ["qwen", "qwen-plus"],
         "extra_body": {"enable_thinking": False}},
    ]  # fmt: skip
    assert chat(alice, model="qwen").status_code == 200
    assert chat(alice).status_code == 200  # no model: the first
    first, second = llm.requests
    assert first["body"]["model"] == "qwen-plus" and first["auth"] == "Bearer sk-qwen"
    assert first["body"]["enable_thinking"] is False
    assert second["body"]["model"] == "deepseek-chat" and second["auth"] == "Bearer sk-first"
    response = chat(alice, model="gpt-5")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["details"]["supported"] == ["deepseek-chat", "qwen-plus", "qwen"]
    assert "sk-" not in response.content.decode()


def test_without_a_chat_model_it_is_503_naming_the_setting(alice, settings):
    settings.CHAT_MODEL_LIST, settings.LLM_API_BASE = [], ""
    response = chat(alice, user="u1")
    assert response.status_code == 503
    assert "CHAT_MODEL_LIST" in response.json()["error"]["message"]


@pytest.mark.parametrize("failure", [
    Reply(status=500, content="boom"), Reply(stall=2.5), Reply(raw="<html>nope</html>"),
    Reply(status=401, content="bad key"),
], ids=["http-500", "timeout", "not-json", "http-401"])  # fmt: skip
def test_upstream_failures_are_502_and_remember_nothing(alice, llm, settings, failure):
    settings.CHAT_TIMEOUT = 1.0
    llm.script(failure)
    response = chat(alice, user="u1")
    assert response.status_code == 502, response.content
    error = response.json()["error"]
    assert error["type"] == "ExternalServiceError" and "gpt-4o-mini" in error["message"]
    assert "sk-test-upstream-secret" not in response.content.decode()
    assert stored_turns(alice) == []


@pytest.mark.parametrize("body", [
    {"messages": []},
    {"messages": [{"role": "wizard", "content": "hi"}]},
    {"messages": [{"role": "user", "content": 42}]},
    {"messages": "hello"},
    {"messages": [QUESTION], "temperature": 7},
    {"messages": [QUESTION], "stream": "maybe"},
], ids=["empty", "role", "content-type", "not-a-list", "temperature", "stream"])  # fmt: skip
def test_bad_requests_are_400_in_the_envelope(alice, llm, body):
    response = alice.client().post(CHAT, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["type"]
    assert llm.requests == []


# --- streaming ----------------------------------------------------------------------------------


def test_streaming_relays_chunks_in_order_and_ends_with_done(alice, llm):
    make_memories(alice.tenant, "u1", ["My sister lives in Shanghai"])
    llm.script(Reply(chunks=["Your sister ", "lives in ", "Shanghai."]))
    response = chat(alice, user="u1", stream=True)
    assert response.status_code == 200 and response["Content-Type"] == "text/event-stream"
    events = sse_events(response)
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    assert text == "Your sister lives in Shanghai."
    assert chunks[-1]["usage"]["completion_tokens"] == 3
    sent = llm.requests[0]["body"]
    assert sent["stream"] is True and sent["stream_options"] == {"include_usage": True}
    assert "Shanghai" in sent["messages"][0]["content"]
    assert stored_turns(alice)[-1] == ("assistant", "Your sister lives in Shanghai.")
    with tenant_scope(alice.tenant.pk):
        assert AddBatch.objects.filter(tenant=alice.tenant, user_id="u1").count() == 1


def test_a_failing_upstream_is_a_502_before_any_stream(alice, llm):
    llm.script(Reply(status=503))
    response = chat(alice, user="u1", stream=True)
    assert response.status_code == 502
    assert response.json()["error"]["type"] == "ExternalServiceError"


def test_a_stream_cut_midway_says_so_and_remembers_nothing(alice, llm):
    llm.script(Reply(chunks=["a", "b", "c", "d"], cut=True))
    events = sse_events(chat(alice, user="u1", stream=True))
    assert events[-1] == "[DONE]"
    assert json.loads(events[-2])["error"]["type"] == "ExternalServiceError"
    assert stored_turns(alice) == []


def test_the_upstream_key_never_reaches_the_logs(alice, llm, settings, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    settings.CHAT_TIMEOUT = 1.0
    llm.script(Reply(content="fine"), Reply(status=500), Reply(stall=2.5))
    for _ in range(3):
        chat(alice, user="u1")
    chat(alice, user="u1", stream=True)
    assert "gpt-4o-mini" in caplog.text  # the failures were logged, by model name
    assert "sk-test-upstream-secret" not in caplog.text
