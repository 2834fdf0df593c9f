"""Issue 11, item 2: search takes the dialogue itself (`messages`, as chat has it) or a transcript
as `query`, and looks up what its last turns are about."""

from __future__ import annotations

import pytest

from apps.memories.query import lookup_text, transcript_turns

ADD, SEARCH = "/v1/memory/add", "/v1/memory/search"
EVENTS = [
    "We adopted a retired racing greyhound named Pepper; she is scared of stairs.",
    "My manager books every meeting at 8am and I am not a morning person.",
    "Started learning the cello in January, lessons every Thursday evening.",
    "我妹妹下个月要在杭州结婚，我是伴娘。",
    "最近膝盖有点疼，医生说暂时别跑步了。",
]
DIALOGUE = [
    {"role": "user", "content": "Any tips for a weekend trip with a dog?"},
    {"role": "assistant", "content": "Sure! How does your dog handle stairs and long walks?"},
    {"role": "user", "content": "Long walks are fine, but the hotel only has stairs..."},
]


@pytest.fixture
def events(alice):
    for text in EVENTS:  # separate adds, as an app records what a user says over weeks
        response = alice.client().post(ADD, {"user_id": "u1", "messages": text}, format="json")
        assert response.status_code == 200
    return alice


def search(actor, **body):
    response = actor.client().post(SEARCH, {"user_id": "u1", **body}, format="json")
    assert response.status_code == 200, response.content
    return [hit["memory"] for hit in response.json()["results"]]


def test_messages_find_what_the_dialogue_is_about(events):
    assert search(events, messages=DIALOGUE)[0] == EVENTS[0]
    zh = [{"role": "user", "content": "周末想去爬山，你觉得怎么样？"},
          {"role": "assistant", "content": "好主意！你最近身体状况怎么样？"},
          {"role": "user", "content": "还行吧，就是腿不太舒服。"}]  # fmt: skip
    assert search(events, messages=zh)[0] == EVENTS[4]


def test_a_transcript_as_query_is_read_as_the_dialogue(events):
    transcript = "\n".join(f"{m['role']}: {m['content']}" for m in DIALOGUE)
    assert search(events, query=transcript)[0] == EVENTS[0]


def test_a_question_is_still_a_question(events):
    assert search(events, query="what instrument am I learning?")[0] == EVENTS[2]
    assert search(events, query="妹妹 结婚")[0] == EVENTS[3]


def test_search_needs_a_query_or_messages(events):
    response = events.client().post(SEARCH, {"user_id": "u1"}, format="json")
    assert response.status_code == 400
    assert "query" in response.json()["error"]["details"]
    bad = events.client().post(SEARCH, {"user_id": "u1", "messages": [{"role": "robot",
                                                                       "content": "hi"}]},
                               format="json")  # fmt: skip
    assert bad.status_code == 400
    assert "messages" in bad.json()["error"]["details"]


def test_another_tenant_finds_nothing_with_the_same_dialogue(events, charlie):
    response = charlie.client().post(SEARCH, {"user_id": "u1", "messages": DIALOGUE},
                                     format="json")  # fmt: skip
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_the_query_is_the_last_turns_without_their_labels():
    lookup = lookup_text("", [{"role": "system", "content": "You are helpful."}, *DIALOGUE,
                              {"role": "assistant", "content": ""}])  # fmt: skip
    assert lookup.dialogue
    assert lookup.text == "\n".join(m["content"] for m in DIALOGUE)
    assert lookup_text("what instrument am I learning?").dialogue is False
    assert transcript_turns("Note: user: is a label only at a line start") is None
    turns = transcript_turns("User: I moved\nlast month, actually\n助手：去哪里了？")
    assert turns == [("user", "I moved\nlast month, actually"), ("assistant", "去哪里了？")]
