from __future__ import annotations

from celery import shared_task

from apps.core.tenancy import tenant_scope
from apps.tenants.models import Tenant


@shared_task(
    acks_late=True, ignore_result=True, soft_time_limit=110, time_limit=120, queue="maintenance"
)
def refresh_profile(*, tenant_id: int, user_id: str) -> None:
    from apps.pipeline.tiers import profile_refresh

    with tenant_scope(tenant_id):
        tenant = Tenant.objects.filter(pk=tenant_id).first()
        if tenant is not None:
            profile_refresh(tenant=tenant, user_id=user_id)


@shared_task(
    acks_late=True, ignore_result=True, soft_time_limit=110, time_limit=120, queue="maintenance"
)
def mark_faq_candidates() -> int:
    """Periodic: QAs whose heat reached the threshold become FAQ candidates, in every tenant."""
    from apps.pipeline.faq import candidates_mark

    marked = 0
    for tenant in Tenant.objects.all():  # Tenant itself is not tenant-owned
        with tenant_scope(tenant.pk):
            marked += candidates_mark(tenant=tenant)
    return marked
