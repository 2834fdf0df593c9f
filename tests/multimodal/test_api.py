"""/v1/multimodal/*: store, text search (English and Chinese), embedding search, recent, objects."""

from __future__ import annotations

import base64

import pytest

from apps.multimodal.models import MultimodalItem, MultimodalObject
from tests.multimodal.helpers import store, vec

pytestmark = pytest.mark.django_db


def test_store_answers_ok_with_the_item(alice):
    response = store(alice, "u1", [{"type": "text", "text": "Check this photo"},
                                   {"type": "image", "embedding": vec(1), "caption": "sunset"}])  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert body["item"]["contents"] == [
        {"type": "text", "text": "Check this photo"},
        {"type": "image", "has_embedding": True, "caption": "sunset"},
    ]
    item = MultimodalItem.unscoped.get(pk=body["id"])
    assert item.tenant == alice.tenant and item.user_id == "u1"
    assert len(item.image_embedding) == 512 and item.audio_embedding is None


def test_text_search_finds_text_parts_and_captions_in_both_languages(alice):
    store(alice, "u1", [{"type": "text", "text": "Check this photo of the beach"}])
    store(
        alice, "u1", [{"type": "image", "embedding": vec(2), "caption": "A sunset over mountains"}]
    )
    store(alice, "u1", [{"type": "text", "text": "我们昨天在西湖拍了很多照片"}])
    store(alice, "u2", [{"type": "text", "text": "another user's sunset photo"}])
    client = alice.client()

    def search(query: str) -> list[dict]:
        response = client.post("/v1/multimodal/search", {"user_id": "u1", "query": query,
                                                         "limit": 10}, format="json")  # fmt: skip
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "ok"
        return response.json()["results"]

    sunset = search("photo of sunset")
    assert {r["contents"][0].get("caption") or r["contents"][0].get("text") for r in sunset} == {
        "A sunset over mountains", "Check this photo of the beach"}  # fmt: skip
    assert sunset[0]["contents"][0].get("caption") == "A sunset over mountains"  # two terms match
    chinese = search("西湖的照片")
    assert [r["contents"][0]["text"] for r in chinese] == ["我们昨天在西湖拍了很多照片"]
    assert search("volcano") == []


@pytest.mark.parametrize("exact_max", [20000, 0], ids=["exact", "hnsw"])
def test_embedding_search_ranks_by_cosine_per_modality(alice, settings, exact_max):
    settings.MULTIMODAL_EXACT_MAX = exact_max
    ids = {}
    for seed in range(5):
        ids[seed] = store(alice, "u1", [{"type": "image", "embedding": vec(seed)}]).json()["id"]
    audio = store(alice, "u1", [{"type": "audio", "embedding": vec(9, 512), "caption": "song"}])
    store(alice, "u2", [{"type": "image", "embedding": vec(3)}])  # another user's same vector
    response = alice.client().post("/v1/multimodal/search/embedding",
                                   {"user_id": "u1", "embedding": vec(3), "limit": 3},
                                   format="json")  # fmt: skip
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert len(results) == 3 and results[0]["id"] == ids[3]
    assert results[0]["score"] == pytest.approx(1.0, abs=1e-3)
    assert results[0]["score"] >= results[1]["score"] >= results[2]["score"]
    audio_hits = alice.client().post("/v1/multimodal/search/embedding",
                                     {"user_id": "u1", "embedding": vec(9, 512), "limit": 10,
                                      "modality": "audio"}, format="json").json()["results"]  # fmt: skip
    assert [r["id"] for r in audio_hits] == [audio.json()["id"]]


def test_recent_newest_first_and_limited(alice):
    for n in range(4):
        store(alice, "u1", [{"type": "text", "text": f"message {n}"}])
    response = alice.client().post("/v1/multimodal/recent", {"user_id": "u1", "limit": 3},
                                   format="json")  # fmt: skip
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [r["contents"][0]["text"] for r in body["results"]] == ["message 3", "message 2",
                                                                   "message 1"]  # fmt: skip


def test_payload_is_stored_as_an_object_and_downloaded_with_the_key(alice, anon):
    raw = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    response = store(alice, "u1", [
        {"type": "text", "text": "a picture"},
        {"type": "image", "embedding": vec(1), "data": base64.b64encode(raw).decode(),
         "mime_type": "image/png", "url": "https://example.com/p.png"},
    ])  # fmt: skip
    assert response.status_code == 200, response.content
    part = response.json()["item"]["contents"][1]
    assert part["url"] == "https://example.com/p.png"
    assert part["object"]["size"] == len(raw) and part["object"]["content_type"] == "image/png"
    href = part["object"]["href"]
    got = alice.client().get(href)
    assert got.status_code == 200 and got.content == raw
    assert got["Content-Type"] == "image/png"
    assert got["Content-Disposition"].startswith("attachment")
    assert got["X-Content-Type-Options"] == "nosniff"
    assert anon.get(href).status_code == 401
    assert alice.client().get(href.replace("/objects/1", "/objects/0")).status_code == 404


def test_data_url_part_kept_as_object_without_repeating_the_url(alice):
    raw = b"GIF89a-tiny"
    url = "data:image/gif;base64," + base64.b64encode(raw).decode()
    response = store(alice, "u1", [{"type": "image", "url": url, "caption": "gif"}])
    assert response.status_code == 200, response.content
    part = response.json()["item"]["contents"][0]
    assert "url" not in part and part["object"]["content_type"] == "image/gif"
    obj = MultimodalObject.unscoped.get(item_id=response.json()["id"])
    assert bytes(obj.data) == raw
