"""A stand-in for the rule extractor (apps.graph.extraction, written separately) in the tests
that are about storage, resolution and queries rather than about extraction: it answers fixed
triples for known sentences."""

from __future__ import annotations

from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class StubTriple:
    subject: str
    subject_type: str
    predicate: str
    object: str
    object_type: str
    confidence: float = 0.9


SENTENCES = {
    "Alice works at Google as a senior engineer.": [
        StubTriple("Alice", "Person", "works_at", "Google", "Organization"),
        StubTriple("Alice", "Person", "has_role", "senior engineer", "Role"),
    ],
    "I live in Paris.": [StubTriple("USER", "Person", "lives_in", "Paris", "Place")],
    "I moved to Berlin.": [StubTriple("USER", "Person", "lives_in", "Berlin", "Place")],
    "張偉在微軟工作。": [StubTriple("張偉", "Person", "works_at", "微軟", "Organization")],
    "张伟住在北京。": [StubTriple("张伟", "Person", "lives_in", "北京", "Place")],
}


@pytest.fixture
def stub_extractor(monkeypatch):
    import apps.graph.extraction as extraction

    monkeypatch.setattr(extraction, "extract", lambda text: SENTENCES.get(text, []),
                        raising=False)  # fmt: skip
    return SENTENCES
