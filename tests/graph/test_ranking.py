"""Graph-aware retrieval: a search that names an entity and asks for one of its relations brings
the memories those edges came from, even when their words do not match the question; a
transcript's speakers are the subjects of what they say; activities and events are edges."""

from __future__ import annotations

import pytest

from apps.core.tenancy import tenant_scope
from apps.graph.extraction import extract
from apps.graph.models import Relation
from apps.graph.ranking import asked_predicates, name_candidates
from apps.memories.models import AddBatch
from apps.memories.services.add import stage_run

pytestmark = pytest.mark.django_db

# Things Tom said: several about other people's activities and fun, one about his own in words
# the question lacks.
DISTRACTORS = [
    "Tom: The kids' summer camp has so many fun activities for them.",
    "Tom: Ana thinks board games are the most fun thing to do.",
    "Tom: My cousin does fun activities with her students every Friday.",
    "Tom: The school lists after-school activities on its website.",
    "Tom: What a fun party that was for my cousin!",
    "Tom: My neighbour's activities club meets on Mondays.",
    "Tom: The museum has fun activities for children all week.",
    "Tom: Ana does her fun stuff on Sundays.",
]
ANSWER = "Tom: On Thursday evenings I've been doing pottery."
QUESTION = "What activities does Tom do for fun?"


def _transcript(actor, user_id):
    messages = [{"role": "user", "content": t} for t in [*DISTRACTORS, ANSWER,
                "Ana: I signed up for a painting class and I love it."]]  # fmt: skip
    response = actor.client().post("/v1/memory/add", {"user_id": user_id, "infer": True,
                                   "messages": messages}, format="json")  # fmt: skip
    assert response.status_code == 200, response.content
    with tenant_scope(actor.tenant.pk):
        batch = AddBatch.objects.filter(user_id=user_id).latest("created_at")
        stage_run(batch=batch, stage_name="graph", actor="test")


def _search(actor, query, user_id="u1", **extra):
    response = actor.client().post("/v1/memory/search", {"query": query, "user_id": user_id,
                                   "limit": 3} | extra, format="json")  # fmt: skip
    assert response.status_code == 200, response.content
    return [hit["memory"] for hit in response.json()["results"]]


def test_speakers_of_a_transcript_are_the_subjects_of_their_turns(alice):
    _transcript(alice, "u1")
    with tenant_scope(alice.tenant.pk):
        edges = {(r.subject.name, r.predicate, r.object.name)
                 for r in Relation.objects.select_related("subject", "object")}  # fmt: skip
    assert ("Tom", "does", "pottery") in edges
    assert ("Ana", "attended", "painting class") in edges
    assert not any(subject == "u1" for subject, _, _ in edges)  # not the user the add named


def test_a_question_about_an_entitys_activities_finds_the_linked_memory(alice):
    _transcript(alice, "u1")
    unlinked = _search(alice, QUESTION, linked=False, limit=10)
    linked = _search(alice, QUESTION, limit=10)
    assert ANSWER not in unlinked[:5]
    assert ANSWER in linked[:5]


def test_naming_an_entity_without_asking_for_a_relation_changes_nothing(alice):
    _transcript(alice, "u1")
    query = "What did Tom say about the weather?"
    assert _search(alice, query) == _search(alice, query, linked=False)


def test_linked_memories_stay_in_the_searchs_scope(alice, charlie):
    _transcript(alice, "u1")
    assert ANSWER not in _search(alice, QUESTION, user_id="u2")  # another user of the tenant
    assert _search(charlie, QUESTION) == []  # another tenant
    memory_id = next(m["id"] for m in alice.client().get(
        "/v1/memory", {"user_id": "u1", "page_size": 100}).json()["results"]
        if m["memory"] == ANSWER)  # fmt: skip
    assert alice.client().delete(f"/v1/memory/{memory_id}").status_code in (200, 204)
    assert ANSWER not in _search(alice, QUESTION)


def test_a_single_turn_with_a_name_prefix_is_the_users_own():
    # One "Name:" line is not a transcript: "Note: I live in Paris" stays the user's statement.
    from apps.graph.stage import speakers
    from apps.memories.models import Message

    one = [Message(pk=1, role="user", content="Note: I live in Paris", metadata={})]
    assert speakers(one) == {}
    two = [Message(pk=1, role="user", content="Tom: I live in Paris", metadata={}),
           Message(pk=2, role="user", content="Ana: I live in Rome", metadata={})]  # fmt: skip
    assert speakers(two) == {1: "Tom", 2: "Ana"}
    zh = [Message(pk=4, role="user", content="张伟：我住在北京。", metadata={}),
          Message(pk=5, role="user", content="李娜：我在上海工作。", metadata={})]  # fmt: skip
    assert speakers(zh) == {4: "张伟", 5: "李娜"}
    meta = [Message(pk=3, role="user", content="I live in Oslo", metadata={"speaker": "Kim"})]
    assert speakers(meta) == {3: "Kim"}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What activities does Melanie partake in?", {"does", "attended"}),
        ("Where does Tom's sister live?", {"lives_in", "sibling_of"}),
        ("我妹妹住在哪里？", {"lives_in", "sibling_of"}),
        ("张伟在哪个公司工作？", {"works_at"}),
        ("What is Caroline's identity?", set()),
    ],
)
def test_asked_relations(question, expected):
    assert expected <= set(asked_predicates(question))
    if not expected:
        assert asked_predicates(question) == []


def test_name_candidates_cover_latin_and_chinese_names():
    keys = name_candidates("Did Mary Ann's brother visit 張偉 in New York?")
    assert {"mary ann", "new york", "张伟"} <= set(keys)
    assert "did" not in keys


@pytest.mark.parametrize(
    ("text", "triple"),
    [
        ("I just signed up for a pottery class yesterday.", ("attended", "pottery class")),
        ("We went camping with the kids two weekends ago.", ("does", "camping")),
        ("Last week I went to an LGBTQ+ pride parade.", ("attended", "LGBTQ+ pride parade")),
        ("I've been running farther to de-stress.", ("does", "running")),
        ("我上周参加了一个读书会。", ("attended", "读书会")),
        ("我最近在学游泳", ("does", "游泳")),
    ],
)
def test_activities_are_extracted(text, triple):
    assert triple in {(t.predicate, t.object) for t in extract(text) if t.subject == "USER"}


@pytest.mark.parametrize(
    "text",
    ["I did not go to the party.", "I'm going to the concert next week.", "我没去参加聚会",
     "I might join a book club.", "I went to bed early.", "I took my kids to the museum."],
)  # fmt: skip
def test_no_activity_from_negations_plans_or_chores(text):
    assert not [t for t in extract(text) if t.predicate in {"attended", "does"}]
