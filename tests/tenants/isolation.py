from __future__ import annotations

from apps.tenants.models import ApiKey
from apps.tenants.services import api_key_create
from tests.isolation import Probe, Setup, case


@case("v1/admin/keys", "v1/admin/keys/<str:key>")
def admin_keys(alice) -> Setup:
    """Charlie may neither list nor make keys in tenant A (naming it is refused), nor revoke one
    of A's keys by any of the three references (id, prefix, the full key): one key each, so
    each control revokes its own."""
    by_id, by_prefix, by_secret, patched = (
        api_key_create(tenant=alice.tenant, name=f"alice-marker-key-{n}") for n in range(4)
    )

    def count() -> int:
        return ApiKey.unscoped.filter(tenant=alice.tenant).count()

    def check() -> None:
        for issued in (by_id, by_prefix, by_secret):
            issued.key.refresh_from_db()
            assert issued.key.revoked_at is None
        patched.key.refresh_from_db()
        assert patched.key.allowed_ips == [] and patched.key.name == "alice-marker-key-3"
        assert count() == 5

    def revoked_by_alice(issued):
        def control(response) -> None:
            issued.key.refresh_from_db()
            assert issued.key.revoked_at is not None

        return control

    def made_by_alice(response) -> None:
        assert count() == 6

    def patched_by_alice(response) -> None:
        patched.key.refresh_from_db()
        assert patched.key.allowed_ips == ["192.0.2.1"]

    acme = {"HTTP_X_TENANT_ID": alice.tenant.slug}
    return Setup(
        probes=[
            Probe("GET", "/v1/admin/keys", expect_404=False, marker="alice-marker-key"),
            Probe("GET", "/v1/admin/keys", status=403, marker=by_id.key.prefix, headers=acme),
            Probe("POST", "/v1/admin/keys", {"tenant": alice.tenant.slug}, status=403,
                  marker="acme", control=made_by_alice),
            Probe("DELETE", f"/v1/admin/keys/{by_id.key.pk}", control=revoked_by_alice(by_id)),
            Probe("DELETE", f"/v1/admin/keys/{by_prefix.key.display_prefix}",
                  control=revoked_by_alice(by_prefix)),
            Probe("DELETE", f"/v1/admin/keys/{by_secret.secret}",
                  control=revoked_by_alice(by_secret)),
            Probe("PATCH", f"/v1/admin/keys/{patched.key.pk}", {"allowed_ips": ["192.0.2.1"]},
                  control=patched_by_alice),
        ],
        check=check,
    )  # fmt: skip
