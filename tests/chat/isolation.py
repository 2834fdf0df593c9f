from __future__ import annotations

from django.test import override_settings

from tests.isolation import Probe, Setup, case
from tests.llm_server import LlmServer
from tests.memories.factories import make_memories


@case("v1/chat/completions")
def chat_route(alice) -> Setup:
    """Charlie chats as a user with alice's user id: neither the answer nor what the model was
    sent may carry alice's memories."""
    make_memories(alice.tenant, "u1", ["alice-marker-chat lives in Shanghai"])
    upstream = LlmServer().start()
    overridden = override_settings(LLM_API_BASE=upstream.url, CHAT_MODEL_LIST=[])
    overridden.enable()
    body = {"messages": [{"role": "user", "content": "where do I live?"}], "user": "u1"}

    def check() -> None:
        overridden.disable()
        upstream.stop()
        assert upstream.requests, "the chat request reached no model"
        assert all("alice-marker-chat" not in str(r["body"]) for r in upstream.requests)

    probe = Probe(
        "POST", "/v1/chat/completions", body, expect_404=False, marker="alice-marker-chat"
    )
    return Setup(probes=[probe], check=check)
