"""Each mistake is a 400 in the envelope with its own code, and nothing is stored."""

from __future__ import annotations

import base64

import pytest

from apps.multimodal.models import MultimodalItem, MultimodalObject
from tests.multimodal.helpers import store, vec

pytestmark = pytest.mark.django_db


def _refused(response, code: str, status: int = 400) -> None:
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code, response.json()
    assert not MultimodalItem.unscoped.exists() and not MultimodalObject.unscoped.exists()


@pytest.mark.parametrize(
    ("contents", "code"),
    [
        ([], "empty_contents"),
        ([{"type": "text", "text": "   "}], "invalid_part"),
        ([{"type": "text", "text": "x"}, {"type": "text", "text": ""}], "invalid_part"),
        ([{"type": "image", "embedding": [65505.0] + [0.1] * 511}], "non_finite_vector"),
        ([{"type": "image", "embedding": vec(1), "caption": None}], "invalid_part"),
        ([{"type": "image", "embedding": vec(1), "caption": "  "}], "invalid_part"),
        ([{"type": "image", "url": " https://example.com/x.png"}], "invalid_part"),
        ([{"type": "image", "url": "https://example.com/" + "x" * 2100}], "invalid_part"),
        ([{"type": "image", "data": "QUJD\nREVG"}], "invalid_base64"),
        ([{"type": "image", "data": "QUJ"}], "invalid_base64"),
        ([{"type": "image", "data": "QUJD", "mime_type": "png"}], "invalid_part"),
        ("not a list", "empty_contents"),
        ([{"type": "video", "embedding": [1.0]}], "unknown_part_type"),
        ([{"text": "no type"}], "unknown_part_type"),
        (["a string"], "invalid_part"),
        ([{"type": "image", "embedding": [0.1, 0.2, 0.3]}], "wrong_dimension"),
        ([{"type": "audio", "embedding": [0.1] * 511}], "wrong_dimension"),
        ([{"type": "image", "embedding": [0.0] * 512}], "zero_vector"),
        ([{"type": "image", "embedding": [1e-9] * 512}], "zero_vector"),  # 0 in half precision
        ([{"type": "image", "embedding": [1e6] * 512}], "non_finite_vector"),
        ([{"type": "image", "embedding": ["0.1"] * 512}], "invalid_vector"),
        ([{"type": "image", "embedding": [True] * 512}], "invalid_vector"),
        ([{"type": "image", "data": "not base64!!"}], "invalid_base64"),
        ([{"type": "image", "data": 5}], "invalid_base64"),
        ([{"type": "image", "url": "data:image/png;base64,@@@"}], "invalid_base64"),
        ([{"type": "image", "url": "data:nonsense"}], "invalid_data_url"),
        ([{"type": "image", "url": "ftp://example.com/x.png"}], "invalid_part"),
        ([{"type": "image"}], "invalid_part"),
        ([{"type": "image", "embedding": vec(1)}, {"type": "image", "embedding": vec(2)}],
         "duplicate_modality"),
    ],
)  # fmt: skip
def test_bad_contents(alice, contents, code):
    _refused(store(alice, "u1", contents), code)


def test_nan_and_infinity_are_refused(alice):
    # JSON has no NaN; a client that sends Python's NaN literal gets a 400 as well.
    body = (
        '{"user_id": "u1", "contents": [{"type": "image", "embedding": [NaN'
        + ", 0.1" * 511
        + "]}]}"
    )
    response = alice.client().post("/v1/multimodal/store", body, content_type="application/json")
    assert response.status_code == 400 and not MultimodalItem.unscoped.exists()
    body = body.replace("NaN", "Infinity")
    response = alice.client().post("/v1/multimodal/store", body, content_type="application/json")
    assert response.status_code == 400 and not MultimodalItem.unscoped.exists()


def test_huge_integers_and_part_numbers(alice):
    body = (
        '{"user_id": "u1", "contents": [{"type": "image", "embedding": [1'
        + "0" * 400
        + ", 1" * 511
        + "]}]}"
    )
    response = alice.client().post("/v1/multimodal/store", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "non_finite_vector"
    item = store(alice, "u1", [{"type": "text", "text": "x"}]).json()["id"]
    for part in ("99999", "9" * 30):
        got = alice.client().get(f"/v1/multimodal/items/{item}/objects/{part}")
        assert got.status_code == 404, got.content


def test_oversized_payload(alice, settings):
    settings.MULTIMODAL_OBJECT_MAX_BYTES = 2048
    data = base64.b64encode(b"x" * 2049).decode()
    _refused(store(alice, "u1", [{"type": "image", "embedding": vec(1), "data": data}]),
             "object_too_large")  # fmt: skip
    url = "data:image/png;base64," + data
    _refused(store(alice, "u1", [{"type": "image", "url": url}]), "object_too_large")
    ok = store(alice, "u1", [{"type": "image", "data": base64.b64encode(b"x" * 2048).decode()}])
    assert ok.status_code == 200


def test_search_embedding_bad_input(alice):
    store(alice, "u1", [{"type": "image", "embedding": vec(1)}])
    client = alice.client()

    def search(**body):
        return client.post("/v1/multimodal/search/embedding", {"user_id": "u1", **body},
                           format="json")  # fmt: skip

    for body, code in [
        ({"embedding": vec(1), "modality": "video"}, "unknown_modality"),
        ({"embedding": vec(1), "modality": 3}, "unknown_modality"),
        ({"embedding": [0.5, 0.5]}, "wrong_dimension"),
        ({"embedding": [0.0] * 512}, "zero_vector"),
        ({"embedding": [1e6] * 512, "modality": "audio"}, "non_finite_vector"),
        ({"embedding": "abc"}, "invalid_vector"),
    ]:
        response = search(**body)
        assert response.status_code == 400, body
        assert response.json()["error"]["code"] == code, (body, response.json())
    assert search(limit=5).status_code == 400  # no embedding
    assert search(embedding=vec(1), limit=0).status_code == 400
    assert search(embedding=vec(1), limit=101).status_code == 400


def test_other_routes_bad_input(alice):
    client = alice.client()
    for path, body in [
        ("/v1/multimodal/search", {"user_id": "u1"}),
        ("/v1/multimodal/search", {"user_id": "u1", "query": 5}),
        ("/v1/multimodal/recent", {"limit": 3}),
        ("/v1/multimodal/recent", {"user_id": "u1", "limit": "3"}),
        (
            "/v1/multimodal/store",
            {"user_id": "u1", "role": "robot", "contents": [{"type": "text", "text": "x"}]},
        ),
        ("/v1/multimodal/store", {"contents": [{"type": "text", "text": "x"}]}),
    ]:
        response = client.post(path, body, format="json")
        assert response.status_code == 400, (path, body, response.content)
        assert "error" in response.json()
    assert not MultimodalItem.unscoped.exists()


def test_scope_required(bob):
    """bob's key has only the memory scope."""
    response = store(bob, "u1", [{"type": "text", "text": "hello"}])
    assert response.status_code == 403 and not MultimodalItem.unscoped.exists()
