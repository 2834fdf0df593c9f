"""Extractors: the offline rules (default) and an LLM (when one is configured), both giving
`Candidate` facts for a batch's messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings

from apps.memories.models import Message
from apps.pipeline.extraction.rules import Candidate, extract
from apps.tenants.models import Tenant


@dataclass
class Extraction:
    facts: list[Candidate]
    extractor: str  # what ran: "rules", "llm", or "rules (llm failed: ...)"


class Extractor(Protocol):
    def run(self, messages: list[Message]) -> Extraction: ...


class RulesExtractor:
    def run(self, messages: list[Message]) -> Extraction:
        facts: list[Candidate] = []
        for message in messages:
            facts += extract(
                message.content, when=message.timestamp, role=message.role, source_ids=[message.pk]
            )
        return Extraction(facts=facts, extractor="rules")


def choose_extractor(tenant: Tenant) -> Extractor:
    """The LLM when LLM_API_BASE is set and the tenant did not pick `"extractor": "rules"`."""
    if settings.LLM_API_BASE and tenant.settings.get("extractor") != "rules":
        from apps.pipeline.extraction.llm import LlmExtractor

        return LlmExtractor(fallback=RulesExtractor())
    return RulesExtractor()
