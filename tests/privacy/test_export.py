"""GDPR export: inline in the reference shape for a small user, 413 `export_too_large` above
the setting; as a job, a zip with a manifest whose hashes match its files, progress, and a
download that needs a security key of the tenant and expires."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.memories import registry
from apps.privacy import tasks
from apps.privacy.models import PrivacyRequest
from tests.privacy.data import fill, person, post

EXPORT = "/v1/security/gdpr/export"


@pytest.fixture
def built_now(monkeypatch):
    """The export task run in the test's transaction instead of queued for a worker."""
    monkeypatch.setattr(tasks.export_build_task, "delay",
                        lambda **kwargs: tasks.export_build_task(**kwargs))  # fmt: skip


@pytest.fixture
def exports_dir(settings, tmp_path):
    settings.GDPR_EXPORT_DIR = str(tmp_path)
    return tmp_path


def test_a_small_user_is_exported_inline_with_every_collection(alice):
    who = person()
    fill(alice, who)
    body = post(alice, EXPORT, {"user_id": who.user_id})
    assert body["status"] == "ok"
    export = body["export"]
    assert set(export) == {e.name for e in registry.user_data_list()}
    assert any(who.marker in m["content"] for m in export["messages"])
    assert any(who.marker.lower() in m["value"].lower() for m in export["memories"])
    assert any(v["event"] == "UPDATE" for v in export["versions"])
    assert export["consents"][0]["purpose"] == "memory"
    assert export["faq_events"] and export["segments"] and export["profile"]
    assert export["import_stages"][0]["rows"][0]["value"] == f"Imported {who.marker}"
    assert export["audit_events"]  # the adds made for them


def test_an_unknown_user_exports_empty_collections(alice):
    body = post(alice, EXPORT, {"user_id": "nobody"})
    assert body["status"] == "ok"
    assert body["export"]["memories"] == [] and body["export"]["messages"] == []


def test_a_user_above_the_inline_limit_is_told_to_use_async(alice, settings):
    who = person()
    fill(alice, who)
    settings.GDPR_INLINE_EXPORT_MAX_ROWS = 3
    response = alice.client().post(EXPORT, {"user_id": who.user_id}, format="json")
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "export_too_large" and '"async": true' in error["message"]
    assert error["details"]["limit"] == 3


def test_async_export_writes_a_zip_whose_manifest_matches_its_files(
    alice, built_now, exports_dir, django_capture_on_commit_callbacks
):
    who = person()
    fill(alice, who)
    with django_capture_on_commit_callbacks(execute=True):
        accepted = post(alice, EXPORT, {"user_id": who.user_id, "async": True}, status=202)
    assert accepted["status"] == "accepted" and accepted["job_id"]
    status = alice.client().get(accepted["status_url"]).json()
    assert status["status"] == "done"
    assert status["job"]["status"] == "done" and status["job"]["percent"] == 100.0
    job = alice.client().get(f"/v1/jobs/{accepted['job_id']}").json()
    assert job["kind"] == "gdpr_export" and job["done"] == job["total"] > 0

    download = alice.client().get(status["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    data = b"".join(download.streaming_content)
    assert hashlib.sha256(data).hexdigest() == status["file_sha256"]
    archive = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["schema_version"] == 1 and manifest["user_id"] == who.user_id
    assert manifest["tenant"] == alice.tenant.slug and manifest["exported_at"]
    names = {e.name for e in registry.user_data_list()}
    assert set(manifest["counts"]) == names
    assert {f["file"] for f in manifest["files"]} == {f"{n}.jsonl" for n in names} | {"README.txt"}
    for entry in manifest["files"]:
        content = archive.read(entry["file"])
        assert hashlib.sha256(content).hexdigest() == entry["sha256"], entry["file"]
        if entry["rows"] is not None:
            lines = content.decode().splitlines()
            assert len(lines) == entry["rows"] == manifest["counts"][entry["file"][:-6]]
            assert all(isinstance(json.loads(line), dict) for line in lines)
    assert who.marker in archive.read("messages.jsonl").decode()
    assert manifest["counts"]["memories"] == status["counts"]["memories"] > 0


def test_the_download_needs_a_security_key_of_the_tenant_and_expires(
    alice, bob, charlie, anon, built_now, exports_dir, django_capture_on_commit_callbacks
):
    who = person()
    fill(alice, who)
    with django_capture_on_commit_callbacks(execute=True):
        accepted = post(alice, EXPORT, {"user_id": who.user_id, "async": True}, status=202)
    url = f"/v1/security/gdpr/requests/{accepted['request_id']}/download"
    assert alice.client().get(url).status_code == 200
    assert anon.get(url).status_code == 401
    assert bob.client().get(url).status_code == 403  # memory scope only
    assert charlie.client().get(url).status_code == 404  # another tenant

    request = PrivacyRequest.unscoped.get(pk=accepted["request_id"])
    PrivacyRequest.unscoped.filter(pk=request.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    expired = alice.client().get(url)
    assert expired.status_code == 410
    assert expired.json()["error"]["code"] == "export_expired"
    assert not list(exports_dir.rglob("*.zip"))  # removed with its expiry


def test_erasing_the_user_removes_their_exports_and_files(
    alice, built_now, exports_dir, django_capture_on_commit_callbacks
):
    who = person()
    fill(alice, who)
    with django_capture_on_commit_callbacks(execute=True):
        accepted = post(alice, EXPORT, {"user_id": who.user_id, "async": True}, status=202)
    assert list(exports_dir.rglob("*.zip"))
    body = post(alice, "/v1/security/gdpr/delete", {"user_id": who.user_id})
    assert body["receipt"]["counts"]["export_requests"] == 1
    assert not list(exports_dir.rglob("*.zip"))
    assert alice.client().get(accepted["status_url"]).status_code == 404


@pytest.mark.parametrize("body", [
    {}, {"user_id": ""}, {"user_id": None}, {"user_id": "u", "async": "true"}, "u1",
])  # fmt: skip
def test_bad_input_is_a_400_in_the_envelope(alice, body):
    response = alice.client().post(EXPORT, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"]


def test_an_unknown_request_is_404(alice):
    response = alice.client().get("/v1/security/gdpr/requests/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "privacy_request_not_found"


def test_an_export_finishing_after_the_users_erasure_leaves_no_file(
    alice, exports_dir, monkeypatch
):
    from apps.core.tenancy import tenant_scope
    from apps.privacy import export

    who = person()
    fill(alice, who)
    with tenant_scope(alice.tenant.pk):
        request = export.export_start(tenant=alice.tenant, user_id=who.user_id, key=alice.key)
        collections = export.user_data_list()

        def erased_midway():  # the erasure lands while the worker writes the zip
            PrivacyRequest.objects.filter(pk=request.pk).delete()
            return collections

        monkeypatch.setattr(export, "user_data_list", erased_midway)
        export.export_build(request_id=str(request.pk))
    assert not list(exports_dir.rglob("*.zip"))


def test_expired_zips_are_removed_by_the_periodic_task(
    alice, built_now, exports_dir, django_capture_on_commit_callbacks
):
    who = person()
    fill(alice, who)
    with django_capture_on_commit_callbacks(execute=True):
        fresh = post(alice, EXPORT, {"user_id": who.user_id, "async": True}, status=202)
        old = post(alice, EXPORT, {"user_id": who.user_id, "async": True}, status=202)
    PrivacyRequest.unscoped.filter(pk=old["request_id"]).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert tasks.expire_exports() == 1
    assert [p.stem for p in exports_dir.rglob("*.zip")] == [fresh["request_id"]]
    expired = alice.client().get(f"/v1/security/gdpr/requests/{old['request_id']}/download")
    assert expired.status_code == 410
    assert (
        alice.client().get(f"/v1/security/gdpr/requests/{fresh['request_id']}/download").status_code
        == 200
    )
