from __future__ import annotations

from apps.defense import guard
from apps.defense.models import IpRule
from tests.console.staff import console_client, console_events

ADD = "/admin/defense/iprule/add/"


def _status(alice, ip: str) -> int:
    return alice.client().get("/v1/memory?user_id=u1", REMOTE_ADDR=ip).status_code


def test_an_operator_bans_edits_and_unbans_a_tenant_address_audited(alice, charlie):
    otto = console_client("otto", groups=("operator",))
    body = {"tenant": alice.tenant.pk, "kind": "ban", "network": "198.51.100.9", "reason": "abuse"}
    assert otto.post(ADD, body).status_code == 302
    rule = IpRule.objects.get()
    assert rule.created_by == "console:otto" and _status(alice, "198.51.100.9") == 403
    assert _status(charlie, "198.51.100.9") == 200  # a tenant's ban stays in that tenant

    edited = {**body, "network": "198.51.100.10"}
    assert otto.post(f"/admin/defense/iprule/{rule.pk}/change/", edited).status_code == 302
    [moved] = IpRule.objects.all()
    assert moved.network == "198.51.100.10"
    assert _status(alice, "198.51.100.9") == 200 and _status(alice, "198.51.100.10") == 403

    deleted = otto.post(f"/admin/defense/iprule/{moved.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302 and not IpRule.objects.exists()
    assert _status(alice, "198.51.100.10") == 200
    actions = [e.action for e in console_events(tenant_id=alice.tenant.pk, username="otto")]
    assert actions == ["console.add", "console.change", "console.delete"]
    guard.rules_invalidate()


def test_a_ban_of_the_operators_own_address_is_refused_on_the_form(db):
    root = console_client("root", superuser=True)
    me = {"REMOTE_ADDR": "192.0.2.77"}
    response = root.post(ADD, {"kind": "ban", "network": "192.0.2.0/24"}, **me)
    assert response.status_code == 200 and "covers your own address" in response.content.decode()
    assert not IpRule.objects.exists()
    assert root.post(ADD, {"kind": "allow", "network": "192.0.2.77"}, **me).status_code == 302
    assert root.post(ADD, {"kind": "ban", "network": "192.0.2.0/24"}, **me).status_code == 302
    assert set(IpRule.objects.values_list("kind", "network")) == {
        ("allow", "192.0.2.77"),
        ("ban", "192.0.2.0/24"),
    }
    guard.rules_invalidate()


def test_support_sees_the_rules_and_cannot_change_them(alice):
    root = console_client("root", superuser=True)
    assert root.post(ADD, {"kind": "ban", "network": "203.0.113.50"}).status_code == 302
    rule = IpRule.objects.get()
    sue = console_client("sue", groups=("support",))
    assert "203.0.113.50" in sue.get("/admin/defense/iprule/").content.decode()
    assert sue.post(ADD, {"kind": "ban", "network": "203.0.113.51"}).status_code == 403
    assert sue.post(f"/admin/defense/iprule/{rule.pk}/delete/", {"post": "yes"}).status_code == 403
    assert IpRule.objects.count() == 1
    guard.rules_invalidate()
