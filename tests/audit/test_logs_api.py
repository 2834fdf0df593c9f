from __future__ import annotations

from datetime import timedelta

import pytest

from apps.audit.models import AuditEvent
from tests.audit.helpers import record

LOGS = "/v1/security/audit/logs"
STATS = "/v1/security/audit/stats"


def logs(actor, **body):
    response = actor.client().post(LOGS, body, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def ids(answer) -> list[int]:
    return [e["id"] for e in answer["events"]]


@pytest.fixture
def known(alice, charlie):
    """Tenant A's events, oldest first: two adds of u1, a refused add of u2 by another key, a
    delete that found nothing, an admin read; and one of tenant B."""
    t = alice.tenant
    events = [
        record(t, api_key_id=alice.key.pk, end_user_id="u1", client_ip="10.0.0.1"),
        record(t, api_key_id=alice.key.pk, end_user_id="u1"),
        record(t, api_key_id=999, end_user_id="u2", status_code=403),
        record(t, api_key_id=alice.key.pk, action="DELETE /v1/memories/<str:memory_id>",
               status_code=404, target_type="memory", target_id="m-1"),
        record(t, api_key_id=alice.key.pk, action="GET /v1/admin/keys", status_code=200),
    ]  # fmt: skip
    record(charlie.tenant, end_user_id="u1")
    return events


def test_logs_are_newest_first_in_the_reference_shape(alice, known):
    answer = logs(alice)
    assert answer["status"] == "ok" and answer["count"] == 5 and answer["next_cursor"] is None
    assert ids(answer) == [e.pk for e in reversed(known)]
    first = answer["events"][-1]
    assert first["user_id"] == "u1" and first["client_ip"] == "10.0.0.1"
    assert first["action"] == "POST /v1/memory/add" and first["status_code"] == 201
    assert first["hash"] == known[0].hash and first["redacted"] is False


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"user_id": "u1"}, [1, 0]),
        ({"user_id": "nobody"}, []),
        ({"action": "GET /v1/admin/keys"}, [4]),
        ({"api_key_id": 999}, [2]),
        ({"status": "404"}, [3]),
        ({"status": "4xx"}, [3, 2]),
        ({"status": "2xx", "user_id": "u1"}, [1, 0]),
    ],
)
def test_each_filter(alice, known, body, expected):
    assert ids(logs(alice, **body)) == [known[i].pk for i in expected]


def test_time_range_is_start_inclusive_end_exclusive(alice, known):
    middle = known[2].created_at.isoformat()
    assert ids(logs(alice, start_time=middle)) == [e.pk for e in reversed(known[2:])]
    assert ids(logs(alice, end_time=middle)) == [known[1].pk, known[0].pk]
    later = (known[2].created_at + timedelta(microseconds=1)).isoformat()
    assert ids(logs(alice, start_time=middle, end_time=later)) == [known[2].pk]
    assert logs(alice, start_time=later, end_time=middle)["events"] == []  # as search does


def test_cursor_pages_are_stable_under_inserts(alice, known):
    page1 = logs(alice, limit=2)
    assert ids(page1) == [known[4].pk, known[3].pk] and page1["next_cursor"]
    newer = [record(alice.tenant) for _ in range(3)]  # arrive while the client pages
    page2 = logs(alice, limit=2, cursor=page1["next_cursor"])
    assert ids(page2) == [known[2].pk, known[1].pk]
    page3 = logs(alice, limit=2, cursor=page2["next_cursor"])
    assert ids(page3) == [known[0].pk] and page3["next_cursor"] is None
    assert ids(logs(alice, limit=3))[0] == newer[-1].pk  # a fresh query sees them first


def test_offset_pages(alice, known):
    assert ids(logs(alice, limit=2, offset=2)) == [known[2].pk, known[1].pk]
    assert logs(alice, offset=50)["events"] == []


def test_redacted_events_keep_the_fact_without_the_user(alice, known):
    from apps.audit.services import audit_user_redact

    audit_user_redact(tenant_id=alice.tenant.pk, user_id="u1")
    answer = logs(alice, user_id="u1")
    assert ids(answer) == [known[1].pk, known[0].pk]
    assert {(e["user_id"], e["redacted"]) for e in answer["events"]} == {("", True)}


def test_the_query_itself_is_not_audited(alice, known):
    logs(alice)
    alice.client().get(STATS)
    assert AuditEvent.unscoped.filter(tenant=alice.tenant).count() == 5


@pytest.mark.parametrize(
    "body",
    [
        {"start_time": "yesterday"},
        {"start_time": 1700000000},
        {"limit": 0},
        {"limit": 1000},
        {"limit": "10"},
        {"status": "abc"},
        {"status": "6xx"},
        {"status": "4x"},
        {"status": "4040"},
        {"status": ""},
        {"status": " 404"},
        {"status": 404},
        {"cursor": "abc"},
        {"cursor": "0"},
        {"cursor": "99999999999999999999"},
        {"cursor": "5", "offset": 0},
        {"offset": -1},
        {"user_id": 5},
        {"api_key_id": "x"},
    ],
)
def test_bad_input_is_a_400_envelope(alice, known, body):
    response = alice.client().post(LOGS, body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_input"


def test_security_scope_is_required(bob, known):
    for response in (bob.client().post(LOGS, {}, format="json"), bob.client().get(STATS),
                     bob.client().get("/v1/security/audit/verify")):  # fmt: skip
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "missing_scope"


def test_stats_count_the_known_events(alice, known):
    answer = alice.client().get(STATS).json()
    assert answer["status"] == "ok" and answer["total_events"] == 5
    assert answer["by_action"] == {
        "POST /v1/memory/add": 3, "DELETE /v1/memories/<str:memory_id>": 1,
        "GET /v1/admin/keys": 1,
    }  # fmt: skip
    assert answer["by_status"] == {"201": 2, "200": 1, "403": 1, "404": 1}
    assert len(answer["by_day"]) == 30 and answer["days"] == 30
    today = known[0].created_at.date().isoformat()
    assert answer["by_day"][-1] == {"day": today, "count": 5}
    assert sum(d["count"] for d in answer["by_day"]) == 5


def test_stats_days_window(alice, known):
    answer = alice.client().get(STATS, {"days": 1}).json()
    assert answer["total_events"] == 5 and len(answer["by_day"]) == 1
    for bad in ("0", "367", "abc", "1.5"):
        response = alice.client().get(STATS, {"days": bad})
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_input"
