from __future__ import annotations

import numpy as np
from django.conf import settings


def vec(seed: int, dim: int | None = None) -> list[float]:
    """A random unit vector (deterministic by seed) of the image dimension by default."""
    rng = np.random.default_rng(seed)
    v = rng.normal(size=dim or settings.MULTIMODAL_IMAGE_DIM)
    return [float(x) for x in v / np.linalg.norm(v)]


def store(actor, user_id: str, contents: list[dict], role: str = "user"):
    return actor.client().post("/v1/multimodal/store",
                               {"user_id": user_id, "role": role, "contents": contents},
                               format="json")  # fmt: skip
