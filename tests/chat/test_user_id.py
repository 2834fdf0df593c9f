"""mem0's OpenAI-compatible proxy names the end user as `user_id` in the body (the OpenAI SDK's
`extra_body`): chat reads and writes that user's memories and never sends the field upstream.
Precedence: `user_id`, then `user`, then the X-User-ID header."""

from __future__ import annotations

import pytest
from openai import OpenAI

from apps.core.tenancy import tenant_scope
from apps.memories.models import Message
from tests.chat.test_chat import CHAT, QUESTION, stored_turns
from tests.llm_server import Reply
from tests.memories.factories import make_memories


def test_user_id_in_the_body_names_the_user_and_stays_here(alice, llm):
    make_memories(alice.tenant, "u5", ["My sister lives in Shanghai"])
    make_memories(alice.tenant, "other", ["My sister lives in Lima"])
    llm.script(Reply(content="In Shanghai."))
    response = alice.client().post(CHAT, {"messages": [QUESTION], "user_id": "u5"},
                                   format="json")  # fmt: skip
    assert response.status_code == 200, response.content
    sent = llm.requests[0]["body"]
    assert "user_id" not in sent and "user" not in sent
    context = sent["messages"][0]["content"]
    assert "Shanghai" in context and "Lima" not in context
    assert stored_turns(alice, "u5") == [
        ("user", QUESTION["content"]),
        ("assistant", "In Shanghai."),
    ]


def test_user_id_comes_before_user_and_the_header(alice, llm):
    make_memories(alice.tenant, "first", ["My sister lives in Shanghai"])
    make_memories(alice.tenant, "second", ["My sister lives in Lima"])
    response = alice.client().post(CHAT, {"messages": [QUESTION], "user_id": "first",
                                          "user": "second"}, format="json",
                                   HTTP_X_USER_ID="third")  # fmt: skip
    assert response.status_code == 200, response.content
    assert "Shanghai" in llm.requests[0]["body"]["messages"][0]["content"]
    assert [r for r, _ in stored_turns(alice, "first")] == ["user", "assistant"]
    assert stored_turns(alice, "second") == stored_turns(alice, "third") == []


def test_a_blank_or_null_user_id_falls_back_to_user(alice, llm):
    make_memories(alice.tenant, "second", ["My sister lives in Lima"])
    for blank in ("", "  ", None):
        response = alice.client().post(CHAT, {"messages": [QUESTION], "user_id": blank,
                                              "user": "second"}, format="json")  # fmt: skip
        assert response.status_code == 200, response.content
    assert all("Lima" in r["body"]["messages"][0]["content"] for r in llm.requests)
    assert all("user_id" not in r["body"] for r in llm.requests)


@pytest.mark.parametrize("bad", [42, ["u1"], {"id": "u1"}, "x" * 201])
def test_a_bad_user_id_is_a_400_and_nothing_is_asked(alice, llm, bad):
    response = alice.client().post(CHAT, {"messages": [QUESTION], "user_id": bad}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"]
    assert llm.requests == []
    with tenant_scope(alice.tenant.pk):
        assert not Message.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_openai_sdk_extra_body_user_id(live_api, alice):
    live_api.upstream.requests.clear()
    live_api.upstream.replies.clear()
    make_memories(alice.tenant, "sdk-user", ["My sister lives in Shanghai"])
    live_api.upstream.script(Reply(content="In Shanghai."))
    sdk = OpenAI(api_key=alice.secret, base_url=f"{live_api.url}/v1", max_retries=0)
    completion = sdk.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "Where does my sister live?"}],
        extra_body={"user_id": "sdk-user"},
    )  # fmt: skip
    assert completion.choices[0].message.content == "In Shanghai."
    sent = live_api.upstream.requests[0]["body"]
    assert "user_id" not in sent
    assert "My sister lives in Shanghai" in sent["messages"][0]["content"]
