from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.test import override_settings

from apps.core.tenancy import tenant_scope
from apps.wiki.connector_models import ConnectorSession, SavedConnector
from tests.isolation import Probe, Setup, case
from tests.wiki.connectors.conftest import write_tree

ROUTES = (
    "v1/wiki/connectors", "v1/wiki/connectors/saved", "v1/wiki/connectors/test",
    "v1/wiki/connectors/browse", "v1/wiki/connectors/generate",
)  # fmt: skip


@case(*ROUTES)
def wiki_connectors(alice) -> Setup:
    """Tenant B's key sees none of A's saved connectors, cannot test, browse or generate from
    A's saved configuration or A's session (404), and what it saves is B's own."""
    root = Path(tempfile.mkdtemp(prefix="wiki-iso-"))
    write_tree(root / "repo", {"alice-marker.py": b"SECRET = 1\n"})
    overrides = override_settings(WIKI_ALLOWED_ROOTS=[str(root)], WIKI_WORK_DIR=str(root / "w"))
    overrides.enable()
    client = alice.client()
    saved = client.post("/v1/wiki/connectors", {"name": "alice-marker repo", "connector_type":
                        "local", "config": {"path": str(root / "repo")}}, format="json").json()  # fmt: skip
    session = client.post("/v1/wiki/connectors/test", {"connector_id": saved["id"]},
                          format="json").json()["connector_id"]  # fmt: skip

    def counts() -> tuple[int, int]:
        with tenant_scope(alice.tenant.pk):
            return SavedConnector.objects.count(), ConnectorSession.objects.count()

    def check() -> None:
        assert counts() == (1, 1)

    def saved_by_alice(response) -> None:
        assert counts()[0] == 2

    def cleanup() -> None:
        overrides.disable()
        shutil.rmtree(root, ignore_errors=True)

    mine = {"name": "charlie's", "connector_type": "local", "config": {"path": "/nowhere"}}
    return Setup(
        probes=[
            # The types are the same list for every tenant: nothing of A's to find with A's key.
            Probe("GET", "/v1/wiki/connectors", expect_404=False, marker="alice-marker",
                  control=False),
            Probe("POST", "/v1/wiki/connectors", mine, expect_404=False, control=saved_by_alice),
            Probe("GET", "/v1/wiki/connectors/saved", expect_404=False, marker="alice-marker"),
            Probe("POST", "/v1/wiki/connectors/test", {"connector_id": saved["id"]}),
            Probe("POST", "/v1/wiki/connectors/browse", {"connector_id": session}),
            Probe("POST", "/v1/wiki/connectors/browse", {"connector_id": saved["id"]}),
            # A's own generate would start a real wiki job; tests/wiki/connectors covers it.
            Probe("POST", "/v1/wiki/connectors/generate", {"connector_id": session},
                  control=False),
            Probe("POST", "/v1/wiki/connectors/generate", {"connector_id": saved["id"]},
                  control=False),
        ],
        check=check,
        cleanup=cleanup,
    )  # fmt: skip
