"""The official OpenAI Python SDK, unchanged, against the platform served by uvicorn: plain and
streaming completions, with memories in the context and the stream relayed as it is produced."""

from __future__ import annotations

import threading
import time

import pytest
from openai import APIStatusError, OpenAI

from apps.core.tenancy import tenant_scope
from apps.memories.models import Message
from tests.llm_server import Reply
from tests.memories.factories import make_memories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sdk(live_api, alice):
    live_api.upstream.requests.clear()
    live_api.upstream.replies.clear()
    return OpenAI(api_key=alice.secret, base_url=f"{live_api.url}/v1", max_retries=0)


def test_the_openai_sdk_gets_a_completion_with_memories(sdk, live_api, alice):
    make_memories(alice.tenant, "u1", ["My sister lives in Shanghai"])
    live_api.upstream.script(Reply(content="In Shanghai."))
    completion = sdk.chat.completions.create(
        model="gpt-4o", user="u1", top_p=0.9,
        messages=[{"role": "user", "content": "Where does my sister live?"}],
    )  # fmt: skip
    assert completion.choices[0].message.content == "In Shanghai."
    assert completion.usage.total_tokens == 15
    sent = live_api.upstream.requests[0]
    assert sent["body"]["model"] == "test-model" and sent["body"]["top_p"] == 0.9
    assert "My sister lives in Shanghai" in sent["body"]["messages"][0]["content"]
    assert sent["auth"] == "Bearer sk-live-upstream"


def test_the_openai_sdk_streams_chunks_as_they_are_produced(sdk, live_api, alice):
    """The model holds back everything after its first piece until the client has that piece:
    a relay that buffered would make the model wait in vain (held_out), whatever the speed."""
    pieces = ["Your ", "sister ", "lives ", "in ", "Shanghai."]
    first_seen = threading.Event()
    reply = Reply(chunks=pieces, hold=first_seen)
    live_api.upstream.script(reply)
    text = []
    stream = sdk.chat.completions.create(
        model="test-model", user="u1", stream=True,
        messages=[{"role": "user", "content": "Where does my sister live?"}],
    )  # fmt: skip
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            text.append(chunk.choices[0].delta.content)
            first_seen.set()
    assert "".join(text) == "Your sister lives in Shanghai."
    assert not reply.held_out, "the first piece reached the client only after the model finished"
    turns = wait_for(lambda: _turns(alice))  # the write-back happens after the last event
    assert ("assistant", "Your sister lives in Shanghai.") in turns


def _turns(alice) -> list[tuple[str, str]]:
    with tenant_scope(alice.tenant.pk):
        return list(Message.objects.filter(user_id="u1").values_list("role", "content"))


def wait_for(condition, seconds: float = 30):
    """Poll until `condition()` is truthy (then return it), for at most `seconds`."""
    deadline = time.monotonic() + seconds
    while not (result := condition()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)
    return result


def test_the_sdk_sees_errors_as_api_errors(sdk, live_api):
    with pytest.raises(APIStatusError) as unknown:
        sdk.chat.completions.create(model="nope", messages=[{"role": "user", "content": "hi"}])
    assert unknown.value.status_code == 400
    live_api.upstream.script(Reply(status=500))
    with pytest.raises(APIStatusError) as failed:
        sdk.chat.completions.create(model="test-model",
                                    messages=[{"role": "user", "content": "hi"}])  # fmt: skip
    assert failed.value.status_code == 502


def test_a_client_that_hangs_up_stops_the_upstream_stream(sdk, live_api, alice):
    """Tokens the user will never read are not paid for: the relay closes the upstream."""
    import httpx

    live_api.upstream.aborted = 0
    # 10 s of pieces: the relay has all that time to notice the hang-up and close the upstream
    live_api.upstream.script(Reply(chunks=[f"piece {i} " for i in range(100)], chunk_delay=0.1))
    body = {"model": "test-model", "stream": True,
            "messages": [{"role": "user", "content": "tell me a long story"}]}  # fmt: skip
    headers = {"Authorization": f"Bearer {alice.secret}"}
    with httpx.stream("POST", f"{live_api.url}/v1/chat/completions", json=body,
                      headers=headers, timeout=10) as response:  # fmt: skip
        first = next(response.iter_lines())
        assert first.startswith("data: ")
    wait_for(lambda: live_api.upstream.aborted)
    assert live_api.upstream.aborted == 1
