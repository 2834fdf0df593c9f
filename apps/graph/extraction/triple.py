"""What the extractor gives: triples about the speaking user and the people, places and
organisations they name."""

from __future__ import annotations

from dataclasses import dataclass, field

USER = "USER"  # the speaking user: I / me / my / 我 / 我的 / 俺 / 咱

PREDICATES = (
    "works_at",
    "has_role",
    "lives_in",
    "born_in",
    "married_to",
    "parent_of",
    "child_of",
    "sibling_of",
    "friend_of",
    "likes",
    "owns",
    "studied_at",
    "member_of",
    "located_in",
)
# What the speaker takes part in and does (extraction/activities.py): not in the labelled sets'
# schema, so the extraction benchmark counts them apart.
ACTIVITY_PREDICATES = ("attended", "does")
ENTITY_TYPES = (
    "Person", "Organization", "Place", "Role", "Thing", "Group", "School", "Event", "Activity",
)  # fmt: skip

# The type an object of each predicate has (located_in's subject is typed by the rule).
OBJECT_TYPE = {
    "works_at": "Organization",
    "has_role": "Role",
    "lives_in": "Place",
    "born_in": "Place",
    "married_to": "Person",
    "parent_of": "Person",
    "child_of": "Person",
    "sibling_of": "Person",
    "friend_of": "Person",
    "likes": "Thing",
    "owns": "Thing",
    "studied_at": "School",
    "member_of": "Group",
    "located_in": "Place",
    "attended": "Event",
    "does": "Activity",
}


@dataclass(frozen=True)
class ExtractedTriple:
    subject: str
    subject_type: str
    predicate: str
    object: str
    object_type: str
    confidence: float


Found = tuple[str, str, str, str, str, float]  # subject, type, predicate, object, type, conf


@dataclass
class Context:
    """What earlier clauses of the same text said: who "he", "she" and "they" are, which names
    are people, the organisation last named (for "which is based in ...")."""

    last_person: str = ""
    pair: tuple[str, ...] = ()
    persons: set[str] = field(default_factory=set)
    last_org: str = ""

    def person(self, name: str) -> str:
        self.persons.add(name)
        self.last_person = name
        return name
