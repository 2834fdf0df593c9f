from __future__ import annotations

import io
import zipfile

from apps.core.tenancy import tenant_scope
from apps.memories.models import Message
from apps.privacy.export import export_build
from apps.privacy.models import PrivacyRequest
from tests.console.staff import console_client, console_events

START = "/admin/privacy/privacyrequest/start/"


def _messages(alice, user_id: str) -> int:
    with tenant_scope(alice.tenant.pk):
        return Message.objects.filter(user_id=user_id).count()


def _add(alice, user_id: str, text: str) -> None:
    body = {"user_id": user_id, "messages": text, "infer": False}
    response = alice.client().post("/v1/memory/add", body, format="json")
    assert response.status_code == 200, response.content


def test_compliance_erases_a_user_and_reads_the_receipt(alice):
    _add(alice, "u-erase", "I keep bees in Lyon")
    assert _messages(alice, "u-erase") >= 1
    carol = console_client("carol", groups=("compliance",))
    assert carol.get(START).status_code == 200
    body = {"tenant": alice.tenant.pk, "user_id": "u-erase", "kind": "erasure"}
    response = carol.post(START, body, follow=True)
    assert response.status_code == 200
    request = PrivacyRequest.unscoped.get(tenant=alice.tenant, kind="erasure")
    html = response.content.decode()
    assert request.status == "done" and request.receipt_hash in html and "messages" in html
    assert "u-erase" not in html  # the receipt names the subject by its hash only
    assert _messages(alice, "u-erase") == 0
    [event] = console_events(tenant_id=alice.tenant.pk, username="carol")
    assert event.action == "console.add" and event.target_id == str(request.pk)


def test_an_operator_and_support_cannot_start_an_erasure(alice):
    _add(alice, "u-keep", "I keep bees in Lyon")
    body = {"tenant": alice.tenant.pk, "user_id": "u-keep", "kind": "erasure"}
    for name, group in (("otto", "operator"), ("sue", "support")):
        client = console_client(name, groups=(group,))
        assert client.get(START).status_code == 403
        assert client.post(START, body).status_code == 403
    assert _messages(alice, "u-keep") >= 1
    assert not PrivacyRequest.unscoped.filter(tenant=alice.tenant).exists()


def test_a_bad_start_form_is_refused_and_writes_nothing(alice):
    carol = console_client("carol", groups=("compliance",))
    response = carol.post(START, {"tenant": 999999, "user_id": "", "kind": "nuke"})
    assert response.status_code == 200 and b"errorlist" in response.content
    assert not PrivacyRequest.unscoped.exists()


def test_compliance_starts_an_export_and_downloads_it(alice, settings, tmp_path):
    settings.GDPR_EXPORT_DIR = str(tmp_path)
    _add(alice, "u-export", "My cat is called Zebulon")
    carol = console_client("carol", groups=("compliance",))
    body = {"tenant": alice.tenant.pk, "user_id": "u-export", "kind": "export"}
    assert carol.post(START, body).status_code == 302
    request = PrivacyRequest.unscoped.get(tenant=alice.tenant, kind="export")
    assert request.status == "queued"
    with tenant_scope(alice.tenant.pk):  # what the worker's task runs
        export_build(request_id=str(request.pk))
    page = carol.get(f"/admin/privacy/privacyrequest/{request.pk}/change/").content.decode()
    url = f"/admin/privacy/privacyrequest/{request.pk}/download/"
    assert url in page
    download = carol.get(url)
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert "Zebulon" in archive.read("messages.jsonl").decode()
    support = console_client("sue", groups=("support",))
    assert support.get(url).status_code == 403  # an export holds memory text


def test_consents_list_and_filter(alice):
    response = alice.client().post(
        "/v1/security/gdpr/consent",
        {"user_id": "u-consent", "purpose": "memory", "granted": True, "policy_version": "v1"},
        format="json",
    )
    assert response.status_code in (200, 201), response.content
    support = console_client("sue", groups=("support",))
    page = support.get("/admin/privacy/consent/?granted__exact=1").content.decode()
    assert "u-consent" in page
