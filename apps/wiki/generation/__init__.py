"""Wiki generation from a RepoIR: skeleton pages (pages), Mermaid diagrams (mermaid) and the
optional LLM narration (narrate)."""

from apps.wiki.generation.mermaid import MermaidError, dependency_diagram, mermaid_check
from apps.wiki.generation.pages import PageDraft, inputs_hash, skeleton_pages

__all__ = [
    "MermaidError",
    "PageDraft",
    "dependency_diagram",
    "inputs_hash",
    "mermaid_check",
    "skeleton_pages",
]
