from __future__ import annotations

from apps.multimodal.models import MultimodalItem, MultimodalObject
from tests.isolation import Probe, Setup, case
from tests.multimodal.helpers import vec

ROUTES = (
    "v1/multimodal/store", "v1/multimodal/search", "v1/multimodal/search/embedding",
    "v1/multimodal/recent", "v1/multimodal/items/<uuid:item_id>/objects/<int:part>",
)  # fmt: skip


@case(*ROUTES)
def multimodal(alice) -> Setup:
    """Tenant B's key finds none of A's items by text, by vector or as recent, cannot download
    A's object (404), and what it stores for "u1" is B's user's: A's "u1" keeps one item."""
    body = {"user_id": "u1", "contents": [
        {"type": "text", "text": "alice-marker photo"},
        {"type": "image", "embedding": vec(7), "caption": "alice-marker sunset",
         "data": "YWxpY2UtbWFya2VyIGJ5dGVz"},  # "alice-marker bytes"
    ]}  # fmt: skip
    stored = alice.client().post("/v1/multimodal/store", body, format="json").json()
    href = stored["item"]["contents"][1]["object"]["href"]

    def rows() -> int:
        return MultimodalItem.unscoped.filter(tenant=alice.tenant, user_id="u1").count()

    def check() -> None:
        assert rows() == 1
        assert MultimodalObject.unscoped.filter(tenant=alice.tenant).count() == 1

    def stored_by_alice(response) -> None:
        assert rows() == 2

    def found_one(response) -> None:
        assert response.json()["count"] >= 1

    def found_none(response) -> None:
        assert response.json()["count"] == 0

    near = {"user_id": "u1", "embedding": vec(7), "limit": 5}
    return Setup(
        probes=[
            Probe("GET", href),
            Probe("POST", "/v1/multimodal/search", {"user_id": "u1", "query": "alice-marker"},
                  expect_404=False, marker="alice-marker", verify=found_none, control=True),
            Probe("POST", "/v1/multimodal/search/embedding", near, expect_404=False,
                  marker="alice-marker", verify=found_none, control=True),
            Probe("POST", "/v1/multimodal/recent", {"user_id": "u1"}, expect_404=False,
                  marker="alice-marker", verify=found_none, control=True),
            Probe("POST", "/v1/multimodal/store", {"user_id": "u1", "contents": [
                {"type": "text", "text": "charlie's own"}]}, expect_404=False,
                  control=stored_by_alice),
        ],
        check=check,
    )  # fmt: skip
