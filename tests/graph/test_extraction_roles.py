"""English jobs and groups (has_role, member_of) in the rule-based extractor: the general patterns
(officers of a group, boards, department titles, "we are members of", chat style) and what must
give nothing (judgements, kinship, departments, function words). The sentences are the tests'
own, written apart from the benchmark sets."""

from __future__ import annotations

import pytest

from apps.graph.extraction import PREDICATES, USER, extract, name_key

RELATIONS = set(PREDICATES[:14])  # the relation predicates (activities are tested elsewhere)


def keys(text: str) -> set[tuple[str, str, str]]:
    """Case-blind, as the benchmark compares."""
    return {
        (name_key(t.subject) if t.subject != USER else USER, t.predicate, name_key(t.object))
        for t in extract(text)
        if t.predicate in RELATIONS
    }


def want(*triples: tuple[str, str, str]) -> set[tuple[str, str, str]]:
    return {(s if s == USER else name_key(s), p, name_key(o)) for s, p, o in triples}


ROLES = [
    ("I'm a nurse at St. Mary's.", [(USER, "has_role", "nurse"), (USER, "works_at", "St. Mary's")]),
    (
        "im a nurse at st marys hospital and i love it",
        [(USER, "has_role", "nurse"), (USER, "works_at", "st marys hospital")],
    ),
    (
        "My cousin Raj is an architect in Dubai.",
        [("Raj", "has_role", "architect"), ("Raj", "lives_in", "Dubai")],
    ),
    (
        "I'm head of marketing at Acme.",
        [(USER, "has_role", "head of marketing"), (USER, "works_at", "Acme")],
    ),
    (
        "Mark is VP of Sales at Zendesk.",
        [("Mark", "has_role", "VP of Sales"), ("Mark", "works_at", "Zendesk")],
    ),
    (
        "I'm the director of operations at Fieldstone.",
        [(USER, "has_role", "director of operations"), (USER, "works_at", "Fieldstone")],
    ),
    (
        "I'm co-founder of Tandem Labs.",
        [(USER, "has_role", "co-founder"), (USER, "works_at", "Tandem Labs")],
    ),
    ("I'm the CEO of Brightline.", [(USER, "has_role", "CEO"), (USER, "works_at", "Brightline")]),
    (
        "I got a job as a cashier at Walmart.",
        [(USER, "has_role", "cashier"), (USER, "works_at", "Walmart")],
    ),
    (
        "I just started as a junior developer at Shopify.",
        [(USER, "has_role", "junior developer"), (USER, "works_at", "Shopify")],
    ),
    (
        "I'm now a team lead at Atlassian.",
        [(USER, "has_role", "team lead"), (USER, "works_at", "Atlassian")],
    ),
    ("I'm a partner at McKinsey.", [(USER, "has_role", "partner"), (USER, "works_at", "McKinsey")]),
    ("I became a paramedic last spring.", [(USER, "has_role", "paramedic")]),
    ("Just got promoted to senior manager!", [(USER, "has_role", "senior manager")]),
    ("I work nights as a security guard.", [(USER, "has_role", "security guard")]),
    ("im working as a cashier rn", [(USER, "has_role", "cashier")]),
    (
        "My husband Tom, a pilot, is away a lot.",
        [(USER, "married_to", "Tom"), ("Tom", "has_role", "pilot")],
    ),
    ("As a welder, I work odd hours.", [(USER, "has_role", "welder")]),
    ("I'm a mom and a nurse.", [(USER, "has_role", "nurse")]),
    ("My job title is senior analyst.", [(USER, "has_role", "senior analyst")]),
    ("I'm an ICU nurse.", [(USER, "has_role", "ICU nurse")]),
    ("I'm on the marketing team at HubSpot.", [(USER, "works_at", "HubSpot")]),
]
GROUPS = [
    ("I joined the chess club.", [(USER, "member_of", "chess club")]),
    ("just joined the local running club!!", [(USER, "member_of", "running club")]),
    ("We're members of the Sierra Club.", [(USER, "member_of", "Sierra Club")]),
    ("My wife and I are members of the country club.", [(USER, "member_of", "country club")]),
    ("me and my buddies are in a fantasy football league", [(USER, "member_of", "fantasy football league")]),
    ("I've been a member of the YMCA for years.", [(USER, "member_of", "YMCA")]),
    ("I'm a card-carrying member of the ACLU.", [(USER, "member_of", "ACLU")]),
    ("I'm a member of the local chapter of the Audubon Society.", [(USER, "member_of", "Audubon Society")]),
    ("I'm on the board of the Red Cross.", [(USER, "member_of", "Red Cross")]),
    ("I serve on the school board.", [(USER, "member_of", "school board")]),
    ("Tom's on the board of the Art Institute.", [("Tom", "member_of", "Art Institute")]),
    ("I'm the treasurer of our neighborhood association.", [(USER, "has_role", "treasurer"), (USER, "member_of", "neighborhood association")]),
    ("I serve as treasurer of the Rotary Club.", [(USER, "has_role", "treasurer"), (USER, "member_of", "Rotary Club")]),
    ("I'm the captain of my bowling team.", [(USER, "has_role", "captain"), (USER, "member_of", "bowling team")]),
    ("I was elected secretary of the HOA last month.", [(USER, "has_role", "secretary"), (USER, "member_of", "HOA")]),
    ("I'm a deacon at First Baptist Church.", [(USER, "has_role", "deacon"), (USER, "member_of", "First Baptist Church")]),
    ("I'm a bass player in a cover band called Second Hand.", [(USER, "member_of", "Second Hand")]),
    ("I'm a reservist in the Army.", [(USER, "member_of", "Army")]),
    ("I serve in the Navy.", [(USER, "member_of", "Navy")]),
    ("I've been in the Air Force for six years.", [(USER, "member_of", "Air Force")]),
    ("Our family belongs to Temple Beth El.", [(USER, "member_of", "Temple Beth El")]),
    ("I'm a union member.", [(USER, "member_of", "union")]),
    ("I'm a part of the PTA.", [(USER, "member_of", "PTA")]),
    ("I'm involved with the Lions Club.", [(USER, "member_of", "Lions Club")]),
    ("I play in a Sunday league.", [(USER, "member_of", "Sunday league")]),
    ("I'm in a D&D group with my coworkers.", [(USER, "member_of", "D&D group")]),
    ("My daughter Lily is on the swim team.", [(USER, "parent_of", "Lily"), ("Lily", "member_of", "swim team")]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), ROLES + GROUPS, ids=[t for t, _ in ROLES + GROUPS])
def test_jobs_and_groups(text, expected):
    assert keys(text) == want(*expected)


@pytest.mark.parametrize(
    "text",
    [
        # a judgement, a wish or a trait is no job
        "I'm a good cook.",
        "I'm a terrible singer.",
        "I'm an aspiring writer.",
        "I'm a hard worker.",
        "I'm a team player.",
        "I'm a morning person.",
        "My job is boring.",
        "My job is nursing.",
        # kinship and other ties around a job word are not the speaker's job
        "I'm a friend of a doctor.",
        "I'm the daughter of a farmer.",
        "I'm a client of a lawyer in town.",
        "Tom is a friend of the manager.",
        # ended, wished, asked or unnamed
        "I was a teacher for ten years.",
        "I want to be a doctor.",
        "Are you a nurse?",
        "She's a lawyer.",
        # no group: a bare word, a department, a meeting, a chat, something else entirely
        "I'm on the team.",
        "I'm on the sales team.",
        "I'm in a meeting with the team.",
        "I'm in a group chat with my coworkers.",
        "I'm a member of staff at the library.",
        "I'm on board with that.",
        "I'm on the phone with the bank.",
        "I left the band.",
        "I used to be in a choir.",
        "I'm thinking of joining a gym.",
        "I met Tom at the chess club.",
        "My book club is reading Dune.",
        "I signed up for a pottery class.",
    ],
)
def test_what_is_no_job_and_no_group(text):
    assert keys(text) == set()


def test_an_officer_of_a_company_works_there_and_of_a_club_is_a_member():
    assert keys("I'm the president of Acme Inc.") == want(
        (USER, "has_role", "president"), (USER, "works_at", "Acme Inc")
    )
    assert keys("I'm the president of the chess club.") == want(
        (USER, "has_role", "president"), (USER, "member_of", "chess club")
    )
    assert keys("I'm a scout leader with Troop 42.") == want(
        (USER, "has_role", "scout leader"), (USER, "member_of", "Troop 42")
    )
    assert keys("I'm a captain at Delta.") == want(
        (USER, "has_role", "captain"), (USER, "works_at", "Delta")
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我担任公司的财务总监。", [(USER, "has_role", "财务总监")]),
        ("我在学校担任班主任。", [(USER, "has_role", "班主任")]),
        ("我是合唱团的成员。", [(USER, "member_of", "合唱团")]),
        ("我加入了公司的篮球队。", [(USER, "member_of", "篮球队")]),
        ("我是共产党员。", [(USER, "member_of", "共产党")]),
    ],
)
def test_chinese_roles_and_groups(text, expected):
    assert keys(text) == want(*expected)


@pytest.mark.parametrize(
    "text",
    [
        "我是这个群的成员。",  # a demonstrative: which group is not named
        "我是家庭的一员。",
        "我是公司的一员。",
        "我是他们的粉丝。",  # a pronoun is no group and nothing liked by name
        "我加入了微信群。",  # a chat, not a group one is a member of
        "我加入了他们的讨论。",
        "我加入了购物车。",
        "我在群里说了这件事。",
        "我在团队里负责设计。",
        "我是一名党员。",  # which party is not said
        "我担任过班长。",
        "我退出了合唱团。",
        "我想加入登山协会。",
    ],
)
def test_chinese_what_is_no_group(text):
    assert keys(text) == set()


def test_chat_messages_with_several_facts():
    assert keys("grew up in ohio, went to ohio state, now im a nurse in columbus") == want(
        (USER, "studied_at", "Ohio State"),
        (USER, "has_role", "nurse"),
        (USER, "lives_in", "Columbus"),
    )
    assert keys("Work at Google, live in SF.") == want(
        (USER, "works_at", "Google"), (USER, "lives_in", "SF")
    )
    assert keys("i live in leeds w my gf") == want((USER, "lives_in", "leeds"))
    assert keys("Been at Microsoft for about 6 yrs now as a PM.") == want(
        (USER, "works_at", "Microsoft"), (USER, "has_role", "PM")
    )
    assert keys("Quick update - I moved to Austin last month for a new job at Dell.") == want(
        (USER, "lives_in", "Austin"), (USER, "works_at", "Dell")
    )
    assert keys("btw my daughter Mia started at Oakwood Elementary this fall!") == want(
        (USER, "parent_of", "Mia"), ("Mia", "studied_at", "Oakwood Elementary")
    )
    assert keys("My best friend Aisha just got married to her boyfriend Omar!") == want(
        (USER, "friend_of", "Aisha"), ("Aisha", "married_to", "Omar")
    )


@pytest.mark.parametrize(
    "text",
    [
        "I went to Paris last week.",  # a trip, not a school
        "I go to Trader Joe's every Sunday.",
        "We went to Disneyland.",
        "I'm looking for a job at Google.",  # a search, not a job
    ],
)
def test_trips_and_searches_give_nothing(text):
    assert keys(text) == set()


def test_a_town_a_corps_and_a_committee():
    assert keys("my sister Ana works as a paralegal in Miami") == want(
        (USER, "sibling_of", "Ana"), ("Ana", "has_role", "paralegal"), ("Ana", "lives_in", "Miami")
    )
    assert keys("I'm a sergeant in the Marines.") == want(
        (USER, "has_role", "sergeant"), (USER, "member_of", "Marines")
    )
    assert keys("I'm on the planning committee for the town fair.") == want(
        (USER, "member_of", "planning committee")
    )
    assert keys("My wife and I are members of St. Luke's parish.") == want(
        (USER, "member_of", "St. Luke's parish")
    )
    assert keys("I've worked as a pharmacist for 15 years.") == want(
        (USER, "has_role", "pharmacist")
    )
    assert keys("I worked as a waiter in college.") == set()  # ended
    assert keys("I'm planning a trip to Rome.") == set()


def test_chinese_likes_keep_activities_but_not_pronouns():
    assert keys("我喜欢聊天。") == want((USER, "likes", "聊天"))
    assert keys("我喜欢他们。") == set()


def test_a_school_without_a_school_word_needs_school_talk():
    assert keys("I went to Rutgers for undergrad.") == want((USER, "studied_at", "Rutgers"))
    assert keys("I went to Harvard.") == want((USER, "studied_at", "Harvard"))
    assert keys("I went to Rutgers.") == set()  # a visit as much as a school
