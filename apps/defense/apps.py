from __future__ import annotations

from django.apps import AppConfig


class DefenseConfig(AppConfig):
    name = "apps.defense"
    label = "defense"
    verbose_name = "IP defence"

    def ready(self) -> None:
        from apps.core.auth import key_authenticated
        from apps.defense.guard import tenant_rules_check

        # The tenant's own bans apply once key authentication has told us the tenant.
        key_authenticated.connect(tenant_rules_check, dispatch_uid="defense-tenant-rules")
