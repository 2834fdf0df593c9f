"""Console users for the admin tests: a superuser, or a staff user in the console's groups."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from apps.audit.models import AuditEvent
from apps.console.roles import console_roles_ensure


def console_client(
    username: str, *, groups: tuple[str, ...] = (), superuser: bool = False
) -> Client:
    users = get_user_model().objects
    if superuser:
        user = users.create_superuser(username, "", "pw")
    else:
        user = users.create_user(username, "", "pw", is_staff=True)
        console_roles_ensure()
        user.groups.set(Group.objects.filter(name__in=groups))
    client = Client()
    client.force_login(user)
    return client


def console_events(*, tenant_id: int, username: str) -> list[AuditEvent]:
    return list(
        AuditEvent.unscoped.filter(tenant_id=tenant_id, request_id=f"console:{username}").order_by(
            "id"
        )
    )


def run_action(client: Client, page: str, action: str, pks: list[object]) -> str:
    body = {"action": action, "_selected_action": [str(pk) for pk in pks]}
    response = client.post(page, body, follow=True)
    assert response.status_code == 200, response.status_code
    return response.content.decode()
