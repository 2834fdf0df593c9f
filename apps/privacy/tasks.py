from __future__ import annotations

from celery import shared_task

from apps.core.tenancy import tenant_scope


@shared_task(
    acks_late=True, ignore_result=True, soft_time_limit=3000, time_limit=3300, queue="maintenance"
)
def export_build_task(*, tenant_id: int, request_id: str) -> None:
    """An async GDPR export (apps.privacy.export): writes the zip; a duplicate does nothing."""
    from apps.privacy.export import export_build

    with tenant_scope(tenant_id):
        export_build(request_id=request_id)


@shared_task(
    acks_late=True, ignore_result=True, soft_time_limit=50, time_limit=60, queue="maintenance"
)
def expire_exports() -> int:
    """Periodic: expired GDPR export zips are removed from disk."""
    from apps.privacy.export import exports_expire

    return exports_expire()
