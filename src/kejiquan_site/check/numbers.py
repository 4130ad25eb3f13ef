"""Finding the numbers of a source text: every numeric expression (digits, Chinese numerals,
percentages, 百分点, ranks, 万/亿 amounts, years, dates, counts with a measure word), with its
place, its value and the words that qualify it.

The text is compared after NFKC normalisation, character by character, so full-width digits and
punctuation read as their ASCII forms, while every position still maps back to the file's line
and column. Chinese numerals are read here (`chinese_value`): see docs/development.md, "Libraries, and why".
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
CN = "[零〇一二两三四五六七八九十百千]"
_AR = r"\d+(?:\.\d+)?"
_NUM = rf"(?:{_AR}|{CN}+)"
# Measure words after a number that make it a count; longest first, so 支点 wins over 点-less words.
MEASURES = ("个百分点", "百分点", "支点", "平台", "方面", "公里", "个", "大", "条", "项", "种", "家", "所",
            "座", "名", "位", "批", "次", "倍", "成", "廊", "城", "地", "层", "类", "件", "台", "部", "届",
            "期", "轮", "区", "省", "市", "县", "人", "岁", "天", "周", "元", "米", "吨", "年")
_MEASURE = "|".join(m for m in MEASURES if "百分点" not in m)
_RELATIVE = r"(?:去年|今年|明年|前年|上年)(?:底|末|初|上半年|下半年)?"
_YEAR_PART = r"(?:底|末|初|上半年|下半年)"
_PATTERNS = [
    ("date", rf"(?:\d{{4}}年)?\d{{1,2}}月\d{{1,2}}[日号]|(?:\d{{4}}年)?{CN}{{1,3}}月{CN}{{1,3}}[日号]"),
    ("month", r"\d{4}年\d{1,2}月(?!\d)"),
    ("period", rf"\d{{4}}年{_YEAR_PART}|{_RELATIVE}"),
    ("percent", rf"百分之{_NUM}|{_AR}%"),
    ("point", rf"{_NUM}个?百分点"),
    ("rank", rf"第{_NUM}|首位"),
    ("amount", rf"{_NUM}?(?:万亿|亿|万)(?:级|元|美元)|{_NUM}(?:万亿|亿|万)"),
    ("top", rf"{_NUM}强"),
    ("year", rf"(?:19|20)\d{{2}}(?:年|(?![\d.%]|{_MEASURE}|个?百分点|强))"),
    ("count", rf"{_NUM}(?:{_MEASURE})"),
    ("number", _AR),
]
# Every pattern starts with one of these characters (an amount may start at 万 or 亿); testing
# for them first spares trying every pattern at each position where none can start.
_STARTS = rf"[\d{CN[1:-1]}去今明前上第首万亿]"
_SCANNER = re.compile(f"(?={_STARTS})(?:" + "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _PATTERNS) + ")")
# 一 in words that are not counts: 统一大市场, 唯一, 同一, 进一步, 万一
_NOT_A_NUMERAL_AFTER = set("统唯同进万")
_BEFORE = (("不超过", "at_most"), ("不足", "less_than"), ("不到", "less_than"), ("超过", "more_than"),
           ("大约", "about"), ("约", "about"), ("近", "about"), ("逾", "more_than"))
_AFTER = (("以上", "at_least"), ("以下", "at_most"), ("以内", "at_most"), ("左右", "about"),
          ("多", "more_than"), ("余", "more_than"))
SENTENCE_END = "。！？!?；;"
CLAUSE_END = SENTENCE_END + ",，:：“”\"()（）"
TIME_KINDS = ("date", "month", "period", "year")


@dataclass(frozen=True)
class Normalised:
    """A text after NFKC, without whitespace: each character's index in the original text, and
    the positions where a line ended (a line end also ends a sentence)."""

    text: str
    origin: tuple[int, ...]
    breaks: frozenset[int]


def normalise_with_map(text: str) -> Normalised:
    breaks: set[int] = set()
    whole = unicodedata.normalize("NFKC", text)
    if len(whole) == len(text) and "\r" not in text:  # the usual case: one character for one
        kept = [index for index, character in enumerate(whole) if not character.isspace()]
        previous = -1
        for position, index in enumerate(kept):
            if index > previous + 1 and "\n" in text[previous + 1:index]:
                breaks.add(position)
            previous = index
        return Normalised("".join(map(whole.__getitem__, kept)), tuple(kept), frozenset(breaks))
    chars: list[str] = []
    origin: list[int] = []
    breaks.clear()
    for index, character in enumerate(text):
        if character == "\n":
            breaks.add(len(chars))
        for piece in unicodedata.normalize("NFKC", character):
            if not piece.isspace():
                chars.append(piece)
                origin.append(index)
    return Normalised("".join(chars), tuple(origin), frozenset(breaks))


def normalise(text: str) -> str:
    """`text` as compared: NFKC, no whitespace."""
    return normalise_with_map(text).text


_WHITESPACE = re.compile(r"\s+")


def compared(text: str) -> str:
    """`normalise`, faster, for short fragments whose positions are not needed."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


def chinese_value(text: str) -> int | None:
    """三 -> 3, 两 -> 2, 十二 -> 12, 一百零五 -> 105, 百 -> 100, 二〇二五 -> 2025; None otherwise."""
    if text and all(ch in _CN_DIGITS for ch in text):
        return int("".join(str(_CN_DIGITS[ch]) for ch in text)) if len(text) > 1 else _CN_DIGITS[text]
    total, current, section = 0, 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (current or 1) * _CN_UNITS[ch]
            current = 0
        elif ch in _CN_BIG:
            total += (section + current) * _CN_BIG[ch]
            section = current = 0
        else:
            return None
    return total + section + current


def numeral_value(text: str) -> float | int | None:
    """The value of digits ('4.22', '１５'), Chinese numerals ('三', '十二') or 首 (first: 1).
    The one reader of numerals: provenance.py reads the evidence's numbers with it too."""
    text = unicodedata.normalize("NFKC", text)
    if text == "首":
        return 1
    if re.fullmatch(_AR, text):
        return float(text) if "." in text else int(text)
    return chinese_value(text)


@dataclass(frozen=True)
class Number:
    """One numeric expression: its kind, where it is in the normalised text, and how it reads."""

    kind: str  # date, month, period, percent, point, rank, amount, top, count, year, number
    start: int
    end: int
    text: str  # as normalised: 6%, 三个, 首位, 2025年底
    numeral: str  # the numeral part: 6, 三, 首 ('' for 去年底 and 万亿级)
    qualifier: str = "exact"
    qualifier_span: tuple[int, int] = (0, 0)

    @property
    def value(self) -> float | int | None:
        return numeral_value(self.numeral) if self.numeral else None

    @property
    def measure(self) -> str:
        return self.text[len(self.numeral):] if self.kind == "count" else ""


_NUMERAL = re.compile(rf"{_AR}|{CN}+")


def find_numbers(text: str) -> list[Number]:
    """Every numeric expression of a normalised text, left to right."""
    numbers: list[Number] = []
    for match in _SCANNER.finditer(text):
        kind, found = match.lastgroup or "number", match.group()
        start = match.start()
        if found[0] == "一" and start and text[start - 1] in _NOT_A_NUMERAL_AFTER:
            continue
        if kind == "number" and start and text[start - 1].isascii() and text[start - 1].isalpha():
            continue  # part of a name or a symbol: G20, CO2, m2 (from ㎡)
        numeral = _numeral_of(kind, found)
        numbers.append(_qualified(text, Number(kind, start, match.end(), found, numeral)))
    return numbers


def _numeral_of(kind: str, found: str) -> str:
    if found == "首位":
        return "首"
    if kind in ("period", "date", "month") or (kind == "amount" and not _NUMERAL.match(found)):
        return ""
    match = _NUMERAL.search(found.removeprefix("第").removeprefix("百分之"))
    return match.group() if match else ""


_QUALIFIER_BEFORE = re.compile("(?:" + "|".join(word for word, _ in _BEFORE) + ")$")
_QUALIFIER_AFTER = re.compile("|".join(word for word, _ in _AFTER))


def _qualified(text: str, number: Number) -> Number:
    """The number with the qualifier written before it (超过6%) or after it (6%以上)."""
    before = _QUALIFIER_BEFORE.search(text, max(0, number.start - 3), number.start)
    if before:
        return dataclasses.replace(number, qualifier=dict(_BEFORE)[before.group()],
                                   qualifier_span=(before.start(), number.start))
    after = _QUALIFIER_AFTER.match(text, number.end)
    if after and number.kind not in TIME_KINDS:
        return dataclasses.replace(number, qualifier=dict(_AFTER)[after.group()],
                                   qualifier_span=(number.end, after.end()))
    return number


def sentence_bounds(normalised: Normalised, position: int, ends: str = SENTENCE_END) -> tuple[int, int]:
    """The start and end of the sentence (or clause, with CLAUSE_END) around `position`; the end
    includes the sentence's closing mark."""
    text, breaks = normalised.text, normalised.breaks
    start = position
    while start > 0 and text[start - 1] not in ends and start not in breaks:
        start -= 1
    end = position
    while end < len(text) and text[end] not in ends and end + 1 not in breaks:
        end += 1
    return start, min(end + 1, len(text))
