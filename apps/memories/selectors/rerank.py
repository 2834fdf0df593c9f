"""What happens to the fused ranking before it is answered: the turn a neighbour borrowed moves
up before the borrower, a turn and what was drawn from it take one place, MMR diversifies."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from apps.memories import text
from apps.memories.models import Memory


@dataclass
class Hit:
    memory: Memory
    score: float
    similarity: float


def finite(similarity: float | None) -> float:
    """A stored vector without direction (all zeros) has a NaN cosine with any query; it counts
    as unrelated (0) rather than reaching a JSON answer, which cannot carry NaN."""
    value = float(similarity) if similarity is not None else 0.0
    return value if math.isfinite(value) else 0.0


def _source_ids(memory: Memory) -> set[str]:
    return {
        str(source["message_id"])
        for source in memory.sources
        if isinstance(source, dict) and source.get("message_id") is not None
    }


class OneAnswer:
    """A turn and a memory drawn from it (a fact, a Q&A pair: anything whose sources hold the
    turn's message) never both take a place in the hits: the better ranked one stands for both
    (issue 11, "one answer per fact"). Two facts drawn from one turn are two answers."""

    def __init__(self) -> None:
        self.turns: set[str] = set()  # message ids of the turns taken
        self.drawn: set[str] = set()  # source message ids of the other memories taken

    def take(self, memory: Memory) -> bool:
        sources = _source_ids(memory)
        is_turn = memory.kind == "turn"
        if sources & (self.drawn if is_turn else self.turns):
            return False
        (self.turns if is_turn else self.drawn).update(sources)
        return True


def same_words_key(memory: Memory) -> tuple[str, tuple[str, ...]]:
    sources = tuple(sorted(str(s.get("message_id")) for s in memory.sources if isinstance(s, dict)))
    return memory.value.strip(), sources or (str(memory.pk),)


def _own_words(memory: Memory, terms: set[str]) -> int:
    return len(terms.intersection(text.lexemes(memory.value)))


def owners_before_borrowers(
    pool: list[tuple[str, float]],
    rows: dict[str, Memory],
    terms: list[str],
    own_similarity: Callable[[list[str]], dict[str, float]],
) -> list[tuple[str, float]]:
    """A turn embedded and indexed with its neighbour as context (`embed_context`) can rank on
    the neighbour's words. Where the neighbour is lower in the pool and holds the query better,
    by its own words (lexemes) or, when neither holds one, by the second embedder's similarity
    to its own text (a question in the other language), it moves up to just before the turn
    that borrowed it: borrowed context never outranks the memory that says it (issue 11). On
    LoCoMo this moved frac@10 from 75.4 to 76.5 offline (docs/benchmarks.md). Scores stay as
    fused."""
    wanted = set(terms)
    order = list(pool)
    for _ in range(len(order)):  # bounded: each pass moves one memory up, or stops
        moved = False
        for i, (mid, _score) in enumerate(order):
            borrower = rows.get(mid)
            if borrower is None or not borrower.embed_context:
                continue
            for j in range(i + 1, len(order)):
                owner = rows.get(order[j][0])
                if owner is None or not owner.value.strip():
                    continue
                if owner.value.strip() not in borrower.embed_context:
                    continue
                mine, theirs = _own_words(borrower, wanted), _own_words(owner, wanted)
                if mine == theirs == 0:
                    similarity = own_similarity([mid, order[j][0]])
                    wins = similarity.get(order[j][0], 0.0) > similarity.get(mid, 0.0)
                else:
                    wins = theirs > mine
                if wins:
                    order.insert(i, order.pop(j))
                    moved = True
                break
            if moved:
                break
        if not moved:
            break
    return order


def mmr(hits: list[Hit], vectors: dict[str, np.ndarray], limit: int, lam: float = 0.7) -> list[Hit]:
    chosen: list[Hit] = []
    pool = list(hits)
    while pool and len(chosen) < limit:

        def value(hit: Hit) -> float:
            redundancy = max(
                (float(vectors[str(hit.memory.pk)] @ vectors[str(c.memory.pk)]) for c in chosen),
                default=0.0,
            )
            return lam * hit.score - (1 - lam) * redundancy

        best = max(pool, key=value)
        chosen.append(best)
        pool.remove(best)
    return chosen
