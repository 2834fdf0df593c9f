from __future__ import annotations

from apps.core.tenancy import tenant_scope
from apps.memories.models import Memory, Message
from apps.privacy import export, services
from apps.privacy.models import Suppression
from tests.isolation import Probe, Setup, case
from tests.memories.factories import make_memories

ROUTES = (
    "v1/security/gdpr/export", "v1/security/gdpr/delete",
    "v1/security/gdpr/requests/<uuid:request_id>",
    "v1/security/gdpr/requests/<uuid:request_id>/download",
    "v1/security/gdpr/suppressions/<path:user_id>",
)  # fmt: skip


@case(*ROUTES)
def gdpr(alice) -> Setup:
    """Tenant B's key can neither export, erase, read nor download A's requests; erasing "u1"
    in B leaves A's "u1" whole; lifting "u1"'s suppression in B leaves A's in force."""
    make_memories(alice.tenant, "u1", ["alice-marker lives in Oslo"])
    alice.client().post("/v1/memory/add", {"user_id": "u1", "messages": "alice-marker turn"},
                        format="json")  # fmt: skip
    with tenant_scope(alice.tenant.pk):
        erasure = services.erasure_run(tenant=alice.tenant, user_id="gone", key=alice.key,
                                       suppress=True)  # fmt: skip
        services.suppression_create(tenant=alice.tenant, request=None, key=alice.key,
                                    subject=services.subject_of(tenant_id=alice.tenant.pk,
                                                                user_id="u1"))  # fmt: skip
        exported = export.export_start(tenant=alice.tenant, user_id="u1", key=alice.key)
        export.export_build(request_id=str(exported.pk))
    requests = "/v1/security/gdpr/requests"
    u1_subject = services.subject_of(tenant_id=alice.tenant.pk, user_id="u1")

    def check() -> None:
        assert Memory.unscoped.filter(tenant=alice.tenant, user_id="u1").count() == 2
        assert Message.unscoped.filter(tenant=alice.tenant, user_id="u1").count() == 1
        assert Suppression.unscoped.filter(tenant=alice.tenant, subject=u1_subject,
                                           lifted_at=None).exists()  # fmt: skip

    def counted(memories: int):
        def verify(response) -> None:
            assert response.json()["receipt"]["counts"]["memories"] == memories

        return verify

    def lifted_by_alice(response) -> None:
        assert not Suppression.unscoped.filter(tenant=alice.tenant, subject=u1_subject,
                                               lifted_at=None).exists()  # fmt: skip

    def erased_by_alice(response) -> None:
        assert response.json()["status"] == "ok"
        assert not Memory.unscoped.filter(tenant=alice.tenant, user_id="u1").exists()

    return Setup(
        probes=[
            Probe("GET", f"{requests}/{erasure.request.pk}"),
            Probe("GET", f"{requests}/{exported.pk}"),
            # control=False: alice's answer is the zip, which the walker cannot read as text;
            # tests/privacy/test_export.py downloads it with her key (and 404s for charlie's)
            Probe("GET", f"{requests}/{exported.pk}/download", control=False),
            Probe("POST", "/v1/security/gdpr/export", {"user_id": "u1"}, expect_404=False,
                  marker="alice-marker", control=True),
            Probe("POST", "/v1/security/gdpr/delete", {"user_id": "u1", "dry_run": True},
                  expect_404=False, verify=counted(0), control=counted(2)),
            Probe("DELETE", "/v1/security/gdpr/suppressions/u1", control=lifted_by_alice),
            Probe("POST", "/v1/security/gdpr/delete", {"user_id": "u1"}, expect_404=False,
                  control=erased_by_alice),
        ],
        check=check,
    )  # fmt: skip


@case("v1/security/gdpr/consent", "v1/security/gdpr/consent/check")
def consent(alice) -> Setup:
    """Tenant B's key neither reads A's consents nor changes them: B's grants and withdrawals
    for "u1" are B's user's, and A's "u1" keeps its grant (and A's enforcement sees only it)."""
    from apps.privacy.consent import consent_latest, consent_record
    from apps.privacy.models import Consent

    with tenant_scope(alice.tenant.pk):
        consent_record(tenant=alice.tenant, user_id="u1", purpose="data_processing",
                       granted=True, policy_version="alice-marker-v1")  # fmt: skip

    def rows() -> int:
        return Consent.unscoped.filter(tenant=alice.tenant, user_id="u1").count()

    def check() -> None:
        assert rows() == 1
        with tenant_scope(alice.tenant.pk):
            latest = consent_latest(tenant=alice.tenant, user_id="u1")
        assert latest["data_processing"].granted is True

    def withdrawn_by_alice(response) -> None:
        assert rows() == 2
        with tenant_scope(alice.tenant.pk):
            assert (
                consent_latest(tenant=alice.tenant, user_id="u1")["data_processing"].granted
                is False
            )

    def not_granted(response) -> None:
        assert response.json()["has_consent"] is False

    withdraw = {"user_id": "u1", "purpose": "data_processing", "granted": False}
    ask = {"user_id": "u1", "purpose": "data_processing"}
    return Setup(
        probes=[
            Probe("GET", "/v1/security/gdpr/consent?user_id=u1", expect_404=False,
                  marker="alice-marker"),
            Probe("POST", "/v1/security/gdpr/consent/check", ask, expect_404=False,
                  marker="alice-marker", verify=not_granted),
            Probe("POST", "/v1/security/gdpr/consent", withdraw, expect_404=False,
                  control=withdrawn_by_alice),
        ],
        check=check,
    )  # fmt: skip
