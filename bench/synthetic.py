"""Synthetic but varied memories and questions, in English and Chinese, from templates."""

from __future__ import annotations

import random

NAMES = [
    "Alice",
    "Bob",
    "Chen Wei",
    "Li Na",
    "Maria",
    "Omar",
    "Sofia",
    "Kenji",
    "Priya",
    "Lukas",
    "王芳",
    "张伟",
    "刘洋",
    "陈静",
    "杨帆",
    "赵磊",
]
PLACES = [
    "Shanghai",
    "Berlin",
    "Nairobi",
    "Lima",
    "Osaka",
    "Toronto",
    "Lisbon",
    "Hanoi",
    "北京",
    "成都",
    "杭州",
    "深圳",
    "西安",
    "广州",
]
FOODS = [
    "strawberries",
    "dumplings",
    "sushi",
    "ramen",
    "tacos",
    "pasta",
    "curry",
    "falafel",
    "草莓",
    "火锅",
    "饺子",
    "烤鸭",
    "小笼包",
    "麻婆豆腐",
]
ACTIVITIES = [
    "hiking",
    "painting",
    "chess",
    "swimming",
    "pottery",
    "running marathons",
    "playing violin",
    "birdwatching",
    "爬山",
    "书法",
    "游泳",
    "弹钢琴",
    "下围棋",
    "跑步",
]
JOBS = [
    "nurse",
    "data scientist",
    "teacher",
    "chef",
    "pilot",
    "architect",
    "lawyer",
    "医生",
    "工程师",
    "老师",
    "设计师",
    "律师",
]
MONTHS = ["January", "March", "May", "July", "September", "November"]

EN = [
    "I really love {food}, especially when {name} cooks them.",
    "{name} moved to {place} in {month} {year} for a new job.",
    "My favourite weekend activity is {activity} with {name}.",
    "I have worked as a {job} for {n} years now.",
    "Last {month} I visited {place} and tried the local {food}.",
    "{name} told me they started {activity} after moving to {place}.",
    "My sister is a {job} and lives near {place}.",
    "I can't stand {food}; I got sick after eating it in {year}.",
    "We are planning a trip to {place} next {month} with {n} friends.",
    "Reminder: {name}'s birthday is on {month} {n}.",
]
ZH = [
    "我特别喜欢吃{food}，尤其是{name}做的。",
    "{name}在{year}年{m}月搬到了{place}工作。",
    "周末我最喜欢和{name}一起{activity}。",
    "我做{job}已经{n}年了。",
    "去年{m}月我去了{place}，尝了当地的{food}。",
    "{name}说他到了{place}以后开始学{activity}。",
    "我姐姐是{job}，住在{place}附近。",
    "我不喜欢{food}，{year}年吃了以后不舒服。",
    "我们打算下个{m}月和{n}个朋友去{place}旅行。",
    "提醒：{name}的生日是{m}月{n}日。",
]
QUESTIONS = [
    "What food do I love?", "Where did {name} move?", "What do I do on weekends?",
    "What is my job?", "When did I visit {place}?", "What did {name} start doing?",
    "Where does my sister live?", "Which food makes me sick?", "Where are we travelling?",
    "When is {name}'s birthday?",
    "我喜欢吃什么？", "{name}搬到哪里了？", "我周末做什么？", "我的工作是什么？", "我什么时候去了{place}？",
    "{name}开始做什么了？", "我姐姐住在哪里？", "我不喜欢吃什么？", "我们要去哪里旅行？", "{name}的生日是哪天？",
]  # fmt: skip


def _slots(rng: random.Random) -> dict[str, object]:
    return {
        "name": rng.choice(NAMES), "place": rng.choice(PLACES), "food": rng.choice(FOODS),
        "activity": rng.choice(ACTIVITIES), "job": rng.choice(JOBS), "month": rng.choice(MONTHS),
        "m": rng.randint(1, 12), "year": rng.randint(2010, 2026), "n": rng.randint(2, 28),
    }  # fmt: skip


def sentences(count: int, seed: int = 7) -> list[str]:
    """`count` sentences, half English and half Chinese, each made unique by a serial tag."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        template = rng.choice(EN if i % 2 == 0 else ZH)
        out.append(f"{template.format(**_slots(rng))} (#{i})")
    return out


def questions(count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(QUESTIONS).format(**_slots(rng)) for _ in range(count)]
