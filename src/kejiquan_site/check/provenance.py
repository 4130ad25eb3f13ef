"""Provenance: does a fact's value occur in its evidence, and its evidence in the source text?

Comparison is on normalised text (NFKC, so full-width punctuation and digits match their ASCII
forms; whitespace removed). Numbers may be written in digits or Chinese numerals (三个, 第四,
首位), percentages with % or 百分点, dates as 3月18日.
"""

from __future__ import annotations

import re
import unicodedata

from kejiquan_site.check.numbers import numeral_value
from kejiquan_site.diagnostics import Diagnostic, Location
from kejiquan_site.model.formatting import NUMBER_UNITS, format_number
from kejiquan_site.model.story import Archive
from kejiquan_site.read.facts import Fact, Source

_CHINESE_DIGITS = "零一二三四五六七八九十"
_WHITESPACE = re.compile(r"\s+")
_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


def normalise(text: str) -> str:
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


def _number_forms(value: float | int, unit: str) -> list[str]:
    digits = format_number(value).replace(",", "")
    forms = [digits]
    if isinstance(value, int) or float(value).is_integer():
        number = int(value)
        if 0 <= number <= 10:
            forms.append(_CHINESE_DIGITS[number])
        if number == 1:
            forms += ["首", "第一"]
        if number == 2:
            forms.append("两")
    if unit == "percent":
        return [form + "%" for form in forms[:1]] + [f"百分之{form}" for form in forms]
    if unit == "percentage_point":
        return [form + "个百分点" for form in forms] + [form + "百分点" for form in forms]
    return forms


def value_forms(fact: Fact) -> list[list[str]]:
    """Groups of alternatives: every group must have one alternative in the evidence."""
    if fact.unit in NUMBER_UNITS:
        return [_number_forms(fact.value, fact.unit)]
    if fact.unit == "list":
        return [[item] for item in fact.value]
    if fact.unit == "date":
        match = _DATE.fullmatch(str(fact.value))
        if match and match.group(3):
            return [[f"{int(match.group(2))}月{int(match.group(3))}日", str(fact.value)]]
        return [[str(fact.value)]]
    return [[str(fact.value)]]


def missing_value(fact: Fact) -> str:
    """'' when the value occurs in the evidence (in its marked part, when one is marked), else the
    form that was looked for."""
    evidence = normalise(fact.evidence_marked or fact.evidence)
    for alternatives in value_forms(fact):
        if not any(normalise(form) in evidence for form in alternatives):
            return alternatives[0]
    return ""


_DIGIT_RUN = r"\d+(?:\.\d+)?"
_WORD_RUN = r"[零一二两三四五六七八九十百千]+"
# What counts as a stated number of each unit, in normalised text (NFKC, no spaces).
_CANDIDATES: dict[str, re.Pattern[str]] = {
    "percent": re.compile(rf"({_DIGIT_RUN})%|百分之({_DIGIT_RUN}|{_WORD_RUN})"),
    "percentage_point": re.compile(rf"({_DIGIT_RUN}|{_WORD_RUN})个?百分点"),
    "rank": re.compile(rf"第({_DIGIT_RUN}|{_WORD_RUN})|(首)位"),
    "count": re.compile(rf"({_DIGIT_RUN}|{_WORD_RUN})(?![\d.年月日%])"),
    "number": re.compile(rf"({_DIGIT_RUN}|{_WORD_RUN})(?![\d.年月日%])"),
    "year": re.compile(r"(\d{4})(?=年)"),
}
_YEAR = re.compile(r"\d{4}")


def stated_numbers(text: str, unit: str) -> list[tuple[int, float, str]]:
    """(position, value, as written) of each number of `unit` stated in normalised `text`."""
    pattern = _CANDIDATES.get(unit)
    if pattern is None:
        return []
    found = []
    for match in pattern.finditer(text):
        group = next(index for index in range(1, pattern.groups + 1) if match.group(index) is not None)
        value = numeral_value(match.group(group))
        if value is not None:  # the patterns match numerals only, so this is always so
            found.append((match.start(), float(value), match.group(0)))
    return found


def unmarked_choice(fact: Fact) -> tuple[str, str] | None:
    """None when the evidence says unambiguously which number is the value, else (why not, what to do).

    One number of the fact's unit in the evidence is unambiguous; so is a marked one ([[4.22%]]).
    With several, the fact's period ties it: the first number after the period's year
    (2024年的4.22%) must be the value."""
    if fact.evidence_marked or not fact.is_number:
        return None
    evidence = normalise(fact.evidence)
    numbers = stated_numbers(evidence, fact.unit)
    if len({value for _, value, _ in numbers}) <= 1:
        return None
    shown = ", ".join(dict.fromkeys(written for _, _, written in numbers))
    year = _YEAR.search(fact.period)
    at = evidence.find(year.group()) if year else -1
    tied = next((number for number in numbers if at >= 0 and number[0] >= at + 4), None)
    if tied is None:
        return (f"the evidence of '{fact.id}' holds {len(numbers)} numbers ({shown}); it does not say which is "
                "the value", _marking_advice(fact))
    if tied[1] != float(fact.value):
        return (f"the evidence of '{fact.id}' gives {tied[2]} for its period {year.group() if year else ''}, but the value is "
                f"{format_number(fact.value)}", f"'value: {format_number(tied[1])}', or the 'period:' the value is for")
    return None


def _marking_advice(fact: Fact) -> str:
    """How to say which number is the value: the evidence with the value marked, when it is there."""
    evidence = normalise(fact.evidence)
    for start, value, written in stated_numbers(evidence, fact.unit):
        if value == float(fact.value):
            marked = evidence[:start] + "[[" + written + "]]" + evidence[start + len(written):]
            return f"the value marked in the evidence: {marked} (or a 'period:' whose year the evidence writes before it)"
    return "the value marked in the evidence, such as 从2014年的3.5%跃升至2024年的[[4.22%]]"


def evidence_in_source(fact: Fact, source_text: str) -> bool:
    return normalise(fact.evidence) in normalise(source_text)


def _evidence_location(fact: Fact) -> Location:
    return fact.evidence_at or fact.location


def disputed_facts(facts: list[Fact]) -> set[str]:
    """The ids of stated facts whose value is not the one their evidence states: the root cause of
    any change or uncovered number they would seem to make, so those are not reported as well."""
    return {fact.id for fact in facts if not fact.derived and (missing_value(fact) or unmarked_choice(fact))}


def check_values_in_evidence(facts: list[Fact]) -> list[Diagnostic]:
    """An error for each stated fact whose value does not occur in its own evidence."""
    problems: list[Diagnostic] = []
    for fact in facts:
        if fact.derived:
            continue
        looked_for = missing_value(fact)
        if looked_for:
            message = (f"the part marked [[{fact.evidence_marked}]] in the evidence of '{fact.id}' is not its value "
                       f"(looked for '{looked_for}')" if fact.evidence_marked else
                       f"the evidence of '{fact.id}' does not contain its value (looked for '{looked_for}')")
            problems.append(Diagnostic(_evidence_location(fact), message,
                                       "a fragment copied from the source that contains the value as written there"))
            continue
        ambiguous = unmarked_choice(fact)
        if ambiguous:
            problems.append(Diagnostic(_evidence_location(fact), *ambiguous))
    return problems


def _unquoted(facts: list[Fact], archives: dict[str, Archive]) -> list[Fact]:
    """The stated facts whose evidence does not occur in the archived text of their source."""
    normalised = {source_id: normalise(text) for source_id, (_, text) in archives.items()}
    return [fact for fact in facts if not fact.derived and fact.source in normalised
            and normalise(fact.evidence) not in normalised[fact.source]]


def unquoted_facts(facts: list[Fact], archives: dict[str, Archive]) -> set[str]:
    """The ids of stated facts whose evidence is not in their source's archived text: like a
    disputed fact, the root cause of any change or uncovered number it would seem to make."""
    return {fact.id for fact in _unquoted(facts, archives)}


def check_evidence_in_sources(facts: list[Fact], archives: dict[str, Archive]) -> list[Diagnostic]:
    """An error for each fact whose evidence is not in the archived text of its source."""
    return [Diagnostic(_evidence_location(fact), f"the evidence of '{fact.id}' does not occur in the archived text "
                       f"of source '{fact.source}' ({archives[fact.source][0]})",
                       "a fragment copied exactly from the source (punctuation width and spaces do not matter); "
                       "a figure from a newer article needs that article as a source of its own: its text in "
                       "content/sources/NAME.txt, an entry in content/sources.yaml and 'source: NAME' in the fact")
            for fact in _unquoted(facts, archives)]


def check_unarchived_sources(sources: dict[str, Source], facts: dict[str, Fact]) -> list[Diagnostic]:
    """A warning for each source that facts cite but that has no archived text: their evidence
    cannot be checked, and that must not go unsaid."""
    cited: dict[str, int] = {}
    for fact in facts.values():
        if not fact.derived:
            cited[fact.source] = cited.get(fact.source, 0) + 1
    return [Diagnostic(source.location, f"source '{source.id}' has no archived text, so the evidence of its "
                       f"{cited[source.id]} fact{'s' if cited[source.id] > 1 else ''} cannot be checked",
                       f"the source's text saved in content/sources/{source.id}.txt and "
                       f"'archive: sources/{source.id}.txt' in sources.yaml", severity="warning")
            for source in sources.values() if not source.archive and source.id in cited]
