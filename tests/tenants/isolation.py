from __future__ import annotations

from apps.tenants.models import ApiKey
from apps.tenants.services import api_key_create
from tests.isolation import Probe, Setup, case


@case("v1/admin/keys", "v1/admin/keys/<str:key>")
def admin_keys(alice) -> Setup:
    issued = api_key_create(tenant=alice.tenant, name="alice-marker-key")
    key = issued.key

    def check() -> None:
        key.refresh_from_db()
        assert key.revoked_at is None
        assert ApiKey.unscoped.filter(tenant=alice.tenant).count() == 2

    return Setup(
        probes=[
            Probe("GET", "/v1/admin/keys", expect_404=False, marker="alice-marker-key"),
            Probe("GET", "/v1/admin/keys", expect_404=False, marker=key.prefix,
                  headers={"HTTP_X_TENANT_ID": alice.tenant.slug}),
            Probe("POST", "/v1/admin/keys", {"tenant": alice.tenant.slug}, expect_404=False,
                  marker="acme"),
            Probe("DELETE", f"/v1/admin/keys/{key.pk}"),
            Probe("DELETE", f"/v1/admin/keys/{key.display_prefix}"),
            Probe("DELETE", f"/v1/admin/keys/{issued.secret}"),
        ],
        check=check,
    )  # fmt: skip
