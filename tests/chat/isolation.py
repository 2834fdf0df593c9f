from __future__ import annotations

from django.test import override_settings

from tests.isolation import Probe, Setup, case
from tests.llm_server import LlmServer
from tests.memories.factories import make_memories

MARKER = "alice-marker-chat"


@case("v1/chat/completions")
def chat_route(alice) -> Setup:
    """Charlie chats as a user with alice's user id: neither the answer nor what the model was
    sent may carry alice's memories. Alice's own chat does send them (the control)."""
    make_memories(alice.tenant, "u1", [f"{MARKER} lives in Shanghai"])
    upstream = LlmServer().start()
    overridden = override_settings(LLM_API_BASE=upstream.url, CHAT_MODEL_LIST=[])
    overridden.enable()
    body = {"messages": [{"role": "user", "content": "where do I live?"}], "user": "u1"}

    def reached_the_model_without_a(response) -> None:
        assert len(upstream.requests) == 1, "the chat request reached no model"
        assert MARKER not in str(upstream.requests[0]["body"])

    def sent_with_a_memories(response) -> None:
        assert MARKER in str(upstream.requests[-1]["body"])

    def cleanup() -> None:
        overridden.disable()
        upstream.stop()

    probe = Probe("POST", "/v1/chat/completions", body, expect_404=False, marker=MARKER,
                  verify=reached_the_model_without_a, control=sent_with_a_memories)  # fmt: skip
    return Setup(probes=[probe], cleanup=cleanup)
