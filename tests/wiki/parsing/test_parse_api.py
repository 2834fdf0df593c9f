"""POST /v1/wiki/parse: the reference's counts for an allowed local repository, and refusals."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.wiki.fixture_repo import make_repo

URL = "/v1/wiki/parse"


@pytest.fixture
def roots(tmp_path, settings):
    settings.WIKI_ALLOWED_ROOTS = [str(tmp_path / "allowed")]
    (tmp_path / "allowed").mkdir()
    return tmp_path / "allowed"


@pytest.fixture
def repo(roots) -> Path:
    return make_repo(roots / "shop")


def parse(actor, repo_path):
    return actor.client().post(URL, {"repo_path": str(repo_path)}, format="json")


def error_code(response) -> str:
    return response.json()["error"]["code"]


def test_parse_answers_the_reference_counts(alice, repo):
    response = parse(alice, repo)
    assert response.status_code == 200, response.content
    body = response.json()
    counts = ("files", "symbols", "endpoints", "diagnostics", "manifests")
    assert [body[k] for k in counts] == [20, 38, 14, 1, 5]
    assert body["references"] > 40
    assert set(body["languages"]) == {"python", "javascript", "typescript", "tsx", "go", "rust",
                                      "java", "c", "cpp"}  # fmt: skip
    assert body["skipped"] == {"binary": 1, "gitignored": 2, "unsupported": 2, "vendored": 1}
    assert body["truncated"] is False and body["repo_path"] == str(repo)


def test_the_file_limit_truncates_visibly(alice, repo, settings):
    settings.WIKI_MAX_FILES = 4
    body = parse(alice, repo).json()
    assert body["files"] == 4 and body["truncated"] is True and body["skipped"]["limit"] > 0


def test_no_roots_configured_refuses_every_path(alice, repo, settings):
    settings.WIKI_ALLOWED_ROOTS = []
    response = parse(alice, repo)
    assert response.status_code == 403 and error_code(response) == "path_not_allowed"


@pytest.mark.parametrize("escape", ["outside", "dotdot", "symlink"])
def test_paths_cannot_escape_the_allowed_roots(alice, roots, tmp_path, escape):
    outside = make_repo(tmp_path / "outside")
    path = {
        "outside": str(outside),
        "dotdot": f"{roots}/../outside",
        "symlink": str(roots / "link"),
    }[escape]
    os.symlink(outside, roots / "link")
    response = parse(alice, path)
    assert response.status_code == 403 and error_code(response) == "path_not_allowed"


def test_the_servers_own_files_are_refused_even_under_a_root(alice, settings):
    base = Path(django_settings.BASE_DIR).resolve()
    settings.WIKI_ALLOWED_ROOTS = [str(base.parent)]
    for path in (base, base / "apps", base.parent):
        response = parse(alice, path)
        assert response.status_code == 403, path
        assert error_code(response) == "path_not_allowed"


@pytest.mark.parametrize(("body", "code"), [
    ({}, "invalid_input"),
    ({"repo_path": 12}, "invalid_input"),
    ({"repo_path": ["/tmp"]}, "invalid_input"),
    ({"repo_path": ""}, "invalid_input"),
    ({"repo_path": "relative/path"}, "invalid_input"),
    ({"repo_path": "/tmp/a\x00b"}, "nul_character"),
])  # fmt: skip
def test_bad_input_is_a_400_envelope(alice, roots, body, code):
    response = alice.client().post(URL, body, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["type"], error["code"]) == ("BadRequest", code)


def test_a_file_or_a_missing_directory_is_not_a_repository(alice, repo):
    for path in (repo / "go.mod", repo / "missing"):
        response = parse(alice, path)
        assert response.status_code == 400 and error_code(response) == "invalid_path"


def test_a_key_without_the_wiki_scope_is_refused(bob, repo):
    response = parse(bob, repo)
    assert response.status_code == 403
    assert "files" not in response.json()


@pytest.mark.django_db  # the IP guard reads its rules before authentication
def test_no_key_is_401(client, repo):
    response = client.post(URL, {"repo_path": str(repo)}, content_type="application/json")
    assert response.status_code == 401
