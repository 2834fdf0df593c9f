"""The connectors against real servers on loopback: test (a session), browse, generate."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from apps.core.tenancy import tenant_scope
from apps.wiki.connector_models import ConnectorSession
from tests.wiki.connectors.conftest import (
    ACCESS,
    SECRET,
    SFTP_PASSWORD,
    SFTP_USER,
    TREE,
    s3_bucket,
    write_tree,
)  # fmt: skip
from tests.wiki.connectors.helpers import record_job_start

pytestmark = pytest.mark.django_db
FILES = sorted(TREE)


def _test(actor, type_: str, config: dict) -> dict:
    r = actor.client().post("/v1/wiki/connectors/test", {"type": type_, "config": config},
                            format="json")  # fmt: skip
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["success"] is True and body["metadata"]["files_count"] == len(TREE)
    return body


def _browse(actor, connector_id: str, path: str = "/") -> dict:
    r = actor.client().post("/v1/wiki/connectors/browse",
                            {"connector_id": connector_id, "path": path}, format="json")  # fmt: skip
    assert r.status_code == 200, r.json()
    return r.json()


def _generate(actor, connector_id: str, monkeypatch) -> tuple[dict, list]:
    recorder = record_job_start(monkeypatch)
    r = actor.client().post("/v1/wiki/connectors/generate", {"connector_id": connector_id},
                            format="json")  # fmt: skip
    assert r.status_code == 202, r.json()
    return r.json(), recorder.calls


def test_types_are_listed_with_their_fields(alice):
    body = alice.client().get("/v1/wiki/connectors").json()
    kinds = {c["type"]: c for c in body["connectors"]}
    assert list(kinds) == ["local", "git", "s3", "webdav", "sftp", "oss", "cos", "obs"]
    assert kinds["oss"]["name"] == "Alibaba Cloud OSS"
    assert kinds["local"]["fields"][0]["name"] == "path" and not kinds["local"]["auth_required"]
    assert kinds["s3"]["auth_required"] is True
    assert kinds["cos"]["endpoint_template"] == "https://cos.{region}.myqcloud.com"


def test_s3_test_browse_generate(alice, s3_server, wiki_settings, monkeypatch):
    s3_bucket(s3_server, "repo-a", prefix="proj/")
    config = {"endpoint": s3_server, "bucket": "repo-a", "prefix": "proj", "region": "us-east-1",
              "access_key": ACCESS, "secret_key": SECRET}  # fmt: skip
    session = _test(alice, "s3", config)["connector_id"]
    top = _browse(alice, session)
    assert [(e["name"], e["type"]) for e in top["entries"]] == [("src", "directory"),
                                                                 ("README.md", "file")]  # fmt: skip
    sub = _browse(alice, session, "/src")
    assert sub["path"] == "/src" and {"name": "app.py", "path": "/src/app.py", "type": "file",
                                      "size": len(TREE["src/app.py"])} in sub["entries"]  # fmt: skip
    body, calls = _generate(alice, session, monkeypatch)
    assert body["job_id"] == "wiki-test" and body["fetched"]["files"] == len(TREE)
    assert calls[0]["files"] == FILES and calls[0]["tenant"] == alice.tenant
    assert Path(calls[0]["repo_path"]).is_relative_to(wiki_settings.parent / "work")


def test_s3_wrong_secret_is_a_502_without_the_secret(alice, s3_server, wiki_settings):
    s3_bucket(s3_server, "repo-b")
    r = alice.client().post("/v1/wiki/connectors/test", {"type": "s3", "config": {
        "endpoint": s3_server, "bucket": "missing-bucket", "access_key": ACCESS,
        "secret_key": "wrong-secret-abcd"}}, format="json")  # fmt: skip
    assert r.status_code in (404, 502) and "wrong-secret" not in r.content.decode()
    assert ConnectorSession.unscoped.count() == 0


def test_webdav(alice, webdav_server, wiki_settings, monkeypatch):
    config = {"url": webdav_server, "username": "davuser", "password": "dav-password-9012"}
    session = _test(alice, "webdav", config)["connector_id"]
    assert {e["name"] for e in _browse(alice, session)["entries"]} == {"README.md", "src"}
    _, calls = _generate(alice, session, monkeypatch)
    assert calls[0]["files"] == FILES
    r = alice.client().post("/v1/wiki/connectors/test", {"type": "webdav", "config": {
        **config, "password": "wrong"}}, format="json")  # fmt: skip
    assert r.status_code == 502 and r.json()["error"]["code"] == "wiki_connector_unreachable"


@pytest.mark.parametrize("auth", ["password", "private_key"])
def test_sftp(alice, sftp_server, wiki_settings, monkeypatch, auth):
    secret = {"password": SFTP_PASSWORD} if auth == "password" else {
        "private_key": sftp_server["private_key"]}  # fmt: skip
    config = {"host": "127.0.0.1", "port": sftp_server["port"], "username": SFTP_USER, **secret}
    session = _test(alice, "sftp", config)["connector_id"]
    assert {e["name"] for e in _browse(alice, session)["entries"]} == {"README.md", "src"}
    _, calls = _generate(alice, session, monkeypatch)
    assert calls[0]["files"] == FILES


def test_git_clone_from_a_bare_repository(alice, git_repo, monkeypatch):
    session = _test(alice, "git", {"url": git_repo, "branch": "main"})["connector_id"]
    assert {e["name"] for e in _browse(alice, session)["entries"]} == {"README.md", "src"}
    _, calls = _generate(alice, session, monkeypatch)
    assert calls[0]["files"] == FILES  # no .git directory
    r = alice.client().post("/v1/wiki/connectors/test", {"type": "git", "config": {
        "url": git_repo, "branch": "no-such-branch"}}, format="json")  # fmt: skip
    assert r.status_code == 502 and r.json()["error"]["code"] == "wiki_connector_unreachable"


def test_git_file_url_outside_the_roots_is_refused(alice, wiki_settings):
    r = alice.client().post("/v1/wiki/connectors/test", {"type": "git", "config": {
        "url": "file:///etc"}}, format="json")  # fmt: skip
    assert r.status_code == 403 and r.json()["error"]["code"] == "wiki_connector_path_refused"


def test_local_under_a_root_and_nothing_outside(alice, wiki_settings, tmp_path, monkeypatch):
    repo = write_tree(wiki_settings / "repo")
    outside = write_tree(tmp_path / "outside", {"secret.txt": b"server file"})
    (repo / "link").symlink_to(outside)
    (repo / "leak.txt").symlink_to(outside / "secret.txt")
    session = _test(alice, "local", {"path": str(repo)})["connector_id"]
    names = {e["name"] for e in _browse(alice, session)["entries"]}
    assert names == {"README.md", "src"}  # symlinks are not listed
    for path in ("/../outside", "/link"):
        r = alice.client().post("/v1/wiki/connectors/browse",
                                {"connector_id": session, "path": path}, format="json")  # fmt: skip
        assert r.status_code == 400 and r.json()["error"]["code"] == "wiki_connector_path_refused"
    _, calls = _generate(alice, session, monkeypatch)
    assert calls[0]["files"] == FILES
    for path in (str(outside), str(wiki_settings / ".." / "outside"), str(repo / "link")):
        r = alice.client().post("/v1/wiki/connectors/test",
                                {"type": "local", "config": {"path": path}}, format="json")  # fmt: skip
        assert r.status_code == 403 and r.json()["error"]["code"] == "wiki_connector_path_refused"


def test_a_session_expires(alice, wiki_settings):
    write_tree(wiki_settings / "repo")
    body = _test(alice, "local", {"path": str(wiki_settings / "repo")})
    assert body["expires_in"] == 3600
    with tenant_scope(alice.tenant.pk):
        session = ConnectorSession.objects.get(pk=body["connector_id"])
        left = session.expires_at - timezone.now()
        assert timedelta(minutes=59) < left <= timedelta(hours=1)
        session.expires_at = timezone.now() - timedelta(seconds=1)
        session.save()
    r = alice.client().post("/v1/wiki/connectors/browse",
                            {"connector_id": body["connector_id"]}, format="json")  # fmt: skip
    assert r.status_code == 404 and r.json()["error"]["code"] == "wiki_connector_session_expired"


def test_fetch_bounds_refuse_the_tree_and_leave_nothing(
    alice, wiki_settings, settings, monkeypatch
):
    write_tree(wiki_settings / "repo")
    session = _test(alice, "local", {"path": str(wiki_settings / "repo")})["connector_id"]
    recorder = record_job_start(monkeypatch)
    for name, value in (("WIKI_FETCH_MAX_FILES", 2), ("WIKI_FETCH_MAX_BYTES", 20)):
        setattr(settings, name, value)  # the settings fixture restores both
        r = alice.client().post(
            "/v1/wiki/connectors/generate", {"connector_id": session}, format="json"
        )
        assert r.status_code == 413 and r.json()["error"]["code"] == "wiki_connector_tree_too_large"
        setattr(settings, name, 10**9)
    assert recorder.calls == []
    work = wiki_settings.parent / "work"
    assert not work.exists() or not any(p.is_file() for p in work.rglob("*"))


@pytest.mark.parametrize("kind,config", [
    ("s3", {"endpoint": "http://127.0.0.1:9", "bucket": "b", "access_key": "a", "secret_key": "s"}),
    ("oss", {"endpoint": "http://169.254.169.254", "bucket": "b", "access_key": "a",
             "secret_key": "s"}),
    ("webdav", {"url": "http://localhost:8080/dav"}),
    ("cos", {"bucket": "b", "region": "ap-guangzhou", "endpoint": "http://0.0.0.0:80", "access_key": "a", "secret_key": "s"}),
    ("webdav", {"url": "http://10.0.0.5/dav"}),
    ("sftp", {"host": "192.168.1.1", "username": "u", "password": "p"}),
    ("git", {"url": "http://[::1]/repo.git"}),
])  # fmt: skip
def test_private_addresses_are_refused_by_default(alice, settings, kind, config):
    settings.WIKI_CONNECTORS_ALLOW_PRIVATE = False
    r = alice.client().post("/v1/wiki/connectors/test", {"type": kind, "config": config},
                            format="json")  # fmt: skip
    assert r.status_code == 403 and r.json()["error"]["code"] == "wiki_connector_address_refused"


@pytest.mark.parametrize("body,code", [
    ({"type": "ftp", "config": {}}, "invalid"),
    ({"type": "s3", "config": {"bucket": "b"}}, "wiki_connector_config_invalid"),
    ({"type": "local", "config": {"path": "/x", "extra": 1}}, "wiki_connector_config_invalid"),
    ({"type": "sftp", "config": {"host": "h", "username": "u"}}, "wiki_connector_config_invalid"),
    ({"type": "sftp", "config": {"host": "h", "username": "u", "password": "p", "port": "22"}},
     "wiki_connector_config_invalid"),
    ({"type": "local", "config": "path"}, "invalid"),
    ({"type": "local"}, "invalid"),
    ({"type": "local", "config": {"path": None}}, "wiki_connector_config_invalid"),
    ({"type": "s3", "config": {"bucket": "b", "access_key": "a", "secret_key": "s",
                               "region": "../x"}}, "wiki_connector_config_invalid"),
    ({"type": "webdav", "config": {"url": "ftp://host/dav"}}, "wiki_connector_config_invalid"),
    ({"type": "git", "config": {"url": "https://user@host/r.git"}}, "wiki_connector_config_invalid"),
    ({"type": "webdav", "config": {"url": "http://h:70000/"}}, "wiki_connector_config_invalid"),
    ({"type": "local", "config": {"path": "/x"}, "connector_id": str(uuid.uuid4())}, "invalid"),
])  # fmt: skip
def test_bad_input_is_a_clear_400(alice, wiki_settings, body, code):
    r = alice.client().post("/v1/wiki/connectors/test", body, format="json")
    assert r.status_code == 400
    assert code in r.content.decode()
    assert ConnectorSession.unscoped.count() == 0


def test_local_is_refused_without_roots(alice, settings, tmp_path):
    settings.WIKI_ALLOWED_ROOTS = []
    r = alice.client().post("/v1/wiki/connectors/test", {"type": "local", "config": {
        "path": str(tmp_path)}}, format="json")  # fmt: skip
    assert r.status_code == 403 and r.json()["error"]["code"] == "wiki_connector_path_refused"


def test_a_remote_key_with_dot_dot_cannot_leave_the_working_dir(alice, s3_server, wiki_settings,
                                                                 monkeypatch):  # fmt: skip
    s3_bucket(s3_server, "evil-repo", {"ok.py": b"x\n", "a/../../../escaped.txt": b"owned\n"})
    config = {"endpoint": s3_server, "bucket": "evil-repo", "access_key": ACCESS,
              "secret_key": SECRET}  # fmt: skip
    r = alice.client().post("/v1/wiki/connectors/test", {"type": "s3", "config": config},
                            format="json")  # fmt: skip
    session = r.json()["connector_id"]
    recorder = record_job_start(monkeypatch)
    r = alice.client().post("/v1/wiki/connectors/generate", {"connector_id": session},
                            format="json")  # fmt: skip
    assert r.status_code == 400 and r.json()["error"]["code"] == "wiki_connector_unsafe_path"
    assert recorder.calls == []
    tmp = wiki_settings.parent
    assert not list(tmp.rglob("escaped.txt"))


def test_an_unresolvable_host_is_a_404(alice, settings):
    settings.WIKI_CONNECTORS_ALLOW_PRIVATE = False
    r = alice.client().post("/v1/wiki/connectors/test", {"type": "webdav", "config": {
        "url": "http://no-such-host.invalid/dav"}}, format="json")  # fmt: skip
    assert r.status_code == 404 and r.json()["error"]["code"] == "wiki_connector_host_not_found"
