"""Real servers on loopback for the connector tests: moto's S3 server, wsgidav (served by
cheroot), an asyncssh SFTP server with a generated key, and a local bare git repository."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings

ACCESS, SECRET = "AKIATESTACCESS", "test-secret-key-1234"
SFTP_USER, SFTP_PASSWORD = "wiki", "sftp-password-5678"

TREE = {
    "README.md": b"# demo\n",
    "src/app.py": b"def main() -> None:\n    print('hi')\n",
    "src/util/helpers.py": b"X = 1\n",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_tree(root: Path, tree: dict[str, bytes] = TREE) -> Path:
    for rel, data in tree.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


@pytest.fixture
def wiki_settings(tmp_path: Path) -> Iterator[Path]:
    roots = tmp_path / "roots"
    roots.mkdir()
    with override_settings(
        WIKI_CONNECTORS_ALLOW_PRIVATE=True, WIKI_ALLOWED_ROOTS=[str(roots)],
        WIKI_WORK_DIR=str(tmp_path / "work"),
    ):  # fmt: skip
        yield roots


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def s3_bucket(endpoint: str, bucket: str, tree: dict[str, bytes] = TREE, prefix: str = "") -> None:
    import boto3

    client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=ACCESS,
                          aws_secret_access_key=SECRET, region_name="us-east-1")  # fmt: skip
    client.create_bucket(Bucket=bucket)
    for rel, data in tree.items():
        client.put_object(Bucket=bucket, Key=f"{prefix}{rel}", Body=data)


@pytest.fixture(scope="session")
def webdav_server(tmp_path_factory) -> Iterator[str]:
    from cheroot import wsgi
    from wsgidav.wsgidav_app import WsgiDAVApp

    root = write_tree(tmp_path_factory.mktemp("dav"))
    port = _free_port()
    app = WsgiDAVApp({
        "provider_mapping": {"/": str(root)},
        "simple_dc": {"user_mapping": {"*": {"davuser": {"password": "dav-password-9012"}}}},
        "http_authenticator": {"domain_controller": None, "accept_basic": True,
                               "accept_digest": False, "default_to_digest": False},
        "verbose": 0, "logging": {"enable": False}, "property_manager": True, "lock_storage": True,
    })  # fmt: skip
    server = wsgi.Server(("127.0.0.1", port), app)
    thread = threading.Thread(target=server.start, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture(scope="session")
def sftp_server(tmp_path_factory) -> Iterator[dict]:
    import asyncssh

    root = write_tree(tmp_path_factory.mktemp("sftp"))
    host_key = asyncssh.generate_private_key("ssh-ed25519")
    client_key = asyncssh.generate_private_key("ssh-ed25519")
    port = _free_port()
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    class Server(asyncssh.SSHServer):
        def begin_auth(self, username: str) -> bool:
            return True

        def password_auth_supported(self) -> bool:
            return True

        def validate_password(self, username: str, password: str) -> bool:
            return username == SFTP_USER and password == SFTP_PASSWORD

        def public_key_auth_supported(self) -> bool:
            return True

        def validate_public_key(self, username: str, key) -> bool:
            return (
                username == SFTP_USER and key.export_public_key() == client_key.export_public_key()
            )

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(asyncssh.create_server(
            Server, "127.0.0.1", port, server_host_keys=[host_key],
            sftp_factory=lambda chan: asyncssh.SFTPServer(chan, chroot=str(root)),
        ))  # fmt: skip
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(10)
    yield {"host": "127.0.0.1", "port": port,
           "private_key": client_key.export_private_key().decode()}  # fmt: skip
    loop.call_soon_threadsafe(loop.stop)


@pytest.fixture
def git_repo(wiki_settings: Path) -> str:
    """A bare repository under the allowed root, with TREE on branch main."""
    work = write_tree(wiki_settings / "gitwork")
    bare = wiki_settings / "repo.git"
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@e", "PATH": "/usr/bin:/bin", "HOME": str(wiki_settings)}  # fmt: skip
    for cmd in (["git", "init", "-q", "-b", "main", str(work)],
                ["git", "-C", str(work), "add", "."],
                ["git", "-C", str(work), "commit", "-q", "-m", "init"],
                ["git", "clone", "-q", "--bare", str(work), str(bare)]):  # fmt: skip
        subprocess.run(cmd, check=True, env=env, capture_output=True)
    return f"file://{bare}"
