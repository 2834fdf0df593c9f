from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from tests.audit.helpers import record

PAGE = "/admin/audit/auditevent/"


@pytest.fixture
def operator(db) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("op", "", "pw"))
    return client


def test_console_shows_the_chain_read_only_and_verifies_it(operator, alice, charlie):
    events = [record(alice.tenant, end_user_id="u1") for _ in range(3)]
    record(charlie.tenant)
    page = operator.get(PAGE).content.decode()
    assert events[0].hash[:12] in page and "Verify the hash chain" in page
    assert operator.get(f"{PAGE}add/").status_code == 403
    assert operator.post(f"{PAGE}{events[0].pk}/delete/").status_code == 403

    def verify(pk: int) -> str:
        body = {"action": "verify_chain", "_selected_action": [pk]}
        return operator.post(PAGE, body, follow=True).content.decode()

    assert "Audit chain of acme: ok, 3 events checked" in verify(events[0].pk)
    with connection.cursor() as cursor:  # an attacker with database access
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [events[2].pk])
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    assert f"Audit chain of acme: BROKEN at event {events[2].pk}" in verify(events[0].pk)
