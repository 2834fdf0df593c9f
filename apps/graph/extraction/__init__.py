"""Rule-based relation extraction, English and Chinese, without an LLM.

    from apps.graph.extraction import extract
    extract("My friend Tom works at Apple")
    # [ExtractedTriple("USER", "Person", "friend_of", "Tom", "Person", 0.85),
    #  ExtractedTriple("Tom", "Person", "works_at", "Apple", "Organization", 0.85)]

The speaking user is the subject "USER". Predicates are `triple.PREDICATES`: works_at,
has_role, lives_in, born_in, married_to, parent_of ("my daughter Emma": USER parent_of Emma),
child_of ("my mom Linda": USER child_of Linda), sibling_of, friend_of, likes, owns ("a dog named
Max": USER owns Max), studied_at, member_of, located_in; what the speaker takes part in and
does (`ACTIVITY_PREDICATES`: attended, does; extraction/activities.py). Objects are the minimal span
("Google", "上海", "senior engineer"). Negations, questions, plans, suppositions and ended
facts give nothing. Traditional Chinese is read as simplified (names come out simplified);
a sentence with Chinese characters is read by the Chinese rules, then by the English ones for
what those did not find (mixed-language sentences: "我在Google工作", "My mom lives in 上海").
"""

from __future__ import annotations

import re

from apps.graph.extraction import activities, chinese, english
from apps.graph.extraction.normalise import has_han, is_question, name_key, prepare, sentences
from apps.graph.extraction.triple import (
    ACTIVITY_PREDICATES,
    ENTITY_TYPES,
    PREDICATES,
    USER,
    Context,
    ExtractedTriple,
    Found,
)

__all__ = [
    "ACTIVITY_PREDICATES",
    "ENTITY_TYPES",
    "PREDICATES",
    "USER",
    "ExtractedTriple",
    "extract",
    "name_key",
]

MAX_TEXT = 20_000  # characters read from one text; the rest is ignored


_MIXED = re.compile(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}")


def _as_written(name: str, sentence: str) -> str:
    """A name as the sentence spells it (chat text is capitalised for the rules)."""
    if name == USER or name in sentence:
        return name
    found = re.search(re.escape(name), sentence, re.I)
    return found.group(0) if found else name


def extract(text: str) -> list[ExtractedTriple]:
    """The relations `text` states (see the module docstring), each once, in order."""
    ctx = Context()
    out: dict[tuple[str, str, str], ExtractedTriple] = {}
    for sentence in sentences(prepare(text[:MAX_TEXT])):
        if is_question(sentence):
            continue
        found: list[Found] = []
        if has_han(sentence):
            found += chinese.extract_sentence(sentence, ctx)
        if not found or _MIXED.search(sentence):  # code-switched: the English rules as well
            for clause in english.clauses(english.tidy(sentence)):
                found += english.extract_clause(clause, ctx)
            found = [
                (_as_written(f[0], sentence), *f[1:3], _as_written(f[3], sentence), *f[4:])
                for f in found
            ]
        found += activities.extract_sentence(sentence)
        for subject, subject_type, predicate, obj, object_type, confidence in found:
            if not subject or not obj or subject == obj:
                continue
            key = (name_key(subject), predicate, name_key(obj))
            if key not in out:
                out[key] = ExtractedTriple(
                    subject=subject,
                    subject_type=subject_type,
                    predicate=predicate,
                    object=obj,
                    object_type=object_type,
                    confidence=confidence,
                )
    return list(out.values())
