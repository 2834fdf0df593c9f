"""The English relation patterns, in the order they are tried (see english). The vocabulary and
fragments are in english_words; the patterns, by predicate family, in english_work (works_at,
has_role), english_groups (member_of) and english_life (lives_in, born_in, studied_at, likes,
owns, located_in)."""

from __future__ import annotations

from apps.graph.extraction.english_groups import GROUPS
from apps.graph.extraction.english_life import HOME, PLACES, TASTES
from apps.graph.extraction.english_words import Rule
from apps.graph.extraction.english_work import WORK

# (pattern, predicate, confidence); groups: s (subject, absent for USER-only patterns), o (the
# object), r (a role that comes with a works_at or a member_of).
RULES: list[Rule] = [*WORK, *HOME, *GROUPS, *TASTES, *PLACES]
