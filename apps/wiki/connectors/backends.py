"""One fsspec filesystem per connector type (git: a depth-1 clone read as a local tree), and the
two things done with it: list a directory, fetch a whole tree, bounded."""

from __future__ import annotations

import base64
import logging
import os
import posixpath
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from fsspec import AbstractFileSystem
from fsspec.asyn import AsyncFileSystem
from fsspec.implementations.local import LocalFileSystem

from apps.core.errors import AppError, BadRequest, PayloadTooLarge
from apps.wiki.connectors import netguard
from apps.wiki.connectors.specs import TYPES

logger = logging.getLogger(__name__)
S3_LIKE = ("s3", "oss", "cos", "obs")
BATCH = 64  # files fetched concurrently by an async filesystem (s3fs, sshfs)


class ConnectorUnreachable(AppError):
    status = 502
    default_code = "wiki_connector_unreachable"


@dataclass
class Source:
    fs: AbstractFileSystem
    root: str  # the tree's root in `fs`; listed paths are shown relative to it
    local: bool = False  # a local tree: every file's real path must stay under root


@dataclass
class FetchResult:
    files: int
    bytes: int


def _s3(kind: str, config: dict[str, Any]) -> Source:
    import s3fs

    region = str(config.get("region") or "")
    endpoint = str(config.get("endpoint") or "")
    if not endpoint and TYPES[kind].endpoint_template:
        endpoint = TYPES[kind].endpoint_template.format(region=region)
    client: dict[str, Any] = {"region_name": region or None}
    if endpoint:
        netguard.url_check(url=endpoint)
        client["endpoint_url"] = endpoint
    else:
        netguard.host_check(host=f"s3.{region or 'us-east-1'}.amazonaws.com")
    # OSS accepts only virtual-hosted addressing; the others take either.
    style = "virtual" if kind == "oss" else "auto"
    fs = s3fs.S3FileSystem(
        key=config["access_key"],
        secret=config["secret_key"],
        client_kwargs=client,
        config_kwargs={
            "s3": {"addressing_style": style},
            "connect_timeout": 10,
            "read_timeout": 60,
            "retries": {"max_attempts": 2},
        },
        skip_instance_cache=True,
        use_listings_cache=False,
    )
    root = posixpath.join(str(config["bucket"]), str(config.get("prefix") or "").strip("/"))
    return Source(fs=fs, root=root.rstrip("/"))


def _webdav(config: dict[str, Any]) -> Source:
    from webdav4.fsspec import WebdavFileSystem

    netguard.url_check(url=str(config["url"]))
    auth = (config.get("username") or "", config.get("password") or "")
    fs = WebdavFileSystem(str(config["url"]), auth=auth if any(auth) else None, timeout=30)
    return Source(fs=fs, root="")


def _sftp(config: dict[str, Any]) -> Source:
    import asyncssh
    from sshfs import SSHFileSystem

    netguard.host_check(host=str(config["host"]), port=int(config.get("port") or 22))
    options: dict[str, Any] = {
        "port": int(config.get("port") or 22),
        "username": config["username"],
        # Host keys: a tenant's server is unknown to us; trust on use, as the reference does.
        "known_hosts": None,
        "connect_timeout": 15,
        "skip_instance_cache": True,
    }
    if config.get("password"):
        options["password"] = config["password"]
    if config.get("private_key"):
        try:
            options["client_keys"] = [asyncssh.import_private_key(config["private_key"])]
        except (asyncssh.KeyImportError, ValueError):
            raise BadRequest(
                "private_key is not a readable private key",
                code="wiki_connector_config_invalid",
                details={"field": "private_key"},
            ) from None
    else:
        options["client_keys"] = None
    try:
        fs = SSHFileSystem(str(config["host"]), **options)
    except (OSError, asyncssh.Error) as exc:
        raise ConnectorUnreachable(f"SFTP connection failed: {type(exc).__name__}") from None
    return Source(fs=fs, root=str(config.get("path") or "/").rstrip("/") or "/")


@contextmanager
def _git(config: dict[str, Any]) -> Iterator[Source]:
    url = str(config["url"])
    if url.startswith("file://"):
        netguard.local_path_check(path=url.removeprefix("file://"))
    else:
        netguard.url_check(url=url)
    scheme = urlsplit(url).scheme  # url_check parsed it
    args = [
        "git",
        "-c",
        "protocol.allow=never",
        "-c",
        f"protocol.{scheme}.allow=always",
        "-c",
        "http.followRedirects=false",
        "-c",
        "core.symlinks=false",
    ]
    if config.get("token"):
        basic = base64.b64encode(f"x-access-token:{config['token']}".encode()).decode()
        args += ["-c", f"http.extraHeader=Authorization: Basic {basic}"]
    branch = ["--branch", str(config["branch"])] if config.get("branch") else []
    with tempfile.TemporaryDirectory(prefix="wiki-git-", dir=_work_root()) as tmp:
        target = Path(tmp) / "repo"
        cmd = [
            *args,
            "clone",
            "--quiet",
            "--depth",
            "1",
            "--single-branch",
            "--no-tags",
            *branch,
            "--",
            url,
            str(target),
        ]
        env = {
            "PATH": os.environ.get("PATH", ""),
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": tmp,
        }
        try:
            done = subprocess.run(
                cmd, env=env, capture_output=True, timeout=settings.WIKI_FETCH_TIMEOUT
            )
        except subprocess.TimeoutExpired:
            raise ConnectorUnreachable("git clone timed out") from None
        if done.returncode != 0:
            # git's message can carry the URL with a token: keep only its first line's kind.
            raise ConnectorUnreachable("git clone failed (repository, branch or credentials)")
        shutil.rmtree(target / ".git", ignore_errors=True)
        yield Source(fs=LocalFileSystem(), root=str(target), local=True)


@contextmanager
def source_open(*, kind: str, config: dict[str, Any]) -> Iterator[Source]:
    if kind == "git":
        with _git(config) as source:
            yield source
        return
    if kind == "local":
        real = netguard.local_path_check(path=str(config["path"]))
        yield Source(fs=LocalFileSystem(), root=str(real), local=True)
        return
    source = (
        _s3(kind, config)
        if kind in S3_LIKE
        else _webdav(config)
        if kind == "webdav"
        else _sftp(config)
    )
    yield source


def _work_root() -> str:
    root = Path(settings.WIKI_WORK_DIR)
    root.mkdir(parents=True, exist_ok=True)
    return str(root)


def _under(source: Source, path: str) -> str:
    """The filesystem path of `path` (relative to the connector's root, "/" = the root)."""
    parts = [p for p in str(path).replace("\\", "/").split("/") if p not in ("", ".")]
    if any(p == ".." or "\x00" in p for p in parts):
        raise BadRequest(
            "path may not contain '..'",
            code="wiki_connector_path_refused",
            details={"field": "path"},
        )
    full = posixpath.join(source.root, *parts) if parts else source.root
    if source.local:
        real = os.path.realpath(full)
        if real != os.path.realpath(source.root) and not real.startswith(
            os.path.realpath(source.root) + os.sep
        ):
            raise BadRequest(
                "path leaves the connector's root",
                code="wiki_connector_path_refused",
                details={"field": "path"},
            )
    return full


def _relative(source: Source, name: str) -> str:
    root = source.fs._strip_protocol(source.root).rstrip("/") if source.root else ""
    name = source.fs._strip_protocol(name)
    rel = name[len(root) :] if root and name.startswith(root) else name
    return rel.strip("/")


def _guarded(call: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return call(*args, **kwargs)
    except FileNotFoundError:
        raise AppError(
            "no such path in the connector", code="wiki_connector_path_not_found", status=404
        ) from None
    except AppError:
        raise
    except (OSError, TimeoutError, ConnectionError, PermissionError) as exc:
        raise ConnectorUnreachable(f"the connector failed: {type(exc).__name__}") from None
    except Exception as exc:  # botocore, asyncssh, httpx errors: one answer, no secrets echoed
        logger.warning("wiki connector call failed: %s", type(exc).__name__)
        raise ConnectorUnreachable(f"the connector failed: {type(exc).__name__}") from None


def tree_list(*, source: Source, path: str) -> list[dict[str, Any]]:
    listed = _guarded(source.fs.ls, _under(source, path), detail=True)
    entries = []
    for item in listed:
        rel = _relative(source, item["name"])
        if not rel or (source.local and os.path.islink(item["name"])):
            continue  # the directory itself (some stores list it); symlinks are never followed
        kind = "directory" if item.get("type") == "directory" else "file"
        entries.append(
            {
                "name": posixpath.basename(rel),
                "path": "/" + rel,
                "type": kind,
                "size": int(item.get("size") or 0) if kind == "file" else 0,
            }
        )
    return sorted(entries, key=lambda e: (e["type"] != "directory", e["name"]))


def _files(source: Source) -> list[tuple[str, int]]:
    found = _guarded(source.fs.find, source.root, detail=True)
    files = []
    for name, info in found.items():
        if info.get("type") == "directory":
            continue
        if source.local and (os.path.islink(name) or not _inside(source.root, name)):
            continue
        files.append((name, int(info.get("size") or 0)))
    return sorted(files)


def _inside(root: str, name: str) -> bool:
    real_root = os.path.realpath(root)
    return os.path.realpath(name).startswith(real_root + os.sep)


def file_count(*, source: Source) -> int:
    return len(_files(source))


def tree_fetch(*, source: Source, dest: Path) -> FetchResult:
    """Every file of the source's tree copied under `dest`, refused as a whole (413) beyond
    WIKI_FETCH_MAX_FILES files or WIKI_FETCH_MAX_BYTES bytes: the listing is checked first, and
    the bytes actually written again, since a listing can lie."""
    max_files, max_bytes = settings.WIKI_FETCH_MAX_FILES, settings.WIKI_FETCH_MAX_BYTES
    files = _files(source)
    listed = sum(size for _, size in files)
    if len(files) > max_files or listed > max_bytes:
        raise _too_large(len(files), listed)
    targets = [
        (name, netguard.relative_join(base=dest, remote=_relative(source, name)))
        for name, _ in files
    ]
    written = 0
    step = BATCH if isinstance(source.fs, AsyncFileSystem) else 1
    for start in range(0, len(targets), step):
        batch = targets[start : start + step]
        names = [name for name, _ in batch]
        blobs = (
            _guarded(source.fs.cat, names, on_error="raise")
            if step > 1
            else {names[0]: _guarded(source.fs.cat_file, names[0])}
        )
        for name, target in batch:
            data = blobs[name] if name in blobs else blobs[source.fs._strip_protocol(name)]
            written += len(data)
            if written > max_bytes:
                raise _too_large(len(files), written)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    return FetchResult(files=len(files), bytes=written)


def _too_large(files: int, size: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        "the tree is larger than WIKI_FETCH_MAX_FILES / WIKI_FETCH_MAX_BYTES allow",
        code="wiki_connector_tree_too_large",
        details={
            "files": files,
            "bytes": size,
            "max_files": settings.WIKI_FETCH_MAX_FILES,
            "max_bytes": settings.WIKI_FETCH_MAX_BYTES,
        },
    )
