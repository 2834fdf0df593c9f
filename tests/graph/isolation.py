from __future__ import annotations

from apps.core.tenancy import tenant_scope
from apps.graph.models import Entity, EntityMerge, Relation
from tests.isolation import Probe, Setup, case, exempt

ROUTES = (
    "v1/graph/extract", "v1/graph/extract/llm-parse",
    "v1/graph/query", "v1/graph/path", "v1/graph/triples", "v1/graph/stats",
    "v1/graph/entities/merge", "v1/graph/merges/<int:merge_id>/undo",
    "v1/graph/entities/<int:entity_id>/history",
)  # fmt: skip


@case(*ROUTES)
def graph_routes(alice) -> Setup:
    """Tenant A's graph: Markeralice works at Markercorp, and a merge of Markerbob into
    Markeralice. Charlie may neither read it (query, path, triples, stats, history) nor change it
    (merge A's entities, undo A's merge), and what he extracts lands in B."""
    client = alice.client()
    client.post("/v1/graph/extract/llm-parse", {"response": (
        "Entity: Markeralice (Person)\nEntity: Markerbob (Person)\n"
        "Relation: Markeralice works_at Markercorp\nRelation: Markerbob likes Markertea")},
        format="json")  # fmt: skip
    with tenant_scope(alice.tenant.pk):
        ids = dict(Entity.objects.values_list("key", "pk"))
    merge = client.post("/v1/graph/entities/merge", {"entity_id": ids["markerbob"],
                        "into_id": ids["markeralice"]}, format="json").json()  # fmt: skip
    carl = client.post("/v1/graph/extract/llm-parse",
                       {"response": "Relation: Markercarl friend_of Markerdan"},
                       format="json")  # fmt: skip
    assert carl.status_code == 200
    with tenant_scope(alice.tenant.pk):
        ids = dict(Entity.objects.values_list("key", "pk"))

    def state() -> tuple:
        with tenant_scope(alice.tenant.pk):
            return (
                sorted(Entity.objects.values_list("key", "merged_into_id")),
                Relation.objects.filter(valid_to__isnull=True).count(),
                list(EntityMerge.objects.values_list("pk", "undone_at")),
            )

    before = state()

    def check() -> None:
        assert state() == before

    def merged_by_alice(response) -> None:
        with tenant_scope(alice.tenant.pk):
            assert Entity.objects.get(pk=ids["markerdan"]).merged_into_id == ids["markercarl"]

    def undone_by_alice(response) -> None:
        with tenant_scope(alice.tenant.pk):
            assert EntityMerge.objects.get(pk=merge["merge_id"]).undone_at is not None

    def extracted_in_b(response) -> None:
        assert response.json()["entities_added"] >= 1  # nothing of A's was found to reuse

    def reused_by_alice(response) -> None:
        assert response.json()["entities_added"] == 0  # in A both names were known

    return Setup(
        probes=[
            Probe("POST", "/v1/graph/query", {"query": "Markeralice"}, expect_404=False,
                  marker="arkeralice"),
            Probe("POST", "/v1/graph/path", {"from": "Markeralice", "to": "Markercorp"},
                  expect_404=False, marker="arkercorp"),
            Probe("GET", "/v1/graph/triples", expect_404=False, marker="arker"),
            Probe("GET", "/v1/graph/stats", expect_404=False, marker="Person",
                  verify=lambda r: r.json()["entity_count"] == 0 or None),
            Probe("GET", f"/v1/graph/entities/{ids['markeralice']}/history"),
            Probe("POST", "/v1/graph/entities/merge",
                  {"entity_id": ids["markerdan"], "into_id": ids["markercarl"]},
                  control=merged_by_alice),
            Probe("POST", f"/v1/graph/merges/{merge['merge_id']}/undo", {},
                  control=undone_by_alice),
            Probe("POST", "/v1/graph/extract/llm-parse",
                  {"response": "Relation: Markeralice works_at Markercorp"}, expect_404=False,
                  verify=extracted_in_b, control=reused_by_alice),
            Probe("POST", "/v1/graph/extract", {"text": "Markeralice works at Markercorp."},
                  expect_404=False, verify=extracted_in_b, control=reused_by_alice),
        ],
        check=check,
    )  # fmt: skip


exempt(
    "v1/graph/extract/llm-prompt",
    reason="builds the extraction prompt from the request's text alone; reads and writes nothing",
    probe=Probe("POST", "/v1/graph/extract/llm-prompt", {"text": "Alice works at Google."}),
)
