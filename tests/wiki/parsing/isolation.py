"""POST /v1/wiki/parse stores nothing and reads only the operator's WIKI_ALLOWED_ROOTS, which
every tenant with a `wiki` key shares by design. The case proves that charlie's parse is a real
parse answered in his own request (the figures of the tree, no trace of alice's request), that
it leaves nothing behind in A (no job, no page, no memory), and that alice's key gets the same
figures, so the probe could have failed."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.test import override_settings

from apps.core.tenancy import tenant_scope
from apps.jobs.models import Job
from tests.isolation import Probe, Setup, case
from tests.wiki.fixture_repo import make_repo


@case("v1/wiki/parse")
def wiki_parse(alice) -> Setup:
    base = Path(tempfile.mkdtemp(prefix="wiki-parse-iso-"))
    repo = make_repo(base / "markerrepo")
    override = override_settings(WIKI_ALLOWED_ROOTS=[str(base)])
    override.enable()

    def jobs() -> int:
        with tenant_scope(alice.tenant.pk):
            return Job.objects.count()

    before = jobs()

    def parsed(response) -> None:
        body = response.json()
        assert (body["files"], body["endpoints"], body["manifests"]) == (20, 14, 5)

    def check() -> None:
        assert jobs() == before

    def cleanup() -> None:
        override.disable()
        shutil.rmtree(base, ignore_errors=True)

    return Setup(
        probes=[Probe("POST", "/v1/wiki/parse", {"repo_path": str(repo)}, expect_404=False,
                      verify=parsed, control=parsed)],
        check=check,
        cleanup=cleanup,
    )  # fmt: skip
