"""mem0's own MemoryClient (mem0ai 2.2.1), unchanged, adding a PDF as mem0's docs show it (the
content is the part, its url the file's base64) to the platform under uvicorn, then searching."""

from __future__ import annotations

import base64

import pytest
from mem0 import MemoryClient

from tests.multimodal.pdfmake import pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def test_mem0_client_adds_a_pdf_and_search_names_its_page(live_api, alice):
    client = MemoryClient(api_key=alice.secret, host=live_api.url)
    pdf = pdf_bytes(
        ["Minutes of the board.", "第二页：新办公室在杭州西湖区。\nThe new office opens in May."]
    )
    message = {
        "role": "user",
        "content": {"type": "pdf_url", "pdf_url": {"url": base64.b64encode(pdf).decode()}},
    }
    added = client.add([message], user_id="dora", infer=False)
    pages = [r["metadata"]["page"] for r in added["results"]
             if (r.get("metadata") or {}).get("document_type") == "pdf"]  # fmt: skip
    assert pages == [1, 2]
    found = client.search("新办公室在哪里", filters={"user_id": "dora"}, top_k=3)
    top = next(r for r in found["results"] if (r["metadata"] or {}).get("document_id"))
    assert "杭州" in top["memory"] and top["metadata"]["page"] == 2
