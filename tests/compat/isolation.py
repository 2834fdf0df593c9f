from __future__ import annotations

from django.test import override_settings

from apps.core.tenancy import tenant_scope
from apps.graph.models import Relation
from apps.memories.models import Memory, Message
from tests.isolation import Probe, Setup, case
from tests.llm_server import LlmServer
from tests.memories.factories import make_memories

MARKER = "alice-marker-mem0"
GRAPH_MARKER = "alicegraphmarker"


def _snapshot(tenant, user_id: str) -> tuple[set, int]:
    """Tenant A's memories of one user (id, status, value, version) and the number of its turns:
    what no probe of charlie's may change."""
    with tenant_scope(tenant.pk):
        memories = set(
            Memory.objects.filter(tenant=tenant, user_id=user_id).values_list(
                "id", "status", "value", "version"
            )
        )
        return memories, Message.objects.filter(tenant=tenant, user_id=user_id).count()


def _edges(tenant, user_id: str) -> set:
    """Tenant A's graph edges of one user with their validity: no probe may retract them."""
    with tenant_scope(tenant.pk):
        return set(
            Relation.objects.filter(tenant=tenant, user_id=user_id).values_list(
                "id", "valid_to", "invalidated_at"
            )
        )


def _live(tenant, user_id: str) -> int:
    with tenant_scope(tenant.pk):
        return Memory.objects.filter(tenant=tenant, user_id=user_id, status="activated").count()


@case("v1/ping/", "v3/memories/add/", "v3/memories/", "v3/memories/search/", "v1/memories/",
      "v1/memories/<uuid:memory_id>/", "v1/memories/<uuid:memory_id>/history/", "v1/entities/",
      "v2/entities/<str:kind>/<str:name>/", "v1/batch/", "v1/exports/", "v1/exports/get/",
      "v1/feedback/")  # fmt: skip
def mem0_routes(alice) -> Setup:
    [memory] = make_memories(alice.tenant, "u1", [f"{MARKER} likes tea"])
    export = alice.client().post("/v1/exports/", {"filters": {"user_id": "u1"}}, format="json")
    mid = str(memory.pk)
    # a graph edge of u1's (mem0's `relations` with enable_graph; the user entity's delete)
    alice.client().post("/v1/graph/extract/llm-parse", {"user_id": "u1", "response":
                        f"Relation: u1 likes {GRAPH_MARKER}"}, format="json")  # fmt: skip
    before, edges = _snapshot(alice.tenant, "u1"), _edges(alice.tenant, "u1")

    def check() -> None:
        assert _snapshot(alice.tenant, "u1") == before
        assert _edges(alice.tenant, "u1") == edges

    def added_by_alice(response) -> None:
        assert _snapshot(alice.tenant, "u1")[1] == before[1] + 1

    def all_deleted_by_alice(response) -> None:
        assert _live(alice.tenant, "u1") == 0

    user = {"filters": {"user_id": "u1"}}
    return Setup(
        probes=[
            Probe("GET", "/v1/ping/", expect_404=False, marker="acme"),
            Probe("POST", "/v3/memories/add/", {"messages": "x", "user_id": "u1"},
                  expect_404=False, control=added_by_alice),
            Probe("POST", "/v3/memories/", user, expect_404=False, marker=MARKER, control=True),
            Probe("POST", "/v3/memories/", {**user, "view": "facts"}, expect_404=False,
                  marker=MARKER, control=True),
            Probe("POST", "/v3/memories/search/", {"query": "tea", **user}, expect_404=False,
                  marker=MARKER, control=True),
            Probe("POST", "/v3/memories/search/", {"query": "tea", "enable_graph": True, **user},
                  expect_404=False, marker=GRAPH_MARKER, control=True),
            Probe("POST", "/v3/memories/", {**user, "enable_graph": True}, expect_404=False,
                  marker=GRAPH_MARKER, control=True),
            Probe("DELETE", "/v1/memories/?user_id=u1", expect_404=False,
                  control=all_deleted_by_alice),
            Probe("GET", f"/v1/memories/{mid}/"),
            Probe("PUT", f"/v1/memories/{mid}/", {"text": "taken over"}),
            Probe("DELETE", f"/v1/memories/{mid}/"),
            Probe("GET", f"/v1/memories/{mid}/history/"),
            Probe("GET", "/v1/entities/", expect_404=False, marker="u1"),
            Probe("DELETE", "/v2/entities/user/u1/"),
            Probe("PUT", "/v1/batch/", {"memories": [{"memory_id": mid, "text": "taken"}]}),
            Probe("DELETE", "/v1/batch/", {"memories": [{"memory_id": mid}]}),
            Probe("POST", "/v1/exports/", user, expect_404=False, marker=MARKER),
            Probe("POST", "/v1/exports/get/", {"memory_export_id": export.json()["id"]}),
            # the latest export: tenant B has none (A's is not B's)
            Probe("POST", "/v1/exports/get/", {}, status=404, marker=MARKER, control=True),
            Probe("POST", "/v1/feedback/", {"memory_id": mid, "feedback": "NEGATIVE"}),
        ],
        check=check,
    )  # fmt: skip


OPENMEM = "api/openmem/v1/"
MEMOS_MARKER = "alice-marker-memos"


@case(*(OPENMEM + p for p in ("add/message", "search/memory", "get/message", "get/memory",
                              "get/memory/<uuid:memory_id>", "delete/memory", "add/feedback",
                              "get/status")))  # fmt: skip
def memos_routes(alice) -> Setup:
    """Alice's user u1 said where they live (a turn and a place fact, which feedback would
    correct) and has a memory of their own; charlie acts on a user u1 of his tenant."""
    added = alice.client().post(f"/{OPENMEM}add/message", {
        "messages": [{"role": "user", "content": f"I live in Oslo. {MEMOS_MARKER}"}],
        "user_id": "u1", "async_mode": False}, format="json").json()  # fmt: skip
    [memory] = make_memories(alice.tenant, "u1", [f"{MEMOS_MARKER} plays chess"])
    mid, task = str(memory.pk), added["data"]["task_id"]
    with tenant_scope(alice.tenant.pk):
        place = Memory.objects.get(tenant=alice.tenant, user_id="u1", kind="place")
    before = _snapshot(alice.tenant, "u1")

    def check() -> None:
        assert _snapshot(alice.tenant, "u1") == before

    def added_by_alice(response) -> None:
        assert _snapshot(alice.tenant, "u1")[1] == before[1] + 1

    def deleted_by_alice(response) -> None:
        with tenant_scope(alice.tenant.pk):
            assert Memory.objects.get(pk=memory.pk).status == "deleted"

    def all_deleted_by_alice(response) -> None:
        assert _live(alice.tenant, "u1") == 0

    def corrected_by_alice(response) -> None:
        with tenant_scope(alice.tenant.pk):
            row = Memory.objects.get(pk=place.pk)
        assert (row.status, row.value) != ("activated", place.value)

    subject = {"user_id": "u1"}
    return Setup(
        probes=[
            Probe("POST", f"/{OPENMEM}add/message",
                  {"messages": [{"role": "user", "content": "x"}], "async_mode": False,
                   **subject}, expect_404=False, control=added_by_alice),
            Probe("POST", f"/{OPENMEM}search/memory", {"query": "chess", **subject},
                  expect_404=False, marker=MEMOS_MARKER, control=True),
            Probe("POST", f"/{OPENMEM}get/message", subject, expect_404=False,
                  marker=MEMOS_MARKER, control=True),
            Probe("POST", f"/{OPENMEM}get/memory", subject, expect_404=False,
                  marker=MEMOS_MARKER, control=True),
            Probe("POST", f"/{OPENMEM}get/memory", {**subject, "view": "turns"},
                  expect_404=False, marker="I live in Oslo", control=True),
            Probe("GET", f"/{OPENMEM}get/memory/{mid}"),
            Probe("POST", f"/{OPENMEM}delete/memory", {"memory_ids": [mid]},
                  control=deleted_by_alice),
            Probe("POST", f"/{OPENMEM}delete/memory", subject, expect_404=False,
                  control=all_deleted_by_alice),
            Probe("POST", f"/{OPENMEM}add/feedback",
                  {"feedback_content": "I just moved to Hangzhou last month", **subject},
                  expect_404=False, marker=MEMOS_MARKER, control=corrected_by_alice),
            Probe("POST", f"/{OPENMEM}get/status", {"task_id": task}, control=True),
        ],
        check=check,
    )  # fmt: skip


PRODUCT_MARKER = "alice-marker-product"


@case(*("product/" + p for p in ("add", "search", "get_all", "get_memory",
                                 "get_memory/<uuid:memory_id>", "delete_memory", "feedback",
                                 "chat/complete", "chat/stream")))  # fmt: skip
def memos_product_routes(alice) -> Setup:
    """Charlie names alice's cube by its id: inside his tenant that cube is empty. His chats
    reach the model without alice's memories; hers carry them (the control)."""
    [memory] = make_memories(alice.tenant, "team", [f"{PRODUCT_MARKER} ships on Fridays"])
    mid = str(memory.pk)
    upstream = LlmServer().start()
    overridden = override_settings(LLM_API_BASE=upstream.url, CHAT_MODEL_LIST=[])
    overridden.enable()
    before = _snapshot(alice.tenant, "team")

    def check() -> None:
        assert _snapshot(alice.tenant, "team") == before

    def cleanup() -> None:
        overridden.disable()
        upstream.stop()

    def added_by_alice(response) -> None:
        assert _snapshot(alice.tenant, "team")[1] == before[1] + 1

    def deleted_by_alice(response) -> None:
        with tenant_scope(alice.tenant.pk):
            assert Memory.objects.get(pk=memory.pk).status == "deleted"

    def all_deleted_by_alice(response) -> None:
        assert _live(alice.tenant, "team") == 0

    def reached_the_model_without_a(response) -> None:
        assert len(upstream.requests) == 1, "the chat reached no model"
        assert PRODUCT_MARKER not in str(upstream.requests[0]["body"])

    def sent_with_a_memories(response) -> None:
        assert PRODUCT_MARKER in str(upstream.requests[-1]["body"])

    listing = {"expect_404": False, "marker": PRODUCT_MARKER}
    cube = {"user_id": "charlie-user", "readable_cube_ids": ["team"]}
    chat = {**listing, "verify": reached_the_model_without_a, "control": sent_with_a_memories}
    return Setup(
        probes=[
            Probe("POST", "/product/add", {"user_id": "x", "mem_cube_id": "team",
                                           "messages": "hi", "async_mode": "sync"},
                  expect_404=False, control=added_by_alice),
            Probe("POST", "/product/search", {"query": "Fridays", **cube}, **listing,
                  control=True),
            Probe("POST", "/product/get_all", {"user_id": "x", "mem_cube_ids": ["team"]},
                  **listing, control=True),
            Probe("POST", "/product/get_memory", {"mem_cube_id": "team"}, **listing,
                  control=True),
            Probe("POST", "/product/get_all", {"user_id": "x", "mem_cube_ids": ["team"],
                                               "view": "facts"}, **listing, control=True),
            Probe("POST", "/product/get_memory", {"mem_cube_id": "team", "view": "all"},
                  **listing, control=True),
            Probe("GET", f"/product/get_memory/{mid}"),
            Probe("POST", "/product/delete_memory", {"memory_ids": [mid]},
                  control=deleted_by_alice),
            Probe("POST", "/product/delete_memory", {"writable_cube_ids": ["team"]},
                  expect_404=False, control=all_deleted_by_alice),
            Probe("POST", "/product/feedback", {"user_id": "x", "mem_cube_id": "team",
                                                "feedback_content": "no"}, **listing,
                  control=added_by_alice),
            Probe("POST", "/product/chat/complete", {"query": "when?", **cube}, **chat),
            Probe("POST", "/product/chat/stream", {"query": "when?", **cube}, **chat),
        ],
        check=check,
        cleanup=cleanup,
    )  # fmt: skip
