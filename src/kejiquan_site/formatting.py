"""How fact values read on the page: units, qualifiers and Chinese number formatting.

A qualifier is part of the number: 6 with `at_least` always reads "6%以上", in prose, cards,
tables, chart labels and hover text alike, because every place formats through `format_value`.
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


def format_date(text: str) -> str:
    """'2026-03-18' -> '2026年3月18日'; '2025-12' -> '2025年12月'; anything else unchanged."""
    if match := _DATE.fullmatch(text):
        year, month, day = match.groups()
        return f"{year}年{int(month)}月{int(day)}日"
    if match := _MONTH.fullmatch(text):
        year, month = match.groups()
        return f"{year}年{int(month)}月"
    return text


def format_value(value: Any, unit: str, qualifier: str = "exact", *, decimals: int | None = None,
                 measure: str = "个", in_words: bool = False) -> str:
    """The value with its unit and qualifier, the way a reader sees it: '6%以上', '第4', '3个'
    (or '三个' with `in_words`, for whole numbers below 100)."""
    if unit in NUMBER_UNITS:
        number = format_number(value, decimals)
        if unit == "year":
            number = str(value)
        elif in_words and float(value).is_integer() and 0 <= value < 100:
            number = chinese_numeral(int(value), before_measure=unit == "count")
        text = NUMBER_UNITS[unit].format(n=number, measure=measure)
        return QUALIFIERS[qualifier].format(v=text)
    if unit == "date":
        return format_date(str(value))
    if unit in LIST_UNITS:
        return "、".join(value)
    return str(value)
