from __future__ import annotations

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from apps.audit.chain import chain_verify, event_hash
from apps.audit.models import GENESIS, AuditEvent
from apps.audit.selectors import audit_events_for_user
from apps.audit.services import audit_user_count, audit_user_redact
from tests.audit.helpers import chain, record

VERIFY = "/v1/security/audit/verify"


def tamper(sql: str, params: list) -> None:
    """What an attacker with database access does: switch the append-only trigger off."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks: ALTER may run
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")


def verify_command(*args: str) -> tuple[str, int]:
    from io import StringIO

    out = StringIO()
    try:
        call_command("audit_verify", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error.returncode
    return out.getvalue(), 0


def test_api_requests_form_one_chain_per_tenant(alice, charlie):
    for name in ("k1", "k2"):
        assert (
            alice.client().post("/v1/admin/keys", {"name": name}, format="json").status_code == 201
        )
    charlie.client().get("/v1/admin/keys")
    events = chain(alice.tenant)
    assert len(events) == 2
    assert events[0].prev_hash == GENESIS and events[1].prev_hash == events[0].hash
    assert all(e.hash == event_hash(e.__dict__) for e in events)
    assert chain(charlie.tenant)[0].prev_hash == GENESIS  # a chain of its own
    assert alice.client().get(VERIFY).json() == {
        "status": "ok", "tenant": "acme", "events_checked": 2, "first_break": None,
    }  # fmt: skip
    out, code = verify_command()
    assert code == 0 and "acme: ok, 2 events checked" in out and "globex: ok, 1 events" in out


def test_a_changed_event_is_the_first_broken_link(alice, charlie):
    events = [record(alice.tenant, status_code=200 + i) for i in range(4)]
    record(charlie.tenant)
    tamper("UPDATE audit_auditevent SET status_code = 500 WHERE id = %s", [events[1].pk])
    body = alice.client().get(VERIFY).json()
    assert body["status"] == "broken" and body["events_checked"] == 2
    fault = body["first_break"]
    assert fault["event_id"] == events[1].pk and fault["field"] == "hash"
    assert fault["found"] == events[1].hash and fault["expected"] != events[1].hash
    assert fault["created_at"] == events[1].created_at.isoformat()
    out, code = verify_command()
    assert code == 1
    assert f"acme: BROKEN at event {events[1].pk}" in out and "globex: ok" in out
    assert charlie.client().get(VERIFY).json()["status"] == "ok"  # only its own chain
    out, code = verify_command("--tenant", "globex")
    assert code == 0 and "acme" not in out


def test_a_removed_event_breaks_the_next_link(alice):
    events = [record(alice.tenant) for _ in range(3)]
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    result = chain_verify(tenant_id=alice.tenant.pk)
    assert result.first_break.event_id == events[2].pk
    assert result.first_break.field == "prev_hash"
    assert result.first_break.expected == events[0].hash
    assert result.first_break.found == events[1].hash


def test_a_rewritten_user_id_is_caught_although_the_hash_covers_only_its_ref(alice):
    event = record(alice.tenant, end_user_id="u1")
    tamper("UPDATE audit_auditevent SET end_user_id = 'u2' WHERE id = %s", [event.pk])
    fault = chain_verify(tenant_id=alice.tenant.pk).first_break
    assert fault.event_id == event.pk and fault.field == "end_user_id"


def test_an_unknown_tenant_slug_fails_the_command(alice):
    _out, code = verify_command("--tenant", "nope")
    assert code == 1


def make_user_events(alice):
    """u1's own events, another user's event aimed at u1, and one that has nothing to do with u1."""
    own = [
        record(alice.tenant, end_user_id="u1", target_type="memory", target_id="mem-of-u1"),
        record(alice.tenant, end_user_id="u1", target_type="user", target_id="u1",
               action="DELETE /v1/memory/users/<str:user_id>", status_code=200),
    ]  # fmt: skip
    aimed = record(alice.tenant, end_user_id="admin-bot", target_type="user", target_id="u1")
    other = record(alice.tenant, end_user_id="u2", target_type="memory", target_id="mem-of-u2")
    return own, aimed, other


def test_redaction_removes_the_user_and_keeps_the_fact_and_the_chain(alice):
    own, aimed, other = make_user_events(alice)
    assert audit_user_count(tenant_id=alice.tenant.pk, user_id="u1") == 3
    assert len(list(audit_events_for_user(tenant_id=alice.tenant.pk, user_id="u1"))) == 3
    assert audit_user_redact(tenant_id=alice.tenant.pk, user_id="u1") == 3
    assert audit_user_count(tenant_id=alice.tenant.pk, user_id="u1") == 0
    assert audit_user_redact(tenant_id=alice.tenant.pk, user_id="u1") == 0  # idempotent
    assert chain_verify(tenant_id=alice.tenant.pk).ok
    rows = list(AuditEvent.unscoped.filter(tenant=alice.tenant).order_by("id").values())
    assert len(rows) == 4  # the fact of each request is kept
    assert not [v for r in rows for v in r.values() if "u1" in str(v)]  # nor "mem-of-u1"
    assert [r["action"] for r in rows] == [e.action for e in (*own, aimed, other)]
    assert [(r["end_user_id"], r["target_id"]) for r in rows] == [
        ("", ""), ("", ""), ("admin-bot", ""), ("u2", "mem-of-u2"),
    ]  # fmt: skip
    exported = list(audit_events_for_user(tenant_id=alice.tenant.pk, user_id="u1"))
    assert [e["redacted"] for e in exported] == [True, True, True]
    assert "u1" not in str(exported)


def test_redaction_is_the_only_update_the_trigger_allows(alice):
    event = record(alice.tenant, end_user_id="u1", target_id="t1")
    events = AuditEvent.unscoped.filter(pk=event.pk)
    for change in ({"end_user_id": "u9"}, {"status_code": 200}, {"hash": "0" * 64},
                   {"end_user_ref": ""}, {"action": "x"}):  # fmt: skip
        with pytest.raises(DatabaseError), transaction.atomic():
            events.update(redacted=True, **change)
    with pytest.raises(DatabaseError), transaction.atomic():
        events.update(end_user_id="")  # a redaction says so
    assert events.update(end_user_id="", redacted=True) == 1
    assert events.get().target_id == "t1" and chain_verify(tenant_id=alice.tenant.pk).ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_of_one_tenant_form_one_chain(alice, charlie):
    errors: list[BaseException] = []

    def append(tenant, n: int) -> None:
        try:
            for i in range(n):
                record(tenant, request_id=f"{threading.get_ident()}-{i}")
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=append, args=(t, 25))
               for t in (alice.tenant,) * 6 + (charlie.tenant,) * 2]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for tenant, expected in ((alice.tenant, 150), (charlie.tenant, 50)):
        result = chain_verify(tenant_id=tenant.pk)
        assert result.ok and result.events_checked == expected
        hashes = [e.prev_hash for e in chain(tenant)]
        assert len(set(hashes)) == expected  # no two events claim the same predecessor


@pytest.mark.django_db(transaction=True)
def test_concurrent_api_requests_form_one_chain(alice, charlie):
    statuses: list[int] = []

    def requests(actor, n: int) -> None:
        try:
            client = actor.client()
            statuses.extend(client.get("/v1/admin/keys").status_code for _ in range(n))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=requests, args=(a, 10))
               for a in (alice,) * 4 + (charlie,) * 2]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 60
    answer = alice.client().get(VERIFY).json()  # verifying is a read: not audited itself
    assert answer["status"] == "ok" and answer["events_checked"] == 40
    assert charlie.client().get(VERIFY).json() == {
        "status": "ok", "tenant": "globex", "events_checked": 20, "first_break": None,
    }  # fmt: skip
