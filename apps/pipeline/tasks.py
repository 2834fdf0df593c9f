from __future__ import annotations

from celery import shared_task

from apps.core.tenancy import all_tenants_scope, tenant_scope
from apps.tenants.models import Tenant


@shared_task(acks_late=True, soft_time_limit=110, time_limit=120, queue="maintenance")
def refresh_profile(*, tenant_id: int, user_id: str) -> None:
    from apps.pipeline.tiers import profile_refresh

    with tenant_scope(tenant_id):
        tenant = Tenant.objects.filter(pk=tenant_id).first()
        if tenant is not None:
            profile_refresh(tenant=tenant, user_id=user_id)


@shared_task(acks_late=True, soft_time_limit=110, time_limit=120, queue="maintenance")
def mark_faq_candidates() -> int:
    """Periodic: QAs whose heat reached the threshold become FAQ candidates, in every tenant."""
    from apps.pipeline.faq import candidates_mark

    with all_tenants_scope():
        tenant_ids = list(Tenant.objects.values_list("pk", flat=True))
    marked = 0
    for tenant_id in tenant_ids:
        with tenant_scope(tenant_id):
            marked += candidates_mark(tenant=Tenant.objects.get(pk=tenant_id))
    return marked
