from __future__ import annotations

from django.test import override_settings

from apps.core.tenancy import tenant_scope
from apps.graph.models import Relation
from apps.memories.models import Memory, Message
from apps.tenants.models import Tenant
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


SERVER_MARKER = "alice-marker-mem0-server"


@case("memories", "memories/<str:memory_id>", "memories/<str:memory_id>/history", "search",
      "reset", "configure")  # fmt: skip
def mem0_server_routes(alice) -> Setup:
    """mem0's open-source REST server paths. Alice's u1 has two memories (the detail probes'
    and one more), u2 one the listings and searches must not show charlie; charlie's reset and
    configure act on tenant B only."""
    mid = str(make_memories(alice.tenant, "u1", [f"{SERVER_MARKER} likes tea", "plays go"])[0].pk)
    make_memories(alice.tenant, "u2", [f"{SERVER_MARKER} likes jazz"])
    Tenant.objects.filter(pk=alice.tenant.pk).update(settings={"extractor": "rules"})
    before = {user: _snapshot(alice.tenant, user) for user in ("u1", "u2", "u3")}

    def check() -> None:
        assert {user: _snapshot(alice.tenant, user) for user in before} == before
        assert Tenant.objects.get(pk=alice.tenant.pk).settings == {"extractor": "rules"}

    def added_by_alice(response) -> None:
        assert _snapshot(alice.tenant, "u3")[1] == before["u3"][1] + 1

    def all_deleted_by_alice(response) -> None:
        assert _live(alice.tenant, "u1") == 0

    def configured(response) -> None:
        assert response.json() in ({"message": "Configuration set successfully"},) or (
            response.json()["vector_store"]["provider"] == "pgvector"
        )

    def reset_by_alice(response) -> None:
        with tenant_scope(alice.tenant.pk):
            assert not Memory.objects.filter(tenant=alice.tenant).exists()

    listing = {"expect_404": False, "marker": SERVER_MARKER, "control": True}
    return Setup(
        probes=[
            Probe("POST", "/memories", {"messages": [{"role": "user", "content": "x"}],
                                        "user_id": "u3", "infer": False},
                  expect_404=False, control=added_by_alice),
            Probe("GET", "/memories?user_id=u2", **listing),
            Probe("GET", "/memories", **listing),
            Probe("POST", "/search", {"query": "jazz", "user_id": "u2"}, **listing),
            Probe("POST", "/search", {"query": "jazz", "filters": {"user_id": "u2"}}, **listing),
            Probe("GET", f"/memories/{mid}"),
            Probe("GET", f"/memories/{mid}/history"),
            Probe("PUT", f"/memories/{mid}", {"text": "taken over"}),
            Probe("DELETE", f"/memories/{mid}"),
            Probe("DELETE", "/memories?user_id=u1", expect_404=False,
                  control=all_deleted_by_alice),
            Probe("GET", "/configure", expect_404=False, control=configured),
            Probe("POST", "/configure", {"version": "v1.1"}, expect_404=False,
                  control=configured),
            Probe("POST", "/reset", expect_404=False, control=reset_by_alice),
        ],
        check=check,
    )  # fmt: skip


SERVER_ROUTES_MARKER = "alice-marker-memos-server"


@case(*("product/" + p for p in ("get_memory_by_ids", "create_cube", "register_cube",
                                 "delete_memory_by_record_id", "recover_memory_by_record_id",
                                 "suggestions", "scheduler/status", "scheduler/allstatus",
                                 "scheduler/task_queue_status", "scheduler/wait")))  # fmt: skip
def memos_server_routes(alice) -> Setup:
    """The MemOS server routes of issue 15. Alice's tenant has a memory in cube "srv-team", a
    registered cube "srv-cube" owned by ann, a memory of "srv-del" soft-deleted under record
    "rec", and a queued add batch of user "srv-q". Charlie naming the same ids reaches empty,
    unregistered cubes and batch lists of his own tenant; his creates and registrations land in
    tenant B and leave A's registration as it was."""
    from apps.compat.cubes import cube_create, cube_memories_delete
    from apps.compat.models import Cube, CubeDeletion
    from apps.memories.models import AddBatch

    [memory] = make_memories(alice.tenant, "srv-team", [f"{SERVER_ROUTES_MARKER} ships Fridays"])
    mid = str(memory.pk)
    make_memories(alice.tenant, "srv-del", ["deleted under a record"])
    with tenant_scope(alice.tenant.pk):
        cube_create(tenant=alice.tenant, name="Team", owner_id="ann", cube_id="srv-cube",
                    reader_ids=["bo"])  # fmt: skip
        cube_memories_delete(tenant=alice.tenant, cube_id="srv-del", record_id="rec",
                             actor="test")  # fmt: skip
        batch = str(AddBatch.objects.create(tenant=alice.tenant, user_id="srv-q", infer=True).pk)
    before = {cube: _snapshot(alice.tenant, cube) for cube in ("srv-team", "srv-del")}

    def cubes_of_a() -> set:
        with tenant_scope(alice.tenant.pk):
            rows = Cube.objects.filter(tenant=alice.tenant).values_list(
                "cube_id", "name", "owner_id", "reader_ids")  # fmt: skip
            return {(*row[:3], tuple(row[3])) for row in rows}

    cubes_before = cubes_of_a()

    def check() -> None:
        assert {cube: _snapshot(alice.tenant, cube) for cube in before} == before
        assert cubes_of_a() == cubes_before
        with tenant_scope(alice.tenant.pk):
            assert CubeDeletion.objects.filter(tenant=alice.tenant, record_id="rec").exists()
            assert AddBatch.objects.get(pk=batch).status == "queued"

    def created_by_alice(response) -> None:
        assert ("srv-new", "x", "ann", ()) in cubes_of_a()

    def registered_by_alice(response) -> None:
        assert ("srv-cube", "renamed", "ann", ("bo",)) in cubes_of_a()

    def deleted_by_alice(response) -> None:
        assert response.json()["data"]["deleted"] == 1 and _live(alice.tenant, "srv-team") == 0

    def recovered_by_alice(response) -> None:
        assert response.json()["data"]["recovered"] == 1 and _live(alice.tenant, "srv-del") == 1

    def answered(field: str, value: int):
        def verify(response) -> None:
            assert response.json()["data"][field] == value

        return verify

    def counted(total: int):
        def verify(response) -> None:
            assert response.json()["data"]["all_tasks_summary"]["total"] == total

        return verify

    def queued(count: int):
        def verify(response) -> None:
            assert response.json()["data"]["remaining_tasks_count"] == count

        return verify

    def waited(running: int):
        def verify(response) -> None:
            assert response.json()["data"]["running_tasks"] == running

        return verify

    listing = {"expect_404": False, "marker": SERVER_ROUTES_MARKER, "control": True}
    mine = {"expect_404": False}
    return Setup(
        probes=[
            Probe("POST", "/product/get_memory_by_ids", [mid], **listing),
            Probe("POST", "/product/suggestions", {"user_id": "x", "mem_cube_id": "srv-team",
                                                   "language": "en"}, **listing),
            Probe("POST", "/product/create_cube", {"cube_name": "x", "owner_id": "ann",
                                                   "cube_id": "srv-new"},
                  **mine, control=created_by_alice),
            Probe("POST", "/product/register_cube", {"mem_cube_name_or_path": "renamed",
                                                     "mem_cube_id": "srv-cube", "user_id": "ann"},
                  **mine, control=registered_by_alice),
            Probe("POST", "/product/delete_memory_by_record_id",
                  {"mem_cube_id": "srv-team", "record_id": "r2"}, **mine,
                  verify=answered("deleted", 0),
                  control=deleted_by_alice),
            Probe("POST", "/product/recover_memory_by_record_id",
                  {"mem_cube_id": "srv-del", "delete_record_id": "rec"}, **mine,
                  verify=answered("recovered", 0),
                  control=recovered_by_alice),
            Probe("GET", "/product/scheduler/status?user_id=srv-q", **mine, marker=batch),
            Probe("GET", f"/product/scheduler/status?user_id=srv-q&task_id={batch}"),
            Probe("GET", "/product/scheduler/allstatus", **mine, verify=counted(0),
                  control=counted(1)),
            Probe("GET", "/product/scheduler/task_queue_status?user_id=srv-q", **mine,
                  verify=queued(0), control=queued(1)),
            Probe("POST", "/product/scheduler/wait?user_name=srv-q&timeout_seconds=0", None,
                  **mine, verify=waited(0), control=waited(1)),
        ],
        check=check,
    )  # fmt: skip
