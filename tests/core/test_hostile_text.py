"""Text the platform cannot hold (a lone UTF-16 surrogate, NUL) is refused once, at the JSON
parser, for every endpoint; and an audit row that cannot be written as asked never turns a
change already made into an error, nor goes missing."""

from __future__ import annotations

import json

import pytest
from django.db import DataError
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

from apps.audit.models import AuditEvent
from apps.core.parsers import SafeJSONParser
from apps.core.tenancy import tenant_scope
from apps.jobs.models import Job
from apps.memories.models import Memory, Message
from tests.memories.factories import make_memories

LONE = "\ud800"  # JSON allows "\ud800"; it is no Unicode character and UTF-8 cannot encode it
MSG = [{"role": "user", "content": "I live in Lisbon"}]

# Every path that stores a user's text, with a body that is valid but for one field.
ADD_PATHS = {
    "memory add": ("/v1/memory/add", {"user_id": "u1", "messages": MSG, "infer": False}),
    "mem0 add": ("/v3/memories/add/", {"user_id": "u1", "messages": MSG, "infer": False}),
    "memos add": ("/api/openmem/v1/add/message",
                  {"user_id": "u1", "messages": MSG, "async_mode": False}),
    "memos product add": ("/product/add", {"user_id": "u1", "messages": MSG}),
    "import": ("/v1/memory/manage/import",
               {"user_id": "u1", "memories": [{"memory": "I live in Lisbon"}]}),
    "chat": ("/v1/chat/completions", {"user": "u1", "messages": MSG}),
}  # fmt: skip


def post_raw(actor, path: str, body: dict, **extra):
    # json.dumps escapes the surrogate as \ud800 (what a hostile client sends); the test client's
    # own JSON encoder could not encode it at all.
    return actor.client().post(path, data=json.dumps(body), content_type="application/json",
                               **extra)  # fmt: skip


def stored(tenant) -> tuple[int, int, int]:
    with tenant_scope(tenant.pk):
        return Memory.objects.count(), Message.objects.count(), Job.objects.count()


def assert_refused(response, code: str) -> None:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["type"] == "BadRequest"
    assert error["code"] == code


@pytest.mark.parametrize("name", ADD_PATHS)
@pytest.mark.parametrize("field", ["user_id", "content"])
def test_a_lone_surrogate_is_400_and_stores_nothing(alice, name, field):
    path, body = ADD_PATHS[name]
    body = json.loads(json.dumps(body))
    if field == "content":
        if name == "import":
            body["memories"][0]["memory"] = f"I live in {LONE}"
        else:
            body["messages"][0]["content"] = f"I live in {LONE}"
    else:
        body["user" if name == "chat" else "user_id"] = f"u{LONE}"
    response = post_raw(alice, path, body)
    assert_refused(response, "invalid_unicode")
    assert stored(alice.tenant) == (0, 0, 0)


def test_surrogates_in_keys_and_deep_values_are_refused_too(alice):
    for body in ({"user_id": "u1", "messages": MSG, "metadata": {LONE: 1}},
                 {"user_id": "u1", "messages": MSG, "metadata": {"a": [[{"b": LONE}]]}}):  # fmt: skip
        assert_refused(post_raw(alice, "/v1/memory/add", body), "invalid_unicode")
    assert stored(alice.tenant) == (0, 0, 0)


def test_a_valid_surrogate_pair_is_an_ordinary_character(alice):
    body = {"user_id": "u1", "messages": [{"role": "user", "content": "I love 🍓"}], "infer": False}
    response = alice.client().post(
        "/v1/memory/add", data=json.dumps(body), content_type="application/json"
    )  # json.dumps writes the emoji as the pair \ud83c\udf53
    assert response.status_code == 200, response.content
    with tenant_scope(alice.tenant.pk):
        assert Memory.objects.get().value == "I love 🍓"


def test_nul_is_refused_with_its_own_code(alice):
    body = {"user_id": "u\x001", "messages": MSG}
    assert_refused(post_raw(alice, "/v1/memory/add", body), "nul_character")
    assert stored(alice.tenant) == (0, 0, 0)


def test_a_surrogate_sent_as_utf8_bytes_is_malformed_json(alice):
    body = b'{"user_id": "u\xed\xa0\x80", "messages": "hi"}'  # what UTF-8 of U+D800 would be
    response = alice.client().post("/v1/memory/add", data=body, content_type="application/json")
    assert response.status_code == 400
    assert stored(alice.tenant) == (0, 0, 0)


def test_query_strings_cannot_carry_a_surrogate(alice):
    make_memories(alice.tenant, "u1", ["keep me"])
    # Django decodes a query string with errors="replace": the bytes arrive as U+FFFD.
    response = alice.client().get("/v1/memory?user_id=%ED%A0%80")
    assert response.status_code == 200 and response.json()["results"] == []
    response = alice.client().delete("/v1/memory?user_id=%ED%A0%80")
    assert response.status_code < 500
    assert stored(alice.tenant)[0] == 1


def test_every_api_view_parses_json_with_the_safe_parser():
    def views(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from views(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                cls = getattr(pattern.callback, "view_class", None) or getattr(
                    pattern.callback, "cls", None
                )
                if cls is not None and issubclass(cls, APIView):
                    yield str(pattern.pattern), cls

    checked = list(views(get_resolver().url_patterns))
    assert len(checked) > 40
    unsafe = [route for route, cls in checked
              if not all(issubclass(p, SafeJSONParser) for p in cls.parser_classes)]  # fmt: skip
    assert not unsafe, f"views parsing bodies without SafeJSONParser: {unsafe}"


# The delete that used to answer 500 after committing, its audit row lost.


def audit_rows(tenant, action: str) -> list[AuditEvent]:
    with tenant_scope(tenant.pk):
        return list(AuditEvent.objects.filter(action=action))


DELETE_ONE = "DELETE /v1/memory/<uuid:memory_id>"


def test_delete_with_a_surrogate_in_its_body_answers_200_and_is_audited(alice):
    [memory] = make_memories(alice.tenant, "u1", ["to delete"])
    response = alice.client().delete(
        f"/v1/memory/{memory.pk}", data=json.dumps({"user_id": LONE}),
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    with tenant_scope(alice.tenant.pk):
        assert Memory.objects.get(pk=memory.pk).status == Memory.Status.DELETED
    [event] = audit_rows(alice.tenant, DELETE_ONE)
    assert event.status_code == 200 and event.target_id == str(memory.pk)


def test_delete_whose_audit_values_are_hostile_answers_200_and_is_audited(alice, settings):
    settings.TRUST_X_FORWARDED_FOR = True
    [memory] = make_memories(alice.tenant, "u1", ["to delete"])
    response = alice.client().delete(
        f"/v1/memory/{memory.pk}",
        HTTP_X_USER_ID=f"u{LONE}\x00x",  # a test client (or a future transport) can send these
        HTTP_X_FORWARDED_FOR="not-an-address",  # inet would refuse it
    )
    assert response.status_code == 200, response.content
    [event] = audit_rows(alice.tenant, DELETE_ONE)
    assert event.status_code == 200
    assert event.end_user_id == "u\ufffdx"
    assert event.client_ip is None


def test_an_audit_insert_that_fails_keeps_the_answer_and_still_leaves_a_row(alice, monkeypatch):
    import apps.core.api

    real = apps.core.api.audit_record
    calls = []

    def flaky(**values):
        calls.append(values)
        if len(calls) == 1:  # the first attempt fails in the database, as a bad value would
            AuditEvent.unscoped.create(tenant_id=alice.tenant.pk, action="x" * 500,
                                       status_code=200)  # fmt: skip
        return real(**values)

    monkeypatch.setattr(apps.core.api, "audit_record", flaky)
    [memory] = make_memories(alice.tenant, "u1", ["to delete"])
    response = alice.client().delete(f"/v1/memory/{memory.pk}", HTTP_X_USER_ID="u1")
    assert response.status_code == 200, response.content
    [event] = audit_rows(alice.tenant, DELETE_ONE)  # the retry, without the request's details
    assert event.status_code == 200 and event.end_user_id == ""
    # The failed insert ran in its own savepoint: the test's transaction is still usable.
    with tenant_scope(alice.tenant.pk):
        assert Memory.objects.get(pk=memory.pk).status == Memory.Status.DELETED


def test_an_audit_that_cannot_be_written_at_all_never_changes_the_answer(alice, monkeypatch):
    import apps.core.api

    def broken(**values):
        raise DataError("simulated")

    monkeypatch.setattr(apps.core.api, "audit_record", broken)
    [memory] = make_memories(alice.tenant, "u1", ["to delete"])
    response = alice.client().delete(f"/v1/memory/{memory.pk}")
    assert response.status_code == 200, response.content
    assert response.json() == {"deleted": 1}
