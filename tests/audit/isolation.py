from __future__ import annotations

from apps.audit.chain import chain_verify
from apps.audit.services import audit_record
from tests.isolation import Probe, Setup, case

MARKER = "alice-marker-action"


def _answer_is_b_own(response) -> None:
    body = response.json()
    assert body["status"] == "ok"


@case("v1/security/audit/logs", "v1/security/audit/stats", "v1/security/audit/verify")
def audit(alice) -> Setup:
    """Tenant A's events name a marker action and user; B's key reads only B's trail (its own
    logs, stats and chain, which hold none of A's events)."""
    for _ in range(3):
        audit_record(tenant_id=alice.tenant.pk, api_key_id=alice.key.pk, action=MARKER,
                     status_code=201, end_user_id="alice-marker-user")  # fmt: skip

    def check() -> None:
        result = chain_verify(tenant_id=alice.tenant.pk)
        assert result.ok and result.events_checked == 3

    return Setup(
        probes=[
            Probe(
                "POST", "/v1/security/audit/logs", {}, expect_404=False, marker=MARKER, control=True
            ),
            Probe(
                "POST",
                "/v1/security/audit/logs",
                {"user_id": "alice-marker-user"},
                expect_404=False,
                marker=MARKER,
                control=True,
                verify=_answer_is_b_own,
            ),
            Probe("GET", "/v1/security/audit/stats", expect_404=False, marker=MARKER),
            # The answer names the tenant whose chain was checked: A's slug is the marker.
            Probe(
                "GET",
                "/v1/security/audit/verify",
                expect_404=False,
                marker="acme",
                verify=_answer_is_b_own,
            ),
        ],
        check=check,
    )
