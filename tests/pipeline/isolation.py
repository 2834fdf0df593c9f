from __future__ import annotations

from apps.core.tenancy import tenant_scope
from apps.memories.models import Memory
from apps.pipeline import faq
from tests.isolation import Probe, Setup, case, exempt


def _qa(alice, question: str, kind: str) -> Memory:
    """A question alice's users asked and the assistant answered, then marked `kind`."""
    alice.client().post("/v1/memory/add", {
        "user_id": "u1", "infer": True,
        "messages": [{"role": "user", "content": question},
                     {"role": "assistant", "content": "Open settings, then security."}],
    }, format="json")  # fmt: skip
    with tenant_scope(alice.tenant.pk):
        memory = Memory.objects.get(tenant=alice.tenant, kind="qa", key=question)
        Memory.objects.filter(pk=memory.pk).update(kind=kind)
        return memory


@case("v1/admin/faq/candidates", "v1/admin/faq/promote", "v1/admin/faq/history",
      "v1/admin/faq/stats", "v1/admin/faq/<uuid:memory_id>")  # fmt: skip
def faq_routes(alice) -> Setup:
    """Tenant A has a candidate (which charlie may neither see nor promote) and a promoted FAQ
    (which he may neither see in the history nor demote)."""
    candidate = _qa(alice, "How do I reset the alice-marker-candidate password?", "faq_candidate")
    promoted = _qa(alice, "Which alice-marker-faq plans include a refund window?",
                   "faq_candidate")  # fmt: skip
    with tenant_scope(alice.tenant.pk):
        faq.faq_promote(tenant=alice.tenant, memory_id=str(promoted.pk), reason="r",
                        actor="test")  # fmt: skip

    def kinds() -> tuple[str, str]:
        with tenant_scope(alice.tenant.pk):
            return tuple(Memory.objects.get(pk=m.pk).kind for m in (candidate, promoted))

    def check() -> None:
        assert kinds() == ("faq_candidate", "faq")

    def promoted_by_alice(response) -> None:
        assert kinds()[0] == "faq"

    def demoted_by_alice(response) -> None:
        assert kinds()[1] == "qa"

    return Setup(
        probes=[
            Probe("GET", "/v1/admin/faq/candidates", expect_404=False,
                  marker="alice-marker-candidate"),
            Probe("GET", "/v1/admin/faq/history", expect_404=False, marker="alice-marker-faq"),
            Probe("GET", "/v1/admin/faq/stats", expect_404=False, marker="alice-marker"),
            Probe("POST", "/v1/admin/faq/promote", {"memory_id": str(candidate.pk)},
                  control=promoted_by_alice),
            Probe("DELETE", f"/v1/admin/faq/{promoted.pk}", control=demoted_by_alice),
        ],
        check=check,
    )  # fmt: skip


exempt(
    "v1/admin/faq/classify",
    reason="classifies the question and answer in the request body (no LLM: answers the prompt "
    "to send to one; with `response_text`: parses it); reads and writes no tenant data",
    probe=Probe("POST", "/v1/admin/faq/classify", {"question": "How do I pay?", "answer": "Card."}),
)
