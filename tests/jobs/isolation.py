from __future__ import annotations

from apps.jobs.services import job_start
from tests.isolation import Probe, Setup, case


@case("v1/jobs", "v1/jobs/<uuid:job_id>")
def jobs(alice) -> Setup:
    job = job_start(tenant=alice.tenant, kind="alice-marker-job", total=10)
    return Setup(
        probes=[
            Probe("GET", f"/v1/jobs/{job.pk}"),
            Probe("GET", "/v1/jobs", expect_404=False, marker="alice-marker-job"),
        ]
    )
