"""Coverage of an archived source: every number in it is either in the evidence of a fact or set
aside on purpose, with a reason, in the source's set-aside file (`sources/NAME.setaside.yaml`
next to `sources/NAME.txt`).

A number is covered by a fact when the fact's evidence, found in the normalised text, spans it
and the fact states it: as its value, its period, or words of its text.
Scraped sources repeat paragraphs: a number counts once per sentence it stands in, and is
covered when any of its repetitions is.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from kejiquan_site.check.numbers import Normalised, Number, compared, find_numbers, normalise_with_map, sentence_bounds
from kejiquan_site.diagnostics import Diagnostic, Location
from kejiquan_site.read.facts import Fact
from kejiquan_site.read.setasides import SetAside, set_aside_path


@dataclass(frozen=True)
class SourceNumber:
    """A number of a source, once however often its sentence is repeated: its first occurrence,
    the spans of all (in the normalised text), the sentence and where it starts in the file."""

    number: Number
    spans: tuple[tuple[int, int], ...]
    sentence: str
    line: int
    column: int


def source_numbers(text: str) -> tuple[Normalised, list[SourceNumber]]:
    """The normalised text and its numbers, repeated sentences counted once."""
    normalised = normalise_with_map(text)
    found: dict[tuple[str, int], list[Number]] = {}  # (sentence, its how-manieth number) -> occurrences
    seen_in: dict[tuple[int, int], int] = {}  # sentence bounds -> numbers met in it so far
    for number in find_numbers(normalised.text):
        bounds = sentence_bounds(normalised, number.start)
        ordinal = seen_in.get(bounds, 0)
        seen_in[bounds] = ordinal + 1
        found.setdefault((normalised.text[bounds[0]:bounds[1]], ordinal), []).append(number)
    result = []
    for (sentence, _), numbers in found.items():
        first = normalised.origin[numbers[0].start]
        line = text.count("\n", 0, first) + 1
        column = first - (text.rfind("\n", 0, first) + 1) + 1
        result.append(SourceNumber(numbers[0], tuple((n.start, n.end) for n in numbers), sentence, line, column))
    return normalised, result


@dataclass(frozen=True)
class Coverage:
    """How the numbers of one archived source are accounted for."""

    source: str
    path: str  # the archive, as shown in messages
    numbers: int
    facts: int
    set_aside: int
    uncovered: tuple[SourceNumber, ...]

    @property
    def summary(self) -> str:
        text = f"source {self.source}: {_count(self.numbers, 'number')}, {_count(self.facts, 'fact')}, " \
               f"{self.set_aside} set aside"
        return text + (f", {len(self.uncovered)} neither" if self.uncovered else "")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _occurrences(fragment: str, text: str) -> list[tuple[int, int]]:
    """Where `fragment` occurs in the normalised `text`; a value marked in evidence ([[4.22%]])
    is looked for without its brackets."""
    spans, needle = [], compared(fragment.replace("[[", "").replace("]]", ""))
    start = text.find(needle) if needle else -1
    while start >= 0:
        spans.append((start, start + len(needle)))
        start = text.find(needle, start + 1)
    return spans


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in spans)


def _written_as(number: Number) -> set[str]:
    return {number.text, number.numeral, number.text.removeprefix("第")} - {""}


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


def _states(fact: Fact, number: Number) -> bool:
    """Whether the fact gives this number: as its value, its period, a date's parts, or words of
    its text (一平台两廊三支点). A number that only stands next to a fact's value in its evidence
    (the 百 of 百强 beside a rank) is not stated by it."""
    written = _written_as(number) | {number.text.removesuffix("年")}
    if fact.period and compared(fact.period) in written:
        return True
    if fact.is_number:
        return number.value is not None and float(fact.value) == float(number.value)
    if fact.unit == "date" and (match := _ISO_DATE.fullmatch(str(fact.value))):
        year, month, day = match.groups()
        forms = {year, f"{year}年"} | ({f"{int(month)}月{int(day)}日", f"{int(month)}月{int(day)}号"} if day else
                                       {f"{year}年{int(month)}月"})
        return bool(written & forms)
    values = fact.value if isinstance(fact.value, tuple) else (fact.value,)
    return any(number.text in compared(str(value)) for value in values)


def _stated(numbers: list[SourceNumber], facts: tuple[Fact, ...], text: str) -> list[SourceNumber]:
    """The numbers that a fact states, inside one of the places its evidence occurs."""
    starts = sorted(((start, end, n) for n in numbers for start, end in n.spans), key=lambda item: item[0])
    keys = [start for start, _, _ in starts]
    stated: dict[int, SourceNumber] = {}
    for fact in facts:
        for first, last in _occurrences(fact.evidence, text):
            for _start, end, number in starts[bisect.bisect_left(keys, first):bisect.bisect_left(keys, last)]:
                if end <= last and id(number) not in stated and _states(fact, number.number):
                    stated[id(number)] = number
    return [n for n in numbers if id(n) in stated]


def check_coverage(source_id: str, archive: tuple[str, str], facts: tuple[Fact, ...],
                   set_asides: tuple[str, tuple[SetAside, ...]] | None) -> tuple[Coverage, list[Diagnostic]]:
    """The coverage of one source, a warning for each number neither a fact nor set aside, and
    an error for each set-aside entry that matches nothing (the list has gone stale)."""
    shown, text = archive
    normalised, numbers = source_numbers(text)
    by_fact = _stated(numbers, facts, normalised.text)
    entries = set_asides[1] if set_asides else ()
    matched: dict[SetAside, list[SourceNumber]] = {}
    for entry in entries:
        where = _occurrences(entry.fragment, normalised.text)
        wanted = compared(entry.number)
        matched[entry] = [n for n in numbers if wanted in _written_as(n.number)
                          and any(_inside(span, where) for span in n.spans)]
    covered = {id(n) for n in by_fact}
    aside = {id(n) for found in matched.values() for n in found} - covered
    uncovered = tuple(n for n in numbers if id(n) not in covered and id(n) not in aside)
    problems = [_uncovered_problem(source_id, shown, n, set_aside_path(shown) if not set_asides else set_asides[0])
                for n in uncovered]
    problems += [_stale_problem(entry, shown, normalised) for entry, found in matched.items() if not found]
    return Coverage(source_id, shown, len(numbers), len(by_fact), len(aside), uncovered), problems


def _uncovered_problem(source_id: str, shown: str, number: SourceNumber, set_aside_file: str) -> Diagnostic:
    sentence = number.sentence if len(number.sentence) <= 60 else number.sentence[:59] + "…"
    return Diagnostic(Location(shown, number.line, number.column),
                      f"the number '{number.number.text}' of source '{source_id}' is neither a fact nor set aside, "
                      f"in the sentence '{sentence}'",
                      f"a fact that states it, with evidence containing it ('kejiquan facts propose {source_id}' "
                      f"prints one to paste), or an entry with a reason in {set_aside_file}", severity="warning")


def _stale_problem(entry: SetAside, shown: str, normalised: Normalised) -> Diagnostic:
    found = _occurrences(entry.fragment, normalised.text)
    why = "its fragment does not occur there" if not found else f"its fragment holds no number '{entry.number}'"
    return Diagnostic(entry.location, f"the set-aside number '{entry.number}' matches no number of {shown}: {why}",
                      "a fragment copied from the source that contains the number as written there, "
                      "or no entry (a number that became a fact needs none)")
