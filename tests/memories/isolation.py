from __future__ import annotations

from apps.memories.models import Memory, Message
from tests.isolation import Probe, Setup, case
from tests.memories.factories import make_memories

ROUTES = (
    "v1/memory/add", "v1/memory/search", "v1/memory/messages", "v1/memory",
    "v1/memory/<uuid:memory_id>", "v1/memory/<uuid:memory_id>/history",
)  # fmt: skip


@case(*ROUTES)
def memories(alice) -> Setup:
    [memory] = make_memories(alice.tenant, "shared-user", ["alice-marker 我喜欢草莓"])
    alice.client().post(
        "/v1/memory/add",
        {"user_id": "shared-user", "messages": "alice-marker raw turn", "event_id": "ev-a"},
        format="json",
    )
    path = f"/v1/memory/{memory.pk}"

    def check() -> None:
        row = Memory.unscoped.get(pk=memory.pk)
        assert row.value == "alice-marker 我喜欢草莓" and row.status == "activated"
        assert Message.unscoped.filter(tenant=alice.tenant, user_id="shared-user").count() == 1

    return Setup(
        probes=[
            Probe("GET", path), Probe("PUT", path, {"memory": "x"}),
            Probe("PATCH", path, {"memory": "x"}), Probe("DELETE", path),
            Probe("GET", f"{path}/history"),
            Probe("POST", "/v1/memory/search",
                  {"query": "alice-marker 草莓", "user_id": "shared-user"},
                  expect_404=False, marker="alice-marker"),
            Probe("GET", "/v1/memory?user_id=shared-user", expect_404=False, marker="alice-marker"),
            Probe("GET", "/v1/memory/messages?user_id=shared-user", expect_404=False,
                  marker="alice-marker"),
            # the same event_id in another tenant is another request, not a replay of alice's
            Probe("POST", "/v1/memory/add",
                  {"user_id": "shared-user", "messages": "charlie turn", "event_id": "ev-a"},
                  expect_404=False, marker="alice-marker"),
            Probe("DELETE", "/v1/memory?user_id=shared-user", expect_404=False, marker="alice"),
        ],
        check=check,
    )  # fmt: skip
