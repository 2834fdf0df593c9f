from __future__ import annotations

from apps.defense.models import IpRule
from tests.isolation import Probe, Setup, case

ROUTES = (
    "v1/admin/defense/stats",
    "v1/admin/defense/bans",
    "v1/admin/defense/ban",
    "v1/admin/defense/unban/<path:ip>",
    "v1/admin/defense/whitelist",
    "v1/admin/defense/whitelist/<path:ip>",
)


@case(*ROUTES)
def defense(alice) -> Setup:
    """Tenant B (charlie, a tenant admin) neither sees A's bans, whitelist or counts, nor lifts
    them, and what it bans or whitelists applies to its own keys only: never globally."""
    for kind, ip in (("ban", "198.51.100.77"), ("allow", "198.51.100.78")):
        IpRule.objects.create(tenant=alice.tenant, kind=kind, network=ip,
                              reason=f"alice-marker-{kind}")  # fmt: skip

    def a_rules() -> set[tuple[str, str]]:
        return set(IpRule.objects.filter(tenant=alice.tenant).values_list("kind", "network"))

    def check() -> None:
        assert a_rules() == {("ban", "198.51.100.77"), ("allow", "198.51.100.78")}
        assert not IpRule.objects.filter(tenant=None).exists()  # nothing platform-wide
        served = alice.client().get("/v1/memory?user_id=u1", REMOTE_ADDR="198.51.100.90")
        assert served.status_code == 200, "B's ban reached A's keys"

    def b_stats_are_its_own(response) -> None:
        body = response.json()
        assert body["permanent_bans"] == 0 and body["whitelist_size"] == 0, body

    def a_stats(response) -> None:
        body = response.json()
        assert body["permanent_bans"] == 1 and body["whitelist_size"] == 1, body

    def added_for_a(kind: str, ip: str):
        def control(response) -> None:
            assert (kind, ip) in a_rules()

        return control

    acme = {"HTTP_X_TENANT_ID": alice.tenant.slug}
    return Setup(
        probes=[
            Probe("GET", "/v1/admin/defense/stats", expect_404=False, verify=b_stats_are_its_own,
                  control=a_stats),
            Probe("GET", "/v1/admin/defense/bans", expect_404=False, marker="alice-marker-ban"),
            Probe("GET", "/v1/admin/defense/bans", status=403, marker="alice-marker-ban",
                  headers=acme),
            Probe("GET", "/v1/admin/defense/whitelist", expect_404=False,
                  marker="alice-marker-allow"),
            Probe("POST", "/v1/admin/defense/ban", {"ip": "198.51.100.90"}, expect_404=False,
                  control=added_for_a("ban", "198.51.100.90")),
            Probe("POST", "/v1/admin/defense/whitelist", {"ip": "198.51.100.91"},
                  expect_404=False, control=added_for_a("allow", "198.51.100.91")),
            Probe("POST", "/v1/admin/defense/unban/198.51.100.77"),
            Probe("DELETE", "/v1/admin/defense/whitelist/198.51.100.78"),
        ],
        check=check,
    )  # fmt: skip
