"""IP defence: automatic bans, escalation, whitelist, CIDR, trusted proxies, per-key allowed_ips,
the management routes and degraded mode. Requests come from documentation addresses
(203.0.113.0/24, 198.51.100.0/24) through Django's test client (REMOTE_ADDR)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.core.ratelimit import redis_client
from apps.defense import guard
from apps.defense.models import IpRule
from apps.tenants.models import ApiKey

ATTACKER = "203.0.113.7"
BAD_KEY = "Bearer mpk_0123456789ab_" + "x" * 40


def wrong_secret(ip: str = ATTACKER, **extra):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=BAD_KEY)
    return client.get("/v1/memory?user_id=u1", REMOTE_ADDR=ip, **extra)


def as_from(actor, ip: str, **extra):
    return actor.client().get("/v1/memory?user_id=u1", REMOTE_ADDR=ip, **extra)


def code(response) -> str:
    return response.json()["error"]["code"]


def test_a_burst_of_wrong_secrets_is_banned_after_the_threshold(db, settings,
                                                                django_assert_num_queries):  # fmt: skip
    settings.IP_BAN_AUTH_FAILURES = 20
    statuses = [wrong_secret().status_code for _ in range(400)]
    assert statuses[:20] == [401] * 20
    assert set(statuses[20:]) == {403}
    response = wrong_secret()
    assert code(response) == "ip_banned"
    assert settings.IP_BAN_SECONDS - 60 < int(response["Retry-After"]) <= settings.IP_BAN_SECONDS
    with django_assert_num_queries(0):  # refused before any key lookup
        wrong_secret()
    assert redis_client().pttl(guard.BAN.format(ip=ATTACKER)) > 0
    # another address is not affected
    assert wrong_secret("203.0.113.8").status_code == 401


def test_a_banned_address_is_refused_even_with_a_good_key(alice, settings):
    settings.IP_BAN_AUTH_FAILURES = 5
    for _ in range(5):
        wrong_secret()
    response = as_from(alice, ATTACKER)
    assert response.status_code == 403 and code(response) == "ip_banned"
    assert as_from(alice, "203.0.113.99").status_code == 200


def test_a_flood_of_4xx_is_banned(alice, settings):
    settings.IP_BAN_4XX = 30
    statuses = [
        alice.client()
        .get("/v1/memory/00000000-0000-0000-0000-000000000000", REMOTE_ADDR=ATTACKER)
        .status_code
        for _ in range(40)
    ]
    assert statuses[:30] == [404] * 30 and set(statuses[30:]) == {403}


def test_a_whitelisted_address_is_never_banned(root, settings):
    settings.IP_BAN_AUTH_FAILURES = 5
    response = root.client().post("/v1/admin/defense/whitelist",
                                  {"ip": "203.0.113.0/28", "reason": "office"}, format="json")  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["message"] == "IP 203.0.113.0/28 added to whitelist"
    assert {wrong_secret().status_code for _ in range(50)} == {401}
    assert not redis_client().exists(guard.BAN.format(ip=ATTACKER))
    # loopback is whitelisted by default (IP_DEFENSE_WHITELIST)
    assert {wrong_secret("127.0.0.1").status_code for _ in range(10)} == {401}


def test_bans_double_then_become_permanent_and_survive_a_redis_flush(db, settings):
    settings.IP_BAN_AUTH_FAILURES = 3
    settings.IP_BAN_MAX_TEMPORARY = 2
    seconds = []
    for _ in range(3):
        for _ in range(3):
            assert wrong_secret().status_code == 401
        ban = guard.BAN.format(ip=ATTACKER)
        seconds.append(redis_client().ttl(ban))
        redis_client().delete(ban)  # the ban runs out (the strikes are remembered)
        guard.rules_invalidate()
    assert seconds[0] == settings.IP_BAN_SECONDS
    assert seconds[1] == 2 * settings.IP_BAN_SECONDS
    assert seconds[2] == -2  # the third was no temporary ban:
    rule = IpRule.objects.get(network=ATTACKER, tenant=None, kind="ban")
    assert rule.source == "auto" and rule.expires_at is None
    for key in redis_client().scan_iter(match="mp:ipd:*"):
        redis_client().delete(key)
    guard.rules_invalidate()
    response = wrong_secret()
    assert response.status_code == 403 and code(response) == "ip_banned"
    assert "Retry-After" not in response and response.json()["error"]["details"]["permanent"]


def test_a_cidr_ban_covers_its_range_only(root, alice):
    response = root.client().post("/v1/admin/defense/ban",
                                  {"ip": "198.51.100.0/24", "reason": "abuse"}, format="json")  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["permanent"] is True
    assert code(as_from(alice, "198.51.100.200")) == "ip_banned"
    assert as_from(alice, "198.51.101.1").status_code == 200
    response = root.client().post("/v1/admin/defense/unban/198.51.100.0/24")
    assert response.json() == {"message": "IP 198.51.100.0/24 unbanned", "ip": "198.51.100.0/24"}
    assert as_from(alice, "198.51.100.200").status_code == 200


def test_a_temporary_manual_ban_says_when_it_ends(root, alice):
    response = root.client().post("/v1/admin/defense/ban",
                                  {"ip": ATTACKER, "duration_seconds": 120}, format="json")  # fmt: skip
    assert response.status_code == 201 and response.json()["permanent"] is False
    refused = as_from(alice, ATTACKER)
    assert code(refused) == "ip_banned" and 110 <= int(refused["Retry-After"]) <= 120


def test_unban_lifts_an_automatic_ban_and_its_strikes(root, alice, settings):
    settings.IP_BAN_AUTH_FAILURES = 3
    for _ in range(3):
        wrong_secret()
    bans = root.client().get("/v1/admin/defense/bans").json()
    assert [(b["ip"], b["source"], b["permanent"]) for b in bans["results"]] == [
        (ATTACKER, "auto", False)
    ]
    stats = root.client().get("/v1/admin/defense/stats").json()
    assert stats["temp_bans"] == 1 and stats["total_bans"] == 1
    assert root.client().post(f"/v1/admin/defense/unban/{ATTACKER}").status_code == 200
    assert as_from(alice, ATTACKER).status_code == 200
    assert not redis_client().exists(guard.STRIKES.format(ip=ATTACKER))
    response = root.client().post(f"/v1/admin/defense/unban/{ATTACKER}")
    assert response.status_code == 404 and code(response) == "ban_not_found"


def test_stats_have_the_reference_shape_and_count(root, alice, settings):
    settings.IP_BAN_AUTH_FAILURES = 2
    for _ in range(4):
        wrong_secret()
    as_from(alice, "198.51.100.1")
    stats = root.client().get("/v1/admin/defense/stats").json()
    assert set(stats) == {"total_requests", "blocked_requests", "total_bans", "temp_bans",
                          "permanent_bans", "whitelist_size"}  # fmt: skip
    assert stats["total_requests"] >= 5 and stats["blocked_requests"] >= 1
    assert stats["whitelist_size"] == 2  # the loopback defaults


# --- trusted proxies ----------------------------------------------------------------------


def test_x_forwarded_for_from_an_untrusted_peer_is_ignored(alice, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.IP_BAN_AUTH_FAILURES = 3
    for _ in range(3):  # spoofs a different client each time: all counted against the peer
        wrong_secret(ATTACKER, HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert code(wrong_secret(ATTACKER)) == "ip_banned"
    assert as_from(alice, "198.51.100.9").status_code == 200


def test_behind_a_trusted_proxy_the_client_is_the_first_untrusted_hop(alice, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.IP_BAN_AUTH_FAILURES = 3
    chain = "1.2.3.4, 203.0.113.7, 10.1.1.1"  # forged, the client, our inner proxy
    for _ in range(3):
        wrong_secret("10.0.0.2", HTTP_X_FORWARDED_FOR=chain)
    assert code(wrong_secret("10.0.0.2", HTTP_X_FORWARDED_FOR=chain)) == "ip_banned"
    assert code(as_from(alice, ATTACKER)) == "ip_banned"
    # the proxy itself, and other clients behind it, are not banned
    assert as_from(alice, "10.0.0.2").status_code == 200
    assert as_from(alice, "10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4").status_code == 200


def test_the_deprecated_trust_x_forwarded_for_still_takes_the_leftmost(alice, settings):
    from apps.audit.models import AuditEvent
    from apps.core.tenancy import tenant_scope

    settings.TRUST_X_FORWARDED_FOR = True
    settings.TRUSTED_PROXIES = []
    response = alice.client().post("/v1/memory/add", {"user_id": "u1", "messages": "hi",
                                   "infer": False}, format="json",
                                   HTTP_X_FORWARDED_FOR="198.51.100.4, 10.0.0.1")  # fmt: skip
    assert response.status_code == 200, response.content
    with tenant_scope(alice.tenant.pk):
        assert AuditEvent.objects.latest("pk").client_ip == "198.51.100.4"


# --- per-key allowed_ips ---------------------------------------------------------------------


def test_a_key_used_outside_its_allowed_ips_gets_403(alice):
    made = alice.client().post("/v1/admin/keys", {"name": "ci", "scopes": ["memory"],
                               "allowed_ips": ["198.51.100.0/24", "2001:db8::1"]},
                               format="json")  # fmt: skip
    assert made.status_code == 201, made.content
    assert made.json()["allowed_ips"] == ["198.51.100.0/24", "2001:db8::1"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {made.json()['key']}")
    assert client.get("/v1/memory?user_id=u", REMOTE_ADDR="198.51.100.7").status_code == 200
    assert client.get("/v1/memory?user_id=u", REMOTE_ADDR="2001:db8::1").status_code == 200
    refused = client.get("/v1/memory?user_id=u", REMOTE_ADDR="203.0.113.1")
    assert refused.status_code == 403 and code(refused) == "ip_not_allowed"
    # widened by its update path
    key_id = made.json()["id"]
    updated = alice.client().patch(f"/v1/admin/keys/{key_id}", {"allowed_ips": []}, format="json")
    assert updated.status_code == 200 and updated.json()["allowed_ips"] == []
    assert client.get("/v1/memory?user_id=u", REMOTE_ADDR="203.0.113.1").status_code == 200


@pytest.mark.parametrize("bad", [["10.0.0.0/33"], ["not-an-ip"], [""], [5], "10.0.0.1"])
def test_bad_allowed_ips_are_a_400_and_nothing_changes(alice, bad):
    made = alice.client().post("/v1/admin/keys", {"allowed_ips": bad}, format="json")
    assert made.status_code == 400
    assert code(made) in {"invalid_allowed_ips", "invalid_input"}
    before = ApiKey.unscoped.filter(tenant=alice.tenant).count()
    patched = alice.client().patch(f"/v1/admin/keys/{alice.key.pk}", {"allowed_ips": bad},
                                   format="json")  # fmt: skip
    assert patched.status_code == 400
    alice.key.refresh_from_db()
    assert alice.key.allowed_ips == [] and before == 1


# --- tenant levels -------------------------------------------------------------------------


def test_a_tenant_ban_applies_to_its_own_keys_only(alice, bob, charlie):
    response = charlie.client().post("/v1/admin/defense/ban", {"ip": "198.51.100.0/24"},
                                     format="json")  # fmt: skip
    assert response.status_code == 201 and response.json()["scope"] == "tenant"
    assert code(as_from(charlie, "198.51.100.5")) == "ip_banned"
    assert as_from(alice, "198.51.100.5").status_code == 200  # charlie cannot ban globally
    assert IpRule.objects.get().tenant == charlie.tenant
    # a tenant's whitelist exempts from its own bans
    charlie.client().post("/v1/admin/defense/whitelist", {"ip": "198.51.100.5"}, format="json")
    assert as_from(charlie, "198.51.100.5").status_code == 200
    assert code(as_from(charlie, "198.51.100.6")) == "ip_banned"
    stats = charlie.client().get("/v1/admin/defense/stats").json()
    assert stats["permanent_bans"] == 1 and stats["whitelist_size"] == 1
    assert alice.client().get("/v1/admin/defense/stats").json()["permanent_bans"] == 0


def test_a_tenant_whitelist_does_not_shield_from_a_platform_ban(root, alice):
    alice.client().post("/v1/admin/defense/whitelist", {"ip": ATTACKER}, format="json")
    root.client().post("/v1/admin/defense/ban", {"ip": ATTACKER}, format="json")
    assert code(as_from(alice, ATTACKER)) == "ip_banned"


def test_a_tenant_never_sees_automatic_bans(alice, settings):
    settings.IP_BAN_AUTH_FAILURES = 2
    for _ in range(2):
        wrong_secret()
    assert alice.client().get("/v1/admin/defense/bans").json() == {"total": 0, "results": []}


def test_the_defence_routes_need_the_admin_scope(bob):
    response = bob.client().get("/v1/admin/defense/stats")
    assert response.status_code == 403 and code(response) == "missing_scope"


def test_a_ban_covering_the_callers_own_address_is_refused(alice):
    response = alice.client().post("/v1/admin/defense/ban", {"ip": "0.0.0.0/0"}, format="json",
                                   REMOTE_ADDR="198.51.100.1")  # fmt: skip
    assert response.status_code == 400 and code(response) == "ban_covers_caller"
    assert not IpRule.objects.exists()


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        ("/v1/admin/defense/ban", {"ip": "300.1.1.1"}, "invalid_ip"),
        ("/v1/admin/defense/ban", {"ip": "10.0.0.0/40"}, "invalid_ip"),
        ("/v1/admin/defense/ban", {"ip": ATTACKER, "duration_seconds": -5}, "invalid_input"),
        ("/v1/admin/defense/ban", {"ip": ATTACKER, "duration_seconds": 0}, "invalid_input"),
        ("/v1/admin/defense/ban", {"ip": ATTACKER, "duration_seconds": "60"}, "invalid_input"),
        ("/v1/admin/defense/ban", {}, "invalid_input"),
        ("/v1/admin/defense/whitelist", {"ip": "example.com"}, "invalid_ip"),
        ("/v1/admin/defense/whitelist", {"ip": ["1.2.3.4"]}, "invalid_input"),
    ],
)
def test_bad_input_is_a_400_envelope_and_stores_nothing(root, path, body, expected):
    response = root.client().post(path, body, format="json")
    assert response.status_code == 400, response.content
    assert code(response) == expected
    assert not IpRule.objects.exists()


@pytest.mark.parametrize("path", ["/v1/admin/defense/unban/nonsense",
                                  "/v1/admin/defense/unban/1.2.3.4/99"])  # fmt: skip
def test_unban_of_a_bad_address_is_a_400(root, path):
    response = root.client().post(path)
    assert response.status_code == 400 and code(response) == "invalid_ip"


def test_removing_a_whitelist_entry(root):
    root.client().post("/v1/admin/defense/whitelist", {"ip": "2001:db8::/32"}, format="json")
    listed = root.client().get("/v1/admin/defense/whitelist").json()["results"]
    assert "2001:db8::/32" in [row["ip"] for row in listed]
    response = root.client().delete("/v1/admin/defense/whitelist/2001:db8::/32")
    assert response.status_code == 200, response.content
    again = root.client().delete("/v1/admin/defense/whitelist/2001:db8::/32")
    assert again.status_code == 404 and code(again) == "whitelist_entry_not_found"


# --- without Redis -------------------------------------------------------------------------


def test_without_redis_requests_are_served_and_permanent_bans_still_apply(root, alice, settings):
    from apps.core.ratelimit import redis_client as cached_client

    root.client().post("/v1/admin/defense/ban", {"ip": "198.51.100.66"}, format="json")
    settings.REDIS_DB_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    settings.IP_BAN_AUTH_FAILURES = 2
    cached_client.cache_clear()
    guard.rules_invalidate()
    try:
        assert as_from(alice, ATTACKER).status_code == 200
        assert {wrong_secret().status_code for _ in range(5)} == {401}  # nothing counted
        assert as_from(alice, ATTACKER).status_code == 200
        assert code(as_from(alice, "198.51.100.66")) == "ip_banned"
    finally:
        cached_client.cache_clear()


def test_with_the_defence_off_nothing_is_refused(alice, settings):
    settings.IP_BAN_AUTH_FAILURES = 2
    settings.IP_DEFENSE_ENABLED = False
    assert {wrong_secret().status_code for _ in range(10)} == {401}


def test_ban_lists_are_paged(root):
    for n in range(5):
        root.client().post("/v1/admin/defense/ban", {"ip": f"198.51.100.{n}"}, format="json")
    page = root.client().get("/v1/admin/defense/bans?limit=2&offset=1").json()
    assert page["total"] == 5 and len(page["results"]) == 2
    for bad in ("limit=0", "limit=5000", "offset=-1", "limit=abc"):
        response = root.client().get(f"/v1/admin/defense/bans?{bad}")
        assert response.status_code == 400 and code(response) == "invalid_input", bad
