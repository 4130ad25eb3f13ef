"""How fact values read on the page, in Chinese ('zh') or English ('en'): units, qualifiers,
numbers and dates.

A qualifier is part of the number: 6 with `at_least` always reads "6%以上" (or "at least 6%"),
in prose, cards, tables, chart labels and hover text alike, because every place formats through
`format_value`.
"""

from __future__ import annotations

import re
from typing import Any

# unit -> (kind, how a value reads, what editors write in YAML)
NUMBER_UNITS: dict[str, str] = {
    "percent": "{n}%",
    "percentage_point": "{n}个百分点",
    "rank": "第{n}",
    "count": "{n}{measure}",
    "year": "{n}年",
    "number": "{n}",
}
TEXT_UNITS = {"text", "date", "place"}
LIST_UNITS = {"list"}
UNITS = [*NUMBER_UNITS, *sorted(TEXT_UNITS), *LIST_UNITS]

QUALIFIERS: dict[str, str] = {
    "exact": "{v}",
    "at_least": "{v}以上",
    "more_than": "超过{v}",
    "about": "约{v}",
    "at_most": "不超过{v}",
    "less_than": "不到{v}",
}
NUMBER_UNITS_EN: dict[str, str] = {
    "percent": "{n}%",
    "percentage_point": "{n} percentage points",
    "rank": "No. {n}",
    "count": "{n}",
    "year": "{n}",
    "number": "{n}",
}
QUALIFIERS_EN: dict[str, str] = {
    "exact": "{v}",
    "at_least": "at least {v}",
    "more_than": "more than {v}",
    "about": "about {v}",
    "at_most": "at most {v}",
    "less_than": "less than {v}",
}
QUALIFIER_WORDS_EN = {"exact": "", "at_least": "at least (lower bound)", "more_than": "more than (lower bound)",
                      "about": "about (approximate)", "at_most": "at most (upper bound)",
                      "less_than": "less than (upper bound)"}
_ENGLISH_NUMBERS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
_MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"]
QUALIFIER_WORDS = {"exact": "", "at_least": "以上（下限）", "more_than": "超过（下限，不含）",
                   "about": "约（近似值）", "at_most": "不超过（上限）", "less_than": "不到（上限，不含）"}
LOWER_BOUNDS = {"at_least", "more_than"}
UPPER_BOUNDS = {"at_most", "less_than"}

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")


_NUMERALS = "零一二三四五六七八九"


def chinese_numeral(number: int, *, before_measure: bool = False) -> str:
    """0-99 in Chinese numerals: 3 -> 三, 12 -> 十二, 2 before a measure word -> 两."""
    if number == 2 and before_measure:
        return "两"
    if number < 10:
        return _NUMERALS[number]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else _NUMERALS[tens]) + "十" + (_NUMERALS[ones] if ones else "")


def format_number(value: float | int, decimals: int | None = None) -> str:
    """Digits as a Chinese newsroom prints them: no trailing zeros, separators from 10,000."""
    if decimals is not None:
        value = round(value, decimals)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    text = f"{value:.{decimals}f}" if decimals is not None else repr(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_date(text: str, language: str = "zh") -> str:
    """'2026-03-18' -> '2026年3月18日' or 'March 18, 2026'; '2025-12' -> '2025年12月' or
    'December 2025'; anything else unchanged."""
    if match := _DATE.fullmatch(text):
        year, month, day = match.groups()
        if language == "en":
            return f"{_MONTHS_EN[int(month) - 1]} {int(day)}, {year}"
        return f"{year}年{int(month)}月{int(day)}日"
    if match := _MONTH.fullmatch(text):
        year, month = match.groups()
        return f"{_MONTHS_EN[int(month) - 1]} {year}" if language == "en" else f"{year}年{int(month)}月"
    return text


def format_period(period: str, language: str = "zh") -> str:
    """A fact's period for reading: '2014' -> '2014年' (Chinese) or '2014'; dates as dates."""
    if period.isdigit():
        return period if language == "en" else f"{period}年"
    return format_date(period, language)


def join_list(items: Any, language: str = "zh") -> str:
    """'A、B、C' in Chinese; 'A, B and C' in English, with a comma before the 'and' when an item
    has an 'and' of its own ('A, B and C, and D') and semicolons when an item has a comma."""
    items = list(items)
    if language != "en":
        return "、".join(items)
    if len(items) < 3:
        return " and ".join(items)
    if any("," in item for item in items):
        return "; ".join(items[:-1]) + "; and " + items[-1]
    last = ", and " if any(" and " in item for item in items) else " and "
    return ", ".join(items[:-1]) + last + items[-1]


def format_value(value: Any, unit: str, qualifier: str = "exact", *, decimals: int | None = None,
                 measure: str = "个", in_words: bool = False, language: str = "zh") -> str:
    """The value with its unit and qualifier, the way a reader sees it: '6%以上', '第4', '3个'
    (or '三个' with `in_words`, for whole numbers below 100); in English 'at least 6%', 'No. 4',
    '3' (or 'three')."""
    if unit in NUMBER_UNITS:
        return _format_number_value(value, unit, qualifier, decimals, measure, in_words, language)
    if unit == "date":
        return format_date(str(value), language)
    if unit in LIST_UNITS:
        return join_list(value, language)
    return str(value)


def _format_number_value(value: Any, unit: str, qualifier: str, decimals: int | None, measure: str,
                         in_words: bool, language: str) -> str:
    number = str(value) if unit == "year" else format_number(value, decimals)
    whole = unit != "year" and float(value).is_integer() and 0 <= value < 100
    if language == "en":
        if in_words and whole and value <= 10:
            number = _ENGLISH_NUMBERS[int(value)]
        text = NUMBER_UNITS_EN[unit].format(n=number)
        if unit == "percentage_point" and float(value) == 1:
            text = text.removesuffix("s")
        return QUALIFIERS_EN[qualifier].format(v=text)
    if in_words and whole:
        number = chinese_numeral(int(value), before_measure=unit == "count")
    return QUALIFIERS[qualifier].format(v=NUMBER_UNITS[unit].format(n=number, measure=measure))
