"""mem0-style messages with OpenAI `image_url` parts on the add paths: the text parts are the turn
as before, each image a multimodal item of that turn (URL kept and never fetched, a data: URL's
bytes kept as an object)."""

from __future__ import annotations

import base64

import pytest

from apps.memories.models import Memory, Message
from apps.multimodal.models import MultimodalItem, MultimodalObject

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\nfake-image-bytes"
DATA_URL = "data:image/png;base64," + base64.b64encode(PNG).decode()


def _image(url: str) -> dict:
    return {"type": "image_url", "image_url": {"url": url}}


@pytest.mark.parametrize("path", ["/v1/memory/add", "/v3/memories/add/"])
def test_mem0_add_keeps_images_as_items_of_the_turn(alice, path):
    messages = [
        {"role": "user", "content": [{"type": "text", "text": "Here is my dog Rex at the beach"},
                                     _image("https://img.example.com/rex.jpg"), _image(DATA_URL)]},
        {"role": "assistant", "content": "What a nice dog!"},
    ]  # fmt: skip
    response = alice.client().post(path, {"messages": messages, "user_id": "u1", "infer": False},
                                   format="json")  # fmt: skip
    assert response.status_code == 200, response.content
    turn = Message.unscoped.get(tenant=alice.tenant, user_id="u1", role="user")
    assert turn.content == "Here is my dog Rex at the beach"
    items = list(MultimodalItem.unscoped.filter(tenant=alice.tenant, user_id="u1")
                 .order_by("created_at"))  # fmt: skip
    assert len(items) == 2 and {i.message_id for i in items} == {turn.pk}
    by_url = {i.parts[0].get("url", ""): i for i in items}
    assert set(by_url) == {"https://img.example.com/rex.jpg", ""}
    obj = MultimodalObject.unscoped.get(item=by_url[""])
    assert bytes(obj.data) == PNG and obj.content_type == "image/png"
    # ...and the item is found by /recent, its object downloadable with the key
    recent = alice.client().post("/v1/multimodal/recent", {"user_id": "u1"}, format="json")
    assert recent.json()["count"] == 2
    href = next(r["contents"][0]["object"]["href"] for r in recent.json()["results"]
                if "object" in r["contents"][0])  # fmt: skip
    assert alice.client().get(href).content == PNG


def test_image_only_message_gets_a_placeholder_turn(alice):
    response = alice.client().post("/v1/memory/add", {"user_id": "u1", "messages": [
        {"role": "user", "content": [_image("https://img.example.com/cat.png")]}]},
        format="json")  # fmt: skip
    assert response.status_code == 200, response.content
    assert Message.unscoped.get(tenant=alice.tenant, user_id="u1").content == "[image]"
    assert MultimodalItem.unscoped.filter(tenant=alice.tenant, user_id="u1").count() == 1


@pytest.mark.parametrize(
    ("part", "code"),
    [
        ({"type": "image_url", "image_url": {}}, "invalid_part"),
        ({"type": "image_url", "image_url": {"url": "file:///etc/passwd"}}, "invalid_part"),
        ({"type": "image_url", "image_url": {"url": "data:image/png;base64,@@"}}, "invalid_base64"),
    ],
)  # fmt: skip
def test_bad_image_parts_refuse_the_whole_add(alice, part, code):
    messages = [{"role": "user", "content": [{"type": "text", "text": "look"}, part]}]
    response = alice.client().post("/v3/memories/add/", {"messages": messages, "user_id": "u1"},
                                   format="json")  # fmt: skip
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == code
    assert not Message.unscoped.exists() and not MultimodalItem.unscoped.exists()
    assert not Memory.unscoped.exists()


def test_oversized_data_url_refused(alice, settings):
    settings.MULTIMODAL_OBJECT_MAX_BYTES = 1024
    big = "data:image/png;base64," + base64.b64encode(b"x" * 1025).decode()
    messages = [{"role": "user", "content": [{"type": "text", "text": "look"}, _image(big)]}]
    response = alice.client().post("/v3/memories/add/", {"messages": messages, "user_id": "u1"},
                                   format="json")  # fmt: skip
    assert response.status_code == 400 and response.json()["error"]["code"] == "object_too_large"
    assert not Message.unscoped.exists()


def test_unknown_part_types_still_refused(alice):
    messages = [{"role": "user", "content": [{"type": "text", "text": "x"},
                                             {"type": "input_audio", "input_audio": {}}]}]  # fmt: skip
    response = alice.client().post("/v3/memories/add/", {"messages": messages, "user_id": "u1"},
                                   format="json")  # fmt: skip
    assert response.status_code == 400 and not Message.unscoped.exists()


def test_an_event_id_replayed_with_another_image_is_refused(alice):
    def add(url: str):
        messages = [{"role": "user", "content": [{"type": "text", "text": "look"}, _image(url)]}]
        return alice.client().post("/v1/memory/add", {"user_id": "u1", "messages": messages,
                                   "event_id": "evt-1"}, format="json")  # fmt: skip

    assert add("https://img.example.com/a.png").status_code == 200
    replay = add("https://img.example.com/a.png")
    assert replay.status_code == 200 and replay["Idempotent-Replayed"] == "true"
    other = add("https://img.example.com/b.png")
    assert other.status_code == 409, other.content
    assert MultimodalItem.unscoped.filter(tenant=alice.tenant).count() == 1
