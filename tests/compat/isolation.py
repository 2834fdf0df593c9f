from __future__ import annotations

from django.test import override_settings

from apps.core.tenancy import tenant_scope
from apps.memories.models import Memory
from tests.isolation import Probe, Setup, case
from tests.llm_server import LlmServer
from tests.memories.factories import make_memories

MARKER = "alice-marker-mem0"


@case("v1/ping/", "v3/memories/add/", "v3/memories/", "v3/memories/search/", "v1/memories/",
      "v1/memories/<uuid:memory_id>/", "v1/memories/<uuid:memory_id>/history/", "v1/entities/",
      "v2/entities/<str:kind>/<str:name>/", "v1/batch/", "v1/exports/", "v1/exports/get/",
      "v1/feedback/")  # fmt: skip
def mem0_routes(alice) -> Setup:
    [memory] = make_memories(alice.tenant, "u1", [f"{MARKER} likes tea"])
    export = alice.client().post("/v1/exports/", {"filters": {"user_id": "u1"}}, format="json")
    mid = str(memory.pk)

    def check() -> None:
        with tenant_scope(alice.tenant.pk):
            row = Memory.objects.get(pk=memory.pk)
        assert (row.status, row.value) == ("activated", f"{MARKER} likes tea")

    user = {"filters": {"user_id": "u1"}}
    return Setup(
        probes=[
            Probe("GET", "/v1/ping/", expect_404=False, marker="acme"),
            Probe(
                "POST",
                "/v3/memories/add/",
                {"messages": "x", "user_id": "u1"},
                expect_404=False,
                marker=MARKER,
            ),
            Probe("POST", "/v3/memories/", user, expect_404=False, marker=MARKER),
            Probe(
                "POST",
                "/v3/memories/search/",
                {"query": "tea", **user},
                expect_404=False,
                marker=MARKER,
            ),
            Probe("DELETE", "/v1/memories/?user_id=u1", expect_404=False, marker=MARKER),
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
            Probe("POST", "/v1/exports/get/", {}, expect_404=False, marker=MARKER),
            Probe("POST", "/v1/feedback/", {"memory_id": mid, "feedback": "NEGATIVE"}),
        ],
        check=check,
    )


OPENMEM = "api/openmem/v1/"
MEMOS_MARKER = "alice-marker-memos"


@case(*(OPENMEM + p for p in ("add/message", "search/memory", "get/message", "get/memory",
                              "get/memory/<uuid:memory_id>", "delete/memory", "add/feedback",
                              "get/status")))  # fmt: skip
def memos_routes(alice) -> Setup:
    added = alice.client().post(f"/{OPENMEM}add/message", {
        "messages": [{"role": "user", "content": f"{MEMOS_MARKER} I live in Oslo"}],
        "user_id": "u1", "async_mode": False}, format="json").json()  # fmt: skip
    [memory] = make_memories(alice.tenant, "u1", [f"{MEMOS_MARKER} plays chess"])
    mid, task = str(memory.pk), added["data"]["task_id"]

    def check() -> None:
        with tenant_scope(alice.tenant.pk):
            row = Memory.objects.get(pk=memory.pk)
        assert row.status == "activated"

    subject = {"user_id": "u1"}
    return Setup(
        probes=[
            Probe(
                "POST",
                f"/{OPENMEM}add/message",
                {"messages": [{"role": "user", "content": "x"}], **subject},
                expect_404=False,
                marker=MEMOS_MARKER,
            ),
            Probe(
                "POST",
                f"/{OPENMEM}search/memory",
                {"query": "chess", **subject},
                expect_404=False,
                marker=MEMOS_MARKER,
            ),
            Probe("POST", f"/{OPENMEM}get/message", subject, expect_404=False, marker=MEMOS_MARKER),
            Probe("POST", f"/{OPENMEM}get/memory", subject, expect_404=False, marker=MEMOS_MARKER),
            Probe("GET", f"/{OPENMEM}get/memory/{mid}"),
            Probe("POST", f"/{OPENMEM}delete/memory", {"memory_ids": [mid]}),
            Probe(
                "POST", f"/{OPENMEM}delete/memory", subject, expect_404=False, marker=MEMOS_MARKER
            ),
            Probe(
                "POST",
                f"/{OPENMEM}add/feedback",
                {"feedback_content": "I left Oslo", **subject},
                expect_404=False,
                marker=MEMOS_MARKER,
            ),
            Probe("POST", f"/{OPENMEM}get/status", {"task_id": task}),
        ],
        check=check,
    )


PRODUCT_MARKER = "alice-marker-product"


@case(*("product/" + p for p in ("add", "search", "get_all", "get_memory",
                                 "get_memory/<uuid:memory_id>", "delete_memory", "feedback",
                                 "chat/complete", "chat/stream")))  # fmt: skip
def memos_product_routes(alice) -> Setup:
    """Charlie names alice's cube by its id: inside his tenant that cube is empty."""
    [memory] = make_memories(alice.tenant, "team", [f"{PRODUCT_MARKER} ships on Fridays"])
    mid = str(memory.pk)
    upstream = LlmServer().start()
    overridden = override_settings(LLM_API_BASE=upstream.url, CHAT_MODEL_LIST=[])
    overridden.enable()

    def check() -> None:
        overridden.disable()
        upstream.stop()
        assert all(PRODUCT_MARKER not in str(r["body"]) for r in upstream.requests)
        with tenant_scope(alice.tenant.pk):
            assert Memory.objects.get(pk=memory.pk).status == "activated"

    listing = {"expect_404": False, "marker": PRODUCT_MARKER}
    cube = {"user_id": "charlie-user", "readable_cube_ids": ["team"]}
    return Setup(
        probes=[
            Probe("POST", "/product/add", {"user_id": "x", "mem_cube_id": "team",
                                           "messages": "hi", "async_mode": "sync"}, **listing),
            Probe("POST", "/product/search", {"query": "Fridays", **cube}, **listing),
            Probe("POST", "/product/get_all", {"user_id": "x", "mem_cube_ids": ["team"]},
                  **listing),
            Probe("POST", "/product/get_memory", {"mem_cube_id": "team"}, **listing),
            Probe("GET", f"/product/get_memory/{mid}"),
            Probe("POST", "/product/delete_memory", {"memory_ids": [mid]}),
            Probe("POST", "/product/delete_memory", {"writable_cube_ids": ["team"]}, **listing),
            Probe("POST", "/product/feedback", {"user_id": "x", "mem_cube_id": "team",
                                                "feedback_content": "no"}, **listing),
            Probe("POST", "/product/chat/complete", {"query": "when?", **cube}, **listing),
            Probe("POST", "/product/chat/stream", {"query": "when?", **cube}, **listing),
        ],
        check=check,
    )  # fmt: skip
