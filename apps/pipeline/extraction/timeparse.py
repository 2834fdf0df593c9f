"""Relative time expressions in English and Chinese, resolved against the message's timestamp.

Weeks start on Monday. "last Friday" / 上周五 is the Friday of the previous calendar week,
"this Friday" / 这周五 of the current one, "next Friday" / 下周五 of the next one. Each match
carries its precision (day, month, year, week) so a fact is dated no more finely than it was
said. Dates in words ("March 3rd", "3月3日") take the message's year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

WEEKDAYS_EN = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS_ZH = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
MONTHS_EN = ["january", "february", "march", "april", "may", "june", "july", "august",
             "september", "october", "november", "december"]  # fmt: skip
ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9, "十": 10}  # fmt: skip
EN_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
              "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "couple of": 2}  # fmt: skip


@dataclass(frozen=True)
class TimeRef:
    day: date  # the resolved date (first day of the month/year/week for coarser precisions)
    precision: str  # day | week | month | year
    text: str  # the expression as written
    future: bool

    def label(self) -> str:
        if self.precision == "year":
            return f"{self.day.year}"
        if self.precision == "month":
            return f"{self.day:%Y-%m}"
        return self.day.isoformat()


def _zh_number(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    if "十" not in token or token == "十":
        return ZH_DIGITS.get(token) if len(token) == 1 else None
    tens, _, units = token.partition("十")  # 十五 15, 二十 20, 二十五 25
    return (ZH_DIGITS.get(tens, 0) if tens else 1) * 10 + (ZH_DIGITS.get(units, 0) if units else 0)


def _month_shift(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _week_start(day: date, weeks: int = 0) -> date:
    return day - timedelta(days=day.weekday()) + timedelta(weeks=weeks)


_N_EN = r"(\d+|a couple of|couple of|an?|one|two|three|four|five|six|seven|eight|nine|ten)"
_EN_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bthe day before yesterday\b", re.I), "d-2"),
    (re.compile(r"\bthe day after tomorrow\b", re.I), "d+2"),
    (re.compile(r"\byesterday\b", re.I), "d-1"),
    (re.compile(r"\b(today|tonight|this (morning|afternoon|evening))\b", re.I), "d+0"),
    (re.compile(r"\btomorrow\b", re.I), "d+1"),
    (re.compile(rf"\b{_N_EN} (day|week|month|year)s? ago\b", re.I), "ago"),
    (re.compile(rf"\bin {_N_EN} (day|week|month|year)s?\b", re.I), "in"),
    (
        re.compile(
            r"\b(last|this|next|on|coming) (monday|tuesday|wednesday|thursday|friday|"
            r"saturday|sunday)\b",
            re.I,
        ),
        "weekday",
    ),
    (re.compile(r"\b(last|this|next) (week|month|year)\b", re.I), "period"),
    (
        re.compile(
            r"\b(?:on )?(january|february|march|april|may|june|july|august|september|"
            r"october|november|december) (\d{1,2})(?:st|nd|rd|th)?\b",
            re.I,
        ),
        "monthday",
    ),
    (
        re.compile(
            r"\b(?:on )?(?:the )?(\d{1,2})(?:st|nd|rd|th)? of (january|february|march|april|"
            r"may|june|july|august|september|october|november|december)\b",
            re.I,
        ),
        "daymonth",
    ),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), "iso"),
]
_ZH_NUM = r"([0-9]+|[零一二两三四五六七八九十]{1,3})"
_ZH_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"大前天"), "d-3"),
    (re.compile(r"前天"), "d-2"),
    (re.compile(r"大后天"), "d+3"),
    (re.compile(r"后天"), "d+2"),
    (re.compile(r"昨天|昨晚|昨日"), "d-1"),
    (re.compile(r"今天|今晚|今早|今日"), "d+0"),
    (re.compile(r"明天|明早|明晚"), "d+1"),
    (re.compile(rf"{_ZH_NUM}(天|个星期|周|个月|年)(前|以前|之前)"), "ago"),
    (re.compile(rf"{_ZH_NUM}(天|个星期|周|个月|年)(后|以后|之后)"), "in"),
    (re.compile(r"(上上|上|这|本|下下|下)(周|星期|礼拜)([一二三四五六日天])"), "weekday"),
    (re.compile(r"(周|星期|礼拜)([一二三四五六日天])"), "bare_weekday"),
    (re.compile(r"(上|这|本|下)(个)?(周|星期|礼拜|月)"), "period"),
    (re.compile(r"(去年|前年|今年|明年|后年)"), "year"),
    (re.compile(rf"(?:(\d{{4}})年)?{_ZH_NUM}月{_ZH_NUM}[日号]"), "monthday"),
]


def _unit_shift(day: date, n: int, unit: str) -> TimeRef | None:
    unit = unit.lower()
    if unit in ("day", "天"):
        return TimeRef(day + timedelta(days=n), "day", "", n > 0)
    if unit in ("week", "周", "个星期"):
        return TimeRef(day + timedelta(weeks=n), "week", "", n > 0)
    if unit in ("month", "个月"):
        return TimeRef(_month_shift(day, n), "month", "", n > 0)
    if unit in ("year", "年"):
        return TimeRef(date(day.year + n, 1, 1), "year", "", n > 0)
    return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _resolve_en(match: re.Match[str], rule: str, base: date) -> TimeRef | None:
    if rule.startswith("d"):
        n = int(rule[1:])
        return TimeRef(base + timedelta(days=n), "day", "", n > 0)
    if rule in ("ago", "in"):
        n = EN_NUMBERS.get(match.group(1).lower()) or int(match.group(1))
        return _unit_shift(base, -n if rule == "ago" else n, match.group(2))
    if rule == "weekday":
        which, name = match.group(1).lower(), match.group(2).lower()
        target = WEEKDAYS_EN.index(name)
        if which in ("on", "coming"):  # "on Friday": the nearest one, looking back for a past
            return None  # tense we cannot see here; the caller keeps the fact undated
        weeks = {"last": -1, "this": 0, "next": 1}[which]
        day = _week_start(base, weeks) + timedelta(days=target)
        return TimeRef(day, "day", "", day > base)
    if rule == "period":
        which, unit = match.group(1).lower(), match.group(2).lower()
        n = {"last": -1, "this": 0, "next": 1}[which]
        if unit == "week":
            return TimeRef(_week_start(base, n), "week", "", n > 0)
        return _unit_shift(base, n, unit)
    if rule == "monthday":
        day = _safe_date(base.year, MONTHS_EN.index(match.group(1).lower()) + 1,
                         int(match.group(2)))  # fmt: skip
        return TimeRef(day, "day", "", day > base) if day else None
    if rule == "daymonth":
        day = _safe_date(base.year, MONTHS_EN.index(match.group(2).lower()) + 1,
                         int(match.group(1)))  # fmt: skip
        return TimeRef(day, "day", "", day > base) if day else None
    if rule == "iso":
        day = _safe_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        return TimeRef(day, "day", "", day > base) if day else None
    return None


def _resolve_zh(match: re.Match[str], rule: str, base: date) -> TimeRef | None:
    if rule.startswith("d"):
        n = int(rule[1:])
        return TimeRef(base + timedelta(days=n), "day", "", n > 0)
    if rule in ("ago", "in"):
        n = _zh_number(match.group(1))
        if n is None:
            return None
        return _unit_shift(base, -n if rule == "ago" else n, match.group(2))
    if rule == "weekday":
        weeks = {"上上": -2, "上": -1, "这": 0, "本": 0, "下": 1, "下下": 2}[match.group(1)]
        day = _week_start(base, weeks) + timedelta(days=WEEKDAYS_ZH[match.group(3)])
        return TimeRef(day, "day", "", day > base)
    if rule == "bare_weekday":  # 周五 alone: this week's
        day = _week_start(base) + timedelta(days=WEEKDAYS_ZH[match.group(2)])
        return TimeRef(day, "day", "", day > base)
    if rule == "period":
        n = {"上": -1, "这": 0, "本": 0, "下": 1}[match.group(1)]
        if match.group(3) == "月":
            return TimeRef(_month_shift(base, n), "month", "", n > 0)
        return TimeRef(_week_start(base, n), "week", "", n > 0)
    if rule == "year":
        n = {"前年": -2, "去年": -1, "今年": 0, "明年": 1, "后年": 2}[match.group(1)]
        return TimeRef(date(base.year + n, 1, 1), "year", "", n > 0)
    if rule == "monthday":
        year = int(match.group(1)) if match.group(1) else base.year
        month, dom = _zh_number(match.group(2)), _zh_number(match.group(3))
        day = _safe_date(year, month or 0, dom or 0)
        return TimeRef(day, "day", "", day > base) if day else None
    return None


def find_times(text: str, base: date) -> list[TimeRef]:
    """Every time expression in `text`, resolved against `base`, in order of appearance;
    overlapping matches keep the earlier-listed (more specific) rule."""
    found: list[tuple[int, int, TimeRef]] = []
    for rules, resolve in ((_EN_RULES, _resolve_en), (_ZH_RULES, _resolve_zh)):
        for pattern, rule in rules:
            for match in pattern.finditer(text):
                start, end = match.span()
                if any(s < end and start < e for s, e, _ in found):
                    continue
                ref = resolve(match, rule, base)
                if ref is not None:
                    found.append((start, end, TimeRef(ref.day, ref.precision, match.group(0),
                                                      ref.future)))  # fmt: skip
    return [ref for _, _, ref in sorted(found, key=lambda f: f[0])]
