"""The offline extractor and the relative-time resolver, in English and Chinese."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from apps.pipeline.extraction.rules import extract
from apps.pipeline.extraction.timeparse import find_times

WED = datetime(2024, 3, 13, 10, tzinfo=UTC)  # a Wednesday


@pytest.mark.parametrize(("phrase", "label"), [
    ("yesterday", "2024-03-12"), ("the day before yesterday", "2024-03-11"),
    ("last Friday", "2024-03-08"), ("this Friday", "2024-03-15"), ("next Friday", "2024-03-22"),
    ("3 days ago", "2024-03-10"), ("two weeks ago", "2024-02-28"), ("last month", "2024-02"),
    ("next year", "2025"), ("on March 3rd", "2024-03-03"),
    ("昨天", "2024-03-12"), ("前天", "2024-03-11"), ("上周五", "2024-03-08"), ("下周五", "2024-03-22"),
    ("这周日", "2024-03-17"), ("三天前", "2024-03-10"), ("上个月", "2024-02"), ("明年", "2025"),
    ("去年", "2023"), ("3月3日", "2024-03-03"), ("2023年12月25日", "2023-12-25"),
])  # fmt: skip
def test_relative_times_resolve_against_the_message_date(phrase, label):
    [ref] = find_times(phrase, WED.date())
    assert ref.label() == label


def facts(text):
    return [(f.kind, f.key) for f in extract(text, when=WED)]


def test_english_self_statements():
    assert facts("My name is Anna and I live in Berlin.") == [
        ("identity", "identity:name"),
        ("place", "place:home"),
    ]
    assert facts("I really love sushi, but I hate olives.") == [
        ("preference", "taste:sushi"),
        ("dislike", "taste:oliv"),
    ]
    assert facts("I'm allergic to peanuts") == [("health", "health:peanut")]
    assert facts("My daughter Lily is 5") == [("family", "family:daughter")]
    assert facts("I just bought a new bike") == [("possession", "possession:bike")]


def test_chinese_self_statements_keep_chinese():
    assert facts("我住在北京") == [("place", "place:home")]
    assert facts("我在腾讯工作") == [("job", "job:employer")]
    assert facts("我很喜欢吃火锅") == [("preference", "taste:火锅")]
    assert facts("我讨厌香菜") == [("dislike", "taste:香菜")]
    [fact] = extract("我对花生过敏", when=WED)
    assert fact.value == "我对花生过敏" and fact.lang == "zh"


def test_events_and_plans_get_absolute_dates_in_the_users_language():
    [event] = extract("I went hiking yesterday with my dog", when=WED)
    assert event.kind == "event" and event.occurred_at.date() == date(2024, 3, 12)
    assert "yesterday (2024-03-12)" in event.value
    [event] = extract("上周五我去了杭州", when=WED)
    assert event.occurred_at.date() == date(2024, 3, 8)
    assert event.value == "上周五（2024年3月8日）我去了杭州"
    [plan] = extract("我打算明年考研", when=WED)
    assert plan.kind == "plan" and plan.occurred_at.year == 2025


def test_questions_requests_hypotheticals_and_assistant_turns_state_nothing():
    assert extract("Can you write me an email?", when=WED) == []
    assert extract("If I were rich I'd buy a boat", when=WED) == []
    assert extract("你能帮我写一封邮件吗？", when=WED) == []
    assert extract("I live in Paris", when=WED, role="assistant") == []


def test_retractions_are_marked():
    [fact] = extract("I don't have a dog anymore", when=WED)
    assert fact.retraction and fact.obj == "dog"
    [fact] = extract("我已经不在腾讯工作了", when=WED)
    assert fact.retraction and fact.obj == "腾讯"


def test_mixed_language_clauses_keep_no_dangling_punctuation():
    found = extract("我喜欢草莓, and I moved to Shanghai last May", when=WED)
    preference = next(f for f in found if f.kind == "preference")
    assert (preference.value, preference.key) == ("我喜欢草莓", "taste:草莓")


def test_a_compound_sentence_gives_a_fact_per_clause_with_its_own_text():
    found = extract("I live in Beijing and I have a dog named Max", when=WED)
    assert [(f.key, f.value) for f in found] == [
        ("place:home", "I live in Beijing"),
        ("family:dog", "I have a dog named Max"),
    ]
    found = extract("我住在北京，而且养了一只猫", when=WED)
    assert [(f.key, f.obj) for f in found] == [("place:home", "北京"), ("family:pet", "猫")]
    # "Chris and I": too short a left side to be a clause of its own
    assert len(extract("Chris and I got married last weekend", when=WED)) == 1


def test_objects_stop_at_a_prepositional_tail():
    [fact] = extract("I live in Beijing with my wife and two kids.", when=WED)
    assert (fact.key, fact.obj) == ("place:home", "Beijing")


def test_a_move_is_the_home_dated_as_said():
    [fact] = extract("we moved to Shanghai last month!", when=WED)
    assert (fact.key, fact.obj, fact.occurred_at.date()) == (
        "place:home",
        "Shanghai",
        date(2024, 2, 1),
    )
    [fact] = extract("我们上个月搬到了上海", when=WED)
    assert (fact.key, fact.obj, fact.time_precision) == ("place:home", "上海", "month")


def test_a_third_person_subject_is_never_the_users_identity():
    assert extract("她今年五岁", when=WED) == []
    assert [f.key for f in extract("我女儿今年五岁", when=WED)] == ["family:女儿"]


def test_a_retraction_names_the_slot_its_verb_retracts():
    [fact] = extract("我已经不在腾讯工作了", when=WED)
    assert (fact.retraction, fact.key) == (True, "job:employer")
    [fact] = extract("I don't live in Boston anymore", when=WED)
    assert (fact.retraction, fact.key, fact.obj) == (True, "place:home", "Boston")


def test_chat_spelling_and_favourites():
    [fact] = extract("i moved to shanghai last month lol", when=WED)
    assert (fact.key, fact.obj) == ("place:home", "Shanghai")
    [fact] = extract("my favorite band these days is Arctic Monkeys", when=WED)
    assert (fact.key, fact.obj) == ("favorite:band", "Arctic Monkeys")
