from __future__ import annotations

from apps.core.tenancy import tenant_scope
from apps.memories.models import Memory
from apps.pipeline import faq
from tests.isolation import Probe, Setup, case


def _qa(alice, kind: str) -> Memory:
    alice.client().post("/v1/memory/add", {
        "user_id": "u1", "infer": True,
        "messages": [{"role": "user", "content": "How do I reset the alice-marker password?"},
                     {"role": "assistant", "content": "Open settings, then security."}],
    }, format="json")  # fmt: skip
    with tenant_scope(alice.tenant.pk):
        memory = Memory.objects.get(tenant=alice.tenant, kind="qa")
        Memory.objects.filter(pk=memory.pk).update(kind=kind)
        return memory


@case("v1/admin/faq/candidates", "v1/admin/faq/promote", "v1/admin/faq/classify",
      "v1/admin/faq/history", "v1/admin/faq/stats", "v1/admin/faq/<uuid:memory_id>")  # fmt: skip
def faq_routes(alice) -> Setup:
    candidate = _qa(alice, "faq_candidate")
    with tenant_scope(alice.tenant.pk):
        event = faq.faq_promote(tenant=alice.tenant, memory_id=str(candidate.pk), reason="r",
                                actor="test")  # fmt: skip

    def check() -> None:
        with tenant_scope(alice.tenant.pk):
            assert Memory.objects.get(pk=candidate.pk).kind == "faq"
            assert event.memory_id == candidate.pk

    return Setup(
        probes=[
            Probe("GET", "/v1/admin/faq/candidates", expect_404=False, marker="alice-marker"),
            Probe("GET", "/v1/admin/faq/history", expect_404=False, marker="alice-marker"),
            Probe("GET", "/v1/admin/faq/stats", expect_404=False, marker="alice-marker"),
            Probe("POST", "/v1/admin/faq/promote", {"memory_id": str(candidate.pk)}),
            Probe("DELETE", f"/v1/admin/faq/{candidate.pk}"),
            Probe(
                "POST",
                "/v1/admin/faq/classify",
                {"question": "q", "answer": "a"},
                expect_404=False,
                marker="alice-marker",
            ),
        ],
        check=check,
    )
