from __future__ import annotations

from apps.memories.models import Memory, Message
from tests.isolation import Probe, Setup, case
from tests.memories.factories import make_memories

ROUTES = (
    "v1/memory/add", "v1/memory/search", "v1/memory/messages", "v1/memory",
    "v1/memory/<uuid:memory_id>", "v1/memory/<uuid:memory_id>/history",
)  # fmt: skip


def _live(tenant, user_id: str) -> int:
    return Memory.unscoped.filter(tenant=tenant, user_id=user_id, status="activated").count()


@case(*ROUTES)
def memories(alice) -> Setup:
    [memory] = make_memories(alice.tenant, "shared-user", ["alice-marker 我喜欢草莓"])
    add = {"user_id": "shared-user", "messages": "alice-marker raw turn", "event_id": "ev-a"}
    batch_id = alice.client().post("/v1/memory/add", add, format="json").json()["batch_id"]
    path = f"/v1/memory/{memory.pk}"

    def check() -> None:
        row = Memory.unscoped.get(pk=memory.pk)
        assert row.value == "alice-marker 我喜欢草莓" and row.status == "activated"
        assert Message.unscoped.filter(tenant=alice.tenant, user_id="shared-user").count() == 1

    def all_deleted_by_alice(response) -> None:
        assert _live(alice.tenant, "shared-user") == 0

    return Setup(
        probes=[
            Probe("GET", path), Probe("PUT", path, {"memory": "x"}),
            Probe("PATCH", path, {"memory": "x"}), Probe("DELETE", path),
            Probe("GET", f"{path}/history"),
            Probe("POST", "/v1/memory/search",
                  {"query": "alice-marker 草莓", "user_id": "shared-user"},
                  expect_404=False, marker="alice-marker", control=True),
            Probe("GET", "/v1/memory?user_id=shared-user", expect_404=False, marker="alice-marker"),
            # each `view` (issue 11): alice's turn, her memory, both
            Probe("GET", "/v1/memory?user_id=shared-user&view=turns", expect_404=False,
                  marker="alice-marker raw turn"),
            Probe("GET", "/v1/memory?user_id=shared-user&view=facts", expect_404=False,
                  marker="alice-marker 我喜欢草莓"),
            Probe("GET", "/v1/memory?user_id=shared-user&view=distilled", expect_404=False,
                  marker="alice-marker"),
            Probe("GET", "/v1/memory/messages?user_id=shared-user", expect_404=False,
                  marker="alice-marker"),
            # alice's very request with the same event_id, from another tenant: a new add in B,
            # not a replay of alice's batch (which alice's own key gets)
            Probe("POST", "/v1/memory/add", add, expect_404=False, marker=batch_id,
                  control=True),
            Probe("DELETE", "/v1/memory?user_id=shared-user", expect_404=False,
                  control=all_deleted_by_alice),
        ],
        check=check,
    )  # fmt: skip


MANAGE = (
    "v1/memory/retrieve", "v1/memory/add/status/<uuid:batch_id>", "v1/memory/manage/tags",
    "v1/memory/manage/search/tags", "v1/memory/manage/export", "v1/memory/manage/import",
    "v1/memory/manage/versions",
)  # fmt: skip


@case(*MANAGE)
def memory_manage(alice) -> Setup:
    [memory] = make_memories(alice.tenant, "shared-user", ["alice-marker secret"], tags=["t"])
    added = (
        alice.client()
        .post(
            "/v1/memory/add",
            {"user_id": "shared-user", "messages": "alice-marker turn"},
            format="json",
        )
        .json()
    )
    user = {"user_id": "shared-user"}

    def check() -> None:
        row = Memory.unscoped.get(pk=memory.pk)
        assert row.tags == ["t"] and row.version == 1
        assert Memory.unscoped.filter(tenant=alice.tenant).count() == 2

    def tagged_by_alice(response) -> None:
        assert Memory.unscoped.get(pk=memory.pk).tags == ["t", "x"]

    def imported_by_alice(response) -> None:
        assert Memory.unscoped.filter(tenant=alice.tenant).count() == 3

    return Setup(
        probes=[
            Probe("GET", f"/v1/memory/add/status/{added['batch_id']}"),
            Probe("POST", "/v1/memory/manage/tags",
                  {**user, "memory_id": str(memory.pk), "tags": ["x"]}, control=tagged_by_alice),
            Probe("POST", "/v1/memory/manage/versions", {**user, "memory_id": str(memory.pk)},
                  control=True),
            Probe("POST", "/v1/memory/retrieve", {**user, "query": "alice-marker secret"},
                  expect_404=False, marker="alice-marker", control=True),
            Probe("POST", "/v1/memory/manage/search/tags", {**user, "tags": ["t"]},
                  expect_404=False, marker="alice-marker", control=True),
            Probe("POST", "/v1/memory/manage/export", {**user, "format": "markdown"},
                  expect_404=False, marker="alice-marker", control=True),
            Probe("POST", "/v1/memory/manage/import", {**user, "memories": [{"memory": "c"}]},
                  expect_404=False, control=imported_by_alice),
        ],
        check=check,
    )  # fmt: skip
