"""Images of adds described by an image-capable LLM (MULTIMODAL_CAPTION_IMAGES), after the add."""

from __future__ import annotations

import base64

import pytest

from apps.core.tenancy import tenant_scope
from apps.multimodal.models import MultimodalItem
from apps.multimodal.services import item_caption
from apps.multimodal.tasks import caption_item
from tests.llm_server import Reply

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\nfake"


def _add(actor, url: str, captured) -> MultimodalItem:
    messages = [{"role": "user", "content": [{"type": "text", "text": "look at this"},
                                             {"type": "image_url", "image_url": {"url": url}}]}]  # fmt: skip
    with captured(execute=False) as callbacks:
        response = actor.client().post("/v3/memories/add/", {"messages": messages,
                                       "user_id": "u1"}, format="json")  # fmt: skip
    assert response.status_code == 200, response.content
    _add.queued = [c for c in callbacks if "_caption_later" in c.__qualname__]
    return MultimodalItem.unscoped.get(tenant=actor.tenant, user_id="u1")


def _caption(actor, item) -> bool:
    with tenant_scope(actor.tenant.pk):
        return item_caption(tenant_id=actor.tenant.pk, item_id=str(item.pk))


def test_the_llm_caption_is_stored_and_searchable(alice, llm, settings,
                                                  django_capture_on_commit_callbacks):  # fmt: skip
    settings.MULTIMODAL_CAPTION_IMAGES = True
    item = _add(alice, "https://img.example.com/rex.jpg", django_capture_on_commit_callbacks)
    assert len(_add.queued) == 1  # the caption task is queued once the add commits
    llm.script(Reply(content="  A brown dog named Rex\nrunning on a sandy beach. "))
    assert _caption(alice, item) is True
    sent = llm.requests[-1]["body"]["messages"][0]["content"]
    assert sent[1] == {"type": "image_url", "image_url": {"url": "https://img.example.com/rex.jpg"}}
    item.refresh_from_db()
    assert item.parts[0]["caption"] == "A brown dog named Rex running on a sandy beach."
    found = alice.client().post("/v1/multimodal/search", {"user_id": "u1", "query": "sandy beach"},
                                format="json").json()  # fmt: skip
    assert [r["id"] for r in found["results"]] == [str(item.pk)]
    calls = len(llm.requests)
    assert _caption(alice, item) is False and len(llm.requests) == calls  # idempotent


def test_a_data_url_image_is_sent_as_its_object(alice, llm, settings,
                                                django_capture_on_commit_callbacks):  # fmt: skip
    settings.MULTIMODAL_CAPTION_IMAGES = True
    url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    item = _add(alice, url, django_capture_on_commit_callbacks)
    llm.script(Reply(content="A tiny test picture."))
    caption_item.run(tenant_id=alice.tenant.pk, item_id=str(item.pk))  # the task's body
    assert llm.requests[-1]["body"]["messages"][0]["content"][1]["image_url"]["url"] == url
    item.refresh_from_db()
    assert (
        item.parts[0]["caption"] == "A tiny test picture."
        and item.captions == item.parts[0]["caption"]
    )


def test_a_failing_llm_leaves_the_item_without_caption(alice, llm, settings,
                                                       django_capture_on_commit_callbacks):  # fmt: skip
    settings.MULTIMODAL_CAPTION_IMAGES = True
    item = _add(alice, "https://img.example.com/x.jpg", django_capture_on_commit_callbacks)
    llm.script(Reply(status=500), Reply(status=500))
    assert _caption(alice, item) is False
    item.refresh_from_db()
    assert "caption" not in item.parts[0] and item.captions == ""


def test_off_by_default_nothing_is_queued(alice, llm, django_capture_on_commit_callbacks):
    item = _add(alice, "https://img.example.com/x.jpg", django_capture_on_commit_callbacks)
    assert item.parts[0].get("caption") is None and _add.queued == []
    assert _caption(alice, item) is False
    assert not any("image_url" in str(r["body"]) for r in llm.requests)
